package chat_test

import (
	"context"
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// Renaming a group chat, pinning one of its messages and listing the pins
// with their messages. Offline here, on the fake's Go face.
func ExampleService_pinMessage() {
	ctx := context.Background()
	graph, cast := fake.NewSeeded(nil)
	defer graph.Close()
	alice := graph.As(cast.Alice.ID)

	g, err := alice.CreateGroupChat(ctx, "Launch", []string{cast.Bob.ID, cast.Carol.ID}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := alice.RenameChat(ctx, g.Chat.ID, "Launch – week 12", nil); err != nil {
		fmt.Println(err)
		return
	}
	m, _ := graph.Post(cast.Bob.ID, g.Chat.ID, "Go/no-go on Thursday at 10.")
	if _, err := alice.PinMessage(ctx, g.Chat.ID, m.ID, nil); err != nil {
		fmt.Println(err)
		return
	}
	pins, err := alice.ListPinnedMessages(ctx, g.Chat.ID, &chat.ListPinnedMessagesOptions{ExpandMessage: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := alice.GetChat(ctx, g.Chat.ID, nil)
	fmt.Println(c.Chat.Topic)
	for _, p := range pins.PinnedMessages {
		fmt.Printf("pinned: %s: %s\n", p.Message.From.DisplayName, p.Message.Body.Content)
	}
	// Output:
	// Launch – week 12
	// pinned: Bob Baker: Go/no-go on Thursday at 10.
}
