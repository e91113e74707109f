package teamsuser_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// Adele, a Teams user of Fabrikam signed in to Contoso's app, from one
// place: her ACS token for the calling client, her chat through Graph, and
// a call from the app that rings her. One Entra credential of hers yields
// both the token exchanged for ACS and the Graph token. Offline here,
// against the fakes of Entra ID, ACS identity (on loopback, through the
// real client), Graph and the call switchboard.
func Example() {
	ctx := context.Background()
	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // Contoso's app registration

	entra := fake.NewEntra(nil)
	tenant := entra.AddTenant("fabrikam")
	adele, alex := entra.AddUser(tenant.ID, "Adele Vance"), entra.AddUser(tenant.ID, "Alex Wilber")
	acs := fake.New(&fake.Options{Entra: entra})
	acsSrv := acs.NewServer()
	defer acsSrv.Close()
	graph := chatfake.New(&chatfake.Options{Entra: entra})
	defer graph.Close()
	for _, u := range []fake.TestUser{adele, alex} {
		_ = graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN})
	}
	graphSrv := httptest.NewServer(graph.Handler())
	defer graphSrv.Close()
	switchboard := callfake.New(&callfake.Options{
		OnEvent: func(context.Context, callfake.Delivery) {}, // the app's callback handler, in a real service
	})
	defer switchboard.Close()
	switchboard.AddTeamsUser(adele.ObjectID, callfake.Answers())

	// The application's configuration, shared by all its users.
	exchanger, err := identity.NewClientFromConnectionString(acs.ConnectionString(acsSrv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}, // the fake serves http on loopback
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := teamsuser.Config{AppID: appID, Exchanger: exchanger}
	opts := &teamsuser.UserOptions{
		Calling: switchboard,
		Chat:    &chat.ClientOptions{BaseURL: graphSrv.URL + "/v1.0"},
	}

	// Adele, from her delegated credential (azidentity's OnBehalfOfCredential
	// in a service) and her object id from the authenticated session.
	cred := entra.Credential(adele, appID, nil)
	u, err := teamsuser.NewUser(cfg, cred, adele.ObjectID, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer u.Close()

	tok, err := u.ACSToken(ctx) // for her web or mobile calling client
	if err != nil {
		fmt.Println(err)
		return
	}
	claims, _ := identity.ReadACSToken(tok.Token)
	fmt.Println("ACS token scopes:", claims.Scopes)

	c, err := u.Chat().CreateOneOnOneChat(ctx, alex.ObjectID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := u.Chat().SendMessage(ctx, c.Chat.ID, chat.TextMessage("Calling you in a minute"), nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("messages sent:", len(graph.Messages(c.Chat.ID)))
	fmt.Println("Entra tokens asked for (ACS exchange, Graph):", cred.Calls())

	call, err := u.Call(ctx, "https://app.contoso.com/calling/events", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = switchboard.Settle(ctx) // Adele answers
	info, _ := switchboard.Call(call.CallConnectionID)
	fmt.Println("call:", info.State)
	// Output:
	// ACS token scopes: [chat voip]
	// messages sent: 1
	// Entra tokens asked for (ACS exchange, Graph): 2
	// call: connected
}
