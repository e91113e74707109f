// Command quickstart runs the main job of teamsuser-go end to end.
//
// By default it runs offline: a Teams user of a test tenant (Fabrikam) signs
// in at a fake Entra ID, the user's Entra token is exchanged for an ACS token
// through the real identity client talking to the in-memory ACS identity
// service on loopback, and the token a web or mobile calling client would
// receive is shown (redacted: it is a secret).
//
// Against real Azure, set ACS_CONNECTION_STRING (or ACS_ENDPOINT, for Entra
// auth via azidentity.DefaultAzureCredential), TEAMS_USER_TOKEN (the user's
// Entra token for the Teams.ManageCalls and Teams.ManageChats scopes),
// TEAMS_APP_ID (the client id of the app that obtained it) and TEAMS_USER_ID
// (the user's object id).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// contosoAppID is the client id of Contoso's (fake) multi-tenant Entra app.
const contosoAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if os.Getenv("ACS_CONNECTION_STRING") != "" || os.Getenv("ACS_ENDPOINT") != "" {
		err = runAzure(ctx)
	} else {
		err = runOffline(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// out is where the quickstart writes its story; tests capture it.
var out io.Writer = os.Stdout

func step(n int, format string, args ...any) {
	fmt.Fprintf(out, "%d. "+format+"\n", append([]any{n}, args...)...)
}

func runOffline(ctx context.Context) error {
	fmt.Fprintln(out, "teamsuser-go quickstart (offline: fake Entra ID and fake ACS on loopback)")
	fmt.Fprintln(out)

	// The world: Fabrikam's tenant with a Teams user, and an ACS resource.
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("fabrikam")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra})
	srv := acs.NewServer()
	defer srv.Close()

	// 1. Contoso's service: the real identity client on the ACS REST API.
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(srv.URL),
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return err
	}
	step(1, "ACS identity client for %s (HMAC-signed with the resource's access key)", client.Endpoint())

	// 2. The Teams user signs in; in a real service this is azidentity's
	// OnBehalfOfCredential built from the user's request, here the fake Entra.
	signIn := entra.Credential(adele, contosoAppID, nil)
	step(2, "%s (%s) of tenant %s signs in to Contoso's app %s", adele.DisplayName, adele.UPN, fabrikam.Name, contosoAppID)

	// 3. A refreshing credential: Entra token -> exchange -> ACS token, cached
	// and refreshed before expiry. App id from configuration, user id from the
	// authenticated session, never from the token.
	cred, err := identity.NewTeamsUserCredential(client, signIn, identity.TeamsUserCredentialOptions{
		AppID:  contosoAppID,
		UserID: adele.ObjectID,
	})
	if err != nil {
		return err
	}
	defer cred.Close()
	tok, err := cred.Token(ctx)
	if err != nil {
		return err
	}
	claims, err := identity.ReadACSToken(tok.Token)
	if err != nil {
		return err
	}
	step(3, "exchanged the Entra token for an ACS token: %s", tok)
	fmt.Fprintf(out, "   identity %s, scopes %v, resource %s\n", claims.Identifier().RawID(), claims.Scopes, claims.ResourceID)

	// 4. What the web or mobile calling client receives from Contoso's backend.
	again, err := cred.Token(ctx)
	if err != nil {
		return err
	}
	if again.Token != tok.Token {
		return errors.New("the credential did not cache the token")
	}
	var body strings.Builder
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	enc.SetIndent("   ", "  ")
	_ = enc.Encode(map[string]any{
		"token":     identity.Redact(tok.Token),
		"expiresOn": tok.ExpiresOn.UTC().Format(time.RFC3339),
		"user":      map[string]string{"kind": string(claims.Identifier().Kind()), "rawId": claims.Identifier().RawID()},
	})
	step(4, "the calling client gets (token redacted here; the client gets it whole):\n   %s", strings.TrimSpace(body.String()))
	fmt.Fprintf(out, "   second Token call served from the cache: %d exchange(s) in all\n", len(acs.Exchanges()))

	// 5. The checks that protect against a confused deputy: a token another
	// app obtained for the same user is refused before anything is sent.
	other, _, err := entra.TeamsUserToken(adele, "11111111-2222-3333-4444-555555555555")
	if err != nil {
		return err
	}
	_, err = client.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: other, AppID: contosoAppID, UserID: adele.ObjectID}, nil)
	var bad *identity.InvalidTokenError
	if !errors.As(err, &bad) {
		return fmt.Errorf("a token of another app was not refused: %v", err)
	}
	step(5, "a token obtained by another app is refused before sending:\n   %v", err)
	fmt.Fprintln(out)
	fmt.Fprintln(out, "done: the identity flow ran offline end to end")
	return nil
}

func runAzure(ctx context.Context) error {
	token, appID, userID := os.Getenv("TEAMS_USER_TOKEN"), os.Getenv("TEAMS_APP_ID"), os.Getenv("TEAMS_USER_ID")
	if token == "" || appID == "" || userID == "" {
		return errors.New("set TEAMS_USER_TOKEN, TEAMS_APP_ID and TEAMS_USER_ID (see the README)")
	}
	var client *identity.Client
	var err error
	if cs := os.Getenv("ACS_CONNECTION_STRING"); cs != "" {
		client, err = identity.NewClientFromConnectionString(cs, nil)
	} else {
		var cred *azidentity.DefaultAzureCredential
		cred, err = azidentity.NewDefaultAzureCredential(nil)
		if err == nil {
			client, err = identity.NewClient(os.Getenv("ACS_ENDPOINT"), cred, nil)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "teamsuser-go quickstart (Azure:", client.Endpoint()+")")
	// The user's Entra token comes from the environment here; a service
	// would use azidentity's OnBehalfOfCredential instead.
	entra := staticEntra(token)
	cred, err := identity.NewTeamsUserCredential(client, entra, identity.TeamsUserCredentialOptions{AppID: appID, UserID: userID})
	if err != nil {
		return err
	}
	defer cred.Close()
	tok, err := cred.Token(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "ACS token for the calling client:", tok)
	return nil
}

// staticEntra is an azcore.TokenCredential that returns one Entra token.
type staticEntra string

func (s staticEntra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c, err := identity.ReadEntraToken(string(s))
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return azcore.AccessToken{Token: string(s), ExpiresOn: c.ExpiresOn}, nil
}
