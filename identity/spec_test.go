package identity_test

// Tests against the service's published examples (testdata/spec, copied
// from the REST API specification's examples and the .NET SDK's recorded
// error responses). Each success example is replayed by a loopback server
// that checks what the client sends (method, path, api-version, body) and
// answers with the example's response, which the client must decode; each
// recorded error is checked twice: the client refuses locally what it can
// tell is wrong, and the fake's HTTP face answers the same request with the
// recorded status, code, message and target.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
)

type specExample struct {
	Parameters map[string]json.RawMessage `json:"parameters"`
	Responses  map[string]struct {
		Body json.RawMessage `json:"body"`
	} `json:"responses"`
}

func (e specExample) param(t *testing.T, name string) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(e.Parameters[name], &s), "parameter %s", name)
	return s
}

// success returns the example's 2xx status and body (the lowest status when
// there are several, as for create-or-replace).
func (e specExample) success(t *testing.T) (int, json.RawMessage) {
	t.Helper()
	best := 0
	var body json.RawMessage
	for code, r := range e.Responses {
		var n int
		_, err := fmtSscan(code, &n)
		require.NoError(t, err)
		if n >= 200 && n < 300 && (best == 0 || n < best) {
			best, body = n, r.Body
		}
	}
	require.NotZero(t, best, "no 2xx response in the example")
	return best, body
}

func TestSpecExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/spec/20*/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.ToSlash(strings.TrimPrefix(file, "testdata/spec/")), func(t *testing.T) {
			name := filepath.Base(file)
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			var ex specExample
			require.NoError(t, json.Unmarshal(raw, &ex))
			replaySpec(t, name, ex)
		})
	}
}

