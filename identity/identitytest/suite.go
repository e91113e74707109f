// Package identitytest is the conformance suite of identity.Service. Run it
// against any implementation, in the manner of testing/fstest.TestFS: the
// in-memory fake's Go face, the real client on the fake's HTTP face, or the
// real client on a real ACS resource. Where two implementations disagree,
// the failing subtest says where.
package identitytest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Variant names a kind of Entra token for the exchange cases.
type Variant int

// The token variants an Env can mint.
const (
	// Valid is a token of the Teams user for the app, with both Teams scopes.
	Valid Variant = iota
	// Expired is a valid token past its expiry.
	Expired
	// OtherApp is a valid token obtained by another Entra app.
	OtherApp
	// OtherUser is a valid token of another Teams user.
	OtherUser
	// WrongAudience is a token for another resource (for example Graph).
	WrongAudience
	// MissingScope is a token without Teams.ManageChats.
	MissingScope
)

// Env is what the suite runs against.
type Env struct {
	// Service is the implementation under test.
	Service identity.Service
	// AppID and UserID are the app's client id and the Teams user's object id.
	AppID, UserID string
	// EntraToken returns an Entra token of the given variant for that user
	// and app. It may be nil only when Unsupported.EntraTokens is declared.
	EntraToken func(t *testing.T, v Variant) string
	// TenantID is the Teams user's tenant id, for the Teams Phone
	// extensibility cases (api-version 2025-06-30), which create and delete
	// the assignment of UserID in TenantID. It may be empty only when
	// Unsupported.TeamsPhone is declared.
	TenantID string
	// TeamsPhoneToken returns an Entra token of the given variant (all but
	// OtherUser) with the TeamsExtension.ManageCalls permission for that
	// user and app. It may be nil only when Unsupported.TeamsPhone or
	// Unsupported.TeamsPhoneTokens is declared.
	TeamsPhoneToken func(t *testing.T, v Variant) string
	// Unsupported declares what the implementation or its environment
	// cannot do. The suite skips the cases that need exactly that;
	// anything else missing fails.
	Unsupported Unsupported
}

// Unsupported lists what an implementation or its environment may declare
// it cannot do. The suite skips only what is declared: a nil hook or an
// empty value that is not declared fails the case that needs it, saying
// what is missing, so an implementation cannot pass by leaving something
// out. The SDK's own implementations (the client on the fake's HTTP face,
// the fake's Go face) declare nothing.
type Unsupported struct {
	// EntraTokens: Env.EntraToken is nil (no Teams user's Entra token can
	// be had here); the Teams user token exchange cases are skipped.
	EntraTokens bool
	// TeamsPhone: the implementation or its resource has no Teams Phone
	// extensibility, Env.TenantID is empty; the Teams extension assignment
	// and Teams Phone token exchange cases are skipped.
	TeamsPhone bool
	// TeamsPhoneTokens: Env.TeamsPhoneToken is nil; the Teams Phone token
	// exchange case is skipped (the assignment cases run).
	TeamsPhoneTokens bool
}

// Run runs the suite. newEnv is called once per subtest, so subtests do not
// share state.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			if c.needsEntra {
				if env.Unsupported.EntraTokens {
					t.Skip("declared: Unsupported.EntraTokens")
				}
				if env.EntraToken == nil {
					t.Fatal("Env.EntraToken is nil: set it, or declare Env.Unsupported.EntraTokens")
				}
			}
			if c.needsTeamsPhone {
				if env.Unsupported.TeamsPhone {
					t.Skip("declared: Unsupported.TeamsPhone")
				}
				if env.TenantID == "" {
					t.Fatal("Env.TenantID is empty: set it, or declare Env.Unsupported.TeamsPhone")
				}
				if c.tokens {
					if env.Unsupported.TeamsPhoneTokens {
						t.Skip("declared: Unsupported.TeamsPhoneTokens")
					}
					if env.TeamsPhoneToken == nil {
						t.Fatal("Env.TeamsPhoneToken is nil: set it, or declare Env.Unsupported.TeamsPhoneTokens")
					}
				}
			}
			c.run(t, env)
		})
	}
}

