package hmacauth_test

// testdata/js_vectors.json was recorded from the official JavaScript SDK
// (@azure/communication-identity 1.3.1 on @azure/communication-common 2.4.2)
// by testdata/gen/record.js: `npm install @azure/communication-identity` in a
// scratch directory, copy record.js there, `node record.js >
// js_vectors.json`. The script points CommunicationIdentityClient at a
// loopback server on 127.0.0.1 (a random port, then port 80 to see the
// default port dropped) and records every request the SDK signed.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
)

type jsRequest struct {
	Label         string `json:"label"`
	Method        string `json:"method"`
	PathAndQuery  string `json:"pathAndQuery"`
	Host          string `json:"host"`
	Date          string `json:"date"`
	ContentSHA256 string `json:"contentSha256"`
	Authorization string `json:"authorization"`
	Body          string `json:"body"`
}

type jsVectors struct {
	AccessKey string      `json:"accessKey"`
	Requests  []jsRequest `json:"requests"`
}

// quirkLabel marks the record that shows the JavaScript policy signing a
// re-serialised query rather than the query it sends.
const quirkLabel = "policy alone"

func loadVectors(t testing.TB) (key []byte, regular, quirks []jsRequest) {
	t.Helper()
	data, err := os.ReadFile("testdata/js_vectors.json")
	require.NoError(t, err)
	var v jsVectors
	require.NoError(t, json.Unmarshal(data, &v))
	key, err = base64.StdEncoding.DecodeString(v.AccessKey)
	require.NoError(t, err)
	for _, r := range v.Requests {
		if strings.HasPrefix(r.Label, quirkLabel) {
			quirks = append(quirks, r)
		} else {
			regular = append(regular, r)
		}
	}
	require.NotEmpty(t, regular)
	require.Len(t, quirks, 1)
	return key, regular, quirks
}

func signatureOf(t testing.TB, authorization string) string {
	t.Helper()
	sig, ok := strings.CutPrefix(authorization, "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=")
	require.True(t, ok, "unexpected authorization form")
	return sig
}

