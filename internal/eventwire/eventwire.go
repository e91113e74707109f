// Package eventwire is the JSON wire codec of the events a Call Automation
// application receives: the callbacks that ACS Call Automation POSTs to a
// call's callback URL (arrays of CloudEvents 1.0 in JSON, type
// "Microsoft.Communication.*"), and the Event Grid deliveries of incoming
// calls (Event Grid schema arrays or CloudEvents), including Event Grid's
// subscription validation.
//
// Both sides of the wire use it: package calling decodes what arrives into
// its typed events, and the fake switchboard encodes the events it sends
// with the same types and constructors, so the two cannot drift apart.
// Identifiers travel as their JSON (json.RawMessage), which package
// identity reads and writes, the module's one identifier codec: this
// package imports no public package of the module.
//
// Decoding is tolerant where the service is known to vary (a single event
// instead of an array, a data member that is a JSON string, data_base64,
// missing optional members) and strict where a mistake would mislead: an
// event without a type, members of the wrong JSON type, more than MaxEvents
// events. It never panics on any input.
package eventwire

import (
	"encoding/json"
	"time"
)

// SpecVersion is the CloudEvents version of Call Automation callbacks.
const SpecVersion = "1.0"

// ContentTypeJSON is the datacontenttype of the events' data.
const ContentTypeJSON = "application/json"

// MaxEvents is the most events one delivery may hold: Event Grid sends at
// most 5,000 events in a batch, Call Automation one or a few.
const MaxEvents = 5000

// TypePrefix starts the type of every Call Automation event.
const TypePrefix = "Microsoft.Communication."

// Event types of Call Automation callbacks (CloudEvents "type").
const (
	TypeCallConnected                 = TypePrefix + "CallConnected"
	TypeCallDisconnected              = TypePrefix + "CallDisconnected"
	TypeCallTransferAccepted          = TypePrefix + "CallTransferAccepted"
	TypeCallTransferFailed            = TypePrefix + "CallTransferFailed"
	TypeAddParticipantSucceeded       = TypePrefix + "AddParticipantSucceeded"
	TypeAddParticipantFailed          = TypePrefix + "AddParticipantFailed"
	TypeRemoveParticipantSucceeded    = TypePrefix + "RemoveParticipantSucceeded"
	TypeRemoveParticipantFailed       = TypePrefix + "RemoveParticipantFailed"
	TypeCancelAddParticipantSucceeded = TypePrefix + "CancelAddParticipantSucceeded"
	TypeCancelAddParticipantFailed    = TypePrefix + "CancelAddParticipantFailed"
	TypeMoveParticipantSucceeded      = TypePrefix + "MoveParticipantSucceeded"
	TypeMoveParticipantFailed         = TypePrefix + "MoveParticipantFailed"
	TypeParticipantsUpdated           = TypePrefix + "ParticipantsUpdated"
	TypeCreateCallFailed              = TypePrefix + "CreateCallFailed"
	TypeAnswerFailed                  = TypePrefix + "AnswerFailed"
	TypeConnectFailed                 = TypePrefix + "ConnectFailed"
	TypeHoldFailed                    = TypePrefix + "HoldFailed"
)

// Event types delivered by Event Grid.
const (
	// TypeIncomingCall is the Event Grid event of a call to a number or
	// user of the ACS resource.
	TypeIncomingCall = TypePrefix + "IncomingCall"
	// TypeSubscriptionValidation is Event Grid's validation handshake.
	TypeSubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent"
	// TypeSubscriptionDeleted tells that the subscription was deleted.
	TypeSubscriptionDeleted = "Microsoft.EventGrid.SubscriptionDeletedEvent"
)

// Versions of the Event Grid schema members of the events built here.
const (
	EventGridDataVersion     = "1.0"
	EventGridMetadataVersion = "1"
)

