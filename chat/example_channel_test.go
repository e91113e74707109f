package chat_test

import (
	"context"
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// Editing a reply in a channel and reacting to it: a reply is named by its
// id and its top-level message's (Message.ReplyToID). Offline here, on the
// fake's Go face.
func ExampleService_editChannelMessage() {
	ctx := context.Background()
	graph, cast := fake.NewSeeded(nil)
	defer graph.Close()
	alice, bob := graph.As(cast.Alice.ID), graph.As(cast.Bob.ID)
	team, channel := cast.Team.ID, cast.Channel.ID

	root, err := alice.SendChannelMessage(ctx, team, channel, chat.TextMessage("Release at 5?"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := bob.ReplyToChannelMessage(ctx, team, channel, root.Message.ID, chat.TextMessage("Yes, at 5."), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	reply := r.Message
	if _, err := bob.EditChannelMessage(ctx, team, channel, reply.ID, chat.TextMessage("Yes, at 6."),
		&chat.EditChannelMessageOptions{ReplyToID: reply.ReplyToID}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := alice.SetChannelMessageReaction(ctx, team, channel, reply.ID, "👍",
		&chat.SetChannelMessageReactionOptions{ReplyToID: reply.ReplyToID}); err != nil {
		fmt.Println(err)
		return
	}
	for m, err := range alice.ListReplies(ctx, team, channel, root.Message.ID, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s (edited %v, %d reaction)\n", m.From.DisplayName, m.Body.Content, !m.LastEditedAt.IsZero(), len(m.Reactions))
	}
	// Output:
	// Bob Baker: Yes, at 6. (edited true, 1 reaction)
}
