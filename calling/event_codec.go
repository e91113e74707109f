package calling

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
)

// MaxEventsPerDelivery is the most events ParseEvents and its siblings
// read from one body; Event Grid sends at most 5,000 in a batch.
const MaxEventsPerDelivery = 5000

// EventError reports a body, or an event in it, that cannot be read. Its
// text names the event's position and type and what is wrong with it,
// never a value from the body (which may hold an incoming call context).
type EventError struct {
	// Index is the position of the event at fault in the delivery, or -1
	// when the delivery as a whole cannot be read.
	Index int
	// Type is the type of the event at fault, when known.
	Type string
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
	// Err is the cause, if any: for example an
	// *identity.IdentifierModelError, or a *json.UnmarshalTypeError.
	Err error
}

// Error implements error.
func (e *EventError) Error() string {
	b := []byte("calling: ")
	if e.Index >= 0 {
		b = append(b, "event "...)
		b = strconv.AppendInt(b, int64(e.Index), 10)
		if e.Type != "" {
			b = append(b, " ("...)
			b = appendTypeName(b, e.Type)
			b = append(b, ')')
		}
		b = append(b, ": "...)
	}
	b = append(b, e.Problem...)
	if e.Err != nil {
		b = append(b, ": "...)
		b = append(b, eventwire.ErrorText(e.Err)...)
	}
	return string(b)
}

// Unwrap returns the cause.
func (e *EventError) Unwrap() error { return e.Err }

// appendTypeName appends an event type for an error text: quoted, at most
// 100 bytes.
func appendTypeName(b []byte, t string) []byte {
	if len(t) > 100 {
		t = t[:100] + "..."
	}
	return strconv.AppendQuote(b, t)
}

// ParseEvents reads the body of a callback or Event Grid delivery: a JSON
// array of events (or a single event object) in the CloudEvents schema,
// the Event Grid schema, or a mix. Events of the types this package knows
// become their typed values; the others become *UnknownEvent, never
// dropped. An event of a known type whose data does not have the type's
// shape (a member of the wrong JSON type, an identifier that is not one)
// is kept too, as an *UnknownEvent with its data as it arrived and the
// reason in its Err: one bad event never takes the others of its delivery
// with it. Errors, which refuse the whole body, are *EventError: a body
// that is not a JSON array or object of events, an event without a type,
// more than MaxEventsPerDelivery events.
func ParseEvents(body []byte) ([]Event, error) { return parseEvents(body, 0) }

// ParseCloudEvents is ParseEvents for bodies that must be CloudEvents, as
// Call Automation callbacks are: an event in the Event Grid schema makes
// the body an error.
func ParseCloudEvents(body []byte) ([]Event, error) {
	return parseEvents(body, eventwire.SchemaCloudEvents)
}

// ParseEventGridEvents is ParseEvents for bodies that must be in the Event
// Grid schema: an event in the CloudEvents schema makes the body an error.
func ParseEventGridEvents(body []byte) ([]Event, error) {
	return parseEvents(body, eventwire.SchemaEventGrid)
}

func parseEvents(body []byte, want eventwire.Schema) ([]Event, error) {
	return readEvents(body, want, eventwire.Decode)
}

// readEvents reads a delivery decoded by decode: eventwire.Decode, or in
// tests eventwire.DecodeJSON, the encoding/json path Decode falls back on,
// which must give the same events.
func readEvents(body []byte, want eventwire.Schema, decode func([]byte) ([]eventwire.Received, error)) ([]Event, error) {
	evs, err := decode(body)
	if err != nil {
		return nil, fromDecodeError(err, "")
	}
	out := make([]Event, 0, len(evs))
	for i := range evs {
		r := &evs[i]
		if want != 0 && r.Schema() != want {
			return nil, &EventError{Index: i, Type: r.EventTypeName(), Problem: "not in the " + want.String() + " schema"}
		}
		out = append(out, eventFrom(i, r))
	}
	return out, nil
}

