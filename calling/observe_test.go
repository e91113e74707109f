package calling_test

import (
	"context"
	"errors"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
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
