package chattest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// testFilesAndImages: a message with an inline image, a file already in
// SharePoint and an Adaptive Card, as chatmessage-post's examples send
// them; the other members read the file reference and the card as sent,
// and download the image as a stream with its media type, bounded and
// within their context; a stranger downloads nothing. Attachments that
// cannot work are refused before anything is sent.
func testFilesAndImages(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateGroupChat(c, "files", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat
	img := make([]byte, 1<<20) // larger than any buffer between the service and the reader
	for i := range img {
		img[i] = byte(i*7 + i>>9)
	}
	copy(img, "\x89PNG\r\n\x1a\n")
	const fileID = "153fa47d-18c9-4179-be08-9879815a9f90"
	fileURL := "https://contoso.sharepoint.com/sites/test/Shared%20Documents/General/Budget.docx"
	card := json.RawMessage(`{"type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"Approve the budget?"}]}`)
	msg := chat.HTMLMessage(`<p>Here's the latest budget. ` + chat.AttachmentTag(fileID) + `</p><img src="` + chat.HostedContentRef("1") + `" alt="chart">` + chat.AttachmentTag("card-1"))
	msg.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: img}}
	msg.Attachments = []chat.Attachment{chat.FileAttachment(fileID, fileURL, "Budget.docx"), chat.CardAttachment("card-1", card)}
	sent := must(env.Alice.Service.SendMessage(c, ch.ID, msg, nil))(t).Message

	got := must(env.Bob.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	var file, cardAtt *chat.Attachment
	for i := range got.Attachments {
		switch got.Attachments[i].ID {
		case fileID:
			file = &got.Attachments[i]
		case "card-1":
			cardAtt = &got.Attachments[i]
		}
	}
	if file == nil || file.ContentType != chat.AttachmentReference || file.ContentURL != fileURL || file.Name != "Budget.docx" {
		t.Errorf("Bob reads the file attachment as %+v (all: %+v)", file, got.Attachments)
	}
	if cardAtt == nil {
		t.Fatalf("Bob reads no card: %+v", got.Attachments)
	}
	if js, ok := cardAtt.AdaptiveCard(); !ok || !sameJSON(js, card) {
		t.Errorf("Bob reads the card as %q (ok %v), want %s", js, ok, card)
	}
	if !strings.Contains(got.Body.Content, chat.AttachmentTag(fileID)) {
		t.Errorf("the body %q does not place the file", got.Body.Content)
	}
	ids := chat.HostedContentIDs(got.Body.Content)
	if len(ids) != 1 {
		t.Fatalf("hosted content ids in %q: %q", got.Body.Content, ids)
	}
	listed := false
	for m, err := range env.Carol.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{Top: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == sent.ID {
			listed = len(m.Attachments) == 2
			break
		}
	}
	if !listed {
		t.Errorf("Carol's listing does not show the message with its two attachments")
	}

	// The image, whole, as a stream.
	hc := must(env.Carol.Service.GetHostedContent(c, ch.ID, sent.ID, ids[0], nil))(t)
	data, err := io.ReadAll(hc.Content)
	_ = hc.Content.Close()
	if err != nil || !bytes.Equal(data, img) {
		t.Errorf("downloaded %d bytes (err %v), want the %d sent", len(data), err, len(img))
	}
	if !strings.HasPrefix(hc.ContentType, "image/png") || (hc.Size != int64(len(img)) && hc.Size != -1) {
		t.Errorf("content type %q size %d", hc.ContentType, hc.Size)
	}
	// Bounded: a smaller MaxBytes is refused, at once or while reading.
	small, err := env.Bob.Service.GetHostedContent(c, ch.ID, sent.ID, ids[0], &chat.GetHostedContentOptions{MaxBytes: 1000})
	if err == nil {
		var n int64
		n, err = io.Copy(io.Discard, small.Content)
		_ = small.Content.Close()
		if n > 1000 {
			t.Errorf("read %d bytes past MaxBytes 1000", n)
		}
	}
	if !errors.Is(err, chat.ErrContentTooLarge) {
		t.Errorf("MaxBytes below the size: %v, want ErrContentTooLarge", err)
	}
	// Within the caller's context: reading stops once it is canceled.
	cc, cancel := context.WithCancel(c)
	hc = must(env.Bob.Service.GetHostedContent(cc, ch.ID, sent.ID, ids[0], nil))(t)
	var one [1]byte
	if _, err := io.ReadFull(hc.Content, one[:]); err != nil {
		t.Fatal(err)
	}
	cancel()
	rest, err := io.ReadAll(hc.Content)
	_ = hc.Content.Close()
	if err == nil {
		t.Errorf("reading after the context ended gave the remaining %d bytes without an error", len(rest))
	}

	_, err = env.Dave.Service.GetHostedContent(c, ch.ID, sent.ID, ids[0], nil)
	wantServiceErr(t, "a non-member downloads the image", err, notVisible, "403 or 404")
	_, err = env.Bob.Service.GetHostedContent(c, ch.ID, sent.ID, "aWQ9eF8wLHR5cGU9MQ", nil)
	wantServiceErr(t, "a missing hosted content", err, chat.IsNotFound, "404")
	_, err = env.Bob.Service.GetHostedContent(c, ch.ID, sent.ID, "a/b", nil)
	wantArgErr(t, "GetHostedContent bad id", err)
	_, err = env.Bob.Service.GetHostedContent(c, ch.ID, sent.ID, ids[0], &chat.GetHostedContentOptions{MaxBytes: -1})
	wantArgErr(t, "GetHostedContent negative MaxBytes", err)

	for name, m := range map[string]chat.NewMessage{
		"file over http": {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("f")},
			Attachments: []chat.Attachment{chat.FileAttachment("f", "http://contoso.sharepoint.com/f.docx", "f.docx")}},
		"file not placed": {Body: chat.Body{ContentType: chat.ContentHTML, Content: "no tag"},
			Attachments: []chat.Attachment{chat.FileAttachment("f", fileURL, "f.docx")}},
		"card not json": {Body: chat.Body{ContentType: chat.ContentHTML, Content: chat.AttachmentTag("c")},
			Attachments: []chat.Attachment{chat.CardAttachment("c", json.RawMessage(`{"type":`))}},
	} {
		_, err = env.Alice.Service.SendMessage(c, ch.ID, m, nil)
		wantArgErr(t, "SendMessage "+name, err)
	}
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
