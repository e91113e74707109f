// Package httperr reads the failures of the module's clients. Every failed
// answer, from any client of the module or the Go face of any of its fakes,
// is or wraps an *azcore.ResponseError, as with every Azure SDK client; the
// helpers that identity, chat and calling export (StatusCode, IsNotFound,
// RetryAfter, …) are these, so that they are written once and classify an
// error of any of the three packages alike.
package httperr

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/retryafter"
)

// ClientRequestIDHeaders are the headers that carry the client's request
// id: ACS's (x-ms-client-request-id) and Microsoft Graph's
// (client-request-id).
var ClientRequestIDHeaders = []string{"x-ms-client-request-id", "client-request-id"}

// responseError returns the *azcore.ResponseError in err's chain, or nil.
func responseError(err error) *azcore.ResponseError {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re
	}
	return nil
}

// StatusCode returns the HTTP status of the failed answer err is or wraps,
// and 0 when err holds no answer (a transport failure, an argument error).
func StatusCode(err error) int {
	if re := responseError(err); re != nil {
		return re.StatusCode
	}
	return 0
}

// ErrorCode returns the service's error code of the failed answer err is or
// wraps, and "" otherwise.
func ErrorCode(err error) string {
	if re := responseError(err); re != nil {
		return re.ErrorCode
	}
	return ""
}

// RetryAfter returns how long from now the failed answer err is or wraps
// asked the caller to wait (its Retry-After header, in seconds or as an
// HTTP date), and 0 when it did not ask.
func RetryAfter(err error) time.Duration {
	re := responseError(err)
	if re == nil || re.RawResponse == nil {
		return 0
	}
	return retryafter.Parse(re.RawResponse.Header.Get("Retry-After"), time.Now())
}

// ClientRequestID returns the client request id of the request whose failed
// answer err is or wraps: the service's echo of it, else the one the request
// carried; "" when err has no answer or the request had no id.
func ClientRequestID(err error) string {
	re := responseError(err)
	if re == nil {
		return ""
	}
	for _, h := range ClientRequestIDHeaders {
		if v := Header(re.RawResponse, h); v != "" {
			return v
		}
	}
	return ""
}

// Header returns the value of a header of resp, or when resp does not carry
// it, of its request (so a client request id the service did not echo is
// still found), bounded and kept on one line of printable ASCII since it
// came from the network; "" when resp is nil or neither has it.
func Header(resp *http.Response, name string) string {
	if resp == nil {
		return ""
	}
	v := strings.TrimSpace(resp.Header.Get(name))
	if v == "" && resp.Request != nil {
		v = strings.TrimSpace(resp.Request.Header.Get(name))
	}
	return sanitize(v)
}

// sanitize bounds an id that came from the network and keeps it on one
// line of printable ASCII.
func sanitize(v string) string {
	const maxID = 128
	if len(v) > maxID {
		v = v[:maxID]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return '?'
		}
		return r
	}, v)
}
