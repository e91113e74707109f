package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// offlineAppID is the client id of the web app's (fake) app registration.
const offlineAppID = "5a8c3f1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b"

// The offline world: the services the app talks to, as the fakes' HTTP
// faces on loopback, and the people in them.
//
// Entra ID is served twice, over one state: on plain HTTP for the
// browser's sign-in page (no certificate to trust), and over TLS with
// httptest's certificate for the server's token requests, because MSAL,
// inside azidentity's on-behalf-of credential, talks to https authorities
// only.
type offlineWorld struct {
	logger *slog.Logger
	entra  *fake.Entra
	secret string

	entraHTTP, entraTLS *httptest.Server
	acs                 *fake.Service
	acsSrv              *httptest.Server
	graph               *chatfake.Service
	graphSrv            *httptest.Server
	sb                  *callfake.Switchboard
	sbSrv               *httptest.Server

	tenants []fake.Tenant
	people  map[string]fake.TestUser // by first name, for the tests and the story
	meeting chatfake.Meeting         // Fabrikam's weekly sync

	ctx     context.Context // ends at close: the colleagues stop answering
	cancel  context.CancelFunc
	replies sync.WaitGroup
	mu      sync.Mutex
	pending int // replies waiting
}

// maxPendingReplies bounds the colleagues' answers waiting (a choice: a
// user typing fast gets fewer answers, not an unbounded queue).
const maxPendingReplies = 100

// replyDelay is how long a colleague takes to answer: long enough for the
// page to show the sent message first.
const replyDelay = 700 * time.Millisecond

// cast is who works where: the first user of each tenant is the one the
// story signs in as.
var cast = []struct {
	tenant string
	users  []string
}{
	{"Fabrikam", []string{"Adele Vance", "Alex Wilber", "Megan Bowen", "Nestor Wilke"}},
	{"Contoso", []string{"Diego Siciliani", "Lynne Robbins", "Isaiah Langer"}},
}

func newOfflineWorld(baseURL string, logger *slog.Logger) (w *offlineWorld, err error) {
	w = &offlineWorld{logger: logger, secret: randomID(), people: make(map[string]fake.TestUser)}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	w.entra = fake.NewEntra(nil)
	for _, t := range cast {
		tenant := w.entra.AddTenant(t.tenant)
		w.tenants = append(w.tenants, tenant)
		for _, name := range t.users {
			u := w.entra.AddUser(tenant.ID, name)
			first, _, _ := strings.Cut(name, " ")
			w.people[first] = u
		}
	}
	w.entra.AddApp(fake.App{ClientID: offlineAppID, Secret: w.secret, RedirectURIs: []string{baseURL + "/auth/callback"}})
	w.entraHTTP = httpserver.NewTestServer(w.entra.Handler(), nil)
	w.entraTLS = httpserver.NewTestServer(w.entra.Handler(), &httpserver.Options{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}})

	w.acs = fake.New(&fake.Options{Entra: w.entra})
	w.acsSrv = w.acs.NewServer()

	w.graph = chatfake.New(&chatfake.Options{Entra: w.entra, Clock: &risingClock{}})
	w.graphSrv = w.graph.NewServer()

	w.sb = callfake.New(nil)
	w.sbSrv = w.sb.NewServer()
	for _, u := range w.people {
		if err := w.graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN}); err != nil {
			return nil, err
		}
		// Every colleague answers a call after a ring.
		w.sb.AddTeamsUser(u.ObjectID, callfake.Answers().After(time.Second))
	}
	if err := w.seed(); err != nil {
		return nil, fmt.Errorf("seeding the offline world: %w", err)
	}
	return w, nil
}