type testCase struct {
	name       string
	needsEntra bool
	// needsTeamsPhone: the case needs Env.TenantID, and Env.TeamsPhoneToken
	// when tokens is set too.
	needsTeamsPhone, tokens bool
	run                     func(t *testing.T, env Env)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// must turns a (value, error) result into the value, failing the test on an error: must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func wantArgumentError(t *testing.T, err error, arg string) {
	t.Helper()
	var ae *identity.ArgumentError
	if !errors.As(err, &ae) {
		t.Fatalf("want *identity.ArgumentError for %s, got %T: %v", arg, err, err)
	}
	if ae.Arg != arg {
		t.Fatalf("ArgumentError.Arg = %q, want %q", ae.Arg, arg)
	}
}

func wantResponseError(t *testing.T, err error, status int, code string) *azcore.ResponseError {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("want *azcore.ResponseError %d %s, got %T: %v", status, code, err, err)
	}
	if re.StatusCode != status || (code != "" && re.ErrorCode != code) {
		t.Fatalf("got %d %s, want %d %s", re.StatusCode, re.ErrorCode, status, code)
	}
	return re
}

func wantTokenProblem(t *testing.T, err error, p identity.TokenProblem) {
	t.Helper()
	var te *identity.InvalidTokenError
	if !errors.As(err, &te) {
		t.Fatalf("want *identity.InvalidTokenError (%v), got %T: %v", p, err, err)
	}
	if te.Problem != p {
		t.Fatalf("InvalidTokenError.Problem = %v, want %v", te.Problem, p)
	}
}

func checkToken(t *testing.T, tok identity.AccessToken, minLife, maxLife time.Duration) {
	t.Helper()
	if tok.Token == "" {
		t.Fatal("empty token")
	}
	claims, err := identity.ReadACSToken(tok.Token)
	if err != nil {
		t.Fatalf("the issued token is not a readable ACS token: %v", err)
	}
	if d := claims.ExpiresOn.Sub(tok.ExpiresOn); d > time.Second || d < -time.Second {
		t.Fatalf("expiresOn %v differs from the token's exp %v", tok.ExpiresOn, claims.ExpiresOn)
	}
	life := time.Until(tok.ExpiresOn)
	if life < minLife-2*time.Minute || life > maxLife+2*time.Minute {
		t.Fatalf("token lifetime %v, want within [%v, %v]", life, minLife, maxLife)
	}
}

