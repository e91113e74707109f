package chat_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

const (
	oidA = "8b081ef6-4792-4def-b2c9-c363a1bf41d5"
	oidB = "48d31887-5fad-4d73-a9f5-3c356e68a038"
)

func TestParseChatID(t *testing.T) {
	c, err := chat.ParseChatID("19:" + oidA + "_" + oidB + "@unq.gbl.spaces")
	require.NoError(t, err)
	assert.Equal(t, chat.ChatTypeOneOnOne, c.Type)
	assert.Equal(t, []string{oidA, oidB}, c.UserIDs)
	c, err = chat.ParseChatID(chat.SelfChatID)
	require.NoError(t, err)
	assert.True(t, c.Self)
	c, err = chat.ParseChatID("19:meeting_abc@thread.v2")
	require.NoError(t, err)
	assert.Equal(t, chat.ChatTypeMeeting, c.Type)
	c, err = chat.ParseChatID("19:abc@thread.v2")
	require.NoError(t, err)
	assert.Equal(t, chat.ChatTypeGroup, c.Type)
	c, err = chat.ParseChatID("19:abc@elsewhere")
	require.NoError(t, err)
	assert.Equal(t, chat.ChatType(""), c.Type)
	_, err = chat.ParseChatID("19:abc@thread.tacv2")
	var ae *chat.ArgumentError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "chatID", ae.Arg)
	assert.Equal(t, "chat: invalid chatID: is a channel id (@thread.tacv2), not a chat id", err.Error())
}

func TestErrorFromResponse(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("Retry-After", "7")
	h.Set("request-id", "header-rid")
	e := chat.ErrorFromResponse(429, h, []byte(`{"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"date":"2026-03-02T09:00:01","request-id":"rid","client-request-id":"crid"}}}`), now)
	assert.Equal(t, chat.Error{StatusCode: 429, Code: "TooManyRequests", Message: "Too many requests.", RequestID: "rid", ClientRequestID: "crid",
		Date: now.Add(time.Second), RetryAfter: 7 * time.Second}, exported(e))
	// It unwraps to azcore's error of the same response, as every HTTP
	// failure of the module does.
	var re *azcore.ResponseError
	require.ErrorAs(t, e, &re)
	assert.Equal(t, 429, re.StatusCode)
	assert.Equal(t, "TooManyRequests", re.ErrorCode)
	// An Error made by hand unwraps to the answer its fields describe.
	byHand := &chat.Error{StatusCode: 404, Code: "NotFound", Message: "gone", ClientRequestID: "crid", RetryAfter: 1500 * time.Millisecond}
	require.ErrorAs(t, byHand, &re)
	assert.Equal(t, 404, re.StatusCode)
	assert.Equal(t, "NotFound", re.ErrorCode)
	assert.Equal(t, "2", re.RawResponse.Header.Get("Retry-After"))
	assert.Equal(t, "crid", chat.ClientRequestID(byHand))
	assert.Equal(t, e.Code, chat.ErrorCode(e))
	assert.Equal(t, "chat: graph returned 429 TooManyRequests: Too many requests. (request-id rid, client-request-id crid) (retry after 7s)", e.Error())
	var err error = e
	assert.True(t, chat.IsThrottled(err))
	assert.Equal(t, 7*time.Second, chat.RetryAfter(err))

	// Bodies that are not Graph's error JSON never break it.
	for _, body := range []string{"", "null", "<html>bad gateway</html>", `{"error":{}}`, `{"error":{"code":null,"message":5}}`, "\xff\xfe"} {
		e := chat.ErrorFromResponse(502, h, []byte(body), now)
		assert.Equal(t, 502, e.StatusCode, body)
		assert.Equal(t, "bad gateway", e.Message, body)
		assert.Equal(t, "header-rid", e.RequestID, body)
	}
	e = chat.ErrorFromResponse(404, nil, []byte(`{"error":{"code":"NotFound"}}`), time.Time{})
	assert.Equal(t, "not found", e.Message)
	assert.Equal(t, "chat: graph returned 404 NotFound: not found", e.Error())
	assert.True(t, chat.IsNotFound(e))
	assert.False(t, chat.IsForbidden(e))

	long := strings.Repeat("é", 600)
	msg := (&chat.Error{StatusCode: 400, Message: long}).Error()
	assert.Less(t, len(msg), 700, "the service's message is cut")
	assert.True(t, strings.HasSuffix(msg, "…"))
	assert.True(t, strings.ToValidUTF8(msg, "?") == msg, "cut on a rune boundary")
}

