package main

import (
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// FuzzMessageText: the message the page sends (text with @mentions) is
// built into a body whose reading back gives the text again, each
// mention's "@name" as its name, marked with its user; and any body Graph
// hands back (HTML from anyone) reads into parts without panicking.
func FuzzMessageText(f *testing.F) {
	f.Add("See you at 3, @Alex Wilber bring the deck", "Alex Wilber", "<p>hi <at id=\"0\">Alex</at> &amp; <b>bye</b></p>")
	f.Add("a < b && c > d @Megan", "Megan", "<at id=\"9\">x</at><at id=\"x\">")
	f.Add("line one\nline two", "", "<div>a<br/>b</div>")
	f.Fuzz(func(t *testing.T, text, name, html string) {
		// Graph's HTML, whatever it is.
		parts := messageParts(chat.Message{Body: chat.Body{ContentType: chat.ContentHTML, Content: html}})
		if len(parts) == 0 {
			t.Fatal("no parts")
		}
		req := sendRequest{Text: text}
		if name != "" {
			req.Mentions = append(req.Mentions, struct {
				UserID string `json:"userId"`
				Name   string `json:"name"`
			}{"0b8a6c2e-1f3d-4e5a-9b7c-6d5e4f3a2b1c", name})
		}
		msg, err := req.newMessage()
		if err != nil {
			return // refused before sending, as the page is told
		}
		got := messageParts(chat.Message{Body: msg.Body, Mentions: msg.Mentions})
		var b strings.Builder
		mentioned := false
		for _, p := range got {
			b.WriteString(p.Text)
			mentioned = mentioned || p.Mention != ""
		}
		if name != "" && !mentioned {
			t.Fatalf("the mention of %q is lost: %+v", name, got)
		}
		want := strings.TrimSpace(text)
		if name != "" {
			want = strings.Replace(want, "@"+strings.TrimSpace(name), strings.TrimSpace(name), 1)
		}
		if squash(b.String()) != squash(want) {
			t.Fatalf("read back %q, sent %q (body %q)", b.String(), want, msg.Body.Content)
		}
	})
}

// squash compares texts without their spacing, which HTML does not keep.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