func replaySpec(t *testing.T, name string, ex specExample) {
	version := ex.param(t, "api-version")
	status, respBody := ex.success(t)
	var id, tenantID, objectID string
	if _, ok := ex.Parameters["id"]; ok {
		id = ex.param(t, "id")
	}
	if _, ok := ex.Parameters["tenantId"]; ok {
		tenantID, objectID = ex.param(t, "tenantId"), ex.param(t, "objectId")
	}
	assignmentPath := "/access/teamsExtension/tenants/" + tenantID + "/assignments/" + objectID
	wantBody := ex.Parameters["body"]

	var want struct{ method, path string }
	switch name {
	case "CreateIdentity.json":
		want.method, want.path = http.MethodPost, "/identities"
	case "GetIdentity.json":
		want.method, want.path = http.MethodGet, "/identities/"+id
	case "DeleteIdentity.json":
		want.method, want.path = http.MethodDelete, "/identities/"+id
	case "IssueAccessToken.json":
		want.method, want.path = http.MethodPost, "/identities/"+id+"/:issueAccessToken"
	case "RevokeAccessTokens.json":
		want.method, want.path = http.MethodPost, "/identities/"+id+"/:revokeAccessTokens"
	case "ExchangeTeamsUserAccessToken.json":
		want.method, want.path = http.MethodPost, "/teamsUser/:exchangeAccessToken"
	case "ExchangeTeamsPhoneToken.json":
		want.method, want.path = http.MethodPost, "/access/teamsExtension/:exchangeAccessToken"
	case "CreateOrReplaceTeamsExtensionAssignment.json":
		want.method, want.path = http.MethodPut, assignmentPath
	case "GetTeamsExtensionAssignment.json":
		want.method, want.path = http.MethodGet, assignmentPath
	case "DeleteTeamsExtensionAssignment.json":
		want.method, want.path = http.MethodDelete, assignmentPath
	default:
		t.Fatalf("no test for example %s: add one", name)
	}
	// The Teams Phone exchange is authenticated by the user's Entra token
	// alone, as the official SDKs' EntraTokenCredential sends it; every
	// other request is signed with the resource's key.
	const phoneToken = "eyJ0eXAiOiJKV1QifQ.teams-phone-user-entra-token.c2ln"
	byUserToken := name == "ExchangeTeamsPhoneToken.json"

	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		problem := func() string {
			if r.Method != want.method {
				return "method " + r.Method
			}
			// The escaped path: ':' in an id travels percent-encoded.
			if got, _ := url.PathUnescape(r.URL.EscapedPath()); got != want.path {
				return "path " + r.URL.EscapedPath()
			}
			if strings.Contains(id, ":") && strings.Contains(strings.TrimPrefix(r.URL.EscapedPath(), "/identities/"), "8:acs") {
				return "the id's ':' was not percent-encoded: " + r.URL.EscapedPath()
			}
			if got := r.URL.Query().Get("api-version"); got != version {
				return "api-version " + got
			}
			switch {
			case byUserToken && (r.Header.Get("Authorization") != "Bearer "+phoneToken || r.Header.Get("x-ms-content-sha256") != ""):
				return "not authenticated by the user's token alone"
			case !byUserToken && (r.Header.Get("Authorization") == "" || r.Header.Get("x-ms-content-sha256") == ""):
				return "unsigned request"
			}
			if !jsonEqual(wantBody, body) {
				return "body " + string(body) + ", want " + string(wantBody)
			}
			return ""
		}()
		if problem != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTeapot)
			_, _ = w.Write([]byte(`{"error":{"code":"SpecMismatch","message":` + quote(problem) + `}}`))
			return
		}
		if len(respBody) > 0 {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write(respBody)
	}))
	t.Cleanup(srv.Close)

	c, err := identity.NewClientWithAccessKey(srv.URL, "c2VjcmV0LWtleS1mb3ItdGhlLXNwZWMtdGVzdHM=", withHTTP(&identity.ClientOptions{ClientOptions: azcore.ClientOptions{APIVersion: version}}))
	require.NoError(t, err)
	ctx := context.Background()
	user := identity.CommunicationUserIdentifier{ID: id}

	// got is the client's decoded result re-encoded in the wire's names, to
	// compare with the example's response body.
	var got any
	switch name {
	case "CreateIdentity.json":
		var o struct {
			Scopes  []identity.Scope `json:"createTokenWithScopes"`
			Minutes int              `json:"expiresInMinutes"`
		}
		require.NoError(t, json.Unmarshal(wantBody, &o))
		r, err := c.CreateUser(ctx, &identity.CreateUserOptions{TokenScopes: o.Scopes, TokenExpiresIn: time.Duration(o.Minutes) * time.Minute})
		require.NoError(t, err)
		require.NotNil(t, r.Token)
		got = map[string]any{"identity": map[string]any{"id": r.User.ID}, "accessToken": tokenJSON(*r.Token)}
	case "GetIdentity.json":
		r, err := c.GetUser(ctx, user, nil)
		require.NoError(t, err)
		got = map[string]any{"id": r.ID.ID, "customId": r.CustomID, "lastTokenIssuedAt": r.LastTokenIssuedAt}
		require.Equal(t, 2025, r.LastTokenIssuedAt.Year())
		require.Equal(t, 324458400, r.LastTokenIssuedAt.Nanosecond(), "sub-second precision of the service's times is kept")
	case "DeleteIdentity.json":
		_, err := c.DeleteUser(ctx, user, nil)
		require.NoError(t, err)
	case "IssueAccessToken.json":
		var o struct {
			Scopes  []identity.Scope `json:"scopes"`
			Minutes int              `json:"expiresInMinutes"`
		}
		require.NoError(t, json.Unmarshal(wantBody, &o))
		r, err := c.IssueToken(ctx, user, o.Scopes, &identity.IssueTokenOptions{ExpiresIn: time.Duration(o.Minutes) * time.Minute})
		require.NoError(t, err)
		got = tokenJSON(r.AccessToken)
	case "RevokeAccessTokens.json":
		_, err := c.RevokeTokens(ctx, user, nil)
		require.NoError(t, err)
	case "ExchangeTeamsUserAccessToken.json":
		var req identity.TeamsUserTokenRequest
		require.NoError(t, json.Unmarshal(wantBody, &req))
		// The example's token is a placeholder, not a JWT: skip the claims
		// check, which the examples cannot satisfy.
		r, err := c.ExchangeTeamsUserToken(ctx, req, &identity.ExchangeTeamsUserTokenOptions{SkipClaimsCheck: true})
		require.NoError(t, err)
		got = tokenJSON(r.AccessToken)
	case "ExchangeTeamsPhoneToken.json":
		// The example's token is not a JWT either.
		r, err := c.ExchangeTeamsPhoneToken(ctx, phoneToken, &identity.ExchangeTeamsPhoneTokenOptions{SkipClaimsCheck: true})
		require.NoError(t, err)
		want := identity.ParseRawID(r.User.RawID())
		require.Equal(t, identity.KindTeamsExtensionUser, want.Kind())
		require.Equal(t, want, r.User, "the identity is read into a TeamsExtensionUserIdentifier")
		got = map[string]any{"identity": map[string]any{"id": r.User.RawID()}, "accessToken": tokenJSON(r.Token)}
	case "CreateOrReplaceTeamsExtensionAssignment.json":
		var o struct {
			PrincipalType identity.TeamsExtensionPrincipalType `json:"principalType"`
			ClientIDs     []string                             `json:"clientIds"`
		}
		require.NoError(t, json.Unmarshal(wantBody, &o))
		r, err := c.CreateOrReplaceTeamsExtensionAssignment(ctx, identity.TeamsExtensionAssignment{
			TenantID: tenantID, ObjectID: objectID, PrincipalType: o.PrincipalType, ClientIDs: o.ClientIDs,
		}, nil)
		require.NoError(t, err)
		require.Equal(t, status == http.StatusCreated, r.Created)
		got = assignmentJSON(r.TeamsExtensionAssignment)
	case "GetTeamsExtensionAssignment.json":
		r, err := c.GetTeamsExtensionAssignment(ctx, tenantID, objectID, nil)
		require.NoError(t, err)
		got = assignmentJSON(r.TeamsExtensionAssignment)
	case "DeleteTeamsExtensionAssignment.json":
		_, err := c.DeleteTeamsExtensionAssignment(ctx, tenantID, objectID, nil)
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, hits.Load(), "one request")
	if got != nil {
		b, err := json.Marshal(got)
		require.NoError(t, err)
		require.True(t, jsonEqual(respBody, b), "decoded %s\nexample %s", b, respBody)
	}
}