// exported is the exported fields of e.
func exported(e *chat.Error) chat.Error {
	return chat.Error{StatusCode: e.StatusCode, Code: e.Code, Message: e.Message, RequestID: e.RequestID,
		ClientRequestID: e.ClientRequestID, Date: e.Date, RetryAfter: e.RetryAfter}
}

func TestErrorHelpers(t *testing.T) {
	wrapped := errors.Join(errors.New("sending"), &chat.Error{StatusCode: 403, Code: "Forbidden"})
	assert.True(t, chat.IsForbidden(wrapped))
	assert.Equal(t, "Forbidden", chat.ErrorCode(wrapped))
	assert.Equal(t, 403, chat.StatusCode(wrapped))
	plain := errors.New("x")
	assert.False(t, chat.IsNotFound(plain) || chat.IsForbidden(plain) || chat.IsThrottled(plain) || chat.IsUnauthorized(plain) || chat.IsBadRequest(plain))
	assert.Equal(t, "", chat.ErrorCode(plain))
	assert.Equal(t, time.Duration(0), chat.RetryAfter(plain))
	assert.True(t, chat.IsUnauthorized(&chat.Error{StatusCode: 401}))
	assert.True(t, chat.IsBadRequest(&chat.Error{StatusCode: 400}))
}

func TestNewMessageValidate(t *testing.T) {
	ok := []chat.NewMessage{
		chat.TextMessage("hi"),
		{Body: chat.Body{Content: "no type means text"}},
		func() chat.NewMessage {
			m := chat.HTMLMessage(chat.MentionTag(chat.Mention{ID: 3, Text: "Bo <b>"}) + `<img src="` + chat.HostedContentRef("img") + `">`)
			m.Mentions = []chat.Mention{{ID: 3, Text: "Bo <b>", UserID: oidA}}
			m.HostedContents = []chat.HostedContent{{ID: "img", ContentType: "image/png", Data: []byte{1}}}
			m.Importance = chat.ImportanceUrgent
			return m
		}(),
		{Body: chat.Body{ContentType: chat.ContentHTML, Content: `<attachment id="a"></attachment>`}, Attachments: []chat.Attachment{chat.FileAttachment("a", "https://contoso.sharepoint.com/sites/t/Shared%20Documents/f.docx", "f.docx")}},
		{Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("c") + chat.AttachmentTag("q")},
			Attachments: []chat.Attachment{chat.CardAttachment("c", []byte(` {"type":"AdaptiveCard","version":"1.4"}`)), {ID: "q", ContentType: "messageReference", Content: "{}"}}},
	}
	for i, m := range ok {
		assert.NoError(t, m.Validate(), "case %d", i)
	}
	mention := chat.Mention{ID: 0, Text: "B", UserID: oidA}
	bad := map[string]chat.NewMessage{
		"empty":             chat.TextMessage(""),
		"blank":             chat.TextMessage(" \n"),
		"too large":         chat.TextMessage(strings.Repeat("x", chat.MaxMessageBytes+1)),
		"bad utf-8":         chat.TextMessage("\xff"),
		"content type":      {Body: chat.Body{ContentType: "markdown", Content: "x"}},
		"importance":        {Body: chat.Body{Content: "x"}, Importance: "low"},
		"mention in text":   {Body: chat.Body{Content: `<at id="0">B</at>`}, Mentions: []chat.Mention{mention}},
		"mention no tag":    {Body: chat.Body{ContentType: chat.ContentHTML, Content: "B"}, Mentions: []chat.Mention{mention}},
		"mention no user":   {Body: chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at>`}, Mentions: []chat.Mention{{ID: 0, Text: "B"}}},
		"mention no text":   {Body: chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at>`}, Mentions: []chat.Mention{{ID: 0, UserID: oidA}}},
		"mention twice":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at>`}, Mentions: []chat.Mention{mention, mention}},
		"mention negative":  {Body: chat.Body{ContentType: chat.ContentHTML, Content: `<at id="-1">B</at>`}, Mentions: []chat.Mention{{ID: -1, Text: "B", UserID: oidA}}},
		"hosted in text":    {Body: chat.Body{Content: chat.HostedContentRef("1")}, HostedContents: []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte{1}}}},
		"hosted no ref":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: "x"}, HostedContents: []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte{1}}}},
		"hosted no data":    {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.HostedContentRef("1")}, HostedContents: []chat.HostedContent{{ID: "1", ContentType: "image/png"}}},
		"hosted no type":    {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.HostedContentRef("1")}, HostedContents: []chat.HostedContent{{ID: "1", Data: []byte{1}}}},
		"hosted bad id":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: "x"}, HostedContents: []chat.HostedContent{{ID: "a/b", ContentType: "image/png", Data: []byte{1}}}},
		"attachment no id":  {Body: chat.Body{Content: "x"}, Attachments: []chat.Attachment{{ContentType: "reference"}}},
		"attachment twice":  {Body: chat.Body{Content: "x"}, Attachments: []chat.Attachment{{ID: "a", ContentType: "r"}, {ID: "a", ContentType: "r"}}},
		"attachment notype": {Body: chat.Body{Content: "x"}, Attachments: []chat.Attachment{{ID: "a"}}},
		"file in text":      {Body: chat.Body{Content: chat.AttachmentTag("a")}, Attachments: []chat.Attachment{chat.FileAttachment("a", "https://x.example/f", "")}},
		"file not placed":   {Body: chat.Body{ContentType: chat.ContentHTML, Content: "x"}, Attachments: []chat.Attachment{chat.FileAttachment("a", "https://x.example/f", "")}},
		"file no url":       {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("a")}, Attachments: []chat.Attachment{chat.FileAttachment("a", "", "f")}},
		"file http url":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("a")}, Attachments: []chat.Attachment{chat.FileAttachment("a", "http://x.example/f", "f")}},
		"file with content": {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("a")}, Attachments: []chat.Attachment{{ID: "a", ContentType: chat.AttachmentReference, ContentURL: "https://x.example/f", Content: "{}"}}},
		"card not json":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("c")}, Attachments: []chat.Attachment{chat.CardAttachment("c", []byte("{"))}},
		"card an array":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("c")}, Attachments: []chat.Attachment{chat.CardAttachment("c", []byte("[]"))}},
		"card with url":     {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("c")}, Attachments: []chat.Attachment{{ID: "c", ContentType: chat.AttachmentAdaptiveCard, Content: "{}", ContentURL: "https://x"}}},
	}
	for name, m := range bad {
		err := m.Validate()
		var ae *chat.ArgumentError
		if assert.ErrorAs(t, err, &ae, name) {
			assert.True(t, strings.HasPrefix(ae.Arg, "msg."), "%s: arg %q", name, ae.Arg)
		}
	}

	// Text that is not UTF-8 would be sent as U+FFFD, not as given.
	html := func(m chat.NewMessage) chat.NewMessage {
		m.Body = chat.Body{ContentType: chat.ContentHTML, Content: `<at id="0">B</at>` + chat.HostedContentRef("1")}
		return m
	}
	for arg, m := range map[string]chat.NewMessage{
		"msg.Subject":                       {Body: chat.Body{Content: "x"}, Subject: "\xff"},
		"msg.Mentions[0].Text":              html(chat.NewMessage{Mentions: []chat.Mention{{Text: "\xff", UserID: oidA}}}),
		"msg.Mentions[0].DisplayName":       html(chat.NewMessage{Mentions: []chat.Mention{{Text: "B", DisplayName: "\xff", UserID: oidA}}}),
		"msg.HostedContents[0].ContentType": html(chat.NewMessage{HostedContents: []chat.HostedContent{{ID: "1", ContentType: "\x80", Data: []byte{1}}}}),
		"msg.Attachments[0].Name":           {Body: chat.Body{Content: "x"}, Attachments: []chat.Attachment{{ID: "a", ContentType: "reference", Name: "\xfe.pdf"}}},
	} {
		var ae *chat.ArgumentError
		if assert.ErrorAs(t, m.Validate(), &ae, arg) {
			assert.Equal(t, arg, ae.Arg)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	now := time.Now()
	var nilChats *chat.ListChatsOptions
	var nilMsgs *chat.ListMessagesOptions
	var nilCh *chat.ListChannelMessagesOptions
	var nilRe *chat.ListRepliesOptions
	var nilAdd *chat.AddMemberOptions
	for _, err := range []error{nilChats.Validate(), nilMsgs.Validate(), nilCh.Validate(), nilRe.Validate(), nilAdd.Validate()} {
		assert.NoError(t, err)
	}
	good := []interface{ Validate() error }{
		&chat.ListChatsOptions{Type: chat.ChatTypeMeeting, Top: 50, ExpandMembers: true},
		&chat.ListMessagesOptions{ModifiedAfter: now.Add(-time.Hour), ModifiedBefore: now, Top: 1},
		&chat.ListMessagesOptions{OrderBy: chat.OrderByLastModified, ModifiedAfter: now},
		&chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, CreatedBefore: now},
		&chat.ListMessagesOptions{NextLink: "https://graph.microsoft.com/v1.0/chats/x/messages?$skiptoken=y"},
		&chat.AddMemberOptions{Roles: []string{chat.RoleGuest}, VisibleHistoryStartAt: now},
		&chat.ListChannelMessagesOptions{Top: 50}, &chat.ListRepliesOptions{Top: 1},
	}
	for i, o := range good {
		assert.NoError(t, o.Validate(), "good %d", i)
	}
	bad := []interface{ Validate() error }{
		&chat.ListChatsOptions{Type: "channel"}, &chat.ListChatsOptions{Top: 51}, &chat.ListChatsOptions{Top: -1},
		&chat.ListChatsOptions{NextLink: "/relative"},
		&chat.ListMessagesOptions{Top: 51},
		&chat.ListMessagesOptions{CreatedBefore: now},
		&chat.ListMessagesOptions{OrderBy: chat.OrderByLastModified, CreatedBefore: now},
		&chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, ModifiedAfter: now},
		&chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, ModifiedBefore: now},
		&chat.ListMessagesOptions{OrderBy: "subject"},
		&chat.ListMessagesOptions{ModifiedAfter: now, ModifiedBefore: now},
		&chat.ListMessagesOptions{NextLink: "ftp://x"},
		&chat.AddMemberOptions{Roles: []string{"admin"}},
		&chat.AddMemberOptions{ShareAllHistory: true, VisibleHistoryStartAt: now},
		&chat.ListChannelMessagesOptions{Top: 51}, &chat.ListRepliesOptions{Top: -2}, &chat.ListRepliesOptions{NextLink: "x"},
	}
	for i, o := range bad {
		var ae *chat.ArgumentError
		assert.ErrorAs(t, o.Validate(), &ae, "bad %d", i)
	}
}

func TestMentionTagAndHelpers(t *testing.T) {
	assert.Equal(t, `<at id="2">Ada &lt;Admin&gt; &amp; co</at>`, chat.MentionTag(chat.Mention{ID: 2, Text: "Ada <Admin> & co"}))
	assert.Equal(t, "../hostedContents/1/$value", chat.HostedContentRef("1"))
	assert.Equal(t, chat.ContentHTML, chat.HTMLMessage("<p>x</p>").Body.ContentType)
	assert.False(t, chat.Message{}.Deleted())
	assert.True(t, chat.Message{DeletedAt: time.Now()}.Deleted())
}
