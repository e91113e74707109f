package eventwire

import (
	"bytes"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jsonscan"
)

// Received is one event of a delivery as Decode reads it: its envelope
// and, when its data is a JSON object that Decode read in the same pass,
// that data decoded.
type Received struct {
	Envelope
	// Fields is the event's data decoded, when DataRead is set; otherwise
	// it is zero and DecodeData reads the data (a JSON string holding JSON,
	// data_base64, data that is not an object or not of EventData's shape).
	Fields EventData
	// DataRead tells that Fields holds the event's data.
	DataRead bool
}

// Decode reads a delivery: a JSON array of events, or a single event
// object, in either schema (each element may be in either; use Schema to
// check). Every element must have a type (CloudEvents "type" or Event Grid
// "eventType"). Errors are *DecodeError.
//
// It reads the delivery in one pass, data included, without reflection
// (see internal/jsonscan); anything that pass does not read as
// encoding/json would, it leaves to DecodeJSON, so the results and errors
// are DecodeJSON's (FuzzDecodePaths compares the two). Envelope.Data and
// the identifiers of Fields point into body: copy what is kept after body
// is reused.
func Decode(body []byte) ([]Received, error) {
	if out, ok := decodeFast(body); ok {
		return out, nil
	}
	return DecodeJSON(body)
}

// envelopeMembers are the member names of an Envelope.
var envelopeMembers = []string{"id", "subject", "data", "type", "source", "specversion", "time", "datacontenttype", "data_base64", "eventType", "topic", "eventTime", "dataVersion", "metadataVersion"}

// decodeFast is Decode's one pass; false means: use DecodeJSON.
func decodeFast(body []byte) ([]Received, bool) {
	s := jsonscan.New(body)
	var out []Received
	switch s.Peek() {
	case '[':
		out = make([]Received, 0, 4)
		for ok := s.Array(); ok; ok = s.Next() {
			if len(out) == MaxEvents {
				return nil, false
			}
			out = append(out, Received{})
			var prev *Received
			if n := len(out); n > 1 {
				prev = &out[n-2]
			}
			if !readEvent(&s, &out[len(out)-1], prev) {
				return nil, false
			}
		}
	case '{':
		out = make([]Received, 1)
		if !readEvent(&s, &out[0], nil) {
			return nil, false
		}
	default:
		return nil, false
	}
	if !s.End() {
		return nil, false
	}
	for i := range out {
		if out[i].Schema() == 0 {
			return nil, false
		}
	}
	return out, true
}

// readEvent reads an event object into e. The strings that equal those of
// prev, the event before it if any, are prev's: the events of a delivery
// are mostly about one call.
func readEvent(s *jsonscan.Scanner, e, prev *Received) bool {
	if prev == nil {
		prev = &Received{}
	}
	var source, subject []byte
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		switch string(k) {
		case "id":
			e.ID = s.String()
		case "subject":
			subject = s.StringBytes()
		case "data":
			e.DataRead, e.Fields = false, EventData{}
			if s.Peek() == 0 {
				return false
			}
			start := s.Pos()
			if s.Peek() == '{' {
				try := *s
				if readData(&try, &e.Fields, &prev.Fields) {
					*s, e.DataRead = try, true
				} else {
					e.Fields = EventData{}
					s.Skip()
				}
			} else {
				s.Skip()
			}
			e.Data = s.Bytes(start, s.Pos())
		case "type":
			e.Type = eventType(s.StringBytes())
		case "source":
			source = s.StringBytes()
		case "specversion":
			e.SpecVersion = constant(s.StringBytes(), SpecVersion)
		case "time":
			e.Time = same(s.StringBytes(), prev.Time)
		case "datacontenttype":
			e.DataContentType = constant(s.StringBytes(), ContentTypeJSON)
		case "data_base64":
			e.DataBase64 = s.String()
		case "eventType":
			e.EventType = eventType(s.StringBytes())
		case "topic":
			e.Topic = s.String()
		case "eventTime":
			e.EventTime = s.String()
		case "dataVersion":
			e.DataVersion = constant(s.StringBytes(), EventGridDataVersion)
		case "metadataVersion":
			e.MetadataVersion = constant(s.StringBytes(), EventGridMetadataVersion)
		default:
			if jsonscan.FoldsTo(k, envelopeMembers...) {
				return false
			}
			s.Skip()
		}
	}
	// A callback's subject is its source: one string for both.
	e.Source = same(source, prev.Source)
	if bytes.Equal(subject, source) {
		e.Subject = e.Source
	} else {
		e.Subject = string(subject)
	}
	if e.DataBase64 != "" {
		// Payload decides between data and data_base64.
		e.DataRead, e.Fields = false, EventData{}
	}
	return !s.Failed()
}