// seed fills Graph with chats, a meeting and presence.
func (w *offlineWorld) seed() error {
	ctx := context.Background()
	p := w.people
	as := func(first string) chat.Service { return w.graph.As(p[first].ObjectID) }
	post := func(first, chatID, text string) error {
		_, err := w.graph.Post(p[first].ObjectID, chatID, text)
		return err
	}
	var errs []error
	check := func(err error) { errs = append(errs, err) }

	one, err := as("Adele").CreateOneOnOneChat(ctx, p["Alex"].ObjectID, nil)
	if err != nil {
		return err
	}
	check(post("Alex", one.Chat.ID, "Morning Adele, did the Fabrikam invoices go out?"))
	check(post("Adele", one.Chat.ID, "Yes, all of them yesterday."))

	group, err := as("Adele").CreateGroupChat(ctx, "Fabrikam rollout", []string{p["Alex"].ObjectID, p["Megan"].ObjectID}, nil)
	if err != nil {
		return err
	}
	// A long history, to page back through.
	for i := 1; i <= 40; i++ {
		who := []string{"Adele", "Alex", "Megan"}[i%3]
		check(post(who, group.Chat.ID, fmt.Sprintf("Rollout checklist item %d is done.", i)))
	}
	mention := chat.Mention{ID: 0, Text: p["Megan"].DisplayName, UserID: p["Megan"].ObjectID, DisplayName: p["Megan"].DisplayName}
	msg := chat.HTMLMessage("Kick-off tomorrow, " + chat.MentionTag(mention) + " can you share the plan?")
	msg.Mentions = []chat.Mention{mention}
	_, err = w.graph.PostMessage(p["Alex"].ObjectID, group.Chat.ID, msg)
	check(err)

	meeting := w.graph.AddMeeting(p["Megan"].ObjectID, "Fabrikam weekly sync", p["Adele"].ObjectID, p["Alex"].ObjectID)
	w.meeting = meeting
	check(post("Megan", meeting.ChatID, "Agenda: the rollout, then the invoices."))

	dl, err := as("Diego").CreateOneOnOneChat(ctx, p["Lynne"].ObjectID, nil)
	if err != nil {
		return err
	}
	check(post("Lynne", dl.Chat.ID, "Diego, the Contoso launch deck is ready for review."))
	check(post("Diego", dl.Chat.ID, "Great, I'll look at it after lunch."))

	// The read state: Adele has read her chat with Alex and the group chat
	// up to her own last message (Alex's two since are unread), not the
	// meeting's agenda; Diego has read his chat with Lynne.
	if _, err := as("Adele").MarkChatRead(ctx, one.Chat.ID, nil); err != nil {
		return err
	}
	msgs := w.graph.Messages(group.Chat.ID)
	ownLast := time.Time{}
	for _, m := range msgs {
		if strings.EqualFold(m.From.UserID, p["Adele"].ObjectID) {
			ownLast = m.CreatedAt
		}
	}
	if _, err := as("Adele").MarkChatUnread(ctx, group.Chat.ID, &chat.MarkChatUnreadOptions{LastReadAt: ownLast}); err != nil {
		return err
	}
	if _, err := as("Diego").MarkChatRead(ctx, dl.Chat.ID, nil); err != nil {
		return err
	}

	presence := map[string]chat.Presence{
		"Adele":  {Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable},
		"Alex":   {Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable},
		"Megan":  {Availability: chat.AvailabilityBusy, Activity: chat.ActivityInAMeeting},
		"Nestor": {Availability: chat.AvailabilityAway, Activity: chat.ActivityAway},
		"Diego":  {Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable},
		"Lynne":  {Availability: chat.AvailabilityBeRightBack, Activity: chat.ActivityBeRightBack},
		"Isaiah": {Availability: chat.AvailabilityOffline, Activity: chat.ActivityOffline},
	}
	for first, pr := range presence {
		w.graph.SetPresence(p[first].ObjectID, pr)
	}
	return errors.Join(errs...)
}

func (w *offlineWorld) tenantNames() []string {
	names := make([]string, 0, len(w.tenants))
	for _, t := range w.tenants {
		names = append(names, t.Name)
	}
	return names
}

