// Package fake is an in-memory Azure Communication Services Call Automation
// service, a switchboard with simulated parties, for tests that must run
// offline.
//
// A Switchboard holds one state with two faces. Its Go face implements
// calling.Service directly; its HTTP face (Handler, NewServer) speaks the
// Call Automation REST API, so the real calling.Client runs against it on
// loopback, signed with the switchboard's access key. Both faces check
// arguments with the client's own code, decode and encode the wire with the
// module's one codec (internal/callwire), and run the same operations.
//
// # Parties
//
// Teams users, ACS users and phone numbers are added with a Script that says
// what they do when called (AddTeamsUser, AddACSUser, AddPhoneNumber):
// Answers, Rejects, NoAnswer, IsBusy, HangsUpAfter, each optionally After a
// ring. A Teams user's Availability decides whether a call reaches them at all:
// Busy refuses (486), DoNotDisturb and Offline are unreachable (480).
// Calls to a Teams user also need their tenant to allow the resource
// (SetTeamsFederation, as Set-CsTeamsAcsFederationConfiguration) and the
// user to be voice enabled (SetTeamsUserPolicy); both allow by default.
// A party never added is not found (404), unless Options.Unknown scripts it.
// Results carry the codes and subcodes the service documents (603/0
// declined, 487/10004 not answered in time, 480/10037 unreachable, ...;
// see results.go), and a callee rings for DefaultRingTimeout (two
// minutes), a transfer target for DefaultTransferTimeout (60 s).
// The phone numbers the resource owns, which calls may show as their
// source caller id, are Options.CallerIDs and those of AddCallerID.
//
// # Calls and events
//
// Calls behave as the service's do: CreateCall returns a connecting call
// whose CallConnected (or CreateCallFailed) event follows; AddParticipant
// rings the invitee and reports AddParticipantSucceeded or
// AddParticipantFailed (603 declined, 487 not answered in time, 480, 486,
// 404), with a ParticipantsUpdated event (roster and sequence number) for
// every change of the roster; CancelAddParticipant withdraws a ringing
// invitation; a transfer of a 1:1 call reports CallTransferAccepted and
// then disconnects the application's connection, while a transfer in a
// group call needs a transferee and keeps the connection; HangUp leaves
// the call (which goes on for the others when more than one other
// participant remains) and TerminateCall ends it for everyone, both with a
// CallDisconnected event; only ACS users can be muted; an ended
// connection is not found (404) any more.
//
// Events are real CloudEvents, encoded with internal/eventwire, the codec
// calling.ParseCloudEvents reads. With Options.OnEvent they are handed to a
// Go function; otherwise they are POSTed to the call's callback URL with
// an "Authorization: Bearer" RS256 token of issuer Issuer and audience
// ResourceID, minted by a calling/callbacktest Issuer (CallbackIssuer)
// whose key the HTTP face publishes at PathOpenIDConfiguration, so
// calling's CallbackHandler can be pointed at the switchboard. The events of one call connection are
// delivered one at a time, in the order they were raised, none lost and
// none twice; Events, AllEvents and Flush inspect and wait for them.
//
// IncomingCall announces a call to the application as an Event Grid
// Microsoft.Communication.IncomingCall event (to Options.OnIncomingCall, or
// POSTed to Options.EventGridURL) carrying the incomingCallContext that
// AnswerCall, RedirectCall and RejectCall take. As the service, it does so
// only for the resource's ACS users, numbers and Teams resource accounts;
// a redirect to an ACS user or to a number of the resource raises a new
// IncomingCall for it instead of ringing anyone.
//
// # Time, faults, inspection
//
// Ring timeouts and scripted delays run on Options.Clock: with
// identity/fake's NewClock, a test moves time with Advance and never
// sleeps. InjectFault makes matching requests fail (429 with Retry-After,
// 5xx, after or before taking effect), slow down, hang or drop, by count,
// after a number of requests or by ratio, on both faces; the HTTP face
// replays the first answer to a retried request with the same
// Repeatability-Request-ID. Calls, Call, Events, IncomingCalls, Offers, Requests
// and CountRequests show what happened.
//
// Close stops every goroutine of the switchboard. Faults, the request log,
// the clock, New, NewServer and Close work as in identity/fake and
// chat/fake, whose Fault and Request types this package shares (see
// identity/fake).
package fake
