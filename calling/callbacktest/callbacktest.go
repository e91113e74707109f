// Package callbacktest stands in for the token issuer of ACS Call
// Automation in tests: it mints callback tokens signed with a test key,
// gives a calling.CallbackHandler that key (directly, or through an OpenID
// configuration and JWKS it serves over HTTP), and posts signed callback
// deliveries to a handler.
//
// The fake switchboard of calling/fake signs its callbacks with an Issuer;
// applications use one to test their callback endpoints:
//
//	iss := callbacktest.NewIssuer("my-acs-resource-id", nil)
//	h, _ := calling.NewCallbackHandler(iss.Audience(), iss.HandlerOptions())
//	srv := httptest.NewServer(h)
//	resp, _ := iss.Post(ctx, srv.Client(), srv.URL, &calling.CallConnected{...})
//
// Nothing here is for production: the keys are generated in memory and
// the tokens trusted only by handlers configured with this Issuer.
package callbacktest

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// TokenLifetime is the lifetime of the tokens an Issuer mints, that of
// Call Automation's callback tokens: "The lifetime of the JWT is five (5)
// minutes and a new token is created for every event sent to the callback
// URI" (Learn: Call Automation, secure webhook endpoint).
const TokenLifetime = 5 * time.Minute

// Paths of the documents Issuer.Handler serves.
const (
	OpenIDConfigurationPath = "/calling/.well-known/acsopenidconfiguration"
	KeysPath                = "/calling/keys"
)

// IssuerOptions configure an Issuer. The zero value is usable.
type IssuerOptions struct {
	// Key is the signing key; nil means a new 2048-bit RSA key. Passing
	// one key to several issuers saves the time of generating it.
	Key *rsa.PrivateKey
	// KeyID is the key's "kid"; empty means the key's RFC 7638 thumbprint.
	KeyID string
	// Issuer is the tokens' "iss"; empty means calling.CallbackIssuer.
	Issuer string
	// Clock dates the tokens; nil means the system clock.
	Clock identity.Clock
}

// Issuer mints Call Automation callback tokens for one audience (the ACS
// resource's immutable id). It is safe for concurrent use.
type Issuer struct {
	audience string
	issuer   string
	clock    identity.Clock  // never nil
	keys     *fakekit.Issuer // the fakes' token issuer: key, rotation, JWKS

	mu   sync.Mutex
	hits int // requests served by Handler
}

// NewIssuer returns an Issuer of tokens for audience. It panics only if
// the system's random source fails, as crypto/rsa does.
func NewIssuer(audience string, opts *IssuerOptions) *Issuer {
	var o IssuerOptions
	if opts != nil {
		o = *opts
	}
	i := &Issuer{audience: audience, issuer: o.Issuer, clock: o.Clock, keys: fakekit.NewIssuer(o.Key, o.KeyID)}
	if i.issuer == "" {
		i.issuer = calling.CallbackIssuer
	}
	if i.clock == nil {
		i.clock = identity.SystemClock()
	}
	return i
}

// Audience returns the audience of the tokens.
func (i *Issuer) Audience() string { return i.audience }

// IssuerURL returns the tokens' "iss".
func (i *Issuer) IssuerURL() string { return i.issuer }

// KeyID returns the "kid" of the current signing key.
func (i *Issuer) KeyID() string { return i.keys.KeyID() }

// RotateKey replaces the signing key with a new one (key, or a generated
// key when nil) with key id kid (its thumbprint when empty). The old key
// stays in the published key set, as a real issuer keeps it while tokens
// it signed are alive; RetireOldKeys removes it.
func (i *Issuer) RotateKey(key *rsa.PrivateKey, kid string) { i.keys.RotateKey(key, kid) }

// RetireOldKeys stops publishing the keys replaced by RotateKey.
func (i *Issuer) RetireOldKeys() { i.keys.RetireOldKeys() }

// KeySet returns the published keys as a calling.CallbackKeySet, for
// CallbackAuthOptions.KeySet. It follows RotateKey and RetireOldKeys.
func (i *Issuer) KeySet() calling.CallbackKeySet { return keySet{i} }

type keySet struct{ i *Issuer }

func (k keySet) Key(kid string) (*rsa.PublicKey, error) { return k.i.keys.JWKS().Key(kid) }

// HandlerOptions returns new handler options that trust this Issuer's keys
// (KeySet) and issuer, with the handler's defaults for everything else, for
// calling.NewCallbackHandler(i.Audience(), opts).
func (i *Issuer) HandlerOptions() *calling.CallbackHandlerOptions {
	return &calling.CallbackHandlerOptions{CallbackAuthOptions: *i.AuthOptions()}
}

// AuthOptions returns new authenticator options that trust this Issuer's
// keys and issuer, for calling.NewCallbackAuthenticator(i.Audience(), opts).
func (i *Issuer) AuthOptions() *calling.CallbackAuthOptions {
	return &calling.CallbackAuthOptions{Issuer: i.issuer, KeySet: i.KeySet(), Clock: i.clock}
}

