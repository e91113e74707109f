package calling

import (
	"encoding/json"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Event types: the CloudEvents "type" (Event Grid "eventType") of the events
// this package reads into typed values. Any other type becomes an
// *UnknownEvent.
const (
	EventTypeCallConnected                 = "Microsoft.Communication.CallConnected"
	EventTypeCallDisconnected              = "Microsoft.Communication.CallDisconnected"
	EventTypeCallTransferAccepted          = "Microsoft.Communication.CallTransferAccepted"
	EventTypeCallTransferFailed            = "Microsoft.Communication.CallTransferFailed"
	EventTypeAddParticipantSucceeded       = "Microsoft.Communication.AddParticipantSucceeded"
	EventTypeAddParticipantFailed          = "Microsoft.Communication.AddParticipantFailed"
	EventTypeRemoveParticipantSucceeded    = "Microsoft.Communication.RemoveParticipantSucceeded"
	EventTypeRemoveParticipantFailed       = "Microsoft.Communication.RemoveParticipantFailed"
	EventTypeCancelAddParticipantSucceeded = "Microsoft.Communication.CancelAddParticipantSucceeded"
	EventTypeCancelAddParticipantFailed    = "Microsoft.Communication.CancelAddParticipantFailed"
	EventTypeMoveParticipantSucceeded      = "Microsoft.Communication.MoveParticipantSucceeded"
	EventTypeMoveParticipantFailed         = "Microsoft.Communication.MoveParticipantFailed"
	EventTypeParticipantsUpdated           = "Microsoft.Communication.ParticipantsUpdated"
	EventTypeCreateCallFailed              = "Microsoft.Communication.CreateCallFailed"
	EventTypeAnswerFailed                  = "Microsoft.Communication.AnswerFailed"
	EventTypeConnectFailed                 = "Microsoft.Communication.ConnectFailed"
	EventTypeHoldFailed                    = "Microsoft.Communication.HoldFailed"
	EventTypeIncomingCall                  = "Microsoft.Communication.IncomingCall"
	EventTypeSubscriptionValidation        = "Microsoft.EventGrid.SubscriptionValidationEvent"
)

// Event is a Call Automation callback event or an Event Grid event, read by
// ParseEvents, ParseCloudEvents or ParseEventGridEvents, or delivered by a
// CallbackHandler. The concrete types are pointers to the structs of this
// file (*CallConnected, *ParticipantsUpdated, *IncomingCall, ...);
// a type switch tells them apart, and *UnknownEvent holds the events of
// other types, which are kept, never dropped.
//
// Every concrete type embeds EventInfo, so the members every event has are
// fields (ev.CallConnectionID, ev.OperationContext) of the concrete value
// and, through Info, of the interface.
type Event interface {
	// EventType returns the event's type, for example
	// EventTypeCallConnected, or for an *UnknownEvent the type it arrived
	// with.
	EventType() string
	// Info returns the members every event has; it points into the event.
	Info() *EventInfo
}

// EventInfo holds what every event has: the members of its envelope, and
// the members of its data that identify the call and the operation. A
// member an event does not carry is empty.
type EventInfo struct {
	// ID is the event's id. Deliveries can repeat an event: equal ids
	// are the same event.
	ID string
	// Source is the event's source: "calling/callConnections/{id}" for a
	// callback, the ACS resource path for an Event Grid CloudEvent.
	Source string
	// Subject is the event's subject.
	Subject string
	// Topic is the Event Grid topic (Event Grid schema only).
	Topic string
	// Time is when the event happened; zero when it was absent or not
	// an RFC 3339 time.
	Time time.Time

	// CallConnectionID is the call connection the event is about; empty
	// for an IncomingCall (there is no connection before the answer).
	CallConnectionID string
	// ServerCallID is the call's server call id.
	ServerCallID string
	// CorrelationID is the call's correlation id, the id to quote to
	// Microsoft support.
	CorrelationID string
	// OperationContext is the OperationContext of the request that caused
	// the event (CreateCall, AddParticipant, Transfer...), for matching
	// results to requests.
	OperationContext string
	// ResultInformation is the outcome of the operation, nil when the
	// event has none.
	ResultInformation *ResultInformation
}

// Info returns e; it makes every event type an Event.
func (e *EventInfo) Info() *EventInfo { return e }

// ResultInformation is the outcome of the operation an event reports.
type ResultInformation struct {
	// Code is the result code, shaped like a SIP or HTTP status (200 for
	// success, 4xx/5xx for failures, for example 408 for no answer).
	Code int
	// SubCode refines Code (for example 8522 for a remove that failed).
	SubCode int
	// Message describes the result.
	Message string
	// SIPDetails is the SIP response of a PSTN leg, when there is one.
	SIPDetails *SIPDiagnosticInfo
	// Q850Details is the Q.850 cause of a PSTN leg, when there is one.
	Q850Details *SIPDiagnosticInfo
}

// SIPDiagnosticInfo is a SIP response code or a Q.850 cause with its
// message, from the PSTN side of a call.
type SIPDiagnosticInfo struct {
	// Code is the code.
	Code int
	// Message is the code's message.
	Message string
}

// CallConnected reports that a call connection is established: the call
// created by CreateCall, answered by AnswerCall, or connected by Connect.
type CallConnected struct{ EventInfo }

// CallDisconnected reports that the application's call connection ended;
// no more events come for it.
type CallDisconnected struct{ EventInfo }

// CallTransferAccepted reports that the transferee accepted a transfer
// (TransferToParticipant): it is now connected to TransferTarget, and the
// application's connection ends.
type CallTransferAccepted struct {
	EventInfo
	// Transferee is the participant transferred away.
	Transferee identity.Identifier
	// TransferTarget is the participant the transferee went to.
	TransferTarget identity.Identifier
}

// CallTransferFailed reports that a transfer failed; ResultInformation
// says why.
type CallTransferFailed struct{ EventInfo }

// AddParticipantSucceeded reports that an invited participant joined.
type AddParticipantSucceeded struct {
	EventInfo
	// Participant is the participant who joined.
	Participant identity.Identifier
}

// AddParticipantFailed reports that an invitation failed (declined, not
// answered in time, cancelled); ResultInformation says why.
type AddParticipantFailed struct {
	EventInfo
	// Participant is the participant who did not join.
	Participant identity.Identifier
}

// RemoveParticipantSucceeded reports that a participant was removed.
type RemoveParticipantSucceeded struct {
	EventInfo
	// Participant is the participant removed.
	Participant identity.Identifier
}

// RemoveParticipantFailed reports that a participant could not be removed.
type RemoveParticipantFailed struct {
	EventInfo
	// Participant is the participant that stayed.
	Participant identity.Identifier
}

// CancelAddParticipantSucceeded reports that an invitation was cancelled.
type CancelAddParticipantSucceeded struct {
	EventInfo
	// InvitationID is the invitation cancelled (AddParticipant's).
	InvitationID string
}

// CancelAddParticipantFailed reports that an invitation could not be
// cancelled, for example because it had been answered.
type CancelAddParticipantFailed struct {
	EventInfo
	// InvitationID is the invitation that was not cancelled.
	InvitationID string
}

// MoveParticipantSucceeded reports that a participant was moved into the
// call from another call.
type MoveParticipantSucceeded struct {
	EventInfo
	// Participant is the participant moved.
	Participant identity.Identifier
	// FromCall is the call connection id of the call it came from.
	FromCall string
}

// MoveParticipantFailed reports that a participant could not be moved.
type MoveParticipantFailed struct {
	EventInfo
	// Participant is the participant that was not moved.
	Participant identity.Identifier
	// FromCall is the call connection id of the call it was in.
	FromCall string
}

// ParticipantsUpdated gives the participants of a call after a change
// (a join, a leave, a mute, a hold).
type ParticipantsUpdated struct {
	EventInfo
	// SequenceNumber orders the ParticipantsUpdated events of a call:
	// deliveries can come out of order, the highest number is the latest.
	SequenceNumber int
	// Participants are all the participants of the call.
	Participants []CallParticipant
}

// CreateCallFailed reports that a call made by CreateCall failed to
// connect; ResultInformation says why.
type CreateCallFailed struct{ EventInfo }

// AnswerFailed reports that AnswerCall failed to connect the call.
type AnswerFailed struct{ EventInfo }

// ConnectFailed reports that Connect failed to connect to the call.
type ConnectFailed struct{ EventInfo }

// HoldFailed reports that putting a participant on hold failed.
type HoldFailed struct{ EventInfo }

// IncomingCall is the Event Grid event of a call to a phone number, an ACS
// user or a Teams resource account of the ACS resource. Answer, redirect or
// reject it with IncomingCallContext. ServerCallID and CorrelationID are in
// EventInfo; CallConnectionID is empty.
//
// IncomingCallContext lets whoever holds it take the call, so the fmt verbs
// print the event without it.
type IncomingCall struct {
	EventInfo
	// To is the callee.
	To identity.Identifier
	// From is the caller.
	From identity.Identifier
	// CallerDisplayName is the caller's display name, if any.
	CallerDisplayName string
	// IncomingCallContext is the value to pass to AnswerCall, RedirectCall
	// or RejectCall. Treat it as a secret.
	IncomingCallContext string
	// OnBehalfOfCallee is the user the call is for when it reached a Teams
	// resource account or a call queue on the user's behalf; nil otherwise.
	OnBehalfOfCallee identity.Identifier
	// CustomContext holds the custom SIP headers (PSTN callers) and VoIP
	// headers (ACS and Teams callers) of the call, and the Teams details
	// that came with it (the customContext of the 2026-03-12 spec's
	// IncomingCall is a CustomCallingContext).
	CustomContext CustomCallingContext
}

// SubscriptionValidation is Event Grid's validation handshake, sent when a
// subscription is created. A CallbackHandler answers it by itself; code
// that reads deliveries on its own answers with ValidationCode (or opens
// ValidationURL).
type SubscriptionValidation struct {
	EventInfo
	// ValidationCode is the code to echo as {"validationResponse": code}.
	ValidationCode string
	// ValidationURL is the URL that validates the subscription by a GET.
	ValidationURL string
}

// UnknownEvent is an event of a type this package does not read into a
// typed value (media events such as PlayCompleted, recording events, new
// event types), or of a known type whose data could not be read (see Err).
// It is kept as it arrived; EventInfo holds the members every event has
// when its data has them.
type UnknownEvent struct {
	EventInfo
	// Type is the event's type.
	Type string
	// Data is the event's data as JSON: the data member (unwrapped when it
	// was a JSON string holding JSON), or data_base64 decoded when that is
	// JSON; nil when the event had no data. When encoding (see
	// MarshalCloudEvents), Data is sent as it is; a nil Data sends the
	// members of EventInfo that are set.
	Data json.RawMessage
	// BinaryData is data_base64 decoded, when it is not JSON.
	BinaryData []byte
	// Err, when set, is why an event of a type this package knows was
	// not read into its typed value (its data did not have the type's
	// shape, for example an identifier that is not one): an *EventError
	// naming the event's position and type. The event is kept so that
	// the other events of its delivery are not lost; a CallbackHandler
	// dispatches it and reports Err to OnError. Nil for the types this
	// package does not know. Encoding ignores it.
	Err error
}

// EventType implements Event.
func (*CallConnected) EventType() string { return EventTypeCallConnected }

// EventType implements Event.
func (*CallDisconnected) EventType() string { return EventTypeCallDisconnected }

// EventType implements Event.
func (*CallTransferAccepted) EventType() string { return EventTypeCallTransferAccepted }

// EventType implements Event.
func (*CallTransferFailed) EventType() string { return EventTypeCallTransferFailed }

// EventType implements Event.
func (*AddParticipantSucceeded) EventType() string { return EventTypeAddParticipantSucceeded }

// EventType implements Event.
func (*AddParticipantFailed) EventType() string { return EventTypeAddParticipantFailed }

// EventType implements Event.
func (*RemoveParticipantSucceeded) EventType() string { return EventTypeRemoveParticipantSucceeded }

// EventType implements Event.
func (*RemoveParticipantFailed) EventType() string { return EventTypeRemoveParticipantFailed }

// EventType implements Event.
func (*CancelAddParticipantSucceeded) EventType() string {
	return EventTypeCancelAddParticipantSucceeded
}

// EventType implements Event.
func (*CancelAddParticipantFailed) EventType() string { return EventTypeCancelAddParticipantFailed }

// EventType implements Event.
func (*MoveParticipantSucceeded) EventType() string { return EventTypeMoveParticipantSucceeded }

// EventType implements Event.
func (*MoveParticipantFailed) EventType() string { return EventTypeMoveParticipantFailed }

// EventType implements Event.
func (*ParticipantsUpdated) EventType() string { return EventTypeParticipantsUpdated }

// EventType implements Event.
func (*CreateCallFailed) EventType() string { return EventTypeCreateCallFailed }

// EventType implements Event.
func (*AnswerFailed) EventType() string { return EventTypeAnswerFailed }

// EventType implements Event.
func (*ConnectFailed) EventType() string { return EventTypeConnectFailed }

// EventType implements Event.
func (*HoldFailed) EventType() string { return EventTypeHoldFailed }

// EventType implements Event.
func (*IncomingCall) EventType() string { return EventTypeIncomingCall }

// EventType implements Event.
func (*SubscriptionValidation) EventType() string { return EventTypeSubscriptionValidation }

// EventType implements Event: the type the event arrived with.
func (e *UnknownEvent) EventType() string { return e.Type }
