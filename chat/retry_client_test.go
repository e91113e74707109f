package chat_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// staticCred is a credential that always returns the same token.
type staticCred struct{ token string }

func (c staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: c.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// seenRequest is one request the script server received.
type seenRequest struct {
	Method, Path, RawQuery, Body string
	Header                       http.Header
}

// reply is one scripted answer.
type reply struct {
	status int
	header map[string]string
	body   string
}

// scriptServer answers each request with the next scripted reply (the last
// one repeats) and records what it received.
type scriptServer struct {
	*httptest.Server
	mu      sync.Mutex
	replies []reply
	seen    []seenRequest
}

func newScriptServer(t *testing.T, replies ...reply) *scriptServer {
	s := &scriptServer{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, seenRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: string(b), Header: r.Header.Clone()})
		rep := s.replies[0]
		if len(s.replies) > 1 {
			s.replies = s.replies[1:]
		}
		s.mu.Unlock()
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		if rep.body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

const (
	testChatID = "19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2"
	messageOK  = `{"id":"1700000000001","chatId":"19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2","createdDateTime":"2024-05-01T10:00:00.123Z","lastModifiedDateTime":"2024-05-01T10:00:00.123Z","messageType":"message","body":{"contentType":"text","content":"hello"},"from":{"user":{"id":"11111111-2222-3333-4444-555555555555","displayName":"Adele","tenantId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}}}`
	messagesOK = `{"value":[` + messageOK + `]}`
	graphErr   = `{"error":{"code":"%s","message":"went wrong","innerError":{"request-id":"req-1","date":"2024-05-01T10:00:00","client-request-id":"cli-1"}}}`
)

func errBody(code string) string { return strings.Replace(graphErr, "%s", code, 1) }

func newTestClient(t *testing.T, srv *scriptServer, mutate func(*chat.ClientOptions)) *chat.Client {
	t.Helper()
	o := &chat.ClientOptions{BaseURL: srv.URL + "/v1.0"}
	o.Retry.RetryDelay = time.Millisecond
	o.Retry.MaxRetryDelay = 5 * time.Millisecond
	if mutate != nil {
		mutate(o)
	}
	c, err := chat.NewClient(staticCred{"test-token"}, o)
	require.NoError(t, err)
	return c
}

func TestRetryMessagePOSTNotRetriedOnServerErrors(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := newScriptServer(t, reply{status: status, body: errBody("InternalServerError")}, reply{status: 201, body: messageOK})
			c := newTestClient(t, srv, nil)
			_, err := c.SendMessage(context.Background(), testChatID, chat.TextMessage("hello"), nil)
			require.Error(t, err)
			require.Equal(t, status, chat.StatusCode(err))
			require.Len(t, srv.requests(), 1, "a message POST that failed with %d must not be sent again", status)
		})
	}
}

func TestRetryMessagePOSTRetriedWhenNotProcessed(t *testing.T) {
	cases := map[string]reply{
		"429":                {status: 429, header: map[string]string{"Retry-After": "0"}, body: errBody("TooManyRequests")},
		"429 no retry-after": {status: 429, body: errBody("TooManyRequests")},
		"503 retry-after":    {status: 503, header: map[string]string{"Retry-After": "0"}, body: errBody("ServiceUnavailable")},
	}
	for name, first := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newScriptServer(t, first, first, reply{status: 201, body: messageOK})
			c := newTestClient(t, srv, nil)
			resp, err := c.SendMessage(context.Background(), testChatID, chat.TextMessage("hello"), nil)
			require.NoError(t, err)
			require.Equal(t, "1700000000001", resp.Message.ID)
			reqs := srv.requests()
			require.Len(t, reqs, 3)
			for _, r := range reqs {
				require.Equal(t, http.MethodPost, r.Method)
				require.Equal(t, "/v1.0/chats/"+testChatID+"/messages", r.Path)
				require.Equal(t, reqs[0].Body, r.Body, "each try sends the same bytes")
				require.Empty(t, r.Header.Get("Content-Encoding"), "no compression: a retried body is sent as it is")
				require.Equal(t, reqs[0].Header.Get("client-request-id"), r.Header.Get("client-request-id"))
				require.Equal(t, "Bearer test-token", r.Header.Get("Authorization"))
			}
			require.NotEmpty(t, reqs[0].Header.Get("client-request-id"))
		})
	}
}

func TestRetryGETRetriedOnServerErrors(t *testing.T) {
	srv := newScriptServer(t,
		reply{status: 500, body: errBody("InternalServerError")},
		reply{status: 502, body: ""},
		reply{status: 503, body: errBody("ServiceUnavailable")},
		reply{status: 504, body: "<html>gateway</html>", header: map[string]string{"Content-Type": "text/html"}},
		reply{status: 200, body: messagesOK})
	c := newTestClient(t, srv, nil)
	page, err := c.ListMessagesPage(context.Background(), testChatID, &chat.ListMessagesOptions{Top: 50})
	require.NoError(t, err)
	require.Len(t, page.Messages, 1)
	require.Len(t, srv.requests(), 5)
	r := srv.requests()[0]
	require.Equal(t, http.MethodGet, r.Method)
	require.Contains(t, r.RawQuery, "$top=50", "parameter names are decoded ($top, not %24top)")
}