func TestStringToSignMatchesJS(t *testing.T) {
	key, vectors, _ := loadVectors(t)
	sawDefaultPort := false
	for _, v := range vectors {
		t.Run(v.Label, func(t *testing.T) {
			assert.Equal(t, v.ContentSHA256, hmacauth.ContentHash([]byte(v.Body)))
			sts := hmacauth.StringToSign(v.Method, v.PathAndQuery, v.Date, v.Host, v.ContentSHA256)
			assert.Equal(t, v.Authorization, hmacauth.AuthorizationHeader(hmacauth.Signature(key, sts)))
			// The method is upper-cased, as the SDKs do.
			assert.Equal(t, sts, hmacauth.StringToSign(strings.ToLower(v.Method), v.PathAndQuery, v.Date, v.Host, v.ContentSHA256))
		})
		if !strings.Contains(v.Host, ":") {
			sawDefaultPort = true
		}
	}
	assert.True(t, sawDefaultPort, "vectors should include a request to the default port")
	assert.Equal(t, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", hmacauth.ContentHash(nil))
}

// jsURL rebuilds the URL the SDK was given: a host without a port meant
// port 80, written out so the policy has to drop it.
func jsURL(v jsRequest) string {
	host := v.Host
	if !strings.Contains(host, ":") {
		host += ":80"
	}
	return "http://" + host + v.PathAndQuery
}

// captureTransport answers 200 and keeps the last request.
type captureTransport struct {
	mu   sync.Mutex
	reqs []*http.Request
	body [][]byte
}

func (c *captureTransport) Do(r *http.Request) (*http.Response, error) {
	var b []byte
	if r.Body != nil {
		var err error
		if b, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.body = append(c.body, b)
	c.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func newPipeline(p policy.Policy, transport policy.Transporter, retry *policy.RetryOptions) runtime.Pipeline {
	opts := &policy.ClientOptions{Transport: transport}
	if retry != nil {
		opts.Retry = *retry
	}
	return runtime.NewPipeline("hmacauth.test", "v0.0.0", runtime.PipelineOptions{PerRetry: []policy.Policy{p}}, opts)
}

func newRequest(t testing.TB, method, url string, body []byte) *policy.Request {
	t.Helper()
	req, err := runtime.NewRequest(context.Background(), method, url)
	require.NoError(t, err)
	if body != nil {
		require.NoError(t, req.SetBody(streaming.NopCloser(bytes.NewReader(body)), "application/json"))
	}
	return req
}

func TestPolicyReproducesJS(t *testing.T) {
	key, vectors, _ := loadVectors(t)
	for _, v := range vectors {
		t.Run(v.Label, func(t *testing.T) {
			date, err := time.Parse(http.TimeFormat, v.Date)
			require.NoError(t, err)
			tr := &captureTransport{}
			pl := newPipeline(hmacauth.NewPolicy(key, &hmacauth.PolicyOptions{Now: func() time.Time { return date }}), tr, nil)
			var body []byte
			if v.Body != "" {
				body = []byte(v.Body)
			}
			resp, err := pl.Do(newRequest(t, v.Method, jsURL(v), body))
			require.NoError(t, err)
			resp.Body.Close()

			require.Len(t, tr.reqs, 1)
			sent := tr.reqs[0]
			assert.Equal(t, v.Host, sent.Host)
			assert.Equal(t, v.Date, sent.Header.Get("x-ms-date"))
			assert.Equal(t, v.ContentSHA256, sent.Header.Get("x-ms-content-sha256"))
			assert.Equal(t, v.Authorization, sent.Header.Get("Authorization"))
			assert.Equal(t, v.Body, string(tr.body[0]), "the body is sent whole after hashing")
		})
	}
}

// serverRequest builds the request a server would see for v.
func serverRequest(v jsRequest) *http.Request {
	r := httptest.NewRequest(v.Method, v.PathAndQuery, strings.NewReader(v.Body))
	r.Host = v.Host
	r.Header.Set("x-ms-date", v.Date)
	r.Header.Set("x-ms-content-sha256", v.ContentSHA256)
	r.Header.Set("Authorization", v.Authorization)
	return r
}

func TestVerifyAcceptsJS(t *testing.T) {
	key, vectors, _ := loadVectors(t)
	for _, v := range vectors {
		date, err := time.Parse(http.TimeFormat, v.Date)
		require.NoError(t, err)
		assert.NoError(t, hmacauth.Verify(serverRequest(v), []byte(v.Body), key, date.Add(time.Minute), 0), v.Label)
	}
}

// TestJSQueryQuirk pins down the one known difference: the JavaScript policy
// signs url.searchParams.toString(), which re-escapes the query ("%20"
// becomes "+"), while it sends the query unchanged. This
// package signs the query as sent, as the .NET SDK does.
func TestJSQueryQuirk(t *testing.T) {
	key, _, quirks := loadVectors(t)
	v := quirks[0]
	require.Equal(t, "/chat/threads/19%3Aabc%40thread.v2/messages?api-version=2025-06-30&filter=a%20b&x=%7E", v.PathAndQuery)
	reserialised := "/chat/threads/19%3Aabc%40thread.v2/messages?api-version=2025-06-30&filter=a+b&x=%7E"
	assert.Equal(t, signatureOf(t, v.Authorization),
		hmacauth.Signature(key, hmacauth.StringToSign(v.Method, reserialised, v.Date, v.Host, v.ContentSHA256)))

	date, err := time.Parse(http.TimeFormat, v.Date)
	require.NoError(t, err)
	err = hmacauth.Verify(serverRequest(v), nil, key, date, 0)
	var ve *hmacauth.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, hmacauth.SignatureMismatch, ve.Problem)
}

// verifyingServer starts a loopback server that checks every request with
// Verify and answers 401 with the error text when it fails.
func verifyingServer(t *testing.T, key []byte, now func() time.Time, handle func(w http.ResponseWriter, r *http.Request, body []byte) bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := hmacauth.Verify(r, body, key, now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if handle != nil && handle(w, r, body) {
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), "test servers must be on loopback")
	return srv
}

var testKey = []byte("a made-up 32 byte key for tests!")

func TestPolicyAgainstVerifyingServer(t *testing.T) {
	srv := verifyingServer(t, testKey, time.Now, nil)
	pl := newPipeline(hmacauth.NewPolicy(testKey, nil), nil, nil)
	cases := []struct {
		method, path string
		body         []byte
	}{
		{http.MethodGet, "/identities/8%3Aacs%3Aabc_def?api-version=2025-06-30", nil},
		{http.MethodPost, "/identities?api-version=2025-06-30", []byte(`{"createTokenWithScopes":["chat"]}`)},
		{http.MethodPost, "/teamsUser/:exchangeAccessToken?api-version=2025-06-30", []byte(`{"token":"x","appId":"a","userId":"u"}`)},
		{http.MethodDelete, "/identities/8%3Aacs%3Aabc_def", nil},
		{http.MethodPost, "/calling/callConnections/a%2Fb:terminate?api-version=2026-03-12&x=a%20b", []byte{}},
		{http.MethodGet, "", nil},
	}
	for _, c := range cases {
		resp, err := pl.Do(newRequest(t, c.method, srv.URL+c.path, c.body))
		require.NoError(t, err)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", c.method, c.path, msg)
	}

	// The same server refuses a request signed with another key.
	pl = newPipeline(hmacauth.NewPolicy([]byte("another key"), nil), nil, nil)
	resp, err := pl.Do(newRequest(t, http.MethodGet, srv.URL+"/identities", nil))
	require.NoError(t, err)
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "hmac verification failed: signature mismatch: Authorization\n", string(msg))
}

// steppingClock returns t0, t0+1s, t0+2s, ... on successive calls.
type steppingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(time.Second)
	return t
}

