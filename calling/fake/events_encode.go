package fake

import (
	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
)

// Topic is the resource path the switchboard's Event Grid events come from.
const Topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/switchboard/providers/Microsoft.Communication/communicationServices/switchboard"

// encodeCallback writes an event as Call Automation POSTs it: a JSON array
// of one CloudEvent, with internal/eventwire, the codec the client's event
// parser reads. The data holds the members the spec's definition of the
// event type has, and no other (the event definitions of
// CallAutomation/stable/2026-03-12 are "additionalProperties": false):
// every event has callConnectionId, serverCallId, correlationId and
// resultInformation; all but ParticipantsUpdated operationContext;
// CallTransferAccepted alone transferee and transferTarget (CallTransferFailed
// has neither); the add, remove and move events participant; the cancel
// events invitationId (CancelAddParticipantSucceeded has no participant);
// ParticipantsUpdated participants and sequenceNumber. The Event keeps
// what the wire leaves out, for inspection. TestEventsMatchSpec checks
// every event against the spec.
func encodeCallback(e *Event) ([]byte, error) {
	d := &eventwire.EventData{
		CallConnectionID: e.CallConnectionID,
		ServerCallID:     e.ServerCallID,
		CorrelationID:    e.CorrelationID,
		OperationContext: e.OperationContext,
	}
	if r := e.Result; r != nil {
		d.ResultInformation = &eventwire.ResultInformation{Code: int32(r.Code), SubCode: int32(r.SubCode), Message: r.Message}
	}
	switch e.Type {
	case calling.EventTypeCallTransferAccepted:
		d.Transferee, d.TransferTarget = identifierJSON(e.Transferee), identifierJSON(e.TransferTarget)
	case calling.EventTypeAddParticipantSucceeded, calling.EventTypeAddParticipantFailed,
		calling.EventTypeRemoveParticipantSucceeded, calling.EventTypeRemoveParticipantFailed:
		d.Participant = identifierJSON(e.Participant)
	case calling.EventTypeCancelAddParticipantSucceeded, calling.EventTypeCancelAddParticipantFailed:
		d.InvitationID = e.InvitationID
	case calling.EventTypeParticipantsUpdated:
		d.OperationContext = ""
		d.SequenceNumber = int32(e.SequenceNumber)
		d.Participants = make([]eventwire.CallParticipant, len(e.Participants))
		for i, p := range e.Participants {
			d.Participants[i] = eventwire.CallParticipant{Identifier: identifierJSON(p.Identifier), IsMuted: p.IsMuted, IsOnHold: p.IsOnHold}
		}
	}
	ce, err := eventwire.NewCallbackEvent(e.Type, d, e.ID, e.Time)
	if err != nil {
		return nil, err
	}
	return eventwire.MarshalCloudEvents([]eventwire.CloudEvent{ce})
}

// encodeIncomingCall writes an incoming call as an Event Grid webhook
// subscription delivers it: a JSON array of one Event Grid event, encoded
// by package calling's MarshalEventGridEvents (one codec for the event,
// its customContext's Teams details included).
func encodeIncomingCall(in *IncomingCall) ([]byte, error) {
	ev := &calling.IncomingCall{
		EventInfo:           calling.EventInfo{ID: in.EventID, Time: in.Time, Topic: Topic, ServerCallID: in.ServerCallID, CorrelationID: in.CorrelationID},
		To:                  in.To,
		From:                in.From,
		CallerDisplayName:   in.CallerDisplayName,
		IncomingCallContext: in.IncomingCallContext,
		OnBehalfOfCallee:    in.OnBehalfOfCallee,
	}
	if in.CustomContext != nil {
		ev.CustomContext = *in.CustomContext
	}
	return calling.MarshalEventGridEvents(ev)
}
