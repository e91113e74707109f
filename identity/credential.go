package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// ErrCredentialClosed is the error of Token and GetToken on a credential
// that has been closed, and of calls that were waiting for a refresh when it
// was closed.
var ErrCredentialClosed = errors.New("identity: credential is closed")

// DefaultRefreshBefore is how long before a token expires the refreshing
// credentials get a new one, unless told otherwise.
const DefaultRefreshBefore = 10 * time.Minute

// Timing rules of the refreshing credentials.
const (
	// onDemandWindow: a caller who finds the cached token this close to its
	// expiry (or past it) waits for a new one.
	onDemandWindow = 2 * time.Minute
	// minRefreshInterval is the shortest time between two refresh attempts
	// that the credential schedules itself.
	minRefreshInterval = 10 * time.Second
	// maxRetryBackoff bounds the wait between attempts after failures.
	maxRetryBackoff = 5 * time.Minute
)

var (
	_ azcore.TokenCredential = (*TeamsUserCredential)(nil)
	_ azcore.TokenCredential = (*RefreshingTokenCredential)(nil)
	_ azcore.TokenCredential = (*StaticTokenCredential)(nil)
	_ TokenExchanger         = Service(nil)
)

// TokenExchanger exchanges a Teams user's Entra ID access token for an ACS
// access token. Service, the real client and the fake in identity/fake
// implement it.
type TokenExchanger interface {
	// ExchangeTeamsUserToken exchanges req.Token for an ACS access token.
	ExchangeTeamsUserToken(ctx context.Context, req TeamsUserTokenRequest, opts *ExchangeTeamsUserTokenOptions) (ExchangeTeamsUserTokenResponse, error)
}

// TeamsUserCredentialOptions configure a TeamsUserCredential. AppID and
// UserID are required.
type TeamsUserCredentialOptions struct {
	// AppID is the client id of the Entra application that signs the Teams
	// user in. Take it from your configuration, not from a token.
	AppID string
	// UserID is the Entra object id of the Teams user. Take it from your
	// authenticated session, not from a token.
	UserID string
	// Scopes are the scopes of the Entra token requested from the Entra
	// credential; empty means TeamsAudience+"/"+TeamsManageCalls and
	// TeamsAudience+"/"+TeamsManageChats.
	Scopes []string
	// TenantID, if set, is passed to the Entra credential in
	// policy.TokenRequestOptions.TenantID: the Teams user's tenant, for a
	// multi-tenant application.
	TenantID string
	// RefreshBefore is how long before the ACS token expires a new one is
	// fetched; zero means DefaultRefreshBefore.
	RefreshBefore time.Duration
	// ProactiveRefresh makes the credential refresh the token in the
	// background when it is due, even if nobody asks for it, so that it is
	// always fresh. Without it the token is refreshed when it is asked for:
	// in the background while it is still good for a while, and with the
	// caller waiting when it is about to expire.
	ProactiveRefresh bool
	// Clock is the source of time; nil means SystemClock.
	Clock Clock
}

// TeamsUserCredential keeps a Teams user's ACS access token fresh: when a
// token is due, it gets an Entra ID access token for the user from an
// azcore.TokenCredential (for example an azidentity credential that holds
// the user's sign-in) and exchanges it for an ACS token.
//
// Tokens are cached: a valid token is returned without I/O, concurrent
// callers share one refresh, and a refresh that fails leaves the still-valid
// token in use while it is retried with backoff. Token never returns an
// expired token.
//
// A TeamsUserCredential implements azcore.TokenCredential, so it plugs into
// azcore pipelines. It is safe for concurrent use. Call Close when done with
// it, to stop its background work.
type TeamsUserCredential struct {
	cache     *tokenCache
	exchanger TokenExchanger
	entra     azcore.TokenCredential
	appID     string
	userID    string
	tokenOpts policy.TokenRequestOptions

	mu        sync.Mutex
	lastEntra string      // the Entra token of the last exchange
	lastACS   AccessToken // what it was exchanged for
}

