package chat_test

import (
	"context"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// The unread messages of a chat, as Teams counts them: those created after
// the chat's Viewpoint.LastMessageReadAt, sent by someone else. Offline
// here, on the fake's Go face.
func ExampleCountUnread() {
	ctx := context.Background()
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	graph, cast := fake.NewSeeded(&fake.Options{Clock: clock})
	defer graph.Close()
	alice := graph.As(cast.Alice.ID)

	clock.Advance(time.Minute)
	_, _ = graph.Post(cast.Bob.ID, cast.Meeting.ChatID, "Are the slides ready?")
	_, _ = graph.Post(cast.Bob.ID, cast.Meeting.ChatID, "I can present the numbers.")

	count := func() {
		for c, err := range alice.ListChats(ctx, &chat.ListChatsOptions{ExpandLastMessagePreview: true}) {
			if err != nil {
				fmt.Println(err)
				return
			}
			n, err := chat.CountUnread(ctx, alice, c, &chat.CountUnreadOptions{UserID: cast.Alice.ID})
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("%s: %d unread (last message unread: %v)\n", c.Topic, n.Count, c.HasUnread(cast.Alice.ID))
		}
	}
	count()
	if _, err := alice.MarkChatRead(ctx, cast.Meeting.ChatID, nil); err != nil {
		fmt.Println(err)
		return
	}
	count()
	// Output:
	// Fabrikam review: 2 unread (last message unread: true)
	// Fabrikam review: 0 unread (last message unread: false)
}
