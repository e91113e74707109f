package identity_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

const (
	claimsTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	claimsApp    = "1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b"
	claimsUser   = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	claimsRes    = "d6de2ec6-8e7e-4be4-aae4-6ee45c4febc3"
)

var claimsNow = time.Date(2025, 8, 21, 23, 0, 0, 0, time.UTC)

// claimsToken builds an unsigned-looking JWT (the signature is junk) around
// claims; reading claims does not verify signatures.
func claimsToken(t testing.TB, claims any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"typ":"JWT","alg":"RS256","x5t":"k1","kid":"k1"}`))
	var pb []byte
	switch c := claims.(type) {
	case string:
		pb = []byte(c)
	default:
		var err error
		pb, err = json.Marshal(claims)
		require.NoError(t, err)
	}
	return h + "." + enc.EncodeToString(pb) + "." + enc.EncodeToString([]byte("not a real signature, just bytes"))
}

func v1Claims() map[string]any {
	return map[string]any{
		"aud":   identity.TeamsAudience,
		"iss":   "https://sts.windows.net/" + claimsTenant + "/",
		"iat":   claimsNow.Add(-10 * time.Minute).Unix(),
		"nbf":   claimsNow.Add(-10 * time.Minute).Unix(),
		"exp":   claimsNow.Add(50 * time.Minute).Unix(),
		"appid": claimsApp,
		"name":  "Adele Vance",
		"oid":   claimsUser,
		"scp":   "Teams.ManageCalls Teams.ManageChats",
		"sub":   "pairwise-subject",
		"tid":   claimsTenant,
		"upn":   "adele@fabrikam.example",
		"ver":   "1.0",
	}
}

func v2Claims() map[string]any {
	c := v1Claims()
	delete(c, "appid")
	delete(c, "upn")
	c["aud"] = identity.TeamsAudienceAppID
	c["iss"] = "https://login.microsoftonline.com/" + claimsTenant + "/v2.0"
	c["azp"] = claimsApp
	c["preferred_username"] = "adele@fabrikam.example"
	c["ver"] = "2.0"
	return c
}

func with(c map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(c))
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// requireTokenError checks the error's problem, that its text is one
// lowercase sentence, and that it never contains the token.
func requireTokenError(t *testing.T, err error, token string, problem identity.TokenProblem) *identity.InvalidTokenError {
	t.Helper()
	require.Error(t, err)
	var ite *identity.InvalidTokenError
	require.True(t, errors.As(err, &ite), "error %v is %T", err, err)
	assert.Equal(t, problem, ite.Problem, "error: %v", err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "identity: "), msg)
	assert.Equal(t, strings.ToLower(msg[:12]), msg[:12])
	assert.NotContains(t, msg, "\n")
	if token != "" {
		assert.NotContains(t, msg, token)
		for _, part := range strings.Split(token, ".") {
			if len(part) > 8 {
				assert.NotContains(t, msg, part)
			}
		}
	}
	return ite
}

func TestReadEntraTokenV1(t *testing.T) {
	tok := claimsToken(t, with(v1Claims(), "roles", []string{"a", "b"}))
	c, err := identity.ReadEntraToken(tok)
	require.NoError(t, err)
	assert.Equal(t, identity.EntraTokenClaims{
		ObjectID:  claimsUser,
		TenantID:  claimsTenant,
		AppID:     claimsApp,
		Audience:  identity.TeamsAudience,
		Scopes:    []string{"Teams.ManageCalls", "Teams.ManageChats"},
		Roles:     []string{"a", "b"},
		Issuer:    "https://sts.windows.net/" + claimsTenant + "/",
		Version:   "1.0",
		Subject:   "pairwise-subject",
		Name:      "Adele Vance",
		UPN:       "adele@fabrikam.example",
		IssuedAt:  claimsNow.Add(-10 * time.Minute),
		NotBefore: claimsNow.Add(-10 * time.Minute),
		ExpiresOn: claimsNow.Add(50 * time.Minute),
	}, c)
	assert.True(t, c.HasScope(identity.TeamsManageCalls))
	assert.True(t, c.HasScope(identity.TeamsAudience+"/"+identity.TeamsManageChats))
	assert.False(t, c.HasScope("User.Read"))
}

func TestReadEntraTokenV2(t *testing.T) {
	c, err := identity.ReadEntraToken(claimsToken(t, with(v2Claims(), "appid", "ignored-in-v2")))
	require.NoError(t, err)
	assert.Equal(t, claimsApp, c.AppID)
	assert.Equal(t, "2.0", c.Version)
	assert.Equal(t, identity.TeamsAudienceAppID, c.Audience)
	assert.Equal(t, "adele@fabrikam.example", c.PreferredUsername)
	assert.Empty(t, c.UPN)

	// A v1 token without appid falls back to azp, and "ver" may be a number.
	c, err = identity.ReadEntraToken(claimsToken(t, with(v1Claims(), "appid", nil, "azp", claimsApp, "ver", 1.0)))
	require.NoError(t, err)
	assert.Equal(t, claimsApp, c.AppID)
	assert.Equal(t, "1", c.Version)

	// aud as a one-element array.
	c, err = identity.ReadEntraToken(claimsToken(t, with(v1Claims(), "aud", []string{identity.TeamsAudience})))
	require.NoError(t, err)
	assert.Equal(t, identity.TeamsAudience, c.Audience)

	// An empty payload reads as empty claims.
	c, err = identity.ReadEntraToken(claimsToken(t, `{}`))
	require.NoError(t, err)
	assert.Equal(t, identity.EntraTokenClaims{}, c)
}

func TestReadEntraTokenMalformed(t *testing.T) {
	tests := []struct {
		name, token, claim, text string
	}{
		{"empty", "", "", "token is empty"},
		{"not a jwt", "opaque-refresh-token-value-0123456789", "", "three dot-separated parts"},
		{"bearer", "Bearer " + claimsToken(t, v1Claims()), "", "Bearer"},
		{"payload array", claimsToken(t, `[1,2]`), "", "not a JSON object"},
		{"oid number", claimsToken(t, with(v1Claims(), "oid", 7)), "oid", "is not a string"},
		{"exp string", claimsToken(t, with(v1Claims(), "exp", "tomorrow")), "exp", "not a valid time"},
		{"exp negative", claimsToken(t, with(v1Claims(), "exp", -5)), "exp", "not a valid time"},
		{"scp array", claimsToken(t, with(v1Claims(), "scp", []string{"Teams.ManageCalls"})), "scp", "is not a string"},
		{"roles object", claimsToken(t, with(v1Claims(), "roles", map[string]int{"a": 1})), "roles", "array of strings"},
		{"ver bool", claimsToken(t, with(v1Claims(), "ver", true)), "ver", "string or a number"},
		{"two audiences", claimsToken(t, with(v1Claims(), "aud", []string{"a", "b"})), "aud", "several audiences"},
		{"duplicate oid", claimsToken(t, `{"oid":"`+claimsUser+`","oid":"someone-else"}`), "", "repeated member names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := identity.ReadEntraToken(tt.token)
			ite := requireTokenError(t, err, tt.token, identity.TokenMalformed)
			assert.Equal(t, tt.claim, ite.Claim)
			assert.Equal(t, "entra", ite.TokenKind)
			assert.Contains(t, err.Error(), tt.text)
			assert.ErrorIs(t, err, identity.ErrTokenMalformed)
			assert.NotErrorIs(t, err, identity.ErrTokenExpired)
		})
	}
}

func TestCheckTeamsUserToken(t *testing.T) {
	for name, claims := range map[string]map[string]any{"v1": v1Claims(), "v2": v2Claims()} {
		t.Run(name, func(t *testing.T) {
			tok := claimsToken(t, claims)
			c, err := identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, claimsNow)
			require.NoError(t, err)
			assert.Equal(t, claimsUser, c.ObjectID)
			// GUIDs compare without regard to case.
			_, err = identity.CheckTeamsUserToken(tok, strings.ToUpper(claimsApp), strings.ToUpper(claimsUser), claimsNow)
			require.NoError(t, err)
		})
	}
	// The audience with a trailing slash, and a v1 token carrying the app id form.
	for _, aud := range []string{identity.TeamsAudience + "/", strings.ToUpper(identity.TeamsAudienceAppID)} {
		_, err := identity.CheckTeamsUserToken(claimsToken(t, with(v1Claims(), "aud", aud)), claimsApp, claimsUser, claimsNow)
		require.NoError(t, err, aud)
	}
	// More scopes than needed are fine.
	_, err := identity.CheckTeamsUserToken(claimsToken(t, with(v1Claims(), "scp", "User.Read Teams.ManageChats Teams.ManageCalls")), claimsApp, claimsUser, claimsNow)
	require.NoError(t, err)
}

func TestCheckTeamsUserTokenArguments(t *testing.T) {
	tok := claimsToken(t, v1Claims())
	for _, tt := range []struct{ token, app, user, arg string }{
		{"", claimsApp, claimsUser, "token"},
		{tok, "", claimsUser, "appID"},
		{tok, claimsApp, "", "userID"},
	} {
		_, err := identity.CheckTeamsUserToken(tt.token, tt.app, tt.user, claimsNow)
		var ae *identity.ArgumentError
		require.True(t, errors.As(err, &ae), "%v", err)
		assert.Equal(t, tt.arg, ae.Arg)
		assert.NotContains(t, err.Error(), tok)
	}
}

func TestCheckTeamsUserTokenProblems(t *testing.T) {
	tests := []struct {
		name     string
		claims   map[string]any
		now      time.Time
		problem  identity.TokenProblem
		sentinel error
		claim    string
		message  string
	}{
		{
			name: "graph token", claims: with(v1Claims(), "aud", "https://graph.microsoft.com", "scp", "User.Read"),
			problem: identity.TokenWrongAudience, sentinel: identity.ErrTokenWrongAudience, claim: "aud",
			message: `identity: entra token is for audience "https://graph.microsoft.com", not "https://auth.msft.communication.azure.com"; request the scopes https://auth.msft.communication.azure.com/Teams.ManageCalls and https://auth.msft.communication.azure.com/Teams.ManageChats (a graph token cannot be exchanged)`,
		},
		{
			name: "v2 graph token", claims: with(v2Claims(), "aud", "00000003-0000-0000-c000-000000000000"),
			problem: identity.TokenWrongAudience, sentinel: identity.ErrTokenWrongAudience, claim: "aud",
			message: `identity: entra token is for audience "00000003-0000-0000-c000-000000000000", not "1fd5118e-2576-4263-8130-9503064c837a"; request the scopes https://auth.msft.communication.azure.com/Teams.ManageCalls and https://auth.msft.communication.azure.com/Teams.ManageChats (a graph token cannot be exchanged)`,
		},
		{
			name: "no aud", claims: with(v1Claims(), "aud", nil),
			problem: identity.TokenMalformed, sentinel: identity.ErrTokenMalformed, claim: "aud",
		},
		{
			name: "calls only", claims: with(v1Claims(), "scp", "Teams.ManageCalls"),
			problem: identity.TokenMissingScope, sentinel: identity.ErrTokenMissingScope, claim: "scp",
			message: `identity: entra token lacks the scope "Teams.ManageChats" (it has "Teams.ManageCalls"); request both Teams.ManageCalls and Teams.ManageChats of https://auth.msft.communication.azure.com and have the user or an admin consent to them`,
		},
		{
			name: "no scopes", claims: with(v1Claims(), "scp", nil),
			problem: identity.TokenMissingScope, sentinel: identity.ErrTokenMissingScope, claim: "scp",
			message: `identity: entra token lacks the scope "Teams.ManageCalls Teams.ManageChats" (it has none); request both Teams.ManageCalls and Teams.ManageChats of https://auth.msft.communication.azure.com and have the user or an admin consent to them`,
		},
		{
			name: "scope case matters", claims: with(v1Claims(), "scp", "teams.managecalls teams.managechats"),
			problem: identity.TokenMissingScope, sentinel: identity.ErrTokenMissingScope, claim: "scp",
		},
		{
			name: "another app", claims: with(v1Claims(), "appid", "99999999-aaaa-bbbb-cccc-dddddddddddd"),
			problem: identity.TokenAppIDMismatch, sentinel: identity.ErrTokenAppIDMismatch, claim: "appid",
			message: `identity: entra token was issued to app "99999999-aaaa-bbbb-cccc-dddddddddddd", not to the app id "1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b" passed to the exchange; pass the client id of the app that signed the user in`,
		},
		{
			name: "another app v2", claims: with(v2Claims(), "azp", "99999999-aaaa-bbbb-cccc-dddddddddddd"),
			problem: identity.TokenAppIDMismatch, sentinel: identity.ErrTokenAppIDMismatch, claim: "azp",
		},
		{
			name: "no app claim", claims: with(v1Claims(), "appid", nil),
			problem: identity.TokenMalformed, sentinel: identity.ErrTokenMalformed, claim: "appid",
		},
		{
			name: "another user", claims: with(v1Claims(), "oid", "88888888-aaaa-bbbb-cccc-dddddddddddd"),
			problem: identity.TokenUserIDMismatch, sentinel: identity.ErrTokenUserIDMismatch, claim: "oid",
			message: `identity: entra token belongs to user "88888888-aaaa-bbbb-cccc-dddddddddddd", not to the user id "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" passed to the exchange; pass the object id (oid) of the signed-in teams user`,
		},
		{
			name: "app-only token", claims: with(v1Claims(), "oid", nil),
			problem: identity.TokenMalformed, sentinel: identity.ErrTokenMalformed, claim: "oid",
		},
		{
			name: "expired", claims: v1Claims(), now: claimsNow.Add(2 * time.Hour),
			problem: identity.TokenExpired, sentinel: identity.ErrTokenExpired, claim: "exp",
			message: `identity: entra token expired at 2025-08-21T23:50:00Z (now 2025-08-22T01:00:00Z); acquire a fresh token for the user and use it right away`,
		},
		{
			name: "expired past skew", claims: v1Claims(), now: claimsNow.Add(50*time.Minute + identity.TokenClockSkew),
			problem: identity.TokenExpired, sentinel: identity.ErrTokenExpired, claim: "exp",
		},
		{
			name: "no exp", claims: with(v1Claims(), "exp", nil),
			problem: identity.TokenMalformed, sentinel: identity.ErrTokenMalformed, claim: "exp",
		},
		{
			name: "not yet valid", claims: with(v1Claims(), "nbf", claimsNow.Add(time.Hour).Unix()),
			problem: identity.TokenNotYetValid, sentinel: identity.ErrTokenNotYetValid, claim: "nbf",
			message: `identity: entra token is not valid yet: it starts at 2025-08-22T00:00:00Z (now 2025-08-21T23:00:00Z); check this machine's clock`,
		},
		{
			name: "malformed", claims: with(v1Claims(), "oid", 12),
			problem: identity.TokenMalformed, sentinel: identity.ErrTokenMalformed, claim: "oid",
			message: `identity: entra token claim "oid" is not a string; pass the user's access token itself, not an id token, a refresh token or an authorization header`,
		},
	}
	sentinels := []error{identity.ErrTokenMalformed, identity.ErrTokenExpired, identity.ErrTokenNotYetValid,
		identity.ErrTokenWrongAudience, identity.ErrTokenMissingScope, identity.ErrTokenAppIDMismatch, identity.ErrTokenUserIDMismatch,
		identity.ErrTokenUntrusted}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = claimsNow
			}
			tok := claimsToken(t, tt.claims)
			_, err := identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, now)
			ite := requireTokenError(t, err, tok, tt.problem)
			assert.Equal(t, tt.claim, ite.Claim)
			if tt.message != "" {
				assert.Equal(t, tt.message, err.Error())
			}
			for _, s := range sentinels {
				assert.Equal(t, s == tt.sentinel, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
			}
			// Wrapped, it still matches.
			assert.ErrorIs(t, fmt.Errorf("exchange: %w", err), tt.sentinel)
		})
	}
}

