package chat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// Adele, a Teams user of Fabrikam signed in to Contoso's app, chats with a
// colleague through Graph as herself. Offline here: a fake Entra ID signs
// her in and a fake Graph serves the chat REST API on loopback. Against
// Azure, the credential is azidentity's (an OnBehalfOfCredential in a
// service, the same one that gets the token for the ACS exchange) and
// BaseURL is left empty.
func Example() {
	ctx := context.Background()
	entra := identityfake.NewEntra(nil)
	tenant := entra.AddTenant("fabrikam")
	adele, alex := entra.AddUser(tenant.ID, "Adele Vance"), entra.AddUser(tenant.ID, "Alex Wilber")
	graph := fake.New(&fake.Options{Entra: entra}) // trusts Entra's Graph tokens
	defer graph.Close()
	for _, u := range []identityfake.TestUser{adele, alex} {
		_ = graph.ImportUser(fake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN})
	}
	srv := httptest.NewServer(graph.Handler())
	defer srv.Close()

	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	client, err := chat.NewClient(entra.Credential(adele, appID, nil), &chat.ClientOptions{
		BaseURL: srv.URL + "/v1.0",
		UserID:  adele.ObjectID,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	c, err := client.CreateOneOnOneChat(ctx, alex.ObjectID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.SendMessage(ctx, c.Chat.ID, chat.TextMessage("Lunch at 12?"), nil); err != nil {
		fmt.Println(err)
		return
	}
	_, _ = graph.Post(alex.ObjectID, c.Chat.ID, "Yes!") // the test makes Alex answer

	for m, err := range client.ListMessages(ctx, c.Chat.ID, nil) { // newest first, across pages
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s\n", m.From.DisplayName, m.Body.Content)
	}

	// Bad input is refused before anything is sent.
	_, err = client.SendMessage(ctx, "not a chat id", chat.TextMessage("hi"), nil)
	var argErr *chat.ArgumentError
	fmt.Println("refused:", errors.As(err, &argErr), argErr.Arg)
	// Output:
	// Alex Wilber: Yes!
	// Adele Vance: Lunch at 12?
	// refused: true chatID
}
