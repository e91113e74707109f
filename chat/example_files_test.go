package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// A message that shares a file already in SharePoint, shows an inline
// image and carries an Adaptive Card; the other member reads the file
// reference and the card, and downloads the image as a stream.
func ExampleFileAttachment() {
	graph, cast := fake.NewSeeded(nil)
	defer graph.Close()
	srv := graph.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client := func(u fake.User) *chat.Client {
		c, err := chat.NewClient(graph.CredentialFor(u.ID), &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: u.ID})
		if err != nil {
			panic(err)
		}
		return c
	}
	alice, bob := client(cast.Alice), client(cast.Bob)
	dm, err := alice.CreateOneOnOneChat(ctx, cast.Bob.ID, nil)
	if err != nil {
		panic(err)
	}

	// The file's id is the GUID of its driveItem's eTag, its URL the
	// driveItem's webDavUrl (chatmessage-post).
	const fileID = "153fa47d-18c9-4179-be08-9879815a9f90"
	msg := chat.HTMLMessage("Here's the latest budget. " + chat.AttachmentTag(fileID) +
		`<img src="` + chat.HostedContentRef("1") + `">` + chat.AttachmentTag("card"))
	msg.Attachments = []chat.Attachment{
		chat.FileAttachment(fileID, "https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Budget.docx", "Budget.docx"),
		chat.CardAttachment("card", json.RawMessage(`{"type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"Approve?"}]}`)),
	}
	msg.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n...")}}
	sent, err := alice.SendMessage(ctx, dm.Chat.ID, msg, nil)
	if err != nil {
		panic(err)
	}

	got, err := bob.GetMessage(ctx, dm.Chat.ID, sent.Message.ID, nil)
	if err != nil {
		panic(err)
	}
	for _, a := range got.Message.Attachments {
		if card, ok := a.AdaptiveCard(); ok {
			fmt.Println("card:", string(card))
		} else {
			fmt.Println("file:", a.Name, a.ContentURL)
		}
	}
	for _, id := range chat.HostedContentIDs(got.Message.Body.Content) {
		img, err := bob.GetHostedContent(ctx, dm.Chat.ID, got.Message.ID, id, nil)
		if err != nil {
			panic(err)
		}
		n, err := io.Copy(io.Discard, img.Content)
		_ = img.Content.Close()
		fmt.Println("image:", img.ContentType, n, "bytes", err)
	}
	// Output:
	// file: Budget.docx https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Budget.docx
	// card: {"type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"Approve?"}]}
	// image: image/png 11 bytes <nil>
}