// NewTeamsUserCredential returns a credential that gets Entra tokens from
// entra and exchanges them with exchanger. It fails with an *ArgumentError
// when exchanger or entra is nil, opts.AppID or opts.UserID is empty, or
// opts.RefreshBefore is negative. It does no I/O: the first token is fetched
// when it is first asked for.
func NewTeamsUserCredential(exchanger TokenExchanger, entra azcore.TokenCredential, opts TeamsUserCredentialOptions) (*TeamsUserCredential, error) {
	switch {
	case exchanger == nil:
		return nil, argErr("exchanger", "is required")
	case entra == nil:
		return nil, argErr("entra", "the credential of the teams user's entra token is required")
	case strings.TrimSpace(opts.AppID) == "":
		return nil, argErr("appID", "the client id of the entra app is required; take it from your configuration")
	case strings.TrimSpace(opts.UserID) == "":
		return nil, argErr("userID", "the teams user's object id is required; take it from your authenticated session")
	case opts.RefreshBefore < 0:
		return nil, argErr("refreshBefore", "must not be negative")
	}
	scopes := opts.Scopes
	if len(scopes) == 0 {
		scopes = []string{TeamsAudience + "/" + TeamsManageCalls, TeamsAudience + "/" + TeamsManageChats}
	}
	c := &TeamsUserCredential{
		exchanger: exchanger,
		entra:     entra,
		appID:     opts.AppID,
		userID:    opts.UserID,
		tokenOpts: policy.TokenRequestOptions{Scopes: append([]string(nil), scopes...), TenantID: opts.TenantID},
	}
	c.cache = newTokenCache(cacheConfig{
		name:          "teams user credential",
		fetch:         c.fetch,
		clock:         opts.Clock,
		refreshBefore: opts.RefreshBefore,
		proactive:     opts.ProactiveRefresh,
	}, nil)
	return c, nil
}

