package calling

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// benchDelivery is a callback delivery as Call Automation sends them in a
// busy call: a CallConnected, a ParticipantsUpdated with three
// participants, an AddParticipantSucceeded and a PlayCompleted (unknown).
func benchDelivery(b *testing.B) ([]byte, int) {
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	info := EventInfo{Time: at, CallConnectionID: "441f1200-fd54-422e-9566-a867d187dca7", ServerCallID: "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkudGVhbXMubWljcm9zb2Z0LmNvbS9hcGkvdjIvZXAvY29udg", CorrelationID: "7a659f41-bd0f-4bae-8ac0-6af79283e1bc", OperationContext: "op-42"}
	user := identity.CommunicationUserIdentifier{ID: "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_0f50d091-5bd3-448b-884d-44be7037d9b9"}
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "6e1c4c3c-5c8d-4b0a-9c1f-0a7b7e1f2d3c", Cloud: identity.CloudPublic}
	phone := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}
	ok := &ResultInformation{Code: 200, Message: "Action completed successfully."}
	withResult := info
	withResult.ResultInformation = ok
	evs := []Event{
		&CallConnected{info},
		&ParticipantsUpdated{info, 3, []CallParticipant{{Identifier: user}, {Identifier: teams, IsMuted: true}, {Identifier: phone}}},
		&AddParticipantSucceeded{withResult, teams},
		&UnknownEvent{EventInfo: withResult, Type: "Microsoft.Communication.PlayCompleted", Data: json.RawMessage(`{"callConnectionId":"441f1200-fd54-422e-9566-a867d187dca7","operationContext":"op-42","resultInformation":{"code":200,"subCode":0,"message":"Action completed successfully."}}`)},
	}
	body, err := MarshalCloudEvents(evs...)
	if err != nil {
		b.Fatal(err)
	}
	return body, len(evs)
}

func reportPerEvent(b *testing.B, events int) {
	n := float64(b.N * events)
	b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(0, "ns/op") // per-op figures are per delivery; see events/s
}

// BenchmarkParseEvents measures typed decoding: events per second on one
// core and allocations per event (allocs/op divided by 4).
func BenchmarkParseEvents(b *testing.B) {
	body, n := benchDelivery(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		evs, err := ParseEvents(body)
		if err != nil || len(evs) != n {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, n)
}

// BenchmarkParseEventsNaiveMap is the plain alternative: encoding/json into
// []map[string]any, which gives no types, no identifiers and no checks.
func BenchmarkParseEventsNaiveMap(b *testing.B) {
	body, n := benchDelivery(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var evs []map[string]any
		if err := json.Unmarshal(body, &evs); err != nil || len(evs) != n {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, n)
}
