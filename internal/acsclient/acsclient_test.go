package acsclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"30"}}, 30 * time.Second},
		{"http date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{"past date", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{"negative", http.Header{"Retry-After": {"-5"}}, 0},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"milliseconds first", http.Header{"Retry-After-Ms": {"1500"}, "Retry-After": {"30"}}, 1500 * time.Millisecond},
		{"x-ms milliseconds first", http.Header{"X-Ms-Retry-After-Ms": {"250"}, "Retry-After-Ms": {"1500"}}, 250 * time.Millisecond},
		{"unreadable milliseconds fall back", http.Header{"Retry-After-Ms": {"x"}, "Retry-After": {"2"}}, 2 * time.Second},
		{"huge", http.Header{"Retry-After-Ms": {"99999999999999999"}}, time.Duration(1<<63 - 1).Truncate(time.Millisecond)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RetryAfter(tc.h, now); got != tc.want {
				t.Errorf("RetryAfter(%v) = %v, want %v", tc.h, got, tc.want)
			}
		})
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "30", "-1", "1e3", "Sun, 01 Mar 2026 12:01:00 GMT", "99999999999999999999"} {
		f.Add(s, s)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, ms, ra string) {
		h := http.Header{}
		h.Set("retry-after-ms", ms)
		h.Set("Retry-After", ra)
		if d := RetryAfter(h, now); d < 0 {
			t.Fatalf("negative %v for %q %q", d, ms, ra)
		}
	})
}

func TestUnprocessed(t *testing.T) {
	resp := func(code int, h http.Header) *http.Response {
		if h == nil {
			h = http.Header{}
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	for _, tc := range []struct {
		name string
		resp *http.Response
		err  error
		want bool
	}{
		{"429", resp(http.StatusTooManyRequests, nil), nil, true},
		{"503 with retry-after", resp(http.StatusServiceUnavailable, http.Header{"Retry-After": {"1"}}), nil, true},
		{"503 without", resp(http.StatusServiceUnavailable, nil), nil, false},
		{"500", resp(http.StatusInternalServerError, nil), nil, false},
		{"504", resp(http.StatusGatewayTimeout, nil), nil, false},
		{"dial", nil, &net.OpError{Op: "dial", Err: errors.New("refused")}, true},
		{"dns", nil, &net.DNSError{Err: "no such host", Name: "x"}, true},
		{"reset after write", nil, &net.OpError{Op: "read", Err: errors.New("connection reset")}, false},
		{"other", nil, errors.New("unexpected EOF"), false},
	} {
		if got := unprocessed(tc.resp, tc.err); got != tc.want {
			t.Errorf("%s: unprocessed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNewResolvesTryTimeout(t *testing.T) {
	for _, tc := range []struct{ in, want time.Duration }{{0, DefaultTryTimeout}, {-1, 0}, {time.Second, time.Second}} {
		var o azcore.ClientOptions
		o.Retry.TryTimeout = tc.in
		c, err := New("test", "https://x.communication.azure.com", Auth{AccessKey: []byte("k")}, &o)
		if err != nil {
			t.Fatal(err)
		}
		if c.retry.TryTimeout != tc.want {
			t.Errorf("TryTimeout %v: got %v, want %v", tc.in, c.retry.TryTimeout, tc.want)
		}
		if o.Retry.TryTimeout != tc.in {
			t.Errorf("the caller's options were changed")
		}
	}
}

// transportFunc is a policy.Transporter.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// A JSON body set with SetJSON reaches the transport, after the request is
// signed, as an io.NopCloser of a *bytes.Reader, which net/http writes in
// one piece with the headers (see package reqbody), and the signature
// covers those bytes.
func TestSetJSONBodyInMemory(t *testing.T) {
	var got []byte
	var body io.ReadCloser
	var hash string
	tr := transportFunc(func(req *http.Request) (*http.Response, error) {
		body = req.Body
		got, _ = io.ReadAll(req.Body)
		hash = req.Header.Get(hmacauth.HeaderContentSHA256)
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	})
	c, err := New("test", "https://x.communication.azure.com", Auth{AccessKey: []byte("k")}, &azcore.ClientOptions{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	req, err := runtime.NewRequest(context.Background(), http.MethodPost, c.Endpoint+"/identities")
	if err != nil {
		t.Fatal(err)
	}
	if err := SetJSON(req, map[string]string{"a": "b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(req, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if want := reflect.TypeOf(io.NopCloser(bytes.NewReader(nil))); reflect.TypeOf(body) != want {
		t.Errorf("the transport got a %T body, want %v", body, want)
	}
	if string(got) != `{"a":"b"}` || hash != hmacauth.ContentHash(got) {
		t.Errorf("the transport got %q with content hash %q", got, hash)
	}
}
