package chat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// graphError is what a request that got no answer returns: a transport
// error (connection refused, TLS, a credential that could not get a token,
// ctx cancelled, an answer that could not be read) wrapped with op, the
// operation ("send message"), without the URL net/http adds (it carries
// query values such as a meeting's join link), so that errors.Is(err,
// context.Canceled) and errors.As still work. Failed answers are
// responseError's.
func graphError(op string, err error) error {
	var ae *ArgumentError
	if errors.As(err, &ae) {
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("chat: %s: %w", op, err)
}

// responseError reads a failed answer (status ≥ 400) whole and returns its
// *Error, which unwraps to the *azcore.ResponseError of the response.
func (c *Client) responseError(resp *http.Response) *Error {
	body, err := runtime.Payload(resp)
	if err != nil {
		body = nil
	}
	e := errorFromResponse(resp.StatusCode, resp.Header, body, c.clock.Now())
	if e.ClientRequestID == "" && resp.Request != nil {
		// Graph echoes the id; if this answer did not, it is the one the
		// request carried (clientRequestIDPolicy).
		e.ClientRequestID = resp.Request.Header.Get("client-request-id")
	}
	e.resp = newResponseError(resp)
	return e
}

// newResponseError is azcore's error of a failed response. Its Error()
// shows the method, the URL without its query, the status and the body.
func newResponseError(resp *http.Response) *azcore.ResponseError {
	var re *azcore.ResponseError
	if errors.As(runtime.NewResponseError(resp), &re) {
		return re
	}
	return &azcore.ResponseError{StatusCode: resp.StatusCode, RawResponse: resp}
}

// syntheticResponse stands for a failed answer known only by its status,
// headers and body (ErrorFromResponse).
func syntheticResponse(statusCode int, header http.Header, body []byte) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{
		StatusCode:    statusCode,
		Status:        strconv.Itoa(statusCode) + " " + http.StatusText(statusCode),
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// notFound is the *Error of a look-up that found nothing in a list the
// service returned (a meeting by join link, a meeting chat): the same error
// the service gives for a missing item, so IsNotFound reports it.
func notFound(what string) *Error {
	return &Error{StatusCode: http.StatusNotFound, Code: "NotFound", Message: strings.TrimSpace(what)}
}
