package calling

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
	"github.com/teamsuser-sdk/teamsuser-go/internal/oidc"
)

// Where ACS Call Automation publishes the keys that sign its callback
// tokens, and the issuer of those tokens.
const (
	// CallbackOpenIDConfigurationURL is the OpenID Connect discovery
	// document of Call Automation's callback tokens; its jwks_uri names
	// the signing keys.
	CallbackOpenIDConfigurationURL = "https://acscallautomation.communication.azure.com/calling/.well-known/acsopenidconfiguration"
	// CallbackIssuer is the "iss" of Call Automation's callback tokens.
	CallbackIssuer = "https://acscallautomation.communication.azure.com"
)

// Defaults of CallbackAuthOptions.
const (
	// DefaultCallbackKeyRefreshInterval is the least time between two
	// fetches of the signing keys caused by tokens naming an unknown key,
	// so that forged key ids cannot make the application hammer ACS.
	DefaultCallbackKeyRefreshInterval = 5 * time.Minute
	// DefaultCallbackClockSkew is the tolerance on a token's "exp" and
	// "nbf". Call Automation's tokens live five minutes.
	DefaultCallbackClockSkew = 2 * time.Minute
)

// CallbackKeySet finds the RSA public key that verifies callback tokens
// with a given key id ("kid"). It is how a CallbackAuthenticator is given
// fixed keys instead of fetching ACS's; package calling/callbacktest
// provides one for tests.
type CallbackKeySet interface {
	// Key returns the key with that id, or an error if there is none.
	Key(kid string) (*rsa.PublicKey, error)
}

// CallbackAuthOptions are the optional parameters of
// NewCallbackAuthenticator (and, embedded in CallbackHandlerOptions, of
// NewCallbackHandler): how Call Automation callbacks are authenticated.
// Every callback carries "Authorization: Bearer <JWT>", an RS256 token of
// issuer CallbackIssuer whose audience is the immutable resource id of the
// ACS resource, signed with a key published through
// CallbackOpenIDConfigurationURL. The zero value, or nil, is usable.
type CallbackAuthOptions struct {
	// ExtraAudiences are more accepted audiences, for an application that
	// serves callbacks of several ACS resources.
	ExtraAudiences []string
	// OpenIDConfigurationURL is the discovery document; empty means
	// CallbackOpenIDConfigurationURL. It must be https, or http on a
	// loopback host (tests). Ignored when KeySet is set.
	OpenIDConfigurationURL string
	// Issuer is the required "iss"; empty means CallbackIssuer.
	Issuer string
	// HTTPClient fetches the discovery document and the keys; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// KeySet, when set, is the fixed set of signing keys: nothing is
	// fetched. For tests (see calling/callbacktest) and for keys pinned by
	// configuration.
	KeySet CallbackKeySet
	// KeyRefreshInterval is the least time between two key fetches caused
	// by unknown key ids; zero means DefaultCallbackKeyRefreshInterval.
	// Keys are also fetched again once a day.
	KeyRefreshInterval time.Duration
	// ClockSkew is the tolerance on the token's times; zero means
	// DefaultCallbackClockSkew, a negative value none.
	ClockSkew time.Duration
	// Clock is the time against which the tokens' times are checked, and
	// which paces the key fetches; nil means the system clock.
	Clock identity.Clock
}

// CallbackAuthenticator checks the bearer tokens of Call Automation
// callbacks. A CallbackHandler uses one; applications with their own
// routing can use it directly. It caches the signing keys and is safe for
// concurrent use.
type CallbackAuthenticator struct {
	provider *oidc.Provider
	checks   oidc.Checks
	issuer   string
}

// NewCallbackAuthenticator returns an authenticator of the callbacks of
// the ACS resource whose immutable resource id is audience (a GUID shown in
// the resource's Properties page in the Azure portal, not its name or its
// ARM resource id), configured by opts, which may be nil. Nothing is
// fetched until the first token is checked. Errors are *ArgumentError.
func NewCallbackAuthenticator(audience string, opts *CallbackAuthOptions) (*CallbackAuthenticator, error) {
	var o CallbackAuthOptions
	if opts != nil {
		o = *opts
	}
	if strings.TrimSpace(audience) == "" {
		return nil, &ArgumentError{Arg: "audience", Problem: "is required: the immutable resource id of the ACS resource"}
	}
	issuer := o.Issuer
	if issuer == "" {
		issuer = CallbackIssuer
	}
	a := &CallbackAuthenticator{issuer: issuer}
	a.checks = oidc.Checks{
		Audiences: append([]string{audience}, o.ExtraAudiences...),
		ClockSkew: o.ClockSkew,
		Issuer: func(iss string, _ oidc.Metadata, _ *jwt.Token) error {
			if iss == "" || iss != issuer {
				return &oidc.Error{Problem: oidc.WrongIssuer, Detail: "it was not issued by the expected issuer"}
			}
			return nil
		},
	}
	var now func() time.Time // nil: oidc's time.Now
	if o.Clock != nil {
		now = o.Clock.Now
	}
	if o.KeySet != nil {
		a.provider = oidc.NewStaticProvider(oidc.Metadata{Issuer: issuer}, jwt.KeySetFunc(o.KeySet.Key), now)
		return a, nil
	}
	u := o.OpenIDConfigurationURL
	if u == "" {
		u = CallbackOpenIDConfigurationURL
	}
	if err := oidc.CheckURL(u); err != nil {
		return nil, &ArgumentError{Arg: "opts.OpenIDConfigurationURL", Problem: "must be an https URL (or http on a loopback host)"}
	}
	p, err := oidc.NewProvider(u, &oidc.ProviderOptions{
		HTTPClient:         o.HTTPClient,
		Now:                now,
		MinRefreshInterval: o.KeyRefreshInterval,
	})
	if err != nil {
		return nil, &ArgumentError{Arg: "opts.OpenIDConfigurationURL", Problem: "cannot be used"}
	}
	a.provider = p
	return a, nil
}

