package eventwire

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestFastPathMembers checks that Decode's own pass knows every member of
// the structs it reads: a member added to one of them and not to the pass
// would be skipped there as unknown.
func TestFastPathMembers(t *testing.T) {
	for _, c := range []struct {
		v     any
		names []string
	}{
		{Envelope{}, envelopeMembers}, {EventData{}, dataMembers}, {ResultInformation{}, resultMembers},
		{DiagnosticInfo{}, diagnosticMembers}, {CallParticipant{}, participantMembers}, {CustomContext{}, customContextMembers},
	} {
		ty := reflect.TypeOf(c.v)
		var tags []string
		for i := range ty.NumField() {
			tags = append(tags, strings.Split(ty.Field(i).Tag.Get("json"), ",")[0])
		}
		slices.Sort(tags)
		names := slices.Sorted(slices.Values(c.names))
		if !slices.Equal(tags, names) {
			t.Errorf("%s: members %v, the one-pass reader knows %v", ty.Name(), tags, names)
		}
	}
}

// FuzzDecodePaths checks that Decode's own pass gives what encoding/json
// gives (DecodeJSON, then DecodeData for the data it read) for every
// delivery it reads, and that it reads the published examples, their data
// included.
func FuzzDecodePaths(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(specDir, "*.json"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		if _, err := DecodeJSON(b); err != nil {
			continue // not a delivery (an event's data, a response)
		}
		got, ok := decodeFast(b)
		if !ok {
			f.Fatalf("%s: not read in one pass", filepath.Base(n))
		}
		for i, e := range got {
			if !e.DataRead {
				f.Fatalf("%s: the data of event %d was not read in one pass", filepath.Base(n), i)
			}
		}
	}
	for _, s := range []string{
		`[{"type":"T","data":{"callConnectionId":"c","resultInformation":{"code":200,"subCode":0,"message":"ok","sipDetails":{"code":1,"message":"m"},"q850Details":null}}}]`,
		`[{"type":"T","data":{"participants":[],"customContext":{"sipHeaders":{},"voipHeaders":{"a":null,"a":"b"}}}},{"type":"U","data":{"participants":[null,{"identifier":null,"isMuted":true}]}}]`,
		`[{"type":"T","data":{"customContext":{"teamsPhoneCallDetails":{"callTopic":"t","teamsPhoneCallerDetails":{"caller":{"rawId":"4:+1"}}}}}},{"type":"U","data":{"customContext":{"teamsPhoneCallDetails":null,"voipHeaders":null}}}]`,
		`[{"type":"T","data":{"sequenceNumber":1.0}},{"type":"T","data":{"CallConnectionId":"x"}},{"type":"T","data":{"code":1,"code":2}}]`,
		`[{"type":"T","data":"{\"callConnectionId\":\"c\"}"},{"type":"T","data_base64":"e30=","data":{"a":1}}]`,
		`{"eventType":"T","ID":"x"}`, `[{"type":"T","data":{},"data":{"fromCall":"f"}}]`, `[{"type":"T","subject":"s\u0073","source":"ss"}]`,
		`[{"type":"T","data":{"resultInformation":{"code":2147483648}}}]`, `[{"type":"T","data":{"to":{"rawId":"x"}}}] x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := decodeFast(body)
		if !ok {
			return
		}
		ref, err := DecodeJSON(body)
		if err != nil {
			t.Fatalf("read in one pass, refused by encoding/json: %v", err)
		}
		if len(fast) != len(ref) {
			t.Fatalf("%d events, encoding/json reads %d", len(fast), len(ref))
		}
		for i := range fast {
			fe, re := fast[i].Envelope, ref[i].Envelope
			if !bytes.Equal(fe.Data, re.Data) {
				t.Fatalf("event %d: data %q, encoding/json %q", i, fe.Data, re.Data)
			}
			fe.Data, re.Data = nil, nil
			if !reflect.DeepEqual(fe, re) {
				t.Fatalf("event %d: %+v, encoding/json %+v", i, fe, re)
			}
			if !fast[i].DataRead {
				if !reflect.DeepEqual(fast[i].Fields, EventData{}) {
					t.Fatalf("event %d: fields without DataRead", i)
				}
				continue
			}
			var d EventData
			if err := DecodeData(i, &ref[i].Envelope, &d); err != nil {
				t.Fatalf("event %d: data read in one pass, refused by encoding/json: %v", i, err)
			}
			if !reflect.DeepEqual(d, fast[i].Fields) {
				t.Fatalf("event %d: data %+v, encoding/json %+v", i, fast[i].Fields, d)
			}
		}
	})
}
