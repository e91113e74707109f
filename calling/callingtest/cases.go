package callingtest

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

func testArgumentErrors(t *testing.T, s *suite) {
	ctx := s.ctx()
	svc := s.Service
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "00000000-0000-4000-8000-00000000aaaa"}
	phone := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550100"}

	_, err := svc.CreateCall(ctx, []identity.Identifier{phone}, s.CallbackURL, nil)
	wantArgErr(t, "CreateCall to a phone without a caller id", err, calling.ErrMissingCallerID)
	_, err = svc.CreateCall(ctx, []identity.Identifier{teams, phone}, s.CallbackURL, &calling.CreateCallOptions{SourceDisplayName: "x"})
	wantArgErr(t, "group CreateCall with a phone and no caller id", err, calling.ErrMissingCallerID)
	_, err = svc.CreateCall(ctx, nil, s.CallbackURL, nil)
	wantArgErr(t, "CreateCall without targets", err, nil)
	_, err = svc.CreateCall(ctx, []identity.Identifier{teams}, s.CallbackURL, &calling.CreateCallOptions{
		Source:         &identity.CommunicationUserIdentifier{ID: "8:acs:00000000-0000-4000-8000-000000000000_00000001"},
		TeamsAppSource: &identity.MicrosoftTeamsAppIdentifier{AppID: "00000000-0000-4000-8000-0000000000ab"},
	})
	wantArgErr(t, "CreateCall from an ACS user and a Teams resource account", err, calling.ErrTwoSources)
	_, err = svc.CreateCall(ctx, []identity.Identifier{teams}, "", nil)
	wantArgErr(t, "CreateCall without a callback URL", err, nil)
	_, err = svc.CreateCall(ctx, []identity.Identifier{teams}, "ftp://example.com/cb", nil)
	wantArgErr(t, "CreateCall with an ftp callback URL", err, nil)
	_, err = svc.CreateCall(ctx, []identity.Identifier{identity.PhoneNumberIdentifier{PhoneNumber: "4255550100"}}, s.CallbackURL, &calling.CreateCallOptions{SourceCallerID: &s.CallerID})
	wantArgErr(t, "CreateCall to a number not in E.164 form", err, nil)
	_, err = svc.CreateCall(ctx, []identity.Identifier{nil}, s.CallbackURL, nil)
	wantArgErr(t, "CreateCall to a nil target", err, nil)

	_, err = svc.AnswerCall(ctx, "", s.CallbackURL, nil)
	wantArgErr(t, "AnswerCall without a context", err, nil)
	_, err = svc.RedirectCall(ctx, "ctx", nil, nil)
	wantArgErr(t, "RedirectCall to nil", err, nil)
	_, err = svc.RejectCall(ctx, "ctx", &calling.RejectCallOptions{Reason: "sulking"})
	wantArgErr(t, "RejectCall with an unknown reason", err, nil)
	_, err = svc.GetCall(ctx, "", nil)
	wantArgErr(t, "GetCall without an id", err, nil)
	_, err = svc.AddParticipant(ctx, "call", phone, nil)
	wantArgErr(t, "AddParticipant of a phone without a caller id", err, calling.ErrMissingCallerID)
	_, err = svc.AddParticipant(ctx, "call", teams, &calling.AddParticipantOptions{InvitationTimeout: 181 * time.Second})
	wantArgErr(t, "AddParticipant with a too long invitation timeout", err, nil)
	_, err = svc.CancelAddParticipant(ctx, "call", "", nil)
	wantArgErr(t, "CancelAddParticipant without an invitation id", err, nil)
	_, err = svc.HoldParticipant(ctx, "call", teams, &calling.HoldParticipantOptions{PlaySource: &calling.PlaySource{Kind: calling.PlayFile}})
	wantArgErr(t, "HoldParticipant with a file source without a URL", err, nil)
	_, err = svc.ConnectCall(ctx, calling.CallLocator{Kind: "meeting", ID: "x"}, s.CallbackURL, nil)
	wantArgErr(t, "ConnectCall with an unknown locator kind", err, nil)
}

func testNotFound(t *testing.T, s *suite) {
	ctx := s.ctx()
	svc := s.Service
	const id = "00000000-0000-4000-8000-0000deadbeef"
	user := identity.CommunicationUserIdentifier{ID: "8:acs:00000000-0000-4000-8000-000000000000_nobody"}
	_, err := svc.GetCall(ctx, id, nil)
	wantStatus(t, "GetCall", err, http.StatusNotFound)
	if !calling.IsNotFound(err) {
		t.Errorf("calling.IsNotFound(%v) = false", err)
	}
	_, err = svc.ListParticipantsPage(ctx, id, nil)
	wantStatus(t, "ListParticipantsPage", err, http.StatusNotFound)
	_, err = svc.GetParticipant(ctx, id, user, nil)
	wantStatus(t, "GetParticipant", err, http.StatusNotFound)
	_, err = svc.AddParticipant(ctx, id, user, nil)
	wantStatus(t, "AddParticipant", err, http.StatusNotFound)
	_, err = svc.RemoveParticipant(ctx, id, user, nil)
	wantStatus(t, "RemoveParticipant", err, http.StatusNotFound)
	_, err = svc.MuteParticipant(ctx, id, user, nil)
	wantStatus(t, "MuteParticipant", err, http.StatusNotFound)
	_, err = svc.TransferToParticipant(ctx, id, user, nil)
	wantStatus(t, "TransferToParticipant", err, http.StatusNotFound)
	_, err = svc.HoldParticipant(ctx, id, user, nil)
	wantStatus(t, "HoldParticipant", err, http.StatusNotFound)
	_, err = svc.HangUp(ctx, id, nil)
	wantStatus(t, "HangUp", err, http.StatusNotFound)
	_, err = svc.TerminateCall(ctx, id, nil)
	wantStatus(t, "TerminateCall", err, http.StatusNotFound)
	var n int
	for _, err := range calling.NewCallConnection(svc, id).ListParticipants(ctx, nil) {
		n++
		if !calling.IsNotFound(err) {
			t.Errorf("ListParticipants: got %v, want a 404", err)
		}
	}
	if n != 1 {
		t.Errorf("ListParticipants yielded %d values, want 1 error", n)
	}
}

