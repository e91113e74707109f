package identity_test

import (
	"context"
	"errors"
	"math/bits"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// An exchange that never answers (until its context ends) does not wedge
// the credential: the attempt is abandoned at RefreshTimeout, its context
// cancelled, the caller gets a timeout error, and once the back-off has
// passed the next need starts a new attempt, which succeeds.
func TestRefreshHungExchangeIsAbandoned(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) { o.RefreshTimeout = 20 * time.Millisecond })
	ctx := guard(t)
	hung := make(chan error, 1)
	r.ex.setHook(func(ctx context.Context, n int, _ identity.TeamsUserTokenRequest) error {
		if n > 1 {
			return nil // the service is back
		}
		<-ctx.Done() // never answers
		hung <- ctx.Err()
		return ctx.Err()
	})

	_, err := r.cred.Token(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "refresh timeout of 20ms")
	assert.ErrorIs(t, recv(t, ctx, hung), context.DeadlineExceeded, "the hung exchange's context was ended")

	// During the back-off callers get the error at once, without an attempt.
	_, err2 := r.cred.Token(ctx)
	assert.Equal(t, err, err2)
	assert.Equal(t, 1, r.ex.calls())

	r.clk.Advance(identity.MaxRefreshBackoff)
	tok, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, r.clk.Now().Add(tokenLife), tok.ExpiresOn)
	assert.Equal(t, 2, r.ex.calls())
}

// While the cached token is valid, a caller who would wait for a refresh
// (the token expires within two minutes) waits at most two seconds of the
// credential's clock for one that hangs, then gets the cached token.
func TestRefreshHungWithValidTokenWaitsBriefly(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)
	tok1, err := r.cred.Token(ctx)
	require.NoError(t, err)

	g := newGate() // never released: the exchange hangs until Close
	r.ex.setHook(g.hook)
	r.clk.Set(t0.Add(59 * time.Minute))
	res := make(chan identity.AccessToken, 1)
	go func() {
		tok, err := r.cred.Token(ctx)
		assert.NoError(t, err)
		res <- tok
	}()
	recv(t, ctx, g.entered)
	waitTimers(t, ctx, r.clk, 1) // the caller's wait
	r.clk.Advance(2 * time.Second)
	assert.Equal(t, tok1, recv(t, ctx, res))

	// The next caller joins the attempt in flight and waits as briefly.
	go func() {
		tok, err := r.cred.Token(ctx)
		assert.NoError(t, err)
		res <- tok
	}()
	waitTimers(t, ctx, r.clk, 1)
	r.clk.Advance(2 * time.Second)
	assert.Equal(t, tok1, recv(t, ctx, res))
	assert.Equal(t, 2, r.ex.calls(), "one attempt in flight")
}

// A token that an abandoned attempt returns after all (a refresh function
// that ignores its context) is kept when it expires later than the cached
// one.
func TestRefreshLateResultIsKeptIfNewer(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	release := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	refresh := func(context.Context) (identity.AccessToken, error) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 2 {
			<-release // ignores its context
		}
		return identity.AccessToken{Token: "token-" + string(rune('0'+n)), ExpiresOn: clk.Now().Add(tokenLife)}, nil
	}
	cred, err := identity.NewRefreshingTokenCredential(refresh, &identity.RefreshingTokenCredentialOptions{Clock: clk, RefreshTimeout: 20 * time.Millisecond})
	require.NoError(t, err)
	defer cred.Close()
	_, err = cred.Token(ctx)
	require.NoError(t, err)

	clk.Set(t0.Add(tokenLife)) // expired: the caller waits for the attempt
	_, err = cred.Token(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	close(release) // the late answer: a token for an hour from now
	for {
		tok, err := cred.Token(ctx)
		if err == nil {
			assert.Equal(t, "token-2", tok.Token)
			assert.Equal(t, t0.Add(2*tokenLife), tok.ExpiresOn)
			break
		}
		require.NoError(t, ctx.Err(), "the late token was never kept")
		runtime.Gosched()
	}
	mu.Lock()
	assert.Equal(t, 2, calls)
	mu.Unlock()
}

