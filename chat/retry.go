package chat

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/retryafter"
)

// The retry rules of a Client. A chat message POST is not idempotent: sent
// twice, it is posted twice. So a request is sent again only where the
// service said that it did not process it, or where sending it again cannot
// change anything:
//
//   - 429 Too Many Requests: every method, after the Retry-After delay
//     (Graph throttles before it processes);
//   - 503 Service Unavailable with a Retry-After header: every method, after
//     that delay;
//   - GET and HEAD (reads): also on 500, 502, 503 and 504, on 408, and on
//     transport errors such as a reset connection (before the response's
//     headers; without a TryTimeout a GET's body is decoded by the client
//     from the stream, after this policy, so a body cut off midway is
//     returned to the caller: the iterators end with it, the watcher polls
//     again);
//   - any method, when the connection could not even be opened (a dial
//     error: nothing was sent);
//   - nothing else: a POST, PATCH or DELETE that failed with 500 or 504, or
//     whose connection broke after it was sent, is returned to the caller,
//     who knows whether sending it again is safe.
//
// Delays honour Retry-After (seconds or an HTTP date); without it they grow
// exponentially from RetryDelay (default 800 ms) with jitter, up to
// MaxRetryDelay (default 60 s). A Retry-After longer than MaxRetryDelay, or
// one that would outlast the call's context deadline, ends the retries at
// once: the caller gets the 429 or 503 as an *Error whose RetryAfter says how
// long the service asked to wait. Waits end early when ctx is done.
type retryRules struct {
	maxRetries int
	baseDelay  time.Duration
	maxDelay   time.Duration
	tryTimeout time.Duration
}

// DefaultMaxRetries is the number of times a request is sent again when
// ClientOptions.Retry.MaxRetries is zero.
const DefaultMaxRetries = 5

// newRetryRules reads azcore's RetryOptions: MaxRetries (0 means
// DefaultMaxRetries, negative means none), RetryDelay, MaxRetryDelay and
// TryTimeout. StatusCodes and ShouldRetry are not used: which failures are
// safe to send again is decided by the rules above.
func newRetryRules(o policy.RetryOptions) retryRules {
	r := retryRules{maxRetries: int(o.MaxRetries), baseDelay: o.RetryDelay, maxDelay: o.MaxRetryDelay, tryTimeout: o.TryTimeout}
	switch {
	case r.maxRetries == 0:
		r.maxRetries = DefaultMaxRetries
	case r.maxRetries < 0:
		r.maxRetries = 0
	}
	switch {
	case r.baseDelay == 0:
		r.baseDelay = 800 * time.Millisecond
	case r.baseDelay < 0:
		r.baseDelay = 0
	}
	switch {
	case r.maxDelay == 0:
		r.maxDelay = 60 * time.Second
	case r.maxDelay < 0:
		r.maxDelay = time.Duration(1<<63 - 1)
	}
	if r.tryTimeout < 0 {
		r.tryTimeout = 0
	}
	return r
}

// isRead reports the methods that change nothing on the service.
func isRead(method string) bool { return method == http.MethodGet || method == http.MethodHead }

// retryMethod is the method the retry rules apply to a request: GET for
// the POSTs that only read (getPresencesByUserId, whose list of ids does
// not fit in a URL) and for createOrGet, which a second time returns the
// meeting the first made (onlinemeeting-createorget: "If the external ID
// already exists, this API will return the onlineMeeting object with that
// external ID"), so that they are retried like reads; the request's
// method otherwise.
func retryMethod(r *http.Request) string {
	if r.Method == http.MethodPost && r.URL != nil &&
		(strings.HasSuffix(r.URL.Path, "/communications/getPresencesByUserId") || strings.HasSuffix(r.URL.Path, "/me/onlineMeetings/createOrGet")) {
		return http.MethodGet
	}
	return r.Method
}

// verdict tells whether a try that ended with resp or err may be sent again.
// ctx is the call's context: once it is done nothing is retried.
func (r retryRules) verdict(method string, resp *http.Response, err error, ctx context.Context) (bool, string) {
	if ctx != nil && ctx.Err() != nil {
		return false, ""
	}
	if err != nil {
		if notSent(err) {
			return true, "connection not opened"
		}
		if isRead(method) {
			return true, "transport error on a read"
		}
		return false, ""
	}
	if resp == nil {
		return false, ""
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true, "throttled"
	case http.StatusServiceUnavailable:
		if hasRetryAfter(resp) {
			return true, "unavailable with retry-after"
		}
	}
	if isRead(method) {
		switch resp.StatusCode {
		case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, "server error on a read"
		}
	}
	return false, ""
}