func testVoIPCall(t *testing.T, s *suite) {
	alice := s.teamsUser(fake.Answers())
	resp, err := s.Service.CreateCall(s.ctx(), []identity.Identifier{alice}, s.CallbackURL, &calling.CreateCallOptions{OperationContext: "voip"})
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	id := resp.CallConnectionID
	if resp.State != calling.StateConnecting && resp.State != calling.StateConnected {
		t.Errorf("CreateCall state %q, want connecting", resp.State)
	}
	if len(resp.Targets) != 1 || !identity.Equal(resp.Targets[0], alice) {
		t.Errorf("CreateCall targets %v, want [%s]", resp.Targets, alice.RawID())
	}
	if resp.CallbackURL != s.CallbackURL {
		t.Errorf("CreateCall callback URL %q, want %q", resp.CallbackURL, s.CallbackURL)
	}
	if resp.ServerCallID == "" || resp.CorrelationID == "" {
		t.Errorf("CreateCall: server call id %q, correlation id %q; want both", resp.ServerCallID, resp.CorrelationID)
	}
	cc := expect[*calling.CallConnected](s, id)
	if cc.OperationContext != "voip" {
		t.Errorf("CallConnected operation context %q, want voip", cc.OperationContext)
	}
	if cc.ServerCallID != resp.ServerCallID || cc.CorrelationID != resp.CorrelationID {
		t.Errorf("CallConnected ids (%q, %q) differ from CreateCall's (%q, %q)", cc.ServerCallID, cc.CorrelationID, resp.ServerCallID, resp.CorrelationID)
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("ParticipantsUpdated", pu.Participants, []identity.Identifier{alice}, nil)
	got := must(s.Service.GetCall(s.ctx(), id, nil))(t, "GetCall")
	if got.State != calling.StateConnected {
		t.Errorf("GetCall state %q, want connected", got.State)
	}
	if got.CallConnectionID != id {
		t.Errorf("GetCall id %q, want %q", got.CallConnectionID, id)
	}
	p := must(s.Service.GetParticipant(s.ctx(), id, alice, nil))(t, "GetParticipant")
	if !identity.Equal(p.Identifier, alice) || p.IsMuted || p.IsOnHold {
		t.Errorf("GetParticipant = %+v, want the Teams user, not muted, not on hold", p.CallParticipant)
	}
}

func testPSTNCall(t *testing.T, s *suite) {
	phone := s.phone(fake.Answers())
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{phone}, s.CallbackURL, &calling.CreateCallOptions{SourceCallerID: &s.CallerID, SourceDisplayName: "Contoso"}))(t, "CreateCall")
	if resp.SourceCallerID == nil || resp.SourceCallerID.PhoneNumber != s.CallerID.PhoneNumber {
		t.Errorf("CreateCall source caller id %v, want %s", resp.SourceCallerID, s.CallerID.PhoneNumber)
	}
	expect[*calling.CallConnected](s, resp.CallConnectionID)
	pu := expect[*calling.ParticipantsUpdated](s, resp.CallConnectionID)
	s.wantRoster("ParticipantsUpdated", pu.Participants, []identity.Identifier{phone}, nil)
}

// A Teams resource account (Teams Phone extensibility) calls a phone
// without a caller id of the resource (Learn: "Place server-initiated
// outbound calls with Teams Phone extensibility" sets TeamsAppSource and no
// caller id); the call comes from the account.
func testPSTNCallFromResourceAccount(t *testing.T, s *suite) {
	phone := s.phone(fake.Answers())
	account := identity.MicrosoftTeamsAppIdentifier{AppID: fmt.Sprintf("2bd4d0d2-0000-4000-8000-%012d", uniq())}
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{phone}, s.CallbackURL, &calling.CreateCallOptions{TeamsAppSource: &account}))(t, "CreateCall")
	if resp.Source == nil || !identity.Equal(resp.Source, account) {
		t.Errorf("CreateCall source %v, want the resource account", resp.Source)
	}
	expect[*calling.CallConnected](s, resp.CallConnectionID)
	s.wantRoster("call from the resource account", expect[*calling.ParticipantsUpdated](s, resp.CallConnectionID).Participants, []identity.Identifier{phone}, nil)
}

func testGroupCall(t *testing.T, s *suite) {
	a, b := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	phone := s.phone(fake.Rejects())
	id, _ := s.connectedCall(a, b, phone)
	pu := until[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("group call", pu.Participants, []identity.Identifier{a, b}, []identity.Identifier{phone})
}

func testUnavailable(t *testing.T, s *suite) {
	bob := s.teamsUser(fake.Answers())
	s.Parties.SetAvailability(bob.UserID, fake.Offline)
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{bob}, s.CallbackURL, &calling.CreateCallOptions{OperationContext: "offline"}))(t, "CreateCall")
	ev := expect[*calling.CreateCallFailed](s, resp.CallConnectionID)
	wantResult(t, ev, 480, 10037)
	if ev.OperationContext != "offline" {
		t.Errorf("CreateCallFailed operation context %q, want offline", ev.OperationContext)
	}
	_, err := s.Service.GetCall(s.ctx(), resp.CallConnectionID, nil)
	wantStatus(t, "GetCall after CreateCallFailed", err, http.StatusNotFound)

	carol := s.teamsUser(fake.Answers())
	s.Parties.SetAvailability(carol.UserID, fake.Busy)
	resp = must(s.Service.CreateCall(s.ctx(), []identity.Identifier{carol}, s.CallbackURL, nil))(t, "CreateCall")
	wantResult(t, expect[*calling.CreateCallFailed](s, resp.CallConnectionID), 486, 8539)
}

func testDeclined(t *testing.T, s *suite) {
	bob := s.teamsUser(fake.Rejects())
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{bob}, s.CallbackURL, nil))(t, "CreateCall")
	wantResult(t, expect[*calling.CreateCallFailed](s, resp.CallConnectionID), 603, 0)
}

func testNotAnswered(t *testing.T, s *suite) {
	bob := s.teamsUser(fake.NoAnswer())
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{bob}, s.CallbackURL, nil))(t, "CreateCall")
	got := must(s.Service.GetCall(s.ctx(), resp.CallConnectionID, nil))(t, "GetCall while ringing")
	if got.State != calling.StateConnecting {
		t.Errorf("state while ringing %q, want connecting", got.State)
	}
	s.Advance(s.RingTimeout + time.Second)
	wantResult(t, expect[*calling.CreateCallFailed](s, resp.CallConnectionID), 487, 10004)
}

