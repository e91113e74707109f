// Package callingtest is the conformance suite of calling.Service. Run it
// against any implementation, in the manner of testing/fstest.TestFS: the
// in-memory switchboard's Go face (calling/fake), the real client on the
// switchboard's HTTP face, or the real client on an ACS resource. Where two
// implementations disagree, the failing subtest says where.
//
// The suite drives calls and watches their callback events. The cases that
// need other parties to act as told (a Teams user who answers, a phone
// that rejects, an incoming call) use Env.Parties, which the switchboard
// implements; against a real resource there is none, and the environment
// declares so (Env.Unsupported), which skips those cases.
package callingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Env is what the suite runs against.
type Env struct {
	// Service is the implementation under test.
	Service calling.Service
	// CallbackURL is the callback URL the suite passes to CreateCall,
	// AnswerCall and ConnectCall; what is delivered there must reach
	// Events.
	CallbackURL string
	// Events gives the callback events delivered for each call connection.
	Events Events
	// CallerID is a phone number of the resource, the source caller id of
	// calls to phone numbers.
	CallerID identity.PhoneNumberIdentifier
	// Parties scripts the other parties of the calls. It may be nil only
	// when Unsupported.Parties is declared.
	Parties Parties
	// Advance moves the service's clock forward. It may be nil only when
	// Unsupported.ClockControl is declared.
	Advance func(d time.Duration)
	// RingTimeout is how long a call rings unanswered before it fails; the
	// cases that need Advance move the clock past it.
	RingTimeout time.Duration
	// TransferTimeout is how long a transfer target rings unanswered
	// before the transfer fails.
	TransferTimeout time.Duration
	// Unsupported declares what the implementation or its environment
	// cannot do. The suite skips the checks of exactly that; anything else
	// missing fails.
	Unsupported Unsupported
}

// Unsupported lists what an implementation or its environment may declare
// it cannot do. The suite skips only what is declared: a nil hook, or
// events that do not come, that are not declared fail the case that needs
// them, saying what is missing, so an implementation cannot pass by
// leaving something out. The SDK's own implementations (both faces of
// calling/fake) declare nothing; a run of the client against an ACS
// resource declares Parties and ClockControl, which a test cannot have
// there.
type Unsupported struct {
	// Parties: Env.Parties is nil (nobody answers, declines or calls as
	// told); the cases that script the other parties are skipped.
	Parties bool
	// ClockControl: Env.Advance is nil; the cases that wait for a ring or
	// transfer timeout are skipped.
	ClockControl bool
	// IncomingCallEvents: the IncomingCall events of the calls Parties
	// announces do not reach Env.Events (where they come under the empty
	// call connection id, as they have none); the suite then acts on the
	// calls without checking their events.
	IncomingCallEvents bool
}

// Events gives the callback events of call connections.
type Events interface {
	// Next returns the next event delivered for the call connection, in
	// delivery order, waiting for it until ctx ends.
	Next(ctx context.Context, callConnectionID string) (calling.Event, error)
}

// Parties scripts the simulated parties of a call: *fake.Switchboard
// implements it.
type Parties interface {
	// AddTeamsUser adds a Teams user who behaves as s when called.
	AddTeamsUser(oid string, s fake.Script) identity.MicrosoftTeamsUserIdentifier
	// SetAvailability sets a Teams user's presence.
	SetAvailability(oid string, a fake.Availability)
	// AddPhoneNumber adds a phone that behaves as s when called.
	AddPhoneNumber(number string, s fake.Script) identity.PhoneNumberIdentifier
	// AddACSUser adds an ACS user who behaves as s when called.
	AddACSUser(id string, s fake.Script) identity.CommunicationUserIdentifier
	// IncomingCall makes from call to and announces the call.
	IncomingCall(ctx context.Context, from, to identity.Identifier, opts *fake.IncomingCallOptions) (fake.IncomingCall, error)
	// IncomingCalls reports what became of the incoming calls.
	IncomingCalls() []fake.IncomingCall
	// ApplicationID is the identity the resource calls from and answers as.
	ApplicationID() identity.CommunicationUserIdentifier
	// ResourceID is the resource's immutable id.
	ResourceID() string
	// SetTeamsFederation sets a Teams tenant's federation with ACS
	// resources (Set-CsTeamsAcsFederationConfiguration).
	SetTeamsFederation(tenantID string, f fake.TeamsFederation)
	// SetTeamsUserPolicy sets a Teams user's tenant and voice enablement.
	SetTeamsUserPolicy(oid string, p fake.TeamsUserPolicy)
	// Offers reports the calls offered to parties, with what they were
	// shown.
	Offers() []fake.Offer
}

