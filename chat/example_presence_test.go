package chat_test

import (
	"context"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// While a Teams user is in a call through your product, your application
// sets its own presence session for them (Busy, InACall), keeps it alive
// by setting it again before it expires, and clears it when the call ends.
// What others see is aggregated with the user's Teams clients: Busy ranks
// above Available. Offline here, on the fake's Go face (with the real
// client, set chat.ClientOptions.ApplicationID: the session is named by it).
func ExampleClient_SetPresence() {
	ctx := context.Background()
	graph, cast := fake.NewSeeded(nil)
	defer graph.Close()
	graph.SetPresence(cast.Alice.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable}) // her Teams client
	alice, bob := graph.As(cast.Alice.ID), graph.As(cast.Bob.ID)
	show := func() {
		p, err := bob.GetPresence(ctx, cast.Alice.ID, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s/%s\n", p.Presence.Availability, p.Presence.Activity)
	}

	if _, err := alice.SetPresence(ctx, "", chat.AvailabilityBusy, chat.ActivityInACall, &chat.SetPresenceOptions{Expiration: 15 * time.Minute}); err != nil {
		fmt.Println(err)
		return
	}
	show()
	if _, err := alice.ClearPresence(ctx, "", nil); err != nil {
		fmt.Println(err)
		return
	}
	show()
	_, err := alice.SetPresence(ctx, "", chat.AvailabilityBusy, chat.ActivityBusy, nil)
	fmt.Println(err)
	// Output:
	// Busy/InACall
	// Available/Available
	// chat: invalid availability: "Busy" with activity "Busy" is not a supported combination; supported: Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away, DoNotDisturb/Presenting
}

// A subscription to the presence of a list of colleagues: each change of
// one's availability or activity arrives at the NotificationHandler as a
// ResourcePresence notification naming the user; read their presence then.
func ExamplePresencesResource() {
	fmt.Println(chat.PresencesResource("fa8bf3dc-eca7-46b7-bad1-db199b62afc3", "66825e03-7ef5-42da-9069-724602c31f6b"))
	// Output:
	// /communications/presences?$filter=id in ('fa8bf3dc-eca7-46b7-bad1-db199b62afc3','66825e03-7ef5-42da-9069-724602c31f6b')
}