// exchangeCounter is the fake ACS service's Go face, counting the exchanges
// asked for and the tokens handed out, by the fake clock.
type exchangeCounter struct {
	svc   *fake.Service
	clock *fake.Clock
	mu    sync.Mutex
	tries []time.Time
	oks   []time.Time
}

func (x *exchangeCounter) ExchangeTeamsUserToken(ctx context.Context, req identity.TeamsUserTokenRequest, opts *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	now := x.clock.Now()
	resp, err := x.svc.ExchangeTeamsUserToken(ctx, req, opts)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.tries = append(x.tries, now)
	if err == nil {
		x.oks = append(x.oks, now)
	}
	return resp, err
}

func (x *exchangeCounter) between(from, to time.Time) (n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, at := range x.tries {
		if !at.Before(from) && at.Before(to) {
			n++
		}
	}
	return n
}

// outageWorld is a Teams user whose credential exchanges with the fake ACS
// service's Go face, everything on one fake clock.
func outageWorld(t *testing.T, proactive bool) (*fake.Clock, *fake.Service, *exchangeCounter, *identity.TeamsUserCredential) {
	t.Helper()
	clk := fake.NewClock(t0)
	entra := fake.NewEntra(&fake.EntraOptions{Clock: clk})
	user := entra.AddUser(entra.AddTenant("fabrikam").ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra, Clock: clk})
	x := &exchangeCounter{svc: acs, clock: clk}
	cred, err := identity.NewTeamsUserCredential(x, entra.Credential(user, contosoAppID, nil), contosoAppID, user.ObjectID, &identity.TeamsUserCredentialOptions{
		Clock: clk, ProactiveRefresh: proactive,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cred.Close() })
	return clk, acs, x, cred
}

// The service's Retry-After (here from the fake's Go face, an
// *azcore.ResponseError) is a floor under the back-off, with or without a
// valid token, and callers during the wait get the last error at once.
func TestRefreshHonoursRetryAfterWithoutValidToken(t *testing.T) {
	ctx := guard(t)
	clk, acs, x, cred := outageWorld(t, false)
	acs.InjectFault(fake.Fault{Op: "exchange", Status: http.StatusTooManyRequests, RetryAfter: 90 * time.Second, Times: 1000})

	_, err := cred.Token(ctx)
	require.True(t, identity.IsThrottled(err), "%v", err)
	for range 10 {
		_, again := cred.Token(ctx)
		require.Equal(t, err, again)
	}
	clk.Advance(89 * time.Second)
	_, again := cred.Token(ctx)
	require.Equal(t, err, again)
	assert.Equal(t, 1, x.between(t0, clk.Now().Add(time.Hour)), "no attempt before Retry-After")

	clk.Advance(time.Second)
	_, err = cred.Token(ctx)
	require.True(t, identity.IsThrottled(err), "%v", err)
	assert.Equal(t, 2, x.between(t0, clk.Now().Add(time.Hour)))

	acs.ClearFaults()
	clk.Advance(90 * time.Second)
	tok, err := cred.Token(ctx)
	require.NoError(t, err)
	assert.True(t, tok.ExpiresOn.After(clk.Now()))
}

