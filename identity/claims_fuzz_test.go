package identity_test

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
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

// FuzzReadEntraToken: an accepted token's claims are what its payload
// says, read independently with encoding/json; and the pre-check accepts a
// token only for the app and user it names, for the Teams audience with both
// Teams scopes, at a time within its validity.
func FuzzReadEntraToken(f *testing.F) {
	f.Add(claimsToken(f, v1Claims()))
	f.Add(claimsToken(f, v2Claims()))
	f.Add(claimsToken(f, with(v1Claims(), "scp", "Teams.ManageCalls")))
	f.Add(claimsToken(f, with(v1Claims(), "azp", "5e7d4c3b-2a19-4f08-8e7d-6c5b4a392817")))
	f.Add(claimsToken(f, with(v2Claims(), "azp", nil, "appid", claimsApp, "aud", []string{identity.TeamsAudienceAppID})))
	f.Add(claimsToken(f, `{"aud":["a","b"],"exp":"x"}`))
	f.Add("not.a.jwt")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := identity.ReadEntraToken(token)
		if err != nil {
			checkFuzzTokenError(t, token, err)
			return
		}
		checkClaimsOfPayload(t, token, c)

		// The pre-check, at a time the token is valid if it has an expiry.
		now := time.Unix(1700000000, 0)
		if !c.ExpiresOn.IsZero() {
			now = c.ExpiresOn.Add(-time.Minute)
		}
		_, err = identity.CheckTeamsUserToken(token, c.AppID, c.ObjectID, now)
		if err != nil && len(token) >= 8 && strings.Contains(err.Error(), token) {
			t.Fatalf("check error contains the input: %v", err)
		}
		if err == nil {
			switch {
			case !identity.IsTeamsAudience(c.Audience):
				t.Fatalf("the pre-check accepted audience %q", c.Audience)
			case !c.HasScope(identity.TeamsManageCalls) || !c.HasScope(identity.TeamsManageChats):
				t.Fatalf("the pre-check accepted scopes %q", c.Scopes)
			case c.AppID == "" || c.ObjectID == "":
				t.Fatalf("the pre-check accepted app %q, user %q", c.AppID, c.ObjectID)
			case !now.Before(c.ExpiresOn.Add(identity.TokenClockSkew)) || now.Add(identity.TokenClockSkew).Before(c.NotBefore):
				t.Fatalf("the pre-check accepted at %v a token valid %v–%v", now, c.NotBefore, c.ExpiresOn)
			}
		}
		const otherID = "00000000-0000-4000-8000-00000000dead"
		if !strings.EqualFold(strings.TrimSpace(c.AppID), otherID) {
			if _, err := identity.CheckTeamsUserToken(token, otherID, c.ObjectID, now); err == nil {
				t.Fatalf("the pre-check accepted app %q's token for another app", c.AppID)
			}
		}
		if !strings.EqualFold(strings.TrimSpace(c.ObjectID), otherID) {
			if _, err := identity.CheckTeamsUserToken(token, c.AppID, otherID, now); err == nil {
				t.Fatalf("the pre-check accepted user %q's token for another user", c.ObjectID)
			}
		}
	})
}

// checkClaimsOfPayload compares c with the claims of token's payload, read
// with encoding/json.
func checkClaimsOfPayload(t *testing.T, token string, c identity.EntraTokenClaims) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("accepted a token of %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("accepted a payload that is not base64url: %v", err)
	}
	// UseNumber: a number beyond float64's range (47E4804304) is valid
	// JSON (RFC 8259 §6 leaves the range to implementations), which
	// encoding/json refuses only when it must make it a float64.
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("accepted a payload that is not a JSON object: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("accepted a payload with more after its object: %v", err)
	}
	str := func(name string) string {
		s, _ := m[name].(string) // absent and null read as ""
		return s
	}
	for name, got := range map[string]string{
		"oid": c.ObjectID, "tid": c.TenantID, "iss": c.Issuer, "sub": c.Subject, "name": c.Name,
		"preferred_username": c.PreferredUsername, "upn": c.UPN,
	} {
		if got != str(name) {
			t.Fatalf("claim %q is %q, read as %q", name, str(name), got)
		}
	}
	appClaim, other := "appid", "azp"
	if c.Version == "2.0" {
		appClaim, other = "azp", "appid"
	}
	if want := cmp.Or(str(appClaim), str(other)); c.AppID != want {
		t.Fatalf("app id read as %q, want %q (%s first)", c.AppID, want, appClaim)
	}
	if want := strings.Fields(str("scp")); !slices.Equal(c.Scopes, want) && len(c.Scopes)+len(want) > 0 {
		t.Fatalf("scopes read as %q, want %q", c.Scopes, want)
	}
	aud := str("aud")
	if a, ok := m["aud"].([]any); ok && len(a) == 1 {
		aud, _ = a[0].(string)
	}
	if c.Audience != aud {
		t.Fatalf("audience read as %q, want %q", c.Audience, aud)
	}
	n, _ := m["exp"].(json.Number)
	if exp, err := n.Float64(); err == nil && exp == math.Trunc(exp) && exp >= 0 && exp < 1e11 && c.ExpiresOn.Unix() != int64(exp) {
		t.Fatalf("expiry read as %v, want %v", c.ExpiresOn.Unix(), int64(exp))
	}
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
