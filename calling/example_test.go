package calling_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Contoso's service calls Adele, a Teams user of Fabrikam, reads who is in
// the call once she answers, and hangs up; the call's events reach its
// callback URL, where the handler checks their signature. Offline here:
// calling/fake's switchboard serves the Call Automation REST API on loopback
// and signs its callbacks with a test key. Against Azure, the client takes
// the ACS resource's connection string and the handler the resource's
// immutable id as audience.
func Example() {
	ctx := context.Background()
	sb := fake.New(nil)
	defer sb.Close()
	api := sb.NewServer()
	defer api.Close()
	adele := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", fake.Answers())

	// The callback URL: the handler authenticates each delivery and hands
	// the events to the functions registered for them.
	handler, err := calling.NewCallbackHandler(sb.ResourceID(), sb.CallbackIssuer().HandlerOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer handler.Close()
	var mu sync.Mutex
	var events []string
	handler.OnEvent(func(_ context.Context, ev calling.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, strings.TrimPrefix(ev.EventType(), "Microsoft.Communication."))
	})
	callbacks := httptest.NewServer(handler)
	defer callbacks.Close()

	client, err := calling.NewClientFromConnectionString(sb.ConnectionString(api.URL), &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}, // the fake serves http on loopback
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	call, err := client.CreateCall(ctx, []identity.Identifier{adele}, callbacks.URL+"/callbacks", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", call.State)
	_ = sb.Settle(ctx) // Adele answers

	conn := client.CallConnection(call.CallConnectionID)
	for p, err := range conn.ListParticipants(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("in the call:", p.Identifier.Kind()) // the resource's own ACS identity, and Adele
	}
	if _, err := conn.HangUp(ctx, nil); err != nil {
		fmt.Println(err)
		return
	}
	_ = sb.Settle(ctx)
	_ = handler.Shutdown(ctx) // runs what was queued

	mu.Lock()
	defer mu.Unlock()
	fmt.Println("events:", events)
	// Output:
	// created: connecting
	// in the call: communicationUser
	// in the call: microsoftTeamsUser
	// events: [CallConnected ParticipantsUpdated CallDisconnected]
}