// assignmentJSON renders an assignment in the wire's names.
func assignmentJSON(a identity.TeamsExtensionAssignment) map[string]any {
	m := map[string]any{"objectId": a.ObjectID, "tenantId": a.TenantID, "principalType": a.PrincipalType}
	if a.ClientIDs != nil {
		m["clientIds"] = a.ClientIDs
	}
	return m
}

// tokenJSON renders a token the way the service does, with the instant
// compared as an instant (the service writes +00:00, Go writes Z).
func tokenJSON(tok identity.AccessToken) map[string]any {
	return map[string]any{"token": tok.Token, "expiresOn": tok.ExpiresOn}
}

// jsonEqual compares two JSON documents by value; strings that are both
// RFC 3339 times compare as instants.
func jsonEqual(a, b []byte) bool {
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return len(bytes.TrimSpace(a)) == len(bytes.TrimSpace(b))
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(normalizeTimes(x), normalizeTimes(y))
}

func normalizeTimes(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeTimes(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalizeTimes(e)
		}
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func fmtSscan(s string, n *int) (int, error) {
	v := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a status code: " + s)
		}
		v = v*10 + int(c-'0')
	}
	*n = v
	return 1, nil
}

type recording struct {
	RequestMethod string          `json:"RequestMethod"`
	RequestURI    string          `json:"RequestUri"`
	RequestBody   json.RawMessage `json:"RequestBody"`
	StatusCode    int             `json:"StatusCode"`
	ResponseBody  struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Target  string `json:"target"`
		} `json:"error"`
	} `json:"ResponseBody"`
}

