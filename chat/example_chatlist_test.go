package chat_test

import (
	"context"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// The chat list as Teams shows it: newest message first, each chat titled
// by its topic or its other members, unread ones marked. Offline here, on
// the fake's Go face.
func ExampleTeamsChatList() {
	ctx := context.Background()
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	graph, cast := fake.NewSeeded(&fake.Options{Clock: clock})
	defer graph.Close()
	alice := graph.As(cast.Alice.ID)
	one, err := alice.CreateOneOnOneChat(ctx, cast.Bob.ID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	clock.Advance(time.Minute)
	_, _ = graph.Post(cast.Bob.ID, one.Chat.ID, "Lunch?")
	clock.Advance(time.Minute)
	_, _ = graph.Post(cast.Alice.ID, cast.Meeting.ChatID, "Agenda attached.")

	for c, err := range alice.ListChats(ctx, chat.TeamsChatList()) {
		if err != nil {
			fmt.Println(err)
			return
		}
		mark := " "
		if c.HasUnread(cast.Alice.ID) {
			mark = "*"
		}
		p := c.LastMessagePreview
		fmt.Printf("%s %s | %s: %s\n", mark, c.Title(cast.Alice.ID), p.From.DisplayName, p.Body.Content)
	}
	// Output:
	//   Fabrikam review | Alice Archer: Agenda attached.
	// * Bob Baker | Bob Baker: Lunch?
}