// Recorder is an Events fed by the environment's callback receiver: call
// Record with what arrives (for example from calling's callback handler, or
// from fake.Options.OnEvent). It is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	queues map[string][]calling.Event
	wake   chan struct{}
	all    []calling.Event
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{queues: map[string][]calling.Event{}, wake: make(chan struct{})}
}

// Record adds delivered events.
func (r *Recorder) Record(events ...calling.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range events {
		if ev == nil {
			continue
		}
		id := ev.Info().CallConnectionID
		r.queues[id] = append(r.queues[id], ev)
		r.all = append(r.all, ev)
	}
	close(r.wake)
	r.wake = make(chan struct{})
}

// RecordBody parses a callback body (a CloudEvents array) and records its
// events.
func (r *Recorder) RecordBody(body []byte) error {
	evs, err := calling.ParseCloudEvents(body)
	if err != nil {
		return err
	}
	r.Record(evs...)
	return nil
}

// Next implements Events.
func (r *Recorder) Next(ctx context.Context, callConnectionID string) (calling.Event, error) {
	for {
		r.mu.Lock()
		if q := r.queues[callConnectionID]; len(q) > 0 {
			ev := q[0]
			r.queues[callConnectionID] = q[1:]
			r.mu.Unlock()
			return ev, nil
		}
		wake := r.wake
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// All returns every event recorded so far, in arrival order.
func (r *Recorder) All() []calling.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.all)
}

// Run runs the suite. newEnv is called once per subtest, so subtests do not
// share state.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			if c.parties {
				if env.Unsupported.Parties {
					t.Skip("declared: Unsupported.Parties")
				}
				if env.Parties == nil {
					t.Fatal("Env.Parties is nil: set it, or declare Env.Unsupported.Parties")
				}
			}
			if c.clock {
				if env.Unsupported.ClockControl {
					t.Skip("declared: Unsupported.ClockControl")
				}
				if env.Advance == nil {
					t.Fatal("Env.Advance is nil: set it, or declare Env.Unsupported.ClockControl")
				}
				if env.RingTimeout <= 0 || env.TransferTimeout <= 0 {
					t.Fatal("Env.RingTimeout and Env.TransferTimeout must be set with Env.Advance")
				}
			}
			c.run(t, &suite{Env: env, t: t})
		})
	}
}

type testCase struct {
	name    string
	parties bool
	clock   bool
	run     func(t *testing.T, s *suite)
}

var cases = []testCase{
	{name: "ArgumentErrors", run: testArgumentErrors},
	{name: "UnknownCallIsNotFound", run: testNotFound},
	{name: "VoIPCallToTeamsUser", parties: true, run: testVoIPCall},
	{name: "PSTNCall", parties: true, run: testPSTNCall},
	{name: "PSTNCallFromResourceAccount", parties: true, run: testPSTNCallFromResourceAccount},
	{name: "GroupCall", parties: true, run: testGroupCall},
	{name: "CreateCallToUnavailableTeamsUser", parties: true, run: testUnavailable},
	{name: "CreateCallDeclined", parties: true, run: testDeclined},
	{name: "CreateCallNotAnswered", parties: true, clock: true, run: testNotAnswered},
	{name: "TeamsTenantAndLicence", parties: true, run: testTeamsInterop},
	{name: "IncomingVoIPCallAnswered", parties: true, run: testIncomingAnswer},
	{name: "IncomingVoIPCallRedirectedToTeamsUser", parties: true, run: testIncomingRedirect},
	{name: "IncomingCallRejected", parties: true, run: testIncomingReject},
	{name: "IncomingCallRedirectedToResource", parties: true, run: testIncomingRedirectToResource},
	{name: "IncomingPhoneCallRedirectedToTeamsUser", parties: true, run: testIncomingPhoneRedirect},
	{name: "IncomingPhoneCallAnsweredAndTransferred", parties: true, run: testIncomingPhoneTransfer},
	{name: "AddParticipantAnswers", parties: true, run: testAddAnswers},
	{name: "AddParticipantDeclines", parties: true, run: testAddDeclines},
	{name: "AddParticipantTimesOut", parties: true, clock: true, run: testAddTimesOut},
	{name: "CancelAddParticipant", parties: true, run: testCancelAdd},
	{name: "AddPhoneParticipant", parties: true, run: testAddPhone},
	{name: "OffersCarryDisplayNameAndContext", parties: true, run: testOffers},
	{name: "TeamsPhoneCallDetails", parties: true, run: testTeamsPhoneCallDetails},
	{name: "RemoveParticipant", parties: true, run: testRemove},
	{name: "MuteParticipant", parties: true, run: testMute},
	{name: "HoldAndUnhold", parties: true, run: testHold},
	{name: "TransferOneToOneCall", parties: true, run: testTransfer},
	{name: "TransferDeclined", parties: true, run: testTransferDeclined},
	{name: "TransferNotAnswered", parties: true, clock: true, run: testTransferNotAnswered},
	{name: "TransferInGroupCall", parties: true, run: testTransferGroup},
	{name: "ListParticipantsPaging", parties: true, run: testListParticipants},
	{name: "HangUpOneToOne", parties: true, run: testHangUpOneToOne},
	{name: "HangUpGroupCallGoesOn", parties: true, run: testHangUpGroup},
	{name: "TerminateCall", parties: true, run: testTerminate},
	{name: "ParticipantHangsUp", parties: true, clock: true, run: testParticipantHangsUp},
	{name: "ParticipantsUpdatedInOrder", parties: true, run: testRosterOrder},
}