func TestRetryResigns(t *testing.T) {
	clock := &steppingClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	type try struct {
		date, auth, hash string
		body             string
	}
	var mu sync.Mutex
	var tries []try
	srv := verifyingServer(t, testKey, func() time.Time { return clock.t }, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		tries = append(tries, try{r.Header.Get("x-ms-date"), r.Header.Get("Authorization"), r.Header.Get("x-ms-content-sha256"), string(body)})
		if len(tries) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	pl := newPipeline(hmacauth.NewPolicy(testKey, &hmacauth.PolicyOptions{Now: clock.Now}), nil,
		&policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond})
	body := `{"token":"eyJ0eXAiOiJKV1QifQ.e30.","appId":"a","userId":"u"}`
	resp, err := pl.Do(newRequest(t, http.MethodPost, srv.URL+"/teamsUser/:exchangeAccessToken?api-version=2025-06-30", []byte(body)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	require.Len(t, tries, 3, "every try passed Verify")
	for i, tr := range tries {
		assert.Equal(t, body, tr.body, "try %d carries the whole body", i)
		assert.Equal(t, hmacauth.ContentHash([]byte(body)), tr.hash)
		if i > 0 {
			assert.NotEqual(t, tries[i-1].date, tr.date, "try %d has a fresh date", i)
			assert.NotEqual(t, tries[i-1].auth, tr.auth, "try %d has a fresh signature", i)
		}
	}
}

// forwardOnly is a body that can find its size but cannot go back once read.
type forwardOnly struct {
	r    *strings.Reader
	read bool
}

func (f *forwardOnly) Read(p []byte) (int, error) { f.read = true; return f.r.Read(p) }
func (f *forwardOnly) Close() error               { return nil }
func (f *forwardOnly) Seek(off int64, whence int) (int64, error) {
	if f.read {
		return 0, errors.New("cannot seek back")
	}
	return f.r.Seek(off, whence)
}

// failingBody has ten bytes that cannot be read.
type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
func (failingBody) Close() error             { return nil }
func (failingBody) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekEnd {
		return 10, nil
	}
	return 0, nil
}

func TestBodyProblems(t *testing.T) {
	tr := &captureTransport{}
	pl := newPipeline(hmacauth.NewPolicy(testKey, nil), tr, &policy.RetryOptions{MaxRetries: -1})

	t.Run("not rewindable", func(t *testing.T) {
		req, err := runtime.NewRequest(context.Background(), http.MethodPost, "https://contoso.communication.azure.com/identities")
		require.NoError(t, err)
		require.NoError(t, req.SetBody(&forwardOnly{r: strings.NewReader(`{"a":1}`)}, "application/json"))
		_, err = pl.Do(req)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "hmacauth: the request body is not rewindable")
	})
	t.Run("raw body bypassing SetBody", func(t *testing.T) {
		req, err := runtime.NewRequest(context.Background(), http.MethodPost, "https://contoso.communication.azure.com/identities")
		require.NoError(t, err)
		req.Raw().Body = io.NopCloser(strings.NewReader(`{"a":1}`))
		_, err = pl.Do(req)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not rewindable")
	})
	t.Run("read error", func(t *testing.T) {
		req, err := runtime.NewRequest(context.Background(), http.MethodPost, "https://contoso.communication.azure.com/identities")
		require.NoError(t, err)
		require.NoError(t, req.SetBody(failingBody{}, "application/json"))
		_, err = pl.Do(req)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "hmacauth: reading the request body: disk on fire")
	})
	t.Run("partly read body is hashed whole", func(t *testing.T) {
		body := []byte(`{"scopes":["chat"]}`)
		req := newRequest(t, http.MethodPost, "https://contoso.communication.azure.com/identities", body)
		_, err := io.CopyN(io.Discard, req.Body(), 5)
		require.NoError(t, err)
		resp, err := pl.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		sent := tr.reqs[len(tr.reqs)-1]
		assert.Equal(t, hmacauth.ContentHash(body), sent.Header.Get("x-ms-content-sha256"))
		assert.Equal(t, body, tr.body[len(tr.body)-1])
	})
	assert.Len(t, tr.reqs, 1, "only the good request reached the transport")
}