// Calling a Teams user needs their tenant to allow the resource
// (Set-CsTeamsAcsFederationConfiguration: only listed resources, none when
// disabled) and the user to be voice enabled with Teams Phone (Learn: Call
// Automation's Teams interop how-to); otherwise the call, invitation or
// transfer fails, 403 with subcode 7604 "Unauthorized Teams Interop
// Scenario" (the switchboard's choice, the failure is not documented). A
// tenant that says nothing allows every resource.
func testTeamsInterop(t *testing.T, s *suite) {
	tenant := func(f fake.TeamsFederation) string {
		id := fmt.Sprintf("7e7e0000-0000-4000-8000-%012d", uniq())
		s.Parties.SetTeamsFederation(id, f)
		return id
	}
	user := func(p fake.TeamsUserPolicy) identity.MicrosoftTeamsUserIdentifier {
		u := s.teamsUser(fake.Answers())
		s.Parties.SetTeamsUserPolicy(u.UserID, p)
		return u
	}
	allowing := tenant(fake.TeamsFederation{AllowedResources: []string{strings.ToUpper(s.Parties.ResourceID())}})
	others := tenant(fake.TeamsFederation{AllowedResources: []string{"0e0e0000-0000-4000-8000-000000000000"}})
	disabled := tenant(fake.TeamsFederation{Disabled: true, AllowedResources: []string{s.Parties.ResourceID()}})

	alice := user(fake.TeamsUserPolicy{TenantID: allowing})
	id, _ := s.connectedCall(alice)

	bob := user(fake.TeamsUserPolicy{TenantID: others})
	must(s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{OperationContext: "add-bob"}))(t, "AddParticipant")
	wantResult(t, expect[*calling.AddParticipantFailed](s, id), 403, 7604)

	carol := user(fake.TeamsUserPolicy{TenantID: disabled})
	must(s.Service.TransferToParticipant(s.ctx(), id, carol, nil))(t, "TransferToParticipant")
	wantResult(t, expect[*calling.CallTransferFailed](s, id), 403, 7604)

	dave := user(fake.TeamsUserPolicy{TenantID: allowing, VoiceDisabled: true})
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{dave}, s.CallbackURL, nil))(t, "CreateCall")
	wantResult(t, expect[*calling.CreateCallFailed](s, resp.CallConnectionID), 403, 7604)
}

// incoming announces a call from from to the application and returns its
// context.
func (s *suite) incoming(from identity.Identifier) string {
	s.t.Helper()
	in, err := s.Parties.IncomingCall(s.ctx(), from, s.Parties.ApplicationID(), nil)
	if err != nil {
		s.t.Fatalf("IncomingCall: %v", err)
	}
	if in.IncomingCallContext == "" {
		s.t.Fatal("IncomingCall has no incoming call context")
	}
	if ev := s.incomingEvent("the call from " + from.RawID()); ev != nil {
		switch {
		case ev.IncomingCallContext != in.IncomingCallContext:
			s.t.Errorf("the IncomingCall event carries another incoming call context than the call announced")
		case ev.From == nil || !identity.Equal(ev.From, from):
			s.t.Errorf("the IncomingCall event is from %v, want %s", ev.From, from.RawID())
		case ev.ServerCallID != in.ServerCallID:
			s.t.Errorf("the IncomingCall event's server call id %q, want %q", ev.ServerCallID, in.ServerCallID)
		}
	}
	return in.IncomingCallContext
}

func (s *suite) incomingState(icc string) fake.IncomingCall {
	for _, in := range s.Parties.IncomingCalls() {
		if in.IncomingCallContext == icc {
			return in
		}
	}
	s.t.Fatalf("the incoming call is not known")
	return fake.IncomingCall{}
}

