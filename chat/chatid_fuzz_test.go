package chat_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// FuzzErrorFromResponse feeds any body and Retry-After to the one place that
// builds *chat.Error: it never panics, keeps the status, and never yields a
// negative delay.
func FuzzErrorFromResponse(f *testing.F) {
	f.Add(429, `{"error":{"code":"TooManyRequests","message":"slow down","innerError":{"request-id":"r","date":"2026-03-02T09:00:00"}}}`, "3")
	f.Add(404, `{"error":{"code":"NotFound"}}`, "")
	f.Add(503, `<html>`, "Mon, 02 Mar 2026 09:00:30 GMT")
	f.Add(500, `{"error":{"innerError":{"date":"yesterday"}}}`, "-1")
	f.Add(400, `{"error":"flat"}`, "99999999999999999999")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		e := chat.ErrorFromResponse(status, h, []byte(body), now)
		if e == nil || e.StatusCode != status {
			t.Fatalf("status %d gave %+v", status, e)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v from %q", e.RetryAfter, retryAfter)
		}
		msg := e.Error()
		if !strings.HasPrefix(msg, "chat: graph returned ") {
			t.Fatalf("error text %q", msg)
		}
	})
}

// FuzzParseChatID checks that ParseChatID never panics and that what it
// accepts it also reports consistently.
func FuzzParseChatID(f *testing.F) {
	for _, s := range []string{"19:" + oidA + "_" + oidB + "@unq.gbl.spaces", "19:meeting_x@thread.v2", "48:notes", "19:x@thread.tacv2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		c, err := chat.ParseChatID(id)
		if err != nil {
			if _, ok := err.(*chat.ArgumentError); !ok {
				t.Fatalf("error %T, want *chat.ArgumentError", err)
			}
			return
		}
		if c.ID != id || (c.Type == chat.ChatTypeOneOnOne && !c.Self && len(c.UserIDs) != 2) {
			t.Fatalf("ParseChatID(%q) = %+v", id, c)
		}
	})
}

// FuzzNewMessageValidate checks that validation never panics on any text,
// mention or hosted content.
func FuzzNewMessageValidate(f *testing.F) {
	f.Add("html", `<at id="0">B</at><img src="../hostedContents/1/$value">`, 0, "B", oidA, "1", "image/png", []byte{1})
	f.Add("text", "hello", -1, "", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, ct, content string, mentionID int, mentionText, mentionUser, hostedID, hostedType string, data []byte) {
		m := chat.NewMessage{Body: chat.Body{ContentType: chat.ContentType(ct), Content: content}}
		if mentionID >= -1 {
			m.Mentions = []chat.Mention{{ID: mentionID, Text: mentionText, UserID: mentionUser}}
		}
		if hostedID != "" {
			m.HostedContents = []chat.HostedContent{{ID: hostedID, ContentType: hostedType, Data: data}}
		}
		if err := m.Validate(); err != nil {
			if _, ok := err.(*chat.ArgumentError); !ok {
				t.Fatalf("error %T, want *chat.ArgumentError", err)
			}
		}
	})
}