func TestEmptyKey(t *testing.T) {
	tr := &captureTransport{}
	pl := newPipeline(hmacauth.NewPolicy(nil, nil), tr, &policy.RetryOptions{MaxRetries: -1})
	_, err := pl.Do(newRequest(t, http.MethodGet, "https://contoso.communication.azure.com/identities", nil))
	require.EqualError(t, err, "hmacauth: the access key is empty")
	assert.Empty(t, tr.reqs)
}

func TestPolicyCopiesKey(t *testing.T) {
	key := []byte("mutable key")
	tr := &captureTransport{}
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	pl := newPipeline(hmacauth.NewPolicy(key, &hmacauth.PolicyOptions{Now: now}), tr, nil)
	copy(key, "XXXXXXX")
	resp, err := pl.Do(newRequest(t, http.MethodGet, "https://contoso.communication.azure.com/identities", nil))
	require.NoError(t, err)
	resp.Body.Close()
	sts := hmacauth.StringToSign("GET", "/identities", "Fri, 02 Jan 2026 03:04:05 GMT", "contoso.communication.azure.com", hmacauth.ContentHash(nil))
	assert.Equal(t, hmacauth.AuthorizationHeader(hmacauth.Signature([]byte("mutable key"), sts)), tr.reqs[0].Header.Get("Authorization"))
}

func TestCanonicalHost(t *testing.T) {
	for _, c := range []struct{ scheme, host, want string }{
		{"https", "Contoso.Communication.Azure.com", "contoso.communication.azure.com"},
		{"https", "contoso.communication.azure.com:443", "contoso.communication.azure.com"},
		{"https", "contoso.communication.azure.com:8443", "contoso.communication.azure.com:8443"},
		{"https", "127.0.0.1:80", "127.0.0.1:80"},
		{"http", "127.0.0.1:80", "127.0.0.1"},
		{"HTTP", "127.0.0.1:443", "127.0.0.1:443"},
		{"https", "[::1]:443", "[::1]"},
		{"http", "[::1]:8080", "[::1]:8080"},
	} {
		assert.Equal(t, c.want, hmacauth.CanonicalHost(c.scheme, c.host), "%s %s", c.scheme, c.host)
	}
}