// fetch gets an Entra token and exchanges it. Refreshes never overlap, but
// the mutex makes that independent of the engine.
func (c *TeamsUserCredential) fetch(ctx context.Context) (AccessToken, error) {
	et, err := c.entra.GetToken(ctx, c.tokenOpts)
	if err != nil {
		return AccessToken{}, fmt.Errorf("get the teams user's entra token: %w", err)
	}
	if et.Token == "" {
		return AccessToken{}, errors.New("get the teams user's entra token: the entra credential returned an empty token")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if et.Token == c.lastEntra && c.lastACS.ExpiresOn.After(c.cache.clock.Now()) {
		// The same Entra token would be exchanged for a token that
		// expires at the same time: spare the rate-limited exchange.
		return c.lastACS, nil
	}
	resp, err := c.exchanger.ExchangeTeamsUserToken(ctx, TeamsUserTokenRequest{Token: et.Token, AppID: c.appID, UserID: c.userID}, nil)
	if err != nil {
		return AccessToken{}, fmt.Errorf("exchange the entra token: %w", redactErr(err, et.Token))
	}
	c.lastEntra, c.lastACS = et.Token, resp.AccessToken
	return resp.AccessToken, nil
}

// Token returns a valid ACS access token for the Teams user, from the cache
// or, when it is due, from a refresh. It never returns an expired token. A
// caller whose ctx ends while it waits for a refresh gets ctx.Err(); the
// refresh goes on for the others. After Close it returns ErrCredentialClosed.
func (c *TeamsUserCredential) Token(ctx context.Context) (AccessToken, error) {
	s, err := c.cache.get(ctx)
	if err != nil {
		return AccessToken{}, err
	}
	return s.tok, nil
}

// GetToken implements azcore.TokenCredential: it is Token in azcore's form.
// The options are ignored: the scopes of an ACS token are fixed when it is
// issued, and the Entra request uses the credential's own options.
func (c *TeamsUserCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s, err := c.cache.get(ctx)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return s.az, nil
}

// Close stops the credential's background work, cancelling a refresh in
// flight, and returns when no goroutine of the credential is left. Later
// calls of Token fail with ErrCredentialClosed. Close is safe to call more
// than once; it returns nil.
func (c *TeamsUserCredential) Close() error { return c.cache.close() }

// RefreshingTokenCredentialOptions configure a RefreshingTokenCredential.
// The zero value, or nil, is usable.
type RefreshingTokenCredentialOptions struct {
	// InitialToken, if its Token is set, is used until it is due for
	// refresh. When its ExpiresOn is zero, the expiry is read from the
	// token, which must then be an ACS access token.
	InitialToken AccessToken
	// RefreshBefore is how long before the token expires a new one is
	// fetched; zero means DefaultRefreshBefore.
	RefreshBefore time.Duration
	// ProactiveRefresh makes the credential refresh the token in the
	// background when it is due, even if nobody asks for it. Without it
	// the token is refreshed when it is asked for.
	ProactiveRefresh bool
	// Clock is the source of time; nil means SystemClock.
	Clock Clock
}

// RefreshingTokenCredential keeps an ACS access token fresh with a refresh
// function of the caller's choosing, for example one that asks the
// application's own backend for a new token. It caches and refreshes the
// token like TeamsUserCredential: a valid token is returned without I/O,
// concurrent callers share one refresh, a failing refresh leaves the
// still-valid token in use, and Token never returns an expired token.
//
// It implements azcore.TokenCredential and is safe for concurrent use. Call
// Close when done with it.
type RefreshingTokenCredential struct {
	cache *tokenCache
}

// NewRefreshingTokenCredential returns a credential that calls refresh for
// each new token. A token whose ExpiresOn is zero has its expiry read from
// the token itself. refresh is never called concurrently with itself; its ctx
// ends when the credential is closed.
//
// It fails with an *ArgumentError when refresh is nil or RefreshBefore is
// negative, and with an *InvalidTokenError when the initial token is given
// without an expiry and its expiry cannot be read.
func NewRefreshingTokenCredential(refresh func(ctx context.Context) (AccessToken, error), opts *RefreshingTokenCredentialOptions) (*RefreshingTokenCredential, error) {
	if refresh == nil {
		return nil, argErr("refresh", "is required")
	}
	if opts == nil {
		opts = &RefreshingTokenCredentialOptions{}
	}
	if opts.RefreshBefore < 0 {
		return nil, argErr("refreshBefore", "must not be negative")
	}
	var initial *AccessToken
	if opts.InitialToken.Token != "" {
		tok, err := completeToken(opts.InitialToken)
		if err != nil {
			return nil, err
		}
		initial = &tok
	}
	cache := newTokenCache(cacheConfig{
		name:          "refreshing token credential",
		fetch:         refresh,
		clock:         opts.Clock,
		refreshBefore: opts.RefreshBefore,
		proactive:     opts.ProactiveRefresh,
	}, initial)
	return &RefreshingTokenCredential{cache: cache}, nil
}

// Token returns a valid ACS access token, from the cache or, when it is due,
// from a refresh. It never returns an expired token. A caller whose ctx ends
// while it waits for a refresh gets ctx.Err(); the refresh goes on for the
// others. After Close it returns ErrCredentialClosed.
func (c *RefreshingTokenCredential) Token(ctx context.Context) (AccessToken, error) {
	s, err := c.cache.get(ctx)
	if err != nil {
		return AccessToken{}, err
	}
	return s.tok, nil
}

// GetToken implements azcore.TokenCredential: it is Token in azcore's form.
// The options are ignored: the scopes of an ACS token are fixed when it is
// issued.
func (c *RefreshingTokenCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s, err := c.cache.get(ctx)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return s.az, nil
}

// Close stops the credential's background work, cancelling a refresh in
// flight, and returns when no goroutine of the credential is left. Later
// calls of Token fail with ErrCredentialClosed. Close is safe to call more
// than once; it returns nil.
func (c *RefreshingTokenCredential) Close() error { return c.cache.close() }

// StaticTokenCredential serves one ACS access token issued elsewhere until it
// expires; it cannot refresh it. After the token's expiry, Token fails with
// an error that matches ErrTokenExpired.
//
// It implements azcore.TokenCredential and is safe for concurrent use.
type StaticTokenCredential struct {
	cache *tokenCache
}

// NewStaticTokenCredential returns a credential for token, an ACS access
// token whose expiry it reads from the token's "exp" claim. It fails with an
// *ArgumentError when token is empty and with an *InvalidTokenError when it
// is not an ACS access token with an expiry. An expired token is accepted;
// Token then reports it.
func NewStaticTokenCredential(token string) (*StaticTokenCredential, error) {
	if token == "" {
		return nil, argErr("token", "the acs access token is required")
	}
	tok, err := completeToken(AccessToken{Token: token})
	if err != nil {
		return nil, err
	}
	return &StaticTokenCredential{cache: newTokenCache(cacheConfig{name: "static token credential"}, &tok)}, nil
}

// Token returns the token while it is valid, and an error that matches
// ErrTokenExpired afterwards. After Close it returns ErrCredentialClosed.
func (c *StaticTokenCredential) Token(ctx context.Context) (AccessToken, error) {
	s, err := c.cache.get(ctx)
	if err != nil {
		return AccessToken{}, err
	}
	return s.tok, nil
}

// GetToken implements azcore.TokenCredential: it is Token in azcore's form.
// The options are ignored.
func (c *StaticTokenCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s, err := c.cache.get(ctx)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return s.az, nil
}

// Close makes later calls of Token fail with ErrCredentialClosed. It returns
// nil.
func (c *StaticTokenCredential) Close() error { return c.cache.close() }

// completeToken checks a token from a refresh or from the caller and fills
// in its expiry from the token itself when it is not given.
func completeToken(tok AccessToken) (AccessToken, error) {
	if tok.Token == "" {
		return AccessToken{}, &InvalidTokenError{Problem: TokenMalformed, TokenKind: tokenKindACS, Detail: "the token is empty"}
	}
	if !tok.ExpiresOn.IsZero() {
		return tok, nil
	}
	claims, err := ReadACSToken(tok.Token)
	if err != nil {
		return AccessToken{}, err
	}
	if claims.ExpiresOn.IsZero() {
		return AccessToken{}, malformedClaim(tokenKindACS, "exp", "is missing")
	}
	tok.ExpiresOn = claims.ExpiresOn
	return tok, nil
}

// redactErr hides secret in the message of err, in case err quotes it.
func redactErr(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redactedError{err: err, secret: secret}
}

type redactedError struct {
	err    error
	secret string
}

func (e *redactedError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.secret, Redact(e.secret))
}