func TestCheckTeamsUserTokenSkew(t *testing.T) {
	tok := claimsToken(t, v1Claims())
	exp := claimsNow.Add(50 * time.Minute)
	_, err := identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, exp.Add(identity.TokenClockSkew-time.Second))
	require.NoError(t, err, "within the skew allowance")
	_, err = identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, exp.Add(identity.TokenClockSkew))
	require.ErrorIs(t, err, identity.ErrTokenExpired)

	nbf := claimsNow.Add(time.Hour)
	tok = claimsToken(t, with(v1Claims(), "nbf", nbf.Unix(), "exp", nbf.Add(time.Hour).Unix()))
	_, err = identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, nbf.Add(-identity.TokenClockSkew))
	require.NoError(t, err, "within the skew allowance")
	_, err = identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, nbf.Add(-identity.TokenClockSkew-time.Second))
	require.ErrorIs(t, err, identity.ErrTokenNotYetValid)
}

func TestInvalidTokenErrorText(t *testing.T) {
	for _, s := range []error{identity.ErrTokenMalformed, identity.ErrTokenExpired, identity.ErrTokenNotYetValid,
		identity.ErrTokenWrongAudience, identity.ErrTokenMissingScope, identity.ErrTokenAppIDMismatch, identity.ErrTokenUserIDMismatch,
		identity.ErrTokenUntrusted} {
		msg := s.Error()
		assert.True(t, strings.HasPrefix(msg, "identity: token "), msg)
		assert.NotContains(t, msg, "0001-01-01")
	}
	// A hostile claim value cannot make the message long.
	long := strings.Repeat("x", 5000)
	tok := claimsToken(t, with(v1Claims(), "aud", long))
	_, err := identity.CheckTeamsUserToken(tok, claimsApp, claimsUser, claimsNow)
	requireTokenError(t, err, tok, identity.TokenWrongAudience)
	assert.Less(t, len(err.Error()), 600)

	untrusted := &identity.InvalidTokenError{Problem: identity.TokenUntrusted, TokenKind: "entra", Detail: "signature is not valid"}
	assert.Equal(t, "identity: entra token is not trusted (signature is not valid); get the token from the issuer this service trusts", untrusted.Error())
	assert.ErrorIs(t, untrusted, identity.ErrTokenUntrusted)
	assert.Equal(t, "untrusted", identity.TokenUntrusted.String())
	for p := identity.TokenMalformed; p <= identity.TokenUntrusted; p++ {
		assert.NotContains(t, p.String(), "TokenProblem(")
	}

	assert.Equal(t, "expired", identity.TokenExpired.String())
	assert.Equal(t, "user id mismatch", identity.TokenUserIDMismatch.String())
	assert.Equal(t, "TokenProblem(99)", identity.TokenProblem(99).String())
	// A different kind of error is not a token error.
	assert.False(t, errors.Is(errors.New("x"), identity.ErrTokenExpired))
	assert.False(t, (&identity.InvalidTokenError{Problem: identity.TokenExpired}).Is(errors.New("x")))
}