// Close ends a key fetch in flight and waits for it to return; tokens are
// then checked against the keys already fetched, and none are fetched any
// more. A CallbackHandler closes its own authenticator when it is shut
// down. Without Close, a fetch in flight still ends within its timeout
// (ten seconds): a fetch belongs to the authenticator, not to the request
// that caused it, so a sender that hangs up neither stops it nor makes
// the next request start another. It returns nil.
func (a *CallbackAuthenticator) Close() error {
	a.provider.Close()
	return nil
}

// Issuer returns the issuer the authenticator requires.
func (a *CallbackAuthenticator) Issuer() string { return a.issuer }

// AuthenticateRequest checks the "Authorization: Bearer" token of a
// callback request. Errors are *CallbackAuthError (or the context's error
// when ctx ends while keys are fetched).
func (a *CallbackAuthenticator) AuthenticateRequest(ctx context.Context, r *http.Request) error {
	tok, ok := bearerToken(r)
	if !ok {
		return &CallbackAuthError{Reason: AuthMissingCredentials}
	}
	return a.AuthenticateToken(ctx, tok)
}

// AuthenticateToken checks a callback token: RS256 signature by a key of
// the issuer, "exp" and "nbf", audience and issuer. Errors are
// *CallbackAuthError (or the context's error).
func (a *CallbackAuthenticator) AuthenticateToken(ctx context.Context, token string) error {
	if token == "" {
		return &CallbackAuthError{Reason: AuthMissingCredentials}
	}
	_, err := a.provider.Validate(ctx, token, &a.checks)
	if err == nil {
		return nil
	}
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		return err // the context's error
	}
	reason := AuthMalformedToken
	switch oe.Problem {
	case oidc.Untrusted:
		reason = AuthUntrustedToken
	case oidc.Expired:
		reason = AuthExpiredToken
	case oidc.NotYetValid:
		reason = AuthTokenNotYetValid
	case oidc.WrongAudience:
		reason = AuthWrongAudience
	case oidc.WrongIssuer:
		reason = AuthWrongIssuer
	case oidc.Unavailable:
		reason = AuthKeysUnavailable
	}
	return &CallbackAuthError{Reason: reason, Detail: oe.Detail, Err: oe.Err}
}

// issuedHere reports whether token claims (unverified) to be from the
// authenticator's issuer: the cheap test that routes a bearer token to
// this authenticator rather than to an Event Grid validator.
func (a *CallbackAuthenticator) issuedHere(token string) bool {
	t, err := jwt.Parse(token)
	if err != nil {
		return false
	}
	iss, err := t.StringClaim("iss")
	return err == nil && iss == a.issuer
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", false
	}
	t := strings.TrimSpace(h[len(scheme):])
	return t, t != ""
}

// CallbackAuthReason says why a request was not authenticated.
type CallbackAuthReason string

// The reasons of a CallbackAuthError. All but AuthKeysUnavailable are the
// request's fault (a CallbackHandler answers 401); AuthKeysUnavailable
// means the signing keys could not be fetched (503, the sender retries).
const (
	// AuthMissingCredentials: no bearer token (and no Event Grid
	// credential, for a CallbackHandler).
	AuthMissingCredentials CallbackAuthReason = "missing credentials"
	// AuthMalformedToken: the token is not a well-formed RS256 JWT, or a
	// claim is missing or of the wrong type.
	AuthMalformedToken CallbackAuthReason = "malformed token"
	// AuthUntrustedToken: the signature does not verify with the issuer's
	// keys, or names a key the issuer does not have.
	AuthUntrustedToken CallbackAuthReason = "untrusted token"
	// AuthExpiredToken: the token has expired.
	AuthExpiredToken CallbackAuthReason = "expired token"
	// AuthTokenNotYetValid: the token's "nbf" is in the future.
	AuthTokenNotYetValid CallbackAuthReason = "token not yet valid"
	// AuthWrongAudience: the token is for another ACS resource.
	AuthWrongAudience CallbackAuthReason = "wrong audience"
	// AuthWrongIssuer: the token is not from the expected issuer.
	AuthWrongIssuer CallbackAuthReason = "wrong issuer"
	// AuthKeysUnavailable: the issuer's signing keys cannot be fetched.
	AuthKeysUnavailable CallbackAuthReason = "signing keys unavailable"
	// AuthEventGridRefused: the Event Grid validator or secret refused the
	// delivery.
	AuthEventGridRefused CallbackAuthReason = "event grid delivery refused"
	// AuthCallbackEventNeedsToken: a delivery authenticated as Event Grid
	// held an event of another type than IncomingCall or the subscription
	// validation (compared exactly), for example a Call Automation
	// callback event, which only comes with a Call Automation token.
	AuthCallbackEventNeedsToken CallbackAuthReason = "callback events need a call automation token"
)

// CallbackAuthError reports a request that was not authenticated. It never
// holds the token or the secret.
type CallbackAuthError struct {
	// Reason says why.
	Reason CallbackAuthReason
	// Detail says more, in a lowercase phrase, when there is more to say.
	Detail string
	// Err is the cause, if any (for AuthKeysUnavailable, the fetch error;
	// for AuthEventGridRefused, the validator's error).
	Err error
}

// Error implements error.
func (e *CallbackAuthError) Error() string {
	s := "calling: callback not authenticated: " + string(e.Reason)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the cause.
func (e *CallbackAuthError) Unwrap() error { return e.Err }
