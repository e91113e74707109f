package teamsuser_test

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// The credential factory has one named type, taken by Users and by the
// token service's on-behalf-of step alike (it was a func type spelled out
// in both signatures).
var (
	_ func(teamsuser.Config, tokenservice.CredentialFunc, *teamsuser.UsersOptions) (*teamsuser.Users, error) = teamsuser.NewUsers
	_ func(tokenservice.CredentialFunc) tokenservice.OnBehalfOfFunc                                          = tokenservice.OnBehalfOfCredential
)

// TestOneCredentialFunc: one factory, written as the plain func value
// callers wrote before the type had a name, serves both.
func TestOneCredentialFunc(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	var made int
	newCredential := func(c tokenservice.Caller, callerToken string) (azcore.TokenCredential, error) {
		made++
		require.Equal(t, f.adele.ObjectID, c.ObjectID)
		require.Equal(t, "caller-token", callerToken)
		return f.entra.Credential(f.adele, facadeAppID, nil), nil
	}
	caller := tokenservice.Caller{TenantID: f.adele.TenantID, ObjectID: f.adele.ObjectID, ExpiresOn: time.Now().Add(time.Hour)}

	us, err := teamsuser.NewUsers(f.cfg, newCredential, nil)
	require.NoError(t, err)
	defer us.Close()
	u, err := us.Get(ctx, caller, "caller-token")
	require.NoError(t, err)
	require.Equal(t, f.adele.ObjectID, u.ID().UserID)

	tok, err := tokenservice.OnBehalfOfCredential(newCredential)(ctx, caller, "caller-token")
	require.NoError(t, err)
	require.NotEmpty(t, tok.Token)
	require.Equal(t, 2, made, "one credential for Users, one for the token service")
}
