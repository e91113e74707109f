package jwt

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
)

// JWK is one JSON Web Key (RFC 7517) as published in an issuer's JWKS
// document. Only RSA keys are usable by this package.
type JWK struct {
	// Kty is the key type; "RSA" for the keys this package uses.
	Kty string `json:"kty"`
	// Use is the intended use; "sig" for signing keys.
	Use string `json:"use,omitempty"`
	// Kid is the key id that tokens name in their "kid" header.
	Kid string `json:"kid"`
	// X5t is the base64url SHA-1 thumbprint of the key's certificate, if any.
	X5t string `json:"x5t,omitempty"`
	// Alg is the algorithm the key is meant for, if given ("RS256").
	Alg string `json:"alg,omitempty"`
	// N is the RSA modulus, unpadded base64url big-endian.
	N string `json:"n"`
	// E is the RSA public exponent, unpadded base64url big-endian.
	E string `json:"e"`
	// X5c is the key's certificate chain (standard base64 DER), if any.
	X5c []string `json:"x5c,omitempty"`
	// Issuer is Entra ID's non-standard member naming the issuer a key
	// is for, if any.
	Issuer string `json:"issuer,omitempty"`
}

// JWKS is a JSON Web Key Set document: {"keys": [...]}. It implements
// KeySet.
type JWKS struct {
	// Keys are the keys of the set.
	Keys []JWK `json:"keys"`
}

// Key returns the RSA public key whose kid is kid. It refuses keys that are
// not RSA, are marked for a use other than signing or for an algorithm other
// than RS256, or are shorter than 2048 bits.
func (j JWKS) Key(kid string) (*rsa.PublicKey, error) {
	if kid == "" {
		return nil, errorf("no key id given")
	}
	for _, k := range j.Keys {
		if k.Kid == kid {
			return k.PublicKey()
		}
	}
	return nil, errorf("key set has no key with the token's kid")
}

// PublicKey decodes the key as an RSA public key, with the checks of
// JWKS.Key.
func (k JWK) PublicKey() (*rsa.PublicKey, error) {
	if k.Kty != "RSA" {
		return nil, errorf("key is not an RSA key")
	}
	if k.Use != "" && k.Use != "sig" {
		return nil, errorf("key is not a signing key")
	}
	if k.Alg != "" && k.Alg != AlgRS256 {
		return nil, errorf("key is not for RS256")
	}
	nb, err := decodePart(k.N)
	if err != nil || len(nb) == 0 {
		return nil, errorf("key modulus is not valid base64url")
	}
	eb, err := decodePart(k.E)
	if err != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, errorf("key exponent is not valid base64url of at most 4 bytes")
	}
	var e int
	for _, b := range eb {
		e = e<<8 | int(b)
	}
	if e < 3 || e%2 == 0 {
		return nil, errorf("key exponent is not valid")
	}
	n := new(big.Int).SetBytes(nb)
	if n.BitLen() < minRSABits {
		return nil, errorf("key is shorter than 2048 bits")
	}
	if n.BitLen() > 8192 {
		return nil, errorf("key is longer than 8192 bits")
	}
	return &rsa.PublicKey{N: n, E: e}, nil
}

// JWKFromPublicKey returns the JWK of an RSA public key for RS256 signing,
// with the given key id.
func JWKFromPublicKey(kid string, pub *rsa.PublicKey) JWK {
	e := big.NewInt(int64(pub.E)).Bytes()
	return JWK{
		Kty: "RSA",
		Use: "sig",
		Kid: kid,
		Alg: AlgRS256,
		N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:   base64.RawURLEncoding.EncodeToString(e),
	}
}

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of an RSA public key,
// base64url encoded: a stable key id derived from the key itself.
func Thumbprint(pub *rsa.PublicKey) string {
	j := JWKFromPublicKey("", pub)
	// Members in lexicographic order, no white space, as RFC 7638 requires.
	canon := `{"e":"` + j.E + `","kty":"RSA","n":"` + j.N + `"}`
	sum := sha256.Sum256([]byte(canon))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
