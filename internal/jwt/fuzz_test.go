package jwt

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add(unsigned(`{"alg":"RS256","kid":"k","typ":"JWT"}`, `{"aud":["a","b"],"exp":1700000000,"scp":"x y"}`))
	f.Add(unsigned(`{"alg":"none"}`, `{}`))
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		p, err := Parse(token)
		if err != nil {
			if p != nil {
				t.Fatal("token and error both returned")
			}
			if len(token) >= 4 && strings.Contains(err.Error(), token) {
				t.Fatalf("error contains the input: %v", err)
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, not *jwt.Error", err)
			}
			return
		}
		if p.Header.Alg == "" || p.Claims.Names() == nil || !strings.HasPrefix(token, p.Signed+".") {
			t.Fatalf("inconsistent token: %v", p)
		}
		// The helpers must not panic on any claim.
		for _, name := range p.Claims.Names() {
			_, _ = p.StringClaim(name)
			_, _ = p.Strings(name)
			_, _ = p.StringOrNumber(name)
			_, _ = p.Int64(name)
			_, _ = p.Time(name)
		}
		_ = VerifyRS256(token, JWKS{})
	})
}
