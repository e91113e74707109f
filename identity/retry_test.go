package identity_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// afterProcessing serves the fake's HTTP face, but for the requests that
// match it lets the fake execute the request and then answers with a
// failure of its own instead of the fake's answer: the case where the
// service acted on a request and the client cannot know.
type afterProcessing struct {
	mu    sync.Mutex
	seen  map[string]int // requests per "METHOD path"
	match func(r *http.Request) bool
	fail  func(w http.ResponseWriter, r *http.Request) // writes the failure; nil hangs until the request's context ends
}

func (a *afterProcessing) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen[r.Method+" "+r.URL.Path]++
		match := a.match(r)
		a.mu.Unlock()
		if !match {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r) // processed
		if a.fail == nil {
			<-r.Context().Done()
			return
		}
		a.fail(w, r)
	})
}

func (a *afterProcessing) count(method, path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[method+" "+path]
}

func status(code int) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"error":{"code":"InternalError","message":"Something went wrong."}}`)
	}
}

// fastRetries retries at once, so that a test sees every retry the
// pipeline would make.
func fastRetries(tryTimeout time.Duration) *identity.ClientOptions {
	return &identity.ClientOptions{ClientOptions: azcore.ClientOptions{
		Retry: policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Millisecond, TryTimeout: tryTimeout},
	}}
}

func (w *world) serveThrough(t *testing.T, a *afterProcessing, opts *identity.ClientOptions) *identity.Client {
	t.Helper()
	a.seen = map[string]int{}
	srv := httptest.NewServer(a.handler(w.acs.Handler()))
	t.Cleanup(srv.Close)
	c, err := identity.NewClientFromConnectionString(w.acs.ConnectionString(srv.URL), withHTTP(opts))
	require.NoError(t, err)
	return c
}

// A create that the service executed but answered with a 5xx, or not at
// all within the try's timeout, is not sent again: exactly one user exists.
func TestCreateUserIsNotRepeatedAfterTheServiceMayHaveActed(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter, r *http.Request)
	}{
		{"500", status(http.StatusInternalServerError)},
		{"502", status(http.StatusBadGateway)},
		{"503 without retry-after", status(http.StatusServiceUnavailable)},
		{"504", status(http.StatusGatewayTimeout)},
		{"try timeout", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			a := &afterProcessing{
				match: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/identities" },
				fail:  tc.fail,
			}
			c := w.serveThrough(t, a, fastRetries(100*time.Millisecond))
			_, err := c.CreateUser(guard(t), &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}})
			require.Error(t, err)
			if tc.fail == nil {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			} else {
				var re *azcore.ResponseError
				require.ErrorAs(t, err, &re)
			}
			assert.Equal(t, 1, a.count(http.MethodPost, "/identities"), "requests sent")
			assert.Len(t, w.acs.Users(), 1, "users created")
		})
	}
}

// DeleteUser and RevokeTokens are not repeated either; IssueToken,
// ExchangeTeamsUserToken, GetUser and a create with a custom id are, since
// repeating them is safe.
func TestIdentityOperationsRetryOnlyWhereRepeatingIsSafe(t *testing.T) {
	w := newWorld(t)
	a := &afterProcessing{fail: status(http.StatusInternalServerError)}
	var failPath string
	a.match = func(r *http.Request) bool { return r.URL.Path == failPath }
	c := w.serveThrough(t, a, fastRetries(0))
	ctx := guard(t)

	u, err := w.acs.CreateUser(ctx, nil)
	require.NoError(t, err)
	id := u.User.ID

	failPath = "/identities/" + id + "/:revokeAccessTokens"
	_, err = c.RevokeTokens(ctx, u.User, nil)
	require.Error(t, err)
	assert.Equal(t, 1, a.count(http.MethodPost, failPath), "revoke sent once")

	failPath = "/identities/" + id
	_, err = c.DeleteUser(ctx, u.User, nil)
	require.Error(t, err)
	assert.Equal(t, 1, a.count(http.MethodDelete, failPath), "delete sent once")

	u, err = w.acs.CreateUser(ctx, nil)
	require.NoError(t, err)
	id = u.User.ID
	failPath = "/identities/" + id + "/:issueAccessToken"
	_, err = c.IssueToken(ctx, u.User, []identity.Scope{identity.ScopeVoIP}, nil)
	require.Error(t, err, "every try answered 500")
	assert.Equal(t, 4, a.count(http.MethodPost, failPath), "issue retried")

	failPath = "/identities/" + id
	_, err = c.GetUser(ctx, u.User, nil)
	require.Error(t, err)
	assert.Equal(t, 4, a.count(http.MethodGet, failPath), "get retried")

	failPath = "/teamsUser/:exchangeAccessToken"
	tok, _, err := w.entra.TeamsUserToken(w.user, w.appID)
	require.NoError(t, err)
	_, err = c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: tok, AppID: w.appID, UserID: w.user.ObjectID}, nil)
	require.Error(t, err)
	assert.Equal(t, 4, a.count(http.MethodPost, failPath), "exchange retried")

	// With a custom id the service returns the existing user: repeatable,
	// and still one user.
	before := len(w.acs.Users())
	failPath = "/identities"
	_, err = c.CreateUser(ctx, &identity.CreateUserOptions{CustomID: "alice@contoso.com"})
	require.Error(t, err)
	assert.Equal(t, 4, a.count(http.MethodPost, failPath), "create with a custom id retried")
	assert.Len(t, w.acs.Users(), before+1)
}

// What the service says it did not process is still retried, for a create
// too: 429, 503 with Retry-After, and a connection that was never opened.
func TestCreateUserIsRetriedWhenNotProcessed(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	answers := []func(http.ResponseWriter){
		func(rw http.ResponseWriter) {
			rw.Header().Set("Retry-After", "0")
			rw.WriteHeader(http.StatusServiceUnavailable)
		},
		func(rw http.ResponseWriter) {
			rw.Header().Set("retry-after-ms", "1")
			rw.WriteHeader(http.StatusTooManyRequests)
		},
	}
	inner := w.acs.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		var answer func(http.ResponseWriter)
		if len(answers) > 0 {
			answer, answers = answers[0], answers[1:]
		}
		mu.Unlock()
		if answer != nil {
			answer(rw) // refused before processing
			return
		}
		inner.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)

	// The first try cannot even connect.
	dials := 0
	transport := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dials++
			first := dials == 1
			mu.Unlock()
			if first {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	opts := fastRetries(0)
	opts.Transport = transport
	c, err := identity.NewClientFromConnectionString(w.acs.ConnectionString(srv.URL), withHTTP(opts))
	require.NoError(t, err)
	r, err := c.CreateUser(guard(t), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, r.User.ID)
	assert.Len(t, w.acs.Users(), 1)
	mu.Lock()
	assert.Empty(t, answers, "both refusals were retried")
	mu.Unlock()
}

// Each try has a deadline by default (DefaultTryTimeout), and a response
// body that arrives in pieces within it is read whole.
func TestTryTimeout(t *testing.T) {
	w := newWorld(t)
	var deadline time.Duration
	var mu sync.Mutex
	inner := w.acs.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		half := len(body) / 2
		_, _ = rw.Write(body[:half])
		rw.(http.Flusher).Flush()
		time.Sleep(20 * time.Millisecond) // a slow body, well within the try's timeout
		_, _ = rw.Write(body[half:])
	}))
	t.Cleanup(srv.Close)
	opts := &identity.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: transportFunc(func(req *http.Request) (*http.Response, error) {
		if d, ok := req.Context().Deadline(); ok {
			mu.Lock()
			deadline = time.Until(d)
			mu.Unlock()
		}
		return srv.Client().Do(req)
	})}}
	c, err := identity.NewClientFromConnectionString(w.acs.ConnectionString(srv.URL), withHTTP(opts))
	require.NoError(t, err)
	r, err := c.CreateUser(context.Background(), &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}})
	require.NoError(t, err)
	require.NotNil(t, r.Token)
	assert.True(t, strings.HasPrefix(r.User.ID, "8:acs:"))
	assert.NotEmpty(t, r.Token.Token)
	mu.Lock()
	assert.Positive(t, deadline, "the try has a deadline")
	assert.LessOrEqual(t, deadline, identity.DefaultTryTimeout)
	mu.Unlock()

	// A negative TryTimeout means none (azcore would end every try at once).
	opts.Retry.TryTimeout = -1
	deadline = 0
	c, err = identity.NewClientFromConnectionString(w.acs.ConnectionString(srv.URL), withHTTP(opts))
	require.NoError(t, err)
	_, err = c.GetUser(context.Background(), r.User, nil)
	require.NoError(t, err)
	mu.Lock()
	assert.Zero(t, deadline, "no deadline")
	mu.Unlock()
}
