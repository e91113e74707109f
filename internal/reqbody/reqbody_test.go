package reqbody_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/reqbody"
)

// countingConn counts the writes made to a connection.
type countingConn struct {
	net.Conn
	writes *atomic.Int32
}

func (c countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// send posts body through an azcore pipeline with the given per-retry
// policies to a server that answers 503 with Retry-After once, then 200;
// it returns the bodies the server read and the writes each try made.
func send(t *testing.T, perRetry []policy.Policy, body string) (got []string, writes []int32) {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		n := len(got)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var count atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, writes: &count}, nil
	}}
	defer tr.CloseIdleConnections()
	counting := policy.Policy(policyFunc(func(req *policy.Request) (*http.Response, error) {
		before := count.Load()
		resp, err := req.Next()
		writes = append(writes, count.Load()-before)
		return resp, err
	}))
	pl := runtime.NewPipeline("reqbody", "v0", runtime.PipelineOptions{PerRetry: append([]policy.Policy{counting}, perRetry...)},
		&policy.ClientOptions{Transport: &http.Client{Transport: tr}, Retry: policy.RetryOptions{RetryDelay: 1, MaxRetries: 1}})
	req, err := runtime.NewRequest(context.Background(), http.MethodPost, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := reqbody.Set(req, []byte(body), "application/json"); err != nil {
		t.Fatal(err)
	}
	resp, err := pl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	return got, writes
}

type policyFunc func(*policy.Request) (*http.Response, error)

func (f policyFunc) Do(req *policy.Request) (*http.Response, error) { return f(req) }

// With the policy, each try of a request goes out in one write, headers
// and body, and a retry sends the same body; without it, net/http writes
// the headers and the body apart.
func TestOneWritePerTry(t *testing.T) {
	const body = `{"token":"t","appId":"a","userId":"u"}`
	got, writes := send(t, []policy.Policy{reqbody.Policy()}, body)
	if len(got) != 2 || got[0] != body || got[1] != body {
		t.Fatalf("the server read %q", got)
	}
	for i, w := range writes {
		if w != 1 {
			t.Errorf("try %d: %d writes, want 1", i+1, w)
		}
	}

	_, writes = send(t, nil, body)
	for i, w := range writes {
		if w != 2 {
			t.Errorf("without the policy, try %d: %d writes; net/http no longer writes the headers apart, and package reqbody may go", i+1, w)
		}
	}
}
