package identity_test

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// Contoso's backend keeps the ACS token of a signed-in Teams user of
// Fabrikam fresh and hands it to the user's calling client. Offline here: a
// fake Entra ID signs the user in and a fake ACS resource serves the
// identity REST API on loopback. Against Azure, the client takes the ACS
// resource's connection string, and the Entra credential is azidentity's
// (an OnBehalfOfCredential in a service).
func Example() {
	ctx := context.Background()
	entra := fake.NewEntra(nil)
	adele := entra.AddUser(entra.AddTenant("fabrikam").ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra})
	srv := acs.NewServer()
	defer srv.Close()

	// 1. A client for the ACS resource.
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(srv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}, // the fake serves http on loopback
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// 2. A credential that exchanges the user's Entra token for an ACS token
	// and keeps it fresh. The app id comes from configuration, the user id
	// from the authenticated session: never from the token itself.
	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	cred, err := identity.NewTeamsUserCredential(client, entra.Credential(adele, appID, nil), appID, adele.ObjectID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cred.Close()

	// 3. The token for the web or mobile calling client, cached until due.
	tok, err := cred.Token(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := cred.Token(ctx)
	claims, err := identity.ReadACSToken(tok.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ACS token of", claims.Identifier().Kind(), "scopes", claims.Scopes)
	fmt.Println("the user's own id:", claims.Identifier().RawID() == identity.MicrosoftTeamsUserIdentifier{UserID: adele.ObjectID}.RawID())
	fmt.Println("cached:", again.Token == tok.Token, "- exchanges:", len(acs.Exchanges()))
	// Output:
	// ACS token of microsoftTeamsUser scopes [chat voip]
	// the user's own id: true
	// cached: true - exchanges: 1
}
