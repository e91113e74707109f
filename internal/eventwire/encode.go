package eventwire

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// CloudEvent is a CloudEvents 1.0 event in the JSON format, with the
// members Call Automation sends. It is what the encoders write.
type CloudEvent struct {
	// ID identifies the event.
	ID string `json:"id"`
	// Source is the context the event happened in:
	// "calling/callConnections/{callConnectionId}" for callbacks.
	Source string `json:"source"`
	// Type is the event type, for example TypeCallConnected.
	Type string `json:"type"`
	// Data is the event's data, a JSON object.
	Data json.RawMessage `json:"data,omitempty"`
	// Time is when the event happened (RFC 3339).
	Time string `json:"time,omitempty"`
	// SpecVersion is SpecVersion.
	SpecVersion string `json:"specversion"`
	// DataContentType is ContentTypeJSON.
	DataContentType string `json:"datacontenttype,omitempty"`
	// Subject is the subject, the same as Source for callbacks.
	Subject string `json:"subject,omitempty"`
}

// EventGridEvent is an event in the Event Grid event schema. It is what
// the encoders write.
type EventGridEvent struct {
	// ID identifies the event.
	ID string `json:"id"`
	// Topic is the resource path of the event source.
	Topic string `json:"topic,omitempty"`
	// Subject is the publisher's subject:
	// "/caller/{rawId}/recipient/{rawId}" for an IncomingCall.
	Subject string `json:"subject"`
	// Data is the event's data, a JSON object.
	Data json.RawMessage `json:"data"`
	// EventType is the event type, for example TypeIncomingCall.
	EventType string `json:"eventType"`
	// DataVersion is the data's schema version.
	DataVersion string `json:"dataVersion"`
	// MetadataVersion is the schema version of the event's metadata.
	MetadataVersion string `json:"metadataVersion"`
	// EventTime is when the event happened (RFC 3339).
	EventTime string `json:"eventTime"`
}

// CallConnectionSource returns the source (and subject) of the callbacks
// of a call connection: "calling/callConnections/{callConnectionId}".
func CallConnectionSource(callConnectionID string) string {
	return "calling/callConnections/" + callConnectionID
}

// IncomingCallSubject returns the subject of an IncomingCall event:
// "/caller/{from rawId}/recipient/{to rawId}".
func IncomingCallSubject(fromRawID, toRawID string) string {
	return "/caller/" + fromRawID + "/recipient/" + toRawID
}

// NewCallbackEvent returns the CloudEvent of a Call Automation callback of
// type typ with data d, the way Call Automation sends it: source and
// subject from d.CallConnectionID, specversion 1.0, JSON data. An empty id
// is replaced by a new one; a zero at by the current time.
func NewCallbackEvent(typ string, d *EventData, id string, at time.Time) (CloudEvent, error) {
	if typ == "" {
		return CloudEvent{}, errors.New("event type is empty")
	}
	if d == nil {
		d = &EventData{}
	}
	data, err := json.Marshal(d)
	if err != nil {
		return CloudEvent{}, err
	}
	if id == "" {
		id = uuid.New()
	}
	if at.IsZero() {
		at = time.Now()
	}
	src := CallConnectionSource(d.CallConnectionID)
	return CloudEvent{
		ID:              id,
		Source:          src,
		Type:            typ,
		Data:            data,
		Time:            FormatTime(at),
		SpecVersion:     SpecVersion,
		DataContentType: ContentTypeJSON,
		Subject:         src,
	}, nil
}

// NewEventGridEvent returns an Event Grid schema event of type typ with
// data d. An empty id is replaced by a new one; a zero at by the current
// time.
func NewEventGridEvent(typ, topic, subject string, d *EventData, id string, at time.Time) (EventGridEvent, error) {
	if typ == "" {
		return EventGridEvent{}, errors.New("event type is empty")
	}
	if d == nil {
		d = &EventData{}
	}
	data, err := json.Marshal(d)
	if err != nil {
		return EventGridEvent{}, err
	}
	if id == "" {
		id = uuid.New()
	}
	if at.IsZero() {
		at = time.Now()
	}
	return EventGridEvent{
		ID:              id,
		Topic:           topic,
		Subject:         subject,
		Data:            data,
		EventType:       typ,
		DataVersion:     EventGridDataVersion,
		MetadataVersion: EventGridMetadataVersion,
		EventTime:       FormatTime(at),
	}, nil
}

// NewIncomingCallEvent returns the Event Grid event of an incoming call
// with data d (To, From, ServerCallID, IncomingCallContext...), from the
// ACS resource whose resource path is topic
// ("/subscriptions/.../providers/Microsoft.Communication/communicationServices/{name}").
func NewIncomingCallEvent(topic string, d *EventData, id string, at time.Time) (EventGridEvent, error) {
	if d == nil {
		return EventGridEvent{}, errors.New("incoming call data is nil")
	}
	return NewEventGridEvent(TypeIncomingCall, topic, IncomingCallSubject(rawID(d.From), rawID(d.To)), d, id, at)
}

// rawID is the rawId of an identifier's JSON, "" when it has none.
func rawID(identifier json.RawMessage) string {
	var m struct {
		RawID string `json:"rawId"`
	}
	if len(identifier) > 0 {
		_ = json.Unmarshal(identifier, &m)
	}
	return m.RawID
}

// NewIncomingCallCloudEvent returns an incoming call as a CloudEvent, the
// way an Event Grid subscription with the CloudEvents schema delivers it:
// source is the topic, subject as in the Event Grid schema.
func NewIncomingCallCloudEvent(topic string, d *EventData, id string, at time.Time) (CloudEvent, error) {
	eg, err := NewIncomingCallEvent(topic, d, id, at)
	if err != nil {
		return CloudEvent{}, err
	}
	return CloudEvent{
		ID:              eg.ID,
		Source:          topic,
		Type:            TypeIncomingCall,
		Data:            eg.Data,
		Time:            eg.EventTime,
		SpecVersion:     SpecVersion,
		DataContentType: ContentTypeJSON,
		Subject:         eg.Subject,
	}, nil
}

// NewSubscriptionValidationEvent returns Event Grid's validation event
// with the code to echo and the URL of a manual validation.
func NewSubscriptionValidationEvent(topic, code, validationURL, id string, at time.Time) (EventGridEvent, error) {
	return NewEventGridEvent(TypeSubscriptionValidation, topic, "", &EventData{ValidationCode: code, ValidationURL: validationURL}, id, at)
}

// MarshalCloudEvents returns the JSON array of events, the body of a
// callback POST (content type application/json).
func MarshalCloudEvents(events []CloudEvent) ([]byte, error) {
	if events == nil {
		events = []CloudEvent{}
	}
	return json.Marshal(events)
}

// MarshalEventGridEvents returns the JSON array of events, the body of an
// Event Grid delivery in the Event Grid schema.
func MarshalEventGridEvents(events []EventGridEvent) ([]byte, error) {
	if events == nil {
		events = []EventGridEvent{}
	}
	return json.Marshal(events)
}

// ValidationResponse is the body that answers Event Grid's validation
// handshake: {"validationResponse": code}.
type ValidationResponse struct {
	// ValidationResponse is the validation code of the event.
	ValidationResponse string `json:"validationResponse"`
}