func (e *redactedError) Unwrap() error { return e.err }

// The engine that all the credentials share.
//
// The current token lives in an immutable tokenState behind an atomic
// pointer, so that a cached read is one atomic load, one clock read and a
// comparison. Everything else happens under mu: at most one refresh (a
// flight) runs at a time, callers who need a new token wait for it, and the
// state is replaced when it ends. With proactive refresh a scheduler
// goroutine keeps one timer armed for the next refresh.
//
// Times of a state, for a token that expires at exp:
//
//	refreshAt: from then on a refresh is due; callers still get the cached
//	           token and the refresh runs in the background. It is
//	           exp-RefreshBefore normally, later after failures (backoff) and
//	           after refreshes that brought no newer token.
//	staleAt:   exp-min(2m, RefreshBefore); from then on (and once refreshAt
//	           has come) callers wait for the refresh. A failed refresh still
//	           leaves them the cached token until exp.
//	exp:       the cached token is never returned at or after exp.

type cacheConfig struct {
	name          string
	fetch         func(context.Context) (AccessToken, error) // nil: static, never refreshed
	clock         Clock
	refreshBefore time.Duration
	proactive     bool
}

type tokenState struct {
	tok       AccessToken
	az        azcore.AccessToken
	refreshAt time.Time
	staleAt   time.Time
	fastUntil time.Time // min(refreshAt, tok.ExpiresOn): before it, the cached token is the answer
}

type refreshFlight struct {
	done  chan struct{}
	state *tokenState // the result, when err is nil
	err   error
}

type tokenCache struct {
	name          string
	fetch         func(context.Context) (AccessToken, error)
	clock         Clock
	refreshBefore time.Duration
	window        time.Duration

	cur    atomic.Pointer[tokenState]
	closed atomic.Bool

	ctx    context.Context // the parent of refreshes; cancelled by close
	cancel context.CancelFunc
	kick   chan struct{} // wakes the scheduler when the state changes
	wg     sync.WaitGroup

	mu       sync.Mutex
	isClosed bool
	flight   *refreshFlight
	failures int // consecutive failed refreshes
}

func newTokenCache(cfg cacheConfig, initial *AccessToken) *tokenCache {
	c := &tokenCache{
		name:          cfg.name,
		fetch:         cfg.fetch,
		clock:         cfg.clock,
		refreshBefore: cfg.refreshBefore,
		kick:          make(chan struct{}, 1),
	}
	if c.clock == nil {
		c.clock = SystemClock()
	}
	if c.refreshBefore == 0 {
		c.refreshBefore = DefaultRefreshBefore
	}
	c.window = min(onDemandWindow, c.refreshBefore)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if initial != nil {
		c.cur.Store(c.newState(*initial, c.nextRefresh(initial.ExpiresOn, c.clock.Now())))
	}
	if cfg.proactive && c.fetch != nil {
		c.wg.Add(1)
		go c.schedule()
	}
	return c
}

