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

// docMeeting is an onlineMeeting shaped like the examples of Graph's
// onlineMeeting documentation (create and get): seven-digit fractions,
// nulls where Graph writes them, an organizer with tenant, one attendee
// by id and one by principal name only. Values are this test's own.
const docMeeting = `{
  "@odata.type": "#microsoft.graph.onlineMeeting",
  "id": "MSo0YzhkOGFkYi1jMDAwLTQ5NWEtOWQ0Ni0yM2QxYjk1MTQxZDIqMCoqMTk6bWVldGluZ19ZV0kzWkRBd0BAdGhyZWFkLnYy",
  "creationDateTime": "2026-05-11T16:02:09.1234567Z",
  "startDateTime": "2026-05-12T09:00:00Z",
  "endDateTime": "2026-05-12T09:45:00.0000000Z",
  "joinWebUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_YWI3ZDAw%40thread.v2/0?context=%7b%22Tid%22%3a%2211111111-2222-4333-8444-555555555555%22%2c%22Oid%22%3a%224c8d8adb-c000-495a-9d46-23d1b95141d2%22%7d",
  "subject": "Planning",
  "isBroadcast": false,
  "autoAdmittedUsers": "everyoneInCompany",
  "videoTeleconferenceId": null,
  "externalId": null,
  "audioConferencing": null,
  "lobbyBypassSettings": {"scope": "organization", "isDialInBypassEnabled": false},
  "chatInfo": {"threadId": "19:meeting_YWI3ZDAw@thread.v2", "messageId": "0", "replyChainMessageId": null},
  "joinMeetingIdSettings": {"isPasscodeRequired": true, "joinMeetingId": "4567891230123", "passcode": "q9Tz4W"},
  "participants": {
    "organizer": {"upn": "lee@fabrikam.example", "role": "presenter",
      "identity": {"application": null, "device": null, "phone": null,
        "user": {"id": "4c8d8adb-c000-495a-9d46-23d1b95141d2", "displayName": null, "tenantId": "11111111-2222-4333-8444-555555555555", "identityProvider": "AAD"}}},
    "attendees": [
      {"upn": "ana@fabrikam.example", "role": "attendee", "identity": {"user": {"id": "9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", "tenantId": "11111111-2222-4333-8444-555555555555"}}},
      {"upn": "visitor@contoso.example", "role": "attendee", "identity": {"user": null}}
    ]
  }
}`

// TestMeetingFromDocumentedShape decodes docMeeting with the codec the
// fake and the wire tests share.
func TestMeetingFromDocumentedShape(t *testing.T) {
	var w gw.OnlineMeeting
	require.NoError(t, json.Unmarshal([]byte(docMeeting), &w))
	m := MeetingFromWire(w)
	assert.Equal(t, "Planning", m.Subject)
	assert.Equal(t, "19:meeting_YWI3ZDAw@thread.v2", m.ChatID)
	assert.Equal(t, "4567891230123", m.JoinMeetingID)
	assert.Equal(t, chat.Passcode("q9Tz4W"), m.Passcode)
	assert.True(t, m.IsPasscodeRequired)
	assert.Equal(t, "4c8d8adb-c000-495a-9d46-23d1b95141d2", m.OrganizerID)
	assert.Equal(t, "11111111-2222-4333-8444-555555555555", m.OrganizerTenantID)
	assert.Equal(t, []string{"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", "visitor@contoso.example"}, m.Attendees)
	assert.Equal(t, time.Date(2026, 5, 11, 16, 2, 9, 123456700, time.UTC), m.CreatedAt)
	assert.Equal(t, 45*time.Minute, m.EndAt.Sub(m.StartAt))
	assert.Contains(t, m.JoinURL, "/l/meetup-join/19%3ameeting_YWI3ZDAw%40thread.v2/0?context=")
	assert.Equal(t, chat.LobbyBypassOrganization, m.LobbyBypass)
}

