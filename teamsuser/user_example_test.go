package teamsuser_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// A Teams user creates a meeting, talks in its chat, hands the calling
// client its locator, and finds a free colleague — offline, against the
// fakes of Entra ID, ACS, Graph and the call switchboard.
func ExampleUser() {
	ctx := context.Background()
	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

	// Fabrikam's users, in every fake.
	entra := fake.NewEntra(nil)
	tenant := entra.AddTenant("fabrikam")
	adele, alex, megan := entra.AddUser(tenant.ID, "Adele Vance"), entra.AddUser(tenant.ID, "Alex Wilber"), entra.AddUser(tenant.ID, "Megan Bowen")
	graph := chatfake.New(&chatfake.Options{Entra: entra})
	defer graph.Close()
	for _, u := range []fake.TestUser{adele, alex, megan} {
		_ = graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN})
	}
	graph.SetPresence(alex.ObjectID, chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInAMeeting})
	graph.SetPresence(megan.ObjectID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	graphSrv := httptest.NewServer(graph.Handler())
	defer graphSrv.Close()
	calls := callfake.New(nil)
	defer calls.Close()

	// Adele, signed in to Contoso's app.
	cfg := teamsuser.Config{AppID: appID, Exchanger: fake.New(&fake.Options{Entra: entra})}
	opts := &teamsuser.UserOptions{
		Calling: calls,
		Chat:    &chat.ClientOptions{BaseURL: graphSrv.URL + "/v1.0"},
	}
	u, err := teamsuser.NewUser(cfg, entra.Credential(adele, appID, nil), adele.ObjectID, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer u.Close()

	m, err := u.CreateMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "Contract review", Attendees: []string{alex.ObjectID}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := u.Chat().SendMessage(ctx, m.ChatID, chat.TextMessage("Agenda attached"), nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("meeting:", m.Meeting.Subject, "- the client joins by", m.Locator.Kind)
	fmt.Println("messages in its chat:", len(graph.Messages(m.ChatID)))

	free, ok, err := u.FirstFree(ctx, []string{alex.ObjectID, megan.ObjectID})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first free:", ok, free.UserID == megan.ObjectID)
	// Output:
	// meeting: Contract review - the client joins by link
	// messages in its chat: 1
	// first free: true true
}
