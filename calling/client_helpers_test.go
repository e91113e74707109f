package calling_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
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
		Now:           func() time.Time { return fixedNow },
	}
	if mod != nil {
		mod(o)
	}
	c, err := calling.NewClientWithAccessKey(endpoint, testKey, o)
	require.NoError(t, err)
	return c
}

// normalize returns v (decoded JSON) in a form where two payloads that mean
// the same compare equal: properties with false, empty or null values are
// dropped (the API treats them as absent), and an identifier model becomes
// its raw id, so that a model written with rawId and kind equals one
// written with its typed property only.
func normalize(t testing.TB, v any) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if isIdentifierModel(x) {
			b, _ := json.Marshal(x)
			id, err := identity.UnmarshalIdentifier(b)
			require.NoError(t, err, "identifier model %s", b)
			return map[string]any{"identifier": id.RawID()}
		}
		out := map[string]any{}
		for k, e := range x {
			n := normalize(t, e)
			if isEmpty(n) {
				continue
			}
			out[k] = n
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(t, e)
		}
		return out
	}
	return v
}

func isIdentifierModel(m map[string]any) bool {
	for _, k := range []string{"communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	_, kind := m["kind"]
	_, raw := m["rawId"]
	return kind && raw
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// requireSameJSON asserts that two JSON documents mean the same (see
// normalize).
func requireSameJSON(t testing.TB, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	var w, g any
	if len(bytes.TrimSpace(want)) > 0 {
		require.NoError(t, json.Unmarshal(want, &w), "want %s", want)
	}
	if len(bytes.TrimSpace(got)) > 0 {
		require.NoError(t, json.Unmarshal(got, &g), "got %s", got)
	}
	nw, ng := normalize(t, w), normalize(t, g)
	if isEmpty(nw) && isEmpty(ng) {
		return
	}
	require.Equal(t, canonical(nw), canonical(ng), msgAndArgs...)
}

// canonical prints normalized JSON with sorted keys, for readable diffs.
func canonical(v any) string {
	var b strings.Builder
	var walk func(v any, indent string)
	walk = func(v any, indent string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("{\n")
			for _, k := range keys {
				fmt.Fprintf(&b, "%s  %q: ", indent, k)
				walk(x[k], indent+"  ")
				b.WriteString(",\n")
			}
			b.WriteString(indent + "}")
		case []any:
			b.WriteString("[\n")
			for _, e := range x {
				b.WriteString(indent + "  ")
				walk(e, indent+"  ")
				b.WriteString(",\n")
			}
			b.WriteString(indent + "]")
		default:
			j, _ := json.Marshal(x)
			b.Write(j)
		}
	}
	walk(v, "")
	return b.String()
}