// EventData is the data of every event this package knows, as one struct:
// the members of all Call Automation callback events, of IncomingCall and
// of SubscriptionValidationEvent. An event's data holds the members of its
// type; the others stay zero. Decoding any data into one struct costs one
// pass and no type switch; encoding writes only the members that are set
// (all members are omitempty, so an empty participants list or a zero
// sequence number is left out, and a reader takes the absence as the zero
// value; a result's code and subcode are always written).
type EventData struct {
	// CallConnectionID is the call connection the event is about.
	CallConnectionID string `json:"callConnectionId,omitempty"`
	// ServerCallID is the call's server call id.
	ServerCallID string `json:"serverCallId,omitempty"`
	// CorrelationID is the call's correlation id (the "chain id").
	CorrelationID string `json:"correlationId,omitempty"`
	// OperationContext is the operationContext of the request that caused
	// the event.
	OperationContext string `json:"operationContext,omitempty"`
	// ResultInformation is the outcome of the operation.
	ResultInformation *ResultInformation `json:"resultInformation,omitempty"`

	// Participant is the participant of Add/Remove/MoveParticipant events.
	Participant json.RawMessage `json:"participant,omitempty"`
	// Participants are the participants of ParticipantsUpdated.
	Participants []CallParticipant `json:"participants,omitempty"`
	// SequenceNumber orders ParticipantsUpdated events of a call.
	SequenceNumber int32 `json:"sequenceNumber,omitempty"`
	// Transferee is the participant transferred away (CallTransferAccepted).
	Transferee json.RawMessage `json:"transferee,omitempty"`
	// TransferTarget is where the transferee went (CallTransferAccepted).
	TransferTarget json.RawMessage `json:"transferTarget,omitempty"`
	// InvitationID is the invitation of CancelAddParticipant events.
	InvitationID string `json:"invitationId,omitempty"`
	// FromCall is the call a participant was moved from (MoveParticipant).
	FromCall string `json:"fromCall,omitempty"`

	// To is the callee of an IncomingCall.
	To json.RawMessage `json:"to,omitempty"`
	// From is the caller of an IncomingCall.
	From json.RawMessage `json:"from,omitempty"`
	// CallerDisplayName is the caller's display name (IncomingCall).
	CallerDisplayName string `json:"callerDisplayName,omitempty"`
	// CustomContext holds the SIP and VoIP headers of an IncomingCall.
	CustomContext *CustomContext `json:"customContext,omitempty"`
	// IncomingCallContext is the opaque token that answers, redirects or
	// rejects an IncomingCall. It is a secret of sorts: never log it.
	IncomingCallContext string `json:"incomingCallContext,omitempty"`
	// OnBehalfOfCallee is the user a call is received for, when a Teams
	// resource account or a call queue received it (IncomingCall).
	OnBehalfOfCallee json.RawMessage `json:"onBehalfOfCallee,omitempty"`

	// ValidationCode is the code to echo (SubscriptionValidationEvent).
	ValidationCode string `json:"validationCode,omitempty"`
	// ValidationURL is the URL for a manual validation.
	ValidationURL string `json:"validationUrl,omitempty"`
}

// ResultInformation is the outcome of the operation an event reports.
// Code and SubCode are always written, 0 included: the service's results
// of a success carry "subCode": 0 ("The subcode for successful responses
// will be 0", https://learn.microsoft.com/azure/communication-services/resources/troubleshooting/voice-video-calling/troubleshooting-codes),
// and a reader must not have to tell an absent subcode from a zero one.
type ResultInformation struct {
	// Code is the result code, much like a SIP or HTTP status (200, 487...).
	Code int32 `json:"code"`
	// SubCode refines Code.
	SubCode int32 `json:"subCode"`
	// Message describes the result.
	Message string `json:"message,omitempty"`
	// SIPDetails is the SIP response of a PSTN leg, if any.
	SIPDetails *DiagnosticInfo `json:"sipDetails,omitempty"`
	// Q850Details is the Q.850 cause of a PSTN leg, if any.
	Q850Details *DiagnosticInfo `json:"q850Details,omitempty"`
}

// DiagnosticInfo is a SIP or Q.850 code with its message.
type DiagnosticInfo struct {
	// Code is the code.
	Code int32 `json:"code,omitempty"`
	// Message is the code's message.
	Message string `json:"message,omitempty"`
}

// CallParticipant is one participant of a ParticipantsUpdated event.
type CallParticipant struct {
	// Identifier identifies the participant.
	Identifier json.RawMessage `json:"identifier,omitempty"`
	// IsMuted is true when the participant is muted.
	IsMuted bool `json:"isMuted"`
	// IsOnHold is true when the participant is on hold.
	IsOnHold bool `json:"isOnHold"`
}

// CustomContext is the customContext of an IncomingCall: the custom SIP
// headers (PSTN calls) and VoIP headers (ACS and Teams calls) the caller
// sent, and the Teams call details (CustomCallingContext of the 2026-03-12
// spec).
type CustomContext struct {
	// SIPHeaders are the custom SIP headers.
	SIPHeaders map[string]string `json:"sipHeaders,omitempty"`
	// VoIPHeaders are the custom VoIP headers.
	VoIPHeaders map[string]string `json:"voipHeaders,omitempty"`
	// TeamsPhoneCallDetails is the teamsPhoneCallDetails object as it
	// arrived (package calling reads it with internal/callwire's structs,
	// as it reads identifiers).
	TeamsPhoneCallDetails json.RawMessage `json:"teamsPhoneCallDetails,omitempty"`
}

// FormatTime formats an event time the way the services do: RFC 3339 in
// UTC with the fraction of a second, if any.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ParseTime parses an event time (RFC 3339, with any number of fractional
// digits). A time that is absent or does not parse gives the zero time and
// false: a time is informative, never a reason to drop an event.
func ParseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
