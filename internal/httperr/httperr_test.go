package httperr

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

func failed(status int, code string, h http.Header, req *http.Request) error {
	if h == nil {
		h = http.Header{}
	}
	re := &azcore.ResponseError{StatusCode: status, ErrorCode: code, RawResponse: &http.Response{StatusCode: status, Header: h, Request: req}}
	return fmt.Errorf("op: %w", re)
}

func TestReadsTheResponseErrorInTheChain(t *testing.T) {
	err := failed(http.StatusTooManyRequests, "TooManyRequests", http.Header{
		"Retry-After":       {"7"},
		"Client-Request-Id": {"graph-id"},
	}, nil)
	if got := StatusCode(err); got != 429 {
		t.Errorf("StatusCode = %d", got)
	}
	if got := ErrorCode(err); got != "TooManyRequests" {
		t.Errorf("ErrorCode = %q", got)
	}
	if got := RetryAfter(err); got != 7*time.Second {
		t.Errorf("RetryAfter = %v", got)
	}
	if got := ClientRequestID(err); got != "graph-id" {
		t.Errorf("ClientRequestID = %q", got)
	}
	date := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	if got := RetryAfter(failed(503, "", http.Header{"Retry-After": {date}}, nil)); got < 59*time.Minute || got > time.Hour {
		t.Errorf("RetryAfter of an HTTP date an hour ahead = %v", got)
	}
	for _, err := range []error{nil, errors.New("dial tcp: refused"), &azcore.ResponseError{StatusCode: 404}} {
		if RetryAfter(err) != 0 || ClientRequestID(err) != "" {
			t.Errorf("%v: want no Retry-After and no client request id", err)
		}
	}
	if StatusCode(errors.New("x")) != 0 || ErrorCode(nil) != "" {
		t.Error("an error without an answer has a status or a code")
	}
}

func TestClientRequestIDFallsBackToTheRequest(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://example.invalid/", nil)
	req.Header.Set("x-ms-client-request-id", "sent-id")
	if got := ClientRequestID(failed(500, "", nil, req)); got != "sent-id" {
		t.Errorf("ClientRequestID without an echo = %q, want the id sent", got)
	}
	if got := ClientRequestID(failed(500, "", http.Header{"X-Ms-Client-Request-Id": {"echo"}}, req)); got != "echo" {
		t.Errorf("ClientRequestID with an echo = %q", got)
	}
}

func TestSanitize(t *testing.T) {
	if got := sanitize("a b\nc\x00é"); got != "a?b?c??" {
		t.Errorf("sanitize = %q", got)
	}
	if got := sanitize(strings.Repeat("x", 500)); len(got) != 128 {
		t.Errorf("sanitize keeps %d bytes of a long id", len(got))
	}
}
