package oidc

import (
	"context"
	"crypto/rsa"
	"errors"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// Checks are what Validate checks besides the signature.
type Checks struct {
	// Audiences are the accepted audiences; the token's "aud" (a string
	// or an array) must hold one of them, compared exactly. It is required:
	// a token for another service of the same issuer must not pass.
	Audiences []string
	// Issuer checks the token's "iss" (iss, "" when absent) against the
	// issuer's metadata md. It may look at other claims of t, for example
	// Entra ID's "tid" to fill in md.Issuer's "{tenantid}". It may return
	// an error of its own type, which Validate returns as it is. Nil means
	// iss must equal md.Issuer exactly.
	Issuer func(iss string, md Metadata, t *jwt.Token) error
	// ClockSkew is the tolerance on "exp" and "nbf"; zero means
	// DefaultClockSkew, a negative value none.
	ClockSkew time.Duration
}

// Validate checks token, in this order: that it is a compact RS256 JWT
// whose signature verifies with the issuer's key named by its "kid"
// (fetching the keys as needed), that it has an "exp" that has not passed
// and no "nbf" still to come (allowing for ClockSkew), that its audience is
// one of c.Audiences, and its issuer (c.Issuer). It returns the verified
// token so that the caller can read its other claims.
//
// Errors are *Error (Problem Unavailable when the keys cannot be fetched),
// the context's error, or what c.Issuer returned. None contains the token.
func (p *Provider) Validate(ctx context.Context, token string, c *Checks) (*jwt.Token, error) {
	if c == nil || len(c.Audiences) == 0 {
		return nil, &Error{Problem: WrongAudience, Detail: "no audience is configured to check the token against"}
	}
	var keyErr error
	keys := jwt.KeySetFunc(func(kid string) (*rsa.PublicKey, error) {
		k, err := p.Key(ctx, kid)
		keyErr = err
		return k, err
	})
	t, err := jwt.ParseVerifiedRS256(token, keys)
	if err != nil {
		if keyErr != nil {
			var oe *Error
			if errors.As(keyErr, &oe) {
				return nil, oe
			}
			return nil, keyErr // the context's error
		}
		prob := Malformed
		if isSignatureProblem(err) {
			prob = Untrusted
		}
		return nil, &Error{Problem: prob, Detail: jwtProblem(err), Err: err}
	}

	skew := c.ClockSkew
	switch {
	case skew == 0:
		skew = DefaultClockSkew
	case skew < 0:
		skew = 0
	}
	now := p.now()
	exp, err := t.Time("exp")
	if err != nil {
		return nil, &Error{Problem: Malformed, Detail: "its \"exp\" is not a time", Err: err}
	}
	if exp.IsZero() {
		return nil, &Error{Problem: Malformed, Detail: "it has no \"exp\""}
	}
	if !now.Before(exp.Add(skew)) {
		return nil, &Error{Problem: Expired, Detail: "its \"exp\" has passed"}
	}
	nbf, err := t.Time("nbf")
	if err != nil {
		return nil, &Error{Problem: Malformed, Detail: "its \"nbf\" is not a time", Err: err}
	}
	if !nbf.IsZero() && now.Add(skew).Before(nbf) {
		return nil, &Error{Problem: NotYetValid, Detail: "its \"nbf\" has not come yet"}
	}

	auds, err := t.Strings("aud")
	if err != nil {
		return nil, &Error{Problem: Malformed, Detail: "its \"aud\" is not a string or an array of strings", Err: err}
	}
	if !anyEqual(auds, c.Audiences) {
		return nil, &Error{Problem: WrongAudience, Detail: "it is for another audience"}
	}

	iss, err := t.StringClaim("iss")
	if err != nil {
		return nil, &Error{Problem: Malformed, Detail: "its \"iss\" is not a string", Err: err}
	}
	var md Metadata
	if p.isStatic {
		md = p.staticMD
	} else {
		p.mu.Lock()
		md = p.md
		p.mu.Unlock()
	}
	if c.Issuer != nil {
		if err := c.Issuer(iss, md, t); err != nil {
			return nil, err
		}
	} else if iss == "" || iss != md.Issuer {
		return nil, &Error{Problem: WrongIssuer, Detail: "it was not issued by the expected issuer"}
	}
	return t, nil
}

func anyEqual(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h != "" && h == w {
				return true
			}
		}
	}
	return false
}

// isSignatureProblem tells a signature that does not verify (or a key that
// is unusable) from a token that is not well formed.
func isSignatureProblem(err error) bool {
	switch jwtProblem(err) {
	case "signature is not valid", "signature length does not match the key size",
		"no usable key for the token's kid", "verification key is shorter than 2048 bits":
		return true
	}
	return false
}

func jwtProblem(err error) string {
	var je *jwt.Error
	if errors.As(err, &je) {
		return je.Problem
	}
	return "it is not a valid token"
}