// constant returns c when b spells it, without allocating, and b as a
// string otherwise.
func constant(b []byte, c string) string {
	if string(b) == c {
		return c
	}
	return string(b)
}

// same is constant for a string read before.
func same(b []byte, before string) string { return constant(b, before) }

// eventType returns the type b spells, one of the constants of this
// package when it is one.
func eventType(b []byte) string {
	switch string(b) {
	case TypeCallConnected:
		return TypeCallConnected
	case TypeCallDisconnected:
		return TypeCallDisconnected
	case TypeCallTransferAccepted:
		return TypeCallTransferAccepted
	case TypeCallTransferFailed:
		return TypeCallTransferFailed
	case TypeAddParticipantSucceeded:
		return TypeAddParticipantSucceeded
	case TypeAddParticipantFailed:
		return TypeAddParticipantFailed
	case TypeRemoveParticipantSucceeded:
		return TypeRemoveParticipantSucceeded
	case TypeRemoveParticipantFailed:
		return TypeRemoveParticipantFailed
	case TypeCancelAddParticipantSucceeded:
		return TypeCancelAddParticipantSucceeded
	case TypeCancelAddParticipantFailed:
		return TypeCancelAddParticipantFailed
	case TypeMoveParticipantSucceeded:
		return TypeMoveParticipantSucceeded
	case TypeMoveParticipantFailed:
		return TypeMoveParticipantFailed
	case TypeParticipantsUpdated:
		return TypeParticipantsUpdated
	case TypeCreateCallFailed:
		return TypeCreateCallFailed
	case TypeAnswerFailed:
		return TypeAnswerFailed
	case TypeConnectFailed:
		return TypeConnectFailed
	case TypeHoldFailed:
		return TypeHoldFailed
	case TypeIncomingCall:
		return TypeIncomingCall
	case TypeSubscriptionValidation:
		return TypeSubscriptionValidation
	case TypeSubscriptionDeleted:
		return TypeSubscriptionDeleted
	}
	return string(b)
}

// dataMembers are the member names of EventData, in the order of the bits
// readData keeps to find repeated members.
var dataMembers = []string{
	"callConnectionId", "serverCallId", "correlationId", "operationContext", "resultInformation",
	"participant", "participants", "sequenceNumber", "transferee", "transferTarget", "invitationId", "fromCall",
	"to", "from", "callerDisplayName", "customContext", "incomingCallContext", "onBehalfOfCallee",
	"validationCode", "validationUrl",
}

// The member names of the structs of EventData (TestFastPathMembers checks
// them against the structs' json tags).
var (
	resultMembers        = []string{"code", "subCode", "message", "sipDetails", "q850Details"}
	diagnosticMembers    = []string{"code", "message"}
	participantMembers   = []string{"identifier", "isMuted", "isOnHold"}
	customContextMembers = []string{"sipHeaders", "voipHeaders"}
)