func TestPathAndQuery(t *testing.T) {
	assert.Equal(t, "/", hmacauth.PathAndQuery(""))
	assert.Equal(t, "/a", hmacauth.PathAndQuery("/a?"))
	assert.Equal(t, "/a?b=c", hmacauth.PathAndQuery("/a?b=c"))
}

func TestPolicyHostAndTarget(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	for _, c := range []struct{ url, host, target string }{
		{"https://Contoso.communication.azure.com:443/identities?api-version=1", "contoso.communication.azure.com", "/identities?api-version=1"},
		{"https://contoso.communication.azure.com", "contoso.communication.azure.com", "/"},
		{"https://contoso.communication.azure.com/a?", "contoso.communication.azure.com", "/a"},
		{"http://127.0.0.1:8080/identities/8%3Aacs%3Ax", "127.0.0.1:8080", "/identities/8%3Aacs%3Ax"},
	} {
		tr := &captureTransport{}
		pl := newPipeline(hmacauth.NewPolicy(testKey, &hmacauth.PolicyOptions{Now: now}), tr, nil)
		resp, err := pl.Do(newRequest(t, http.MethodGet, c.url, nil))
		require.NoError(t, err)
		resp.Body.Close()
		sts := hmacauth.StringToSign("GET", c.target, "Fri, 02 Jan 2026 03:04:05 GMT", c.host, hmacauth.ContentHash(nil))
		assert.Equal(t, hmacauth.AuthorizationHeader(hmacauth.Signature(testKey, sts)), tr.reqs[0].Header.Get("Authorization"), c.url)
		assert.Equal(t, c.host, tr.reqs[0].Host, c.url)
	}
}

// signed returns a server-side request signed for testKey at date.
func signed(t *testing.T, method, target, host string, body []byte, date time.Time) *http.Request {
	t.Helper()
	d := date.UTC().Format(http.TimeFormat)
	h := hmacauth.ContentHash(body)
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Host = host
	r.Header.Set("x-ms-date", d)
	r.Header.Set("x-ms-content-sha256", h)
	r.Header.Set("Authorization", hmacauth.AuthorizationHeader(hmacauth.Signature(testKey, hmacauth.StringToSign(method, hmacauth.PathAndQuery(target), d, host, h))))
	return r
}

