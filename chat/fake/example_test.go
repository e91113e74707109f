package fake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

func Example() {
	svc, cast := fake.NewSeeded(nil)
	defer svc.Close()
	ctx := context.Background()

	// Code under test talks to a chat.Service as Alice.
	alice := svc.As(cast.Alice.ID)
	c, err := alice.CreateOneOnOneChat(ctx, cast.Bob.ID, nil)
	if err != nil {
		panic(err)
	}
	if _, err := alice.SendMessage(ctx, c.Chat.ID, chat.TextMessage("lunch at 12?"), nil); err != nil {
		panic(err)
	}
	// The test makes Bob answer.
	if _, err := svc.Post(cast.Bob.ID, c.Chat.ID, "yes!"); err != nil {
		panic(err)
	}
	for m, err := range alice.ListMessages(ctx, c.Chat.ID, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %s\n", m.From.DisplayName, m.Body.Content)
	}
	// Output:
	// Bob Baker: yes!
	// Alice Archer: lunch at 12?
}

func ExampleService_Handler() {
	svc, cast := fake.NewSeeded(nil)
	defer svc.Close()
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()

	// Any HTTP client, such as the chat client with its base URL set to
	// srv.URL+"/v1.0", speaks Graph to the fake.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1.0/me/chats?$filter=chatType%20eq%20'meeting'", nil)
	req.Header.Set("Authorization", "Bearer "+svc.TokenFor(cast.Bob.ID))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), cast.Meeting.ChatID))

	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/v1.0/me/chats?$top=51", nil)
	req.Header.Set("Authorization", "Bearer "+svc.TokenFor(cast.Bob.ID))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 200 true
	// 400
}

func ExampleService_InjectFault() {
	svc, cast := fake.NewSeeded(nil)
	defer svc.Close()
	ctx := context.Background()
	bob := svc.As(cast.Bob.ID)

	// Three of every ten sends are throttled, before anything is stored.
	svc.InjectFault(fake.Fault{Op: fake.OpSendMessage, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second, Ratio: 0.3})
	throttled := 0
	for i := range 10 {
		for {
			_, err := bob.SendMessage(ctx, cast.Meeting.ChatID, chat.TextMessage(fmt.Sprint("note ", i)), nil)
			if !chat.IsThrottled(err) {
				break
			}
			throttled++ // wait chat.RetryAfter(err) in real code
		}
	}
	total, injected := svc.CountRequests(fake.OpSendMessage)
	fmt.Println(len(svc.Messages(cast.Meeting.ChatID)), throttled, total, injected)
	// Output:
	// 10 3 13 3
}