func fromDecodeError(err error, typ string) *EventError {
	var de *eventwire.DecodeError
	if errors.As(err, &de) {
		return &EventError{Index: de.Index, Type: typ, Problem: de.Problem, Err: de.Err}
	}
	return &EventError{Index: -1, Type: typ, Problem: "cannot read", Err: err}
}

// eventFrom reads one event. Known types with data of the wrong shape, and
// unknown types, become *UnknownEvent.
func eventFrom(i int, r *eventwire.Received) Event {
	typ := r.EventTypeName()
	build := builders[typ]
	if build == nil {
		return unknownEvent(i, r)
	}
	d := &r.Fields
	if !r.DataRead {
		if err := eventwire.DecodeData(i, &r.Envelope, d); err != nil {
			return undecodable(i, r, fromDecodeError(err, typ))
		}
	}
	ev, err := build(eventInfo(&r.Envelope, d), d)
	if err != nil {
		return undecodable(i, r, &EventError{Index: i, Type: typ, Problem: "data", Err: err})
	}
	return ev
}

// undecodable keeps an event of a known type that could not be read.
func undecodable(i int, r *eventwire.Received, err *EventError) *UnknownEvent {
	u := unknownEvent(i, r)
	u.Err = err
	return u
}

// unknownEvent keeps an event as it arrived. Its data is copied: the
// envelope's may point into the delivery's body.
func unknownEvent(i int, r *eventwire.Received) *UnknownEvent {
	env := &r.Envelope
	u := &UnknownEvent{Type: env.EventTypeName()}
	if r.DataRead {
		u.Data = bytes.Clone(env.Data)
		u.EventInfo = eventInfo(env, &r.Fields)
		return u
	}
	var d eventwire.EventData
	p, err := env.Payload()
	switch {
	case err != nil:
		// data and data_base64 both present, or bad base64: keep data.
		u.Data = validJSON(env.Data)
	case p == nil:
	case json.Valid(p):
		u.Data = bytes.Clone(p)
		// The members every event has, when the data has them with the
		// right types; any fault only leaves them empty.
		if eventwire.DecodeData(i, env, &d) != nil {
			d = eventwire.EventData{}
		}
	case env.DataBase64 != "":
		u.BinaryData = p
	default:
		u.Data = validJSON(env.Data)
	}
	u.EventInfo = eventInfo(env, &d)
	return u
}

// validJSON returns a copy of b when it is JSON, nil otherwise.
func validJSON(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return nil
	}
	return bytes.Clone(b)
}

func eventInfo(env *eventwire.Envelope, d *eventwire.EventData) EventInfo {
	t, _ := eventwire.ParseTime(env.TimeString())
	return EventInfo{
		ID:                env.ID,
		Source:            env.Source,
		Subject:           env.Subject,
		Topic:             env.Topic,
		Time:              t,
		CallConnectionID:  d.CallConnectionID,
		ServerCallID:      d.ServerCallID,
		CorrelationID:     d.CorrelationID,
		OperationContext:  d.OperationContext,
		ResultInformation: resultFromWire(d.ResultInformation),
	}
}

func resultFromWire(r *eventwire.ResultInformation) *ResultInformation {
	if r == nil {
		return nil
	}
	return &ResultInformation{
		Code:        int(r.Code),
		SubCode:     int(r.SubCode),
		Message:     r.Message,
		SIPDetails:  diagFromWire(r.SIPDetails),
		Q850Details: diagFromWire(r.Q850Details),
	}
}

func diagFromWire(d *eventwire.DiagnosticInfo) *SIPDiagnosticInfo {
	if d == nil {
		return nil
	}
	return &SIPDiagnosticInfo{Code: int(d.Code), Message: d.Message}
}

// optionalID reads an identifier that may be absent; errors are a
// *callwire.PropertyError naming the data member.
func optionalID(property string, raw json.RawMessage) (identity.Identifier, error) {
	return callwire.DecodeOptional(property, raw, identity.UnmarshalIdentifier)
}

