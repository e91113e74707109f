package fakekit

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// Issuer is the fakes' one test token issuer: it signs JWTs (RS256) with a
// test key, verifies them, and publishes its keys as a JWKS, keeping the keys
// that RotateKey replaced until RetireOldKeys. identity/fake's Entra and
// ACS tokens, chat/fake's Graph tokens and calling/callbacktest's callback
// tokens are all minted by one. It is safe for concurrent use.
type Issuer struct {
	mu  sync.RWMutex
	key *rsa.PrivateKey
	kid string
	old []jwt.JWK // keys retired by RotateKey, still published
}

// NewIssuer returns an issuer signing with key (nil: a new 2048-bit key),
// whose key id is kid (empty: the key's RFC 7638 thumbprint).
func NewIssuer(key *rsa.PrivateKey, kid string) *Issuer {
	i := &Issuer{}
	i.key, i.kid = keyAndID(key, kid)
	return i
}

func keyAndID(key *rsa.PrivateKey, kid string) (*rsa.PrivateKey, string) {
	if key == nil {
		key = GenerateKey()
	}
	if kid == "" {
		kid = jwt.Thumbprint(&key.PublicKey)
	}
	return key, kid
}

// GenerateKey returns a new 2048-bit RSA key. It panics only if the
// system's random source fails, as crypto/rsa does.
func GenerateKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("fakekit: cannot generate an RSA key: " + err.Error())
	}
	return k
}

var (
	sharedOnce sync.Once
	sharedKey  *rsa.PrivateKey
)

// SharedKey returns one RSA key generated once per process, for issuers
// whose tokens no other fake must refuse: generating a key takes a while.
func SharedKey() *rsa.PrivateKey {
	sharedOnce.Do(func() { sharedKey = GenerateKey() })
	return sharedKey
}

// KeyID returns the id ("kid") of the current signing key.
func (i *Issuer) KeyID() string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.kid
}

// PublicKey returns the public half of the current signing key.
func (i *Issuer) PublicKey() *rsa.PublicKey {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return &i.key.PublicKey
}

// Sign returns claims (a value encoding/json makes an object of) signed with
// the current key: header alg RS256, typ JWT and the key's kid.
func (i *Issuer) Sign(claims any) (string, error) {
	return i.SignHeader(jwt.Header{}, nil, claims)
}

// SignHeader is Sign with more header parameters (Entra ID's "x5t"), or
// another key id (h.Kid) or another key (key, for a forger's token); nil key
// means the current one.
func (i *Issuer) SignHeader(h jwt.Header, key *rsa.PrivateKey, claims any) (string, error) {
	i.mu.RLock()
	cur, kid := i.key, i.kid
	i.mu.RUnlock()
	h.Alg, h.Typ = jwt.AlgRS256, "JWT"
	if h.Kid == "" {
		h.Kid = kid
	}
	if key == nil {
		key = cur
	}
	return jwt.Sign(h, claims, key)
}

// Verify checks that token is signed by one of the published keys and
// returns it parsed. It checks no claims: the caller does.
func (i *Issuer) Verify(token string) (*jwt.Token, error) {
	return jwt.ParseVerifiedRS256(token, i.KeySet())
}

// KeySet returns the published keys as a jwt.KeySet; it follows RotateKey
// and RetireOldKeys.
func (i *Issuer) KeySet() jwt.KeySet {
	return jwt.KeySetFunc(func(kid string) (*rsa.PublicKey, error) {
		return i.JWKS().Key(kid)
	})
}

// JWKS returns the published keys: the current one and those RotateKey
// replaced that are not yet retired.
func (i *Issuer) JWKS() jwt.JWKS {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return jwt.JWKS{Keys: append([]jwt.JWK{jwt.JWKFromPublicKey(i.kid, &i.key.PublicKey)}, i.old...)}
}

// RotateKey replaces the signing key with key (nil: a new one) of id kid
// (empty: its thumbprint). The old key stays published, as a real issuer
// keeps it while the tokens it signed are alive, until RetireOldKeys.
func (i *Issuer) RotateKey(key *rsa.PrivateKey, kid string) {
	key, kid = keyAndID(key, kid)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.old = append(i.old, jwt.JWKFromPublicKey(i.kid, &i.key.PublicKey))
	i.key, i.kid = key, kid
}

// RetireOldKeys stops publishing the keys RotateKey replaced.
func (i *Issuer) RetireOldKeys() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.old = nil
}
