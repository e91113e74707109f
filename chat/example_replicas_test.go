package chat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// Two replicas of a service behind one notification URL share their
// subscriptions through one store (here in memory; teamsuser/redisstore
// has one on Redis for replicas in separate processes): both subscribe to
// a chat, one subscription is made, and each replica accepts the
// notifications whichever replica created it. Each replica also runs
// mgr.Run; one of them at a time renews the subscriptions.
func ExampleNewMemorySubscriptionStore() {
	ctx := context.Background()
	graph, seeded := fake.NewSeeded(nil)
	defer graph.Close()
	srv := httptest.NewServer(graph.Handler())
	defer srv.Close()

	// A load balancer sends each delivery to the next replica.
	var handlers [2]http.Handler
	var next atomic.Int64
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers[next.Add(1)%2].ServeHTTP(w, r)
	}))
	defer lb.Close()

	store := chat.NewMemorySubscriptionStore(nil)
	var mgrs [2]*chat.SubscriptionManager
	var received [2]*chat.NotificationHandler
	for i := range mgrs {
		client, err := chat.NewClient(graph.CredentialFor(seeded.Alice.ID), &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: seeded.Alice.ID})
		if err != nil {
			fmt.Println(err)
			return
		}
		mgrs[i], err = chat.NewSubscriptionManager(client, lb.URL+"/graph", &chat.SubscriptionManagerOptions{Store: store})
		if err != nil {
			fmt.Println(err)
			return
		}
		received[i], _ = chat.NewNotificationHandler(mgrs[i], nil)
		handlers[i] = received[i]
	}

	resource := chat.ChatMessagesResource(seeded.Meeting.ChatID)
	first, err := mgrs[0].Subscribe(ctx, resource)
	if err != nil {
		fmt.Println(err)
		return
	}
	second, _ := mgrs[1].Subscribe(ctx, resource)
	fmt.Println("one subscription:", first.ID == second.ID, len(graph.Subscriptions()))

	for _, text := range []string{"first", "second"} {
		_, _ = graph.Post(seeded.Bob.ID, seeded.Meeting.ChatID, text)
		_ = graph.Flush(ctx)
	}
	fmt.Println("accepted by each replica:", len(received[0].Notifications()), len(received[1].Notifications()))
	// Output:
	// one subscription: true 1
	// accepted by each replica: 1 1
}
