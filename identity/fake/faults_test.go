package fake_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
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

// Both faces apply the one fault model and log to the one request log: a
// fault that lets the request take effect and then fails it, one that
// drops the connection, one that holds the request until its context ends;
// each request logged with its face, operation, method, unescaped path,
// status, fault and time (the service's clock).
func TestFaultsAndRequestLogOnBothFaces(t *testing.T) {
	clk := fake.NewClock(time.Now().Truncate(time.Second))
	svc := fake.New(&fake.Options{Clock: clk})
	srv := svc.NewServer()
	defer srv.Close()
	client, err := identity.NewClientFromConnectionString(svc.ConnectionString(srv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	require.NoError(t, err)
	ctx := context.Background()
	faces := []struct {
		name string
		svc  identity.Service
	}{{"go", svc}, {"http", client}}
	for _, face := range faces {
		svc.ResetRequests()
		svc.ClearFaults()

		// AfterProcessing: the user exists, the caller gets the 500.
		svc.InjectFault(fake.Fault{Op: fake.OpCreateUser, Status: http.StatusInternalServerError, AfterProcessing: true})
		before := len(svc.Users())
		_, err := face.svc.CreateUser(ctx, nil)
		assert.Equal(t, http.StatusInternalServerError, statusOf(err), "%s: %v", face.name, err)
		assert.Len(t, svc.Users(), before+1, "%s: the request took effect before the fault answered", face.name)

		// Drop: no answer at all, which is not the service's error.
		svc.InjectFault(fake.Fault{Op: fake.OpCreateUser, Drop: true})
		_, err = face.svc.CreateUser(ctx, nil)
		var re *azcore.ResponseError
		require.Error(t, err, face.name)
		assert.False(t, errors.As(err, &re), "%s: a dropped connection is not a service error: %v", face.name, err)
		assert.Len(t, svc.Users(), before+1, "%s: a dropped request did not take effect", face.name)

		// Hang: held until the caller gives up.
		svc.InjectFault(fake.Fault{Op: fake.OpCreateUser, Hang: true})
		hctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err = face.svc.CreateUser(hctx, nil)
		cancel()
		assert.ErrorIs(t, err, context.DeadlineExceeded, face.name)

		// A request no fault applies to.
		u, err := face.svc.CreateUser(ctx, nil)
		require.NoError(t, err, face.name)
		_, err = face.svc.GetUser(ctx, u.User, nil)
		require.NoError(t, err, face.name)

		assert.Equal(t, 3, svc.FaultsApplied(), face.name)
		total, injected := svc.CountRequests(fake.OpCreateUser)
		assert.Equal(t, []int{4, 3}, []int{total, injected}, face.name)
		total, _ = svc.CountRequests("")
		assert.Equal(t, 5, total, face.name)

		reqs := svc.Requests()
		require.Len(t, reqs, 5, face.name)
		wantStatus := []int{500, 0, 0, 201, 200}
		for i, r := range reqs {
			assert.Equal(t, face.name, r.Face)
			assert.Equal(t, wantStatus[i], r.Status, "%s request %d", face.name, i)
			assert.Equal(t, i < 3, r.Injected, "%s request %d", face.name, i)
			assert.Equal(t, clk.Now(), r.At, face.name)
		}
		get := reqs[4]
		assert.Equal(t, fake.OpGetUser, get.Op)
		assert.Equal(t, http.MethodGet, get.Method)
		assert.Equal(t, "/identities/"+u.User.ID, get.Path, "%s: the path is logged unescaped", face.name)
		assert.Equal(t, http.MethodPost, reqs[0].Method)
		assert.Equal(t, "/identities", reqs[0].Path)
	}
}

// Skip and Ratio apply on identity/fake as on the other fakes: the first
// Skip matching requests pass, then exactly that share fails.
func TestFaultSkipAndRatio(t *testing.T) {
	svc := fake.New(nil)
	ctx := context.Background()
	svc.InjectFault(fake.Fault{Op: fake.OpCreateUser, Status: http.StatusServiceUnavailable, Skip: 2, Ratio: 0.5})
	var got []int
	for range 8 {
		_, err := svc.CreateUser(ctx, nil)
		got = append(got, statusOf(err))
	}
	assert.Equal(t, []int{0, 0, 0, 503, 0, 503, 0, 503}, got)
}

// After Close, both faces refuse requests with 503, and log them;
// inspection still works.
func TestClose(t *testing.T) {
	svc := fake.New(nil)
	srv := svc.NewServer()
	defer srv.Close()
	client, err := identity.NewClientFromConnectionString(svc.ConnectionString(srv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = svc.CreateUser(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, svc.Close())
	require.NoError(t, svc.Close(), "Close is idempotent")
	svc.ResetRequests()
	_, err = svc.CreateUser(ctx, nil)
	assert.Equal(t, http.StatusServiceUnavailable, statusOf(err), "the Go face answers as the HTTP face: %v", err)
	_, err = client.CreateUser(ctx, nil)
	assert.Equal(t, http.StatusServiceUnavailable, statusOf(err), "%v", err)
	assert.Len(t, svc.Users(), 1)
	reqs := svc.Requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.Face)
	}
}

// statusOf is the status of the service's error err, 0 for none.
func statusOf(err error) int {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// The Go face refuses arguments with the client's own checks: a blank user
// id is the client's *identity.ArgumentError (the fake's copy of the check
// accepted it and answered 404), and nothing reaches the request log.
func TestGoFaceChecksArgumentsAsTheClient(t *testing.T) {
	svc := fake.New(nil)
	client, err := identity.NewClientFromConnectionString(svc.ConnectionString("https://127.0.0.1:1"), nil)
	require.NoError(t, err)
	blank := identity.CommunicationUserIdentifier{ID: "  "}
	for name, face := range map[string]identity.Service{"fake": svc, "client": client} {
		_, err := face.GetUser(context.Background(), blank, nil)
		var ae *identity.ArgumentError
		require.True(t, errors.As(err, &ae), "%s: %v", name, err)
		assert.Equal(t, "user", ae.Arg, name)
	}
	assert.Empty(t, svc.Requests())
}
