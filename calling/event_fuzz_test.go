package calling

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
)

// FuzzParseEvents checks that no body makes the parsers panic, that their
// errors are *EventError, and that what they read survives encoding: the
// events read back from MarshalCloudEvents of what was read encode to the
// same bytes again (ids and times aside, which encoding fills in when
// absent).
func FuzzParseEvents(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	if b, err := MarshalCloudEvents(sampleEvents()...); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`[{"type":"Microsoft.Communication.ParticipantsUpdated","data":"{\"participants\":[{\"identifier\":{\"rawId\":\"8:acs:x\"}}]}"}]`))
	f.Add([]byte(`{"eventType":"Microsoft.Communication.IncomingCall","data":{"to":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"dod"}},"customContext":{"sipHeaders":{"a":"b"}}}}`))
	f.Add([]byte(`[{"type":"X","data_base64":"AAEC"},{"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"c"}}]`))
	f.Add([]byte(`{"eventType":"Microsoft.Communication.IncomingCall","data":{"customContext":{"teamsPhoneCallDetails":{"callTopic":"t","teamsPhoneCallerDetails":{"caller":null,"additionalCallerInformation":{}},"teamsPhoneSourceDetails":{"source":{"microsoftTeamsApp":{"appId":"a"}},"intendedTargets":{"x":null}}}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func([]byte) ([]Event, error){ParseCloudEvents, ParseEventGridEvents} {
			if _, err := parse(body); err != nil {
				var ee *EventError
				if !errors.As(err, &ee) {
					t.Fatalf("error is %T, not *EventError", err)
				}
				_ = err.Error()
			}
		}
		evs, err := ParseEvents(body)
		if err != nil {
			var ee *EventError
			if !errors.As(err, &ee) {
				t.Fatalf("error is %T, not *EventError", err)
			}
			return
		}
		round := func(in []Event) ([]Event, []byte) {
			b, err := MarshalCloudEvents(in...)
			if err != nil {
				t.Fatalf("encoding what was read: %v", err)
			}
			out, err := ParseCloudEvents(b)
			if err != nil {
				t.Fatalf("reading what was encoded: %v\n%s", err, b)
			}
			for _, ev := range out {
				ev.Info().ID, ev.Info().Time = "fixed", time.Unix(0, 0).UTC()
			}
			return out, b
		}
		once, _ := round(evs)
		twice, b2 := round(once)
		_, b3 := round(twice)
		if string(b2) != string(b3) {
			t.Fatalf("encoding is not stable:\n%s\n%s", b2, b3)
		}
		if !reflect.DeepEqual(once, twice) {
			t.Fatalf("events change when encoded and read again:\n%#v\n%#v", once, twice)
		}
	})
}

// FuzzParseEventsPaths checks that ParseEvents and its siblings give for
// every body what they give through encoding/json alone (the path their
// one-pass decoding falls back on): the same events, field by field, or
// the same error.
func FuzzParseEventsPaths(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	if b, err := MarshalCloudEvents(sampleEvents()...); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		`[{"type":"Microsoft.Communication.ParticipantsUpdated","data":"{\"participants\":[{\"identifier\":{\"rawId\":\"8:acs:x\"}}]}"}]`,
		`[{"type":"Microsoft.Communication.AddParticipantSucceeded","data":{"participant":{"kind":"communicationUser","communicationUser":{}}}}]`,
		`[{"type":"Microsoft.Communication.AddParticipantFailed","data":{"participant":{"rawId":1},"resultInformation":{"code":"x"}}}]`,
		`[{"type":"Microsoft.Communication.PlayCompleted","data":{"callConnectionId":"c","x":[1]}},{"type":"X","data_base64":"AAEC"}]`,
		`{"eventType":"Microsoft.Communication.IncomingCall","data":{"to":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"dod"}},"customContext":{"sipHeaders":{"a":"b"}}}}`,
		`[{"type":"Microsoft.Communication.IncomingCall","data":{"to":"x","from":{"kind":5}}},{"type":"Microsoft.Communication.IncomingCall","data":"{\"to\":\"x\"}"}]`,
		`[{"type":"Microsoft.Communication.ParticipantsUpdated","data":{"participants":[{"identifier":"x"}]}}]`,
		`[{"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"c"}},{"type":"Microsoft.Communication.CallConnected"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, want := range []eventwire.Schema{0, eventwire.SchemaCloudEvents, eventwire.SchemaEventGrid} {
			got, err := readEvents(body, want, eventwire.Decode)
			ref, refErr := readEvents(body, want, eventwire.DecodeJSON)
			if (err == nil) != (refErr == nil) || err != nil && err.Error() != refErr.Error() {
				t.Fatalf("schema %v: error %v; through encoding/json %v", want, err, refErr)
			}
			if !reflect.DeepEqual(got, ref) {
				t.Fatalf("schema %v: events\n%#v\nthrough encoding/json\n%#v", want, got, ref)
			}
		}
	})
}
