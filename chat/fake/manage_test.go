package fake

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// TestHTTPChatManagementWire: the client pins with message@odata.bind as
// chat-post-pinnedmessages' example writes it, renames with {"topic"} and
// reads chat-patch's 200 answer; the HTTP face refuses a bind of another
// chat's message or of no message, a topic with ':' or on a one-on-one
// chat, and $expand other than message.
func TestHTTPChatManagementWire(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	ctx := context.Background()
	alice := httpClient(t, svc, srv, sd.Alice)
	group, err := alice.CreateGroupChat(ctx, "g", []string{sd.Bob.ID}, nil)
	require.NoError(t, err)
	chatID := group.Chat.ID
	m, err := svc.Post(sd.Bob.ID, chatID, "pin me")
	require.NoError(t, err)

	svc.ResetRequests()
	pinned, err := alice.PinMessage(ctx, chatID, m.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, m.ID, pinned.PinnedMessage.ID)
	renamed, err := alice.RenameChat(ctx, chatID, "Renamed", nil)
	require.NoError(t, err)
	assert.Equal(t, "Renamed", renamed.Chat.Topic)
	assert.Equal(t, chat.ChatTypeGroup, renamed.Chat.Type)
	reqs := svc.Requests()
	require.Len(t, reqs, 2)
	var pin gw.PinnedChatMessageInfo
	require.NoError(t, json.Unmarshal(reqs[0].Body, &pin))
	assert.Equal(t, srv.URL+"/v1.0/chats/"+chatID+"/messages/"+m.ID, pin.MessageBind)
	assert.JSONEq(t, `{"topic":"Renamed"}`, string(reqs[1].Body))

	tok := svc.TokenFor(sd.Alice.ID)
	base := srv.URL + "/v1.0/chats/" + url.PathEscape(chatID)
	one, err := alice.CreateOneOnOneChat(ctx, sd.Bob.ID, nil)
	require.NoError(t, err)
	for _, c := range []struct {
		method, target, body string
		status               int
	}{
		{"POST", base + "/pinnedMessages", `{"message@odata.bind":"https://graph.microsoft.com/v1.0/chats/` + sd.Meeting.ChatID + `/messages/` + m.ID + `"}`, 400},
		{"POST", base + "/pinnedMessages", `{"message@odata.bind":"https://graph.microsoft.com/v1.0/users/x"}`, 400},
		{"POST", base + "/pinnedMessages", `{"message@odata.bind":"https://graph.microsoft.com/v1.0/chats/` + url.PathEscape(chatID) + `/messages/` + m.ID + `"}`, 409},
		{"PATCH", base, `{"topic":"Q3: plans"}`, 400},
		{"PATCH", base, `{}`, 400},
		{"PATCH", srv.URL + "/v1.0/chats/" + url.PathEscape(one.Chat.ID), `{"topic":"ours"}`, 400},
		{"GET", base + "/pinnedMessages?$expand=members", "", 400},
		{"GET", base + "/pinnedMessages?$top=1", "", 400},
		{"DELETE", base + "/pinnedMessages/999", "", 404},
	} {
		r := rawDo(t, c.method, c.target, tok, c.body)
		assert.Equal(t, c.status, r.status, "%s %s %s: %s", c.method, c.target, c.body, r.body)
		graphError(t, r)
	}
	r := rawDo(t, "GET", base+"/pinnedMessages?$expand=message", tok, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), `"@odata.type":"#microsoft.graph.pinnedChatMessageInfo","id":"`+m.ID+`","message":{`)
}
