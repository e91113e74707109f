package fakekit

import (
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

func TestIssuerSignVerifyRotate(t *testing.T) {
	iss := NewIssuer(SharedKey(), "")
	if iss.KeyID() != jwt.Thumbprint(&SharedKey().PublicKey) {
		t.Errorf("kid %q, want the key's thumbprint", iss.KeyID())
	}
	tok, err := iss.Sign(map[string]any{"sub": "a"})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := iss.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if sub, _ := parsed.StringClaim("sub"); sub != "a" || parsed.Header.Kid != iss.KeyID() || parsed.Header.Typ != "JWT" {
		t.Errorf("parsed %+v", parsed.Header)
	}

	// A forger's key under the issuer's kid does not verify.
	forged, err := iss.SignHeader(jwt.Header{}, GenerateKey(), map[string]any{"sub": "a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iss.Verify(forged); err == nil {
		t.Error("a token signed with another key verified")
	}

	// After a rotation both keys verify, until the old one is retired.
	iss.RotateKey(GenerateKey(), "k2")
	if iss.KeyID() != "k2" || len(iss.JWKS().Keys) != 2 {
		t.Fatalf("after RotateKey: kid %q, %d keys", iss.KeyID(), len(iss.JWKS().Keys))
	}
	tok2, _ := iss.Sign(map[string]any{})
	for _, tk := range []string{tok, tok2} {
		if _, err := iss.Verify(tk); err != nil {
			t.Errorf("after RotateKey: %v", err)
		}
	}
	iss.RetireOldKeys()
	if _, err := iss.Verify(tok); err == nil {
		t.Error("a token of a retired key verified")
	}
	if _, err := iss.Verify(tok2); err != nil {
		t.Errorf("the current key: %v", err)
	}

	// x5t and another kid go into the header.
	h, _ := iss.SignHeader(jwt.Header{X5t: "t", Kid: "other"}, nil, map[string]any{})
	p, _ := jwt.Parse(h)
	if p.Header.X5t != "t" || p.Header.Kid != "other" || p.Header.Alg != jwt.AlgRS256 {
		t.Errorf("header %+v", p.Header)
	}
}
