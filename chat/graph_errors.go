package chat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// graphError is the one place where what the Graph stack returns becomes
// what callers of this package see:
//
//   - for a Client made by NewClient, the raw last failed response of the
//     call (status, headers, body), read by ErrorFromResponse with the same
//     codec as the fake: this covers bodies the SDK could not read at all;
//   - *odataerrors.ODataError (a failed response whose body the SDK could
//     read) becomes an *Error with the status, Graph's code and message, the
//     request ids, innerError's date and the Retry-After delay. Its own
//     Error method is never called: it dereferences error.message and panics
//     on a body without one.
//   - *abstractions.ApiError (a failed response without a readable body, or
//     from the SDK's page iterator) becomes an *Error with the status, the
//     headers' request ids and Retry-After, and the status text as message.
//   - a transport error (connection refused, TLS, a credential that could
//     not get a token, ctx cancelled) is returned wrapped, without the URL
//     net/http adds (it carries query values such as a meeting's join link),
//     so errors.Is(err, context.Canceled) and errors.As still work.
//
// op names the operation, for example "send message"; now reads HTTP-date
// Retry-After values.
func graphError(op string, err error, fr *failedResponse, now time.Time) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return already
	}
	var ae *ArgumentError
	if errors.As(err, &ae) {
		return ae
	}
	if status, header, body := fr.get(); status >= 400 && !isTransport(err) {
		// The call's last response failed: read it as it came, with the
		// same codec as the fake (the SDK may have failed to read it).
		return ErrorFromResponse(status, header, body, now)
	}
	var od *odataerrors.ODataError
	if errors.As(err, &od) {
		return errorFromOData(od, now)
	}
	var api *abs.ApiError
	if errors.As(err, &api) {
		return ErrorFromResponse(api.ResponseStatusCode, toHTTPHeader(api.ResponseHeaders), nil, now)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("chat: %s: %w", op, err)
}

// isTransport reports an error of the connection or of ctx rather than of
// a response.
func isTransport(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// errorFromOData reads an ODataError through its getters only.
func errorFromOData(od *odataerrors.ODataError, now time.Time) *Error {
	e := ErrorFromResponse(od.GetStatusCode(), toHTTPHeader(od.GetResponseHeaders()), nil, now)
	main := od.GetErrorEscaped()
	if main == nil {
		return e
	}
	if c := main.GetCode(); c != nil && *c != "" {
		e.Code = *c
	}
	if m := main.GetMessage(); m != nil && *m != "" {
		e.Message = *m
	}
	if inner := main.GetInnerError(); inner != nil {
		if id := inner.GetRequestId(); id != nil && *id != "" {
			e.RequestID = *id
		}
		if id := inner.GetClientRequestId(); id != nil && *id != "" {
			e.ClientRequestID = *id
		}
		if d := inner.GetDate(); d != nil && !d.IsZero() {
			e.Date = graphDate(*d)
		}
	}
	return e
}

// graphDate undoes kiota's reading of Graph's zone-less innerError.date
// ("2024-05-01T10:00:00", which is UTC) as local time.
func graphDate(t time.Time) time.Time {
	_, off := t.Zone()
	_, localOff := time.Now().Zone()
	if off != 0 && off == localOff {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	return t.UTC()
}

func toHTTPHeader(h *abs.ResponseHeaders) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header)
	for _, k := range h.ListKeys() {
		for _, v := range h.Get(k) {
			out.Add(k, v)
		}
	}
	return out
}

// notFound is the *Error of a look-up that found nothing in a list the
// service returned (a meeting by join link, a meeting chat): the same error
// the service gives for a missing item, so IsNotFound reports it.
func notFound(what string) *Error {
	return &Error{StatusCode: http.StatusNotFound, Code: "NotFound", Message: strings.TrimSpace(what)}
}
