// Command quickstart runs the main job of teamsuser-go end to end.
//
// By default it runs offline: a Teams user of a test tenant (Fabrikam) signs
// in at a fake Entra ID, the user's Entra token is exchanged for an ACS token
// through the real identity client talking to the in-memory ACS identity
// service on loopback, and the token a web or mobile calling client would
// receive is shown (redacted: it is a secret).
//
// Against real Azure, set ACS_CONNECTION_STRING (or ACS_ENDPOINT, for Entra
// auth via azidentity.DefaultAzureCredential), TEAMS_USER_TOKEN (the user's
// Entra token for the Teams.ManageCalls and Teams.ManageChats scopes),
// TEAMS_APP_ID (the client id of the app that obtained it) and TEAMS_USER_ID
// (the user's object id).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

// contosoAppID is the client id of Contoso's (fake) multi-tenant Entra app.
const contosoAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if os.Getenv("ACS_CONNECTION_STRING") != "" || os.Getenv("ACS_ENDPOINT") != "" {
		err = runAzure(ctx)
	} else {
		err = runOffline(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// out is where the quickstart writes its story; tests capture it.
var out io.Writer = os.Stdout

func step(n int, format string, args ...any) {
	fmt.Fprintf(out, "%d. "+format+"\n", append([]any{n}, args...)...)
}

func runOffline(ctx context.Context) error {
	fmt.Fprintln(out, "teamsuser-go quickstart (offline: fake Entra ID, fake ACS and fake Graph on loopback)")
	fmt.Fprintln(out)

	// The world: Fabrikam's tenant with a Teams user, and an ACS resource.
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("fabrikam")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra})
	srv := acs.NewServer()
	defer srv.Close()

	// 1. Contoso's service: the real identity client on the ACS REST API.
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(srv.URL),
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return err
	}
	step(1, "ACS identity client for %s (HMAC-signed with the resource's access key)", client.Endpoint())

	// 2. The Teams user signs in; in a real service this is azidentity's
	// OnBehalfOfCredential built from the user's request, here the fake Entra.
	signIn := entra.Credential(adele, contosoAppID, nil)
	step(2, "%s (%s) of tenant %s signs in to Contoso's app %s", adele.DisplayName, adele.UPN, fabrikam.Name, contosoAppID)

	// 3. A refreshing credential: Entra token -> exchange -> ACS token, cached
	// and refreshed before expiry. App id from configuration, user id from the
	// authenticated session, never from the token.
	cred, err := identity.NewTeamsUserCredential(client, signIn, contosoAppID, adele.ObjectID, nil)
	if err != nil {
		return err
	}
	defer cred.Close()
	tok, err := cred.Token(ctx)
	if err != nil {
		return err
	}
	claims, err := identity.ReadACSToken(tok.Token)
	if err != nil {
		return err
	}
	step(3, "exchanged the Entra token for an ACS token: %s", tok)
	fmt.Fprintf(out, "   identity %s, scopes %v, resource %s\n", claims.Identifier().RawID(), claims.Scopes, claims.ResourceID)

	// 4. What the web or mobile calling client receives from Contoso's backend.
	again, err := cred.Token(ctx)
	if err != nil {
		return err
	}
	if again.Token != tok.Token {
		return errors.New("the credential did not cache the token")
	}
	var body strings.Builder
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	enc.SetIndent("   ", "  ")
	_ = enc.Encode(map[string]any{
		"token":     identity.Redact(tok.Token),
		"expiresOn": tok.ExpiresOn.UTC().Format(time.RFC3339),
		"user":      map[string]string{"kind": string(claims.Identifier().Kind()), "rawId": claims.Identifier().RawID()},
	})
	step(4, "the calling client gets (token redacted here; the client gets it whole):\n   %s", strings.TrimSpace(body.String()))
	fmt.Fprintf(out, "   second Token call served from the cache: %d exchange(s) in all\n", len(acs.Exchanges()))

	// 5. The checks that protect against a confused deputy: a token another
	// app obtained for the same user is refused before anything is sent.
	other, _, err := entra.TeamsUserToken(adele, "11111111-2222-3333-4444-555555555555")
	if err != nil {
		return err
	}
	_, err = client.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: other, AppID: contosoAppID, UserID: adele.ObjectID}, nil)
	var bad *identity.InvalidTokenError
	if !errors.As(err, &bad) {
		return fmt.Errorf("a token of another app was not refused: %v", err)
	}
	step(5, "a token obtained by another app is refused before sending:\n   %v", err)

	// 6-8. Chat as Adele through Microsoft Graph: the real chat client on the
	// fake Graph's HTTP face, which accepts the fake Entra's Graph tokens.
	alex, megan, err := chatOffline(ctx, entra, fabrikam, adele, signIn)
	if err != nil {
		return err
	}

	// 9-10. Call signaling: Contoso's service calls a Teams user and
	// transfers the call, through the real Call Automation client on the
	// fake switchboard, with the events arriving as signed callbacks.
	if err := callOffline(ctx, alex, megan); err != nil {
		return err
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "done: sign-in, token exchange, chat and a call ran offline end to end")
	return nil
}

