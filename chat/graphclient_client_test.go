package chat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	khttp "github.com/microsoft/kiota-http-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// TestClientFromGraphServiceClient runs a Client over msgraph-sdk-go's own
// request adapter and default middleware (what a GraphServiceClient has).
func TestClientFromGraphServiceClient(t *testing.T) {
	g := newFakeGraph(t)
	adapter := rawGraphAdapter(t, g, g.seeded.Alice)
	c, err := chat.NewClientFromGraph(graphClient{adapter}, &chat.FromGraphOptions{UserID: g.seeded.Alice.ID})
	require.NoError(t, err)
	ctx := context.Background()

	one, err := c.CreateOneOnOneChat(ctx, g.seeded.Bob.ID, nil)
	require.NoError(t, err)
	sent, err := c.SendMessage(ctx, one.Chat.ID, chat.TextMessage("over the graph client"), nil)
	require.NoError(t, err)
	var ids []string
	for ch, err := range c.ListChats(ctx, nil) {
		require.NoError(t, err)
		ids = append(ids, ch.ID)
	}
	require.Contains(t, ids, one.Chat.ID, "GET /me/chats through the SDK's URL replace handler")
	got, err := c.GetMessage(ctx, one.Chat.ID, sent.Message.ID, nil)
	require.NoError(t, err)
	require.Equal(t, "over the graph client", got.Message.Body.Content)

	_, err = c.GetMessage(ctx, one.Chat.ID, "404404", nil)
	require.True(t, chat.IsNotFound(err))
	var e *chat.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, "NotFound", e.Code)

	var ae *chat.ArgumentError
	_, err = chat.NewClientFromGraph(nil, nil)
	require.ErrorAs(t, err, &ae)
}

// TestGraphServiceClientRetryTrap shows the trap NewClientFromGraph closes:
// kiota's retry handler resends a message POST after a 504, so a message
// whose answer was lost is posted twice; through the chat Client the same
// adapter sends it once, while a 429 is still retried. (The SDK's default
// chain is built from a Go map, and with its compression handler the
// resent POST may also go out labelled gzip with a plain body; the chain
// here is fixed, without compression, so that the test is deterministic.)
func TestGraphServiceClientRetryTrap(t *testing.T) {
	g := newFakeGraph(t)
	adapter := rawGraphAdapter(t, g, g.seeded.Alice,
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewRetryHandler())
	ctx := context.Background()
	chatID := g.seeded.Meeting.ChatID
	before := len(g.svc.Messages(chatID))
	lostAnswer := fake.Fault{Op: fake.OpSendMessage, Status: 504, AfterProcessing: true, RetryAfter: time.Second}

	// The SDK alone: posted twice.
	g.svc.Inject(lostAnswer)
	body := models.NewChatMessage()
	itemBody := models.NewItemBody()
	text := "sent through the raw sdk"
	itemBody.SetContent(&text)
	body.SetBody(itemBody)
	_, err := chats.NewChatsRequestBuilderInternal(map[string]string{}, adapter).ByChatId(chatID).Messages().Post(ctx, body, nil)
	require.NoError(t, err, "the retry succeeded")
	require.Len(t, g.svc.Messages(chatID), before+2, "kiota's retry handler posted the message twice")

	// Through the chat Client on the same adapter: posted once, error returned.
	c, err := chat.NewClientFromGraph(graphClient{adapter}, nil)
	require.NoError(t, err)
	g.svc.Inject(lostAnswer)
	_, err = c.SendMessage(ctx, chatID, chat.TextMessage("sent through chat.Client"), nil)
	require.Equal(t, 504, chat.StatusCode(err))
	require.Len(t, g.svc.Messages(chatID), before+3)

	// A 429 is still retried, after its Retry-After.
	g.svc.Inject(fake.Fault{Op: fake.OpSendMessage, Status: 429, RetryAfter: time.Second})
	_, err = c.SendMessage(ctx, chatID, chat.TextMessage("throttled once"), nil)
	require.NoError(t, err)
	require.Len(t, g.svc.Messages(chatID), before+4)
}
