package graphwire

import (
	"encoding/json"
	"net/http"
	"time"
)

// ErrorBody is Microsoft Graph's error response body:
//
//	{"error":{"code":"NotFound","message":"…","innerError":{"request-id":"…","date":"…","client-request-id":"…"}}}
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the "error" member of an ErrorBody.
type ErrorDetail struct {
	Code       string      `json:"code"`
	Message    string      `json:"message"`
	InnerError *InnerError `json:"innerError,omitempty"`
}

// InnerError carries the request's diagnostics.
type InnerError struct {
	Code            string `json:"code,omitempty"`
	Date            string `json:"date,omitempty"`
	RequestID       string `json:"request-id,omitempty"`
	ClientRequestID string `json:"client-request-id,omitempty"`
}

// Graph's error codes for the statuses the fake returns and the client
// branches on.
const (
	CodeBadRequest      = "BadRequest"
	CodeUnauthorized    = "InvalidAuthenticationToken"
	CodeForbidden       = "Forbidden"
	CodeNotFound        = "NotFound"
	CodeConflict        = "Conflict"
	CodeTooManyRequests = "TooManyRequests"
	CodeInternal        = "InternalServerError"
	CodeUnavailable     = "ServiceUnavailable"
	CodeGatewayTimeout  = "GatewayTimeout"
	CodeMethodNotAllow  = "MethodNotAllowed"
)

// DateLayout is the layout of innerError.date (ISO 8601 without fraction).
const DateLayout = "2006-01-02T15:04:05"

// NewErrorBody builds an error body.
func NewErrorBody(code, message, requestID, clientRequestID string, date time.Time) ErrorBody {
	b := ErrorBody{Error: ErrorDetail{Code: code, Message: message}}
	if requestID != "" || clientRequestID != "" || !date.IsZero() {
		ie := &InnerError{RequestID: requestID, ClientRequestID: clientRequestID}
		if !date.IsZero() {
			ie.Date = date.UTC().Format(DateLayout)
		}
		b.Error.InnerError = ie
	}
	return b
}

// ParseErrorBody decodes an error body leniently: a body that is not Graph's
// error JSON gives ok == false and a zero ErrorBody. It never panics.
func ParseErrorBody(body []byte) (ErrorBody, bool) {
	var b ErrorBody
	if len(body) == 0 || json.Unmarshal(body, &b) != nil {
		return ErrorBody{}, false
	}
	return b, b.Error.Code != "" || b.Error.Message != ""
}

// StatusCode maps the codes the fake uses to their HTTP status.
func StatusCode(code string) int {
	switch code {
	case CodeBadRequest:
		return http.StatusBadRequest
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeForbidden:
		return http.StatusForbidden
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeTooManyRequests:
		return http.StatusTooManyRequests
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	case CodeGatewayTimeout:
		return http.StatusGatewayTimeout
	case CodeMethodNotAllow:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}
