package chat

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/retryafter"
)

// ArgumentError reports an argument that cannot work, found before anything
// was sent to the service.
type ArgumentError struct {
	// Arg names the argument (for example "chatID" or "opts.Top").
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *ArgumentError) Error() string { return "chat: invalid " + e.Arg + ": " + e.Problem }

// Error is a failure reported by Microsoft Graph (or by the fake in
// chat/fake, which reports the same errors). Every operation of Service
// returns it, normalised in one place, whatever layer saw the failure.
type Error struct {
	// StatusCode is the HTTP status, for example 404.
	StatusCode int
	// Code is Graph's error code, for example "NotFound", "Forbidden",
	// "BadRequest" or "TooManyRequests".
	Code string
	// Message is Graph's error message.
	Message string
	// RequestID is Graph's request id (innerError.request-id), to quote to
	// Microsoft support.
	RequestID string
	// ClientRequestID is the client-request-id of the request, if any.
	ClientRequestID string
	// Date is when Graph answered (innerError.date); zero if unknown.
	Date time.Time
	// RetryAfter is the delay Graph asked for with Retry-After (429, 503);
	// zero if none.
	RetryAfter time.Duration

	// resp is the failed response as azcore reports it; nil for an Error
	// built by hand.
	resp *azcore.ResponseError
}

// Unwrap returns the *azcore.ResponseError of the failed response, so
// that errors.As(err, &respErr) works as with every Azure SDK client; nil
// for an Error that no response made.
func (e *Error) Unwrap() error {
	if e.resp == nil {
		return nil
	}
	return e.resp
}

// maxMessageInError bounds the service's message in Error().
const maxMessageInError = 512

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("chat: graph returned ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if msg := e.Message; msg != "" {
		if len(msg) > maxMessageInError {
			cut := maxMessageInError
			for cut > 0 && !utf8.RuneStart(msg[cut]) {
				cut--
			}
			msg = msg[:cut] + "…"
		}
		b.WriteString(": ")
		b.WriteString(msg)
	}
	// The ids that name the request to Microsoft support: Graph's and the
	// client's (https://learn.microsoft.com/graph/errors: "request-id",
	// "client-request-id" of innerError and the response headers).
	switch {
	case e.RequestID != "" && e.ClientRequestID != "":
		b.WriteString(" (request-id " + e.RequestID + ", client-request-id " + e.ClientRequestID + ")")
	case e.RequestID != "":
		b.WriteString(" (request-id " + e.RequestID + ")")
	case e.ClientRequestID != "":
		b.WriteString(" (client-request-id " + e.ClientRequestID + ")")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	return b.String()
}

// ErrorFromResponse builds the *Error of a failed Graph response from its
// status, headers and body. It accepts any body: one that is not Graph's
// error JSON gives an Error with the status and the status text as message.
// now is used for an HTTP-date Retry-After; the zero time means time.Now.
// The Error unwraps to an *azcore.ResponseError of that status, headers
// and body.
func ErrorFromResponse(statusCode int, header http.Header, body []byte, now time.Time) *Error {
	e := errorFromResponse(statusCode, header, body, now)
	e.resp = newResponseError(syntheticResponse(statusCode, header, body))
	return e
}

func errorFromResponse(statusCode int, header http.Header, body []byte, now time.Time) *Error {
	if now.IsZero() {
		now = time.Now()
	}
	e := &Error{StatusCode: statusCode}
	if wb, ok := graphwire.ParseErrorBody(body); ok {
		e.Code = wb.Error.Code
		e.Message = wb.Error.Message
		if ie := wb.Error.InnerError; ie != nil {
			e.RequestID = ie.RequestID
			e.ClientRequestID = ie.ClientRequestID
			if t, err := time.Parse(graphwire.DateLayout, ie.Date); err == nil {
				e.Date = t.UTC()
			} else if t, err := time.Parse(time.RFC3339Nano, ie.Date); err == nil {
				e.Date = t.UTC()
			}
		}
	}
	if e.Message == "" {
		e.Message = strings.ToLower(http.StatusText(statusCode))
	}
	if header != nil {
		if e.RequestID == "" {
			e.RequestID = header.Get("request-id")
		}
		if e.ClientRequestID == "" {
			e.ClientRequestID = header.Get("client-request-id")
		}
		e.RetryAfter = retryafter.Parse(header.Get("Retry-After"), now)
	}
	return e
}

// ErrorCode returns Graph's error code when err is or wraps an *Error, and ""
// otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// StatusCode returns the HTTP status when err is or wraps an *Error, and 0
// otherwise.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// RetryAfter returns the delay the service asked for when err is or wraps an
// *Error with a Retry-After, and 0 otherwise.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// IsNotFound reports whether err is Graph's 404: the chat, message or meeting
// does not exist, or the signed-in user cannot see it.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsForbidden reports whether err is Graph's 403: the signed-in user may not
// do this (for example, edit another user's message, or read a chat they are
// not a member of).
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsUnauthorized reports whether err is Graph's 401: the access token was
// missing, expired or refused.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsBadRequest reports whether err is Graph's 400.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// IsThrottled reports whether err is Graph's 429 (after the client's own
// retries gave up); RetryAfter tells how long Graph asked to wait.
func IsThrottled(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }
