package acsclient

import (
	"errors"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/internal/httperr"
)

// HeaderClientRequestID is the request id the client sends with every
// request (azcore's request-id policy, once per call, so that every try of
// a call carries the same id) and the service echoes in its answer, as in
// the official SDKs' recordings (for example azure-sdk-for-net
// sdk/communication/Azure.Communication.Identity/tests/SessionRecords/
// CommunicationIdentityClientLiveTests/GetTokenForTeamsUserWithExpiredTokenShouldThrow.json
// and Azure.Communication.CallAutomation/tests/SessionRecords/
// CallAutomationClientLiveTests/CreateCallIdempotencyTest.json).
const HeaderClientRequestID = "x-ms-client-request-id"

// diagnosticHeaders are the response headers that name a request to
// Microsoft support, in the order a ResponseError shows them: the client's
// request id, the Azure-wide service request id, the identity service's
// correlation vector (MS-CV: "Troubleshooting in Azure Communication
// Services", learn.microsoft.com/azure/communication-services/concepts/troubleshooting-info)
// and Call Automation's call chain id (the recordings above).
var diagnosticHeaders = []string{HeaderClientRequestID, "x-ms-request-id", "MS-CV", "X-Microsoft-Skype-Chain-ID"}

// ResponseError is what Do returns for a failed answer: the
// *azcore.ResponseError of the response (errors.As finds it, as with every
// Azure SDK client), whose text is followed by the ids that name the
// request to support.
type ResponseError struct {
	err *azcore.ResponseError
}

// Error is the text of the *azcore.ResponseError (method, URL without its
// query, status, error code and body) and a line of request ids.
func (e *ResponseError) Error() string {
	msg := e.err.Error()
	var ids []string
	for _, h := range diagnosticHeaders {
		if v := httperr.Header(e.err.RawResponse, h); v != "" {
			ids = append(ids, h+": "+v)
		}
	}
	if len(ids) == 0 {
		return msg
	}
	return msg + strings.Join(ids, "; ") + "\n"
}

// Unwrap returns the *azcore.ResponseError.
func (e *ResponseError) Unwrap() error { return e.err }

// newResponseError returns the error of a failed answer.
func newResponseError(err error) error {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return err
	}
	return &ResponseError{err: re}
}
