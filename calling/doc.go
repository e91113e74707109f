// Package calling is the call-signaling layer of teamsuser-go for scenarios in
// which a Microsoft Teams user communicates from inside another company's
// product: an Azure Communication Services (ACS) Call Automation client that
// creates, answers, redirects, rejects, transfers and controls calls that
// involve Teams users and phone numbers; the callback and Event Grid events
// those calls produce; and Teams meeting locators, which parse and validate a
// meeting's join link, meeting id and passcode, or coordinates.
//
// A Go service cannot act as a Teams user in a call or join a Teams meeting
// itself. The Teams user's own calls and meeting joins run in ACS's client
// calling SDKs (web, iOS, Android, Windows) with the ACS token exchanged for
// that user by package identity. The service's part is to issue that token,
// find the meeting, and hand the client a validated locator:
// [ParseJoinLink] checks a join link against the Teams hosts and link shapes,
// and [MeetingLocator.ClientLocator] gives the JSON value a client SDK's join
// call takes. Finding a meeting's chat through Microsoft Graph belongs to
// package chat; this package never imports Graph.
//
// # Call Automation
//
// Client is the ACS Call Automation REST client (Entra, access-key or
// connection-string auth): CreateCall to Teams users, phone numbers (with a
// caller id), ACS users and Teams apps; AnswerCall, RedirectCall and
// RejectCall for incoming calls; and, on a CallConnection, participants,
// add/remove/cancel-add, mute, hold, transfer, hang up and terminate. Every
// mutating request carries a Repeatability-Request-ID and
// Repeatability-First-Sent pair that its retries resend, so retries are safe.
// Service is the interface the client and calling/fake's switchboard share;
// calling/callingtest checks that an implementation behaves like the
// service.
//
// # Events
//
// ParseEvents reads a delivery into typed events (*CallConnected,
// *ParticipantsUpdated, *IncomingCall, ...; other types stay as
// *UnknownEvent, never dropped). CallbackHandler is the http.Handler of an
// application's callback URL and Event Grid webhook: it checks Call
// Automation's signed token (or Event Grid's secret or validator), answers
// the validation handshakes, and dispatches events by call connection id and
// operation context, each event once (repeats are recognised by id). With
// CallbackHandlerOptions.Synchronous, delivery is at least once (the sender
// gets 200 after the handlers ran); by default it is at most once (200 on
// queuing, 503 while the queue or the call's share of it is full, so that
// one stuck call cannot stall the others; what Shutdown could not run is
// reported). Tracker follows each
// call's state from the events and, on a replica that did not see them all,
// from the service; replicas that share a store (NewSharedTrackerStore over
// a VersionedStore, such as teamsuser/redisstore's) need not ask it. Package
// calling/callbacktest signs callbacks with a test key for tests.
package calling