// TokenOption changes a token minted by Token.
type TokenOption func(*tokenSpec)

type tokenSpec struct {
	claims   map[string]any
	kid      string
	key      *rsa.PrivateKey
	lifetime time.Duration
	at       time.Time
}

// WithAudience sets the token's "aud".
func WithAudience(aud string) TokenOption {
	return func(s *tokenSpec) { s.claims["aud"] = aud }
}

// WithIssuer sets the token's "iss".
func WithIssuer(iss string) TokenOption {
	return func(s *tokenSpec) { s.claims["iss"] = iss }
}

// WithLifetime sets how long after its issue the token expires.
func WithLifetime(d time.Duration) TokenOption {
	return func(s *tokenSpec) { s.lifetime = d }
}

// IssuedAt sets the time the token is issued at (its "iat" and "nbf").
func IssuedAt(t time.Time) TokenOption {
	return func(s *tokenSpec) { s.at = t }
}

// Expired makes a token that expired an hour ago.
func Expired() TokenOption {
	return func(s *tokenSpec) { s.at = s.at.Add(-time.Hour - TokenLifetime) }
}

// NotYetValid makes a token whose "nbf" is an hour ahead.
func NotYetValid() TokenOption {
	return func(s *tokenSpec) { s.at = s.at.Add(time.Hour) }
}

// WithKeyID sets the "kid" of the token's header, without changing the
// key that signs it.
func WithKeyID(kid string) TokenOption {
	return func(s *tokenSpec) { s.kid = kid }
}

// SignedWith signs the token with another key (a forger's), keeping the
// Issuer's key id unless WithKeyID says otherwise.
func SignedWith(key *rsa.PrivateKey) TokenOption {
	return func(s *tokenSpec) { s.key = key }
}

// WithClaim sets a claim; a nil value removes it.
func WithClaim(name string, value any) TokenOption {
	return func(s *tokenSpec) {
		if value == nil {
			delete(s.claims, name)
			return
		}
		s.claims[name] = value
	}
}

// Token mints a callback token: RS256, "kid" of the current key, claims
// iss, aud, iat, nbf and exp (TokenLifetime after issue), as Call
// Automation's.
func (i *Issuer) Token(opts ...TokenOption) (string, error) {
	s := tokenSpec{
		claims:   map[string]any{"iss": i.issuer, "aud": i.audience},
		lifetime: TokenLifetime,
		at:       i.clock.Now(),
	}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	for name, v := range map[string]int64{"iat": s.at.Unix(), "nbf": s.at.Unix(), "exp": s.at.Add(s.lifetime).Unix()} {
		if _, set := s.claims[name]; !set {
			s.claims[name] = v
		}
	}
	// An empty kid and a nil key are the current ones.
	return i.keys.SignHeader(jwt.Header{Kid: s.kid}, s.key, s.claims)
}

// Authorize sets "Authorization: Bearer <token>" on r with a new token.
func (i *Issuer) Authorize(r *http.Request, opts ...TokenOption) error {
	tok, err := i.Token(opts...)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// NewRequest returns a callback POST of body to url, with the headers Call
// Automation sends: JSON content type and a new bearer token.
func (i *Issuer) NewRequest(ctx context.Context, url string, body []byte, opts ...TokenOption) (*http.Request, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	if err := i.Authorize(r, opts...); err != nil {
		return nil, err
	}
	return r, nil
}

// Post delivers events as one signed callback (a JSON array of
// CloudEvents, see calling.MarshalCloudEvents) to url with client (nil
// means http.DefaultClient). The caller closes the response body.
func (i *Issuer) Post(ctx context.Context, client *http.Client, url string, events ...calling.Event) (*http.Response, error) {
	body, err := calling.MarshalCloudEvents(events...)
	if err != nil {
		return nil, err
	}
	r, err := i.NewRequest(ctx, url, body)
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = http.DefaultClient
	}
	return client.Do(r)
}

// Handler serves the Issuer's OpenID configuration at
// OpenIDConfigurationPath and its key set at KeysPath, like
// https://acscallautomation.communication.azure.com. The configuration's
// jwks_uri is made from the request's Host, so the handler works behind
// any httptest server: set CallbackAuthOptions.OpenIDConfigurationURL to
// server.URL + OpenIDConfigurationPath and HTTPClient to server.Client().
func (i *Issuer) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i.mu.Lock()
		i.hits++
		i.mu.Unlock()
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		var doc any
		switch r.URL.Path {
		case OpenIDConfigurationPath:
			doc = map[string]any{
				"issuer":                                i.issuer,
				"jwks_uri":                              scheme + "://" + r.Host + KeysPath,
				"id_token_signing_alg_values_supported": []string{"RS256"},
			}
		case KeysPath:
			doc = i.keys.JWKS()
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	})
}

// Requests returns how many requests Handler has served, for tests of key
// caching.
func (i *Issuer) Requests() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.hits
}
