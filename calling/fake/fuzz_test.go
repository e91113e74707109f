package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodOptions}

// FuzzHTTPFace sends arbitrary requests to the HTTP face of a switchboard
// with a live call ("{call}" in the path is its id, "{ctx}" in the body
// the context of a ringing incoming call). Whatever arrives, the face
// must not panic, must never answer 5xx, must answer every failure with
// the service's error body, and must answer success with a body of the
// operation's shape. The seeds are the published examples' requests.
func FuzzHTTPFace(f *testing.F) {
	v := "?api-version=" + calling.DefaultAPIVersion
	files, _ := filepath.Glob("../testdata/callautomation/*/*.json")
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var ex struct {
			Parameters map[string]json.RawMessage `json:"parameters"`
		}
		if json.Unmarshal(raw, &ex) != nil {
			continue
		}
		var body []byte
		for k, p := range ex.Parameters {
			if strings.HasSuffix(k, "Request") {
				body = p
			}
		}
		body = bytes.ReplaceAll(body, []byte(`"H4sI`), []byte(`"{ctx}`))
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		method, path := exampleRoute(name, "{call}", ex.Parameters)
		f.Add(uint8(indexOfMethod(method)), path+v, body)
	}
	f.Add(uint8(0), "/calling/callConnections/{call}/participants"+v+"&skip=1", []byte(nil))
	f.Add(uint8(0), "/calling/callConnections/{call}/participants"+v+"&skip=-1", []byte(nil))
	f.Add(uint8(0), "/calling/callConnections/{call}/participants/4%3A%2B1"+v, []byte(nil))
	f.Add(uint8(1), "/calling/callConnections/{call}:transferToParticipant"+v, []byte(`{"targetParticipant":{"kind":"phoneNumber","phoneNumber":{"value":"+1"}},"transferee":{"rawId":"8:acs:x"}}`))
	f.Add(uint8(1), "/calling/callConnections"+v, []byte(`{"targets":[{"rawId":"28:orgid:u"}],"callbackUri":"https://a.b/c","sourceCallerIdNumber":{"value":""}}`))
	f.Add(uint8(1), "/calling/callConnections:connect"+v, []byte(`{"callLocator":{"kind":"groupCallLocator"},"callbackUri":"https://a.b/c"}`))
	f.Add(uint8(2), "/calling/callConnections/%zz"+v, []byte(nil))
	f.Add(uint8(1), "/calling/callConnections/{call}/participants:add"+v, []byte(`{"participantToAdd":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"gcch"}},"invitationTimeoutInSeconds":-1}`))
	f.Add(uint8(1), "/calling/callConnections/{call}:hold"+v, []byte(`{"targetParticipant":{"rawId":"8:acs:x"},"playSourceInfo":{"kind":"text"}}`))

	f.Fuzz(func(t *testing.T, m uint8, path string, body []byte) {
		answers := fake.Answers()
		sb := fake.New(&fake.Options{
			Clock:               identityfake.NewClock(start()),
			Unknown:             &answers,
			OnEvent:             func(context.Context, fake.Delivery) {},
			OnIncomingCall:      func(context.Context, fake.Delivery) {},
			DeliveryWorkers:     1,
			ParticipantPageSize: 1,
			AllowBearer:         func(tok string) bool { return tok == "fuzz" },
		})
		defer sb.Close()
		ctx := context.Background()
		u := identity.CommunicationUserIdentifier{ID: "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_0f50d091-5bd3-448b-884d-44be7037d9b9"}
		call, err := sb.CreateCall(ctx, []identity.Identifier{u, identity.PhoneNumberIdentifier{PhoneNumber: "+14255550100"}}, "https://app.contoso.com/cb", &calling.CreateCallOptions{SourceCallerID: &callerID})
		if err != nil {
			t.Fatal(err)
		}
		in, err := sb.IncomingCall(ctx, u, callerID, nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = sb.Settle(ctx)
		path = strings.ReplaceAll(path, "{call}", call.CallConnectionID)
		body = bytes.ReplaceAll(body, []byte("{ctx}"), []byte(in.IncomingCallContext))
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		req := httptest.NewRequest(http.MethodGet, "http://switchboard.test/", bytes.NewReader(body))
		req.Method = method
		u2, err := req.URL.Parse(path)
		if err != nil {
			return
		}
		req.URL = u2
		req.RequestURI = u2.RequestURI()
		req.Header.Set("Authorization", "Bearer fuzz")
		w := httptest.NewRecorder()
		sb.Handler().ServeHTTP(w, req)
		res := w.Result()
		got := w.Body.Bytes()
		switch {
		case res.StatusCode >= 500:
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, got)
		case res.StatusCode >= 400:
			var e callwire.ErrorResponse
			if err := json.Unmarshal(got, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s: %d with body %q, want the service's error body", method, path, res.StatusCode, got)
			}
			if strings.Contains(e.Error.Message, in.IncomingCallContext) {
				t.Fatalf("the error message repeats the incoming call context")
			}
		case res.StatusCode == http.StatusNoContent:
			if len(got) != 0 {
				t.Fatalf("204 with a body %q", got)
			}
		case len(got) > 0:
			var out map[string]any
			if err := json.Unmarshal(got, &out); err != nil {
				t.Fatalf("%s %s: %d with a body that is not a JSON object: %q", method, path, res.StatusCode, got)
			}
		}
	})
}

func indexOfMethod(m string) int {
	for i, x := range fuzzMethods {
		if x == m {
			return i
		}
	}
	return 0
}