func (c *tokenCache) newState(tok AccessToken, refreshAt time.Time) *tokenState {
	s := &tokenState{
		tok:       tok,
		az:        azcore.AccessToken{Token: tok.Token, ExpiresOn: tok.ExpiresOn, RefreshOn: refreshAt},
		refreshAt: refreshAt,
		staleAt:   tok.ExpiresOn.Add(-c.window),
		fastUntil: refreshAt,
	}
	if c.fetch == nil {
		s.staleAt = tok.ExpiresOn
		s.az.RefreshOn = time.Time{}
	}
	if tok.ExpiresOn.Before(s.fastUntil) {
		s.fastUntil = tok.ExpiresOn
	}
	return s
}

// nextRefresh is when a token that expires at exp and was just obtained is
// due: RefreshBefore ahead of exp, or, for a token that lives shorter than
// that, at half its remaining lifetime.
func (c *tokenCache) nextRefresh(exp, now time.Time) time.Time {
	if c.fetch == nil {
		return exp
	}
	at := exp.Add(-c.refreshBefore)
	if at.Before(now.Add(minRefreshInterval)) {
		at = now.Add(halfLife(exp, now))
	}
	return at
}

// halfLife is half the remaining lifetime of a token, but at least
// minRefreshInterval.
func halfLife(exp, now time.Time) time.Duration {
	return max(exp.Sub(now)/2, minRefreshInterval)
}

// retryDelay is the wait after the n-th consecutive failure (n >= 1) while a
// token that expires at exp is still valid: exponential from
// minRefreshInterval up to maxRetryBackoff, and at most halfLife.
func retryDelay(n int, exp, now time.Time) time.Duration {
	d := maxRetryBackoff
	if n <= 10 {
		d = min(minRefreshInterval<<(n-1), maxRetryBackoff)
	}
	return min(d, halfLife(exp, now))
}

// get returns the state whose token answers a caller now.
func (c *tokenCache) get(ctx context.Context) (*tokenState, error) {
	if c.closed.Load() {
		return nil, ErrCredentialClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s := c.cur.Load(); s != nil && c.clock.Now().Before(s.fastUntil) {
		return s, nil
	}
	return c.getSlow(ctx)
}

func (c *tokenCache) getSlow(ctx context.Context) (*tokenState, error) {
	c.mu.Lock()
	if c.isClosed {
		c.mu.Unlock()
		return nil, ErrCredentialClosed
	}
	now := c.clock.Now()
	s := c.cur.Load()
	if s != nil && now.Before(s.tok.ExpiresOn) {
		if now.Before(s.refreshAt) {
			c.mu.Unlock()
			return s, nil
		}
		if now.Before(s.staleAt) {
			if c.flight == nil {
				c.startFlightLocked(nil)
			}
			c.mu.Unlock()
			return s, nil
		}
	}
	if c.fetch == nil {
		// A static token has expired; there is no way to a new one.
		c.mu.Unlock()
		return nil, fmt.Errorf("identity: %s: %w", c.name,
			&InvalidTokenError{Problem: TokenExpired, TokenKind: tokenKindACS, Claim: "exp", At: s.tok.ExpiresOn, Now: now})
	}
	f := c.flight
	if f == nil {
		f = c.startFlightLocked(ctx)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.ctx.Done():
		return nil, ErrCredentialClosed
	}
	now = c.clock.Now()
	if f.err == nil && now.Before(f.state.tok.ExpiresOn) {
		return f.state, nil
	}
	if errors.Is(f.err, ErrCredentialClosed) {
		return nil, f.err
	}
	// The refresh failed: a token that has not expired still serves.
	if s := c.cur.Load(); s != nil && now.Before(s.tok.ExpiresOn) {
		return s, nil
	}
	if f.err != nil {
		return nil, f.err
	}
	return nil, fmt.Errorf("identity: %s: %w", c.name,
		&InvalidTokenError{Problem: TokenExpired, TokenKind: tokenKindACS, Claim: "exp", At: f.state.tok.ExpiresOn, Now: now})
}

// startFlightLocked starts a refresh. A refresh started for a waiting caller
// keeps the values of the caller's ctx but not its cancellation: the caller
// may give up, the others still want the token. Every refresh ends when the
// cache is closed.
func (c *tokenCache) startFlightLocked(caller context.Context) *refreshFlight {
	f := &refreshFlight{done: make(chan struct{})}
	c.flight = f
	ctx, release := c.ctx, func() {}
	if caller != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(context.WithoutCancel(caller))
		stop := context.AfterFunc(c.ctx, cancel)
		release = func() { stop(); cancel() }
	}
	c.wg.Add(1)
	go c.runFlight(ctx, f, release)
	c.kickScheduler()
	return f
}

