//go:build msgraphroot

// This file is built only with -tags msgraphroot: the root package of
// msgraph-sdk-go holds request builders for all of Graph, and compiling it
// takes about 3 more CPU-minutes and 1.9 GB of memory on top of the
// subpackages this package's other tests use. Run it with
//
//	go test -tags msgraphroot -run TestRealGraphServiceClient ./chat/msgraphchat

package msgraphchat_test

import (
	"context"
	"testing"

	kauth "github.com/microsoft/kiota-abstractions-go/authentication"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/msgraphchat"
)

var _ msgraphchat.GraphServiceClient = (*msgraphsdk.GraphServiceClient)(nil)

func TestRealGraphServiceClient(t *testing.T) {
	g := newFakeGraph(t)
	auth := kauth.NewBaseBearerTokenAuthenticationProvider(tokenProvider{g.svc.TokenFor(g.seeded.Alice.ID)})
	adapter, err := msgraphsdk.NewGraphRequestAdapter(auth)
	require.NoError(t, err)
	adapter.SetBaseUrl(g.srv.URL + "/v1.0")
	gc := msgraphsdk.NewGraphServiceClient(adapter)

	c, err := msgraphchat.NewClient(gc, &msgraphchat.ClientOptions{UserID: g.seeded.Alice.ID})
	require.NoError(t, err)
	ctx := context.Background()
	sent, err := c.SendMessage(ctx, g.seeded.Meeting.ChatID, chat.TextMessage("from a GraphServiceClient"), nil)
	require.NoError(t, err)
	got, err := c.GetMessage(ctx, g.seeded.Meeting.ChatID, sent.Message.ID, nil)
	require.NoError(t, err)
	require.Equal(t, "from a GraphServiceClient", got.Message.Body.Content)
	// The same GraphServiceClient keeps working for everything else.
	me, err := gc.Me().Chats().Get(ctx, nil)
	require.NoError(t, err)
	require.NotEmpty(t, me.GetValue())
}
