package chat_test

import (
	"net/http"
	"reflect"
	"slices"
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

// FuzzNewMessageValidate: validation never panics, refuses with an
// *ArgumentError, and a message it accepts goes through Graph's JSON (what
// the client sends, what the fake reads) unchanged and still valid.
func FuzzNewMessageValidate(f *testing.F) {
	f.Add("html", `<at id="0">B</at><img src="../hostedContents/1/$value">`, 0, "B", oidA, "1", "image/png", []byte{1})
	f.Add("text", "hello", -1, "", "", "", "", []byte(nil))
	f.Add("", "plain \u00e9t\u00e9 <b>", -2, "", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, ct, content string, mentionID int, mentionText, mentionUser, hostedID, hostedType string, data []byte) {
		m := chat.NewMessage{Body: chat.Body{ContentType: chat.ContentType(ct), Content: content}}
		if mentionID >= -1 {
			m.Mentions = []chat.Mention{{ID: mentionID, Text: mentionText, UserID: mentionUser}}
		}
		if hostedID != "" {
			m.HostedContents = []chat.HostedContent{{ID: hostedID, ContentType: hostedType, Data: data}}
		}
		err := m.Validate()
		if err != nil {
			if _, ok := err.(*chat.ArgumentError); !ok {
				t.Fatalf("error %T, want *chat.ArgumentError", err)
			}
			return
		}
		b, err := chat.MarshalGraphJSON(m)
		if err != nil {
			t.Fatalf("an accepted message does not encode: %v", err)
		}
		var back chat.NewMessage
		if err := chat.UnmarshalGraphJSON(b, &back); err != nil {
			t.Fatalf("an accepted message's JSON does not decode: %v\n%s", err, b)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("an accepted message is refused after a round trip: %v\n%s", err, b)
		}
		want := m
		if want.Body.ContentType == "" {
			want.Body.ContentType = chat.ContentText // Graph's default, written out
		}
		want.Mentions = slices.Clone(want.Mentions)
		for i := range want.Mentions {
			if want.Mentions[i].DisplayName == "" {
				want.Mentions[i].DisplayName = want.Mentions[i].Text // sent as the mentioned user's name
			}
		}
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("round trip changed the message:\n got %#v\nwant %#v\n%s", back, want, b)
		}
	})
}
