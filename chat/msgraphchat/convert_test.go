package msgraphchat_test

import (
	"testing"
	"time"

	kjson "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/msgraphchat"
)

var at = time.Date(2026, 3, 2, 9, 30, 15, 123_000_000, time.UTC)

func TestConvertChatRoundTrip(t *testing.T) {
	c := chat.Chat{
		ID: "19:meeting_x@thread.v2", Type: chat.ChatTypeMeeting, Topic: "Review", CreatedAt: at, LastUpdatedAt: at.Add(time.Minute),
		WebURL: "https://teams.microsoft.com/l/chat/x", TenantID: "t",
		OnlineMeeting: chat.MeetingInfo{JoinURL: "https://teams.microsoft.com/l/meetup-join/x", OrganizerID: "o", OrganizerTenantID: "t"},
		Members: []chat.Member{
			{ID: "m1", UserID: "u1", DisplayName: "A", Email: "a@x", Roles: []string{chat.RoleOwner}, TenantID: "t"},
			{ID: "m2", UserID: "u2", Roles: []string{chat.RoleGuest}, VisibleHistoryStartAt: at},
		},
		Viewpoint: &chat.Viewpoint{IsHidden: true, LastMessageReadAt: at.Add(2 * time.Minute)},
		LastMessagePreview: &chat.MessagePreview{ID: "1772443815123", CreatedAt: at, MessageType: chat.MessageTypeMessage,
			Body: chat.Body{ContentType: chat.ContentText, Content: "see you"}, From: chat.Sender{UserID: "u2", DisplayName: "B", TenantID: "t"}},
	}
	m, err := msgraphchat.ChatToGraph(c)
	require.NoError(t, err)
	require.Equal(t, "Review", *m.GetTopic())
	require.Len(t, m.GetMembers(), 2)
	_, ok := m.GetMembers()[0].(models.AadUserConversationMemberable)
	require.True(t, ok, "members are aadUserConversationMembers")
	assert.Equal(t, c, msgraphchat.ChatFromGraph(m))

	// A system event's preview keeps its detail's type and content.
	c.LastMessagePreview = &chat.MessagePreview{ID: "2", CreatedAt: at, IsDeleted: true, MessageType: chat.MessageTypeSystemEvent,
		EventDetail: &chat.EventDetail{Type: "chatRenamedEventMessageDetail", JSON: `{"@odata.type":"#microsoft.graph.chatRenamedEventMessageDetail","chatDisplayName":"Review"}`}}
	m, err = msgraphchat.ChatToGraph(c)
	require.NoError(t, err)
	p := msgraphchat.ChatFromGraph(m).LastMessagePreview
	require.NotNil(t, p)
	require.NotNil(t, p.EventDetail)
	assert.Equal(t, "chatRenamedEventMessageDetail", p.EventDetail.Type)
	assert.Contains(t, p.EventDetail.JSON, `"chatDisplayName":"Review"`)
	assert.True(t, p.IsDeleted)
	assert.Equal(t, chat.MessageTypeSystemEvent, p.MessageType)

	mm, err := msgraphchat.MemberToGraph(c.Members[1])
	require.NoError(t, err)
	assert.Equal(t, c.Members[1], msgraphchat.MemberFromGraph(mm))
}

