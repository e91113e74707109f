package identity_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// The exchange as Contoso's backend does it for a signed-in Teams user of a
// customer's tenant. Offline here: a fake Entra ID issues the user's token
// and the fake ACS resource serves the REST API on loopback; against Azure,
// use the resource's connection string and the user's real Entra token.
func ExampleClient_ExchangeTeamsUserToken() {
	entra := fake.NewEntra(nil)
	adele := entra.AddUser(entra.AddTenant("fabrikam").ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra})
	srv := acs.NewServer()
	defer srv.Close()

	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(srv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}, // the fake serves http on loopback
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // Contoso's Entra app, from configuration
	entraToken, _, err := entra.TeamsUserToken(adele, appID)
	if err != nil {
		fmt.Println(err)
		return
	}

	resp, err := client.ExchangeTeamsUserToken(context.Background(), identity.TeamsUserTokenRequest{
		Token:  entraToken,
		AppID:  appID,
		UserID: adele.ObjectID, // from the caller's authenticated session, never from the token
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	claims, err := identity.ReadACSToken(resp.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ACS token for a", claims.Identifier().Kind(), "with scopes", claims.Scopes)

	// A user id other than the token's is refused before anything is sent.
	_, err = client.ExchangeTeamsUserToken(context.Background(), identity.TeamsUserTokenRequest{
		Token: entraToken, AppID: appID, UserID: "00000000-0000-0000-0000-000000000001",
	}, nil)
	var te *identity.InvalidTokenError
	fmt.Println("other user refused locally:", errors.As(err, &te) && te.Problem == identity.TokenUserIDMismatch)
	// Output:
	// ACS token for a microsoftTeamsUser with scopes [chat voip]
	// other user refused locally: true
}

// Creating an ACS user together with a token for a guest of a call.
func ExampleClient_CreateUser() {
	acs := fake.New(nil) // Go face: the same interface as *identity.Client
	var svc identity.Service = acs
	r, err := svc.CreateUser(context.Background(), &identity.CreateUserOptions{
		TokenScopes: []identity.Scope{identity.ScopeVoIP},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.User.Kind(), r.Token != nil)

	// Out-of-range lifetimes are refused before sending.
	_, err = svc.IssueToken(context.Background(), r.User, []identity.Scope{identity.ScopeChat}, &identity.IssueTokenOptions{ExpiresIn: 30e9 * 60})
	var ae *identity.ArgumentError
	fmt.Println(errors.As(err, &ae), ae.Arg)
	// Output:
	// communicationUser true
	// true opts.ExpiresIn
}

// Teams Phone extensibility: the resource's owner gives a Teams Phone user
// access through Contoso's Entra app, and the user's token for
// TeamsExtension.ManageCalls becomes an ACS token of a Teams extension user.
// Offline here against the fakes; against Azure, the assignment is made with
// the resource's connection string and the token comes from the user's
// sign-in to the app.
func ExampleClient_ExchangeTeamsPhoneToken() {
	entra := fake.NewEntra(nil)
	adele := entra.AddUser(entra.AddTenant("fabrikam").ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra, ResourceID: "2dee53b4-368b-45b4-ab52-8493fb117652"})
	srv := acs.NewServer()
	defer srv.Close()
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(srv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}, // the fake serves http on loopback
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // Contoso's Entra app
	a, err := client.CreateOrReplaceTeamsExtensionAssignment(ctx, identity.TeamsExtensionAssignment{
		TenantID: adele.TenantID, ObjectID: adele.ObjectID,
		PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{appID},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("assignment created:", a.Created)

	entraToken, _, err := entra.TeamsUserToken(adele, appID, fake.WithScopes(identity.TeamsExtensionManageCalls))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := client.ExchangeTeamsPhoneToken(ctx, entraToken, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.User.Kind(), resp.User.ResourceID, resp.User.UserID == adele.ObjectID)

	// Without the assignment, the service refuses the exchange.
	if _, err := client.DeleteTeamsExtensionAssignment(ctx, adele.TenantID, adele.ObjectID, nil); err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.ExchangeTeamsPhoneToken(ctx, entraToken, nil)
	fmt.Println("forbidden:", identity.IsForbidden(err))
	// Output:
	// assignment created: true
	// teamsExtensionUser 2dee53b4-368b-45b4-ab52-8493fb117652 true
	// forbidden: true
}
