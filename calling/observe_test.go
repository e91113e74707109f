package calling_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/tracetest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// TestErrorNamesRequest: a failure the service answered names the request
// to support: its text ends with the x-ms-client-request-id the client sent
// (and the fake echoed), and ClientRequestID returns the id.
func TestErrorNamesRequest(t *testing.T) {
	sb := fake.New(nil)
	t.Cleanup(func() { _ = sb.Close() })
	api := sb.NewServer()
	t.Cleanup(api.Close)
	c, err := calling.NewClientFromConnectionString(sb.ConnectionString(api.URL), &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true},
	})
	require.NoError(t, err)
	_, err = c.GetCall(context.Background(), "no-such-call", nil)
	require.True(t, calling.IsNotFound(err), "%v", err)
	id := calling.ClientRequestID(err)
	require.True(t, uuid.IsV4(id), "ClientRequestID = %q", id)
	require.Contains(t, err.Error(), "x-ms-client-request-id: "+id+"\n")
	require.Empty(t, calling.ClientRequestID(errors.New("no response")))
}

// TestSpanPerOperation calls every operation of the Client, and of a
// CallConnection bound to it (every exported method that takes a context,
// found by reflection, so that a new one cannot be left out), against the
// switchboard's HTTP face with a recording TracingProvider: each is one
// span "Client.<Method>" (a CallConnection's operations are the client's;
// an iterator's span is that of each page it fetches), ended, its failure
// recorded, with azcore's span of each HTTP try below it; and every request
// carried an x-ms-client-request-id, a UUID v4.
func TestSpanPerOperation(t *testing.T) {
	sb := fake.New(&fake.Options{OnEvent: func(context.Context, fake.Delivery) {}})
	t.Cleanup(func() { _ = sb.Close() })
	alice := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", fake.Answers())
	api := sb.NewServer()
	t.Cleanup(api.Close)
	rec := tracetest.NewRecorder()
	c, err := calling.NewClientFromConnectionString(sb.ConnectionString(api.URL), &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, TracingProvider: rec.Provider()},
	})
	require.NoError(t, err)

	// Each operation runs on a call of its own, to the Teams user; the
	// arguments a type cannot tell apart (call id, callback URL, incoming
	// call context, invitation id) are all the call's id, so some
	// operations fail their argument checks or the service's: a span too.
	ctx := context.Background()
	var callID string
	conn := c.CallConnection("")
	opts := &tracetest.Options{
		Before: func(string) {
			r, err := sb.CreateCall(ctx, []identity.Identifier{alice}, "https://app.contoso.com/cb", nil)
			require.NoError(t, err)
			callID = r.CallConnectionID
			conn = c.CallConnection(callID)
		},
		Arg: func(typ reflect.Type) reflect.Value {
			switch typ {
			case reflect.TypeFor[string]():
				return reflect.ValueOf(callID)
			case reflect.TypeFor[identity.Identifier]():
				return reflect.ValueOf(identity.Identifier(alice))
			case reflect.TypeFor[[]identity.Identifier]():
				return reflect.ValueOf([]identity.Identifier{alice})
			}
			return reflect.Value{}
		},
	}
	spans := tracetest.CheckOperations(t, rec, c, opts)
	connSpans := tracetest.CheckOperations(t, rec, &conn, opts)

	get := spans["GetCall"]
	require.Len(t, get, 2)
	require.Equal(t, "github.com/teamsuser-sdk/teamsuser-go/calling", get[0].Tracer)
	require.Equal(t, tracing.SpanStatusUnset, get[0].Status)
	require.Equal(t, "Microsoft.Communication", get[0].Attribute("az.namespace"))
	require.Equal(t, "HTTP GET", get[1].Name)
	require.Equal(t, 200, get[1].Attribute("http.status_code"))

	ids := append(tracetest.ClientRequestIDs(spans), tracetest.ClientRequestIDs(connSpans)...)
	require.GreaterOrEqual(t, len(ids), 20, "most operations reached the service")
	for _, id := range ids {
		require.True(t, uuid.IsV4(id), "a request without a UUID x-ms-client-request-id: %q", id)
	}
}
