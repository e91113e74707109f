package chatconv

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

var at = time.Date(2026, 3, 2, 9, 30, 15, 123_000_000, time.UTC)

// viaJSON encodes v and decodes it into a new T, as the wire does.
func viaJSON[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out T
	require.NoError(t, json.Unmarshal(b, &out), "%s", b)
	return out
}

func TestChatRoundTrip(t *testing.T) {
	c := chat.Chat{
		ID: "19:meeting_x@thread.v2", Type: chat.ChatTypeMeeting, Topic: "Review", CreatedAt: at, LastUpdatedAt: at.Add(time.Minute),
		WebURL: "https://teams.microsoft.com/l/chat/x", TenantID: "t",
		OnlineMeeting: chat.MeetingInfo{JoinURL: "https://teams.microsoft.com/l/meetup-join/x", OrganizerID: "o", OrganizerTenantID: "t"},
		Members: []chat.Member{
			{ID: "m1", UserID: "u1", DisplayName: "A", Email: "a@x", Roles: []string{chat.RoleOwner}, TenantID: "t"},
			{ID: "m2", UserID: "u2", Roles: []string{chat.RoleGuest}, VisibleHistoryStartAt: at},
		},
	}
	assert.Equal(t, c, ChatFromWire(viaJSON(t, ChatToWire(c))))
	noMembers := c
	noMembers.Members = nil
	noMembers.OnlineMeeting = chat.MeetingInfo{}
	assert.Equal(t, noMembers, ChatFromWire(viaJSON(t, ChatToWire(noMembers))))
}

func TestMessageRoundTrip(t *testing.T) {
	m := chat.Message{
		ID: "1616990032035", ChatID: "19:a@thread.v2",
		From:    chat.Sender{UserID: "u", DisplayName: "A", TenantID: "t"},
		Body:    chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at> hi`},
		Subject: "s", CreatedAt: at, LastModifiedAt: at, LastEditedAt: at.Add(time.Second), DeletedAt: at.Add(2 * time.Second),
		Mentions:    []chat.Mention{{ID: 0, Text: "B", UserID: "u2", DisplayName: "Bea"}},
		Reactions:   []chat.Reaction{{Type: "👍", UserID: "u2", CreatedAt: at}},
		Attachments: []chat.Attachment{{ID: "a", ContentType: "reference", ContentURL: "https://x/f.docx", Name: "f.docx"}},
		MessageType: chat.MessageTypeMessage, Importance: chat.ImportanceUrgent, ETag: "1",
	}
	assert.Equal(t, m, MessageFromWire(viaJSON(t, MessageToWire(m))))
	ch := chat.Message{ID: "2", TeamID: "team", ChannelID: "19:c@thread.tacv2", ReplyToID: "1", Body: chat.Body{ContentType: chat.ContentText, Content: "r"},
		From: chat.Sender{ApplicationID: "app", ApplicationName: "Bot"}, CreatedAt: at, LastModifiedAt: at}
	assert.Equal(t, ch, MessageFromWire(viaJSON(t, MessageToWire(ch))))
}

func TestNewMessageRoundTrip(t *testing.T) {
	n := chat.HTMLMessage(`<at id="0">B</at> <img src="` + chat.HostedContentRef("1") + `">`)
	n.Mentions = []chat.Mention{{ID: 0, Text: "B", UserID: "u2"}}
	n.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}}
	n.Importance = chat.ImportanceHigh
	w := viaJSON(t, NewMessageToWire(n))
	require.Len(t, w.HostedContents, 1)
	assert.Equal(t, "1", w.HostedContents[0].TemporaryID)
	assert.Equal(t, n, NewMessageFromWire(w))
	b, _ := json.Marshal(NewMessageToWire(n))
	assert.Contains(t, string(b), `"@microsoft.graph.temporaryId":"1"`)
	assert.Contains(t, string(b), `"contentBytes":"iVBORw=="`)
	// An empty content type goes out as text.
	assert.Equal(t, "text", NewMessageToWire(chat.NewMessage{Body: chat.Body{Content: "x"}}).Body.ContentType)
}

func TestMeetingRoundTrip(t *testing.T) {
	m := chat.OnlineMeeting{ID: "id", Subject: "s", JoinURL: "https://j", ChatID: "19:meeting_x@thread.v2", StartAt: at, EndAt: at.Add(time.Hour), CreatedAt: at, OrganizerID: "o"}
	assert.Equal(t, m, MeetingFromWire(viaJSON(t, MeetingToWire(m))))
}

func TestMemberFromBind(t *testing.T) {
	m := MemberFromWire(gw.ConversationMember{UserBind: gw.UserBind("adele@contoso.com"), Roles: []string{"owner"}})
	assert.Equal(t, "adele@contoso.com", m.UserID)
}
