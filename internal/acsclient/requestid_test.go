package acsclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/httperr"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// ids records the x-ms-client-request-id of each request a test server
// receives.
type ids struct {
	mu   sync.Mutex
	seen []string
}

func (s *ids) add(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, r.Header.Get(HeaderClientRequestID))
}

func (s *ids) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func newTestClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var o azcore.ClientOptions
	o.InsecureAllowCredentialWithHTTP = true
	o.Retry.RetryDelay = time.Millisecond
	c, err := New("test", srv.URL, Auth{AccessKey: []byte("key")}, &o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func send(t *testing.T, c *Client, ok ...int) error {
	t.Helper()
	req, err := runtime.NewRequest(context.Background(), http.MethodGet, c.Endpoint+"/identities/u")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req, ok...)
	if err == nil {
		runtime.Drain(resp)
	}
	return err
}

// TestClientRequestIDPerCall: every request carries an
// x-ms-client-request-id, a UUID v4; each try of one call the same, each
// call a new one.
func TestClientRequestIDPerCall(t *testing.T) {
	var got ids
	var n int
	var mu sync.Mutex
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got.add(r)
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	for range 2 {
		if err := send(t, c, http.StatusOK); err != nil {
			t.Fatal(err)
		}
	}
	seen := got.list()
	if len(seen) != 3 {
		t.Fatalf("want 3 requests (a retried call, then one), got %d", len(seen))
	}
	for _, id := range seen {
		if !uuid.IsV4(id) {
			t.Fatalf("x-ms-client-request-id %q is not a UUID v4", id)
		}
	}
	if seen[0] != seen[1] {
		t.Errorf("the retry of a call carries another id: %s, %s", seen[0], seen[1])
	}
	if seen[2] == seen[0] {
		t.Errorf("two calls carry the same id %s", seen[0])
	}
}

// TestResponseErrorNamesRequest: a failed answer is an
// *azcore.ResponseError whose text ends with the ids support needs: the
// echoed client request id, MS-CV and the call chain id when the service
// sent them, and the id the request carried when it echoed none.
func TestResponseErrorNamesRequest(t *testing.T) {
	var got ids
	echo := true
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got.add(r)
		if echo {
			w.Header().Set(HeaderClientRequestID, r.Header.Get(HeaderClientRequestID))
			w.Header().Set("MS-CV", "8SB4INY2okiMrXUh9O7qng.0")
			w.Header().Set("X-Microsoft-Skype-Chain-ID", "248eaab4-670f-4424-9dd5-adb3ce9167be")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"code":"InvalidAccessToken","message":"Provided access token is not valid."}}`)
	})
	err := send(t, c, http.StatusOK)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 401 || re.ErrorCode != "InvalidAccessToken" {
		t.Fatalf("want the *azcore.ResponseError of a 401 InvalidAccessToken, got %T %v", err, err)
	}
	id := got.list()[0]
	want := "x-ms-client-request-id: " + id + "; MS-CV: 8SB4INY2okiMrXUh9O7qng.0; X-Microsoft-Skype-Chain-ID: 248eaab4-670f-4424-9dd5-adb3ce9167be\n"
	if !strings.HasSuffix(err.Error(), want) {
		t.Errorf("the error's text does not end with the request ids %q:\n%s", want, err)
	}
	if !strings.HasPrefix(err.Error(), re.Error()) {
		t.Errorf("the error's text does not start with azcore's:\n%s", err)
	}
	if got := httperr.ClientRequestID(err); got != id {
		t.Errorf("ClientRequestID = %q, want %q", got, id)
	}

	echo = false
	err = send(t, c, http.StatusOK)
	id = got.list()[1]
	if !strings.HasSuffix(err.Error(), "x-ms-client-request-id: "+id+"\n") {
		t.Errorf("without an echo, the text does not name the id sent (%s):\n%s", id, err)
	}
	if got := httperr.ClientRequestID(err); got != id {
		t.Errorf("ClientRequestID = %q, want %q", got, id)
	}
	if httperr.ClientRequestID(errors.New("x")) != "" || httperr.ClientRequestID(nil) != "" {
		t.Error("ClientRequestID of an error without a response is not empty")
	}
}
