package fake_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// The Go face's 429 and 503 carry Retry-After in the *azcore.ResponseError's
// RawResponse, as the real client's do, with the HTTP face's value: whole
// seconds, rounded up.
func TestFaultRetryAfterOnBothFaces(t *testing.T) {
	svc := fake.New(nil)
	srv := svc.NewServer()
	defer srv.Close()
	client, err := identity.NewClientFromConnectionString(svc.ConnectionString(srv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true},
	})
	require.NoError(t, err)
	ctx := context.Background()
	for name, face := range map[string]identity.Service{"go": svc, "http": client} {
		for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
			// Above azcore's MaxRetryDelay, so the client gives up at once.
			svc.InjectFault(fake.Fault{Op: "create", Status: status, RetryAfter: 61500 * time.Millisecond})
			_, err := face.CreateUser(ctx, nil)
			var re *azcore.ResponseError
			require.True(t, errors.As(err, &re), "%s face, %d: %v", name, status, err)
			require.NotNil(t, re.RawResponse, "%s face", name)
			assert.Equal(t, status, re.StatusCode)
			assert.Equal(t, "62", re.RawResponse.Header.Get("Retry-After"), "%s face, %d", name, status)
		}
	}
}
