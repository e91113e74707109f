package identity

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
)

// ErrCredentialClosed is the error of Token and GetToken on a credential
// that has been closed, and of calls that were waiting for a refresh when it
// was closed.
var ErrCredentialClosed = errors.New("identity: credential is closed")

// DefaultRefreshBefore is how long before a token expires the refreshing
// credentials get a new one, unless told otherwise.
const DefaultRefreshBefore = 10 * time.Minute

// DefaultRefreshTimeout is how long one refresh attempt of the refreshing
// credentials may take, unless told otherwise: the Entra token and the
// exchange together, or one call of a RefreshingTokenCredential's refresh
// function. An exchange answers in well under a second; one that has not
// answered in this time is abandoned, so that a service that never answers
// cannot hold the credential. The ACS client's own retries (each try bounded
// by its DefaultTryTimeout) fit inside it.
const DefaultRefreshTimeout = 30 * time.Second

// MaxRefreshBackoff bounds the wait between failed refresh attempts. After
// the n-th failure in a row the refreshing credentials make no new attempt
// for a random time between half and all of min(1s·2ⁿ⁻¹, MaxRefreshBackoff),
// or for as long as the failure's Retry-After asks (up to an hour), whichever
// is longer; while a valid token is held, the wait also ends by half its
// remaining lifetime (at least 10 s). Whoever asks for a token during the
// wait gets the cached token while it is valid and the last error otherwise,
// at once. So a service that keeps failing sees at most
// time.Hour/(MaxRefreshBackoff/2) attempts an hour from each credential once
// the wait has reached its bound, and a service that is back is tried again
// within MaxRefreshBackoff (or the Retry-After it sent).
const MaxRefreshBackoff = 5 * time.Minute

// Timing rules of the refreshing credentials.
const (
	// onDemandWindow: a caller who finds the cached token this close to its
	// expiry (or past it) waits for a new one; while the token is still
	// valid, for at most maxValidWait.
	onDemandWindow = 2 * time.Minute
	// maxValidWait is the longest a caller holding out for a refresh waits
	// while the cached token is still valid; then it gets the cached token.
	maxValidWait = 2 * time.Second
	// minRefreshInterval is the shortest time between two refresh attempts
	// that the credential schedules itself after a success that brought no
	// newer token, and the least a failure's wait is cut to by half the
	// remaining lifetime.
	minRefreshInterval = 10 * time.Second
	// minRetryBackoff is the wait after the first failure, before jitter.
	minRetryBackoff = time.Second
	// maxRetryAfter bounds the Retry-After a failure can impose: a
	// service's header is not trusted to stop refreshes for days.
	maxRetryAfter = time.Hour
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

// TeamsUserCredentialOptions are the optional parameters of
// NewTeamsUserCredential. The zero value, or nil, is usable.
type TeamsUserCredentialOptions struct {
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
	// RefreshTimeout bounds each refresh attempt (the Entra token and the
	// exchange together); zero means DefaultRefreshTimeout. An attempt that
	// has not ended by then is abandoned: its context is cancelled, it
	// counts as a failure, and the next need starts a new attempt once the
	// back-off allows. The timeout is measured in real time, like the HTTP
	// client's own timeouts, whatever Clock says.
	RefreshTimeout time.Duration
	// ProactiveRefresh makes the credential refresh the token in the
	// background when it is due, even if nobody asks for it, so that it is
	// always fresh; after failures it keeps trying, at the back-off's pace,
	// until Close. Without it the token is refreshed when it is asked for:
	// in the background while it is still good for a while, and with the
	// caller waiting when it is about to expire.
	ProactiveRefresh bool
	// Clock is the source of time; nil means SystemClock.
	Clock Clock
	// SharedCache, when set, shares the user's ACS token with the other
	// replicas of a service (see SharedTokenCache): a token one replica
	// exchanged serves them all, and one replica at a time exchanges for
	// the user. The credential keeps its own copy too, so a cached token
	// is still returned without I/O. Requires SharedCacheID.
	SharedCache *SharedTokenCache
	// SharedCacheID identifies the user's token in SharedCache: the same
	// on every replica for one user, Entra application and ACS resource,
	// and different for any other (for example "<resource>/<app id>/<user
	// object id>"). It is not a secret; the store sees only its SHA-256.
	SharedCacheID string
}

// TeamsUserCredential keeps a Teams user's ACS access token fresh: when a
// token is due, it gets an Entra ID access token for the user from an
// azcore.TokenCredential (for example an azidentity credential that holds
// the user's sign-in) and exchanges it for an ACS token.
//
// Tokens are cached: a valid token is returned without I/O, concurrent
// callers share one refresh, and a refresh that fails leaves the still-valid
// token in use while it is retried with backoff (see MaxRefreshBackoff).
// Every refresh attempt is bounded by RefreshTimeout, so a service that
// never answers cannot hold the credential, and a caller holding a valid
// token waits at most a couple of seconds for a refresh before it gets that
// token. Token never returns an expired token.
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

	shared   *SharedTokenCache // nil without a shared cache
	sharedID string

	mu        sync.Mutex
	lastEntra string      // the Entra token of the last exchange
	lastACS   AccessToken // what it was exchanged for
}

