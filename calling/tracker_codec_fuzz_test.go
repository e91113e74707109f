package calling_test

import (
	"encoding/json"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
)

// FuzzCallStatusJSON: a stored status is read from a shared store, so
// whatever bytes it holds must decode or fail without panicking, and what
// decodes must encode to a form that decodes to the same status.
func FuzzCallStatusJSON(f *testing.F) {
	f.Add([]byte(`{"v":1,"callConnectionId":"c","state":"connected","participants":[{"identifier":{"rawId":"8:orgid:a","kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"a","cloud":"public"}},"isMuted":true}],"participantsSequence":2,"endReason":{"code":200,"subCode":7015,"sipDetails":{"code":1}},"transferTarget":{"identifier":{"rawId":"4:+14255550123","kind":"phoneNumber","phoneNumber":{"value":"+14255550123"}}},"updatedAt":"2026-03-01T12:00:00Z","seen":["a","b"]}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`{"v":1,"participants":[{"identifier":null},{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s calling.CallStatus
		if json.Unmarshal(b, &s) != nil {
			return
		}
		enc, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("a decoded status does not encode: %v", err)
		}
		var back calling.CallStatus
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("an encoded status does not decode: %v\n%s", err, enc)
		}
		enc2, err := json.Marshal(back)
		if err != nil || string(enc2) != string(enc) {
			t.Fatalf("not stable:\n%s\n%s", enc, enc2)
		}
	})
}