// kickScheduler tells the scheduler, if there is one, that the state or the
// flight changed.
func (c *tokenCache) kickScheduler() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *tokenCache) runFlight(ctx context.Context, f *refreshFlight, release func()) {
	defer c.wg.Done()
	tok, err := c.fetch(ctx)
	release()
	if err == nil {
		tok, err = completeToken(tok)
	}

	c.mu.Lock()
	now := c.clock.Now()
	switch {
	case c.isClosed:
		f.err = ErrCredentialClosed
	case err == nil && !now.Before(tok.ExpiresOn):
		err = &InvalidTokenError{Problem: TokenExpired, TokenKind: tokenKindACS, Claim: "exp", At: tok.ExpiresOn, Now: now}
	}
	if !c.isClosed {
		old := c.cur.Load()
		if err != nil {
			c.failures++
			if old != nil && now.Before(old.tok.ExpiresOn) {
				c.cur.Store(c.newState(old.tok, now.Add(retryDelay(c.failures, old.tok.ExpiresOn, now))))
			}
			f.err = fmt.Errorf("identity: %s: refresh the token: %w", c.name, err)
		} else {
			c.failures = 0
			var s *tokenState
			if old != nil && !tok.ExpiresOn.After(old.tok.ExpiresOn) {
				// No newer token (an Entra credential may hand out the
				// same cached token again): try again at half the
				// remaining lifetime rather than right away.
				best := tok
				if old.tok.ExpiresOn.After(tok.ExpiresOn) {
					best = old.tok
				}
				s = c.newState(best, now.Add(halfLife(best.ExpiresOn, now)))
			} else {
				s = c.newState(tok, c.nextRefresh(tok.ExpiresOn, now))
			}
			c.cur.Store(s)
			f.state = s
		}
	}
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
	c.kickScheduler()
}

// schedule keeps a timer armed for the next refresh while there is a valid
// token and no refresh in flight, and starts the refresh when it fires. A
// timer stays armed until the state it was armed for changes.
func (c *tokenCache) schedule() {
	defer c.wg.Done()
	var (
		timer    Timer
		fire     <-chan time.Time
		armedFor *tokenState
	)
	disarm := func() {
		if timer != nil {
			timer.Stop()
		}
		timer, fire, armedFor = nil, nil, nil
	}
	defer disarm()
	for {
		c.mu.Lock()
		var want *tokenState
		if s := c.cur.Load(); s != nil && c.flight == nil && !c.isClosed && c.clock.Now().Before(s.tok.ExpiresOn) {
			want = s
		}
		if want != armedFor || want == nil {
			disarm()
			if want != nil {
				timer = c.clock.NewTimer(want.refreshAt.Sub(c.clock.Now()))
				fire, armedFor = timer.C(), want
			}
		}
		c.mu.Unlock()

		select {
		case <-fire:
			timer, fire, armedFor = nil, nil, nil
			c.mu.Lock()
			if s := c.cur.Load(); !c.isClosed && c.flight == nil && s != nil && !c.clock.Now().Before(s.refreshAt) {
				c.startFlightLocked(nil)
			}
			c.mu.Unlock()
		case <-c.kick:
		case <-c.ctx.Done():
			return
		}
	}
}

// close cancels the refreshes and the scheduler and waits for them.
func (c *tokenCache) close() error {
	c.mu.Lock()
	if !c.isClosed {
		c.isClosed = true
		c.closed.Store(true)
		c.cancel()
	}
	c.mu.Unlock()
	c.wg.Wait()
	return nil
}