var cases = []testCase{
	{name: "CreateUser", run: func(t *testing.T, env Env) {
		r := must(env.Service.CreateUser(ctx(t), nil))(t)
		if got := identity.ParseRawID(r.User.ID); got.Kind() != identity.KindCommunicationUser {
			t.Fatalf("new user %q parses as %v, want a communication user", r.User.ID, got.Kind())
		}
		if r.Token != nil {
			t.Fatal("a token was issued without scopes")
		}
		g := must(env.Service.GetUser(ctx(t), r.User, nil))(t)
		if g.ID != r.User {
			t.Fatalf("GetUser returned %v, want %v", g.ID, r.User)
		}
		if !g.LastTokenIssuedAt.IsZero() {
			t.Fatalf("LastTokenIssuedAt = %v for a user without tokens", g.LastTokenIssuedAt)
		}
	}},
	{name: "CreateUserWithToken", run: func(t *testing.T, env Env) {
		r := must(env.Service.CreateUser(ctx(t), &identity.CreateUserOptions{
			TokenScopes: []identity.Scope{identity.ScopeChat, identity.ScopeVoIP}, TokenExpiresIn: 60 * time.Minute,
		}))(t)
		if r.Token == nil {
			t.Fatal("no token")
		}
		checkToken(t, *r.Token, time.Hour, time.Hour)
		g := must(env.Service.GetUser(ctx(t), r.User, nil))(t)
		if g.LastTokenIssuedAt.IsZero() {
			t.Fatal("LastTokenIssuedAt not set after a token was issued")
		}
	}},
	{name: "CreateUserCustomIDIsIdempotent", run: func(t *testing.T, env Env) {
		id := "conformance-" + time.Now().Format("150405.000000000")
		a := must(env.Service.CreateUser(ctx(t), &identity.CreateUserOptions{CustomID: id}))(t)
		b := must(env.Service.CreateUser(ctx(t), &identity.CreateUserOptions{CustomID: id}))(t)
		if a.User != b.User {
			t.Fatalf("same custom id gave two users: %v and %v", a.User, b.User)
		}
		g := must(env.Service.GetUser(ctx(t), a.User, nil))(t)
		if g.CustomID != id {
			t.Fatalf("CustomID = %q, want %q", g.CustomID, id)
		}
	}},
	{name: "IssueToken", run: func(t *testing.T, env Env) {
		u := must(env.Service.CreateUser(ctx(t), nil))(t).User
		all := []identity.Scope{identity.ScopeChat, identity.ScopeVoIP, identity.ScopeChatJoin, identity.ScopeChatJoinLimited, identity.ScopeVoIPJoin}
		tok := must(env.Service.IssueToken(ctx(t), u, all, nil))(t)
		checkToken(t, tok.AccessToken, 24*time.Hour, 24*time.Hour)
		tok = must(env.Service.IssueToken(ctx(t), u, []identity.Scope{identity.ScopeChat}, &identity.IssueTokenOptions{ExpiresIn: 90 * time.Minute}))(t)
		checkToken(t, tok.AccessToken, 90*time.Minute, 90*time.Minute)
		claims, err := identity.ReadACSToken(tok.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := claims.User(); !ok || got != u {
			t.Fatalf("token user %v, want %v", got, u)
		}
	}},
	{name: "IssueTokenChecksArguments", run: func(t *testing.T, env Env) {
		u := must(env.Service.CreateUser(ctx(t), nil))(t).User
		_, err := env.Service.IssueToken(ctx(t), u, nil, nil)
		wantArgumentError(t, err, "scopes")
		_, err = env.Service.IssueToken(ctx(t), u, []identity.Scope{"chat", "calls"}, nil)
		wantArgumentError(t, err, "scopes")
		for _, d := range []time.Duration{59 * time.Minute, 1441 * time.Minute, 90*time.Minute + time.Second} {
			_, err = env.Service.IssueToken(ctx(t), u, []identity.Scope{identity.ScopeChat}, &identity.IssueTokenOptions{ExpiresIn: d})
			wantArgumentError(t, err, "opts.ExpiresIn")
		}
		_, err = env.Service.IssueToken(ctx(t), identity.CommunicationUserIdentifier{}, []identity.Scope{identity.ScopeChat}, nil)
		wantArgumentError(t, err, "user")
		_, err = env.Service.CreateUser(ctx(t), &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}, TokenExpiresIn: 1441 * time.Minute})
		wantArgumentError(t, err, "opts.TokenExpiresIn")
	}},
	{name: "UnknownUserIsNotFound", run: func(t *testing.T, env Env) {
		u := must(env.Service.CreateUser(ctx(t), nil))(t).User
		must(env.Service.DeleteUser(ctx(t), u, nil))(t)
		_, err := env.Service.GetUser(ctx(t), u, nil)
		if !identity.IsNotFound(err) {
			t.Fatalf("GetUser of a deleted user: want not found, got %v", err)
		}
		wantResponseError(t, err, 404, "")
		_, err = env.Service.IssueToken(ctx(t), u, []identity.Scope{identity.ScopeChat}, nil)
		if !identity.IsNotFound(err) {
			t.Fatalf("IssueToken for a deleted user: want not found, got %v", err)
		}
		_, err = env.Service.DeleteUser(ctx(t), u, nil)
		if !identity.IsNotFound(err) {
			t.Fatalf("second DeleteUser: want not found, got %v", err)
		}
	}},
	{name: "RevokeTokens", run: func(t *testing.T, env Env) {
		u := must(env.Service.CreateUser(ctx(t), nil))(t).User
		must(env.Service.IssueToken(ctx(t), u, []identity.Scope{identity.ScopeVoIP}, nil))(t)
		must(env.Service.RevokeTokens(ctx(t), u, nil))(t)
		// A token can still be issued after a revocation.
		tok := must(env.Service.IssueToken(ctx(t), u, []identity.Scope{identity.ScopeVoIP}, nil))(t)
		checkToken(t, tok.AccessToken, 24*time.Hour, 24*time.Hour)
	}},
	{name: "CancelledContext", run: func(t *testing.T, env Env) {
		c, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := env.Service.CreateUser(c, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	}},
	{name: "ExchangeTeamsUserToken", needsEntra: true, run: func(t *testing.T, env Env) {
		entra := env.EntraToken(t, Valid)
		ec, err := identity.ReadEntraToken(entra)
		if err != nil {
			t.Fatal(err)
		}
		r := must(env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: entra, AppID: env.AppID, UserID: env.UserID}, nil))(t)
		if r.ExpiresOn.After(ec.ExpiresOn.Add(time.Second)) {
			t.Fatalf("the ACS token (%v) outlives the Entra token (%v)", r.ExpiresOn, ec.ExpiresOn)
		}
		claims, err := identity.ReadACSToken(r.Token)
		if err != nil {
			t.Fatalf("exchanged token is not a readable ACS token: %v", err)
		}
		want := identity.MicrosoftTeamsUserIdentifier{UserID: env.UserID}
		if got := claims.Identifier(); got == nil || (!identity.Equal(got, want) && got.RawID() != "8:orgid:"+env.UserID) {
			t.Fatalf("exchanged token is for 8:%s, want the Teams user %v", claims.SkypeID, want.RawID())
		}
	}},
	{name: "ExchangeChecksArgumentsBeforeSending", needsEntra: true, run: func(t *testing.T, env Env) {
		tok := env.EntraToken(t, Valid)
		for _, skip := range []bool{false, true} {
			o := &identity.ExchangeTeamsUserTokenOptions{SkipClaimsCheck: skip}
			_, err := env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{AppID: env.AppID, UserID: env.UserID}, o)
			wantArgumentError(t, err, "token")
			_, err = env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: tok, UserID: env.UserID}, o)
			wantArgumentError(t, err, "appID")
			_, err = env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: tok, AppID: env.AppID}, o)
			wantArgumentError(t, err, "userID")
		}
	}},
	{name: "ExchangeRefusesTokensThatCannotWork", needsEntra: true, run: func(t *testing.T, env Env) {
		for _, c := range []struct {
			v    Variant
			want identity.TokenProblem
		}{
			{Expired, identity.TokenExpired},
			{OtherApp, identity.TokenAppIDMismatch},
			{OtherUser, identity.TokenUserIDMismatch},
			{WrongAudience, identity.TokenWrongAudience},
			{MissingScope, identity.TokenMissingScope},
		} {
			_, err := env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: env.EntraToken(t, c.v), AppID: env.AppID, UserID: env.UserID}, nil)
			wantTokenProblem(t, err, c.want)
		}
		_, err := env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: "not.a.jwt", AppID: env.AppID, UserID: env.UserID}, nil)
		wantTokenProblem(t, err, identity.TokenMalformed)
	}},
	{name: "ExchangeServiceErrors", needsEntra: true, run: func(t *testing.T, env Env) {
		skip := &identity.ExchangeTeamsUserTokenOptions{SkipClaimsCheck: true}
		send := func(v Variant) error {
			_, err := env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: env.EntraToken(t, v), AppID: env.AppID, UserID: env.UserID}, skip)
			return err
		}
		re := wantResponseError(t, send(OtherApp), 400, "ValidationError")
		_ = re
		wantResponseError(t, send(OtherUser), 400, "ValidationError")
		err := send(Expired)
		wantResponseError(t, err, 401, "InvalidAccessToken")
		if !identity.IsUnauthorized(err) {
			t.Fatal("IsUnauthorized is false for a 401")
		}
		_, err = env.Service.ExchangeTeamsUserToken(ctx(t), identity.TeamsUserTokenRequest{Token: env.EntraToken(t, Valid), AppID: "not-a-guid", UserID: env.UserID}, skip)
		wantResponseError(t, err, 400, "ValidationError")
	}},
	{name: "TeamsExtensionAssignments", needsTeamsPhone: true, run: func(t *testing.T, env Env) {
		c := ctx(t)
		a := identity.TeamsExtensionAssignment{TenantID: env.TenantID, ObjectID: env.UserID,
			PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{env.AppID}}
		t.Cleanup(func() {
			_, _ = env.Service.DeleteTeamsExtensionAssignment(context.Background(), env.TenantID, env.UserID, nil)
		})
		r := must(env.Service.CreateOrReplaceTeamsExtensionAssignment(c, a, nil))(t)
		if !r.Created || !sameAssignment(r.TeamsExtensionAssignment, a) {
			t.Fatalf("create: got %+v (created %v), want %+v created", r.TeamsExtensionAssignment, r.Created, a)
		}
		a.ClientIDs = append(a.ClientIDs, "9b0f6c1e-2d3a-4b5c-8d7e-6f5a4b3c2d1e")
		r = must(env.Service.CreateOrReplaceTeamsExtensionAssignment(c, a, nil))(t)
		if r.Created || !sameAssignment(r.TeamsExtensionAssignment, a) {
			t.Fatalf("replace: got %+v (created %v), want %+v replaced", r.TeamsExtensionAssignment, r.Created, a)
		}
		g := must(env.Service.GetTeamsExtensionAssignment(c, env.TenantID, env.UserID, nil))(t)
		if !sameAssignment(g.TeamsExtensionAssignment, a) {
			t.Fatalf("get: %+v, want %+v", g.TeamsExtensionAssignment, a)
		}
		must(env.Service.DeleteTeamsExtensionAssignment(c, env.TenantID, env.UserID, nil))(t)
		_, err := env.Service.GetTeamsExtensionAssignment(c, env.TenantID, env.UserID, nil)
		if !identity.IsNotFound(err) {
			t.Fatalf("get after delete: want not found, got %v", err)
		}
		_, err = env.Service.DeleteTeamsExtensionAssignment(c, env.TenantID, env.UserID, nil)
		if !identity.IsNotFound(err) {
			t.Fatalf("second delete: want not found, got %v", err)
		}
	}},
	{name: "TeamsExtensionAssignmentChecksArguments", needsTeamsPhone: true, run: func(t *testing.T, env Env) {
		c := ctx(t)
		good := identity.TeamsExtensionAssignment{TenantID: env.TenantID, ObjectID: env.UserID, PrincipalType: identity.TeamsExtensionPrincipalResourceAccount}
		for _, tc := range []struct {
			arg    string
			change func(a *identity.TeamsExtensionAssignment)
		}{
			{"tenantID", func(a *identity.TeamsExtensionAssignment) { a.TenantID = "" }},
			{"tenantID", func(a *identity.TeamsExtensionAssignment) { a.TenantID = "fabrikam.onmicrosoft.com" }},
			{"objectID", func(a *identity.TeamsExtensionAssignment) { a.ObjectID = "adele@fabrikam.onmicrosoft.com" }},
			{"principalType", func(a *identity.TeamsExtensionAssignment) { a.PrincipalType = "" }},
			{"principalType", func(a *identity.TeamsExtensionAssignment) { a.PrincipalType = "teamsResourceAccount" }},
			{"clientIDs", func(a *identity.TeamsExtensionAssignment) { a.ClientIDs = []string{env.AppID, "contoso-app"} }},
		} {
			a := good
			tc.change(&a)
			_, err := env.Service.CreateOrReplaceTeamsExtensionAssignment(c, a, nil)
			wantArgumentError(t, err, tc.arg)
		}
		_, err := env.Service.GetTeamsExtensionAssignment(c, "not-a-tenant", env.UserID, nil)
		wantArgumentError(t, err, "tenantID")
		_, err = env.Service.DeleteTeamsExtensionAssignment(c, env.TenantID, "", nil)
		wantArgumentError(t, err, "objectID")
	}},
	{name: "ExchangeTeamsPhoneToken", needsTeamsPhone: true, tokens: true, run: func(t *testing.T, env Env) {
		c := ctx(t)
		tok := env.TeamsPhoneToken(t, Valid)
		_, err := env.Service.ExchangeTeamsPhoneToken(c, tok, nil)
		wantResponseError(t, err, 403, "")
		if !identity.IsForbidden(err) {
			t.Fatal("IsForbidden is false for a 403")
		}
		t.Cleanup(func() {
			_, _ = env.Service.DeleteTeamsExtensionAssignment(context.Background(), env.TenantID, env.UserID, nil)
		})
		must(env.Service.CreateOrReplaceTeamsExtensionAssignment(c, identity.TeamsExtensionAssignment{TenantID: env.TenantID, ObjectID: env.UserID,
			PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{env.AppID}}, nil))(t)
		r := must(env.Service.ExchangeTeamsPhoneToken(c, tok, nil))(t)
		if !strings.EqualFold(r.User.TenantID, env.TenantID) || !strings.EqualFold(r.User.UserID, env.UserID) || r.User.ResourceID == "" {
			t.Fatalf("exchanged for %+v, want the Teams extension user %s of tenant %s", r.User, env.UserID, env.TenantID)
		}
		ec, err := identity.ReadEntraToken(tok)
		if err != nil {
			t.Fatal(err)
		}
		if r.Token.ExpiresOn.After(ec.ExpiresOn.Add(time.Second)) {
			t.Fatalf("the ACS token (%v) outlives the Entra token (%v)", r.Token.ExpiresOn, ec.ExpiresOn)
		}
		claims, err := identity.ReadACSToken(r.Token.Token)
		if err != nil {
			t.Fatalf("exchanged token is not a readable ACS token: %v", err)
		}
		if got := claims.Identifier(); got == nil || !identity.Equal(got, r.User) {
			t.Fatalf("the token is for %v, the response says %v", got, r.User.RawID())
		}
		// Another app than the assignment names: the service refuses.
		_, err = env.Service.ExchangeTeamsPhoneToken(c, env.TeamsPhoneToken(t, OtherApp), nil)
		wantResponseError(t, err, 403, "")
		// Tokens that cannot work are refused before sending, and by the
		// service when sent anyway.
		for _, tc := range []struct {
			v    Variant
			want identity.TokenProblem
		}{{Expired, identity.TokenExpired}, {WrongAudience, identity.TokenWrongAudience}, {MissingScope, identity.TokenMissingScope}} {
			bad := env.TeamsPhoneToken(t, tc.v)
			_, err := env.Service.ExchangeTeamsPhoneToken(c, bad, nil)
			wantTokenProblem(t, err, tc.want)
			_, err = env.Service.ExchangeTeamsPhoneToken(c, bad, &identity.ExchangeTeamsPhoneTokenOptions{SkipClaimsCheck: true})
			wantResponseError(t, err, 401, "")
		}
		_, err = env.Service.ExchangeTeamsPhoneToken(c, "not.a.jwt", nil)
		wantTokenProblem(t, err, identity.TokenMalformed)
		for _, skip := range []bool{false, true} {
			_, err = env.Service.ExchangeTeamsPhoneToken(c, "", &identity.ExchangeTeamsPhoneTokenOptions{SkipClaimsCheck: skip})
			wantArgumentError(t, err, "token")
		}
	}},
}

func sameAssignment(a, b identity.TeamsExtensionAssignment) bool {
	return strings.EqualFold(a.TenantID, b.TenantID) && strings.EqualFold(a.ObjectID, b.ObjectID) &&
		a.PrincipalType == b.PrincipalType && slices.EqualFunc(a.ClientIDs, b.ClientIDs, strings.EqualFold)
}
