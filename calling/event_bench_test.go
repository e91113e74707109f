package calling_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/benchcpu"
)

// benchDelivery is a callback delivery as Call Automation sends them in a
// busy call: a CallConnected, a ParticipantsUpdated with three
// participants, an AddParticipantSucceeded and a PlayCompleted (unknown).
func benchDelivery(b testing.TB) ([]byte, int) {
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	info := calling.EventInfo{Time: at, CallConnectionID: "441f1200-fd54-422e-9566-a867d187dca7", ServerCallID: "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkudGVhbXMubWljcm9zb2Z0LmNvbS9hcGkvdjIvZXAvY29udg", CorrelationID: "7a659f41-bd0f-4bae-8ac0-6af79283e1bc", OperationContext: "op-42"}
	user := identity.CommunicationUserIdentifier{ID: "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_0f50d091-5bd3-448b-884d-44be7037d9b9"}
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "6e1c4c3c-5c8d-4b0a-9c1f-0a7b7e1f2d3c", Cloud: identity.CloudPublic}
	phone := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}
	ok := &calling.ResultInformation{Code: 200, Message: "Action completed successfully."}
	withResult := info
	withResult.ResultInformation = ok
	evs := []calling.Event{
		&calling.CallConnected{EventInfo: info},
		&calling.ParticipantsUpdated{EventInfo: info, SequenceNumber: 3, Participants: []calling.CallParticipant{{Identifier: user}, {Identifier: teams, IsMuted: true}, {Identifier: phone}}},
		&calling.AddParticipantSucceeded{EventInfo: withResult, Participant: teams},
		&calling.UnknownEvent{EventInfo: withResult, Type: "Microsoft.Communication.PlayCompleted", Data: json.RawMessage(`{"callConnectionId":"441f1200-fd54-422e-9566-a867d187dca7","operationContext":"op-42","resultInformation":{"code":200,"subCode":0,"message":"Action completed successfully."}}`)},
	}
	body, err := calling.MarshalCloudEvents(evs...)
	if err != nil {
		b.Fatal(err)
	}
	return body, len(evs)
}