// TestMeetingRoundTripAllFields: every field the fake writes is read back.
func TestMeetingRoundTripAllFields(t *testing.T) {
	m := chat.OnlineMeeting{
		ID: "id", Subject: "s", JoinURL: "https://j", ChatID: "19:meeting_x@thread.v2",
		StartAt: at, EndAt: at.Add(time.Hour), CreatedAt: at,
		OrganizerID: "4c8d8adb-c000-495a-9d46-23d1b95141d2", OrganizerTenantID: "11111111-2222-4333-8444-555555555555",
		Attendees:     []string{"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", "visitor@contoso.example"},
		JoinMeetingID: "123456789012", Passcode: "Ab3dE7", IsPasscodeRequired: true,
		LobbyBypass: chat.LobbyBypassInvited,
	}
	w := viaJSON(t, MeetingToWire(m))
	assert.Equal(t, m, MeetingFromWire(w))
	require.NotNil(t, w.Participants)
	require.Len(t, w.Participants.Attendees, 2)
	assert.Equal(t, "9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", w.Participants.Attendees[0].Identity.User.ID, "an object id goes as identity.user.id")
	assert.Equal(t, "visitor@contoso.example", w.Participants.Attendees[1].UPN, "a principal name goes as upn")
	b, err := json.Marshal(MeetingToWire(m))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"joinMeetingIdSettings":{"joinMeetingId":"123456789012","passcode":"Ab3dE7","isPasscodeRequired":true}`)
}

// Presences shaped like the examples of Graph's presence and
// getPresencesByUserId documentation: null status message and
// out-of-office message, and a set status message with its body.
const docPresences = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(presence)","value":[
  {"id":"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b","availability":"DoNotDisturb","activity":"Presenting","statusMessage":null,
   "outOfOfficeSettings":{"message":null,"isOutOfOffice":false},"sequenceNumber":null,"workLocation":null},
  {"id":"4c8d8adb-c000-495a-9d46-23d1b95141d2","availability":"AvailableIdle","activity":"Available",
   "statusMessage":{"expiryDateTime":{"dateTime":"9999-12-31T23:59:59.9999999","timeZone":"UTC"},"publishedDateTime":"2026-05-11T08:00:00Z",
     "message":{"content":"Reviewing specs","contentType":"text"}},
   "outOfOfficeSettings":{"message":"Away until Friday","isOutOfOffice":true}}]}`

func TestPresenceFromDocumentedShape(t *testing.T) {
	var col gw.Collection[gw.Presence]
	require.NoError(t, json.Unmarshal([]byte(docPresences), &col))
	require.Len(t, col.Value, 2)
	assert.Equal(t, chat.Presence{UserID: "9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", Availability: chat.AvailabilityDoNotDisturb, Activity: chat.ActivityPresenting},
		PresenceFromWire(col.Value[0]))
	assert.Equal(t, chat.Presence{UserID: "4c8d8adb-c000-495a-9d46-23d1b95141d2", Availability: chat.AvailabilityAvailableIdle, Activity: chat.ActivityAvailable,
		StatusMessage: "Reviewing specs", OutOfOffice: true}, PresenceFromWire(col.Value[1]))
}

func TestPresenceRoundTrip(t *testing.T) {
	for _, p := range []chat.Presence{
		{UserID: "u", Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall, StatusMessage: "call me later", OutOfOffice: true},
		{UserID: "u", Availability: chat.AvailabilityOffline, Activity: chat.ActivityOffWork},
	} {
		assert.Equal(t, p, PresenceFromWire(viaJSON(t, PresenceToWire(p))))
	}
	b, err := json.Marshal(PresenceToWire(chat.Presence{UserID: "u", Availability: "Away", Activity: "Away"}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"u","availability":"Away","activity":"Away","outOfOfficeSettings":{"isOutOfOffice":false}}`, string(b))
}
