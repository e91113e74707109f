package calling

import (
	"errors"
	"net/http"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/httperr"
)

// ArgumentError reports an argument of a Call Automation operation that cannot
// work, found before anything was sent to the service. Its text, "calling:
// invalid <Arg>: <Problem>", names the argument and the problem, never the
// argument's value, which may be a secret. Every package of the module reports
// bad arguments with an ArgumentError of this shape.
type ArgumentError struct {
	// Arg names the argument: a parameter, or an option as opts.<Field>
	// (for example "callbackURL", "targets[0]" or "opts.SourceCallerID").
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
	// Err, when not nil, is a sentinel the problem is an instance of;
	// errors.Is finds it.
	Err error
}

// Error implements error.
func (e *ArgumentError) Error() string { return "calling: invalid " + e.Arg + ": " + e.Problem }

// Unwrap returns Err.
func (e *ArgumentError) Unwrap() error { return e.Err }

func argErr(arg, problem string) error { return &ArgumentError{Arg: arg, Problem: problem} }

// ErrMissingCallerID is wrapped by the *ArgumentError returned when a call
// or an invitation to a phone number has no source caller id: the service
// needs a number of the resource to show to the callee.
var ErrMissingCallerID = errors.New("a phone number target needs a source caller id: set SourceCallerID to a number of the ACS resource")

// ErrTwoSources is wrapped by the *ArgumentError of a CreateCall whose
// options name two callers: an ACS user (Source) and a Teams resource
// account (TeamsAppSource).
var ErrTwoSources = errors.New("a call comes from one source: set Source or TeamsAppSource, not both")

func missingCallerID(arg string) error {
	return &ArgumentError{Arg: arg, Problem: ErrMissingCallerID.Error(), Err: ErrMissingCallerID}
}

// The helpers below read the *azcore.ResponseError that every failed answer of
// a calling Client (and of calling/fake's Go face) is or wraps; they are those
// of identity, chat and calling alike, and classify an error of any of the
// three.

// ErrorCode returns the service's error code when err is or wraps
// the failed answer of a request, and "" otherwise.
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

// IsBadRequest reports whether err is the service's 400, for example a request
// the service's validation refused.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// IsUnauthorized reports whether err is the service's 401: the client's
// credential was refused.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is the service's 403, for example an action
// the resource may not take on a Teams user.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsNotFound reports whether err is the service's 404: a call connection or
// participant that does not exist (or no longer does, after the call ended).
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports whether err is the service's 409, for example an action on
// a call in a state that does not allow it.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsThrottled reports whether err is the service's 429 (after the client's
// own retries gave up); RetryAfter tells how long the service asked to
// wait.
func IsThrottled(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

var errTooManyPages = errors.New("calling: too many participant pages; stopped following next links")