// notSent reports a transport error that happened before the request could
// be written: the connection was never opened.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsTemporary
}

func hasRetryAfter(resp *http.Response) bool {
	return resp != nil && strings.TrimSpace(resp.Header.Get("Retry-After")) != ""
}

// delay returns how long to wait before try number try+1 (try ≥ 1 is the try
// that just failed), and false when the service asked for a wait longer than
// the rules allow.
func (r retryRules) delay(resp *http.Response, try int, now time.Time) (time.Duration, bool) {
	if hasRetryAfter(resp) {
		v := strings.TrimSpace(resp.Header.Get("Retry-After"))
		d := retryafter.Parse(v, now)
		if d > 0 || v == "0" {
			if d > r.maxDelay {
				return d, false
			}
			return d, true
		}
		// An unreadable or past Retry-After: fall back to the backoff.
	}
	return r.backoff(try), true
}

// backoff is RetryDelay·(2^try − 1) with ±25 % jitter, capped at MaxRetryDelay.
func (r retryRules) backoff(try int) time.Duration {
	if r.baseDelay <= 0 {
		return 0
	}
	if try > 30 {
		try = 30
	}
	d := r.baseDelay * time.Duration(int64(1)<<try-1)
	if d <= 0 || d > r.maxDelay {
		d = r.maxDelay
	}
	jittered := time.Duration(float64(d) * (0.75 + rand.Float64()/2))
	if jittered > r.maxDelay {
		jittered = r.maxDelay
	}
	return jittered
}

// graphRetryPolicy applies retryRules inside the azcore pipeline: each try
// passes again through the bearer token and logging policies below it (the
// logging policy numbers the tries).
type graphRetryPolicy struct {
	rules retryRules
	clock identity.Clock
}

// Do implements policy.Policy.
func (p *graphRetryPolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	method := retryMethod(req.Raw())
	streaming := req.OperationValue(&streamedBody{})
	if streaming {
		// A download (GetHostedContent): its body goes to the caller
		// unread, however large; it is never read into memory here.
		runtime.SkipBodyDownload(req)
	} else if p.rules.tryTimeout == 0 && method == http.MethodGet {
		// Reads (GETs, and the POSTs that only read): the client decodes
		// the body from the stream; without a per-try timeout there is no
		// try context to end once the body is read, so azcore's body
		// download (a second copy of every page) is skipped. Failed
		// responses are read whole by the client (responseError).
		runtime.SkipBodyDownload(req)
	}
	for try := 1; ; try++ {
		if err := req.RewindBody(); err != nil {
			return nil, err
		}
		tryCtx, cancel := ctx, context.CancelFunc(func() {})
		if p.rules.tryTimeout > 0 {
			tryCtx, cancel = context.WithTimeout(ctx, p.rules.tryTimeout)
		}
		resp, err := req.Clone(tryCtx).Next()
		if streaming && resp != nil {
			// The body is read after this try (by the caller, or drained
			// below): the try's context (its TryTimeout) ends when the
			// body is closed.
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		} else {
			// The body download policy below has read the whole body, so
			// the try's context can end here.
			cancel()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if resp != nil {
				runtime.Drain(resp)
			}
			return nil, ctxErr
		}
		retry, _ := p.rules.verdict(method, resp, err, ctx)
		if !retry || try > p.rules.maxRetries {
			return resp, err
		}
		d, ok := p.rules.delay(resp, try, p.clock.Now())
		if !ok {
			return resp, err
		}
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < d {
			// The wait would outlast the caller's deadline: give the caller
			// the service's answer now rather than a bare deadline error.
			return resp, err
		}
		if resp != nil {
			runtime.Drain(resp)
		}
		if err := sleep(ctx, p.clock, d); err != nil {
			return nil, err
		}
	}
}

// streamedBody marks a request whose answer's body the caller reads as a
// stream (policy.Request.SetOperationValue).
type streamedBody struct{}

// cancelOnClose ends a try's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// sleep waits for d on clock, or until ctx is done.
func sleep(ctx context.Context, clock identity.Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