// teamsDetailsFromWire reads the teamsPhoneCallDetails of an event's
// customContext (the IncomingCall of the 2026-03-12 spec has a
// CustomCallingContext), kept as its JSON; absent or null gives nil. It
// reads what arrives as it is: a member the spec marks required that is
// missing stays empty. Errors are a *callwire.PropertyError naming the
// member.
func teamsDetailsFromWire(property string, raw json.RawMessage) (*TeamsPhoneCallDetails, error) {
	if callwire.Absent(raw) {
		return nil, nil
	}
	var w callwire.TeamsPhoneCallDetails
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, &callwire.PropertyError{Property: property, Err: err}
	}
	d := &TeamsPhoneCallDetails{
		SessionID:        w.SessionID,
		Intent:           w.Intent,
		CallTopic:        w.CallTopic,
		CallContext:      w.CallContext,
		TranscriptURL:    w.TranscriptURL,
		CallSentiment:    w.CallSentiment,
		SuggestedActions: w.SuggestedActions,
	}
	if c := w.TeamsPhoneCallerDetails; c != nil {
		caller, err := optionalID(property+".teamsPhoneCallerDetails.caller", c.Caller)
		if err != nil {
			return nil, err
		}
		d.CallerDetails = &TeamsPhoneCallerDetails{
			Caller:                      caller,
			Name:                        c.Name,
			PhoneNumber:                 c.PhoneNumber,
			RecordID:                    c.RecordID,
			ScreenPopURL:                c.ScreenPopURL,
			IsAuthenticated:             c.IsAuthenticated != nil && *c.IsAuthenticated,
			AdditionalCallerInformation: c.AdditionalCallerInformation,
		}
	}
	if src := w.TeamsPhoneSourceDetails; src != nil {
		source, err := optionalID(property+".teamsPhoneSourceDetails.source", src.Source)
		if err != nil {
			return nil, err
		}
		d.SourceDetails = &TeamsPhoneSourceDetails{Source: source, Language: src.Language, Status: src.Status}
		for _, k := range slices.Sorted(maps.Keys(src.IntendedTargets)) {
			t, err := optionalID(property+".teamsPhoneSourceDetails.intendedTargets."+k, src.IntendedTargets[k])
			if err != nil {
				return nil, err
			}
			if d.SourceDetails.IntendedTargets == nil {
				d.SourceDetails.IntendedTargets = map[string]identity.Identifier{}
			}
			d.SourceDetails.IntendedTargets[k] = t
		}
	}
	return d, nil
}

type builder func(info EventInfo, d *eventwire.EventData) (Event, error)

