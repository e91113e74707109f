package identity

import (
	"errors"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
)

// ArgumentError reports an argument that cannot work, found before anything
// was sent to the service.
type ArgumentError struct {
	// Arg names the argument (for example "scopes" or "expiresIn").
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *ArgumentError) Error() string { return "identity: invalid " + e.Arg + ": " + e.Problem }

func argErr(arg, problem string) error { return &ArgumentError{Arg: arg, Problem: problem} }

// ErrorCode returns the service's error code (for example "ValidationError"
// or "InvalidAccessToken") when err is or wraps an *azcore.ResponseError, and
// "" otherwise.
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
// the MS-CV that the error's text also shows, when asking Microsoft support
// about the request.
func ClientRequestID(err error) string { return acsclient.ClientRequestID(err) }

func statusOf(err error) int {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is the service's 404, for example a user
// that does not exist or was deleted.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports whether err is the service's 401: the client's
// credential, or the Entra token passed to an exchange, was refused.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is the service's 403.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// IsThrottled reports whether err is the service's 429 (after the client's
// own retries gave up).
func IsThrottled(err error) bool { return statusOf(err) == http.StatusTooManyRequests }