func testIncomingAnswer(t *testing.T, s *suite) {
	alice := s.teamsUser(fake.Answers())
	icc := s.incoming(alice)
	resp := must(s.Service.AnswerCall(s.ctx(), icc, s.CallbackURL, &calling.AnswerCallOptions{OperationContext: "answer"}))(t, "AnswerCall")
	id := resp.CallConnectionID
	cc := expect[*calling.CallConnected](s, id)
	if cc.OperationContext != "answer" {
		t.Errorf("CallConnected operation context %q, want answer", cc.OperationContext)
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("answered call", pu.Participants, []identity.Identifier{alice}, nil)
	if resp.Source == nil || !identity.Equal(resp.Source, alice) {
		t.Errorf("answered call source %v, want the caller", resp.Source)
	}
	_, err := s.Service.AnswerCall(s.ctx(), icc, s.CallbackURL, nil)
	if err == nil {
		t.Error("answering an answered call again succeeded")
	}
	_, err = s.Service.RejectCall(s.ctx(), icc, nil)
	if err == nil {
		t.Error("rejecting an answered call succeeded")
	}
}

func testIncomingRedirect(t *testing.T, s *suite) {
	caller := s.teamsUser(fake.Answers())
	target := s.teamsUser(fake.Answers())
	icc := s.incoming(caller)
	must(s.Service.RedirectCall(s.ctx(), icc, target, nil))(t, "RedirectCall")
	in := s.incomingState(icc)
	if in.State != fake.IncomingRedirected || in.RedirectedTo == nil || !identity.Equal(in.RedirectedTo, target) {
		t.Errorf("after RedirectCall: state %q to %v, want redirected to %s", in.State, in.RedirectedTo, target.RawID())
	}
	_, err := s.Service.AnswerCall(s.ctx(), icc, s.CallbackURL, nil)
	if err == nil {
		t.Error("answering a redirected call succeeded")
	}
	// A Teams user's calls ring their Teams client: the resource gets no
	// IncomingCall for the target.
	for _, c := range s.Parties.IncomingCalls() {
		if c.To != nil && identity.Equal(c.To, target) {
			t.Errorf("the redirect to a Teams user raised an IncomingCall for them")
		}
	}
}

// A redirect to an ACS user or to a number of the resource raises a new
// IncomingCall with "to" set to the target, which the application can
// answer ("If the target is a Communication Services user or a phone
// number owned by your resource, it generates a new IncomingCall event with
// 'to' field set to the target you specified", Learn: Call Automation,
// actions for call control).
func testIncomingRedirectToResource(t *testing.T, s *suite) {
	for _, target := range []identity.Identifier{s.acsUser(fake.Answers()), s.CallerID} {
		caller := s.phone(fake.Answers())
		icc := s.incoming(caller)
		must(s.Service.RedirectCall(s.ctx(), icc, target, nil))(t, "RedirectCall to "+target.RawID())
		next := s.incomingState(icc).RedirectedCall
		if next == "" {
			t.Fatalf("the redirect to %s raised no IncomingCall", target.RawID())
		}
		if ev := s.incomingEvent("the redirect to " + target.RawID()); ev != nil {
			switch {
			case ev.To == nil || !identity.Equal(ev.To, target):
				t.Errorf("the redirect's IncomingCall is to %v, want %s", ev.To, target.RawID())
			case ev.From == nil || !identity.Equal(ev.From, caller):
				t.Errorf("the redirect's IncomingCall is from %v, want the caller %s", ev.From, caller.RawID())
			case ev.IncomingCallContext != next:
				t.Errorf("the redirect's IncomingCall carries another context than the switchboard reports")
			}
		}
		resp := must(s.Service.AnswerCall(s.ctx(), next, s.CallbackURL, nil))(t, "AnswerCall of the redirected call")
		expect[*calling.CallConnected](s, resp.CallConnectionID)
		s.wantRoster("the redirected call", expect[*calling.ParticipantsUpdated](s, resp.CallConnectionID).Participants, []identity.Identifier{caller}, nil)
	}
}

func testIncomingReject(t *testing.T, s *suite) {
	for _, reason := range []calling.RejectReason{"", calling.RejectReasonNone, calling.RejectReasonBusy, calling.RejectReasonForbidden} {
		caller := s.teamsUser(fake.Answers())
		icc := s.incoming(caller)
		must(s.Service.RejectCall(s.ctx(), icc, &calling.RejectCallOptions{Reason: reason}))(t, "RejectCall "+string(reason))
		in := s.incomingState(icc)
		if in.State != fake.IncomingRejected || in.RejectReason != reason {
			t.Errorf("after RejectCall(%q): state %q reason %q", reason, in.State, in.RejectReason)
		}
		_, err := s.Service.RejectCall(s.ctx(), icc, nil)
		if err == nil {
			t.Errorf("rejecting a rejected call (%q) again succeeded", reason)
		}
	}
}

func testIncomingPhoneRedirect(t *testing.T, s *suite) {
	caller := s.phone(fake.Answers())
	target := s.teamsUser(fake.Answers())
	icc := s.incoming(caller)
	must(s.Service.RedirectCall(s.ctx(), icc, target, nil))(t, "RedirectCall")
	if in := s.incomingState(icc); in.State != fake.IncomingRedirected {
		t.Errorf("after RedirectCall: state %q, want redirected", in.State)
	}
}

func testIncomingPhoneTransfer(t *testing.T, s *suite) {
	caller := s.phone(fake.Answers())
	agent := s.teamsUser(fake.Answers())
	icc := s.incoming(caller)
	resp := must(s.Service.AnswerCall(s.ctx(), icc, s.CallbackURL, nil))(t, "AnswerCall")
	id := resp.CallConnectionID
	expect[*calling.CallConnected](s, id)
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("answered phone call", pu.Participants, []identity.Identifier{caller}, nil)
	tr := must(s.Service.TransferToParticipant(s.ctx(), id, agent, &calling.TransferToParticipantOptions{OperationContext: "to-agent"}))(t, "TransferToParticipant")
	if tr.OperationContext != "to-agent" {
		t.Errorf("transfer response operation context %q", tr.OperationContext)
	}
	acc := expect[*calling.CallTransferAccepted](s, id)
	if acc.OperationContext != "to-agent" {
		t.Errorf("CallTransferAccepted operation context %q, want to-agent", acc.OperationContext)
	}
	if acc.TransferTarget == nil || !identity.Equal(acc.TransferTarget, agent) {
		t.Errorf("CallTransferAccepted target %v, want the agent", acc.TransferTarget)
	}
	if acc.Transferee == nil || !identity.Equal(acc.Transferee, caller) {
		t.Errorf("CallTransferAccepted transferee %v, want the caller", acc.Transferee)
	}
	expect[*calling.CallDisconnected](s, id)
	_, err := s.Service.GetCall(s.ctx(), id, nil)
	wantStatus(t, "GetCall after the transfer", err, http.StatusNotFound)
}

func testAddAnswers(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice)
	r := must(s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{OperationContext: "add-bob", InvitationTimeout: 20 * time.Second}))(t, "AddParticipant")
	if r.InvitationID == "" {
		t.Error("AddParticipant returned no invitation id")
	}
	if r.OperationContext != "add-bob" {
		t.Errorf("AddParticipant operation context %q", r.OperationContext)
	}
	if r.Participant.Identifier == nil || !identity.Equal(r.Participant.Identifier, bob) {
		t.Errorf("AddParticipant participant %v, want the invitee", r.Participant.Identifier)
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("after the add", pu.Participants, []identity.Identifier{alice, bob}, nil)
	ok := expect[*calling.AddParticipantSucceeded](s, id)
	if ok.OperationContext != "add-bob" || ok.Participant == nil || !identity.Equal(ok.Participant, bob) {
		t.Errorf("AddParticipantSucceeded context %q participant %v", ok.OperationContext, ok.Participant)
	}
	_, err := s.Service.AddParticipant(s.ctx(), id, bob, nil)
	wantStatus(t, "adding a participant twice", err, http.StatusConflict)
}

func testAddDeclines(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Rejects())
	id, _ := s.connectedCall(alice)
	must(s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{OperationContext: "add-bob"}))(t, "AddParticipant")
	ev := expect[*calling.AddParticipantFailed](s, id)
	wantResult(t, ev, 603, 0)
	if ev.OperationContext != "add-bob" || ev.Participant == nil || !identity.Equal(ev.Participant, bob) {
		t.Errorf("AddParticipantFailed context %q participant %v", ev.OperationContext, ev.Participant)
	}
	ps := collect(t, s, id)
	s.wantRoster("after the declined add", ps, []identity.Identifier{alice}, []identity.Identifier{bob})
}

func testAddTimesOut(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.NoAnswer())
	id, _ := s.connectedCall(alice)
	must(s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{InvitationTimeout: 10 * time.Second}))(t, "AddParticipant")
	s.Advance(10 * time.Second)
	wantResult(t, expect[*calling.AddParticipantFailed](s, id), 487, 10004)
}

func testCancelAdd(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.NoAnswer())
	id, _ := s.connectedCall(alice)
	r := must(s.Service.AddParticipant(s.ctx(), id, bob, nil))(t, "AddParticipant")
	c := must(s.Service.CancelAddParticipant(s.ctx(), id, r.InvitationID, &calling.CancelAddParticipantOptions{OperationContext: "cancel"}))(t, "CancelAddParticipant")
	if c.InvitationID != r.InvitationID {
		t.Errorf("CancelAddParticipant invitation %q, want %q", c.InvitationID, r.InvitationID)
	}
	ev := expect[*calling.CancelAddParticipantSucceeded](s, id)
	if ev.InvitationID != r.InvitationID || ev.OperationContext != "cancel" {
		t.Errorf("CancelAddParticipantSucceeded invitation %q context %q", ev.InvitationID, ev.OperationContext)
	}
	must(s.Service.CancelAddParticipant(s.ctx(), id, r.InvitationID, nil))(t, "CancelAddParticipant again")
	ev2 := expect[*calling.CancelAddParticipantFailed](s, id)
	if ev2.InvitationID != r.InvitationID {
		t.Errorf("CancelAddParticipantFailed invitation %q, want %q", ev2.InvitationID, r.InvitationID)
	}
}

