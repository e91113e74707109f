package fake_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/leakcheck"
)

// goBoard is a switchboard on a manual clock whose events are kept in a
// channel.
type goBoard struct {
	*fake.Switchboard
	clock  *identityfake.Clock
	events chan fake.Event
}

func newGoBoard(t testing.TB, configure func(*fake.Options)) *goBoard {
	t.Helper()
	g := &goBoard{clock: identityfake.NewClock(start()), events: make(chan fake.Event, 1000)}
	o := &fake.Options{Clock: g.clock, OnEvent: func(_ context.Context, d fake.Delivery) { g.events <- *d.Event }}
	if configure != nil {
		configure(o)
	}
	g.Switchboard = fake.New(o)
	t.Cleanup(func() { g.Close() })
	return g
}

// types waits for the events raised so far and returns their types.
func (g *goBoard) types(t testing.TB) []string {
	t.Helper()
	if err := g.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		select {
		case e := <-g.events:
			out = append(out, e.Type)
		default:
			return out
		}
	}
}

func (g *goBoard) call(t testing.TB, targets ...identity.Identifier) string {
	t.Helper()
	resp, err := g.CreateCall(ctx(t), targets, "https://app.contoso.com/cb", &calling.CreateCallOptions{SourceCallerID: &callerID})
	if err != nil {
		t.Fatal(err)
	}
	return resp.CallConnectionID
}

func wantTypes(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: events %v, want %v", what, got, want)
	}
}

func TestRingTimeoutRunsOnTheClock(t *testing.T) {
	g := newGoBoard(t, func(o *fake.Options) { o.RingTimeout = 45 * time.Second })
	bob := g.AddTeamsUser("b0b00000-0000-4000-8000-000000000000", fake.NoAnswer())
	t0 := g.clock.Now()
	id := g.call(t, bob)
	if d := g.Deadlines(); len(d) != 1 || !d[0].Equal(t0.Add(45*time.Second)) {
		t.Fatalf("deadlines %v, want the ring timeout at +45s", d)
	}
	g.clock.Advance(44 * time.Second)
	wantTypes(t, "at +44s", g.types(t))
	if c, _ := g.Call(id); c.State != calling.StateConnecting || len(c.Ringing) != 1 {
		t.Errorf("at +44s: state %q ringing %v", c.State, c.Ringing)
	}
	g.clock.Advance(time.Second)
	wantTypes(t, "at +45s", g.types(t), calling.EventTypeCreateCallFailed)
	if c, _ := g.Call(id); !c.Ended || c.State != calling.StateDisconnected {
		t.Errorf("after the timeout: %+v", c)
	}
	if n := g.Pending(); n != 0 {
		t.Errorf("%d steps pending after the call ended", n)
	}
}

