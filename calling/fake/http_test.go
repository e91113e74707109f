package fake_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// harness is a switchboard with its HTTP face and a client of it.
type harness struct {
	sb     *fake.Switchboard
	clock  *identityfake.Clock
	api    *httptest.Server
	client *calling.Client
}

func newHarness(t testing.TB, configure func(*fake.Options)) *harness {
	t.Helper()
	clock := identityfake.NewClock(start())
	// h.do authenticates with "Bearer test-token".
	opts := &fake.Options{Clock: clock, AllowBearer: func(tok string) bool { return tok == "test-token" }}
	if configure != nil {
		configure(opts)
	}
	sb := fake.New(opts)
	api := sb.NewServer()
	t.Cleanup(api.Close)
	t.Cleanup(func() { sb.Close() })
	return &harness{sb: sb, clock: clock, api: api, client: newClient(t, api, sb.AccessKey(), nil)}
}

func newClient(t testing.TB, api *httptest.Server, key string, configure func(*calling.ClientOptions)) *calling.Client {
	t.Helper()
	o := &calling.ClientOptions{ClientOptions: azcore.ClientOptions{
		InsecureAllowCredentialWithHTTP: true,
		Transport:                       api.Client(),
		Retry:                           policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond},
	}}
	if configure != nil {
		configure(o)
	}
	c, err := calling.NewClientWithAccessKey(api.URL, key, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// do sends a raw request to the HTTP face with a bearer token.
func (h *harness) do(t testing.TB, method, path string, body []byte, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, h.api.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer test-token")
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.api.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func wantCode(t *testing.T, what string, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d (%s)", what, resp.StatusCode, status, body)
		return
	}
	if code == "" {
		return
	}
	var e callwire.ErrorResponse
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != code {
		t.Errorf("%s: body %s, want error code %q", what, body, code)
	}
}

var teamsAlice = identity.MicrosoftTeamsUserIdentifier{UserID: "11111111-1111-4111-8111-111111111111"}

func TestHTTPFaceAuthentication(t *testing.T) {
	h := newHarness(t, func(o *fake.Options) {
		o.AllowBearer = func(tok string) bool { return tok == "good" }
	})
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	if _, err := h.client.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, "https://app.contoso.com/cb", nil); err != nil {
		t.Fatalf("HMAC-signed CreateCall: %v", err)
	}
	wrong := newClient(t, h.api, base64.StdEncoding.EncodeToString([]byte("not the key")), nil)
	_, err := wrong.GetCall(ctx(t), "x", nil)
	if !calling.IsUnauthorized(err) {
		t.Errorf("wrong key: got %v, want 401", err)
	}
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer ", http.StatusUnauthorized},
		{"Bearer bad", http.StatusUnauthorized},
		{"Bearer good", http.StatusNotFound},
		{"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest(http.MethodGet, h.api.URL+"/calling/callConnections/nope?api-version="+calling.DefaultAPIVersion, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := h.api.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}

// mintedToken is an Entra credential that hands out what its function mints.
type mintedToken func() (string, time.Time, error)

func (f mintedToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, exp, err := f()
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, err
}

// A bearer token is verified as ACS verifies it: signed by the fake Entra's
// keys for one of its tenants, for https://communication.azure.com, not
// expired; anything else is 401 Denied, and without an Entra issuer every
// bearer token is (issue 14 §19).
func TestHTTPFaceBearerVerified(t *testing.T) {
	entra := identityfake.NewEntra(nil)
	svc := entra.AddUser(entra.AddTenant("contoso").ID, "Contoso Calls")
	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	stranger := identityfake.NewEntra(nil)
	mallory := stranger.AddUser(stranger.AddTenant("evil").ID, "Mallory")
	for _, withEntra := range []bool{true, false} {
		h := newHarness(t, func(o *fake.Options) {
			o.AllowBearer = nil
			if withEntra {
				o.Entra = entra
			}
		})
		for _, tc := range []struct {
			name string
			cred azcore.TokenCredential
			ok   bool
		}{
			{"acs token", entra.Credential(svc, appID, nil), true},
			{"teams audience", mintedToken(func() (string, time.Time, error) { return entra.TeamsUserToken(svc, appID) }), false},
			{"expired", entra.Credential(svc, appID, &identityfake.EntraCredentialOptions{Mint: []identityfake.MintOption{identityfake.Expired()}}), false},
			{"other issuer", stranger.Credential(mallory, appID, nil), false},
		} {
			c, err := calling.NewClient(h.api.URL, tc.cred, &calling.ClientOptions{ClientOptions: azcore.ClientOptions{
				InsecureAllowCredentialWithHTTP: true, Transport: h.api.Client(), Retry: policy.RetryOptions{MaxRetries: -1},
			}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetCall(ctx(t), "nope", nil)
			switch {
			case tc.ok && withEntra:
				if !calling.IsNotFound(err) {
					t.Errorf("%s: got %v, want 404 (authenticated)", tc.name, err)
				}
			default:
				if !calling.IsUnauthorized(err) {
					t.Errorf("%s (entra %v): got %v, want 401", tc.name, withEntra, err)
				}
			}
		}
	}
}

// Every stable api-version of the Call Automation spec is answered (the
// folders under CallAutomation/stable/), and anything else refused with
// identity's 400 UnsupportedApiVersion: 2023-03-15, which does not exist,
// and a preview version (issue 14 §6).
func TestHTTPFaceAPIVersions(t *testing.T) {
	want := []string{"2023-03-06", "2023-10-15", "2024-04-15", "2024-09-15", "2025-05-15", "2025-06-15", "2026-03-12"}
	if !slices.Equal(fake.SupportedAPIVersions, want) {
		t.Errorf("SupportedAPIVersions = %v, want the stable folders %v", fake.SupportedAPIVersions, want)
	}
	h := newHarness(t, nil)
	resp, body := h.do(t, http.MethodGet, "/calling/callConnections/x", nil, nil)
	wantCode(t, "no api-version", resp, body, http.StatusBadRequest, "MissingApiVersionParameter")
	for _, v := range []string{"1999-01-01", "2023-03-15", "2025-08-15-preview"} {
		resp, body = h.do(t, http.MethodGet, "/calling/callConnections/x?api-version="+v, nil, nil)
		wantCode(t, "api-version "+v, resp, body, http.StatusBadRequest, "UnsupportedApiVersion")
		var e callwire.ErrorResponse
		_ = json.Unmarshal(body, &e)
		if msg := "The HTTP resource that matches the request URI '" + h.api.URL + "/calling/callConnections/x' does not support the API version '" + v + "'."; e.Error.Message != msg {
			t.Errorf("api-version %s: message %q, want %q", v, e.Error.Message, msg)
		}
		c := newClient(t, h.api, h.sb.AccessKey(), func(o *calling.ClientOptions) { o.APIVersion = v })
		if _, err := c.GetCall(ctx(t), "x", nil); !calling.IsBadRequest(err) || calling.ErrorCode(err) != "UnsupportedApiVersion" {
			t.Errorf("client with api-version %s: got %v, want 400 UnsupportedApiVersion", v, err)
		}
	}
	for _, v := range want {
		c := newClient(t, h.api, h.sb.AccessKey(), func(o *calling.ClientOptions) { o.APIVersion = v })
		if _, err := c.GetCall(ctx(t), "x", nil); !calling.IsNotFound(err) {
			t.Errorf("api-version %s: got %v, want 404", v, err)
		}
	}
}

func TestHTTPFaceRouting(t *testing.T) {
	h := newHarness(t, nil)
	q := "?api-version=" + calling.DefaultAPIVersion
	for _, tc := range []struct {
		method, path string
		body         string
		status       int
		code         string
	}{
		{http.MethodGet, "/calling/nothing" + q, "", 404, "NotFound"},
		{http.MethodGet, "/calling/callConnections" + q, "", 405, "MethodNotAllowed"},
		{http.MethodPut, "/calling/callConnections/x" + q, "", 405, "MethodNotAllowed"},
		{http.MethodGet, "/calling/callConnections/x:terminate" + q, "", 405, "MethodNotAllowed"},
		{http.MethodPost, "/calling/callConnections/x:dance" + q, "{}", 404, "NotFound"},
		{http.MethodPost, "/calling/callConnections/x/participants:dance" + q, "{}", 404, "NotFound"},
		{http.MethodGet, "/calling/callConnections/x/participants/a/b" + q, "", 404, "NotFound"},
		{http.MethodPost, "/calling/callConnections" + q, "", 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections" + q, "{not json", 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections" + q, `{"targets":[],"callbackUri":"https://x.example/cb"}`, 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections" + q, `{"targets":[{"kind":"phoneNumber","phoneNumber":{"value":"+14255550100"}}],"callbackUri":"https://x.example/cb"}`, 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections" + q, `{"targets":[{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"public"}}],"callbackUri":"ftp://x.example/cb"}`, 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections" + q, `{"targets":[{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"public"}}],"callbackUri":"https://x.example/cb"}`, 201, ""},
		{http.MethodPost, "/calling/callConnections:answer" + q, `{"incomingCallContext":"nope","callbackUri":"https://x.example/cb"}`, 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections:reject" + q, `{"incomingCallContext":"nope","callRejectReason":"sulking"}`, 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections/x/participants:mute" + q, `{"targetParticipants":[]}`, 400, "BadRequest"},
		{http.MethodPost, "/calling/callConnections/x/participants:add" + q, `{"participantToAdd":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"public"}},"invitationTimeoutInSeconds":500}`, 400, "BadRequest"},
		{http.MethodDelete, "/calling/callConnections/x" + q, "", 404, "8522"},
		{http.MethodGet, "/calling/callConnections/x/participants/4%3A%2B14255550100" + q, "", 404, "8522"},
		{http.MethodPost, "/calling/callConnections" + q, `{"targets":` + strings.Repeat(" ", 300<<10) + `[]}`, 413, "RequestTooLarge"},
	} {
		resp, body := h.do(t, tc.method, tc.path, []byte(tc.body), nil)
		wantCode(t, tc.method+" "+tc.path[:min(len(tc.path), 60)], resp, body, tc.status, tc.code)
	}
}

func TestHTTPFaceRepeatability(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	body := []byte(`{"targets":[{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"` + teamsAlice.UserID + `","cloud":"public"}}],"callbackUri":"https://x.example/cb"}`)
	rp := callwire.NewRepeatability(time.Now())
	hdr := http.Header{}
	rp.Set(hdr)
	path := "/calling/callConnections?api-version=" + calling.DefaultAPIVersion
	r1, b1 := h.do(t, http.MethodPost, path, body, hdr)
	r2, b2 := h.do(t, http.MethodPost, path, body, hdr)
	if r1.StatusCode != 201 || r2.StatusCode != 201 || !bytes.Equal(b1, b2) {
		t.Fatalf("a repeated request got %d %s, then %d %s; want the same 201 twice", r1.StatusCode, b1, r2.StatusCode, b2)
	}
	if got := r2.Header.Get(callwire.HeaderRepeatabilityResult); got != "accepted" {
		t.Errorf("Repeatability-Result %q, want accepted", got)
	}
	if n := len(h.sb.Calls()); n != 1 {
		t.Errorf("%d calls after a repeated create, want 1", n)
	}
	reqs := h.sb.Requests()
	if len(reqs) != 2 || reqs[0].Replayed || !reqs[1].Replayed || reqs[1].RepeatabilityID != rp.RequestID {
		t.Errorf("request log %+v, want the second replayed", reqs)
	}
	// The same id on another operation is refused.
	r3, b3 := h.do(t, http.MethodPost, "/calling/callConnections/x:terminate?api-version="+calling.DefaultAPIVersion, nil, hdr)
	wantCode(t, "a request id reused for another request", r3, b3, http.StatusBadRequest, "BadRequest")
	// Broken headers are refused.
	bad := http.Header{callwire.HeaderRepeatabilityRequestID: {"not-a-uuid"}, callwire.HeaderRepeatabilityFirstSent: {time.Now().UTC().Format(http.TimeFormat)}}
	r4, b4 := h.do(t, http.MethodPost, path, body, bad)
	wantCode(t, "a request id that is not a uuid", r4, b4, http.StatusBadRequest, "BadRequest")
	only := http.Header{callwire.HeaderRepeatabilityRequestID: {rp.RequestID}}
	r5, b5 := h.do(t, http.MethodPost, path, body, only)
	wantCode(t, "a request id without its date", r5, b5, http.StatusBadRequest, "BadRequest")
}

// TestHTTPFacePublishedExamples sends the request of every published Call
// Automation example to the HTTP face (with the call connection id and the
// incoming call context of a live call put in) and checks the example's
// status and that the response fits the example's shape.
func TestHTTPFacePublishedExamples(t *testing.T) {
	files, err := filepath.Glob("../testdata/callautomation/*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no published examples found: %v", err)
	}
	users := func(suffixes ...string) []identity.Identifier {
		var out []identity.Identifier
		for _, s := range suffixes {
			out = append(out, identity.CommunicationUserIdentifier{ID: "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_" + s})
		}
		return out
	}
	const (
		u0f50 = "0f50d091-5bd3-448b-884d-44be7037d9b9"
		uae9e = "ae9e3307-f56e-44be-8934-80a63f080538"
		uda7b = "da7be3a9-8788-42a6-85c6-56b2cf784fce"
	)
	// members are the participants the call of each example needs.
	members := map[string][]identity.Identifier{
		"CallConnection_AddParticipant":        users(u0f50),
		"CallConnection_RemoveParticipant":     users(u0f50, uae9e),
		"CallConnection_GetParticipant":        users(uda7b),
		"CallConnection_Mute":                  users(uda7b, u0f50),
		"CallMedia_Hold":                       users(u0f50),
		"CallConnection_TransferToParticipant": users(uae9e),
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(filepath.Base(filepath.Dir(f))+"/"+name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ex struct {
				Parameters map[string]json.RawMessage `json:"parameters"`
				Responses  map[string]struct {
					Body json.RawMessage `json:"body"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &ex); err != nil {
				t.Fatal(err)
			}
			answers := fake.Answers()
			h := newHarness(t, func(o *fake.Options) { o.Unknown = &answers })
			var version string
			_ = json.Unmarshal(ex.Parameters["api-version"], &version)
			var body []byte
			for k, v := range ex.Parameters {
				if strings.HasSuffix(k, "Request") {
					body = v
				}
			}
			callID := ""
			if _, ok := ex.Parameters["callConnectionId"]; ok {
				m := members[name]
				if m == nil {
					m = users(u0f50)
				}
				resp, err := h.sb.CreateCall(ctx(t), m, "https://app.contoso.com/callback", nil)
				if err != nil {
					t.Fatal(err)
				}
				callID = resp.CallConnectionID
				if err := h.sb.Settle(ctx(t)); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Contains(string(body), "incomingCallContext") {
				in, err := h.sb.IncomingCall(ctx(t), users(uda7b)[0], users(u0f50)[0], nil)
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				_ = json.Unmarshal(body, &m)
				m["incomingCallContext"] = in.IncomingCallContext
				body, _ = json.Marshal(m)
			}
			method, path := exampleRoute(name, callID, ex.Parameters)
			resp, got := h.do(t, method, path+"?api-version="+version, body, nil)
			var want string
			var wantBody json.RawMessage
			for code, r := range ex.Responses {
				want, wantBody = code, r.Body
			}
			if resp.Status[:3] != want {
				t.Fatalf("%s %s: status %d (%s), want %s", method, path, resp.StatusCode, got, want)
			}
			if len(wantBody) > 0 && !sameShape(t, wantBody, got) {
				t.Errorf("response %s does not fit the example's shape %s", got, wantBody)
			}
		})
	}
}

// exampleRoute is the method and path of an example's operation.
func exampleRoute(name, callID string, params map[string]json.RawMessage) (string, string) {
	conn := callwire.CallConnectionPath(callID)
	switch name {
	case "CreateCall":
		return http.MethodPost, callwire.PathCallConnections
	case "AnswerCall":
		return http.MethodPost, callwire.PathAnswer
	case "RedirectCall":
		return http.MethodPost, callwire.PathRedirect
	case "RejectCall":
		return http.MethodPost, callwire.PathReject
	case "Connect":
		return http.MethodPost, callwire.PathConnect
	case "CallConnection_GetCall":
		return http.MethodGet, conn
	case "CallConnection_TerminateCall":
		return http.MethodPost, conn + callwire.ActionTerminate
	case "CallConnection_TransferToParticipant":
		return http.MethodPost, conn + callwire.ActionTransfer
	case "CallMedia_Hold":
		return http.MethodPost, conn + callwire.ActionHold
	case "CallMedia_Unhold":
		return http.MethodPost, conn + callwire.ActionUnhold
	case "CallConnection_HangupCall":
		return http.MethodDelete, conn
	case "CallConnection_GetParticipants":
		return http.MethodGet, conn + callwire.ActionParticipants
	case "CallConnection_GetParticipant":
		var raw string
		_ = json.Unmarshal(params["participantRawId"], &raw)
		return http.MethodGet, callwire.ParticipantPath(callID, raw)
	case "CallConnection_AddParticipant":
		return http.MethodPost, conn + callwire.ActionAddParticipant
	case "CallConnection_RemoveParticipant":
		return http.MethodPost, conn + callwire.ActionRemoveParticipant
	case "CallConnection_Mute":
		return http.MethodPost, conn + callwire.ActionMuteParticipants
	case "CallConnection_CancelAddParticipant":
		return http.MethodPost, conn + callwire.ActionCancelAddParticipant
	}
	return http.MethodGet, "/unknown-example/" + name
}

// sameShape reports whether every member of got is a member the example's
// body has (at any depth, for objects), so the fake answers nothing the
// service does not.
func sameShape(t *testing.T, example, got []byte) bool {
	t.Helper()
	var e, g any
	if err := json.Unmarshal(example, &e); err != nil {
		t.Fatalf("example body: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("response body is not JSON: %v", err)
		return false
	}
	return fits(e, g)
}

// specOnly are members of the REST API's models that the examples happen
// to leave out: the identifier model's rawId, the call's correlationId,
// the transcription's locale, the answering identity.
var specOnly = map[string]bool{"rawId": true, "correlationId": true, "locale": true, "answeredBy": true}

func fits(e, g any) bool {
	switch gv := g.(type) {
	case map[string]any:
		ev, ok := e.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range gv {
			ex, ok := ev[k]
			if !ok {
				if specOnly[k] {
					continue
				}
				return false
			}
			if !fits(ex, v) {
				return false
			}
		}
	case []any:
		ev, ok := e.([]any)
		if !ok {
			return false
		}
		if len(ev) == 0 {
			return true
		}
		for _, v := range gv {
			if !fits(ev[0], v) {
				return false
			}
		}
	}
	return true
}

// TestCallbacksAreSigned checks the POSTed callbacks: CloudEvents that
// calling parses, with a bearer token of the ACS issuer for the resource,
// signed with the key the HTTP face publishes.
func TestCallbacksAreSigned(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, b)
		mu.Unlock()
	}))
	defer cb.Close()
	h := newHarness(t, nil)
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	resp, err := h.client.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, cb.URL+"/cb?secret=s3cret", &calling.CreateCallOptions{OperationContext: "signed"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.sb.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d callbacks, want 2 (CallConnected, ParticipantsUpdated)", len(got))
	}
	// The keys, as a callback handler would discover them.
	_, cfg := h.do(t, http.MethodGet, fake.PathOpenIDConfiguration, nil, nil)
	var oc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(cfg, &oc); err != nil || oc.Issuer != fake.Issuer || !strings.HasSuffix(oc.JWKSURI, fake.PathCallbackKeys) {
		t.Fatalf("OpenID configuration %s", cfg)
	}
	kr, err := h.api.Client().Get(oc.JWKSURI)
	if err != nil {
		t.Fatal(err)
	}
	var keys jwt.JWKS
	err = json.NewDecoder(kr.Body).Decode(&keys)
	kr.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	tokens, jtis := map[string]bool{}, map[string]bool{}
	for i, r := range got {
		if r.URL.Query().Get("secret") != "s3cret" || r.URL.Path != "/cb" {
			t.Errorf("callback %d went to %s", i, r.URL)
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			t.Fatalf("callback %d has no bearer token", i)
		}
		if err := jwt.VerifyRS256(tok, keys); err != nil {
			t.Errorf("callback %d token: %v", i, err)
		}
		pt, err := jwt.Parse(tok)
		if err != nil {
			t.Fatal(err)
		}
		var claims struct {
			Iss, Aud, Jti string
			Iat, Nbf, Exp int64
		}
		_ = json.Unmarshal(pt.Payload, &claims)
		now := h.clock.Now().Unix()
		if claims.Iss != fake.Issuer || claims.Aud != h.sb.ResourceID() || claims.Nbf > now || claims.Exp <= now {
			t.Errorf("callback %d claims %+v at %d", i, claims, now)
		}
		// "The lifetime of the JWT is five (5) minutes and a new token is
		// created for every event sent to the callback URI" (Learn: Call
		// Automation, secure webhook endpoint). Issue 14 §5.
		if claims.Exp-claims.Iat != 300 {
			t.Errorf("callback %d token lives %d s, want 300", i, claims.Exp-claims.Iat)
		}
		if tokens[tok] || jtis[claims.Jti] {
			t.Errorf("callback %d reuses a token (or its jti %q) of an earlier event", i, claims.Jti)
		}
		tokens[tok], jtis[claims.Jti] = true, true
		evs, err := calling.ParseCloudEvents(bodies[i])
		if err != nil || len(evs) != 1 {
			t.Fatalf("callback %d: %d events, %v", i, len(evs), err)
		}
		if evs[0].Info().CallConnectionID != resp.CallConnectionID {
			t.Errorf("callback %d is for call %q", i, evs[0].Info().CallConnectionID)
		}
	}
	if _, ok := mustEvent[*calling.CallConnected](t, bodies[0]); !ok {
		t.Error("the first callback is not CallConnected")
	}
	for _, e := range h.sb.Events(resp.CallConnectionID) {
		if !e.Delivered || e.Attempts != 1 {
			t.Errorf("event %s: delivered %v after %d attempts", e.Type, e.Delivered, e.Attempts)
		}
	}
}

func mustEvent[T calling.Event](t *testing.T, body []byte) (T, bool) {
	t.Helper()
	var zero T
	evs, err := calling.ParseCloudEvents(body)
	if err != nil || len(evs) != 1 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	v, ok := evs[0].(T)
	if !ok {
		return zero, false
	}
	return v, true
}

// TestIncomingCallEventGrid checks the Event Grid delivery of an incoming
// call and answering it over HTTP with the context it carries.
func TestIncomingCallEventGrid(t *testing.T) {
	incoming := make(chan *http.Request, 1)
	bodies := make(chan []byte, 1)
	grid := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		incoming <- r
		bodies <- b
	}))
	defer grid.Close()
	h := newHarness(t, func(o *fake.Options) {
		o.EventGridURL = grid.URL + "/incoming?code=grid-secret"
		o.EventGridHeader = http.Header{"X-Extra": {"1"}}
	})
	caller := h.sb.AddPhoneNumber("+14255550199", fake.Answers())
	in, err := h.sb.IncomingCall(ctx(t), caller, callerID, &fake.IncomingCallOptions{
		CustomContext: &calling.CustomCallingContext{SIPHeaders: map[string]string{"X-MS-Custom-Ticket": "42"},
			TeamsPhoneCallDetails: &calling.TeamsPhoneCallDetails{CallTopic: "Ticket 42", CallerDetails: &calling.TeamsPhoneCallerDetails{Caller: caller, Name: "Caller", PhoneNumber: caller.PhoneNumber}}},
		OnBehalfOfCallee: teamsAlice,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := <-incoming
	body := <-bodies
	if r.Header.Get("aeg-event-type") != "Notification" || r.Header.Get("X-Extra") != "1" || r.URL.Query().Get("code") != "grid-secret" {
		t.Errorf("Event Grid request %s headers %v", r.URL, r.Header)
	}
	evs, err := calling.ParseEventGridEvents(body)
	if err != nil || len(evs) != 1 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	ic, ok := evs[0].(*calling.IncomingCall)
	if !ok {
		t.Fatalf("got %T, want *calling.IncomingCall", evs[0])
	}
	if ic.IncomingCallContext != in.IncomingCallContext || !identity.Equal(ic.From, caller) || !identity.Equal(ic.To, callerID) ||
		ic.ServerCallID != in.ServerCallID || ic.CorrelationID != in.CorrelationID || ic.CallerDisplayName != "+14255550199" ||
		ic.CustomContext.SIPHeaders["X-MS-Custom-Ticket"] != "42" || ic.OnBehalfOfCallee == nil || !identity.Equal(ic.OnBehalfOfCallee, teamsAlice) {
		t.Errorf("IncomingCall event %+v does not match %+v", ic, in)
	}
	if d := ic.CustomContext.TeamsPhoneCallDetails; d == nil || d.CallTopic != "Ticket 42" || d.CallerDetails == nil || !identity.Equal(d.CallerDetails.Caller, caller) {
		t.Errorf("IncomingCall event's Teams details %+v, want the topic and the caller sent", d)
	}
	ans, err := h.client.AnswerCall(ctx(t), ic.IncomingCallContext, "https://app.contoso.com/cb", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.AnsweredFor == nil || ans.AnsweredFor.PhoneNumber != callerID.PhoneNumber {
		t.Errorf("AnsweredFor %v, want the called number", ans.AnsweredFor)
	}
	if err := h.sb.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	ics := h.sb.IncomingCalls()
	if len(ics) != 1 || ics[0].State != fake.IncomingAnswered || ics[0].CallConnectionID != ans.CallConnectionID || !ics[0].Delivered || ics[0].Attempts != 1 {
		t.Errorf("incoming calls %+v", ics)
	}

	// A call of its own subscription goes to its URL, not the default one.
	if _, err := h.sb.IncomingCall(ctx(t), caller, callerID, &fake.IncomingCallOptions{EventGridURL: grid.URL + "/other"}); err != nil {
		t.Fatal(err)
	}
	if r := <-incoming; r.URL.Path != "/other" {
		t.Errorf("delivered to %s, want /other", r.URL)
	}
	<-bodies
}

func TestDeliveryRetriesAndFailures(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		n := hits[r.URL.Path]
		mu.Unlock()
		switch {
		case r.URL.Path == "/flaky" && n <= 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/refuses":
			w.WriteHeader(http.StatusBadRequest)
		case r.URL.Path == "/down":
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer cb.Close()
	h := newHarness(t, func(o *fake.Options) { o.DeliveryAttempts = 3 })
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	call := func(url string) []fake.Event {
		t.Helper()
		resp, err := h.sb.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.sb.TerminateCall(ctx(t), resp.CallConnectionID, nil); err != nil && !calling.IsNotFound(err) {
			t.Fatal(err)
		}
		if err := h.sb.Settle(ctx(t)); err != nil {
			t.Fatal(err)
		}
		return h.sb.Events(resp.CallConnectionID)
	}
	evs := call(cb.URL + "/flaky")
	if !evs[0].Delivered || evs[0].Attempts != 3 {
		t.Errorf("flaky receiver: first event delivered %v after %d attempts, want true after 3", evs[0].Delivered, evs[0].Attempts)
	}
	for _, e := range evs[1:] {
		if !e.Delivered || e.Attempts != 1 {
			t.Errorf("flaky receiver: %s delivered %v after %d attempts", e.Type, e.Delivered, e.Attempts)
		}
	}
	for _, e := range call(cb.URL + "/refuses") {
		if e.Delivered || e.Attempts != 1 || !strings.Contains(e.DeliveryError, "400") {
			t.Errorf("refusing receiver: %s delivered %v after %d attempts (%s)", e.Type, e.Delivered, e.Attempts, e.DeliveryError)
		}
	}
	for _, e := range call(cb.URL + "/down") {
		if e.Delivered || e.Attempts != 3 || !strings.Contains(e.DeliveryError, "500") {
			t.Errorf("failing receiver: %s delivered %v after %d attempts (%s)", e.Type, e.Delivered, e.Attempts, e.DeliveryError)
		}
	}
	for _, e := range call("https://app.contoso.com/callback?token=secret") {
		if e.Delivered || e.Attempts != 0 || !strings.Contains(e.DeliveryError, "loopback") || strings.Contains(e.DeliveryError, "secret") {
			t.Errorf("remote receiver: %s delivered %v after %d attempts (%s)", e.Type, e.Delivered, e.Attempts, e.DeliveryError)
		}
	}
}

func TestOnEventPanicIsTheDeliverysFailure(t *testing.T) {
	sb := fake.New(&fake.Options{Clock: identityfake.NewClock(start()), OnEvent: func(context.Context, fake.Delivery) { panic("boom") }})
	defer sb.Close()
	sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	resp, err := sb.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, "https://app.contoso.com/cb", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	for _, e := range sb.Events(resp.CallConnectionID) {
		if e.Delivered || !strings.Contains(e.DeliveryError, "panicked") {
			t.Errorf("%s: delivered %v (%s)", e.Type, e.Delivered, e.DeliveryError)
		}
	}
}

// TestEventGridValidationHandshake validates the Event Grid subscription
// with calling's CallbackHandler, which must echo the code.
func TestEventGridValidationHandshake(t *testing.T) {
	handler, err := calling.NewCallbackHandler("unused", &calling.CallbackHandlerOptions{EventGridSecret: "grid-secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer handler.Close()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	mute := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer mute.Close()
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{srv.URL + "/eventgrid?secret=grid-secret", true},
		{srv.URL + "/eventgrid?secret=wrong", false},
		{mute.URL, false},
		{"", false},
		{"given", true}, // the URL given to ValidateEventGridSubscription
	} {
		if tc.url == "given" {
			h := newHarness(t, nil)
			if err := h.sb.ValidateEventGridSubscription(ctx(t), srv.URL+"/eventgrid?secret=grid-secret"); err != nil {
				t.Errorf("validating a given URL: %v", err)
			}
			continue
		}
		h := newHarness(t, func(o *fake.Options) { o.EventGridURL = tc.url })
		err := h.sb.ValidateEventGridSubscription(ctx(t), "")
		if (err == nil) != tc.ok {
			t.Errorf("validating %q: %v, want success %v", tc.url, err, tc.ok)
		}
		if err != nil && strings.Contains(err.Error(), "grid-secret") {
			t.Errorf("the error %q repeats the URL's secret", err)
		}
	}
}

// The HTTP face refuses what the client does not send: a call from an ACS
// user and a Teams resource account at once (the spec has no rule: the
// module's choice, calling.ErrTwoSources), and a phone target without a
// caller id unless a resource account calls. Issue 14 §24.
func TestHTTPFaceCreateCallSources(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.AddPhoneNumber("+14255550170", fake.Answers())
	path := "/calling/callConnections?api-version=" + calling.DefaultAPIVersion
	target := `"targets":[{"kind":"phoneNumber","phoneNumber":{"value":"+14255550170"}}],"callbackUri":"https://app.contoso.com/cb"`
	app := `"teamsAppSource":{"appId":"2bd4d0d2-0000-4000-8000-000000000002","cloud":"public"}`
	resp, body := h.do(t, http.MethodPost, path, []byte(`{`+target+`,"source":{"id":"8:acs:r_1"},`+app+`}`), nil)
	wantCode(t, "source and teamsAppSource", resp, body, http.StatusBadRequest, "BadRequest")
	resp, body = h.do(t, http.MethodPost, path, []byte(`{`+target+`}`), nil)
	wantCode(t, "a phone without a caller id", resp, body, http.StatusBadRequest, "BadRequest")
	resp, body = h.do(t, http.MethodPost, path, []byte(`{`+target+`,`+app+`}`), nil)
	wantCode(t, "a phone called by a resource account", resp, body, http.StatusCreated, "")
}