// suite is one subtest's environment with helpers.
type suite struct {
	Env
	t *testing.T
}

func (s *suite) ctx() context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	s.t.Cleanup(cancel)
	return c
}

var (
	uniqMu sync.Mutex
	uniqN  int
)

// uniq returns a fresh number for made-up ids.
func uniq() int {
	uniqMu.Lock()
	defer uniqMu.Unlock()
	uniqN++
	return uniqN
}

// teamsUser adds a fresh Teams user with script sc.
func (s *suite) teamsUser(sc fake.Script) identity.MicrosoftTeamsUserIdentifier {
	return s.Parties.AddTeamsUser(fmt.Sprintf("00000000-0000-4000-8000-%012d", uniq()), sc)
}

// phone adds a fresh phone with script sc.
func (s *suite) phone(sc fake.Script) identity.PhoneNumberIdentifier {
	return s.Parties.AddPhoneNumber(fmt.Sprintf("+1425555%04d", uniq()%10000), sc)
}

// acsUser adds a fresh ACS user with script sc.
func (s *suite) acsUser(sc fake.Script) identity.CommunicationUserIdentifier {
	return s.Parties.AddACSUser(fmt.Sprintf("8:acs:00000000-0000-4000-8000-000000000000_%08d", uniq()), sc)
}

// next returns the next event of the connection, failing the test when
// none comes.
func (s *suite) next(id string) calling.Event {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ev, err := s.Events.Next(ctx, id)
	if err != nil {
		s.t.Fatalf("no further event for call %s: %v", id, err)
	}
	return ev
}