func testAddPhone(t *testing.T, s *suite) {
	alice := s.teamsUser(fake.Answers())
	phone := s.phone(fake.Answers())
	id, _ := s.connectedCall(alice)
	_, err := s.Service.AddParticipant(s.ctx(), id, phone, nil)
	wantArgErr(t, "AddParticipant of a phone without a caller id", err, calling.ErrMissingCallerID)
	must(s.Service.AddParticipant(s.ctx(), id, phone, &calling.AddParticipantOptions{SourceCallerID: &s.CallerID}))(t, "AddParticipant")
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("after adding the phone", pu.Participants, []identity.Identifier{alice, phone}, nil)
	expect[*calling.AddParticipantSucceeded](s, id)
}

// What the application sends with an offer reaches the party: the
// sourceDisplayName of CreateCall and AddParticipant (shown to a Teams
// callee too, Learn: Call Automation Teams interop) and the
// customCallingContext of AddParticipant and TransferToParticipant (the
// requests of the 2026-03-12 spec that have one).
func testOffers(t *testing.T, s *suite) {
	alice, bob, carol := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	phone := s.phone(fake.Answers())
	resp := must(s.Service.CreateCall(s.ctx(), []identity.Identifier{alice}, s.CallbackURL, &calling.CreateCallOptions{SourceDisplayName: "Contoso Support"}))(t, "CreateCall")
	id := resp.CallConnectionID
	expect[*calling.CallConnected](s, id)
	voip := &calling.CustomCallingContext{VoIPHeaders: map[string]string{"x-case": "4711"}}
	sip := &calling.CustomCallingContext{SIPHeaders: map[string]string{"X-MS-Custom-Case": "4711"}}
	must(s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{SourceDisplayName: "Contoso Sales", CustomContext: voip}))(t, "AddParticipant")
	until[*calling.AddParticipantSucceeded](s, id)
	must(s.Service.AddParticipant(s.ctx(), id, phone, &calling.AddParticipantOptions{SourceCallerID: &s.CallerID, SourceDisplayName: "Contoso", CustomContext: sip}))(t, "AddParticipant")
	until[*calling.AddParticipantSucceeded](s, id)
	must(s.Service.TransferToParticipant(s.ctx(), id, carol, &calling.TransferToParticipantOptions{Transferee: bob, CustomContext: voip}))(t, "TransferToParticipant")
	until[*calling.CallTransferAccepted](s, id)

	want := map[string]struct {
		kind, name string
		cc         *calling.CustomCallingContext
	}{
		alice.RawID(): {fake.OfferCall, "Contoso Support", nil},
		bob.RawID():   {fake.OfferInvitation, "Contoso Sales", voip},
		phone.RawID(): {fake.OfferInvitation, "Contoso", sip},
		carol.RawID(): {fake.OfferTransfer, "", voip},
	}
	for _, o := range s.Parties.Offers() {
		if o.CallConnectionID != id || o.Target == nil {
			continue
		}
		w, ok := want[o.Target.RawID()]
		if !ok {
			t.Errorf("an offer to %s, who was not called", o.Target.RawID())
			continue
		}
		delete(want, o.Target.RawID())
		if o.Kind != w.kind || o.SourceDisplayName != w.name || !sameContext(o.CustomContext, w.cc) {
			t.Errorf("offer to %s: %s, display name %q, context %+v; want %s, %q, %+v", o.Target.RawID(), o.Kind, o.SourceDisplayName, o.CustomContext, w.kind, w.name, w.cc)
		}
		if o.Result == nil || o.Result.Code != 200 {
			t.Errorf("offer to %s: result %+v, want answered", o.Target.RawID(), o.Result)
		}
	}
	for raw := range want {
		t.Errorf("no offer to %s", raw)
	}
}

func sameContext(a, b *calling.CustomCallingContext) bool {
	if a == nil || b == nil {
		return a == b
	}
	return maps.Equal(a.VoIPHeaders, b.VoIPHeaders) && maps.Equal(a.SIPHeaders, b.SIPHeaders) && sameTeamsDetails(a.TeamsPhoneCallDetails, b.TeamsPhoneCallDetails)
}

// sameTeamsDetails compares Teams call details, identifiers by identity.
func sameTeamsDetails(a, b *calling.TeamsPhoneCallDetails) bool {
	if a == nil || b == nil {
		return a == b
	}
	ac, bc, as, bs := a.CallerDetails, b.CallerDetails, a.SourceDetails, b.SourceDetails
	x, y := *a, *b
	x.CallerDetails, y.CallerDetails, x.SourceDetails, y.SourceDetails = nil, nil, nil, nil
	if x != y || (ac == nil) != (bc == nil) || (as == nil) != (bs == nil) {
		return false
	}
	if ac != nil && (!identity.Equal(ac.Caller, bc.Caller) || ac.Name != bc.Name || ac.PhoneNumber != bc.PhoneNumber || ac.RecordID != bc.RecordID ||
		ac.ScreenPopURL != bc.ScreenPopURL || ac.IsAuthenticated != bc.IsAuthenticated || !maps.Equal(ac.AdditionalCallerInformation, bc.AdditionalCallerInformation)) {
		return false
	}
	if as != nil && (!identity.Equal(as.Source, bs.Source) || as.Language != bs.Language || as.Status != bs.Status ||
		!maps.EqualFunc(as.IntendedTargets, bs.IntendedTargets, identity.Equal)) {
		return false
	}
	return true
}