func callOffline(ctx context.Context, alex, megan fake.TestUser) error {
	sb := callfake.New(nil)
	defer sb.Close()
	alexID := sb.AddTeamsUser(alex.ObjectID, callfake.Answers())
	meganID := sb.AddTeamsUser(megan.ObjectID, callfake.Answers())
	acsSrv := sb.NewServer()
	defer acsSrv.Close()
	client, err := calling.NewClientFromConnectionString(sb.ConnectionString(acsSrv.URL),
		&calling.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return err
	}

	// The callback endpoint: every callback's RS256 token is checked against
	// the resource's published keys (the switchboard's, here); a tracker
	// follows each call's state from the events.
	handler, err := calling.NewCallbackHandler(sb.ResourceID(), &calling.CallbackHandlerOptions{
		CallbackAuthOptions: calling.CallbackAuthOptions{
			OpenIDConfigurationURL: acsSrv.URL + callfake.PathOpenIDConfiguration,
		},
		Synchronous: true,
	})
	if err != nil {
		return err
	}
	defer handler.Close()
	tracker, err := calling.NewTracker(client, nil)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var seen []string
	handler.OnEvent(func(ctx context.Context, ev calling.Event) {
		tracker.Handle(ctx, ev)
		mu.Lock()
		seen = append(seen, strings.TrimPrefix(ev.EventType(), "Microsoft.Communication."))
		mu.Unlock()
	})
	cbSrv := httpserver.NewTestServer(handler, nil)
	defer cbSrv.Close()

	created, err := client.CreateCall(ctx, []identity.Identifier{alexID}, cbSrv.URL+"/acs/callbacks",
		&calling.CreateCallOptions{OperationContext: "quickstart-call"})
	if err != nil {
		return err
	}
	id := created.CallConnectionID
	if err := sb.Settle(ctx); err != nil {
		return err
	}
	st, err := tracker.Status(ctx, id)
	if err != nil {
		return err
	}
	step(10, "called %s (%s): the call is %s with %d participants", alex.DisplayName, alexID.RawID(), st.State, len(st.Participants))

	if _, err := client.CallConnection(id).TransferToParticipant(ctx, meganID, nil); err != nil {
		return err
	}
	if err := sb.Settle(ctx); err != nil {
		return err
	}
	st, err = tracker.Status(ctx, id)
	if err != nil {
		return err
	}
	mu.Lock()
	events := strings.Join(seen, ", ")
	mu.Unlock()
	step(11, "transferred the call to %s: Contoso's leg is %s\n   events, authenticated and in order: %s", megan.DisplayName, st.State, events)
	return nil
}