// builders maps each known type to the function that reads its data.
var builders = map[string]builder{
	EventTypeCallConnected:    func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &CallConnected{i}, nil },
	EventTypeCallDisconnected: func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &CallDisconnected{i}, nil },
	EventTypeCallTransferAccepted: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		e := &CallTransferAccepted{EventInfo: i}
		var err error
		if e.Transferee, err = optionalID("transferee", d.Transferee); err != nil {
			return nil, err
		}
		if e.TransferTarget, err = optionalID("transferTarget", d.TransferTarget); err != nil {
			return nil, err
		}
		return e, nil
	},
	EventTypeCallTransferFailed: func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &CallTransferFailed{i}, nil },
	EventTypeAddParticipantSucceeded: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		p, err := optionalID("participant", d.Participant)
		return &AddParticipantSucceeded{i, p}, err
	},
	EventTypeAddParticipantFailed: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		p, err := optionalID("participant", d.Participant)
		return &AddParticipantFailed{i, p}, err
	},
	EventTypeRemoveParticipantSucceeded: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		p, err := optionalID("participant", d.Participant)
		return &RemoveParticipantSucceeded{i, p}, err
	},
	EventTypeRemoveParticipantFailed: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		p, err := optionalID("participant", d.Participant)
		return &RemoveParticipantFailed{i, p}, err
	},
	EventTypeCancelAddParticipantSucceeded: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		return &CancelAddParticipantSucceeded{i, d.InvitationID}, nil
	},
	EventTypeCancelAddParticipantFailed: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		return &CancelAddParticipantFailed{i, d.InvitationID}, nil
	},
	EventTypeMoveParticipantSucceeded: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		p, err := optionalID("participant", d.Participant)
		return &MoveParticipantSucceeded{i, p, d.FromCall}, err
	},
	EventTypeMoveParticipantFailed: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		p, err := optionalID("participant", d.Participant)
		return &MoveParticipantFailed{i, p, d.FromCall}, err
	},
	EventTypeParticipantsUpdated: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		e := &ParticipantsUpdated{EventInfo: i, SequenceNumber: int(d.SequenceNumber)}
		if len(d.Participants) > 0 {
			e.Participants = make([]CallParticipant, len(d.Participants))
		}
		for k, p := range d.Participants {
			id, err := optionalID("", p.Identifier)
			if err != nil {
				// Named here, not for every participant read.
				if pe, ok := err.(*callwire.PropertyError); ok {
					pe.Property = "participants[" + strconv.Itoa(k) + "].identifier"
				}
				return nil, err
			}
			e.Participants[k] = CallParticipant{Identifier: id, IsMuted: p.IsMuted, IsOnHold: p.IsOnHold}
		}
		return e, nil
	},
	EventTypeCreateCallFailed: func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &CreateCallFailed{i}, nil },
	EventTypeAnswerFailed:     func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &AnswerFailed{i}, nil },
	EventTypeConnectFailed:    func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &ConnectFailed{i}, nil },
	EventTypeHoldFailed:       func(i EventInfo, _ *eventwire.EventData) (Event, error) { return &HoldFailed{i}, nil },
	EventTypeIncomingCall: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		// An IncomingCall has no call connection yet, and answers no
		// operation: its data has neither member (the published example,
		// shared/spec/events/eventgrid_IncomingCall.json; AD
		// concepts/call-automation/incoming-call-notification.md), and one
		// that claims either is not trusted with it.
		i.CallConnectionID, i.OperationContext = "", ""
		e := &IncomingCall{
			EventInfo:           i,
			CallerDisplayName:   d.CallerDisplayName,
			IncomingCallContext: d.IncomingCallContext,
		}
		var err error
		if e.To, err = optionalID("to", d.To); err != nil {
			return nil, err
		}
		if e.From, err = optionalID("from", d.From); err != nil {
			return nil, err
		}
		if e.OnBehalfOfCallee, err = optionalID("onBehalfOfCallee", d.OnBehalfOfCallee); err != nil {
			return nil, err
		}
		if c := d.CustomContext; c != nil {
			e.CustomContext = CustomCallingContext{SIPHeaders: c.SIPHeaders, VoIPHeaders: c.VoIPHeaders}
			if e.CustomContext.TeamsPhoneCallDetails, err = teamsDetailsFromWire("customContext.teamsPhoneCallDetails", c.TeamsPhoneCallDetails); err != nil {
				return nil, err
			}
		}
		return e, nil
	},
	EventTypeSubscriptionValidation: func(i EventInfo, d *eventwire.EventData) (Event, error) {
		return &SubscriptionValidation{i, d.ValidationCode, d.ValidationURL}, nil
	},
}

// MarshalCloudEvents returns the JSON array of CloudEvents that carries
// events, the body Call Automation POSTs to a callback URL (and an Event
// Grid subscription with the CloudEvents schema posts for an
// IncomingCall). It is for fakes and tests: a body to feed a
// CallbackHandler or ParseCloudEvents. An event without an ID gets a new
// one, without a Time the current time; a callback's source and subject
// are made from its CallConnectionID, an IncomingCall's source is its
// Topic or Source. Errors are *EventError.
func MarshalCloudEvents(events ...Event) ([]byte, error) {
	out := make([]eventwire.CloudEvent, 0, len(events))
	for i, ev := range events {
		ce, err := cloudEvent(ev)
		if err != nil {
			return nil, marshalError(i, ev, err)
		}
		out = append(out, ce)
	}
	return eventwire.MarshalCloudEvents(out)
}

