package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
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
