// Package identitytest is the conformance suite of identity.Service. Run it
// against any implementation, in the manner of testing/fstest.TestFS: the
// in-memory fake's Go face, the real client on the fake's HTTP face, or the
// real client on a real ACS resource. Where two implementations disagree,
// the failing subtest says where.
package identitytest

import (
	"context"
	"errors"
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
	// and app; nil skips the exchange cases.
	EntraToken func(t *testing.T, v Variant) string
}

// Run runs the suite. newEnv is called once per subtest, so subtests do not
// share state.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			if c.needsEntra && env.EntraToken == nil {
				t.Skip("no Entra tokens in this environment")
			}
			c.run(t, env)
		})
	}
}

type testCase struct {
	name       string
	needsEntra bool
	run        func(t *testing.T, env Env)
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
			wantArgumentError(t, err, "expiresIn")
		}
		_, err = env.Service.IssueToken(ctx(t), identity.CommunicationUserIdentifier{}, []identity.Scope{identity.ScopeChat}, nil)
		wantArgumentError(t, err, "user")
		_, err = env.Service.CreateUser(ctx(t), &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}, TokenExpiresIn: 1441 * time.Minute})
		wantArgumentError(t, err, "tokenExpiresIn")
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
}