// MarshalEventGridEvents returns the JSON array of events in the Event
// Grid schema, the body of an Event Grid delivery of IncomingCall (or
// SubscriptionValidation) events. It is for fakes and tests, like
// MarshalCloudEvents. Errors are *EventError.
func MarshalEventGridEvents(events ...Event) ([]byte, error) {
	out := make([]eventwire.EventGridEvent, 0, len(events))
	for i, ev := range events {
		eg, err := eventGridEvent(ev)
		if err != nil {
			return nil, marshalError(i, ev, err)
		}
		out = append(out, eg)
	}
	return eventwire.MarshalEventGridEvents(out)
}

func marshalError(i int, ev Event, err error) error {
	typ := ""
	if ev != nil {
		typ = ev.EventType()
	}
	return &EventError{Index: i, Type: typ, Problem: "cannot encode", Err: err}
}

var errNilEvent = errors.New("nil event")

func cloudEvent(ev Event) (eventwire.CloudEvent, error) {
	if isNilEvent(ev) {
		return eventwire.CloudEvent{}, errNilEvent
	}
	info := ev.Info()
	d, data, err := wireData(ev)
	if err != nil {
		return eventwire.CloudEvent{}, err
	}
	var ce eventwire.CloudEvent
	switch ev.(type) {
	case *IncomingCall:
		ce, err = eventwire.NewIncomingCallCloudEvent(firstNonEmpty(info.Topic, info.Source), d, info.ID, info.Time)
	default:
		ce, err = eventwire.NewCallbackEvent(ev.EventType(), d, info.ID, info.Time)
	}
	if err != nil {
		return eventwire.CloudEvent{}, err
	}
	if info.Source != "" {
		ce.Source = info.Source
	}
	if info.Subject != "" {
		ce.Subject = info.Subject
	}
	if data != nil {
		ce.Data = data
	}
	return ce, nil
}

func eventGridEvent(ev Event) (eventwire.EventGridEvent, error) {
	if isNilEvent(ev) {
		return eventwire.EventGridEvent{}, errNilEvent
	}
	info := ev.Info()
	d, data, err := wireData(ev)
	if err != nil {
		return eventwire.EventGridEvent{}, err
	}
	var eg eventwire.EventGridEvent
	topic := firstNonEmpty(info.Topic, info.Source)
	switch ev.(type) {
	case *IncomingCall:
		eg, err = eventwire.NewIncomingCallEvent(topic, d, info.ID, info.Time)
	default:
		eg, err = eventwire.NewEventGridEvent(ev.EventType(), topic, info.Subject, d, info.ID, info.Time)
	}
	if err != nil {
		return eventwire.EventGridEvent{}, err
	}
	if info.Subject != "" {
		eg.Subject = info.Subject
	}
	if data != nil {
		eg.Data = data
	}
	return eg, nil
}