// With proactive refresh the credential keeps trying after its token has
// expired, at the back-off's pace, so that a token is ready again soon after
// the service is back even if nobody asked meanwhile.
func TestProactiveRefreshKeepsTryingAfterExpiry(t *testing.T) {
	ctx := guard(t)
	clk, acs, x, cred := outageWorld(t, true)
	tok1, err := cred.Token(ctx)
	require.NoError(t, err)
	acs.InjectFault(fake.Fault{Op: "exchange", Status: http.StatusServiceUnavailable, Times: 1 << 30})

	// Nobody asks; time passes from one deadline to the next. A timer is
	// armed again once an attempt has ended.
	for {
		waitTimers(t, ctx, clk, 1)
		if !clk.Now().Before(tok1.ExpiresOn.Add(time.Hour)) {
			break
		}
		clk.Set(clk.Deadlines()[0])
	}
	tries := x.between(t0.Add(time.Second), clk.Now().Add(time.Hour))
	assert.Greater(t, tries, 10, "attempts after expiry")
	acs.ClearFaults()
	recoverAt := clk.Deadlines()[0]
	assert.LessOrEqual(t, recoverAt.Sub(clk.Now()), identity.MaxRefreshBackoff)
	clk.Set(recoverAt)
	waitTimers(t, ctx, clk, 1) // re-armed for the new token's refresh
	tok2, err := cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tries+2, x.between(t0, clk.Now().Add(time.Hour)), "the new token came from the scheduler, not from Token")
	assert.True(t, tok2.ExpiresOn.After(clk.Now()))
}

// A three-hour 429 outage with five callers a second, during which the token
// expires. The figures are logged for the notes; the test asserts bounds
// that follow from MaxRefreshBackoff: at most time.Hour/(MaxRefreshBackoff/2)
// attempts an hour once the back-off has reached its bound (plus the
// doublings that reach it in the first hour), never an expired token, and
// a token again within MaxRefreshBackoff of the service's recovery.
func TestRefreshThreeHourOutage(t *testing.T) {
	ctx := guard(t)
	clk, acs, x, cred := outageWorld(t, false)
	const step = 200 * time.Millisecond // five callers a second
	var (
		outageStart = t0.Add(30 * time.Minute) // the token (1 h) expires during the outage
		outageEnd   = outageStart.Add(3 * time.Hour)
		end         = outageEnd.Add(30 * time.Minute)
		expired     int
		calls, errs int
		firstAfter  time.Time
	)
	for now := t0; now.Before(end); now = now.Add(step) {
		switch {
		case now.Equal(outageStart):
			acs.InjectFault(fake.Fault{Op: "exchange", Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second, Times: 1 << 30})
		case now.Equal(outageEnd):
			acs.ClearFaults()
		}
		clk.Set(now)
		tok, err := cred.Token(ctx)
		calls++
		switch {
		case err != nil:
			errs++
			require.True(t, identity.IsThrottled(err), "at %v: %v", now.Sub(t0), err)
			require.False(t, errors.Is(err, identity.ErrCredentialClosed))
		case !tok.ExpiresOn.After(now):
			expired++
		case !now.Before(outageEnd) && firstAfter.IsZero() && tok.ExpiresOn.After(outageEnd):
			firstAfter = now
		}
	}

	rampAttempts := bits.Len(uint(identity.MaxRefreshBackoff/time.Second)) + 1 // doublings from 1 s to the bound
	perHourAtBound := int(time.Hour / (identity.MaxRefreshBackoff / 2))
	var perHour []int
	for h := range 3 {
		from := outageStart.Add(time.Duration(h) * time.Hour)
		perHour = append(perHour, x.between(from, from.Add(time.Hour)))
	}
	recovery := firstAfter.Sub(outageEnd)
	t.Logf("3 h of 429 (Retry-After 30 s), %d Token calls (5/s), %d errors: exchange attempts per outage hour %v (bound %d, first hour %d); expired tokens returned: %d; recovery to the first new token: %v",
		calls, errs, perHour, perHourAtBound+1, perHourAtBound+rampAttempts, expired, recovery)

	assert.Zero(t, expired, "expired tokens returned")
	assert.LessOrEqual(t, perHour[0], perHourAtBound+rampAttempts, "first hour")
	for h := 1; h < 3; h++ {
		assert.LessOrEqual(t, perHour[h], perHourAtBound+1, "hour %d", h+1)
	}
	require.False(t, firstAfter.IsZero(), "no token after the outage")
	assert.LessOrEqual(t, recovery, identity.MaxRefreshBackoff+step)
	assert.Positive(t, errs, "the token expired during the outage: callers saw the 429")
}