func TestVerifyRejects(t *testing.T) {
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	body := []byte(`{"token":"t","appId":"a","userId":"u"}`)
	const target = "/teamsUser/:exchangeAccessToken?api-version=2025-06-30"
	const host = "contoso.communication.azure.com"
	good := func() *http.Request { return signed(t, http.MethodPost, target, host, body, now) }
	require.NoError(t, hmacauth.Verify(good(), body, testKey, now, 0))

	setHeader := func(name, value string) func(*http.Request) {
		return func(r *http.Request) {
			if value == "" {
				r.Header.Del(name)
			} else {
				r.Header.Set(name, value)
			}
		}
	}
	goodAuth := good().Header.Get("Authorization")
	sig := signatureOf(t, goodAuth)
	flipped := []byte(sig)
	flipped[3] ^= 1
	cases := []struct {
		name    string
		mutate  func(*http.Request)
		body    []byte
		key     []byte
		now     time.Time
		problem hmacauth.Problem
		msg     string
	}{
		{name: "tampered body", body: []byte(`{"token":"t","appId":"b","userId":"u"}`), problem: hmacauth.ContentHashMismatch,
			msg: "hmac verification failed: content hash mismatch: x-ms-content-sha256"},
		{name: "tampered body with matching hash", body: []byte(`{}`), mutate: setHeader("x-ms-content-sha256", hmacauth.ContentHash([]byte(`{}`))),
			problem: hmacauth.SignatureMismatch},
		{name: "tampered path", mutate: func(r *http.Request) { r.RequestURI = "/teamsUser/:exchangeAccessTokens?api-version=2025-06-30" },
			problem: hmacauth.SignatureMismatch, msg: "hmac verification failed: signature mismatch: Authorization"},
		{name: "tampered query", mutate: func(r *http.Request) { r.RequestURI = "/teamsUser/:exchangeAccessToken?api-version=2023-10-01" },
			problem: hmacauth.SignatureMismatch},
		{name: "tampered host", mutate: func(r *http.Request) { r.Host = "fabrikam.communication.azure.com" }, problem: hmacauth.SignatureMismatch},
		{name: "tampered method", mutate: func(r *http.Request) { r.Method = http.MethodPut }, problem: hmacauth.SignatureMismatch},
		{name: "tampered date within skew", mutate: setHeader("x-ms-date", now.Add(time.Second).Format(http.TimeFormat)),
			problem: hmacauth.SignatureMismatch},
		{name: "tampered signature", mutate: setHeader("Authorization", strings.Replace(goodAuth, sig, string(flipped), 1)),
			problem: hmacauth.SignatureMismatch},
		{name: "wrong key", key: []byte("another key"), problem: hmacauth.SignatureMismatch},
		{name: "stale date", now: now.Add(20 * time.Minute), problem: hmacauth.StaleDate,
			msg: "hmac verification failed: stale date: x-ms-date is 20m0s from the server's clock, more than 15m0s"},
		{name: "future date", now: now.Add(-16 * time.Minute), problem: hmacauth.StaleDate},
		{name: "malformed date", mutate: setHeader("x-ms-date", now.Format(time.RFC3339)), problem: hmacauth.MalformedDate,
			msg: "hmac verification failed: malformed date: x-ms-date"},
		{name: "missing date", mutate: setHeader("x-ms-date", ""), problem: hmacauth.MissingHeader,
			msg: "hmac verification failed: missing header: x-ms-date"},
		{name: "missing hash", mutate: setHeader("x-ms-content-sha256", ""), problem: hmacauth.MissingHeader},
		{name: "missing authorization", mutate: setHeader("Authorization", ""), problem: hmacauth.MissingHeader,
			msg: "hmac verification failed: missing header: Authorization"},
		{name: "bearer scheme", mutate: setHeader("Authorization", "Bearer eyJ0eXAiOiJKV1QifQ.e30."), problem: hmacauth.BadScheme,
			msg: "hmac verification failed: bad authorization scheme: Authorization"},
		{name: "scheme only", mutate: setHeader("Authorization", "HMAC-SHA256"), problem: hmacauth.BadScheme},
		{name: "no signature", mutate: setHeader("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"),
			problem: hmacauth.MalformedAuthorization, msg: "hmac verification failed: malformed authorization header: Authorization"},
		{name: "other signed headers", mutate: setHeader("Authorization", strings.Replace(goodAuth, "x-ms-date;host;", "host;x-ms-date;", 1)),
			problem: hmacauth.MalformedAuthorization},
		{name: "signature not base64", mutate: setHeader("Authorization", strings.Replace(goodAuth, sig, "!!"+sig[2:], 1)),
			problem: hmacauth.MalformedAuthorization},
		{name: "short signature", mutate: setHeader("Authorization", strings.Replace(goodAuth, sig, "AAAA", 1)),
			problem: hmacauth.MalformedAuthorization},
		{name: "extra parameter", mutate: setHeader("Authorization", goodAuth+"&Credential=x"), problem: hmacauth.MalformedAuthorization},
		{name: "repeated signature", mutate: setHeader("Authorization", goodAuth+"&Signature="+sig), problem: hmacauth.MalformedAuthorization},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := good()
			sts := hmacauth.StringToSign(r.Method, target, r.Header.Get("x-ms-date"), host, hmacauth.ContentHash(body))
			if c.mutate != nil {
				c.mutate(r)
			}
			b, key, n := body, testKey, now
			if c.body != nil {
				b = c.body
			}
			if c.key != nil {
				key = c.key
			}
			if !c.now.IsZero() {
				n = c.now
			}
			err := hmacauth.Verify(r, b, key, n, 0)
			var ve *hmacauth.VerifyError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.problem, ve.Problem, err.Error())
			if c.msg != "" {
				assert.Equal(t, c.msg, err.Error())
			}
			assertNoSecrets(t, err.Error()+fmt.Sprintf("%+v %#v", err, ve), key, sig, sts)
		})
	}
}

