package msgraphchat_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	kauth "github.com/microsoft/kiota-abstractions-go/authentication"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat/msgraphchat"
)

// A service that already holds a msgraph-sdk-go GraphServiceClient gets a
// chat client that sends through it. Here the request adapter is built as
// msgraphsdk.NewGraphRequestAdapter builds it, signed in to the fake in
// chat/fake; with the real SDK, pass the *msgraphsdk.GraphServiceClient.
func ExampleNewClient() {
	svc, sd := fake.NewSeeded(nil)
	defer svc.Close()
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()

	auth := kauth.NewBaseBearerTokenAuthenticationProvider(tokenProvider{svc.TokenFor(sd.Alice.ID)})
	opts := msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"}
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, opts, nil, nil, msgraphcore.GetDefaultClient(&opts))
	if err != nil {
		panic(err)
	}
	adapter.SetBaseUrl(srv.URL + "/v1.0")

	c, err := msgraphchat.NewClient(graphClient{adapter}, &msgraphchat.ClientOptions{UserID: sd.Alice.ID})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	sent, err := c.SendMessage(ctx, sd.Meeting.ChatID, chat.TextMessage("sent through the GraphServiceClient"), nil)
	if err != nil {
		panic(err)
	}
	got, err := c.GetMessage(ctx, sd.Meeting.ChatID, sent.Message.ID, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Message.Body.Content)
	// Output: sent through the GraphServiceClient
}

// A chat message to send becomes the msgraph model a GraphServiceClient's
// POST takes, and a model read with the SDK becomes a plain chat.Message.
func ExampleNewMessageToGraph() {
	body := chat.HTMLMessage(`<at id="0">Megan</at>, the review moved to 3 pm`)
	body.Mentions = []chat.Mention{{ID: 0, Text: "Megan", UserID: "4c8d8adb-c000-495a-9d46-23d1b95141d2"}}
	m, err := msgraphchat.NewMessageToGraph(body)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.GetBody().GetContentType().String(), *m.GetMentions()[0].GetMentioned().GetUser().GetId())
	back := msgraphchat.MessageFromGraph(m)
	fmt.Println(back.Body.Content)
	// Output:
	// html 4c8d8adb-c000-495a-9d46-23d1b95141d2
	// <at id="0">Megan</at>, the review moved to 3 pm
}