// readData reads an event's data object into d, as encoding/json reads it
// into an EventData (the strings that identify the call and the operation
// are prev's when they are equal); false means it could not (a value of another type, a
// member repeated or named in another case: DecodeData reads it then).
// Identifiers are kept as their JSON, pointing into the input.
func readData(s *jsonscan.Scanner, d, prev *EventData) bool {
	var seen uint32
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		var bit uint32
		switch string(k) {
		case "callConnectionId":
			bit, d.CallConnectionID = 1<<0, same(s.StringBytes(), prev.CallConnectionID)
		case "serverCallId":
			bit, d.ServerCallID = 1<<1, same(s.StringBytes(), prev.ServerCallID)
		case "correlationId":
			bit, d.CorrelationID = 1<<2, same(s.StringBytes(), prev.CorrelationID)
		case "operationContext":
			bit, d.OperationContext = 1<<3, same(s.StringBytes(), prev.OperationContext)
		case "resultInformation":
			bit = 1 << 4
			if !s.Null() {
				d.ResultInformation = new(ResultInformation)
				if !readResult(s, d.ResultInformation) {
					return false
				}
			}
		case "participant":
			bit, d.Participant = 1<<5, s.Skip()
		case "participants":
			bit = 1 << 6
			if !s.Null() {
				d.Participants = []CallParticipant{}
				for ok := s.Array(); ok; ok = s.Next() {
					d.Participants = append(d.Participants, CallParticipant{})
					if !s.Null() && !readParticipant(s, &d.Participants[len(d.Participants)-1]) {
						return false
					}
				}
			}
		case "sequenceNumber":
			bit, d.SequenceNumber = 1<<7, s.Int32()
		case "transferee":
			bit, d.Transferee = 1<<8, s.Skip()
		case "transferTarget":
			bit, d.TransferTarget = 1<<9, s.Skip()
		case "invitationId":
			bit, d.InvitationID = 1<<10, s.String()
		case "fromCall":
			bit, d.FromCall = 1<<11, s.String()
		case "to":
			bit, d.To = 1<<12, s.Skip()
		case "from":
			bit, d.From = 1<<13, s.Skip()
		case "callerDisplayName":
			bit, d.CallerDisplayName = 1<<14, s.String()
		case "customContext":
			bit = 1 << 15
			if !s.Null() {
				d.CustomContext = new(CustomContext)
				if !readCustomContext(s, d.CustomContext) {
					return false
				}
			}
		case "incomingCallContext":
			bit, d.IncomingCallContext = 1<<16, s.String()
		case "onBehalfOfCallee":
			bit, d.OnBehalfOfCallee = 1<<17, s.Skip()
		case "validationCode":
			bit, d.ValidationCode = 1<<18, s.String()
		case "validationUrl":
			bit, d.ValidationURL = 1<<19, s.String()
		default:
			if jsonscan.FoldsTo(k, dataMembers...) {
				return false
			}
			s.Skip()
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	return !s.Failed()
}

func readResult(s *jsonscan.Scanner, r *ResultInformation) bool {
	var seen uint8
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		var bit uint8
		switch string(k) {
		case "code":
			bit, r.Code = 1<<0, s.Int32()
		case "subCode":
			bit, r.SubCode = 1<<1, s.Int32()
		case "message":
			bit, r.Message = 1<<2, s.String()
		case "sipDetails":
			bit = 1 << 3
			if !s.Null() {
				r.SIPDetails = new(DiagnosticInfo)
				if !readDiagnostic(s, r.SIPDetails) {
					return false
				}
			}
		case "q850Details":
			bit = 1 << 4
			if !s.Null() {
				r.Q850Details = new(DiagnosticInfo)
				if !readDiagnostic(s, r.Q850Details) {
					return false
				}
			}
		default:
			if jsonscan.FoldsTo(k, resultMembers...) {
				return false
			}
			s.Skip()
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	return !s.Failed()
}

func readDiagnostic(s *jsonscan.Scanner, d *DiagnosticInfo) bool {
	var seen uint8
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		var bit uint8
		switch string(k) {
		case "code":
			bit, d.Code = 1<<0, s.Int32()
		case "message":
			bit, d.Message = 1<<1, s.String()
		default:
			if jsonscan.FoldsTo(k, diagnosticMembers...) {
				return false
			}
			s.Skip()
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	return !s.Failed()
}

func readParticipant(s *jsonscan.Scanner, p *CallParticipant) bool {
	var seen uint8
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		var bit uint8
		switch string(k) {
		case "identifier":
			bit, p.Identifier = 1<<0, s.Skip()
		case "isMuted":
			bit, p.IsMuted = 1<<1, s.Bool()
		case "isOnHold":
			bit, p.IsOnHold = 1<<2, s.Bool()
		default:
			if jsonscan.FoldsTo(k, participantMembers...) {
				return false
			}
			s.Skip()
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	return !s.Failed()
}

func readCustomContext(s *jsonscan.Scanner, c *CustomContext) bool {
	var seen uint8
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		var bit uint8
		var m *map[string]string
		switch string(k) {
		case "sipHeaders":
			bit, m = 1<<0, &c.SIPHeaders
		case "voipHeaders":
			bit, m = 1<<1, &c.VoIPHeaders
		default:
			if jsonscan.FoldsTo(k, customContextMembers...) {
				return false
			}
			s.Skip()
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		if m != nil && !s.Null() {
			*m = map[string]string{}
			for ok := s.Object(); ok; ok = s.More() {
				name := s.Key()
				(*m)[string(name)] = s.String()
			}
		}
	}
	return !s.Failed()
}