// The Teams details of a call offered to a Teams user (issue 17 §9): the
// sourceDisplayName and the customCallingContext's teamsPhoneCallDetails
// (the call's topic and context the Teams client shows, who the caller is,
// which queue passed it on) reach the Teams callee typed, as the 2026-03-12
// spec defines them, on AddParticipant and TransferToParticipant — the
// requests of that spec with a customCallingContext (CreateCallRequest
// has none). Bad details are an ArgumentError and nothing is offered.
func testTeamsPhoneCallDetails(t *testing.T, s *suite) {
	alice, bob, carol := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	customer := s.phone(fake.Answers())
	queue := identity.MicrosoftTeamsAppIdentifier{AppID: "00000000-0000-4000-8000-0000000000cq", Cloud: identity.CloudPublic}
	id, _ := s.connectedCall(alice, customer)
	until[*calling.ParticipantsUpdated](s, id) // the customer joins

	details := &calling.TeamsPhoneCallDetails{
		CallerDetails: &calling.TeamsPhoneCallerDetails{
			Caller: customer, Name: "Megan Bowen", PhoneNumber: customer.PhoneNumber, RecordID: "crm-4711",
			ScreenPopURL: "https://crm.contoso.com/customers/4711", IsAuthenticated: true,
			AdditionalCallerInformation: map[string]string{"Tier": "Gold", "Open cases": "2"},
		},
		SourceDetails: &calling.TeamsPhoneSourceDetails{
			Source: queue, Language: "en", Status: "transferred",
			IntendedTargets: map[string]identity.Identifier{"billing": bob},
		},
		SessionID: "session-4711", Intent: "billing dispute", CallTopic: "Invoice 4711 charged twice",
		CallContext:   "The customer was charged twice for invoice 4711 and asks for a refund.",
		TranscriptURL: "https://crm.contoso.com/calls/4711/transcript", CallSentiment: "negative",
		SuggestedActions: "Refund the second charge.",
	}
	offers := len(s.Parties.Offers())
	bad := []struct {
		what string
		edit func(d *calling.TeamsPhoneCallDetails)
	}{
		{"a call topic of 49 characters", func(d *calling.TeamsPhoneCallDetails) { d.CallTopic = strings.Repeat("x", 49) }},
		{"a relative transcript URL", func(d *calling.TeamsPhoneCallDetails) { d.TranscriptURL = "/transcript" }},
		{"caller details without the caller", func(d *calling.TeamsPhoneCallDetails) { d.CallerDetails.Caller = nil }},
		{"caller details without a name", func(d *calling.TeamsPhoneCallDetails) { d.CallerDetails.Name = "" }},
		{"caller details without a phone number", func(d *calling.TeamsPhoneCallDetails) { d.CallerDetails.PhoneNumber = "" }},
		{"eleven entries of additional caller information", func(d *calling.TeamsPhoneCallDetails) {
			d.CallerDetails.AdditionalCallerInformation = map[string]string{}
			for i := range 11 {
				d.CallerDetails.AdditionalCallerInformation[fmt.Sprint(i)] = "v"
			}
		}},
		{"source details without the source", func(d *calling.TeamsPhoneCallDetails) { d.SourceDetails.Source = nil }},
		{"source details without a language", func(d *calling.TeamsPhoneCallDetails) { d.SourceDetails.Language = "" }},
		{"source details without a status", func(d *calling.TeamsPhoneCallDetails) { d.SourceDetails.Status = "" }},
		{"a nil intended target", func(d *calling.TeamsPhoneCallDetails) {
			d.SourceDetails.IntendedTargets = map[string]identity.Identifier{"x": nil}
		}},
	}
	for _, b := range bad {
		d := *details
		cd, sd := *details.CallerDetails, *details.SourceDetails
		d.CallerDetails, d.SourceDetails = &cd, &sd
		b.edit(&d)
		cc := &calling.CustomCallingContext{TeamsPhoneCallDetails: &d}
		_, err := s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{CustomContext: cc})
		wantArgErr(t, "AddParticipant with "+b.what, err, nil)
		_, err = s.Service.TransferToParticipant(s.ctx(), id, carol, &calling.TransferToParticipantOptions{Transferee: customer, CustomContext: cc})
		wantArgErr(t, "TransferToParticipant with "+b.what, err, nil)
	}
	if n := len(s.Parties.Offers()); n != offers {
		t.Fatalf("%d offers made with bad details", n-offers)
	}

	cc := &calling.CustomCallingContext{TeamsPhoneCallDetails: details}
	must(s.Service.AddParticipant(s.ctx(), id, bob, &calling.AddParticipantOptions{SourceDisplayName: "Contoso Billing", CustomContext: cc}))(t, "AddParticipant")
	until[*calling.AddParticipantSucceeded](s, id)
	must(s.Service.RemoveParticipant(s.ctx(), id, bob, nil))(t, "RemoveParticipant")
	until[*calling.RemoveParticipantSucceeded](s, id)
	// The details change on the way: the sender's maps are not shared.
	details.CallerDetails.AdditionalCallerInformation["Open cases"] = "3"
	details.CallTopic = "Refund for invoice 4711"
	must(s.Service.TransferToParticipant(s.ctx(), id, carol, &calling.TransferToParticipantOptions{Transferee: customer, CustomContext: cc}))(t, "TransferToParticipant")
	until[*calling.CallTransferAccepted](s, id)

	var got []fake.Offer
	for _, o := range s.Parties.Offers() {
		if o.CallConnectionID == id && (o.Kind == fake.OfferInvitation || o.Kind == fake.OfferTransfer) {
			got = append(got, o)
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d offers of the call, want the invitation and the transfer", len(got))
	}
	inv, tr := got[0], got[1]
	if inv.Kind != fake.OfferInvitation || !identity.Equal(inv.Target, bob) || inv.SourceDisplayName != "Contoso Billing" {
		t.Errorf("first offer: %s to %v as %q, want the invitation of %s as \"Contoso Billing\"", inv.Kind, inv.Target, inv.SourceDisplayName, bob.RawID())
	}
	if inv.CustomContext == nil || inv.CustomContext.TeamsPhoneCallDetails == nil {
		t.Fatalf("the invitation carried no Teams details: %+v", inv.CustomContext)
	}
	d := inv.CustomContext.TeamsPhoneCallDetails
	if d.CallTopic != "Invoice 4711 charged twice" || d.CallerDetails == nil || d.CallerDetails.AdditionalCallerInformation["Open cases"] != "2" {
		t.Errorf("the invitation's details changed after it was sent: %+v", d)
	}
	d.CallTopic, d.CallerDetails.AdditionalCallerInformation["Open cases"] = details.CallTopic, "3"
	if !sameTeamsDetails(d, details) {
		t.Errorf("the invitation's details: %+v, caller %+v, source %+v; want %+v, caller %+v, source %+v", d, d.CallerDetails, d.SourceDetails, details, details.CallerDetails, details.SourceDetails)
	}
	if tr.Kind != fake.OfferTransfer || !identity.Equal(tr.Target, carol) || tr.CustomContext == nil || !sameTeamsDetails(tr.CustomContext.TeamsPhoneCallDetails, details) {
		t.Errorf("second offer: %s to %v with %+v, want the transfer to %s with the changed details", tr.Kind, tr.Target, tr.CustomContext, carol.RawID())
	}
	// What Offers returns is a copy.
	d.SourceDetails.IntendedTargets["billing"] = carol
	for _, o := range s.Parties.Offers() {
		if o.InvitationID == inv.InvitationID && !identity.Equal(o.CustomContext.TeamsPhoneCallDetails.SourceDetails.IntendedTargets["billing"], bob) {
			t.Error("changing what Offers returned changed the switchboard's record")
		}
	}
}

