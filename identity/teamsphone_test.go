package identity_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
)

func TestCheckTeamsPhoneToken(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	mint := func(opts ...fake.MintOption) string {
		tok, _, err := w.entra.TeamsUserToken(w.user, w.appID, append([]fake.MintOption{fake.WithScopes(identity.TeamsExtensionManageCalls)}, opts...)...)
		require.NoError(t, err)
		return tok
	}
	for _, tok := range []string{mint(), mint(fake.V2())} {
		c, err := identity.CheckTeamsPhoneToken(tok, now)
		require.NoError(t, err)
		require.Equal(t, w.user.ObjectID, c.ObjectID)
	}
	for _, tc := range []struct {
		tok   string
		want  identity.TokenProblem
		claim string
	}{
		{mint(fake.WithClaim("tid", nil)), identity.TokenMalformed, "tid"},
		{mint(fake.WithClaim("oid", nil)), identity.TokenMalformed, "oid"},
		{mint(fake.NotYetValid()), identity.TokenNotYetValid, "nbf"},
		{mint(fake.Expired()), identity.TokenExpired, "exp"},
		{mint(fake.WithAudience("https://communication.azure.com")), identity.TokenWrongAudience, "aud"},
		{w.token(t, identitytest.Valid), identity.TokenMissingScope, "scp"},
	} {
		_, err := identity.CheckTeamsPhoneToken(tc.tok, now)
		var te *identity.InvalidTokenError
		require.ErrorAs(t, err, &te)
		require.Equal(t, tc.want, te.Problem, "%v", err)
		require.Equal(t, tc.claim, te.Claim)
		require.NotContains(t, err.Error(), tc.tok)
	}
}

// What only the HTTP face shows: the exchange is authenticated by the user's
// token alone, the assignment operations by the resource's credentials, all
// of them in api-version 2025-06-30 only; the service refuses principal
// types the spec does not define.
func TestTeamsPhoneHTTPFace(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.serve(t, nil)
	a := identity.TeamsExtensionAssignment{TenantID: w.user.TenantID, ObjectID: w.user.ObjectID,
		PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{w.appID}}
	_, err := c.CreateOrReplaceTeamsExtensionAssignment(ctx, a, nil)
	require.NoError(t, err)
	require.Equal(t, []identity.TeamsExtensionAssignment{a}, w.acs.Assignments())

	// Signed with the key instead of the user's token: denied.
	srv := w.acs.NewServer()
	t.Cleanup(srv.Close)
	err = rawCall(t, w, srv.URL, "/access/teamsExtension/:exchangeAccessToken", []byte(`{}`))
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusUnauthorized, re.StatusCode)
	require.Equal(t, "Denied", re.ErrorCode)

	r, err := c.ExchangeTeamsPhoneToken(ctx, w.phoneToken(t, identitytest.Valid), nil)
	require.NoError(t, err)
	ex := w.acs.Exchanges()
	require.Len(t, ex, 1)
	require.True(t, ex[0].TeamsPhone)
	require.Equal(t, w.appID, ex[0].AppID)
	issued := w.acs.IssuedTokens()
	require.True(t, identity.Equal(issued[len(issued)-1].User, r.User))

	// A resource account's assignment signs nobody in (choice).
	a.PrincipalType = identity.TeamsExtensionPrincipalResourceAccount
	_, err = c.CreateOrReplaceTeamsExtensionAssignment(ctx, a, nil)
	require.NoError(t, err)
	_, err = c.ExchangeTeamsPhoneToken(ctx, w.phoneToken(t, identitytest.Valid), nil)
	require.True(t, identity.IsForbidden(err), "got %v", err)

	for _, v := range []string{"2023-10-01", "2022-06-01"} {
		old := w.serve(t, &identity.ClientOptions{ClientOptions: azcore.ClientOptions{APIVersion: v}})
		_, err = old.GetTeamsExtensionAssignment(ctx, a.TenantID, a.ObjectID, nil)
		require.Equal(t, "UnsupportedApiVersion", identity.ErrorCode(err), "%s: %v", v, err)
		_, err = old.ExchangeTeamsPhoneToken(ctx, w.phoneToken(t, identitytest.Valid), nil)
		require.Equal(t, "UnsupportedApiVersion", identity.ErrorCode(err), "%s: %v", v, err)
	}

	// Principal types outside the spec's enum, sent past the client's check.
	for _, body := range []string{`{"principalType":"teamsResourceAccount"}`, `{"principalType":"User"}`, `{}`, `{"principalType":"user","clientIds":["contoso"]}`} {
		err := rawPut(t, w, srv.URL, "/access/teamsExtension/tenants/"+a.TenantID+"/assignments/"+a.ObjectID, []byte(body))
		require.ErrorAs(t, err, &re, body)
		require.Equal(t, http.StatusBadRequest, re.StatusCode, body)
		require.Equal(t, "ValidationError", re.ErrorCode, body)
	}
	err = rawPut(t, w, srv.URL, "/access/teamsExtension/tenants/fabrikam/assignments/"+a.ObjectID, []byte(`{"principalType":"user"}`))
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusBadRequest, re.StatusCode)
}
