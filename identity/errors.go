package identity

import (
	"errors"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
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