func testRemove(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice, bob)
	until[*calling.ParticipantsUpdated](s, id) // bob joins
	r := must(s.Service.RemoveParticipant(s.ctx(), id, bob, &calling.RemoveParticipantOptions{OperationContext: "rm"}))(t, "RemoveParticipant")
	if r.OperationContext != "rm" {
		t.Errorf("RemoveParticipant operation context %q", r.OperationContext)
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("after the removal", pu.Participants, []identity.Identifier{alice}, []identity.Identifier{bob})
	ev := expect[*calling.RemoveParticipantSucceeded](s, id)
	if ev.Participant == nil || !identity.Equal(ev.Participant, bob) || ev.OperationContext != "rm" {
		t.Errorf("RemoveParticipantSucceeded participant %v context %q", ev.Participant, ev.OperationContext)
	}
	_, err := s.Service.GetParticipant(s.ctx(), id, bob, nil)
	wantStatus(t, "GetParticipant of the removed participant", err, http.StatusNotFound)
	_, err = s.Service.RemoveParticipant(s.ctx(), id, bob, nil)
	wantStatus(t, "RemoveParticipant twice", err, http.StatusNotFound)
}

func testMute(t *testing.T, s *suite) {
	acs := s.acsUser(fake.Answers())
	teams := s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(acs, teams)
	until[*calling.ParticipantsUpdated](s, id)
	r := must(s.Service.MuteParticipant(s.ctx(), id, acs, &calling.MuteParticipantOptions{OperationContext: "mute"}))(t, "MuteParticipant")
	if r.OperationContext != "mute" {
		t.Errorf("MuteParticipant operation context %q", r.OperationContext)
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	for _, p := range pu.Participants {
		if p.Identifier != nil && identity.Equal(p.Identifier, acs) && !p.IsMuted {
			t.Error("ParticipantsUpdated after the mute shows the ACS user unmuted")
		}
	}
	p := must(s.Service.GetParticipant(s.ctx(), id, acs, nil))(t, "GetParticipant")
	if !p.IsMuted {
		t.Error("GetParticipant after the mute: not muted")
	}
	_, err := s.Service.MuteParticipant(s.ctx(), id, teams, nil)
	wantStatus(t, "muting a Teams user", err, http.StatusBadRequest)
}

func testHold(t *testing.T, s *suite) {
	phone := s.phone(fake.Answers())
	id, _ := s.connectedCall(phone)
	must(s.Service.HoldParticipant(s.ctx(), id, phone, &calling.HoldParticipantOptions{PlaySource: &calling.PlaySource{Kind: calling.PlayFile, URL: "https://example.com/hold.wav"}}))(t, "HoldParticipant")
	if p := must(s.Service.GetParticipant(s.ctx(), id, phone, nil))(t, "GetParticipant"); !p.IsOnHold {
		t.Error("not on hold after HoldParticipant")
	}
	if pu := expect[*calling.ParticipantsUpdated](s, id); !pu.Participants[indexOf(pu.Participants, phone)].IsOnHold {
		t.Error("ParticipantsUpdated after the hold shows the participant not on hold")
	}
	must(s.Service.UnholdParticipant(s.ctx(), id, phone, nil))(t, "UnholdParticipant")
	if p := must(s.Service.GetParticipant(s.ctx(), id, phone, nil))(t, "GetParticipant"); p.IsOnHold {
		t.Error("still on hold after UnholdParticipant")
	}
	expect[*calling.ParticipantsUpdated](s, id)
}

func indexOf(ps []calling.CallParticipant, id identity.Identifier) int {
	for i, p := range ps {
		if p.Identifier != nil && identity.Equal(p.Identifier, id) {
			return i
		}
	}
	return 0
}

func testTransfer(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice)
	must(s.Service.TransferToParticipant(s.ctx(), id, bob, &calling.TransferToParticipantOptions{OperationContext: "xfer"}))(t, "TransferToParticipant")
	acc := expect[*calling.CallTransferAccepted](s, id)
	if acc.OperationContext != "xfer" {
		t.Errorf("CallTransferAccepted operation context %q", acc.OperationContext)
	}
	wantResult(t, expect[*calling.CallDisconnected](s, id), 200, 7015)
	_, err := s.Service.GetCall(s.ctx(), id, nil)
	wantStatus(t, "GetCall after the transfer", err, http.StatusNotFound)
}

func testTransferDeclined(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Rejects())
	id, _ := s.connectedCall(alice)
	must(s.Service.TransferToParticipant(s.ctx(), id, bob, &calling.TransferToParticipantOptions{OperationContext: "xfer"}))(t, "TransferToParticipant")
	ev := expect[*calling.CallTransferFailed](s, id)
	wantResult(t, ev, 603, 0)
	if ev.OperationContext != "xfer" {
		t.Errorf("CallTransferFailed operation context %q", ev.OperationContext)
	}
	got := must(s.Service.GetCall(s.ctx(), id, nil))(t, "GetCall")
	if got.State != calling.StateConnected {
		t.Errorf("state after a failed transfer %q, want connected", got.State)
	}
}

// A transfer target that does not answer fails the transfer after the
// transfer timeout (60 s, "Call Transfer operation timeout", Learn:
// concepts/service-limits) as not answered (487, subcode 10004), and the
// call goes on.
func testTransferNotAnswered(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.NoAnswer())
	id, _ := s.connectedCall(alice)
	must(s.Service.TransferToParticipant(s.ctx(), id, bob, &calling.TransferToParticipantOptions{OperationContext: "xfer"}))(t, "TransferToParticipant")
	s.Advance(s.TransferTimeout)
	ev := expect[*calling.CallTransferFailed](s, id)
	wantResult(t, ev, 487, 10004)
	if ev.OperationContext != "xfer" {
		t.Errorf("CallTransferFailed operation context %q", ev.OperationContext)
	}
	if got := must(s.Service.GetCall(s.ctx(), id, nil))(t, "GetCall"); got.State != calling.StateConnected {
		t.Errorf("state after an unanswered transfer %q, want connected", got.State)
	}
}

func testTransferGroup(t *testing.T, s *suite) {
	alice, bob, carol := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice, bob)
	until[*calling.ParticipantsUpdated](s, id)
	_, err := s.Service.TransferToParticipant(s.ctx(), id, carol, nil)
	wantStatus(t, "transfer in a group call without a transferee", err, http.StatusBadRequest)
	must(s.Service.TransferToParticipant(s.ctx(), id, carol, &calling.TransferToParticipantOptions{Transferee: bob}))(t, "TransferToParticipant")
	acc := expect[*calling.CallTransferAccepted](s, id)
	if acc.Transferee == nil || !identity.Equal(acc.Transferee, bob) {
		t.Errorf("CallTransferAccepted transferee %v, want bob", acc.Transferee)
	}
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("after the group transfer", pu.Participants, []identity.Identifier{alice}, []identity.Identifier{bob, carol})
	if got := must(s.Service.GetCall(s.ctx(), id, nil))(t, "GetCall"); got.State != calling.StateConnected {
		t.Errorf("state after a group transfer %q, want connected", got.State)
	}
}