// config is the app's configuration in the offline world.
func (w *offlineWorld) config(o options, baseURL string) (config, error) {
	acsClient, err := identity.NewClientFromConnectionString(w.acs.ConnectionString(w.acsSrv.URL),
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return config{}, err
	}
	callClient, err := calling.NewClientFromConnectionString(w.sb.ConnectionString(w.sbSrv.URL),
		&calling.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return config{}, err
	}
	tenants := make([]string, 0, len(w.tenants))
	for _, t := range w.tenants {
		tenants = append(tenants, t.ID)
	}
	authority := w.entraTLS.URL
	transport := w.entraTLS.Client()
	cfg := config{
		baseURL: baseURL, offline: true, world: w,
		clientID: offlineAppID, clientSecret: w.secret, tenant: "organizations", tenants: tenants,
		apiScope:      "api://" + offlineAppID + "/access_as_user",
		authorizeBase: w.entraHTTP.URL, tokenBase: authority, authHTTP: transport,
		// The same on-behalf-of credential as against Azure, pointed at
		// the fake Entra ID's TLS face.
		newCredential: func(c tokenservice.Caller, assertion string) (azcore.TokenCredential, error) {
			return azidentity.NewOnBehalfOfCredentialWithSecret(c.TenantID, offlineAppID, assertion, w.secret, &azidentity.OnBehalfOfCredentialOptions{
				ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: authority + "/"}, Transport: transport},
				DisableInstanceDiscovery: true,
			})
		},
		tokenOptions: tokenservice.Options{AuthorityHost: authority, HTTPClient: transport},
		exchanger:    acsClient,
		chatOptions:  &chat.ClientOptions{BaseURL: w.graphSrv.URL + "/v1.0"},
		calling:      callClient,
		resourceID:   w.sb.ResourceID(),
		callbackAuth: calling.CallbackAuthOptions{OpenIDConfigurationURL: w.sbSrv.URL + callfake.PathOpenIDConfiguration},
		// The fakes reach the app on loopback: Graph's notifications and
		// the switchboard's callbacks come to it.
		publicURL:        baseURL,
		live:             o.live,
		pollInterval:     o.pollInterval,
		presenceInterval: o.presenceInterval,
	}
	if cfg.live == "auto" {
		cfg.live = "notify"
	}
	if cfg.pollInterval == 0 {
		cfg.pollInterval = time.Second
	}
	if cfg.presenceInterval == 0 {
		cfg.presenceInterval = time.Second
	}
	return cfg, nil
}

// attach makes the world's people act on what the app's users do: a
// colleague answers the messages sent to them, and is shown in a call
// while the app's call with them lasts.
func (w *offlineWorld) attach(a *app) {
	a.sent = w.answer
	a.calls.changed = w.callChanged
}

// answer has a member of the chat other than the sender answer the
// message, a little later, through the fake's Go face (as their own Teams
// client would post it).
func (w *offlineWorld) answer(chatID, senderID, text string) {
	members, err := w.graph.As(senderID).ListMembers(w.ctx, chatID, nil)
	if err != nil {
		return
	}
	var peer chat.Member
	for _, m := range members.Members {
		if !strings.EqualFold(m.UserID, senderID) {
			peer = m
			break
		}
	}
	if peer.UserID == "" {
		return
	}
	w.mu.Lock()
	if w.pending >= maxPendingReplies || w.ctx.Err() != nil {
		w.mu.Unlock()
		return
	}
	w.pending++
	w.replies.Add(1)
	w.mu.Unlock()
	go func() {
		defer w.replies.Done()
		defer func() {
			w.mu.Lock()
			w.pending--
			w.mu.Unlock()
		}()
		t := time.NewTimer(replyDelay)
		defer t.Stop()
		select {
		case <-w.ctx.Done():
			return
		case <-t.C:
		}
		if _, err := w.graph.Post(peer.UserID, chatID, "Got it: “"+shorten(text, 60)+"”"); err != nil {
			w.logger.Warn("offline: the colleague could not answer", "err", err)
		}
	}()
}

// shorten cuts s to at most n characters.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// callChanged shows the callee in a call while the app's call with them
// lasts, and the colleague it was transferred to afterwards.
func (w *offlineWorld) callChanged(v callView) {
	inCall := chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall}
	free := chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable}
	switch {
	case v.TransferredTo != nil:
		w.graph.SetPresence(v.Target.ID, free)
		w.graph.SetPresence(v.TransferredTo.ID, inCall)
	case v.Ended:
		w.graph.SetPresence(v.Target.ID, free)
	case v.State == string(calling.StateConnected):
		w.graph.SetPresence(v.Target.ID, inCall)
	}
}

// risingClock is the system's clock, except that it never tells one time
// twice: Graph keeps times to the millisecond, and the seeded messages,
// posted within a few, would otherwise share times and have no order (and
// no order against the read state). Its timers are the system's.
type risingClock struct {
	mu   sync.Mutex
	last time.Time
}

func (c *risingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := time.Now().UTC().Truncate(time.Millisecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Millisecond)
	}
	c.last = t
	return t
}

func (c *risingClock) NewTimer(d time.Duration) identity.Timer {
	return identity.SystemClock().NewTimer(d)
}

// close stops the colleagues and the fakes.
func (w *offlineWorld) close() {
	w.cancel()
	w.replies.Wait()
	for _, s := range []*httptest.Server{w.entraHTTP, w.entraTLS, w.acsSrv, w.graphSrv, w.sbSrv} {
		if s != nil {
			s.Close()
		}
	}
	if w.graph != nil {
		_ = w.graph.Close()
	}
	if w.sb != nil {
		_ = w.sb.Close()
	}
	if w.acs != nil {
		_ = w.acs.Close()
	}
}
