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
	ok := s.Members(envelopeMembers, func(name string) bool {
		switch name {
		case "id":
			e.ID = s.String()
		case "subject":
			subject = s.StringBytes()
		case "data":
			if s.Peek() == 0 {
				return false
			}
			start := s.Pos()
			try := *s
			if try.Peek() == '{' && readData(&try, &e.Fields, &prev.Fields) {
				*s, e.DataRead = try, true
			} else {
				e.Fields = EventData{}
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
			e.Time = constant(s.StringBytes(), prev.Time)
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
		}
		return true
	})
	// A callback's subject is its source: one string for both.
	e.Source = constant(source, prev.Source)
	if bytes.Equal(subject, source) {
		e.Subject = e.Source
	} else {
		e.Subject = string(subject)
	}
	if e.DataBase64 != "" {
		// Payload decides between data and data_base64.
		e.DataRead, e.Fields = false, EventData{}
	}
	return ok
}

// constant returns c when b spells it, without allocating, and b as a
// string otherwise: for the values that are mostly the same (a constant,
// or the previous event's).
func constant(b []byte, c string) string {
	if string(b) == c {
		return c
	}
	return string(b)
}

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
	customContextMembers = []string{"sipHeaders", "voipHeaders", "teamsPhoneCallDetails"}
)

// readData reads an event's data object into d, as encoding/json reads it
// into an EventData (the strings that identify the call and the operation
// are prev's when they are equal); false means it could not (a value of
// another type, a member repeated or named in another case: DecodeData
// reads it then). Identifiers are kept as their JSON, pointing into the
// input.
func readData(s *jsonscan.Scanner, d, prev *EventData) bool {
	return s.Members(dataMembers, func(name string) bool {
		switch name {
		case "callConnectionId":
			d.CallConnectionID = constant(s.StringBytes(), prev.CallConnectionID)
		case "serverCallId":
			d.ServerCallID = constant(s.StringBytes(), prev.ServerCallID)
		case "correlationId":
			d.CorrelationID = constant(s.StringBytes(), prev.CorrelationID)
		case "operationContext":
			d.OperationContext = constant(s.StringBytes(), prev.OperationContext)
		case "resultInformation":
			if !s.Null() {
				d.ResultInformation = new(ResultInformation)
				return readResult(s, d.ResultInformation)
			}
		case "participant":
			d.Participant = s.Skip()
		case "participants":
			if s.Null() {
				return true
			}
			d.Participants = []CallParticipant{}
			for ok := s.Array(); ok; ok = s.Next() {
				d.Participants = append(d.Participants, CallParticipant{})
				if !s.Null() && !readParticipant(s, &d.Participants[len(d.Participants)-1]) {
					return false
				}
			}
		case "sequenceNumber":
			d.SequenceNumber = s.Int32()
		case "transferee":
			d.Transferee = s.Skip()
		case "transferTarget":
			d.TransferTarget = s.Skip()
		case "invitationId":
			d.InvitationID = s.String()
		case "fromCall":
			d.FromCall = s.String()
		case "to":
			d.To = s.Skip()
		case "from":
			d.From = s.Skip()
		case "callerDisplayName":
			d.CallerDisplayName = s.String()
		case "customContext":
			if !s.Null() {
				d.CustomContext = new(CustomContext)
				return readCustomContext(s, d.CustomContext)
			}
		case "incomingCallContext":
			d.IncomingCallContext = s.String()
		case "onBehalfOfCallee":
			d.OnBehalfOfCallee = s.Skip()
		case "validationCode":
			d.ValidationCode = s.String()
		case "validationUrl":
			d.ValidationURL = s.String()
		}
		return true
	})
}

func readResult(s *jsonscan.Scanner, r *ResultInformation) bool {
	return s.Members(resultMembers, func(name string) bool {
		switch name {
		case "code":
			r.Code = s.Int32()
		case "subCode":
			r.SubCode = s.Int32()
		case "message":
			r.Message = s.String()
		case "sipDetails":
			return readDiagnostic(s, &r.SIPDetails)
		case "q850Details":
			return readDiagnostic(s, &r.Q850Details)
		}
		return true
	})
}

// readDiagnostic reads a DiagnosticInfo that may be null into *d.
func readDiagnostic(s *jsonscan.Scanner, d **DiagnosticInfo) bool {
	if s.Null() {
		return true
	}
	*d = new(DiagnosticInfo)
	return s.Members(diagnosticMembers, func(name string) bool {
		switch name {
		case "code":
			(*d).Code = s.Int32()
		case "message":
			(*d).Message = s.String()
		}
		return true
	})
}

func readParticipant(s *jsonscan.Scanner, p *CallParticipant) bool {
	return s.Members(participantMembers, func(name string) bool {
		switch name {
		case "identifier":
			p.Identifier = s.Skip()
		case "isMuted":
			p.IsMuted = s.Bool()
		case "isOnHold":
			p.IsOnHold = s.Bool()
		}
		return true
	})
}

func readCustomContext(s *jsonscan.Scanner, c *CustomContext) bool {
	return s.Members(customContextMembers, func(name string) bool {
		if name == "teamsPhoneCallDetails" {
			c.TeamsPhoneCallDetails = s.Skip()
			return true
		}
		m := &c.SIPHeaders
		if name == "voipHeaders" {
			m = &c.VoIPHeaders
		}
		if s.Null() {
			return true
		}
		// Any name, as encoding/json reads a map; a repeated one is
		// replaced, as there.
		*m = map[string]string{}
		for ok := s.Object(); ok; ok = s.More() {
			name := s.Key()
			(*m)[string(name)] = s.String()
		}
		return true
	})
}