// TestScriptedTimesInOneJump moves the clock an hour at once: the steps
// still happen at their own times, in their order.
func TestScriptedTimesInOneJump(t *testing.T) {
	g := newGoBoard(t, nil)
	alice := g.AddTeamsUser("a11ce000-0000-4000-8000-000000000000", fake.HangsUpAfter(10*time.Second).After(5*time.Second))
	t0 := g.clock.Now()
	id := g.call(t, alice)
	g.clock.Advance(time.Hour)
	if err := g.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	evs := g.Events(id)
	var got []string
	for _, e := range evs {
		got = append(got, e.Type+"@"+e.Time.Sub(t0).String())
	}
	want := []string{
		calling.EventTypeCallConnected + "@5s", calling.EventTypeParticipantsUpdated + "@5s",
		calling.EventTypeParticipantsUpdated + "@15s", calling.EventTypeCallDisconnected + "@15s",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	for i, e := range evs {
		if e.Seq != i+1 || !e.Delivered {
			t.Errorf("event %d: seq %d delivered %v", i, e.Seq, e.Delivered)
		}
	}
	if evs[1].SequenceNumber != 1 || evs[2].SequenceNumber != 2 || len(evs[2].Participants) != 1 {
		t.Errorf("rosters %d %v, %d %v", evs[1].SequenceNumber, evs[1].Participants, evs[2].SequenceNumber, evs[2].Participants)
	}
}

func TestPartiesAndCallerIDs(t *testing.T) {
	g := newGoBoard(t, func(o *fake.Options) { o.CallerIDs = []string{callerID.PhoneNumber} })
	stranger := identity.MicrosoftTeamsUserIdentifier{UserID: "57a4e000-0000-4000-8000-000000000000"}
	id := g.call(t, stranger)
	wantTypes(t, "a call to a party never added", g.types(t), calling.EventTypeCreateCallFailed)
	if e := g.Events(id)[0]; e.Result == nil || e.Result.Code != 404 {
		t.Errorf("result %+v, want 404", e.Result)
	}
	other := identity.PhoneNumberIdentifier{PhoneNumber: "+18005550199"}
	phone := g.AddPhoneNumber("+14255550111", fake.Answers())
	_, err := g.CreateCall(ctx(t), []identity.Identifier{phone}, "https://app.contoso.com/cb", &calling.CreateCallOptions{SourceCallerID: &other})
	if !calling.IsForbidden(err) {
		t.Errorf("a caller id that is not the resource's: %v, want 403", err)
	}
	// A number bought later is the resource's too.
	g.AddCallerID(other.PhoneNumber)
	g.AddCallerID(other.PhoneNumber)
	if ids := g.CallerIDs(); !slices.Equal(ids, []string{callerID.PhoneNumber, other.PhoneNumber}) {
		t.Errorf("CallerIDs %v", ids)
	}
	if _, err := g.CreateCall(ctx(t), []identity.Identifier{phone}, "https://app.contoso.com/cb", &calling.CreateCallOptions{SourceCallerID: &other}); err != nil {
		t.Errorf("a caller id added with AddCallerID: %v", err)
	}
	g.types(t)
	for _, tc := range []struct {
		a    fake.Availability
		code int
	}{{fake.Busy, 486}, {fake.DoNotDisturb, 480}, {fake.Offline, 480}, {fake.Away, 0}, {fake.BeRightBack, 0}} {
		u := g.AddTeamsUser("a0a11ab1-0000-4000-8000-0000000000"+string(tc.a)[:2], fake.Answers())
		g.SetAvailability(u.UserID, tc.a)
		id := g.call(t, u)
		g.types(t)
		e := g.Events(id)[0]
		switch {
		case tc.code == 0 && e.Type != calling.EventTypeCallConnected:
			t.Errorf("%s: %s, want CallConnected", tc.a, e.Type)
		case tc.code != 0 && (e.Type != calling.EventTypeCreateCallFailed || e.Result.Code != tc.code):
			t.Errorf("%s: %s %+v, want CreateCallFailed %d", tc.a, e.Type, e.Result, tc.code)
		}
	}
}

// TestBusyScript: a party scripted IsBusy refuses as busy (486), at once or
// after its ring, as a call, an invitation or a transfer target.
func TestBusyScript(t *testing.T) {
	g := newGoBoard(t, nil)
	busy := g.AddPhoneNumber("+14255550177", fake.IsBusy())
	id := g.call(t, busy)
	wantTypes(t, "a call to a busy phone", g.types(t), calling.EventTypeCreateCallFailed)
	if e := g.Events(id)[0]; e.Result == nil || e.Result.Code != 486 || e.Result.SubCode != 560486 {
		t.Errorf("result %+v, want 486/560486 (a busy PSTN participant)", e.Result)
	}
	later := g.AddPhoneNumber("+14255550178", fake.IsBusy().After(5*time.Second))
	bob := g.AddTeamsUser("b0b00000-0000-4000-8000-000000000000", fake.Answers())
	id = g.call(t, bob)
	g.types(t)
	if _, err := g.AddParticipant(ctx(t), id, later, &calling.AddParticipantOptions{SourceCallerID: &callerID}); err != nil {
		t.Fatal(err)
	}
	if got := g.types(t); len(got) != 0 {
		t.Fatalf("events before the ring ended: %v", got)
	}
	g.clock.Advance(5 * time.Second)
	wantTypes(t, "an invitation a busy phone refuses after 5 s", g.types(t), calling.EventTypeAddParticipantFailed)
	if evs := g.Events(id); evs[len(evs)-1].Result.Code != 486 || evs[len(evs)-1].Result.SubCode != 560486 {
		t.Errorf("result %+v, want 486/560486", evs[len(evs)-1].Result)
	}
	// A busy ACS user gets the generic subcode.
	acs := g.AddACSUser("8:acs:00000000-0000-4000-8000-00000000b05e_0", fake.IsBusy())
	id = g.call(t, acs)
	g.types(t)
	if e := g.Events(id)[0]; e.Result == nil || e.Result.Code != 486 || e.Result.SubCode != 8539 {
		t.Errorf("result %+v, want 486/8539", e.Result)
	}
	if s := fake.IsBusy().After(time.Second).String(); s != "busy after 1s" {
		t.Errorf("String %q", s)
	}
}

func TestUnknownPartiesScript(t *testing.T) {
	answers := fake.Answers()
	g := newGoBoard(t, func(o *fake.Options) { o.Unknown = &answers })
	g.call(t, identity.PhoneNumberIdentifier{PhoneNumber: "+14255550177"})
	wantTypes(t, "a call to an unknown number", g.types(t), calling.EventTypeCallConnected, calling.EventTypeParticipantsUpdated)
}

func TestLeaveAndAbandon(t *testing.T) {
	g := newGoBoard(t, nil)
	a := g.AddTeamsUser("a0000000-0000-4000-8000-000000000001", fake.Answers())
	b := g.AddTeamsUser("b0000000-0000-4000-8000-000000000002", fake.Answers())
	id := g.call(t, a, b)
	g.types(t)
	if g.Leave(id, g.ApplicationID()) || g.Leave("nope", a) {
		t.Error("Leave of the application or of an unknown call succeeded")
	}
	if !g.Leave(id, a) {
		t.Fatal("Leave failed")
	}
	wantTypes(t, "one of two leaves", g.types(t), calling.EventTypeParticipantsUpdated)
	g.Leave(id, b)
	wantTypes(t, "the last one leaves", g.types(t), calling.EventTypeParticipantsUpdated, calling.EventTypeCallDisconnected)
	if g.Leave(id, b) {
		t.Error("Leave from an ended call succeeded")
	}

	in, err := g.IncomingCall(ctx(t), a, g.ApplicationID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !g.AbandonIncomingCall(in.IncomingCallContext) || g.AbandonIncomingCall(in.IncomingCallContext) {
		t.Error("AbandonIncomingCall did not abandon exactly once")
	}
	_, err = g.AnswerCall(ctx(t), in.IncomingCallContext, "https://app.contoso.com/cb", nil)
	if !calling.IsNotFound(err) {
		t.Errorf("answering an abandoned call: %v, want 404", err)
	}
	// A call the application does not act on is abandoned at the ring
	// timeout.
	in, _ = g.IncomingCall(ctx(t), a, g.ApplicationID(), nil)
	g.clock.Advance(fake.DefaultRingTimeout)
	g.types(t)
	if s := g.IncomingCalls()[1].State; s != fake.IncomingAbandoned {
		t.Errorf("state after the ring timeout %q", s)
	}
	_, err = g.RejectCall(ctx(t), in.IncomingCallContext, nil)
	if !calling.IsNotFound(err) {
		t.Errorf("rejecting a timed out call: %v, want 404", err)
	}
	_, err = g.RejectCall(ctx(t), "made-up", nil)
	if calling.StatusCode(err) != http.StatusBadRequest {
		t.Errorf("rejecting with a made-up context: %v, want 400", err)
	}
}

func TestRedirectOutcome(t *testing.T) {
	g := newGoBoard(t, nil)
	caller := g.AddPhoneNumber("+14255550150", fake.Answers())
	for _, tc := range []struct {
		script fake.Script
		code   int
	}{{fake.Answers(), 200}, {fake.Rejects(), 603}, {fake.NoAnswer(), 487}} {
		target := g.AddTeamsUser("7a7a0000-0000-4000-8000-00000000"+tc.script.Action.String()[:4], tc.script)
		in, err := g.IncomingCall(ctx(t), caller, callerID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.RedirectCall(ctx(t), in.IncomingCallContext, target, nil); err != nil {
			t.Fatal(err)
		}
		g.clock.Advance(fake.DefaultRingTimeout)
		g.types(t)
		got := g.IncomingCalls()
		last := got[len(got)-1]
		if last.State != fake.IncomingRedirected || last.RedirectResult == nil || last.RedirectResult.Code != tc.code {
			t.Errorf("%v: %+v, want redirected with %d", tc.script, last, tc.code)
		}
	}
}

func TestConnectCall(t *testing.T) {
	g := newGoBoard(t, nil)
	a := g.AddACSUser("8:acs:r_a", fake.Answers())
	room := calling.CallLocator{Kind: calling.RoomCall, ID: "99434917639286209"}
	g.AddGroupCall(room, a, callerID)
	resp, err := g.ConnectCall(ctx(t), room, "https://app.contoso.com/cb", &calling.ConnectCallOptions{OperationContext: "room"})
	if err != nil {
		t.Fatal(err)
	}
	wantTypes(t, "connect to a room", g.types(t), calling.EventTypeCallConnected, calling.EventTypeParticipantsUpdated)
	if c, _ := g.Call(resp.CallConnectionID); len(c.Participants) != 3 {
		t.Errorf("participants %v, want the application and the two in the room", c.Participants)
	}
	resp, err = g.ConnectCall(ctx(t), calling.CallLocator{Kind: calling.GroupCall, ID: "nope"}, "https://app.contoso.com/cb", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes(t, "connect to an unknown call", g.types(t), calling.EventTypeConnectFailed)
	if _, err := g.GetCall(ctx(t), resp.CallConnectionID, nil); !calling.IsNotFound(err) {
		t.Errorf("GetCall of a failed connect: %v", err)
	}
}

// TestGoFaceChecksLikeTheClient gives both faces the same bad arguments:
// the Go face must return exactly the client's error.
func TestGoFaceChecksLikeTheClient(t *testing.T) {
	h := newHarness(t, nil)
	ctx := ctx(t)
	phone := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550100"}
	badPhone := identity.PhoneNumberIdentifier{PhoneNumber: "0042"}
	teams := identity.MicrosoftTeamsUserIdentifier{}
	type call func(s calling.Service) error
	drop := func(_ any, err error) error { return err }
	for name, f := range map[string]call{
		"create/no caller id": func(s calling.Service) error {
			return drop(s.CreateCall(ctx, []identity.Identifier{phone}, "https://x.example/cb", nil))
		},
		"create/bad number": func(s calling.Service) error {
			return drop(s.CreateCall(ctx, []identity.Identifier{badPhone}, "https://x.example/cb", &calling.CreateCallOptions{SourceCallerID: &callerID}))
		},
		"create/empty teams user": func(s calling.Service) error {
			return drop(s.CreateCall(ctx, []identity.Identifier{teams}, "https://x.example/cb", nil))
		},
		"create/http callback": func(s calling.Service) error {
			return drop(s.CreateCall(ctx, []identity.Identifier{phone}, "http://x.example/cb", nil))
		},
		"create/media without channel": func(s calling.Service) error {
			return drop(s.CreateCall(ctx, []identity.Identifier{teamsAlice}, "https://x.example/cb", &calling.CreateCallOptions{MediaStreaming: &calling.MediaStreamingOptions{}}))
		},
		"answer/no callback": func(s calling.Service) error { return drop(s.AnswerCall(ctx, "c", "", nil)) },
		"redirect/no context": func(s calling.Service) error {
			return drop(s.RedirectCall(ctx, "", teamsAlice, nil))
		},
		"reject/reason": func(s calling.Service) error {
			return drop(s.RejectCall(ctx, "c", &calling.RejectCallOptions{Reason: "x"}))
		},
		"connect/no id": func(s calling.Service) error {
			return drop(s.ConnectCall(ctx, calling.CallLocator{Kind: calling.GroupCall}, "https://x.example/cb", nil))
		},
		"get/no id": func(s calling.Service) error { return drop(s.GetCall(ctx, "", nil)) },
		"list/foreign next link": func(s calling.Service) error {
			return drop(s.ListParticipantsPage(ctx, "c", &calling.ListParticipantsOptions{NextLink: "https://evil.example/next"}))
		},
		"participant/nil": func(s calling.Service) error { return drop(s.GetParticipant(ctx, "c", nil, nil)) },
		"add/timeout": func(s calling.Service) error {
			return drop(s.AddParticipant(ctx, "c", teamsAlice, &calling.AddParticipantOptions{InvitationTimeout: 1500 * time.Millisecond}))
		},
		"add/operation callback": func(s calling.Service) error {
			return drop(s.AddParticipant(ctx, "c", teamsAlice, &calling.AddParticipantOptions{OperationCallbackURL: "nope"}))
		},
		"remove/nil":   func(s calling.Service) error { return drop(s.RemoveParticipant(ctx, "c", nil, nil)) },
		"cancel/no id": func(s calling.Service) error { return drop(s.CancelAddParticipant(ctx, "c", "", nil)) },
		"mute/no call": func(s calling.Service) error { return drop(s.MuteParticipant(ctx, "", teamsAlice, nil)) },
		"transfer/nil": func(s calling.Service) error { return drop(s.TransferToParticipant(ctx, "c", nil, nil)) },
		"hold/ssml": func(s calling.Service) error {
			return drop(s.HoldParticipant(ctx, "c", teamsAlice, &calling.HoldParticipantOptions{PlaySource: &calling.PlaySource{Kind: calling.PlaySSML}}))
		},
		"unhold/nil":     func(s calling.Service) error { return drop(s.UnholdParticipant(ctx, "c", nil, nil)) },
		"hangup/no id":   func(s calling.Service) error { return drop(s.HangUp(ctx, "", nil)) },
		"terminate/none": func(s calling.Service) error { return drop(s.TerminateCall(ctx, "", nil)) },
		"nil context": func(s calling.Service) error {
			//lint:ignore SA1012 the point of the test: a nil context is refused
			return drop(s.GetCall(nil, "c", nil))
		},
	} {
		goErr, clientErr := f(h.sb), f(h.client)
		var ae *calling.ArgumentError
		if !errors.As(clientErr, &ae) {
			t.Errorf("%s: the client returned %v, not an *ArgumentError", name, clientErr)
			continue
		}
		if goErr == nil || goErr.Error() != clientErr.Error() || errors.Is(clientErr, calling.ErrMissingCallerID) != errors.Is(goErr, calling.ErrMissingCallerID) {
			t.Errorf("%s: the Go face returned %v, the client %v", name, goErr, clientErr)
		}
	}
	if n := len(h.sb.Requests()); n != 0 {
		t.Errorf("%d requests reached the switchboard; bad arguments must stop before", n)
	}
}

// TestCloseStopsEveryGoroutine: a switchboard's goroutines (scheduler,
// delivery workers) are gone when Close returns.
func TestCloseStopsEveryGoroutine(t *testing.T) {
	check := leakcheck.Start(t)
	before := runtime.NumGoroutine()
	for range 3 {
		g := fake.New(&fake.Options{Clock: identityfake.NewClock(start()), OnEvent: func(context.Context, fake.Delivery) {}})
		u := g.AddTeamsUser("c105e000-0000-4000-8000-000000000000", fake.HangsUpAfter(time.Hour))
		if _, err := g.CreateCall(ctx(t), []identity.Identifier{u}, "https://app.contoso.com/cb", nil); err != nil {
			t.Fatal(err)
		}
		if err := g.Settle(ctx(t)); err != nil {
			t.Fatal(err)
		}
		if runtime.NumGoroutine() <= before {
			t.Fatal("the switchboard runs no goroutine?")
		}
		g.Close()
	}
	check()
}

// TestHangUpAndTerminate: the application leaving a group call leaves the
// others talking; leaving a 1:1 call or terminating ends it.
func TestHangUpAndTerminate(t *testing.T) {
	g := newGoBoard(t, nil)
	a := g.AddTeamsUser("a0000000-0000-4000-8000-0000000000a1", fake.Answers())
	b := g.AddTeamsUser("b0000000-0000-4000-8000-0000000000b2", fake.Answers())
	for _, tc := range []struct {
		targets   []identity.Identifier
		terminate bool
		reason    string
	}{
		{[]identity.Identifier{a, b}, false, "the application hung up; the call goes on for the others"},
		{[]identity.Identifier{a}, false, "the application hung up; the call ended"},
		{[]identity.Identifier{a, b}, true, "terminated for everyone"},
	} {
		id := g.call(t, tc.targets...)
		g.types(t)
		var err error
		if tc.terminate {
			_, err = g.TerminateCall(ctx(t), id, nil)
		} else {
			_, err = g.HangUp(ctx(t), id, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		wantTypes(t, tc.reason, g.types(t), calling.EventTypeCallDisconnected)
		if c, _ := g.Call(id); !c.Ended || c.EndReason != tc.reason {
			t.Errorf("ended %v: %q, want %q", c.Ended, c.EndReason, tc.reason)
		}
	}
}

// TestTransfereeLeavesDuringTransfer: the transfer fails (487) when the
// transferee hangs up while the target rings, and the 1:1 call ends.
func TestTransfereeLeavesDuringTransfer(t *testing.T) {
	g := newGoBoard(t, nil)
	a := g.AddTeamsUser("a0000000-0000-4000-8000-0000000000a3", fake.Answers())
	b := g.AddTeamsUser("b0000000-0000-4000-8000-0000000000b3", fake.NoAnswer())
	id := g.call(t, a)
	g.types(t)
	if _, err := g.TransferToParticipant(ctx(t), id, b, &calling.TransferToParticipantOptions{OperationContext: "x"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := g.Call(id); c.State != calling.StateTransferring || c.TransferTarget == nil {
		t.Errorf("during the transfer: %q to %v", c.State, c.TransferTarget)
	}
	if _, err := g.TransferToParticipant(ctx(t), id, b, nil); !calling.IsConflict(err) {
		t.Errorf("a second transfer: %v, want 409", err)
	}
	g.Leave(id, a)
	wantTypes(t, "the transferee leaves", g.types(t), calling.EventTypeCallTransferFailed, calling.EventTypeParticipantsUpdated, calling.EventTypeCallDisconnected)
	if e := g.Events(id)[2]; e.Result == nil || e.Result.Code != 487 || e.OperationContext != "x" {
		t.Errorf("CallTransferFailed %+v", e)
	}
	if g.Pending() != 0 {
		t.Errorf("%d steps still pending", g.Pending())
	}
}

func TestHelpers(t *testing.T) {
	g := newGoBoard(t, func(o *fake.Options) { o.AccessKey = "c2VjcmV0" })
	if got := g.ConnectionString("http://127.0.0.1:8080/"); got != "endpoint=http://127.0.0.1:8080/;accesskey=c2VjcmV0" {
		t.Errorf("ConnectionString = %q", got)
	}
	if _, err := calling.NewClientFromConnectionString(g.ConnectionString("https://acs.example"), nil); err != nil {
		t.Errorf("the connection string does not parse: %v", err)
	}
	for s, want := range map[fake.Script]string{
		fake.Answers():                        "answer",
		fake.Rejects().After(2 * time.Second): "reject after 2s",
		fake.NoAnswer().After(time.Second):    "ignore",
		fake.HangsUpAfter(time.Minute):        "answer, hang up after 1m0s",
		{}:                                    "answer",
		{Action: 9}:                           "Action(9)",
	} {
		if got := s.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", s, got, want)
		}
	}
	a := g.AddTeamsUser("a0000000-0000-4000-8000-0000000000a4", fake.Answers())
	g.AddParty(a, fake.Rejects()) // replaces the script
	id := g.call(t, a, g.AddACSUser("8:acs:h_1", fake.Answers()), g.AddPhoneNumber("+14255550144", fake.Answers()))
	if err := g.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	g.types(t)
	var ids []string
	for p, err := range g.ListParticipants(ctx(t), id, nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.Identifier.RawID())
	}
	if len(ids) != 3 || slices.Contains(ids, a.RawID()) {
		t.Errorf("participants %v: want the application, the ACS user and the phone, not the Teams user who rejects", ids)
	}
	if _, err := g.CallConnection(id).GetCall(ctx(t), nil); err != nil {
		t.Error(err)
	}
	if tok := g.CallbackToken(); strings.Count(tok, ".") != 2 {
		t.Errorf("CallbackToken %q is not a JWT", tok)
	}
	if _, err := g.ListParticipantsPage(ctx(t), id, &calling.ListParticipantsOptions{NextLink: "/calling/callConnections/other/participants?skip=1"}); err == nil {
		t.Error("a next link of another call was accepted")
	}
}

// TestDeliveryTransportErrors: a receiver that is gone fails each attempt
// with a transport error that does not carry the callback URL.
func TestDeliveryTransportErrors(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	url := gone.URL + "/cb?token=secret"
	gone.Close()
	h := newHarness(t, func(o *fake.Options) { o.DeliveryAttempts = 2 })
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	resp, err := h.sb.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.sb.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	for _, e := range h.sb.Events(resp.CallConnectionID) {
		if e.Delivered || e.Attempts != 2 || !strings.HasPrefix(e.DeliveryError, "posting failed") || strings.Contains(e.DeliveryError, "secret") {
			t.Errorf("%s: delivered %v after %d attempts: %q", e.Type, e.Delivered, e.Attempts, e.DeliveryError)
		}
	}
}

// The results carry the documented codes and subcodes, and the subcode is
// on the wire even when it is 0 (a decline is 603/0; a callee that does
// not answer in two minutes 487/10004; the Learn page "Troubleshooting
// call end response codes"). Issue 14 §1.
func TestResultsOnTheWire(t *testing.T) {
	bodies := make(chan []byte, 100)
	g := newGoBoard(t, func(o *fake.Options) {
		o.OnEvent = func(_ context.Context, d fake.Delivery) { bodies <- d.Body }
	})
	decliner := g.AddTeamsUser("de000000-0000-4000-8000-000000000000", fake.Rejects())
	silent := g.AddTeamsUser("5e000000-0000-4000-8000-000000000000", fake.NoAnswer())
	g.call(t, decliner)
	g.call(t, silent)
	g.clock.Advance(fake.DefaultRingTimeout)
	if err := g.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	close(bodies)
	var got []string
	for b := range bodies {
		evs, err := calling.ParseCloudEvents(b)
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %v", b, err)
		}
		if evs[0].EventType() == calling.EventTypeCreateCallFailed {
			i := strings.Index(string(b), `"resultInformation":`)
			got = append(got, string(b[i:i+strings.Index(string(b[i:]), "}")+1]))
		}
	}
	want := []string{ // sorted: the two calls' deliveries are concurrent
		`"resultInformation":{"code":487,"subCode":10004,"message":"Call was canceled on timeout, as target user didn't accept or reject it on time."}`,
		`"resultInformation":{"code":603,"subCode":0,"message":"Call ended successfully as it was declined from callee."}`,
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("results on the wire:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// IncomingCall is raised only for what the resource receives calls for:
// its ACS users, its numbers and its Teams resource accounts, never a
// Teams user (Learn: Call Automation, incoming call concepts). Issue 14 §4.
func TestIncomingCallOnlyForTheResource(t *testing.T) {
	g := newGoBoard(t, func(o *fake.Options) { o.CallerIDs = []string{callerID.PhoneNumber} })
	caller := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550160"}
	for _, tc := range []struct {
		to identity.Identifier
		ok bool
	}{
		{identity.CommunicationUserIdentifier{ID: "8:acs:r_incoming"}, true},
		{callerID, true},
		{identity.MicrosoftTeamsAppIdentifier{AppID: "2bd4d0d2-0000-4000-8000-000000000001"}, true},
		{teamsAlice, false},
		{identity.PhoneNumberIdentifier{PhoneNumber: "+14255550199"}, false}, // not a number of the resource
	} {
		_, err := g.IncomingCall(ctx(t), caller, tc.to, nil)
		if (err == nil) != tc.ok {
			t.Errorf("IncomingCall to %s: %v, want ok=%v", tc.to.RawID(), err, tc.ok)
		}
	}
	if n := len(g.IncomingCalls()); n != 3 {
		t.Errorf("%d incoming calls, want 3", n)
	}
	// A redirect to a number that is not the resource's rings it: no
	// IncomingCall.
	other := g.AddPhoneNumber("+14255550199", fake.Answers())
	in, err := g.IncomingCall(ctx(t), caller, callerID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.RedirectCall(ctx(t), in.IncomingCallContext, other, nil); err != nil {
		t.Fatal(err)
	}
	g.types(t)
	last := g.IncomingCalls()
	if n := len(last); n != 4 || last[3].RedirectedCall != "" || last[3].RedirectResult == nil || last[3].RedirectResult.Code != 200 {
		t.Errorf("after a redirect to another number: %d incoming calls, the redirected one %+v; want it rung and answered", n, last[len(last)-1])
	}
}
