package chat_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// TestVerboseLoggingHasNoSecrets turns on every azcore log event, with
// bodies asked for, runs calls that succeed, fail and retry, and checks that
// neither the bearer token nor a subscription's client state appears in the
// log, while the log does show the calls and their tries.
func TestVerboseLoggingHasNoSecrets(t *testing.T) {
	const token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.SECRET-ACCESS-TOKEN.c2lnbmF0dXJl"
	const clientState = "client-state-SECRET-0123456789"
	var mu sync.Mutex
	var logs strings.Builder
	log.SetListener(func(ev log.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&logs, "[%s] %s\n", ev, msg)
	})
	log.SetEvents() // all events
	t.Cleanup(func() { log.SetListener(nil) })

	sub := `{"id":"sub-1","resource":"/chats/` + testChatID + `/messages","changeType":"created","notificationUrl":"https://example.com/hook","clientState":"` + clientState + `","expirationDateTime":"2024-05-01T11:00:00Z"}`
	srv := newScriptServer(t,
		reply{status: 429, header: map[string]string{"Retry-After": "0"}, body: errBody("TooManyRequests")},
		reply{status: 201, body: messageOK},
		reply{status: 200, body: messagesOK},
		reply{status: 403, header: map[string]string{"WWW-Authenticate": `Bearer error="insufficient_claims"`}, body: errBody("Forbidden")},
		reply{status: 201, body: sub},
	)
	c, err := chat.NewClient(staticCred{token}, func() *chat.ClientOptions {
		o := &chat.ClientOptions{BaseURL: srv.URL + "/v1.0"}
		o.Logging.AllowedHeaders = []string{"Authorization"}
		o.Retry.RetryDelay = time.Millisecond
		return o
	}())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.SendMessage(ctx, testChatID, chat.TextMessage("hello"), nil)
	require.NoError(t, err)
	_, err = c.ListMessagesPage(ctx, testChatID, &chat.ListMessagesOptions{Top: 10})
	require.NoError(t, err)
	_, err = c.GetMessage(ctx, testChatID, "1", nil)
	require.True(t, chat.IsForbidden(err))
	_, err = c.CreateSubscription(ctx, chat.ChatMessagesResource(testChatID), "https://example.com/hook", clientState, nil)
	require.NoError(t, err)

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	require.NotContains(t, out, "SECRET-ACCESS-TOKEN")
	require.NotContains(t, out, "SECRET-0123456789")
	require.Contains(t, out, "Authorization: REDACTED", "the allow-list cannot let the token through")
	require.Contains(t, out, "Try=2", "retries are logged")
	require.Contains(t, out, "/v1.0/chats/")
	require.Contains(t, out, "%24top=10", "allowed query values are logged")
	for _, r := range srv.requests() {
		require.Equal(t, "Bearer "+token, r.Header.Get("Authorization"))
	}
}