// collect lists a call's participants page by page, checking that no
// participant appears twice.
func collect(t *testing.T, s *suite, id string) []calling.CallParticipant {
	t.Helper()
	var out []calling.CallParticipant
	seen := map[string]bool{}
	for p, err := range calling.NewCallConnection(s.Service, id).ListParticipants(s.ctx(), nil) {
		if err != nil {
			t.Fatalf("ListParticipants after %d: %v", len(out), err)
		}
		if p.Identifier == nil {
			t.Fatal("ListParticipants yielded a participant without identifier")
		}
		if seen[p.Identifier.RawID()] {
			t.Errorf("ListParticipants yielded %s twice", p.Identifier.RawID())
		}
		seen[p.Identifier.RawID()] = true
		out = append(out, p)
	}
	return out
}

func testListParticipants(t *testing.T, s *suite) {
	a, b, c := s.teamsUser(fake.Answers()), s.phone(fake.Answers()), s.acsUser(fake.Answers())
	id, _ := s.connectedCall(a, b, c)
	want := []identity.Identifier{a, b, c}
	for {
		pu := until[*calling.ParticipantsUpdated](s, id)
		if len(pu.Participants) >= 4 {
			break
		}
	}
	all := collect(t, s, id)
	s.wantRoster("ListParticipants", all, want, nil)
	// The pages, followed by hand, hold the same participants.
	var paged []calling.CallParticipant
	var first calling.ListParticipantsPageResponse
	opts := &calling.ListParticipantsOptions{}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("more than 10 pages for 4 participants")
		}
		page := must(s.Service.ListParticipantsPage(s.ctx(), id, opts))(t, "ListParticipantsPage")
		if pages == 0 {
			first = page
		}
		paged = append(paged, page.Participants...)
		if page.NextLink == "" {
			break
		}
		opts.NextLink = page.NextLink
	}
	if len(paged) != len(all) {
		t.Errorf("the pages hold %d participants, the iterator %d", len(paged), len(all))
	}
	s.wantRoster("ListParticipantsPage", paged, want, nil)
	// The iterator resumes from a page's NextLink, as the page reader does.
	if first.NextLink != "" {
		var rest []calling.CallParticipant
		for p, err := range s.Service.ListParticipants(s.ctx(), id, &calling.ListParticipantsOptions{NextLink: first.NextLink}) {
			if err != nil {
				t.Fatalf("ListParticipants from a next link: %v", err)
			}
			rest = append(rest, p)
		}
		if len(rest) != len(paged)-len(first.Participants) {
			t.Errorf("ListParticipants from the first page's next link yielded %d participants, want the %d after the first page", len(rest), len(paged)-len(first.Participants))
		}
	}
}

func testHangUpOneToOne(t *testing.T, s *suite) {
	alice := s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice)
	must(s.Service.HangUp(s.ctx(), id, nil))(t, "HangUp")
	wantResult(t, expect[*calling.CallDisconnected](s, id), 200, 7000)
	_, err := s.Service.GetCall(s.ctx(), id, nil)
	wantStatus(t, "GetCall after HangUp", err, http.StatusNotFound)
	_, err = s.Service.HangUp(s.ctx(), id, nil)
	wantStatus(t, "HangUp twice", err, http.StatusNotFound)
}

func testHangUpGroup(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice, bob)
	until[*calling.ParticipantsUpdated](s, id)
	must(s.Service.HangUp(s.ctx(), id, nil))(t, "HangUp")
	expect[*calling.CallDisconnected](s, id)
	_, err := s.Service.GetCall(s.ctx(), id, nil)
	wantStatus(t, "GetCall after HangUp", err, http.StatusNotFound)
}

func testTerminate(t *testing.T, s *suite) {
	alice, bob := s.teamsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(alice, bob)
	until[*calling.ParticipantsUpdated](s, id)
	must(s.Service.TerminateCall(s.ctx(), id, nil))(t, "TerminateCall")
	wantResult(t, expect[*calling.CallDisconnected](s, id), 200, 7000)
	_, err := s.Service.GetCall(s.ctx(), id, nil)
	wantStatus(t, "GetCall after TerminateCall", err, http.StatusNotFound)
}

func testParticipantHangsUp(t *testing.T, s *suite) {
	alice := s.teamsUser(fake.HangsUpAfter(time.Minute))
	id, _ := s.connectedCall(alice)
	s.Advance(time.Minute)
	pu := expect[*calling.ParticipantsUpdated](s, id)
	s.wantRoster("after the hang-up", pu.Participants, nil, []identity.Identifier{alice})
	wantResult(t, expect[*calling.CallDisconnected](s, id), 200, 5010)
}

func testRosterOrder(t *testing.T, s *suite) {
	acs, bob := s.acsUser(fake.Answers()), s.teamsUser(fake.Answers())
	id, _ := s.connectedCall(acs)
	last := 0
	// read reads events up to one of type T, checking the order of the
	// ParticipantsUpdated events on the way.
	read := func(stop func(calling.Event) bool) {
		t.Helper()
		for {
			ev := s.next(id)
			if pu, ok := ev.(*calling.ParticipantsUpdated); ok {
				if pu.SequenceNumber <= last {
					t.Errorf("ParticipantsUpdated sequence number %d after %d", pu.SequenceNumber, last)
				}
				last = pu.SequenceNumber
			}
			if stop(ev) {
				return
			}
		}
	}
	must(s.Service.AddParticipant(s.ctx(), id, bob, nil))(t, "AddParticipant")
	read(func(ev calling.Event) bool { _, ok := ev.(*calling.AddParticipantSucceeded); return ok })
	must(s.Service.MuteParticipant(s.ctx(), id, acs, nil))(t, "MuteParticipant")
	must(s.Service.HoldParticipant(s.ctx(), id, bob, nil))(t, "HoldParticipant")
	must(s.Service.UnholdParticipant(s.ctx(), id, bob, nil))(t, "UnholdParticipant")
	must(s.Service.TerminateCall(s.ctx(), id, nil))(t, "TerminateCall")
	read(func(ev calling.Event) bool { _, ok := ev.(*calling.CallDisconnected); return ok })
	if last < 4 {
		t.Errorf("saw ParticipantsUpdated up to sequence number %d, want at least 4 (join, mute, hold, unhold)", last)
	}
}
