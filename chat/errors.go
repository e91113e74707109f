package chat

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httperr"
	"github.com/teamsuser-sdk/teamsuser-go/internal/retryafter"
)

// ArgumentError reports an argument that cannot work, found before
// anything was sent to the service. Its text, "chat: invalid <Arg>:
// <Problem>", names the argument and the problem, never the argument's
// value, which may be a secret. Every package of the module reports bad
// arguments with an ArgumentError of this shape.
type ArgumentError struct {
	// Arg names the argument: a parameter, or an option as opts.<Field>
	// (for example "chatID" or "opts.Top").
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
	// Err, when not nil, is a sentinel the problem is an instance of;
	// errors.Is finds it.
	Err error
}

// Error implements error.
func (e *ArgumentError) Error() string { return "chat: invalid " + e.Arg + ": " + e.Problem }

// Unwrap returns Err.
func (e *ArgumentError) Unwrap() error { return e.Err }

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
// that errors.As(err, &respErr) works as with every Azure SDK client and
// the helpers (StatusCode, IsNotFound, …) read it. An Error built by hand
// (chat/fake's Go face builds its errors so, and a test may) unwraps to the
// ResponseError of the answer its fields describe: the status, the code,
// Graph's error body, and the request-id, client-request-id and
// Retry-After headers.
func (e *Error) Unwrap() error {
	if e.resp != nil {
		return e.resp
	}
	h := http.Header{}
	if e.RequestID != "" {
		h.Set("request-id", e.RequestID)
	}
	if e.ClientRequestID != "" {
		h.Set("client-request-id", e.ClientRequestID)
	}
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10))
	}
	body, err := json.Marshal(graphwire.NewErrorBody(e.Code, e.Message, e.RequestID, e.ClientRequestID, e.Date))
	if err != nil {
		body = nil
	}
	return &azcore.ResponseError{StatusCode: e.StatusCode, ErrorCode: e.Code, RawResponse: syntheticResponse(e.StatusCode, h, body)}
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

// The helpers below read the *azcore.ResponseError that every failed answer of
// a chat Client (an *Error, which unwraps to it; chat/fake's Go face returns
// the same) is or wraps; they are those of identity, chat and calling alike,
// and classify an error of any of the three.

// ErrorCode returns the service's error code (Graph's, for example "NotFound",
// "Forbidden" or "TooManyRequests") when err is or wraps the failed answer of a
// request, and "" otherwise.
func ErrorCode(err error) string { return httperr.ErrorCode(err) }

// StatusCode returns the HTTP status of the service's answer when err is or
// wraps a failed answer, and 0 otherwise (a transport failure, an
// *ArgumentError).
func StatusCode(err error) int { return httperr.StatusCode(err) }

// RetryAfter returns how long from now the service asked the caller to wait
// (its Retry-After, sent with 429 and some 503 answers) when err is or wraps
// a failed answer that carries one, and 0 otherwise.
func RetryAfter(err error) time.Duration { return httperr.RetryAfter(err) }

// ClientRequestID returns the client request id of the request whose failed
// answer err is or wraps, and "" otherwise. The client sends a new id with
// every operation (the same on each of its retries) and the service echoes
// it: quote it when asking Microsoft support about the request.
func ClientRequestID(err error) string { return httperr.ClientRequestID(err) }

// IsBadRequest reports whether err is the service's 400.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// IsUnauthorized reports whether err is the service's 401: the access token was
// missing, expired or refused.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is the service's 403: the signed-in user may
// not do this (for example, edit another user's message, or read a chat they
// are not a member of).
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsNotFound reports whether err is the service's 404: the chat, message or
// meeting does not exist, or the signed-in user cannot see it.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports whether err is the service's 409.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsThrottled reports whether err is the service's 429 (after the client's
// own retries gave up); RetryAfter tells how long the service asked to
// wait.
func IsThrottled(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// retryAfterOf is the wait Graph asked for, as the client read it when the
// answer came, on its own clock (RetryAfter reads the answer again now).
func retryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
