package chat_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// Watching who joins a chat: a subscription to the chat's members, whose
// notifications say which membership was added or removed. Offline here:
// the real client on the fake's HTTP face, which posts the notifications
// to a NotificationHandler on loopback.
func ExampleChatMembersResource() {
	ctx := context.Background()
	graph, cast := fake.NewSeeded(nil)
	defer graph.Close()
	api := httptest.NewServer(graph.Handler())
	defer api.Close()
	alice, err := chat.NewClient(graph.CredentialFor(cast.Alice.ID), &chat.ClientOptions{BaseURL: api.URL + "/v1.0", UserID: cast.Alice.ID})
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := chat.NewNotificationHandler(chat.OneClientState("example-client-state"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()
	hook := httptest.NewServer(h)
	defer hook.Close()

	g, err := alice.CreateGroupChat(ctx, "Launch", []string{cast.Bob.ID}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := alice.CreateSubscription(ctx, chat.ChatMembersResource(g.Chat.ID), hook.URL, "example-client-state", nil); err != nil {
		fmt.Println(err)
		return
	}
	added, err := alice.AddMember(ctx, g.Chat.ID, cast.Carol.ID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	select {
	case n := <-h.Notifications():
		fmt.Println(n.Type, n.Kind, n.MembershipID == added.Member.ID)
	case <-time.After(10 * time.Second):
		fmt.Println("no notification")
	}
	// Output: chatMember created true
}
