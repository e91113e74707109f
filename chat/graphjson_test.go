package chat_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

var at = time.Date(2026, 3, 2, 9, 30, 15, 123_000_000, time.UTC)

// roundTrip writes v with MarshalGraphJSON and reads it back into a new T
// with UnmarshalGraphJSON, as the fake's HTTP face and the client do.
func roundTrip[T any](t *testing.T, v T) (T, string) {
	t.Helper()
	b, err := chat.MarshalGraphJSON(v)
	require.NoError(t, err)
	var out T
	require.NoError(t, chat.UnmarshalGraphJSON(b, &out), "%s", b)
	return out, string(b)
}

func TestGraphJSONChatRoundTrip(t *testing.T) {
	c := chat.Chat{
		ID: "19:meeting_x@thread.v2", Type: chat.ChatTypeMeeting, Topic: "Review", CreatedAt: at, LastUpdatedAt: at.Add(time.Minute),
		WebURL: "https://teams.microsoft.com/l/chat/x", TenantID: "t",
		OnlineMeeting: chat.MeetingInfo{JoinURL: "https://teams.microsoft.com/l/meetup-join/x", OrganizerID: "o", OrganizerTenantID: "t"},
		Members: []chat.Member{
			{ID: "m1", UserID: "u1", DisplayName: "A", Email: "a@x", Roles: []string{chat.RoleOwner}, TenantID: "t"},
			{ID: "m2", UserID: "u2", Roles: []string{chat.RoleGuest}, VisibleHistoryStartAt: at},
		},
	}
	got, js := roundTrip(t, c)
	assert.Equal(t, c, got)
	assert.Contains(t, js, `"visibleHistoryStartDateTime":"0001-01-01T00:00:00Z"`, "all history, as Graph writes it")
	noMembers := c
	noMembers.Members = nil
	noMembers.OnlineMeeting = chat.MeetingInfo{}
	got, js = roundTrip(t, noMembers)
	assert.Equal(t, noMembers, got)
	assert.NotContains(t, js, "members")
	one := c
	one.Topic = ""
	_, js = roundTrip(t, one)
	assert.Contains(t, js, `"topic":null`)
	list, _ := roundTrip(t, []chat.Chat{c, noMembers})
	assert.Equal(t, []chat.Chat{c, noMembers}, list)
}

func TestGraphJSONMessageRoundTrip(t *testing.T) {
	m := chat.Message{
		ID: "1616990032035", ChatID: "19:a@thread.v2",
		From:    chat.Sender{UserID: "u", DisplayName: "A", TenantID: "t"},
		Body:    chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at> hi`},
		Subject: "s", Summary: "sum", WebURL: "https://teams.microsoft.com/l/message/x",
		CreatedAt: at, LastModifiedAt: at, LastEditedAt: at.Add(time.Second), DeletedAt: at.Add(2 * time.Second),
		Mentions:    []chat.Mention{{ID: 0, Text: "B", UserID: "u2", DisplayName: "Bea"}},
		Reactions:   []chat.Reaction{{Type: "👍", DisplayName: "like", UserID: "u2", CreatedAt: at}},
		Attachments: []chat.Attachment{{ID: "a", ContentType: "reference", ContentURL: "https://x/f.docx", Name: "f.docx", ThumbnailURL: "https://x/t", TeamsAppID: "app", Content: "{}"}},
		MessageType: chat.MessageTypeMessage, Importance: chat.ImportanceUrgent, ETag: "1",
	}
	got, _ := roundTrip(t, m)
	assert.Equal(t, m, got)
	ch := chat.Message{ID: "2", TeamID: "team", ChannelID: "19:c@thread.tacv2", ReplyToID: "1", Body: chat.Body{ContentType: chat.ContentText, Content: "r"},
		From: chat.Sender{ApplicationID: "app", ApplicationName: "Bot"}, CreatedAt: at, LastModifiedAt: at}
	got, _ = roundTrip(t, ch)
	assert.Equal(t, ch, got)
	page := chat.ListMessagesPageResponse{Messages: []chat.Message{m, ch}, NextLink: "https://graph.microsoft.com/v1.0/chats/x/messages?$skiptoken=abc"}
	gotPage, js := roundTrip(t, page)
	assert.Equal(t, page, gotPage)
	assert.Contains(t, js, `"@odata.nextLink":"https://graph.microsoft.com/v1.0/chats/x/messages?$skiptoken=abc"`)
	// A message read from Graph carries no hosted contents (the body
	// references them), so none are written.
	withHosted := m
	withHosted.HostedContents = []chat.HostedContent{{ID: "h", ContentType: "image/png"}}
	_, js = roundTrip(t, withHosted)
	assert.NotContains(t, js, "hostedContents")
}

func TestGraphJSONNewMessageRoundTrip(t *testing.T) {
	n := chat.HTMLMessage(`<at id="0">B</at> <img src="` + chat.HostedContentRef("1") + `">`)
	n.Mentions = []chat.Mention{{ID: 0, Text: "B", UserID: "u2", DisplayName: "Bea"}}
	n.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}}
	n.Attachments = []chat.Attachment{{ID: "a", ContentType: "reference", ContentURL: "https://x/f.docx"}}
	n.Importance = chat.ImportanceHigh
	n.Subject = "s"
	got, js := roundTrip(t, n)
	assert.Equal(t, n, got)
	assert.Contains(t, js, `"@microsoft.graph.temporaryId":"1"`)
	assert.Contains(t, js, `"contentBytes":"iVBORw=="`)
	// An empty content type goes out as text; a mention without display
	// name is named by its text.
	b, err := chat.MarshalGraphJSON(chat.NewMessage{Body: chat.Body{Content: `<at id="3">Bo</at>`}, Mentions: []chat.Mention{{ID: 3, Text: "Bo", UserID: "u"}}})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"body":{"contentType":"text"`)
	assert.Contains(t, string(b), `"displayName":"Bo"`)
}

