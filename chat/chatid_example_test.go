package chat_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

func ExampleParseChatID() {
	id, err := chat.ParseChatID("19:8b081ef6-4792-4def-b2c9-c363a1bf41d5_48d31887-5fad-4d73-a9f5-3c356e68a038@unq.gbl.spaces")
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Type, id.UserIDs)

	_, err = chat.ParseChatID("19:abc@thread.tacv2")
	fmt.Println(err)
	// Output:
	// oneOnOne [8b081ef6-4792-4def-b2c9-c363a1bf41d5 48d31887-5fad-4d73-a9f5-3c356e68a038]
	// chat: invalid chatID: is a channel id (@thread.tacv2), not a chat id
}

func ExampleMentionTag() {
	bob := chat.Mention{ID: 0, Text: "Bob Baker", UserID: "48d31887-5fad-4d73-a9f5-3c356e68a038"}
	msg := chat.HTMLMessage("<p>" + chat.MentionTag(bob) + ", the chart:</p>" +
		`<img src="` + chat.HostedContentRef("1") + `" alt="chart">`)
	msg.Mentions = []chat.Mention{bob}
	msg.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: []byte("\x89PNG…")}}
	fmt.Println(msg.Body.Content)
	fmt.Println(msg.Validate())
	// Output:
	// <p><at id="0">Bob Baker</at>, the chart:</p><img src="../hostedContents/1/$value" alt="chart">
	// <nil>
}

func ExampleErrorFromResponse() {
	h := http.Header{"Retry-After": {"4"}}
	body := []byte(`{"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"request-id":"0c2a…","date":"2026-03-02T09:00:00"}}}`)
	err := error(chat.ErrorFromResponse(http.StatusTooManyRequests, h, body, time.Time{}))
	fmt.Println(chat.IsThrottled(err), chat.RetryAfter(err))
	fmt.Println(err)
	// Output:
	// true 4s
	// chat: graph returned 429 TooManyRequests: Too many requests. (request-id 0c2a…) (retry after 4s)
}

func ExampleListMessagesOptions_Validate() {
	// Graph silently ignores a date filter unless the listing is ordered by
	// the same date; the options refuse that mistake before anything is sent.
	opts := &chat.ListMessagesOptions{CreatedBefore: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	fmt.Println(opts.Validate())
	opts.OrderBy = chat.OrderByCreated
	fmt.Println(opts.Validate())
	// Output:
	// chat: invalid opts.CreatedBefore: needs OrderBy OrderByCreated (graph ignores a createdDateTime filter otherwise)
	// <nil>
}