// TestSpecErrorRecordings checks every recorded service error: the client
// refuses locally what it can tell is wrong (nothing is sent), and the fake's
// HTTP face answers the equivalent request exactly as the service did.
func TestSpecErrorRecordings(t *testing.T) {
	files, err := filepath.Glob("testdata/spec/error-recordings-net/*.json")
	require.NoError(t, err)
	require.Len(t, files, 10)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			var rec recording
			require.NoError(t, json.Unmarshal(raw, &rec))
			w := newWorld(t)
			srv := w.acs.NewServer()
			t.Cleanup(srv.Close)
			c, err := identity.NewClientFromConnectionString(w.acs.ConnectionString(srv.URL), withHTTP(&identity.ClientOptions{
				ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}},
			}))
			require.NoError(t, err)
			ctx := context.Background()
			valid := w.token(t, identitytest.Valid)
			skip := &identity.ExchangeTeamsUserTokenOptions{SkipClaimsCheck: true}

			// local is what the client itself must say (nil: it must send);
			// send performs the request the recording made, letting it
			// through to the fake.
			var local func() error
			var send func() error
			exchange := func(req identity.TeamsUserTokenRequest) {
				local = func() error { _, err := c.ExchangeTeamsUserToken(ctx, req, nil); return err }
				send = func() error { return rawExchange(t, w, srv.URL, req) }
			}
			switch name {
			case "CreateUserAndTokenWithMaxInvalidCustomExpiration", "CreateUserAndTokenWithMinInvalidCustomExpiration":
				var body struct {
					Minutes int `json:"expiresInMinutes"`
				}
				require.NoError(t, json.Unmarshal(rec.RequestBody, &body))
				local = func() error {
					_, err := c.CreateUser(ctx, &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}, TokenExpiresIn: time.Duration(body.Minutes) * time.Minute})
					return err
				}
				send = func() error { return rawCall(t, w, srv.URL, "/identities", rec.RequestBody) }
			case "GetTokenForTeamsUserWithEmptyClientIdShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: valid, AppID: "", UserID: w.user.ObjectID})
			case "GetTokenForTeamsUserWithEmptyTokenShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: "", AppID: w.appID, UserID: w.user.ObjectID})
			case "GetTokenForTeamsUserWithExpiredTokenShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: w.token(t, identitytest.Expired), AppID: w.appID, UserID: w.user.ObjectID})
			case "GetTokenForTeamsUserWithInvalidTokenShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: "invalid", AppID: w.appID, UserID: w.user.ObjectID})
			case "GetTokenForTeamsUserWithInvalidClientIdShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: valid, AppID: "invalid", UserID: w.user.ObjectID})
				local = func() error {
					_, err := c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: valid, AppID: "invalid", UserID: w.user.ObjectID}, skip)
					return err
				}
			case "GetTokenForTeamsUserWithInvalidUserIdShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: valid, AppID: w.appID, UserID: "invalid"})
				local = func() error {
					_, err := c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: valid, AppID: w.appID, UserID: "invalid"}, skip)
					return err
				}
			case "GetTokenForTeamsUserWithWrongClientIdShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: w.token(t, identitytest.OtherApp), AppID: w.appID, UserID: w.user.ObjectID})
			case "GetTokenForTeamsUserWithWrongUserObjectIdShouldThrow":
				exchange(identity.TeamsUserTokenRequest{Token: w.token(t, identitytest.OtherUser), AppID: w.appID, UserID: w.user.ObjectID})
			default:
				t.Fatalf("no test for recording %s", name)
			}

			// 1. The client: an argument or token error before sending where
			// it can tell; otherwise the service's error as a ResponseError.
			before := len(w.acs.Exchanges())
			err = local()
			require.Error(t, err)
			var ae *identity.ArgumentError
			var te *identity.InvalidTokenError
			var re *azcore.ResponseError
			switch {
			case errors.As(err, &ae), errors.As(err, &te):
				// refused locally
			case errors.As(err, &re):
				require.Equal(t, rec.StatusCode, re.StatusCode)
				require.Equal(t, rec.ResponseBody.Error.Code, re.ErrorCode)
			default:
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			require.Equal(t, before, len(w.acs.Exchanges()))

			// 2. The fake's HTTP face answers as the service did.
			err = send()
			require.ErrorAs(t, err, &re)
			require.Equal(t, rec.StatusCode, re.StatusCode, "status")
			var body struct {
				Error struct{ Code, Message, Target string } `json:"error"`
			}
			require.NoError(t, json.NewDecoder(re.RawResponse.Body).Decode(&body))
			require.Equal(t, rec.ResponseBody.Error.Code, body.Error.Code, "code")
			require.Equal(t, rec.ResponseBody.Error.Message, body.Error.Message, "message")
			require.Equal(t, rec.ResponseBody.Error.Target, body.Error.Target, "target")
		})
	}
}

// rawExchange sends an exchange request as is (no client-side checks),
// signed with the fake's access key.
func rawExchange(t *testing.T, w *world, endpoint string, req identity.TeamsUserTokenRequest) error {
	t.Helper()
	b, err := json.Marshal(map[string]string{"token": req.Token, "appId": req.AppID, "userId": req.UserID})
	require.NoError(t, err)
	return rawCall(t, w, endpoint, "/teamsUser/:exchangeAccessToken", b)
}

func rawCall(t *testing.T, w *world, endpoint, path string, body []byte) error {
	t.Helper()
	return rawSend(t, w, http.MethodPost, endpoint, path, body)
}

// rawPut is rawCall with PUT.
func rawPut(t *testing.T, w *world, endpoint, path string, body []byte) error {
	t.Helper()
	return rawSend(t, w, http.MethodPut, endpoint, path, body)
}

func rawSend(t *testing.T, w *world, method, endpoint, path string, body []byte) error {
	t.Helper()
	resp, err := handSigned(context.Background(), http.DefaultClient, method, endpoint, w.acs.AccessKey(), path, body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 == 2 {
		resp.Body.Close()
		return nil
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(data, &e)
	return &azcore.ResponseError{StatusCode: resp.StatusCode, ErrorCode: e.Error.Code, RawResponse: resp}
}