func chatOffline(ctx context.Context, entra *fake.Entra, tenant fake.Tenant, adele fake.TestUser, signIn azcore.TokenCredential) (alex, megan fake.TestUser, err error) {
	graph := chatfake.New(&chatfake.Options{Entra: entra})
	defer graph.Close()
	gsrv := graph.NewServer()
	defer gsrv.Close()
	alex = entra.AddUser(tenant.ID, "Alex Wilber")
	megan = entra.AddUser(tenant.ID, "Megan Bowen")
	for _, u := range []fake.TestUser{adele, alex, megan} {
		if err := graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN}); err != nil {
			return alex, megan, err
		}
	}
	// The app's presence session is named by its client id.
	cc, err := chat.NewClient(signIn, &chat.ClientOptions{BaseURL: gsrv.URL + "/v1.0", UserID: adele.ObjectID, ApplicationID: contosoAppID})
	if err != nil {
		return alex, megan, err
	}
	show := func(chatID string, n int) error {
		i := 0
		for m, err := range cc.ListMessages(ctx, chatID, &chat.ListMessagesOptions{Top: 10}) {
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "   %s: %s\n", m.From.DisplayName, m.Body.Content)
			if i++; i == n {
				break
			}
		}
		return nil
	}

	// 6. A 1:1 chat: created once (asking again returns the same chat).
	one, err := cc.CreateOneOnOneChat(ctx, alex.ObjectID, nil)
	if err != nil {
		return alex, megan, err
	}
	if _, err := cc.SendMessage(ctx, one.Chat.ID, chat.TextMessage("Hi Alex, are you free at 3?"), nil); err != nil {
		return alex, megan, err
	}
	if _, err := graph.Post(alex.ObjectID, one.Chat.ID, "Yes, call me then."); err != nil {
		return alex, megan, err
	}
	step(6, "1:1 chat %s with %s, newest first:", one.Chat.ID, alex.DisplayName)
	if err := show(one.Chat.ID, 2); err != nil {
		return alex, megan, err
	}

	// 7. A group chat with an @mention.
	group, err := cc.CreateGroupChat(ctx, "Fabrikam rollout", []string{alex.ObjectID, megan.ObjectID}, nil)
	if err != nil {
		return alex, megan, err
	}
	mention := chat.Mention{ID: 0, Text: megan.DisplayName, UserID: megan.ObjectID, DisplayName: megan.DisplayName}
	msg := chat.HTMLMessage("Kick-off tomorrow, " + chat.MentionTag(mention) + " can you share the plan?")
	msg.Mentions = []chat.Mention{mention}
	if _, err := cc.SendMessage(ctx, group.Chat.ID, msg, nil); err != nil {
		return alex, megan, err
	}
	step(7, "group chat %q with %d members:", group.Chat.Topic, len(group.Chat.Members))
	if err := show(group.Chat.ID, 1); err != nil {
		return alex, megan, err
	}

	// 8. A meeting's chat, found from the join link the user has; the same
	// link gives the calling client its validated locator.
	meeting := graph.AddMeeting(alex.ObjectID, "Contoso onboarding", adele.ObjectID)
	mc, err := cc.FindMeetingChat(ctx, meeting.JoinURL, nil)
	if err != nil {
		return alex, megan, err
	}
	if _, err := cc.SendMessage(ctx, mc.Chat.ID, chat.TextMessage("Joining in a minute."), nil); err != nil {
		return alex, megan, err
	}
	loc, err := calling.ParseJoinLink(meeting.JoinURL)
	if err != nil {
		return alex, megan, err
	}
	cl, err := json.Marshal(loc.ClientLocator())
	if err != nil {
		return alex, megan, err
	}
	step(8, "meeting chat of %q (%s):", meeting.Subject, mc.Chat.ID)
	if err := show(mc.Chat.ID, 1); err != nil {
		return alex, megan, err
	}
	fmt.Fprintf(out, "   the calling client joins with %s\n", cl)

	// 9. The chat list as the Teams client shows it: newest message first,
	// each chat named and its unread messages counted from Graph's read
	// state; opening a chat marks it read. While Adele is in a call through
	// the app, the app's presence session shows her Busy, InACall.
	step(9, "the chat list as Teams shows it:")
	for c, err := range cc.ListChats(ctx, chat.TeamsChatList()) {
		if err != nil {
			return alex, megan, err
		}
		unread := 0
		if c.HasUnread(adele.ObjectID) {
			n, err := chat.CountUnread(ctx, cc, c, &chat.CountUnreadOptions{UserID: adele.ObjectID})
			if err != nil {
				return alex, megan, err
			}
			unread = n.Count
		}
		last := ""
		if p := c.LastMessagePreview; p != nil {
			last = p.From.DisplayName + ": " + p.Body.Content
		}
		fmt.Fprintf(out, "   %-26s %d unread  %s\n", c.Title(adele.ObjectID), unread, last)
	}
	if _, err := cc.MarkChatRead(ctx, one.Chat.ID, nil); err != nil {
		return alex, megan, err
	}
	if _, err := cc.SetPresence(ctx, "", chat.AvailabilityBusy, chat.ActivityInACall, nil); err != nil {
		return alex, megan, err
	}
	p, err := cc.GetPresence(ctx, adele.ObjectID, nil)
	if err != nil {
		return alex, megan, err
	}
	fmt.Fprintf(out, "   the 1:1 chat marked read; %s's presence for the call: %s, %s\n", adele.DisplayName, p.Presence.Availability, p.Presence.Activity)
	return alex, megan, nil
}

func runAzure(ctx context.Context) error {
	token, appID, userID := os.Getenv("TEAMS_USER_TOKEN"), os.Getenv("TEAMS_APP_ID"), os.Getenv("TEAMS_USER_ID")
	if token == "" || appID == "" || userID == "" {
		return errors.New("set TEAMS_USER_TOKEN, TEAMS_APP_ID and TEAMS_USER_ID (see the README)")
	}
	var client *identity.Client
	var err error
	if cs := os.Getenv("ACS_CONNECTION_STRING"); cs != "" {
		client, err = identity.NewClientFromConnectionString(cs, nil)
	} else {
		var cred *azidentity.DefaultAzureCredential
		cred, err = azidentity.NewDefaultAzureCredential(nil)
		if err == nil {
			client, err = identity.NewClient(os.Getenv("ACS_ENDPOINT"), cred, nil)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "teamsuser-go quickstart (Azure:", client.Endpoint()+")")
	// The user's Entra token comes from the environment here; a service
	// would use azidentity's OnBehalfOfCredential instead.
	entra := staticEntra(token)
	cred, err := identity.NewTeamsUserCredential(client, entra, appID, userID, nil)
	if err != nil {
		return err
	}
	defer cred.Close()
	tok, err := cred.Token(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "ACS token for the calling client:", tok)
	return nil
}

// staticEntra is an azcore.TokenCredential that returns one Entra token.
type staticEntra string

func (s staticEntra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c, err := identity.ReadEntraToken(string(s))
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return azcore.AccessToken{Token: string(s), ExpiresOn: c.ExpiresOn}, nil
}