func TestReadACSToken(t *testing.T) {
	// The payload of a token the service issued (ids changed), as observed.
	tok := claimsToken(t, `{"skypeid":"acs:`+claimsRes+`_00000024-2222-3333-4444-555566667777","scp":1792,"csi":"1755818174","exp":1755821774,"rgn":"amer","acsScope":"chat,voip","resourceId":"`+claimsRes+`","resourceLocation":"unitedstates","iat":1755818174}`)
	c, err := identity.ReadACSToken(tok)
	require.NoError(t, err)
	assert.Equal(t, identity.ACSTokenClaims{
		SkypeID:          "acs:" + claimsRes + "_00000024-2222-3333-4444-555566667777",
		Scopes:           []identity.Scope{identity.ScopeChat, identity.ScopeVoIP},
		ScopeBits:        1792,
		ResourceID:       claimsRes,
		ResourceLocation: "unitedstates",
		Region:           "amer",
		CSI:              "1755818174",
		IssuedAt:         time.Unix(1755818174, 0).UTC(),
		ExpiresOn:        time.Unix(1755821774, 0).UTC(),
	}, c)
	u, ok := c.User()
	require.True(t, ok)
	assert.Equal(t, identity.CommunicationUserIdentifier{ID: "8:acs:" + claimsRes + "_00000024-2222-3333-4444-555566667777"}, u)
	assert.True(t, identity.Equal(u, c.Identifier()))
	assert.True(t, c.HasScope(identity.ScopeVoIP))
	assert.False(t, c.HasScope(identity.ScopeChatJoin))
}

