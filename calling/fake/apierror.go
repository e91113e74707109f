package fake

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// apiError is a failure of an operation as the service reports it: an
// HTTP status and an error body. The HTTP face writes it; the Go face turns
// it into the *azcore.ResponseError the real client would return.
type apiError struct {
	status     int
	code       string
	msg        string
	retryAfter time.Duration
}

func (e *apiError) body() callwire.ErrorResponse {
	return callwire.ErrorResponse{Error: callwire.ErrorDetail{Code: e.code, Message: e.msg}}
}

// responseError converts e for the Go face.
func (e *apiError) responseError(ctx context.Context, method, path string) error {
	err := callwire.ResponseError(ctx, method, "https://switchboard.invalid"+path, e.status, e.code, e.msg)
	var re *azcore.ResponseError
	if e.retryAfter > 0 && errors.As(err, &re) && re.RawResponse != nil {
		re.RawResponse.Header.Set("Retry-After", retryAfterSeconds(e.retryAfter))
	}
	return err
}

func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}

// Errors the operations return.

func badRequest(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "BadRequest", msg: msg}
}

func callNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, code: "8522", msg: "Call not found."}
}

func participantNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, code: "ParticipantNotFound", msg: "The participant is not in the call."}
}

func conflict(code, msg string) *apiError {
	return &apiError{status: http.StatusConflict, code: code, msg: msg}
}

func codeFor(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusGatewayTimeout:
		return "GatewayTimeout"
	}
	if status >= 500 {
		return "InternalServerError"
	}
	return "BadRequest"
}
