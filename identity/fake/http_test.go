package fake_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
)

// signedDo sends a request to the fake's HTTP face signed with its access
// key, exactly as given: nil body means no body at all (Content-Length 0).
func signedDo(t *testing.T, svc *fake.Service, srv *httptest.Server, method, target string, body []byte, header http.Header) (int, []byte) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(svc.AccessKey())
	require.NoError(t, err)
	u, err := url.Parse(srv.URL + target)
	require.NoError(t, err)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u.String(), rd)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	date := time.Now().UTC().Format(http.TimeFormat)
	hash := hmacauth.ContentHash(body)
	sts := hmacauth.StringToSign(method, hmacauth.PathAndQuery(u.RequestURI()), date, hmacauth.CanonicalHost(u.Scheme, u.Host), hash)
	req.Header.Set("x-ms-date", date)
	req.Header.Set("x-ms-content-sha256", hash)
	req.Header.Set("Authorization", hmacauth.AuthorizationHeader(hmacauth.Signature(key, sts)))
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out
}

type errorBody struct {
	Error struct{ Code, Message, Target string } `json:"error"`
}

func decodeError(t *testing.T, b []byte) errorBody {
	t.Helper()
	var e errorBody
	require.NoError(t, json.Unmarshal(b, &e), "%s", b)
	return e
}

// POST /identities without a body, as the official JavaScript SDK's
// createUser sends it (Content-Length 0, Content-Type application/json, the
// SHA-256 of nothing): 201 with a new identity and no token (issue 14 §18).
func TestHTTPFaceCreateWithoutBody(t *testing.T) {
	svc := fake.New(nil)
	srv := svc.NewServer()
	defer srv.Close()
	status, body := signedDo(t, svc, srv, http.MethodPost, "/identities?api-version=2022-06-01", nil,
		http.Header{"Content-Type": {"application/json"}})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var out struct {
		Identity    struct{ ID string } `json:"identity"`
		AccessToken *json.RawMessage    `json:"accessToken"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	assert.Regexp(t, `^8:acs:`, out.Identity.ID)
	assert.Nil(t, out.AccessToken)
	require.Len(t, svc.Users(), 1)

	// An empty JSON object is the same request; malformed JSON is not.
	status, _ = signedDo(t, svc, srv, http.MethodPost, "/identities?api-version=2022-06-01", []byte(`{}`), nil)
	assert.Equal(t, http.StatusCreated, status)
	status, body = signedDo(t, svc, srv, http.MethodPost, "/identities?api-version=2022-06-01", []byte(`{`), nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "ValidationError", decodeError(t, body).Error.Code)

	// Issuing a token still needs its body (required: true in the spec).
	status, _ = signedDo(t, svc, srv, http.MethodPost, "/identities/"+url.PathEscape(out.Identity.ID)+"/:issueAccessToken?api-version=2022-06-01", nil, nil)
	assert.Equal(t, http.StatusBadRequest, status)
}

// Every stable api-version of the identity spec is answered, and every other
// string refused with the service's 400 UnsupportedApiVersion; an operation
// the requested version does not define is refused the same way (issue 14 §6).
func TestHTTPFaceAPIVersions(t *testing.T) {
	svc := fake.New(nil)
	srv := svc.NewServer()
	defer srv.Close()
	want := []string{"2021-03-07", "2022-06-01", "2022-09-01", "2022-10-01", "2023-08-01", "2023-10-01", "2025-06-30"}
	require.Equal(t, want, fake.SupportedAPIVersions)

	unsupported := func(t *testing.T, status int, body []byte, path, v string) {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		e := decodeError(t, body)
		assert.Equal(t, "UnsupportedApiVersion", e.Error.Code)
		assert.Equal(t, "The HTTP resource that matches the request URI '"+srv.URL+path+"' does not support the API version '"+v+"'.", e.Error.Message)
	}
	for _, v := range want {
		status, body := signedDo(t, svc, srv, http.MethodPost, "/identities?api-version="+v, []byte(`{}`), nil)
		require.Equal(t, http.StatusCreated, status, "%s: %s", v, body)
		var out struct {
			Identity struct{ ID string } `json:"identity"`
		}
		require.NoError(t, json.Unmarshal(body, &out))
		idPath := "/identities/" + url.PathEscape(out.Identity.ID)

		status, body = signedDo(t, svc, srv, http.MethodGet, idPath+"?api-version="+v, nil, nil)
		if v == "2025-06-30" {
			assert.Equal(t, http.StatusOK, status, "%s: %s", v, body)
		} else {
			unsupported(t, status, body, idPath, v)
		}

		// The exchange: refused for its version before its body is looked at.
		status, body = signedDo(t, svc, srv, http.MethodPost, "/teamsUser/:exchangeAccessToken?api-version="+v, []byte(`{}`), nil)
		if v == "2021-03-07" {
			unsupported(t, status, body, "/teamsUser/:exchangeAccessToken", v)
		} else {
			assert.Equal(t, http.StatusUnauthorized, status, "%s: %s", v, body) // no token in the body
			assert.Equal(t, "InvalidAccessToken", decodeError(t, body).Error.Code)
		}
	}
	for _, v := range []string{"2020-07-20-preview2", "2021-10-31-preview", "2025-03-02-preview", "2023-03-15", "2026-09-23", "2025-06-30 ", "latest"} {
		status, body := signedDo(t, svc, srv, http.MethodPost, "/identities?api-version="+url.QueryEscape(v), []byte(`{}`), nil)
		unsupported(t, status, body, "/identities", v)
	}
	status, body := signedDo(t, svc, srv, http.MethodPost, "/identities", []byte(`{}`), nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "MissingApiVersionParameter", decodeError(t, body).Error.Code)
}

// TestSignatureDatedByTheMachine: an HMAC signature is dated by the
// client's wall clock, so a service whose manual clock is far from it (a
// test that moved time, an emulator advanced by hours) still accepts it, as
// calling/fake does (hmacauth's tests refuse a date beyond the skew).
func TestSignatureDatedByTheMachine(t *testing.T) {
	svc := fake.New(&fake.Options{Clock: fake.NewClock(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))})
	srv := svc.NewServer()
	defer srv.Close()
	status, body := signedDo(t, svc, srv, http.MethodPost, "/identities?api-version=2023-10-01", []byte(`{}`), nil)
	assert.Equal(t, http.StatusCreated, status, "%s", body)
}