// benchParse runs parse over the delivery of benchDelivery and reports
// events per second of wall time, process CPU time per event, and
// allocations per delivery (allocs/op; divide by 4 for an event).
func benchParse(b *testing.B, parse func([]byte) (int, error)) {
	body, n := benchDelivery(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := benchcpu.Start()
	for b.Loop() {
		if got, err := parse(body); err != nil || got != n {
			b.Fatal(got, err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
	cpu.Report(b, float64(n), "event")
	b.ReportMetric(0, "ns/op") // per-op figures are per delivery; see events/s
}

// BenchmarkParseEvents compares, in one run, typed decoding with the two
// plain alternatives: the naive map decode and a hand-written struct
// decode doing the same work (see hwParse).
func BenchmarkParseEvents(b *testing.B) {
	b.Run("typed", func(b *testing.B) {
		benchParse(b, func(body []byte) (int, error) {
			evs, err := calling.ParseEvents(body)
			return len(evs), err
		})
	})
	// encoding/json into []map[string]any, which gives no types, no
	// identifiers, no times and no checks.
	b.Run("naive-map", func(b *testing.B) {
		benchParse(b, func(body []byte) (int, error) {
			var evs []map[string]any
			err := json.Unmarshal(body, &evs)
			return len(evs), err
		})
	})
	b.Run("handwritten", func(b *testing.B) {
		benchParse(b, func(body []byte) (int, error) {
			evs, err := hwParse(body)
			return len(evs), err
		})
	})
}

// hwEvent is what a speed-minded Go developer without this package would
// decode a callback event into: the fields the typed events expose, in one
// plain struct.
type hwEvent struct {
	Type, ID, Source, Subject string
	Time                      time.Time

	CallConnectionID, ServerCallID, CorrelationID, OperationContext string
	ResultInformation                                               *hwResult

	Participant    identity.Identifier
	Participants   []hwParticipant
	SequenceNumber int

	// Data is the data of an event of a type not read into fields.
	Data json.RawMessage
}

type hwResult struct {
	Code    int    `json:"code"`
	SubCode int    `json:"subCode"`
	Message string `json:"message"`
}

type hwParticipant struct {
	Identifier        identity.Identifier
	IsMuted, IsOnHold bool
}

// hwParse is the hand-written decoder of a callback delivery: encoding/json
// into plain structs, then the same work as ParseEvents — every event has
// a type, times parsed, identifiers read by the module's identifier rules
// (identity.IdentifierModel), at most MaxEventsPerDelivery events, the data
// of other types kept as it is.
func hwParse(body []byte) ([]hwEvent, error) {
	var envs []struct {
		ID      string          `json:"id"`
		Source  string          `json:"source"`
		Subject string          `json:"subject"`
		Type    string          `json:"type"`
		Time    string          `json:"time"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &envs); err != nil {
		return nil, err
	}
	if len(envs) > calling.MaxEventsPerDelivery {
		return nil, errors.New("too many events")
	}
	out := make([]hwEvent, len(envs))
	for i, env := range envs {
		if env.Type == "" {
			return nil, errors.New("event without a type")
		}
		e := &out[i]
		e.Type, e.ID, e.Source, e.Subject = env.Type, env.ID, env.Source, env.Subject
		e.Time, _ = time.Parse(time.RFC3339Nano, env.Time)
		var d struct {
			CallConnectionID  string                    `json:"callConnectionId"`
			ServerCallID      string                    `json:"serverCallId"`
			CorrelationID     string                    `json:"correlationId"`
			OperationContext  string                    `json:"operationContext"`
			ResultInformation *hwResult                 `json:"resultInformation"`
			Participant       *identity.IdentifierModel `json:"participant"`
			Participants      []struct {
				Identifier identity.IdentifierModel `json:"identifier"`
				IsMuted    bool                     `json:"isMuted"`
				IsOnHold   bool                     `json:"isOnHold"`
			} `json:"participants"`
			SequenceNumber int `json:"sequenceNumber"`
		}
		if err := json.Unmarshal(env.Data, &d); err != nil {
			return nil, err
		}
		e.CallConnectionID, e.ServerCallID, e.CorrelationID, e.OperationContext = d.CallConnectionID, d.ServerCallID, d.CorrelationID, d.OperationContext
		e.ResultInformation = d.ResultInformation
		switch env.Type {
		case calling.EventTypeCallConnected, calling.EventTypeCallDisconnected:
		case calling.EventTypeAddParticipantSucceeded, calling.EventTypeAddParticipantFailed, calling.EventTypeRemoveParticipantSucceeded, calling.EventTypeRemoveParticipantFailed:
			if d.Participant != nil {
				id, err := d.Participant.Identifier()
				if err != nil {
					return nil, err
				}
				e.Participant = id
			}
		case calling.EventTypeParticipantsUpdated:
			e.SequenceNumber = d.SequenceNumber
			e.Participants = make([]hwParticipant, len(d.Participants))
			for k, p := range d.Participants {
				id, err := p.Identifier.Identifier()
				if err != nil {
					return nil, err
				}
				e.Participants[k] = hwParticipant{id, p.IsMuted, p.IsOnHold}
			}
		default:
			e.Data = env.Data
		}
	}
	return out, nil
}

// The hand-written decoder reads the benchmark's delivery as ParseEvents
// does.
func TestHandwrittenParseMatches(t *testing.T) {
	body, _ := benchDelivery(t)
	hw, err := hwParse(body)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := calling.ParseEvents(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(hw) != len(evs) {
		t.Fatalf("%d events, ParseEvents read %d", len(hw), len(evs))
	}
	for i, ev := range evs {
		info, h := ev.Info(), hw[i]
		if h.Type != ev.EventType() || h.ID != info.ID || h.Source != info.Source || h.Subject != info.Subject || !h.Time.Equal(info.Time) ||
			h.CallConnectionID != info.CallConnectionID || h.ServerCallID != info.ServerCallID || h.CorrelationID != info.CorrelationID || h.OperationContext != info.OperationContext ||
			(h.ResultInformation == nil) != (info.ResultInformation == nil) ||
			h.ResultInformation != nil && (h.ResultInformation.Code != info.ResultInformation.Code || h.ResultInformation.Message != info.ResultInformation.Message) {
			t.Errorf("event %d: %+v, ParseEvents read %+v", i, h, ev)
		}
		switch e := ev.(type) {
		case *calling.ParticipantsUpdated:
			if len(e.Participants) != len(h.Participants) || h.SequenceNumber != e.SequenceNumber {
				t.Fatalf("event %d: %+v, ParseEvents read %+v", i, h, e)
			}
			for k, p := range e.Participants {
				if p.Identifier != h.Participants[k].Identifier || p.IsMuted != h.Participants[k].IsMuted {
					t.Errorf("event %d participant %d: %+v, ParseEvents read %+v", i, k, h.Participants[k], p)
				}
			}
		case *calling.AddParticipantSucceeded:
			if e.Participant != h.Participant {
				t.Errorf("event %d: %v, ParseEvents read %v", i, h.Participant, e.Participant)
			}
		case *calling.UnknownEvent:
			if string(e.Data) != string(h.Data) {
				t.Errorf("event %d: %s, ParseEvents read %s", i, h.Data, e.Data)
			}
		}
	}
}