func TestConvertMessageRoundTrip(t *testing.T) {
	for _, m := range []chat.Message{{
		ID: "1616990032035", ChatID: "19:a@thread.v2",
		From:    chat.Sender{UserID: "u", DisplayName: "A", TenantID: "t"},
		Body:    chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at> hi`},
		Subject: "s", Summary: "sum", WebURL: "https://teams.microsoft.com/l/message/x",
		CreatedAt: at, LastModifiedAt: at, LastEditedAt: at.Add(time.Second), DeletedAt: at.Add(2 * time.Second),
		Mentions:    []chat.Mention{{ID: 0, Text: "B", UserID: "u2", DisplayName: "Bea"}},
		Reactions:   []chat.Reaction{{Type: "👍", DisplayName: "like", UserID: "u2", CreatedAt: at}},
		Attachments: []chat.Attachment{{ID: "a", ContentType: "reference", ContentURL: "https://x/f.docx", Name: "f.docx", ThumbnailURL: "https://x/t", TeamsAppID: "app", Content: "{}"}},
		MessageType: chat.MessageTypeMessage, Importance: chat.ImportanceUrgent, ETag: "1",
	}, {
		ID: "2", TeamID: "team", ChannelID: "19:c@thread.tacv2", ReplyToID: "1", Body: chat.Body{ContentType: chat.ContentText, Content: "r"},
		From: chat.Sender{ApplicationID: "app", ApplicationName: "Bot"}, CreatedAt: at, LastModifiedAt: at, MessageType: chat.MessageTypeMessage,
	}} {
		gm, err := msgraphchat.MessageToGraph(m)
		require.NoError(t, err)
		assert.Equal(t, m, msgraphchat.MessageFromGraph(gm))
	}
}

func TestConvertNewMessage(t *testing.T) {
	n := chat.HTMLMessage(`<at id="0">Bea</at> <img src="` + chat.HostedContentRef("1") + `">`)
	n.Mentions = []chat.Mention{{ID: 0, Text: "Bea", UserID: "u2"}}
	n.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}}
	n.Importance = chat.ImportanceHigh
	gm, err := msgraphchat.NewMessageToGraph(n)
	require.NoError(t, err)
	require.Equal(t, models.HTML_BODYTYPE, *gm.GetBody().GetContentType())
	require.Equal(t, models.HIGH_CHATMESSAGEIMPORTANCE, *gm.GetImportance())
	require.Len(t, gm.GetHostedContents(), 1)
	hc := gm.GetHostedContents()[0]
	require.Equal(t, []byte{0x89, 'P', 'N', 'G'}, hc.GetContentBytes())
	require.Equal(t, "1", *hc.GetAdditionalData()["@microsoft.graph.temporaryId"].(*string))
	require.Equal(t, "Bea", *gm.GetMentions()[0].GetMentioned().GetUser().GetDisplayName())
	require.Equal(t, "u2", *gm.GetMentions()[0].GetMentioned().GetUser().GetId())
}

func TestConvertMeetingAndPresence(t *testing.T) {
	m := chat.OnlineMeeting{
		ID: "id", Subject: "s", JoinURL: "https://j", ChatID: "19:meeting_x@thread.v2",
		StartAt: at, EndAt: at.Add(time.Hour), CreatedAt: at,
		OrganizerID: "4c8d8adb-c000-495a-9d46-23d1b95141d2", OrganizerTenantID: "11111111-2222-4333-8444-555555555555",
		Attendees:     []string{"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b", "visitor@contoso.example"},
		JoinMeetingID: "123456789012", Passcode: "Ab3dE7", IsPasscodeRequired: true,
		LobbyBypass: chat.LobbyBypassInvited, ExternalID: "ext-7",
	}
	gm, err := msgraphchat.OnlineMeetingToGraph(m)
	require.NoError(t, err)
	assert.Equal(t, m, msgraphchat.OnlineMeetingFromGraph(gm))
	for _, p := range []chat.Presence{
		{UserID: "u", Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall, StatusMessage: "call me later", OutOfOffice: true},
		{UserID: "u", Availability: chat.AvailabilityOffline, Activity: chat.ActivityOffWork},
	} {
		gp, err := msgraphchat.PresenceToGraph(p)
		require.NoError(t, err)
		assert.Equal(t, p, msgraphchat.PresenceFromGraph(gp))
	}
}

// docMeeting is shaped like the examples of Graph's onlineMeeting
// documentation (https://learn.microsoft.com/graph/api/application-post-onlinemeetings);
// values are this test's own.
const docMeeting = `{"@odata.type":"#microsoft.graph.onlineMeeting","id":"MSo0YzhkOGFkYi1j",
 "creationDateTime":"2026-05-11T16:02:09.1234567Z","startDateTime":"2026-05-12T09:00:00Z","endDateTime":"2026-05-12T09:45:00.0000000Z",
 "joinWebUrl":"https://teams.microsoft.com/l/meetup-join/19%3ameeting_YWI3ZDAw%40thread.v2/0","subject":"Planning",
 "lobbyBypassSettings":{"scope":"organization","isDialInBypassEnabled":false},
 "chatInfo":{"threadId":"19:meeting_YWI3ZDAw@thread.v2","messageId":"0","replyChainMessageId":null},
 "joinMeetingIdSettings":{"isPasscodeRequired":true,"joinMeetingId":"4567891230123","passcode":"q9Tz4W"},
 "participants":{"organizer":{"upn":"lee@fabrikam.example","role":"presenter","identity":{"user":{"id":"4c8d8adb-c000-495a-9d46-23d1b95141d2","displayName":null,"tenantId":"11111111-2222-4333-8444-555555555555"}}},
  "attendees":[{"upn":"ana@fabrikam.example","role":"attendee","identity":{"user":{"id":"9f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b"}}},
   {"upn":"visitor@contoso.example","role":"attendee","identity":{"user":null}}]}}`

// TestConvertAgreesWithChatCodec: the same Graph JSON read by
// msgraph-sdk-go and converted, and read by chat's codec, gives the same
// value.
func TestConvertAgreesWithChatCodec(t *testing.T) {
	node, err := kjson.NewJsonParseNode([]byte(docMeeting))
	require.NoError(t, err)
	p, err := node.GetObjectValue(models.CreateOnlineMeetingFromDiscriminatorValue)
	require.NoError(t, err)
	var want chat.OnlineMeeting
	require.NoError(t, chat.UnmarshalGraphJSON([]byte(docMeeting), &want))
	got := msgraphchat.OnlineMeetingFromGraph(p.(models.OnlineMeetingable))
	assert.Equal(t, want.CreatedAt, got.CreatedAt, "seven-digit fractions")
	assert.Equal(t, want, got)
}

// TestConvertAttendanceReport: a report with records goes to the msgraph
// model and back unchanged, and Learn's example of
// meetingattendancereport-get reads the same through both.
func TestConvertAttendanceReport(t *testing.T) {
	r := chat.AttendanceReport{
		ID: "c9b6db1c", ParticipantCount: 1, MeetingStartAt: at, MeetingEndAt: at.Add(time.Hour),
		Records: []chat.AttendanceRecord{{
			UserID: "dc17674c-81d9-4adb-bfb2-8f6a442e4623", DisplayName: "Frederick Cormier", TenantID: "11111111-2222-4333-8444-555555555555",
			Email: "frederick.cormier@contoso.com", Role: chat.AttendanceRolePresenter, Total: 1152 * time.Second,
			Intervals: []chat.AttendanceInterval{{JoinAt: at, LeaveAt: at.Add(415 * time.Second), Duration: 415 * time.Second}},
		}},
	}
	gr, err := msgraphchat.AttendanceReportToGraph(r)
	require.NoError(t, err)
	assert.Equal(t, r, msgraphchat.AttendanceReportFromGraph(gr))

	// https://learn.microsoft.com/graph/api/meetingattendancereport-get, example 1 (shortened).
	const doc = `{"id":"c9b6db1c-d5eb-427d-a5c0-20088d9b22d7","totalParticipantCount":1,
 "meetingStartDateTime":"2021-10-05T04:38:23.945Z","meetingEndDateTime":"2021-10-05T04:43:49.77Z",
 "attendanceRecords":[{"emailAddress":"frederick.cormier@contoso.com","totalAttendanceInSeconds":1152,"role":"Presenter",
  "identity":{"id":"dc17674c-81d9-4adb-bfb2-8f6a442e4623","displayName":"Frederick Cormier","tenantId":null},
  "attendanceIntervals":[{"joinDateTime":"2021-03-16T18:59:52.2782182Z","leaveDateTime":"2021-03-16T19:06:47.7218491Z","durationInSeconds":415}]}]}`
	node, err := kjson.NewJsonParseNode([]byte(doc))
	require.NoError(t, err)
	p, err := node.GetObjectValue(models.CreateMeetingAttendanceReportFromDiscriminatorValue)
	require.NoError(t, err)
	var want chat.AttendanceReport
	require.NoError(t, chat.UnmarshalGraphJSON([]byte(doc), &want))
	assert.Equal(t, want, msgraphchat.AttendanceReportFromGraph(p.(models.MeetingAttendanceReportable)))
	assert.Equal(t, 415*time.Second, want.Records[0].Intervals[0].Duration)
	assert.Equal(t, chat.AttendanceReport{}, msgraphchat.AttendanceReportFromGraph(nil))
}