// NewTeamsUserCredential returns a credential that gets Entra tokens from
// entra and exchanges them with exchanger for the Teams user userID (the
// user's Entra object id; take it from your authenticated session, not from
// a token) signed in to the Entra application appID (its client id; take it
// from your configuration, not from a token). opts may be nil. It fails
// with an *ArgumentError when exchanger or entra is nil, appID or userID is
// empty, or opts.RefreshBefore or opts.RefreshTimeout is negative. It does
// no I/O: the first token is fetched when it is first asked for.
func NewTeamsUserCredential(exchanger TokenExchanger, entra azcore.TokenCredential, appID, userID string, opts *TeamsUserCredentialOptions) (*TeamsUserCredential, error) {
	var o TeamsUserCredentialOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case exchanger == nil:
		return nil, argErr("exchanger", "is required")
	case entra == nil:
		return nil, argErr("entra", "the credential of the teams user's entra token is required")
	case strings.TrimSpace(appID) == "":
		return nil, argErr("appID", "the client id of the entra app is required; take it from your configuration")
	case strings.TrimSpace(userID) == "":
		return nil, argErr("userID", "the teams user's object id is required; take it from your authenticated session")
	case o.RefreshBefore < 0:
		return nil, argErr("opts.RefreshBefore", "must not be negative")
	case o.RefreshTimeout < 0:
		return nil, argErr("opts.RefreshTimeout", "must not be negative")
	case o.SharedCache != nil && o.SharedCacheID == "":
		return nil, argErr("opts.SharedCacheID", "is required with a shared cache")
	case o.SharedCache == nil && o.SharedCacheID != "":
		return nil, argErr("opts.SharedCache", "is required with a shared cache id")
	}
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = []string{TeamsAudience + "/" + TeamsManageCalls, TeamsAudience + "/" + TeamsManageChats}
	}
	c := &TeamsUserCredential{
		exchanger: exchanger,
		entra:     entra,
		appID:     appID,
		userID:    userID,
		tokenOpts: policy.TokenRequestOptions{Scopes: append([]string(nil), scopes...), TenantID: o.TenantID},
		shared:    o.SharedCache,
		sharedID:  o.SharedCacheID,
	}
	c.cache = newTokenCache(cacheConfig{
		name:          "teams user credential",
		fetch:         c.fetch,
		clock:         o.Clock,
		refreshBefore: o.RefreshBefore,
		timeout:       o.RefreshTimeout,
		proactive:     o.ProactiveRefresh,
	}, nil)
	return c, nil
}

// fetch gets a new token: through the shared cache when there is one (and
// it works), or by exchanging.
func (c *TeamsUserCredential) fetch(ctx context.Context) (AccessToken, error) {
	if c.shared != nil {
		tok, err := c.shared.fetch(ctx, c.sharedID, sharedPolicy{
			clock:  c.cache.clock,
			next:   c.cache.nextRefresh,
			window: c.cache.window,
			lease:  c.cache.timeout,
		}, c.exchange)
		if se := (*storeError)(nil); !errors.As(err, &se) {
			return tok, err
		}
		// The store failed: exchange on our own until it is back.
	}
	e, err := c.exchange(ctx, nil)
	return e.tok, err
}

// exchange gets an Entra token and exchanges it, unless it is the one that
// prev (the shared cache's entry, if any) or this credential's last
// exchange was made from: the same Entra token would be exchanged for a
// token that expires at the same time, so that one is the answer and the
// rate-limited exchange is spared. An attempt abandoned at its timeout may
// still be running when the next one starts, so the mutex guards the memory
// of the last exchange, never the exchange itself.
func (c *TeamsUserCredential) exchange(ctx context.Context, prev *sharedEntry) (sharedEntry, error) {
	et, err := c.entra.GetToken(ctx, c.tokenOpts)
	if err != nil {
		return sharedEntry{}, fmt.Errorf("get the teams user's entra token: %w", err)
	}
	if et.Token == "" {
		return sharedEntry{}, errors.New("get the teams user's entra token: the entra credential returned an empty token")
	}
	digest := entraDigest(et.Token)
	now := c.cache.clock.Now()
	if prev != nil && prev.entra == digest && prev.tok.ExpiresOn.After(now) {
		return *prev, nil
	}
	c.mu.Lock()
	same, last := et.Token == c.lastEntra && c.lastACS.ExpiresOn.After(now), c.lastACS
	c.mu.Unlock()
	if same {
		return sharedEntry{tok: last, entra: digest}, nil
	}
	resp, err := c.exchanger.ExchangeTeamsUserToken(ctx, TeamsUserTokenRequest{Token: et.Token, AppID: c.appID, UserID: c.userID}, nil)
	if err != nil {
		return sharedEntry{}, fmt.Errorf("exchange the entra token: %w", redactErr(err, et.Token))
	}
	tok, err := completeToken(resp.AccessToken)
	if err != nil {
		return sharedEntry{}, fmt.Errorf("exchange the entra token: %w", err)
	}
	c.mu.Lock()
	c.lastEntra, c.lastACS = et.Token, tok
	c.mu.Unlock()
	return sharedEntry{tok: tok, entra: digest}, nil
}

// Token returns a valid ACS access token for the Teams user, from the cache
// or, when it is due, from a refresh. It never returns an expired token:
// without a valid one it waits for a refresh (at most RefreshTimeout), and
// while the refreshes back off after a failure it returns the last failure's
// error at once. A caller whose ctx ends while it waits for a refresh gets
// ctx.Err(); the refresh goes on for the others. After Close it returns
// ErrCredentialClosed.
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
	// RefreshTimeout bounds each call of the refresh function; zero means
	// DefaultRefreshTimeout. When it passes, the call's ctx is cancelled
	// and the attempt counts as failed at once, whether or not the
	// function has returned. It is measured in real time, whatever Clock
	// says.
	RefreshTimeout time.Duration
	// ProactiveRefresh makes the credential refresh the token in the
	// background when it is due, even if nobody asks for it (and, after
	// failures, keep trying at the back-off's pace until Close). Without it
	// the token is refreshed when it is asked for.
	ProactiveRefresh bool
	// Clock is the source of time; nil means SystemClock.
	Clock Clock
}

// RefreshingTokenCredential keeps an ACS access token fresh with a refresh
// function of the caller's choosing, for example one that asks the
// application's own backend for a new token. It caches and refreshes the
// token like TeamsUserCredential: a valid token is returned without I/O,
// concurrent callers share one refresh, each refresh is bounded by
// RefreshTimeout, failures back off (see MaxRefreshBackoff), a failing
// refresh leaves the still-valid token in use, and Token never returns an
// expired token.
//
// It implements azcore.TokenCredential and is safe for concurrent use. Call
// Close when done with it.
type RefreshingTokenCredential struct {
	cache *tokenCache
}

// NewRefreshingTokenCredential returns a credential that calls refresh for
// each new token. A token whose ExpiresOn is zero has its expiry read from
// the token itself. refresh must return soon after its ctx ends, which
// happens at the attempt's RefreshTimeout and when the credential is closed
// (Close waits for it). It is not called concurrently with itself, except
// that a call abandoned at its timeout may still be running when the next
// attempt starts. A token that such a late call still returns is kept if it
// expires later than the cached one.
//
// An error that is or wraps an *azcore.ResponseError whose response carries
// Retry-After (or retry-after-ms, x-ms-retry-after-ms) holds the next
// attempt off for at least that long.
//
// It fails with an *ArgumentError when refresh is nil or RefreshBefore or
// RefreshTimeout is negative, and with an *InvalidTokenError when the
// initial token is given without an expiry and its expiry cannot be read.
func NewRefreshingTokenCredential(refresh func(ctx context.Context) (AccessToken, error), opts *RefreshingTokenCredentialOptions) (*RefreshingTokenCredential, error) {
	if refresh == nil {
		return nil, argErr("refresh", "is required")
	}
	if opts == nil {
		opts = &RefreshingTokenCredentialOptions{}
	}
	if opts.RefreshBefore < 0 {
		return nil, argErr("opts.RefreshBefore", "must not be negative")
	}
	if opts.RefreshTimeout < 0 {
		return nil, argErr("opts.RefreshTimeout", "must not be negative")
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
		timeout:       opts.RefreshTimeout,
		proactive:     opts.ProactiveRefresh,
	}, initial)
	return &RefreshingTokenCredential{cache: cache}, nil
}

// Token returns a valid ACS access token, from the cache or, when it is due,
// from a refresh. It never returns an expired token: without a valid one it
// waits for a refresh (at most RefreshTimeout), and while the refreshes back
// off after a failure it returns the last failure's error at once. A caller
// whose ctx ends while it waits for a refresh gets ctx.Err(); the refresh
// goes on for the others. After Close it returns ErrCredentialClosed.
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
// comparison. Everything else happens under mu: at most one refresh attempt
// (a flight) is current at a time, callers who need a new token wait for it,
// and the state is replaced when it ends. With proactive refresh a scheduler
// goroutine keeps one timer armed for the next attempt.
//
// Times of a state, for a token that expires at exp:
//
//	refreshAt: from then on a refresh is due; callers still get the cached
//	           token and the refresh runs in the background. It is
//	           exp-RefreshBefore normally, later after failures (back-off)
//	           and after refreshes that brought no newer token.
//	staleAt:   exp-min(2m, RefreshBefore); from then on (and once refreshAt
//	           has come) callers wait for the refresh, for at most
//	           maxValidWait, then take the cached token.
//	exp:       the cached token is never returned at or after exp.
//
// Attempts: each runs fetch on a context of its own that ends at the
// attempt's timeout (real time) or when the cache is closed. An attempt that
// has not returned by then is abandoned: it is recorded as a failure at once
// and the flight is over, so the next need starts a new one; fetch is left to
// return on its cancelled context, and a token it still returns is kept only
// if it is valid and expires later than the cached one. After every failure,
// with or without a valid token, retryAt holds the next attempt off
// (exponential back-off with jitter, Retry-After as a floor); until then
// callers get the cached token while it is valid and the last error
// otherwise, without waiting.

type cacheConfig struct {
	name          string
	fetch         func(context.Context) (AccessToken, error) // nil: static, never refreshed
	clock         Clock
	refreshBefore time.Duration
	timeout       time.Duration
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
	timeout       time.Duration
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
	failures int       // consecutive failed attempts
	retryAt  time.Time // after a failure, no attempt starts before it
	lastErr  error     // the error of the last attempt, while failures > 0
}