func TestRetryGivesUpAfterMaxRetries(t *testing.T) {
	srv := newScriptServer(t, reply{status: 429, header: map[string]string{"Retry-After": "0"}, body: errBody("TooManyRequests")})
	c := newTestClient(t, srv, func(o *chat.ClientOptions) { o.Retry.MaxRetries = 2 })
	_, err := c.SendMessage(context.Background(), testChatID, chat.TextMessage("hello"), nil)
	require.True(t, chat.IsThrottled(err), "%v", err)
	require.Len(t, srv.requests(), 3)

	srv2 := newScriptServer(t, reply{status: 500, body: errBody("InternalServerError")})
	c2 := newTestClient(t, srv2, func(o *chat.ClientOptions) { o.Retry.MaxRetries = -1 })
	_, err = c2.GetMessage(context.Background(), testChatID, "1", nil)
	require.Equal(t, 500, chat.StatusCode(err))
	require.Len(t, srv2.requests(), 1, "negative MaxRetries means no retries")
}

func TestRetryHonoursRetryAfterOnTheClock(t *testing.T) {
	clock := identityfake.NewClock(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	srv := newScriptServer(t,
		reply{status: 429, header: map[string]string{"Retry-After": "7"}, body: errBody("TooManyRequests")},
		reply{status: 201, body: messageOK})
	c := newTestClient(t, srv, func(o *chat.ClientOptions) {
		o.Clock = clock
		o.Retry.MaxRetryDelay = time.Minute
	})
	done := make(chan error, 1)
	go func() {
		_, err := c.SendMessage(context.Background(), testChatID, chat.TextMessage("hello"), nil)
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, clock.BlockUntil(ctx, 1), "the retry waits on the clock")
	require.Equal(t, []time.Time{clock.Now().Add(7 * time.Second)}, clock.Deadlines(), "it waits exactly Retry-After")
	require.Len(t, srv.requests(), 1)
	clock.Advance(7 * time.Second)
	require.NoError(t, <-done)
	require.Len(t, srv.requests(), 2)
}

func TestRetryAfterLongerThanMaxDelayIsReturned(t *testing.T) {
	srv := newScriptServer(t, reply{status: 429, header: map[string]string{"Retry-After": "120"}, body: errBody("TooManyRequests")})
	c := newTestClient(t, srv, func(o *chat.ClientOptions) { o.Retry.MaxRetryDelay = time.Minute })
	_, err := c.SendMessage(context.Background(), testChatID, chat.TextMessage("hello"), nil)
	require.True(t, chat.IsThrottled(err))
	require.Equal(t, 120*time.Second, chat.RetryAfter(err))
	require.Len(t, srv.requests(), 1)
}

func TestRetryWaitEndsWithContext(t *testing.T) {
	clock := identityfake.NewClock(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	srv := newScriptServer(t, reply{status: 429, header: map[string]string{"Retry-After": "30"}, body: errBody("TooManyRequests")})
	c := newTestClient(t, srv, func(o *chat.ClientOptions) { o.Clock = clock; o.Retry.MaxRetryDelay = time.Minute })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.SendMessage(ctx, testChatID, chat.TextMessage("hello"), nil)
		done <- err
	}()
	wait, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	require.NoError(t, clock.BlockUntil(wait, 1))
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, srv.requests(), 1)
}