func TestReadACSTokenTeamsUser(t *testing.T) {
	tok := claimsToken(t, map[string]any{
		"skypeid": "orgid:" + claimsUser, "scp": "1024", "csi": 1755818174, "exp": 1755821774,
		"acsScope": "voip, chat", "resourceId": claimsRes, "tid": claimsTenant, "iat": 1755818174,
	})
	c, err := identity.ReadACSToken(tok)
	require.NoError(t, err)
	assert.Equal(t, int64(1024), c.ScopeBits)
	assert.Equal(t, "1755818174", c.CSI)
	assert.Equal(t, claimsTenant, c.TenantID)
	assert.Equal(t, []identity.Scope{identity.ScopeVoIP, identity.ScopeChat}, c.Scopes)
	_, ok := c.User()
	assert.False(t, ok)
	assert.Equal(t, identity.MicrosoftTeamsUserIdentifier{UserID: claimsUser, Cloud: identity.CloudPublic}, c.Identifier())

	assert.Nil(t, identity.ACSTokenClaims{}.Identifier())
	_, ok = identity.ACSTokenClaims{}.User()
	assert.False(t, ok)
}

func TestReadACSTokenMalformed(t *testing.T) {
	base := map[string]any{"skypeid": "acs:x_y", "scp": 1792, "exp": 1755821774, "acsScope": "chat"}
	tests := []struct{ name, token, claim string }{
		{"not a jwt", "abc", ""},
		{"no skypeid", claimsToken(t, with(base, "skypeid", nil)), "skypeid"},
		{"an entra token", claimsToken(t, v1Claims()), "skypeid"},
		{"scp fraction", claimsToken(t, with(base, "scp", 1.5)), "scp"},
		{"scp word", claimsToken(t, with(base, "scp", "chat")), "scp"},
		{"acsScope array", claimsToken(t, with(base, "acsScope", []string{"chat"})), "acsScope"},
		{"exp string", claimsToken(t, with(base, "exp", "soon")), "exp"},
		{"skypeid number", claimsToken(t, with(base, "skypeid", 8)), "skypeid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := identity.ReadACSToken(tt.token)
			ite := requireTokenError(t, err, tt.token, identity.TokenMalformed)
			assert.Equal(t, tt.claim, ite.Claim)
			assert.Equal(t, "acs", ite.TokenKind)
			assert.True(t, strings.HasPrefix(err.Error(), "identity: acs token "), err.Error())
			assert.ErrorIs(t, err, identity.ErrTokenMalformed)
		})
	}
}
