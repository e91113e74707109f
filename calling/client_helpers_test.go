package calling_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
)

// testKey is the access key of the test clients (base64 as in a connection
// string); testKeyBytes is its decoded form for hmacauth.Verify.
const testKey = "dGVhbXN1c2VyLWdvIGNhbGxpbmcgdGVzdCBrZXkgMDEyMzQ1Njc4OQ=="

var testKeyBytes, _ = base64.StdEncoding.DecodeString(testKey)

// seen is one request a test server received, its body read.
type seen struct {
	Method  string
	Path    string // escaped
	Query   map[string][]string
	Header  http.Header
	Body    []byte
	AuthErr error // the HMAC verification's result
}

// recorder is a loopback server that records every request and answers
// with the next queued response (or 500 when none is queued).
type recorder struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []seen
	resp []reply
	// handle, when set, answers instead of the queue.
	handle func(s seen) reply
}

type reply struct {
	status int
	body   string
	header map[string]string
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{t: t}
	rec.srv = httptest.NewServer(http.HandlerFunc(rec.serve))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (rec *recorder) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s := seen{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
	s.AuthErr = hmacauth.Verify(r, body, testKeyBytes, time.Now(), 0)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, s)
	var rp reply
	switch {
	case rec.handle != nil:
		h := rec.handle
		rec.mu.Unlock()
		rp = h(s)
		rec.mu.Lock()
	case len(rec.resp) > 0:
		rp, rec.resp = rec.resp[0], rec.resp[1:]
	default:
		rp = reply{status: 500, body: `{"error":{"code":"NoReplyQueued","message":"the test queued no reply"}}`}
	}
	rec.mu.Unlock()
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	if rp.body != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rp.status)
	_, _ = io.WriteString(w, rp.body)
}

func (rec *recorder) queue(rs ...reply) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.resp = append(rec.resp, rs...)
}

func (rec *recorder) requests() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.reqs...)
}

func (rec *recorder) last() seen {
	rec.t.Helper()
	rs := rec.requests()
	require.NotEmpty(rec.t, rs, "no request reached the server")
	return rs[len(rs)-1]
}

// noRetry keeps the pipeline from retrying, so that a test's one reply
// answers its one request.
func noRetry() policy.RetryOptions {
	return policy.RetryOptions{MaxRetries: -1}
}

// fixedNow is the clock of the test clients.
var fixedNow = time.Date(2026, 3, 12, 8, 49, 37, 0, time.UTC)

func newTestClient(t testing.TB, endpoint string, mod func(*calling.ClientOptions)) *calling.Client {
	t.Helper()
	o := &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: noRetry()},
		Clock:         fake.NewClock(fixedNow),
	}
	if mod != nil {
		mod(o)
	}
	c, err := calling.NewClientWithAccessKey(endpoint, testKey, o)
	require.NoError(t, err)
	return c
}