func TestVerifyOptions(t *testing.T) {
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	// A custom skew.
	r := signed(t, http.MethodGet, "/identities", "contoso.communication.azure.com", nil, now)
	assert.NoError(t, hmacauth.Verify(r, nil, testKey, now.Add(20*time.Minute), time.Hour))
	assert.Error(t, hmacauth.Verify(r, nil, testKey, now.Add(2*time.Minute), time.Minute))

	// Over TLS the default https port is dropped from Host.
	r = signed(t, http.MethodGet, "/identities", "contoso.communication.azure.com", nil, now)
	r.Host = "contoso.communication.azure.com:443"
	r.TLS = nil
	assert.Error(t, hmacauth.Verify(r, nil, testKey, now, 0))
	r = httptest.NewRequest(http.MethodGet, "https://contoso.communication.azure.com:443/identities", nil)
	require.NotNil(t, r.TLS)
	s := signed(t, http.MethodGet, "/identities", "contoso.communication.azure.com", nil, now)
	r.Header = s.Header
	assert.NoError(t, hmacauth.Verify(r, nil, testKey, now, 0))

	// A request built without RequestURI (handler unit tests) uses its URL.
	s = signed(t, http.MethodGet, "/identities/8%3Aacs%3Ax?api-version=1", "contoso.communication.azure.com", nil, now)
	s.RequestURI = ""
	assert.NoError(t, hmacauth.Verify(s, nil, testKey, now, 0))

	// Absolute-form target, as a proxy receives it.
	s = signed(t, http.MethodGet, "/identities?api-version=1", "contoso.communication.azure.com", nil, now)
	s.RequestURI = "http://contoso.communication.azure.com/identities?api-version=1"
	assert.NoError(t, hmacauth.Verify(s, nil, testKey, now, 0))

	// Scheme and parameter names are matched case-insensitively.
	s = signed(t, http.MethodGet, "/identities", "contoso.communication.azure.com", nil, now)
	s.Header.Set("Authorization", strings.Replace(strings.Replace(s.Header.Get("Authorization"), "HMAC-SHA256", "hmac-sha256", 1), "Signature=", "signature=", 1))
	assert.NoError(t, hmacauth.Verify(s, nil, testKey, now, 0))
}

func assertNoSecrets(t *testing.T, s string, key []byte, sig, sts string) {
	t.Helper()
	assert.NotContains(t, s, string(key))
	assert.NotContains(t, s, base64.StdEncoding.EncodeToString(key))
	assert.NotContains(t, s, fmt.Sprintf("%x", key))
	assert.NotContains(t, s, sig)
	assert.NotContains(t, s, sts)
	// The string-to-sign's date and host lines joined as signed.
	if _, tail, ok := strings.Cut(sts, "\n"); ok {
		if _, last, ok := strings.Cut(tail, "\n"); ok {
			assert.NotContains(t, s, last)
		}
	}
}

