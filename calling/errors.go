package calling

import (
	"errors"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
)

// ArgumentError reports an argument of a Call Automation operation that
// cannot work, found before anything was sent to the service. Its text
// names the argument and the problem, never the argument's value, which may
// be a secret (an incoming call context, a callback URL with a token).
type ArgumentError struct {
	// Arg names the argument, for example "callbackURL", "targets[0]" or
	// "opts.SourceCallerID".
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
	// Err, when not nil, is a sentinel the problem is an instance of, such
	// as ErrMissingCallerID; errors.Is finds it.
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

func missingCallerID(arg string) error {
	return &ArgumentError{Arg: arg, Problem: ErrMissingCallerID.Error(), Err: ErrMissingCallerID}
}

// ErrorCode returns the service's error code when err is or wraps an
// *azcore.ResponseError, and "" otherwise.
func ErrorCode(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// ClientRequestID returns the x-ms-client-request-id of the request whose
// failed answer err is or wraps (an *azcore.ResponseError of the client),
// and "" otherwise. The client sends a new id with every operation (the
// same on each of its retries) and the service echoes it: quote it, with
// the X-Microsoft-Skype-Chain-ID that the error's text also shows, when
// asking Microsoft support about the request.
func ClientRequestID(err error) string { return acsclient.ClientRequestID(err) }

// StatusCode returns the HTTP status of the service's response when err is
// or wraps an *azcore.ResponseError, and 0 otherwise.
func StatusCode(err error) int {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is the service's 404: a call connection or
// participant that does not exist (or no longer does, after the call ended).
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsUnauthorized reports whether err is the service's 401: the client's
// credential was refused.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is the service's 403, for example an
// action the resource may not take on a Teams user.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsThrottled reports whether err is the service's 429 (after the client's
// own retries gave up).
func IsThrottled(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsConflict reports whether err is the service's 409, for example an
// action on a call in a state that does not allow it.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

var (
	errNextLinkLoop = errors.New("calling: the service returned the same next link twice")
	errTooManyPages = errors.New("calling: too many participant pages; stopped following next links")
)
