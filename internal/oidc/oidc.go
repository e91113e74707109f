// Package oidc validates the RS256 JSON Web Tokens of an OpenID Connect
// issuer against the keys the issuer publishes: it reads the issuer's
// discovery document, follows its jwks_uri, caches the signing keys, refreshes
// them when a token names a key id it does not know (no more often than a
// minimum interval, so forged key ids cannot make it hammer the issuer), and
// checks a token's signature, times, audience and issuer.
//
// It is generic on purpose: the teamsuser token service uses it for Microsoft
// Entra ID caller tokens (issuer per tenant, through Checks.Issuer), and ACS
// Call Automation callback tokens (one issuer, taken from the discovery
// document) fit the same Provider.
//
// Errors are *Error values, which never contain a token or any part of one.
package oidc

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// Defaults of ProviderOptions and Checks.
const (
	// DefaultMinRefreshInterval is the least time between two fetches of the
	// keys caused by tokens with an unknown key id.
	DefaultMinRefreshInterval = 5 * time.Minute
	// DefaultMaxAge is how long fetched keys are used before they are
	// fetched again.
	DefaultMaxAge = 24 * time.Hour
	// DefaultFetchTimeout bounds one fetch of the discovery document and the
	// keys together.
	DefaultFetchTimeout = 10 * time.Second
	// DefaultClockSkew is the tolerance on a token's "exp" and "nbf".
	DefaultClockSkew = 2 * time.Minute
	// failureBackoff is the least time between a failed fetch and the next
	// attempt (or MinRefreshInterval, if that is shorter).
	failureBackoff = 10 * time.Second
	// maxDocumentSize bounds the discovery document and the key set.
	maxDocumentSize = 1 << 20
)

// Metadata is the part of an OpenID Connect discovery document
// (".well-known/openid-configuration") that token validation needs.
type Metadata struct {
	// Issuer is the issuer identifier. Microsoft Entra ID's multi-tenant
	// documents hold the placeholder "{tenantid}" in it.
	Issuer string `json:"issuer"`
	// JWKSURI is the address of the issuer's signing keys (a JWKS document).
	JWKSURI string `json:"jwks_uri"`
	// SigningAlgs are the signing algorithms of ID tokens, if given.
	SigningAlgs []string `json:"id_token_signing_alg_values_supported,omitempty"`
}

// ProviderOptions configure a Provider. The zero value is usable.
type ProviderOptions struct {
	// HTTPClient fetches the discovery document and the keys; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MinRefreshInterval is the least time between two fetches caused by
	// unknown key ids; zero means DefaultMinRefreshInterval.
	MinRefreshInterval time.Duration
	// MaxAge is how long keys are used before they are fetched again; zero
	// means DefaultMaxAge. It is never less than MinRefreshInterval. When a
	// refresh fails, the old keys stay in use.
	MaxAge time.Duration
	// FetchTimeout bounds one refresh (discovery document and keys); zero
	// means DefaultFetchTimeout.
	FetchTimeout time.Duration
}

// Provider is the key source of one issuer: its discovery document and its
// signing keys, fetched on first use and cached. A Provider is safe for
// concurrent use.
//
// A fetch belongs to the Provider, not to the request that caused it: it
// runs in a goroutine of its own, bounded by FetchTimeout, and every caller
// that needs it waits for it only as long as its own context allows. A
// caller that gives up does not end the fetch, and the attempt counts for
// everybody: however many callers hang up, the issuer sees at most one
// fetch per MinRefreshInterval (one per failure back-off after a failure).
// Close ends a fetch in flight and waits for its goroutine; without Close,
// the goroutine ends within FetchTimeout.
type Provider struct {
	discoveryURL string
	client       *http.Client
	now          func() time.Time
	minRefresh   time.Duration
	maxAge       time.Duration
	timeout      time.Duration

	static    jwt.KeySet // set by NewStaticProvider: no fetching
	staticMD  Metadata
	isStatic  bool
	fetchHook func() // tests: called before every fetch, in its goroutine

	ctx    context.Context // of the fetches; ended by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the fetch goroutine, if any

	mu        sync.Mutex
	md        Metadata
	keys      map[string]*rsa.PublicKey // nil until the first successful fetch
	fetchedAt time.Time                 // last successful fetch
	attemptAt time.Time                 // end of the last fetch
	lastErr   error                     // error of that fetch, nil if it succeeded
	inflight  chan struct{}             // closed when the fetch in flight ends
	closed    bool
	fetches   int
}

// errClosed is the cause of Unavailable once the Provider is closed.
var errClosed = errors.New("oidc: the provider is closed")

// CheckURL reports whether u can be fetched securely: an absolute https URL,
// or an http URL of a loopback host (for tests and local development).
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil || p.Fragment != "" {
		return errors.New("is not an absolute URL")
	}
	switch p.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(p.Hostname()) {
			return nil
		}
		return errors.New("must use https (http is allowed only for a loopback host)")
	}
	return errors.New("must use https")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NewProvider returns a Provider that reads the discovery document at
// discoveryURL, for example
// "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration".
// Nothing is fetched until a key is needed. opts may be nil.
func NewProvider(discoveryURL string, opts *ProviderOptions) (*Provider, error) {
	if err := CheckURL(discoveryURL); err != nil {
		return nil, fmt.Errorf("oidc: discovery URL %w", err)
	}
	var o ProviderOptions
	if opts != nil {
		o = *opts
	}
	p := &Provider{
		discoveryURL: discoveryURL,
		client:       o.HTTPClient,
		now:          o.Now,
		minRefresh:   o.MinRefreshInterval,
		maxAge:       o.MaxAge,
		timeout:      o.FetchTimeout,
	}
	if p.client == nil {
		p.client = http.DefaultClient
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.minRefresh <= 0 {
		p.minRefresh = DefaultMinRefreshInterval
	}
	if p.maxAge <= 0 {
		p.maxAge = DefaultMaxAge
	}
	if p.maxAge < p.minRefresh {
		p.maxAge = p.minRefresh
	}
	if p.timeout <= 0 {
		p.timeout = DefaultFetchTimeout
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p, nil
}

// Close ends the fetch in flight, if any, waits for its goroutine to
// return, and stops further fetches: keys already fetched stay in use. It
// may be called more than once. A static Provider has nothing to close.
func (p *Provider) Close() {
	if p.isStatic {
		return
	}
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
}

// NewStaticProvider returns a Provider that never fetches anything: md is
// its metadata (only Issuer matters) and keys its signing keys. It is for
// issuers whose keys are configured rather than discovered, and for tests.
// now may be nil (time.Now).
func NewStaticProvider(md Metadata, keys jwt.KeySet, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	return &Provider{static: keys, staticMD: md, isStatic: true, now: now}
}

// Fetches returns how many times the Provider has fetched its documents
// (successfully or not), for tests and metrics.
func (p *Provider) Fetches() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetches
}

// Metadata returns the issuer's metadata, fetching it (with the keys) if it
// has not been fetched yet.
func (p *Provider) Metadata(ctx context.Context) (Metadata, error) {
	if p.isStatic {
		return p.staticMD, nil
	}
	p.mu.Lock()
	if p.keys != nil {
		md := p.md
		p.mu.Unlock()
		return md, nil
	}
	p.mu.Unlock()
	if _, err := p.key(ctx, ""); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Problem == Untrusted {
			// The keys were fetched; there is just no key "".
		} else {
			return Metadata{}, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.md, nil
}

// Key returns the issuer's signing key with the key id kid. A kid that the
// cached keys do not have causes a refresh, unless one happened less than
// MinRefreshInterval ago; the caller waits for it until ctx ends. A key
// older than MaxAge is refreshed the same way, and still used if the
// refresh fails. Errors are *Error: Untrusted when the issuer has no such
// key, Unavailable when the keys cannot be fetched, or the context's error.
func (p *Provider) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if kid == "" {
		return nil, &Error{Problem: Untrusted, Detail: "the token names no signing key"}
	}
	return p.key(ctx, kid)
}

func (p *Provider) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if p.isStatic {
		if p.static == nil {
			return nil, &Error{Problem: Untrusted, Detail: "no signing keys are configured"}
		}
		k, err := p.static.Key(kid)
		if err != nil || k == nil {
			return nil, &Error{Problem: Untrusted, Detail: "the issuer has no signing key with the token's key id"}
		}
		return k, nil
	}
	waited := false
	for {
		p.mu.Lock()
		now := p.now()
		k, known := p.keys[kid]
		stale := p.keys == nil || now.Sub(p.fetchedAt) >= p.maxAge
		if known && !stale {
			p.mu.Unlock()
			return k, nil
		}
		done := p.inflight
		if done == nil && !waited && !p.closed && p.refreshDue(now) {
			done = p.startFetch()
		}
		if done == nil || waited {
			if known { // stale, but the refresh failed or is not due: keep using it
				p.mu.Unlock()
				return k, nil
			}
			haveKeys, lastErr, closed := p.keys != nil, p.lastErr, p.closed
			p.mu.Unlock()
			if !haveKeys {
				if lastErr == nil && closed {
					lastErr = errClosed
				}
				return nil, &Error{Problem: Unavailable, Detail: "the issuer's signing keys cannot be fetched", Err: lastErr}
			}
			return nil, &Error{Problem: Untrusted, Detail: "the issuer has no signing key with the token's key id"}
		}
		p.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			// The fetch goes on without this caller, and counts.
			return nil, ctx.Err()
		}
		waited = true
	}
}

// startFetch starts a fetch in its own goroutine, on the Provider's
// context with its own timeout, and returns the channel closed when it
// ends. p.mu is held and no fetch is in flight.
func (p *Provider) startFetch() chan struct{} {
	done := make(chan struct{})
	p.inflight = done
	p.fetches++
	hook := p.fetchHook
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if hook != nil {
			hook()
		}
		ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
		md, keys, err := p.fetch(ctx)
		cancel()

		p.mu.Lock()
		defer p.mu.Unlock()
		end := p.now()
		switch {
		case err == nil:
			p.md, p.keys, p.fetchedAt, p.attemptAt, p.lastErr = md, keys, end, end, nil
		case p.ctx.Err() != nil:
			// Closed: the fetch was cut short and says nothing of the issuer.
		default:
			p.attemptAt, p.lastErr = end, err
		}
		p.inflight = nil
		close(done)
	}()
	return done
}

// refreshDue reports whether a fetch may start at now. p.mu is held.
func (p *Provider) refreshDue(now time.Time) bool {
	if p.attemptAt.IsZero() {
		return true
	}
	since := now.Sub(p.attemptAt)
	if p.lastErr != nil {
		return since >= min(failureBackoff, p.minRefresh)
	}
	return since >= p.minRefresh
}

// fetch reads the discovery document and then the key set it points to.
func (p *Provider) fetch(ctx context.Context) (Metadata, map[string]*rsa.PublicKey, error) {
	var md Metadata
	if err := p.getJSON(ctx, p.discoveryURL, "discovery document", &md); err != nil {
		return Metadata{}, nil, err
	}
	if md.Issuer == "" {
		return Metadata{}, nil, errors.New("oidc: the discovery document has no issuer")
	}
	if err := CheckURL(md.JWKSURI); err != nil {
		return Metadata{}, nil, fmt.Errorf("oidc: the discovery document's jwks_uri %w", err)
	}
	var set jwt.JWKS
	if err := p.getJSON(ctx, md.JWKSURI, "key set", &set); err != nil {
		return Metadata{}, nil, err
	}
	keys := make(map[string]*rsa.PublicKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.Kid == "" {
			continue
		}
		if _, dup := keys[k.Kid]; dup {
			continue
		}
		if pub, err := k.PublicKey(); err == nil {
			keys[k.Kid] = pub
		}
	}
	if len(keys) == 0 {
		return Metadata{}, nil, errors.New("oidc: the key set has no usable RS256 signing key")
	}
	return md, keys, nil
}

func (p *Provider) getJSON(ctx context.Context, u, what string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("oidc: cannot build the request for the %s", what)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("oidc: fetching the %s: %w", what, ctx.Err())
		}
		return fmt.Errorf("oidc: fetching the %s failed: %w", what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDocumentSize))
		return fmt.Errorf("oidc: fetching the %s: status %d", what, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize+1))
	if err != nil {
		return fmt.Errorf("oidc: reading the %s failed: %w", what, err)
	}
	if len(body) > maxDocumentSize {
		return fmt.Errorf("oidc: the %s is larger than %d bytes", what, maxDocumentSize)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("oidc: the %s is not valid JSON of the expected shape", what)
	}
	return nil
}

// Problem says why a token was refused.
type Problem int

// The problems an *Error reports.
const (
	// Malformed: the token is not a well-formed RS256 JWT, or a claim has
	// the wrong type or is missing.
	Malformed Problem = iota + 1
	// Untrusted: the signature does not verify with the issuer's keys,
	// or the token names a key the issuer does not have.
	Untrusted
	// Expired: the token's "exp" has passed (beyond the clock skew).
	Expired
	// NotYetValid: the token's "nbf" has not come yet (beyond the skew).
	NotYetValid
	// WrongAudience: the token is for another audience.
	WrongAudience
	// WrongIssuer: the token's "iss" is not the expected issuer.
	WrongIssuer
	// Unavailable: the issuer's keys cannot be fetched, so the token cannot
	// be checked. It is the only problem that is not the token's fault.
	Unavailable
)

var problemNames = [...]string{"", "malformed", "untrusted", "expired", "not yet valid", "wrong audience", "wrong issuer", "unavailable"}

// String returns the problem's name.
func (p Problem) String() string {
	if p > 0 && int(p) < len(problemNames) {
		return problemNames[p]
	}
	return "problem(" + strconv.Itoa(int(p)) + ")"
}

// Error reports a token that was refused, or keys that could not be
// fetched. It never contains the token.
type Error struct {
	// Problem says what is wrong.
	Problem Problem
	// Detail says more, in a lowercase phrase.
	Detail string
	// Err is the cause, if any: for Unavailable, the fetch error; for
	// Malformed and Untrusted, the *jwt.Error.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	s := "oidc: token " + e.Problem.String()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil && e.Problem == Unavailable {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