func TestNoSecretsInLogsOrErrors(t *testing.T) {
	var mu sync.Mutex
	var logs strings.Builder
	log.SetListener(func(ev log.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&logs, "[%s] %s\n", ev, msg)
	})
	log.SetEvents() // all events
	t.Cleanup(func() { log.SetListener(nil) })

	var sigsMu sync.Mutex
	var sigs, stss []string
	srv := verifyingServer(t, testKey, time.Now, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		sigsMu.Lock()
		defer sigsMu.Unlock()
		sigs = append(sigs, signatureOf(t, r.Header.Get("Authorization")))
		stss = append(stss, hmacauth.StringToSign(r.Method, r.RequestURI, r.Header.Get("x-ms-date"), r.Host, r.Header.Get("x-ms-content-sha256")))
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	p := hmacauth.NewPolicy(testKey, nil)
	pl := newPipeline(p, nil, &policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond})
	var errs []string
	for _, path := range []string{"/identities?api-version=2025-06-30", "/identities?fail=1"} {
		resp, err := pl.Do(newRequest(t, http.MethodPost, srv.URL+path, []byte(`{"createTokenWithScopes":["chat"]}`)))
		require.NoError(t, err)
		if resp.StatusCode != http.StatusOK {
			errs = append(errs, runtime.NewResponseError(resp).Error())
		}
		resp.Body.Close()
	}
	// A request the server rejects, and one the policy refuses.
	bad := newPipeline(hmacauth.NewPolicy([]byte("wrong"), nil), nil, &policy.RetryOptions{MaxRetries: -1})
	resp, err := bad.Do(newRequest(t, http.MethodGet, srv.URL+"/identities", nil))
	require.NoError(t, err)
	respErr := runtime.NewResponseError(resp)
	var azErr *azcore.ResponseError
	require.ErrorAs(t, respErr, &azErr)
	errs = append(errs, respErr.Error())
	resp.Body.Close()
	req, err := runtime.NewRequest(context.Background(), http.MethodPost, srv.URL+"/identities")
	require.NoError(t, err)
	require.NoError(t, req.SetBody(&forwardOnly{r: strings.NewReader("{}")}, "application/json"))
	_, err = pl.Do(req)
	require.Error(t, err)
	errs = append(errs, err.Error())
	errs = append(errs, fmt.Sprintf("%v %+v %#v %s %d %x", p, p, p, p, p, p))

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	require.Contains(t, out, "[Request]", "logging ran")
	require.Contains(t, out, "[Retry]", "retry logging ran")
	require.Len(t, sigs, 3)
	all := out + strings.Join(errs, "\n")
	for i := range sigs {
		assertNoSecrets(t, all, testKey, sigs[i], stss[i])
	}
	assert.Contains(t, out, "Authorization: REDACTED")
}

func BenchmarkPolicy(b *testing.B) {
	body := []byte(`{"token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2ln","appId":"00000000-0000-0000-0000-0000000000a1","userId":"00000000-0000-0000-0000-0000000000b2"}`)
	tr := transportFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
	})
	key := bytes.Repeat([]byte{7}, 64)
	opts := &policy.ClientOptions{Transport: tr, Retry: policy.RetryOptions{MaxRetries: -1}, Telemetry: policy.TelemetryOptions{Disabled: true}}
	run := func(b *testing.B, perRetry ...policy.Policy) {
		pl := runtime.NewPipeline("hmacauth.bench", "v0.0.0", runtime.PipelineOptions{PerRetry: perRetry}, opts)
		req, err := runtime.NewRequest(context.Background(), http.MethodPost, "https://contoso.communication.azure.com/teamsUser/:exchangeAccessToken?api-version=2025-06-30")
		if err != nil {
			b.Fatal(err)
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(body)), "application/json"); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			resp, err := pl.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	// The difference between the two is the cost of signing.
	b.Run("pipeline-without-policy", func(b *testing.B) { run(b) })
	b.Run("pipeline-with-policy", func(b *testing.B) { run(b, hmacauth.NewPolicy(key, nil)) })
	b.Run("functions", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h := hmacauth.ContentHash(body)
			sts := hmacauth.StringToSign("POST", "/teamsUser/:exchangeAccessToken?api-version=2025-06-30", "Fri, 02 Jan 2026 03:04:05 GMT", "contoso.communication.azure.com", h)
			_ = hmacauth.AuthorizationHeader(hmacauth.Signature(key, sts))
		}
	})
}

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }
