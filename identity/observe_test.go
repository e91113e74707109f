package identity_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/tracetest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// TestErrorNamesRequest: a failure the service answered names the request
// to support: its text ends with the x-ms-client-request-id the client sent
// (and the fake echoed) and the MS-CV, and ClientRequestID returns the id.
func TestErrorNamesRequest(t *testing.T) {
	w := newWorld(t)
	c := w.serve(t, nil)
	_, err := c.GetUser(context.Background(), identity.CommunicationUserIdentifier{ID: "8:acs:nobody"}, nil)
	require.True(t, identity.IsNotFound(err), "%v", err)
	id := identity.ClientRequestID(err)
	require.True(t, uuid.IsV4(id), "ClientRequestID = %q", id)
	require.Contains(t, err.Error(), "x-ms-client-request-id: "+id+"; MS-CV: ")
	require.Empty(t, identity.ClientRequestID(errors.New("no response")))
	require.Empty(t, identity.ClientRequestID(nil))
}

// TestSpanPerOperation calls every operation of the Client (every exported
// method that takes a context, found by reflection, so that a new one
// cannot be left out) against the fake's HTTP face with a recording
// TracingProvider: each is one span "Client.<Method>", ended, its failure
// recorded, with azcore's span of each HTTP try below it; and every request
// carried an x-ms-client-request-id, a UUID v4.
func TestSpanPerOperation(t *testing.T) {
	w := newWorld(t)
	rec := tracetest.NewRecorder()
	c := w.serve(t, &identity.ClientOptions{ClientOptions: azcore.ClientOptions{TracingProvider: rec.Provider()}})

	// Arguments that the service accepts, so that most operations send a
	// request; the others fail their argument checks, which is a span too.
	ctx := context.Background()
	arg := func(typ reflect.Type) reflect.Value {
		switch typ {
		case reflect.TypeFor[identity.CommunicationUserIdentifier]():
			u, err := w.acs.CreateUser(ctx, nil)
			require.NoError(t, err)
			return reflect.ValueOf(u.User)
		case reflect.TypeFor[[]identity.Scope]():
			return reflect.ValueOf([]identity.Scope{identity.ScopeChat})
		case reflect.TypeFor[identity.TeamsUserTokenRequest]():
			return reflect.ValueOf(identity.TeamsUserTokenRequest{Token: w.token(t, identitytest.Valid), AppID: w.appID, UserID: w.user.ObjectID})
		case reflect.TypeFor[identity.TeamsExtensionAssignment]():
			return reflect.ValueOf(identity.TeamsExtensionAssignment{TenantID: w.user.TenantID, ObjectID: w.user.ObjectID,
				PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{w.appID}})
		case reflect.TypeFor[string](): // the tenant and object ids of an assignment
			return reflect.ValueOf(w.user.TenantID)
		}
		return reflect.Value{}
	}
	spans := tracetest.CheckOperations(t, rec, c, &tracetest.Options{Arg: arg})

	// The Teams-user exchange succeeded, its HTTP try below it.
	ex := spans["ExchangeTeamsUserToken"]
	require.Len(t, ex, 2)
	require.Equal(t, "github.com/teamsuser-sdk/teamsuser-go/identity", ex[0].Tracer)
	require.Equal(t, tracing.SpanStatusUnset, ex[0].Status)
	require.Equal(t, "Microsoft.Communication", ex[0].Attribute("az.namespace"))
	require.Equal(t, "HTTP POST", ex[1].Name)
	require.Equal(t, 200, ex[1].Attribute("http.status_code"))

	ids := tracetest.ClientRequestIDs(spans)
	require.GreaterOrEqual(t, len(ids), 8, "most operations reached the service")
	for _, id := range ids {
		require.True(t, uuid.IsV4(id), "a request without a UUID x-ms-client-request-id: %q", id)
	}
}