func TestRetryAfterBeyondDeadlineReturnsServiceAnswer(t *testing.T) {
	srv := newScriptServer(t, reply{status: 503, header: map[string]string{"Retry-After": "50"}, body: errBody("ServiceUnavailable")})
	c := newTestClient(t, srv, func(o *chat.ClientOptions) { o.Retry.MaxRetryDelay = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.SendMessage(ctx, testChatID, chat.TextMessage("hello"), nil)
	require.Equal(t, 503, chat.StatusCode(err))
	require.Equal(t, 50*time.Second, chat.RetryAfter(err))
}

func TestNormalisedErrors(t *testing.T) {
	cases := []struct {
		name   string
		rep    reply
		status int
		code   string
	}{
		{"graph error", reply{status: 404, body: errBody("NotFound")}, 404, "NotFound"},
		{"no message (ODataError.Error panics on it)", reply{status: 403, body: `{"error":{"code":"Forbidden"}}`}, 403, "Forbidden"},
		{"empty error object", reply{status: 400, body: `{"error":{}}`}, 400, ""},
		{"not json", reply{status: 401, body: "denied", header: map[string]string{"Content-Type": "text/plain"}}, 401, ""},
		{"no body", reply{status: 409}, 409, ""},
		{"bad json", reply{status: 400, body: `{"error":`}, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.rep.header = map[string]string{"request-id": "hdr-req"}
			if tc.name == "not json" {
				tc.rep.header["Content-Type"] = "text/plain"
			}
			srv := newScriptServer(t, tc.rep)
			c := newTestClient(t, srv, nil)
			_, err := c.GetMessage(context.Background(), testChatID, "1", nil)
			var e *chat.Error
			require.True(t, errors.As(err, &e), "%T %v", err, err)
			require.Equal(t, tc.status, e.StatusCode)
			require.Equal(t, tc.code, e.Code)
			require.NotEmpty(t, e.Message)
			require.NotEmpty(t, e.RequestID)
			require.NotPanics(t, func() { _ = err.Error() })
			var re *azcore.ResponseError
			require.ErrorAs(t, err, &re, "an HTTP failure is azcore's ResponseError too")
			require.Equal(t, tc.status, re.StatusCode)
			require.Equal(t, tc.code, re.ErrorCode)
			require.Equal(t, http.MethodGet, re.RawResponse.Request.Method)
		})
	}
	srv := newScriptServer(t, reply{status: 404, body: errBody("NotFound")})
	c := newTestClient(t, srv, nil)
	_, err := c.GetMessage(context.Background(), testChatID, "1", nil)
	require.True(t, chat.IsNotFound(err))
	var e *chat.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, "req-1", e.RequestID)
	require.Equal(t, "cli-1", e.ClientRequestID)
	require.Equal(t, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), e.Date)
	require.Equal(t, "went wrong", e.Message)
}

// TestUnsupportedPipelineOptionsRefused: the azcore options whose meaning
// this package cannot honour are refused at construction, not ignored.
func TestUnsupportedPipelineOptionsRefused(t *testing.T) {
	for name, mutate := range map[string]func(*chat.ClientOptions){
		"opts.Retry.StatusCodes":   func(o *chat.ClientOptions) { o.Retry.StatusCodes = []int{500} },
		"opts.Retry.ShouldRetry":   func(o *chat.ClientOptions) { o.Retry.ShouldRetry = func(*http.Response, error) bool { return true } },
		"opts.Logging.IncludeBody": func(o *chat.ClientOptions) { o.Logging.IncludeBody = true },
		"opts.APIVersion":          func(o *chat.ClientOptions) { o.APIVersion = "beta" },
	} {
		o := &chat.ClientOptions{}
		mutate(o)
		_, err := chat.NewClient(staticCred{"t"}, o)
		var ae *chat.ArgumentError
		require.ErrorAs(t, err, &ae, name)
		require.Equal(t, name, ae.Arg)
	}
}

func TestTransportErrors(t *testing.T) {
	srv := newScriptServer(t, reply{status: 200, body: messagesOK})
	url := srv.URL
	srv.Close() // connection refused: nothing was sent, so even a POST may be retried
	c, err := chat.NewClient(staticCred{"test-token"}, &chat.ClientOptions{BaseURL: url + "/v1.0", ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond}}})
	require.NoError(t, err)
	_, err = c.SendMessage(context.Background(), testChatID, chat.TextMessage("hi"), nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "test-token")
	require.True(t, strings.HasPrefix(err.Error(), "chat: send message: "), err.Error())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.GetMessage(ctx, testChatID, "1", nil)
	require.ErrorIs(t, err, context.Canceled)
}

// bodyTypes is a transport that records the type of each request body it
// is handed before passing the request to http.DefaultClient.
type bodyTypes struct {
	mu    sync.Mutex
	types []reflect.Type
}

func (b *bodyTypes) Do(req *http.Request) (*http.Response, error) {
	b.mu.Lock()
	b.types = append(b.types, reflect.TypeOf(req.Body))
	b.mu.Unlock()
	return http.DefaultClient.Do(req)
}

// Each try of a POST hands net/http its body as an io.NopCloser of a
// *bytes.Reader, which net/http writes with the headers in one piece (see
// internal/reqbody), and a retry sends the same bytes.
func TestRetryBodyInMemory(t *testing.T) {
	srv := newScriptServer(t, reply{status: 429, header: map[string]string{"Retry-After": "0"}, body: errBody("TooManyRequests")}, reply{status: 201, body: messageOK})
	tr := &bodyTypes{}
	c := newTestClient(t, srv, func(o *chat.ClientOptions) { o.Transport = tr })
	_, err := c.SendMessage(context.Background(), testChatID, chat.TextMessage("hello"), nil)
	require.NoError(t, err)
	seen := srv.requests()
	require.Len(t, seen, 2)
	require.Equal(t, seen[0].Body, seen[1].Body)
	require.Contains(t, seen[0].Body, "hello")
	want := reflect.TypeOf(io.NopCloser(bytes.NewReader(nil)))
	require.Equal(t, []reflect.Type{want, want}, tr.types)
}
