package fake

import (
	"slices"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// ResultInformation is the outcome an event reports: a SIP-like code, a
// sub-code and a message, as the service's troubleshooting codes document
// them (see results.go). On the wire the subcode is always written, 0
// included.
type ResultInformation struct {
	// Code is the SIP-like status: 200, 202, 403, 404, 480, 486, 487, 603...
	Code int
	// SubCode refines Code: 0 for a success, 10004 for a callee that did
	// not answer in time, 10037 for an unreachable Teams user...
	SubCode int
	// Message describes the outcome.
	Message string
}

// Event is a callback event the switchboard raised for a call connection,
// with the fate of its delivery.
type Event struct {
	// Type is the CloudEvent type, one of calling's EventType constants
	// (calling.EventTypeCallConnected, ...).
	Type string
	// ID is the CloudEvent id, unique per event.
	ID string
	// Time is the switchboard's time when the event was raised.
	Time time.Time
	// Seq numbers the events of one call connection from 1, in the order
	// they are delivered.
	Seq int
	// CallbackURL is where the event is delivered: the call's callback URL,
	// or an operation's own.
	CallbackURL string

	// CallConnectionID, ServerCallID and CorrelationID identify the call.
	CallConnectionID, ServerCallID, CorrelationID string
	// OperationContext is that of the request the event answers (or of the
	// request that created, answered or connected the call).
	OperationContext string
	// Result is the event's resultInformation; nil when it has none.
	Result *ResultInformation
	// Participants is the roster of a ParticipantsUpdated event, and
	// SequenceNumber its place in the call's roster changes, from 1.
	Participants   []calling.CallParticipant
	SequenceNumber int
	// Participant is the participant of an add or remove event, and the
	// invitee of a CancelAddParticipantSucceeded (kept for inspection: the
	// spec's CancelAddParticipantSucceeded has no participant, so the wire
	// does not carry it).
	Participant identity.Identifier
	// InvitationID is the invitation of an add or cancel-add event (on the
	// wire only in the cancel events, as the spec has it).
	InvitationID string
	// Transferee and TransferTarget are those of a transfer event (on the
	// wire only in CallTransferAccepted: the spec's CallTransferFailed
	// carries neither).
	Transferee, TransferTarget identity.Identifier

	// Delivered is true once the receiver took the event (a 2xx answer, or
	// the return of Options.OnEvent).
	Delivered bool
	// Attempts counts the POSTs made.
	Attempts int
	// DeliveryError is why the event was not delivered, when it was given up.
	DeliveryError string
}

func (e *Event) clone() Event {
	c := *e
	c.Participants = slices.Clone(e.Participants)
	if e.Result != nil {
		r := *e.Result
		c.Result = &r
	}
	return c
}

// IncomingCall is an incoming call the switchboard announced through Event
// Grid, and what became of it.
type IncomingCall struct {
	// From is the caller; To is who was called (a number or an identity of
	// the resource).
	From, To identity.Identifier
	// CallerDisplayName is the caller's display name.
	CallerDisplayName string
	// ServerCallID and CorrelationID identify the call.
	ServerCallID, CorrelationID string
	// IncomingCallContext names the call for AnswerCall, RedirectCall and
	// RejectCall.
	IncomingCallContext string
	// CustomContext is the custom data that came with the call.
	CustomContext *calling.CustomCallingContext
	// OnBehalfOfCallee is the user the call is for, if it reached a Teams
	// resource account or call queue on the user's behalf.
	OnBehalfOfCallee identity.Identifier
	// EventID is the Event Grid event's id.
	EventID string
	// Time is when the call came in, on the switchboard's clock.
	Time time.Time

	// State is "ringing", "answered", "redirected", "rejected" or
	// "abandoned" (the caller gave up, or hung up, before the application
	// acted).
	State string
	// CallConnectionID is the connection of an answered call.
	CallConnectionID string
	// RedirectedTo is the target of a redirected call, and RedirectResult
	// what became of it once the target acted (nil while it rings). A
	// redirect to an ACS user or to a number of the resource rings no one:
	// it raises a new IncomingCall for the target, whose incoming call
	// context is RedirectedCall (and RedirectResult stays nil).
	RedirectedTo   identity.Identifier
	RedirectResult *ResultInformation
	RedirectedCall string
	// RedirectedFrom is, for an IncomingCall raised by a redirect, the
	// incoming call context of the call that was redirected.
	RedirectedFrom string
	// RejectReason is the reason given to a rejected call.
	RejectReason calling.RejectReason

	// Delivered, Attempts and DeliveryError tell the fate of the Event
	// Grid delivery.
	Delivered     bool
	Attempts      int
	DeliveryError string
}

// Incoming call states.
const (
	IncomingRinging    = "ringing"
	IncomingAnswered   = "answered"
	IncomingRedirected = "redirected"
	IncomingRejected   = "rejected"
	IncomingAbandoned  = "abandoned"
)

// Delivery is one POST of the switchboard, or its in-process equivalent
// through Options.OnEvent or Options.OnIncomingCall.
type Delivery struct {
	// URL is the callback URL or the Event Grid URL.
	URL string
	// Body is the JSON that is POSTed: an array of one CloudEvent for a
	// callback, an array of one Event Grid event for an incoming call.
	Body []byte
	// Event is the callback event; nil for an incoming call.
	Event *Event
	// IncomingCall is the incoming call; nil for a callback.
	IncomingCall *IncomingCall
}
