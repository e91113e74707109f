package tokenservice_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/leakcheck"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// TestServiceClose: a key fetch that its caller gave up on goes on in the
// Service's own goroutine (so that hanging up cannot make the service
// hammer the issuer); Close ends it and waits for it, so a closed Service
// leaves no goroutine (it lived until the fetch's timeout). Close is
// idempotent and safe to call concurrently; a closed Service refuses
// callers whose keys it has not fetched with 503.
func TestServiceClose(t *testing.T) {
	w := newWorld(t, nil)
	check := leakcheck.Start(t)
	fetching := make(chan struct{}, 1)
	cfg := w.cfg
	cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		fetching <- struct{}{}
		<-r.Context().Done() // an issuer that never answers
		return nil, r.Context().Err()
	})}
	svc, err := tokenservice.New(cfg.Config, &cfg.Options)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil)
	req.Header.Set("Authorization", "Bearer "+w.callerToken(w.adele))
	gaveUp := make(chan error)
	go func() { _, err := svc.Authenticate(req); gaveUp <- err }()
	<-fetching
	cancel()
	require.ErrorIs(t, <-gaveUp, context.Canceled)

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { assert.NoError(t, svc.Close()) })
	}
	wg.Wait()
	check()
	require.NoError(t, svc.Close())

	_, err = svc.Authenticate(httptest.NewRequest(http.MethodPost, "/", nil))
	require.Error(t, err, "no caller token")
	req = httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("Authorization", "Bearer "+w.callerToken(w.adele))
	_, err = svc.Authenticate(req)
	var se *tokenservice.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusServiceUnavailable, se.Status)
	assert.Equal(t, tokenservice.CodeAuthorityUnavailable, se.Code)
	assert.Empty(t, fetching, "nothing fetched once closed")
}
