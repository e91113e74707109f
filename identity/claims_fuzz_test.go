package identity_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// checkFuzzTokenError fails when err is not an *InvalidTokenError, or when
// its text contains the input (for inputs long enough for that to mean
// something).
func checkFuzzTokenError(t *testing.T, token string, err error) {
	t.Helper()
	var ite *identity.InvalidTokenError
	if !errors.As(err, &ite) {
		t.Fatalf("error is %T, not *identity.InvalidTokenError: %v", err, err)
	}
	if ite.Problem != identity.TokenMalformed || !errors.Is(err, identity.ErrTokenMalformed) {
		t.Fatalf("problem is %v, not malformed", ite.Problem)
	}
	if len(token) >= 8 && strings.Contains(err.Error(), token) {
		t.Fatalf("error contains the input: %v", err)
	}
}

func FuzzReadEntraToken(f *testing.F) {
	f.Add(claimsToken(f, v1Claims()))
	f.Add(claimsToken(f, v2Claims()))
	f.Add(claimsToken(f, `{"aud":["a","b"],"exp":"x"}`))
	f.Add("not.a.jwt")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := identity.ReadEntraToken(token)
		if err != nil {
			checkFuzzTokenError(t, token, err)
			return
		}
		// Whatever the claims, the pre-check must not panic, and its
		// errors must not contain the token either.
		_, err = identity.CheckTeamsUserToken(token, claimsApp, claimsUser, time.Unix(1700000000, 0))
		if err != nil && len(token) >= 8 && strings.Contains(err.Error(), token) {
			t.Fatalf("check error contains the input: %v", err)
		}
		_ = c.HasScope(identity.TeamsManageCalls)
	})
}

func FuzzReadACSToken(f *testing.F) {
	f.Add(claimsToken(f, `{"skypeid":"acs:`+claimsRes+`_00000024-2222-3333-4444-555566667777","scp":1792,"csi":"1755818174","exp":1755821774,"rgn":"amer","acsScope":"chat,voip","resourceId":"`+claimsRes+`","resourceLocation":"unitedstates","iat":1755818174}`))
	f.Add(claimsToken(f, `{"skypeid":"orgid:`+claimsUser+`","scp":"1024","acsScope":"voip"}`))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := identity.ReadACSToken(token)
		if err != nil {
			checkFuzzTokenError(t, token, err)
			return
		}
		if c.SkypeID == "" {
			t.Fatal("read a token without skypeid")
		}
		id := c.Identifier()
		if id == nil || id.RawID() != "8:"+c.SkypeID {
			t.Fatalf("identifier %v does not match skypeid", id)
		}
		if u, ok := c.User(); ok && u.ID != "8:"+c.SkypeID {
			t.Fatalf("user %v does not match skypeid", u)
		}
	})
}