// isNilEvent reports a nil Event, or a nil pointer in one (whose Info
// would panic).
func isNilEvent(ev Event) bool {
	if ev == nil {
		return true
	}
	v := reflect.ValueOf(ev)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// wireData returns the wire data of ev, or for an *UnknownEvent its data
// as it is (data nil means: use d).
func wireData(ev Event) (d *eventwire.EventData, data json.RawMessage, err error) {
	info := ev.Info()
	if r := info.ResultInformation; r != nil && !(fitsInt32(r.Code) && fitsInt32(r.SubCode) &&
		(r.SIPDetails == nil || fitsInt32(r.SIPDetails.Code)) && (r.Q850Details == nil || fitsInt32(r.Q850Details.Code))) {
		return nil, nil, errors.New("result code out of range")
	}
	d = &eventwire.EventData{
		CallConnectionID:  info.CallConnectionID,
		ServerCallID:      info.ServerCallID,
		CorrelationID:     info.CorrelationID,
		OperationContext:  info.OperationContext,
		ResultInformation: resultToWire(info.ResultInformation),
	}
	switch e := ev.(type) {
	case *CallConnected, *CallDisconnected, *CallTransferFailed, *CreateCallFailed,
		*AnswerFailed, *ConnectFailed, *HoldFailed:
	case *CallTransferAccepted:
		d.Transferee = modelOf(e.Transferee)
		d.TransferTarget = modelOf(e.TransferTarget)
	case *AddParticipantSucceeded:
		d.Participant = modelOf(e.Participant)
	case *AddParticipantFailed:
		d.Participant = modelOf(e.Participant)
	case *RemoveParticipantSucceeded:
		d.Participant = modelOf(e.Participant)
	case *RemoveParticipantFailed:
		d.Participant = modelOf(e.Participant)
	case *CancelAddParticipantSucceeded:
		d.InvitationID = e.InvitationID
	case *CancelAddParticipantFailed:
		d.InvitationID = e.InvitationID
	case *MoveParticipantSucceeded:
		d.Participant, d.FromCall = modelOf(e.Participant), e.FromCall
	case *MoveParticipantFailed:
		d.Participant, d.FromCall = modelOf(e.Participant), e.FromCall
	case *ParticipantsUpdated:
		if !fitsInt32(e.SequenceNumber) {
			return nil, nil, errors.New("sequence number out of range")
		}
		d.SequenceNumber = int32(e.SequenceNumber)
		for _, p := range e.Participants {
			d.Participants = append(d.Participants, eventwire.CallParticipant{Identifier: modelOf(p.Identifier), IsMuted: p.IsMuted, IsOnHold: p.IsOnHold})
		}
	case *IncomingCall:
		d.To, d.From, d.OnBehalfOfCallee = modelOf(e.To), modelOf(e.From), modelOf(e.OnBehalfOfCallee)
		d.CallerDisplayName = e.CallerDisplayName
		d.IncomingCallContext = e.IncomingCallContext
		if cc := customContextToWire(&e.CustomContext); cc != nil {
			d.CustomContext = &eventwire.CustomContext{SIPHeaders: cc.SipHeaders, VoIPHeaders: cc.VoipHeaders}
			if cc.TeamsPhoneCallDetails != nil {
				b, err := json.Marshal(cc.TeamsPhoneCallDetails)
				if err != nil {
					return nil, nil, err
				}
				d.CustomContext.TeamsPhoneCallDetails = b
			}
		}
	case *SubscriptionValidation:
		d.ValidationCode, d.ValidationURL = e.ValidationCode, e.ValidationURL
	case *UnknownEvent:
		if e.Type == "" {
			return nil, nil, errors.New("unknown event without a type")
		}
		if len(e.Data) > 0 {
			if !json.Valid(e.Data) {
				return nil, nil, errors.New("data is not json")
			}
			return d, e.Data, nil
		}
		if info.CallConnectionID != "" || info.ServerCallID != "" || info.CorrelationID != "" ||
			info.OperationContext != "" || info.ResultInformation != nil {
			return d, nil, nil // the members every event has
		}
		return d, json.RawMessage("null"), nil
	default:
		return nil, nil, errors.New("not an event type of package calling")
	}
	return d, nil, nil
}

func modelOf(id identity.Identifier) json.RawMessage {
	if id == nil {
		return nil
	}
	m := identity.ModelFromIdentifier(id)
	if m == (identity.IdentifierModel{}) {
		return nil
	}
	return modelJSON(m)
}

func resultToWire(r *ResultInformation) *eventwire.ResultInformation {
	if r == nil {
		return nil
	}
	return &eventwire.ResultInformation{
		Code:        int32(r.Code),
		SubCode:     int32(r.SubCode),
		Message:     r.Message,
		SIPDetails:  diagToWire(r.SIPDetails),
		Q850Details: diagToWire(r.Q850Details),
	}
}

func diagToWire(d *SIPDiagnosticInfo) *eventwire.DiagnosticInfo {
	if d == nil {
		return nil
	}
	return &eventwire.DiagnosticInfo{Code: int32(d.Code), Message: d.Message}
}

func fitsInt32(n int) bool { return n >= math.MinInt32 && n <= math.MaxInt32 }
