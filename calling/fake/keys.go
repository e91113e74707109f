package fake

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// Callbacks are signed the way ACS signs them: an Authorization: Bearer
// JWT, RS256, issuer Issuer, audience the resource's immutable id. The
// switchboard's key pair is a test key generated once per process; its
// public half is published by the HTTP face (OpenID configuration at
// /calling/.well-known/acsopenidconfiguration, keys at /calling/keys) and
// by CallbackKeysJSON, so that a callback handler can be pointed at it.

// tokenLifetime is how long a callback token is valid (five minutes, as
// ACS's); tokens are reused until tokenRenew before they expire.
const (
	tokenLifetime = 5 * time.Minute
	tokenRenew    = 2 * time.Minute
)

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
	testKeyErr  error
)

func signingKey() (*rsa.PrivateKey, error) {
	testKeyOnce.Do(func() { testKey, testKeyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return testKey, testKeyErr
}

// signer mints callback tokens and caches the current one.
type signer struct {
	audience string

	mu    sync.Mutex
	tok   string
	iat   time.Time
	exp   time.Time
	mints int
}

func newSigner(audience string) *signer { return &signer{audience: audience} }

type callbackClaims struct {
	Iss string `json:"iss"`
	Aud string `json:"aud"`
	Iat int64  `json:"iat"`
	Nbf int64  `json:"nbf"`
	Exp int64  `json:"exp"`
}

// token returns a token valid at now, minting one when the cached token is
// not (or will not be for long). It returns "" if the key is unusable,
// which makes the receiver refuse the callback.
func (s *signer) token(now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" && !now.Before(s.iat) && now.Before(s.exp.Add(-tokenRenew)) {
		return s.tok
	}
	key, err := signingKey()
	if err != nil {
		return ""
	}
	iat := now.Truncate(time.Second)
	exp := iat.Add(tokenLifetime)
	tok, err := jwt.SignRS256(callbackClaims{Iss: Issuer, Aud: s.audience, Iat: iat.Unix(), Nbf: iat.Unix(), Exp: exp.Unix()}, keyID(&key.PublicKey), key)
	if err != nil {
		return ""
	}
	s.tok, s.iat, s.exp = tok, iat, exp
	s.mints++
	return tok
}

func keyID(pub *rsa.PublicKey) string { return jwt.Thumbprint(pub) }

// CallbackToken returns a callback token as the switchboard signs its
// callbacks at the switchboard's current time, for tests of a handler's
// authentication.
func (sb *Switchboard) CallbackToken() string { return sb.signer.token(sb.clock.Now()) }

// CallbackPublicKey returns the public key that verifies the switchboard's
// callback tokens, and its key id (the "kid" of the tokens).
func (sb *Switchboard) CallbackPublicKey() (kid string, key *rsa.PublicKey) {
	k, err := signingKey()
	if err != nil {
		return "", nil
	}
	return keyID(&k.PublicKey), &k.PublicKey
}

// CallbackKeysJSON returns the JSON Web Key Set document ({"keys": [...]})
// that verifies the switchboard's callback tokens, as the HTTP face serves
// it.
func (sb *Switchboard) CallbackKeysJSON() []byte {
	kid, pub := sb.CallbackPublicKey()
	if pub == nil {
		return []byte(`{"keys":[]}`)
	}
	b, _ := json.Marshal(jwt.JWKS{Keys: []jwt.JWK{jwt.JWKFromPublicKey(kid, pub)}})
	return b
}