func newTokenCache(cfg cacheConfig, initial *AccessToken) *tokenCache {
	c := &tokenCache{
		name:          cfg.name,
		fetch:         cfg.fetch,
		clock:         cfg.clock,
		refreshBefore: cfg.refreshBefore,
		timeout:       cfg.timeout,
		kick:          make(chan struct{}, 1),
	}
	if c.clock == nil {
		c.clock = SystemClock()
	}
	if c.refreshBefore == 0 {
		c.refreshBefore = DefaultRefreshBefore
	}
	if c.timeout == 0 {
		c.timeout = DefaultRefreshTimeout
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

// retryBackoff is the wait after the n-th consecutive failure (n >= 1):
// d = min(minRetryBackoff·2ⁿ⁻¹, MaxRefreshBackoff), then a random time
// between d/2 and d, so that credentials that failed together (one per
// replica, say) do not all try again together.
func retryBackoff(n int) time.Duration {
	d := MaxRefreshBackoff
	if n <= 20 {
		d = min(minRetryBackoff<<(n-1), MaxRefreshBackoff)
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter is the wait that a failure asks for: an ExchangePool's
// RetryAfter, or the Retry-After of an *azcore.ResponseError's headers (the
// ACS client's errors and identity/fake's alike), at most maxRetryAfter.
func retryAfter(err error, now time.Time) time.Duration {
	if te := (*ExchangeThrottledError)(nil); errors.As(err, &te) {
		return min(te.RetryAfter, maxRetryAfter)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.RawResponse == nil {
		return 0
	}
	return min(acsclient.RetryAfter(re.RawResponse.Header, now), maxRetryAfter)
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
	for {
		c.mu.Lock()
		if c.isClosed {
			c.mu.Unlock()
			return nil, ErrCredentialClosed
		}
		now := c.clock.Now()
		s := c.cur.Load()
		valid := s != nil && now.Before(s.tok.ExpiresOn)
		if valid && now.Before(s.refreshAt) {
			c.mu.Unlock()
			return s, nil
		}
		if c.fetch == nil {
			// A static token has expired; there is no way to a new one.
			c.mu.Unlock()
			return nil, c.expired(s.tok, now)
		}
		if now.Before(c.retryAt) {
			// Backing off after a failure: no attempt, no waiting.
			err := c.lastErr
			c.mu.Unlock()
			if valid {
				return s, nil
			}
			return nil, err
		}
		f := c.flight
		if f == nil {
			f = c.startFlightLocked(ctx)
		}
		c.mu.Unlock()
		if valid && now.Before(s.staleAt) {
			return s, nil
		}

		var bound Timer
		var boundC <-chan time.Time
		if valid {
			// The cached token is still good: wait briefly for a better
			// one, never until it expires.
			bound = c.clock.NewTimer(min(maxValidWait, s.tok.ExpiresOn.Sub(now)))
			boundC = bound.C()
		}
		select {
		case <-f.done:
		case <-boundC:
			if now = c.clock.Now(); now.Before(s.tok.ExpiresOn) {
				return s, nil
			}
			continue // it expired meanwhile: wait like any caller without a token
		case <-ctx.Done():
			stopTimer(bound)
			return nil, ctx.Err()
		case <-c.ctx.Done():
			stopTimer(bound)
			return nil, ErrCredentialClosed
		}
		stopTimer(bound)
		now = c.clock.Now()
		if f.err == nil && now.Before(f.state.tok.ExpiresOn) {
			return f.state, nil
		}
		if errors.Is(f.err, ErrCredentialClosed) {
			return nil, f.err
		}
		// The attempt failed: a token that has not expired still serves.
		if s := c.cur.Load(); s != nil && now.Before(s.tok.ExpiresOn) {
			return s, nil
		}
		if f.err != nil {
			return nil, f.err
		}
		return nil, c.expired(f.state.tok, now)
	}
}

func stopTimer(t Timer) {
	if t != nil {
		t.Stop()
	}
}

func (c *tokenCache) expired(tok AccessToken, now time.Time) error {
	return fmt.Errorf("identity: %s: %w", c.name,
		&InvalidTokenError{Problem: TokenExpired, TokenKind: tokenKindACS, Claim: "exp", At: tok.ExpiresOn, Now: now})
}

// startFlightLocked starts a refresh attempt. It keeps the values of vals
// (the context of the caller who needed it, or Background for the
// scheduler) but not its cancellation: the caller may give up, the others
// still want the token.
func (c *tokenCache) startFlightLocked(vals context.Context) *refreshFlight {
	f := &refreshFlight{done: make(chan struct{})}
	c.flight = f
	c.wg.Add(1)
	go c.runFlight(vals, f)
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

type fetchResult struct {
	tok AccessToken
	err error
}

// runFlight runs one attempt: fetch on a context that ends at the attempt's
// timeout or at close, and the flight ends when fetch returns or that
// context ends, whichever comes first.
func (c *tokenCache) runFlight(vals context.Context, f *refreshFlight) {
	defer c.wg.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(vals), c.timeout)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()

	res := make(chan fetchResult, 1)
	c.wg.Add(1) // this goroutine is counted, so Add cannot race close's Wait
	go func() {
		defer c.wg.Done()
		tok, err := c.fetch(ctx)
		res <- fetchResult{tok, err}
	}()

	select {
	case r := <-res:
		if r.err != nil && ctx.Err() != nil {
			r.err = c.timedOut(r.err)
		}
		c.finish(f, r.tok, r.err)
	case <-ctx.Done():
		// Abandoned: the flight ends now, and fetch, whose context has
		// ended, is left to return.
		c.finish(f, AccessToken{}, c.timedOut(nil))
		if r := <-res; r.err == nil {
			c.adoptLate(r.tok)
		}
	}
}

// timedOut is the error of an attempt whose context ended (at the timeout;
// close is told apart by finish), keeping what fetch said, if anything.
func (c *tokenCache) timedOut(err error) error {
	msg := fmt.Sprintf("no token within the refresh timeout of %v", c.timeout)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w (%w)", msg, context.DeadlineExceeded, err)
	}
	return fmt.Errorf("%s: %w", msg, context.DeadlineExceeded)
}

// finish records the end of the current attempt and releases its waiters.
func (c *tokenCache) finish(f *refreshFlight, tok AccessToken, err error) {
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
		if err != nil {
			f.err = c.failLocked(err, now)
		} else {
			f.state = c.storeLocked(tok, now)
		}
	}
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
	c.kickScheduler()
}

// failLocked records a failed attempt and sets the back-off; it returns the
// error callers get.
func (c *tokenCache) failLocked(err error, now time.Time) error {
	c.failures++
	d := retryBackoff(c.failures)
	old := c.cur.Load()
	valid := old != nil && now.Before(old.tok.ExpiresOn)
	if valid {
		// Try again before the token runs out, unless the service says
		// otherwise.
		d = min(d, halfLife(old.tok.ExpiresOn, now))
	}
	d = max(d, retryAfter(err, now))
	c.retryAt = now.Add(d)
	c.lastErr = fmt.Errorf("identity: %s: refresh the token: %w", c.name, err)
	if valid {
		c.cur.Store(c.newState(old.tok, c.retryAt))
	}
	return c.lastErr
}

// storeLocked records a new, valid token and ends any back-off; it returns
// the state that now answers callers.
func (c *tokenCache) storeLocked(tok AccessToken, now time.Time) *tokenState {
	c.failures, c.retryAt, c.lastErr = 0, time.Time{}, nil
	old := c.cur.Load()
	var s *tokenState
	if old != nil && !tok.ExpiresOn.After(old.tok.ExpiresOn) {
		// No newer token (an Entra credential may hand out the same cached
		// token again): try again at half the remaining lifetime rather
		// than right away.
		best := tok
		if old.tok.ExpiresOn.After(tok.ExpiresOn) {
			best = old.tok
		}
		s = c.newState(best, now.Add(halfLife(best.ExpiresOn, now)))
	} else {
		s = c.newState(tok, c.nextRefresh(tok.ExpiresOn, now))
	}
	c.cur.Store(s)
	return s
}

// adoptLate keeps a token that an abandoned attempt returned after all, if
// it is valid and expires later than the cached one.
func (c *tokenCache) adoptLate(tok AccessToken) {
	tok, err := completeToken(tok)
	if err != nil {
		return
	}
	c.mu.Lock()
	now := c.clock.Now()
	old := c.cur.Load()
	adopt := !c.isClosed && now.Before(tok.ExpiresOn) && (old == nil || tok.ExpiresOn.After(old.tok.ExpiresOn))
	if adopt {
		c.storeLocked(tok, now)
	}
	c.mu.Unlock()
	if adopt {
		c.kickScheduler()
	}
}

// dueLocked is when the scheduler should start the next attempt: at the
// state's refresh time while its token is valid, and after expiry once the
// back-off allows. It reports false when there is nothing to schedule: no
// token yet (the first is fetched when asked for), an attempt in flight, or
// the cache closed.
func (c *tokenCache) dueLocked(now time.Time) (time.Time, bool) {
	s := c.cur.Load()
	if s == nil || c.flight != nil || c.isClosed {
		return time.Time{}, false
	}
	if now.Before(s.tok.ExpiresOn) {
		return s.refreshAt, true
	}
	return c.retryAt, true
}

// schedule keeps a timer armed for the next attempt and starts the attempt
// when it fires. A timer stays armed until the time it was armed for changes.
func (c *tokenCache) schedule() {
	defer c.wg.Done()
	var (
		timer   Timer
		fire    <-chan time.Time
		armedAt time.Time
	)
	disarm := func() {
		stopTimer(timer)
		timer, fire = nil, nil
	}
	defer disarm()
	for {
		c.mu.Lock()
		now := c.clock.Now()
		due, ok := c.dueLocked(now)
		if !ok || timer == nil || !due.Equal(armedAt) {
			disarm()
			if ok {
				timer = c.clock.NewTimer(due.Sub(now))
				fire, armedAt = timer.C(), due
			}
		}
		c.mu.Unlock()

		select {
		case <-fire:
			timer, fire = nil, nil
			c.mu.Lock()
			if due, ok := c.dueLocked(c.clock.Now()); ok && !c.clock.Now().Before(due) {
				c.startFlightLocked(context.Background())
			}
			c.mu.Unlock()
		case <-c.kick:
		case <-c.ctx.Done():
			return
		}
	}
}

// close cancels the attempts and the scheduler and waits for them.
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