// docMeeting is an onlineMeeting shaped like the examples of Graph's
// onlineMeeting documentation (create and get,
// https://learn.microsoft.com/graph/api/application-post-onlinemeetings):
// seven-digit fractions, nulls where Graph writes them, an organizer with
// tenant, one attendee by id and one by principal name only. Values are
// this test's own.
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

func TestGraphJSONMeetingFromDocumentedShape(t *testing.T) {
	var m chat.OnlineMeeting
	require.NoError(t, chat.UnmarshalGraphJSON([]byte(docMeeting), &m))
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

func TestGraphJSONMeetingRoundTrip(t *testing.T) {
	m := chat.OnlineMeeting{
		ID: "id", Subject: "s", JoinURL: "https://j", ChatID: "19:meeting_x@thread.v2",
		StartAt: at, EndAt: at.Add(time.Hour), CreatedAt: at,
		OrganizerID: "4c8d8adb-c000-495a-9d46-23d1b95141d2", OrganizerTenantID: "11111111-2222-4333-8444-555555555555",
		Attendees:     []string{"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", "visitor@contoso.example"},
		JoinMeetingID: "123456789012", Passcode: "Ab3dE7", IsPasscodeRequired: true,
		LobbyBypass: chat.LobbyBypassInvited,
	}
	got, js := roundTrip(t, m)
	assert.Equal(t, m, got)
	assert.Contains(t, js, `"identity":{"application":null,"device":null,"user":{"id":"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b"}}`, "an object id goes as identity.user.id")
	assert.Contains(t, js, `"upn":"visitor@contoso.example"`, "a principal name goes as upn")
	assert.Contains(t, js, `"joinMeetingIdSettings":{"joinMeetingId":"123456789012","passcode":"Ab3dE7","isPasscodeRequired":true}`)
	// The request that creates one.
	o := chat.CreateOnlineMeetingOptions{Subject: "s", StartAt: at, EndAt: at.Add(time.Hour), Attendees: m.Attendees, LobbyBypass: chat.LobbyBypassEveryone}
	gotO, js := roundTrip(t, o)
	assert.Equal(t, o, gotO)
	assert.Contains(t, js, `"lobbyBypassSettings":{"scope":"everyone"`)
	_, js = roundTrip(t, chat.CreateOnlineMeetingOptions{})
	assert.JSONEq(t, `{}`, js, "nothing set, nothing sent: Graph's defaults apply")
}

// Presences shaped like the examples of Graph's presence and
// getPresencesByUserId documentation
// (https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid):
// null status message and out-of-office message, and a set status message
// with its body.
const docPresences = `[
  {"id":"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b","availability":"DoNotDisturb","activity":"Presenting","statusMessage":null,
   "outOfOfficeSettings":{"message":null,"isOutOfOffice":false},"sequenceNumber":null,"workLocation":null},
  {"id":"4c8d8adb-c000-495a-9d46-23d1b95141d2","availability":"AvailableIdle","activity":"Available",
   "statusMessage":{"expiryDateTime":{"dateTime":"9999-12-31T23:59:59.9999999","timeZone":"UTC"},"publishedDateTime":"2026-05-11T08:00:00Z",
     "message":{"content":"Reviewing specs","contentType":"text"}},
   "outOfOfficeSettings":{"message":"Away until Friday","isOutOfOffice":true}}]`

func TestGraphJSONPresence(t *testing.T) {
	var ps []chat.Presence
	require.NoError(t, chat.UnmarshalGraphJSON([]byte(docPresences), &ps))
	assert.Equal(t, []chat.Presence{
		{UserID: "9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", Availability: chat.AvailabilityDoNotDisturb, Activity: chat.ActivityPresenting},
		{UserID: "4c8d8adb-c000-495a-9d46-23d1b95141d2", Availability: chat.AvailabilityAvailableIdle, Activity: chat.ActivityAvailable, StatusMessage: "Reviewing specs", OutOfOffice: true},
	}, ps)
	for _, p := range []chat.Presence{
		{UserID: "u", Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall, StatusMessage: "call me later", OutOfOffice: true},
		{UserID: "u", Availability: chat.AvailabilityOffline, Activity: chat.ActivityOffWork},
	} {
		got, _ := roundTrip(t, p)
		assert.Equal(t, p, got)
	}
	b, err := chat.MarshalGraphJSON(chat.Presence{UserID: "u", Availability: "Away", Activity: "Away"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"u","availability":"Away","activity":"Away","outOfOfficeSettings":{"isOutOfOffice":false}}`, string(b))
}

func TestGraphJSONMemberFromBind(t *testing.T) {
	var m chat.Member
	require.NoError(t, chat.UnmarshalGraphJSON([]byte(`{"roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('adele@contoso.com')"}`), &m))
	assert.Equal(t, chat.Member{UserID: "adele@contoso.com", Roles: []string{"owner"}}, m)
}

func TestGraphJSONRefusesOtherTypes(t *testing.T) {
	for _, v := range []any{42, "x", struct{}{}, chat.Sender{}, map[string]any{}} {
		_, err := chat.MarshalGraphJSON(v)
		assert.Error(t, err, "%T", v)
	}
	b, err := chat.MarshalGraphJSON((*chat.Message)(nil))
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
	var m chat.Message
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{}`), m), "not a pointer")
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{}`), (*chat.Message)(nil)))
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`[`), &m))
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{"createdDateTime":"yesterday"}`), &m))
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{"id":5}`), &m))
	var s chat.Sender
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{}`), &s))
	// A failed read leaves the value as it was.
	page := chat.ListMessagesPageResponse{NextLink: "kept"}
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{"value":5}`), &page))
	assert.Equal(t, "kept", page.NextLink)
	m = chat.Message{ID: "kept"}
	assert.Error(t, chat.UnmarshalGraphJSON([]byte(`{"id":5}`), &m))
	assert.Equal(t, "kept", m.ID)
}

// ExampleMarshalGraphJSON writes a message as Graph's chatMessage, for
// example to store it, and reads it back.
func ExampleMarshalGraphJSON() {
	m := chat.Message{ID: "1700000000001", ChatID: "19:abc@thread.v2", Body: chat.Body{ContentType: chat.ContentText, Content: "hello"},
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	b, err := chat.MarshalGraphJSON(m)
	if err != nil {
		panic(err)
	}
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	fmt.Println(fields["createdDateTime"], fields["body"])
	var back chat.Message
	if err := chat.UnmarshalGraphJSON(b, &back); err != nil {
		panic(err)
	}
	fmt.Println(back.ID, back.Body.Content, back.CreatedAt.Equal(m.CreatedAt))
	// Output:
	// 2026-03-02T09:00:00.000Z map[content:hello contentType:text]
	// 1700000000001 hello true
}