// incomingEvent returns the next IncomingCall event, unless the
// environment declared that they do not reach Events (nil then).
func (s *suite) incomingEvent(what string) *calling.IncomingCall {
	s.t.Helper()
	if s.Unsupported.IncomingCallEvents {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ev, err := s.Events.Next(ctx, "")
	if err != nil {
		s.t.Fatalf("no IncomingCall event of %s reached Env.Events (%v): deliver them there, or declare Env.Unsupported.IncomingCallEvents", what, err)
	}
	in, ok := ev.(*calling.IncomingCall)
	if !ok {
		s.t.Fatalf("the next event without a call connection, after %s, is %s, not an IncomingCall", what, describe(ev))
	}
	return in
}

// expect returns the next event of the connection and checks it is a T.
func expect[T calling.Event](s *suite, id string) T {
	s.t.Helper()
	ev := s.next(id)
	v, ok := ev.(T)
	if !ok {
		var zero T
		s.t.Fatalf("call %s: got event %s, want %T", id, describe(ev), zero)
	}
	if got := ev.Info().CallConnectionID; got != id {
		s.t.Errorf("event %s names call %q, want %q", ev.EventType(), got, id)
	}
	return v
}

// until skips events until one of type T arrives.
func until[T calling.Event](s *suite, id string) T {
	s.t.Helper()
	for {
		ev := s.next(id)
		if v, ok := ev.(T); ok {
			return v
		}
	}
}

func describe(ev calling.Event) string {
	if ev == nil {
		return "<nil>"
	}
	out := ev.EventType()
	if r := ev.Info().ResultInformation; r != nil {
		out += fmt.Sprintf(" (%d %s)", r.Code, r.Message)
	}
	return out
}

// connectedCall creates a call from the application to targets and waits
// until it is connected and its first roster is known.
func (s *suite) connectedCall(targets ...identity.Identifier) (string, []calling.CallParticipant) {
	s.t.Helper()
	opts := &calling.CreateCallOptions{OperationContext: "create"}
	for _, t := range targets {
		if _, ok := t.(identity.PhoneNumberIdentifier); ok {
			opts.SourceCallerID = &s.CallerID
		}
	}
	resp, err := s.Service.CreateCall(s.ctx(), targets, s.CallbackURL, opts)
	if err != nil {
		s.t.Fatalf("CreateCall: %v", err)
	}
	id := resp.CallConnectionID
	if id == "" {
		s.t.Fatal("CreateCall returned no call connection id")
	}
	cc := expect[*calling.CallConnected](s, id)
	if cc.OperationContext != "create" {
		s.t.Errorf("CallConnected operation context %q, want %q", cc.OperationContext, "create")
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	return id, pu.Participants
}

// hasParticipant reports whether the roster holds id.
func hasParticipant(ps []calling.CallParticipant, id identity.Identifier) bool {
	for _, p := range ps {
		if p.Identifier != nil && identity.Equal(p.Identifier, id) {
			return true
		}
	}
	return false
}

func (s *suite) wantRoster(what string, ps []calling.CallParticipant, in []identity.Identifier, out []identity.Identifier) {
	s.t.Helper()
	for _, id := range in {
		if !hasParticipant(ps, id) {
			s.t.Errorf("%s: %s is not among the participants %s", what, id.RawID(), rosterString(ps))
		}
	}
	for _, id := range out {
		if hasParticipant(ps, id) {
			s.t.Errorf("%s: %s is still among the participants %s", what, id.RawID(), rosterString(ps))
		}
	}
}

func rosterString(ps []calling.CallParticipant) string {
	var b strings.Builder
	b.WriteString("[")
	for i, p := range ps {
		if i > 0 {
			b.WriteString(" ")
		}
		if p.Identifier != nil {
			b.WriteString(p.Identifier.RawID())
		}
	}
	b.WriteString("]")
	return b.String()
}

// wantResult checks an event's result code and subcode, those the service
// documents for the outcome ("Troubleshooting call end response codes",
// https://learn.microsoft.com/azure/communication-services/resources/troubleshooting/voice-video-calling/troubleshooting-codes).
func wantResult(t *testing.T, ev calling.Event, code, subCode int) {
	t.Helper()
	r := ev.Info().ResultInformation
	if r == nil {
		t.Errorf("%s has no result information, want code %d, subcode %d", ev.EventType(), code, subCode)
		return
	}
	if r.Code != code || r.SubCode != subCode {
		t.Errorf("%s result %d/%d (%s), want %d/%d", ev.EventType(), r.Code, r.SubCode, r.Message, code, subCode)
	}
}

// wantArgErr checks that err is a *calling.ArgumentError, wrapping target
// when target is not nil.
func wantArgErr(t *testing.T, what string, err error, target error) {
	t.Helper()
	var ae *calling.ArgumentError
	if !errors.As(err, &ae) {
		t.Errorf("%s: got %v (%T), want *calling.ArgumentError", what, err, err)
		return
	}
	if msg := ae.Error(); msg != strings.ToLower(msg[:1])+msg[1:] {
		t.Errorf("%s: error text %q should start lowercase", what, msg)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("%s: %v does not wrap %v", what, err, target)
	}
}

// wantStatus checks that err is the service's *azcore.ResponseError with
// that status.
func wantStatus(t *testing.T, what string, err error, status int) {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Errorf("%s: got %v (%T), want *azcore.ResponseError with status %d", what, err, err, status)
		return
	}
	if re.StatusCode != status {
		t.Errorf("%s: status %d (%s), want %d", what, re.StatusCode, re.ErrorCode, status)
	}
}

// must turns a (value, error) result into the value, failing the test on
// an error: must(f())(t, "f").
func must[T any](v T, err error) func(t *testing.T, what string) T {
	return func(t *testing.T, what string) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}
