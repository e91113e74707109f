// Command chat is a small Teams chat client for the command line, acting as
// one Teams user through Microsoft Graph with the chat package:
//
//	chat list [-type oneOnOne|group|meeting] [-unread] [-all]
//	                                              the user's chats as Teams lists them: newest
//	                                              message first, unread ones marked * with their
//	                                              count, the last message; hidden ones with -all
//	chat read -chat ID [-n 20] [-keep-unread]     a chat's latest messages; marks the chat read
//	chat send (-chat ID | -to USER) TEXT...        send a message (-to: the 1:1 chat with USER)
//	chat follow -chat ID [-for 1m] [-count N]     print new messages as they arrive
//	chat presence [-set STATE] [-message TEXT] [-for 8h]
//	                                              the user's presence; -set picks it as Teams'
//	                                              status menu does (available, busy, dnd, brb,
//	                                              away, offline to appear offline, reset to go
//	                                              back to what Teams detects), -message sets the
//	                                              status message ("" clears it), -for how long
//	                                              either lasts
//
// By default it runs offline: chat/fake serves Graph on loopback with a
// seeded tenant (Alice Archer, Bob Baker, Carol Cruz, Dave Dunn), the real
// chat client signs in as Alice through the fake's HTTP face, and while
// Alice follows a chat another of its members, played by the fake, posts a
// few messages, and Alice's Teams client, played by the fake too, shows her
// Available. -chat may then also name a chat by the other member or the
// topic ("Bob Baker", "Fabrikam review"). Every run starts from the same
// seeded state.
//
// The tool needs chat only, so it builds a chat.Client directly; a service
// that also exchanges ACS tokens or places calls gets the same client from
// teamsuser.User.Chat.
//
// Against Microsoft Graph, set
//
//	TEAMSUSER_CLIENT_ID   the client id of a public client app registration with the
//	                      delegated Graph permissions Chat.ReadWrite, ChatMessage.Send,
//	                      Presence.Read and Presence.ReadWrite
//	TEAMSUSER_TENANT_ID   the tenant of that app and the user: its id or a verified
//	                      domain; "organizations" only for a multi-tenant app (a
//	                      single-tenant registration refuses it)
//	TEAMSUSER_AUTH_RECORD optional: where to keep the sign-in's authentication record
//	                      (default: teamsuser-go/chat-auth-record.json in the user's
//	                      configuration directory)
//
// (and User.Read, asked too, to learn the user's id), and sign in with the
// device code the tool prints, once: the authentication record (which
// account, no token; a file only the user can read) and azidentity's
// persistent token cache (encrypted, see
// https://aka.ms/azsdk/go/identity/caching) let later runs sign in silently
// until the refresh token expires. Where the system offers no storage for
// the cache's key, the tool says so and keeps tokens in memory: every run
// then asks for a device code again. Tokens are never printed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity/cache"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("chat: usage: chat list|read|send|follow|presence [flags] (see the package documentation)")

// env is where the commands run: a chat service signed in as a user, and,
// offline, the fake's other participants.
type env struct {
	svc     chat.Service
	me      string
	offline *offlineWorld
	out     io.Writer
}

// offlineWorld is the fake Graph and who is in it.
type offlineWorld struct {
	svc *fake.Service
	sd  fake.Seeded
	srv *httptest.Server
}

// run parses the command line and runs one command. getenv reads the
// environment (os.Getenv; tests pass their own).
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet("chat "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		chatRef  = fs.String("chat", "", "chat id (offline also: a member's or the topic's name)")
		to       = fs.String("to", "", "send: the user (object id or principal name) whose 1:1 chat to use")
		kind     = fs.String("type", "", "list: only chats of this type (oneOnOne, group, meeting)")
		all      = fs.Bool("all", false, "list: hidden chats too")
		unreadF  = fs.Bool("unread", false, "list: only unread chats")
		keep     = fs.Bool("keep-unread", false, "read: do not mark the chat read")
		n        = fs.Int("n", 20, "read: how many messages")
		forD     = fs.Duration("for", 0, "follow: stop after this long (0: until interrupted); presence: how long -set and -message last (0: Graph's default, no expiry for a message)")
		count    = fs.Int("count", 0, "follow: stop after this many messages (0: no limit)")
		interval = fs.Duration("interval", 0, "follow: time between polls (default 10s online, 1s offline)")
		setP     = fs.String("set", "", "presence: available, busy, dnd, brb, away, offline or reset")
		message  = fs.String("message", "", "presence: the status message to set (an empty one clears it)")
	)
	switch cmd {
	case "list", "read", "send", "follow", "presence":
	case "-h", "-help", "--help", "help":
		return errUsage
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	if err := fs.Parse(rest); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *n < 1 || *n > 500 {
		return fmt.Errorf("%w: -n must be 1 to 500", errUsage)
	}
	if *count < 0 || *forD < 0 || *interval < 0 {
		return fmt.Errorf("%w: -count, -for and -interval cannot be negative", errUsage)
	}

	if _, ok := preferred[*setP]; !ok && *setP != "" && *setP != "reset" {
		return fmt.Errorf("%w: -set must be available, busy, dnd, brb, away, offline or reset", errUsage)
	}

	e, closeEnv, err := connect(ctx, out, getenv)
	if err != nil {
		return err
	}
	defer closeEnv()

	switch cmd {
	case "list":
		return e.list(ctx, chat.ChatType(*kind), *all, *unreadF)
	case "read":
		id, err := e.resolve(ctx, *chatRef)
		if err != nil {
			return err
		}
		return e.read(ctx, id, *n, !*keep)
	case "send":
		text := strings.TrimSpace(strings.Join(fs.Args(), " "))
		if text == "" {
			return fmt.Errorf("%w: send needs the message text", errUsage)
		}
		if (*chatRef == "") == (*to == "") {
			return fmt.Errorf("%w: send needs exactly one of -chat and -to", errUsage)
		}
		return e.send(ctx, *chatRef, *to, text)
	case "presence":
		msgSet := false
		fs.Visit(func(f *flag.Flag) { msgSet = msgSet || f.Name == "message" })
		var msg *string
		if msgSet {
			msg = message
		}
		return e.presence(ctx, *setP, msg, *forD)
	default: // follow
		id, err := e.resolve(ctx, *chatRef)
		if err != nil {
			return err
		}
		return e.follow(ctx, id, *forD, *count, *interval)
	}
}

// connect signs in: offline to a seeded chat/fake on loopback as Alice, or
// to Microsoft Graph with a device code when TEAMSUSER_CLIENT_ID is set.
func connect(ctx context.Context, out io.Writer, getenv func(string) string) (*env, func(), error) {
	if clientID := getenv("TEAMSUSER_CLIENT_ID"); clientID != "" {
		return connectOnline(ctx, out, getenv, clientID)
	}

	svc, sd := fake.NewSeeded(nil)
	w := &offlineWorld{svc: svc, sd: sd, srv: svc.NewServer()}
	closeAll := func() { w.srv.Close(); svc.Close() }
	// Something to read: a 1:1 of Alice and Bob, a group with Bob and
	// Carol, and the meeting's chat. Alice has read each chat up to the
	// time she joined it (the fake's rule); each round of messages below
	// comes a millisecond after the one before at least, so that the
	// others' messages are unread and the chats have a clear order.
	alice := svc.As(sd.Alice.ID)
	one, err := alice.CreateOneOnOneChat(ctx, sd.Bob.ID, nil)
	var group chat.CreateGroupChatResponse
	if err == nil {
		group, err = alice.CreateGroupChat(ctx, "Quarter close", []string{sd.Bob.ID, sd.Carol.ID}, nil)
	}
	for _, p := range []struct{ from, chatID, text string }{
		{sd.Bob.ID, one.Chat.ID, "Morning Alice, did the invoices go out?"},
		{sd.Alice.ID, one.Chat.ID, "Yes, all of them yesterday."},
		{sd.Carol.ID, group.Chat.ID, "The numbers are in."},
		{sd.Carol.ID, group.Chat.ID, "Can you check the totals?"},
		{sd.Bob.ID, sd.Meeting.ChatID, "I'll present the numbers."},
	} {
		if err != nil {
			break
		}
		nextMillisecond(svc.Clock())
		_, err = svc.Post(p.from, p.chatID, p.text)
	}
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	// Alice is signed in to Teams, which shows her Available.
	svc.SetPresence(sd.Alice.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	c, err := chat.NewClient(svc.CredentialFor(sd.Alice.ID), &chat.ClientOptions{BaseURL: w.srv.URL + "/v1.0", UserID: sd.Alice.ID})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	fmt.Fprintf(out, "offline: chat/fake on %s, signed in as %s\n", w.srv.URL, sd.Alice.DisplayName)
	return &env{svc: c, me: sd.Alice.ID, offline: w, out: out}, closeAll, nil
}

// nextMillisecond returns once the clock has moved to a later
// millisecond than now (Graph's times have milliseconds).
func nextMillisecond(c identity.Clock) {
	start := c.Now().Truncate(time.Millisecond)
	for !c.Now().Truncate(time.Millisecond).After(start) {
		time.Sleep(100 * time.Microsecond)
	}
}

// graphScopes are what the tool asks the user to consent to.
var graphScopes = []string{
	"https://graph.microsoft.com/Chat.ReadWrite", "https://graph.microsoft.com/ChatMessage.Send", "https://graph.microsoft.com/User.Read",
	"https://graph.microsoft.com/Presence.Read", "https://graph.microsoft.com/Presence.ReadWrite",
}

// tenantRE is a tenant as Entra ID names it in an authority: its id, a
// verified domain, or "organizations" (multi-tenant apps).
var tenantRE = regexp.MustCompile(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|organizations)$`)

// connectOnline signs in to Microsoft Graph with a device code, the first
// time only: it keeps the authentication record in a file and the tokens in
// azidentity's persistent cache, so later runs sign in silently.
func connectOnline(ctx context.Context, out io.Writer, getenv func(string) string, clientID string) (*env, func(), error) {
	tenant := strings.TrimSpace(getenv("TEAMSUSER_TENANT_ID"))
	if !tenantRE.MatchString(tenant) {
		return nil, nil, fmt.Errorf("%w: set TEAMSUSER_TENANT_ID to the tenant of the app registration and the user (its id or a verified domain; \"organizations\" only for a multi-tenant app)", errUsage)
	}
	recordPath, err := authRecordPath(getenv)
	if err != nil {
		return nil, nil, err
	}
	opts := &azidentity.DeviceCodeCredentialOptions{
		TenantID: tenant, ClientID: clientID,
		UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
			_, err := fmt.Fprintln(out, m.Message)
			return err
		},
	}
	if c, err := cache.New(&cache.Options{Name: "teamsuser-go-chat"}); err == nil {
		opts.Cache = c
	} else {
		fmt.Fprintf(out, "(no persistent token cache here, so every run signs in again: %v)\n", err)
	}
	rec, ok := loadAuthRecord(recordPath, tenant, clientID)
	if ok {
		opts.AuthenticationRecord = rec
	}
	cred, err := azidentity.NewDeviceCodeCredential(opts)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		// Sign in now, once: the record names the user (no token in it).
		if rec, err = cred.Authenticate(ctx, &policy.TokenRequestOptions{Scopes: graphScopes}); err != nil {
			return nil, nil, err
		}
		if err := saveAuthRecord(recordPath, rec); err != nil {
			fmt.Fprintf(out, "(the sign-in is not kept for the next run: %v)\n", err)
		}
	}
	me := homeObjectID(rec)
	c, err := chat.NewClient(cred, &chat.ClientOptions{Scopes: graphScopes, UserID: me})
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(out, "signed in to Microsoft Graph as %s\n", rec.Username)
	return &env{svc: c, me: me, out: out}, func() {}, nil
}

// authRecordPath is TEAMSUSER_AUTH_RECORD, or the default file in the
// user's configuration directory.
func authRecordPath(getenv func(string) string) (string, error) {
	if p := strings.TrimSpace(getenv("TEAMSUSER_AUTH_RECORD")); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory for the sign-in record (set TEAMSUSER_AUTH_RECORD): %w", err)
	}
	return filepath.Join(dir, "teamsuser-go", "chat-auth-record.json"), nil
}

// loadAuthRecord reads the record a previous run kept; ok is false when
// there is none, it cannot be read, or it is of another tenant or app (the
// configuration changed: sign in again).
func loadAuthRecord(path, tenant, clientID string) (azidentity.AuthenticationRecord, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return azidentity.AuthenticationRecord{}, false
	}
	var rec azidentity.AuthenticationRecord
	if json.Unmarshal(b, &rec) != nil || rec.HomeAccountID == "" || !strings.EqualFold(rec.ClientID, clientID) ||
		(tenant != "organizations" && !strings.EqualFold(rec.TenantID, tenant)) {
		return azidentity.AuthenticationRecord{}, false
	}
	return rec, true
}

// saveAuthRecord keeps the record in a file only the user can read (it
// holds no token, but names the account).
func saveAuthRecord(path string, rec azidentity.AuthenticationRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".auth-record-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// homeObjectID is the signed-in user's object id when the record's account
// lives in the tenant signed in to (HomeAccountID is "<object id>.<home
// tenant id>"); a guest has another id in the host tenant, so then it is
// empty and the chat client asks Graph (GET /me).
func homeObjectID(rec azidentity.AuthenticationRecord) string {
	oid, tid, ok := strings.Cut(rec.HomeAccountID, ".")
	if !ok || oid == "" || !strings.EqualFold(tid, rec.TenantID) {
		return ""
	}
	return oid
}

// list prints the chats as Teams lists them (chat.TeamsChatList): the
// most recent message first, each with its title, whether it is unread
// and how much (chat.CountUnread), and its last message; hidden chats
// (Viewpoint.IsHidden) only with -all.
func (e *env) list(ctx context.Context, kind chat.ChatType, all, onlyUnread bool) error {
	opts := chat.TeamsChatList()
	opts.Type = kind
	n := 0
	for c, err := range e.svc.ListChats(ctx, opts) {
		if err != nil {
			return err
		}
		if c.Viewpoint != nil && c.Viewpoint.IsHidden && !all {
			continue
		}
		mark, unread := " ", ""
		if c.HasUnread(e.me) {
			u, err := chat.CountUnread(ctx, e.svc, c, &chat.CountUnreadOptions{UserID: e.me})
			if err != nil {
				return err
			}
			mark, unread = "*", fmt.Sprintf("%d unread", u.Count)
			if u.More {
				unread = fmt.Sprintf("%d+ unread", u.Count)
			}
		} else if onlyUnread {
			continue
		}
		if c.Viewpoint != nil && c.Viewpoint.IsHidden {
			mark = "h"
		}
		n++
		fmt.Fprintf(e.out, "%s %-9s %-30s %-10s %s  %s\n", mark, c.Type, c.Title(e.me), unread, preview(c.LastMessagePreview), c.ID)
	}
	fmt.Fprintf(e.out, "%d chat(s)\n", n)
	return nil
}

// preview is a chat's last message as a line: "15:04 Name: text", cut.
func preview(p *chat.MessagePreview) string {
	switch {
	case p == nil:
		return "(no messages)"
	case p.IsDeleted:
		return p.CreatedAt.Local().Format("15:04") + " (deleted)"
	case p.MessageType != chat.MessageTypeMessage:
		return p.CreatedAt.Local().Format("15:04") + " (event)"
	}
	text := []rune(plainText(p.Body))
	if len(text) > 40 {
		text = append(text[:39], '…')
	}
	return p.CreatedAt.Local().Format("15:04") + " " + p.From.DisplayName + ": " + string(text)
}

// resolve takes a chat id, or (a convenience for the offline world and
// short sessions) a chat's topic or another member's name.
func (e *env) resolve(ctx context.Context, ref string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("%w: -chat is required", errUsage)
	}
	if _, err := chat.ParseChatID(ref); err == nil {
		return ref, nil
	}
	for c, err := range e.svc.ListChats(ctx, &chat.ListChatsOptions{ExpandMembers: true}) {
		if err != nil {
			return "", err
		}
		if strings.EqualFold(c.Topic, ref) || strings.EqualFold(c.Title(e.me), ref) {
			return c.ID, nil
		}
	}
	return "", fmt.Errorf("chat: no chat of yours has the id, topic or member %q", ref)
}

func (e *env) read(ctx context.Context, chatID string, n int, markRead bool) error {
	var msgs []chat.Message
	for m, err := range e.svc.ListMessages(ctx, chatID, &chat.ListMessagesOptions{Top: min(n, chat.MaxPageSize)}) {
		if err != nil {
			return err
		}
		if m.Deleted() {
			continue
		}
		msgs = append(msgs, m)
		if len(msgs) == n {
			break
		}
	}
	for i := len(msgs) - 1; i >= 0; i-- { // oldest first, as a chat reads
		e.print(msgs[i])
	}
	if !markRead {
		return nil
	}
	// Reading a chat marks it read, as opening it in Teams does.
	if _, err := e.svc.MarkChatRead(ctx, chatID, nil); err != nil {
		return err
	}
	fmt.Fprintln(e.out, "(marked read)")
	return nil
}

func (e *env) send(ctx context.Context, chatRef, to, text string) error {
	chatID := ""
	if to != "" {
		c, err := e.svc.CreateOneOnOneChat(ctx, to, nil)
		if err != nil {
			return err
		}
		chatID = c.Chat.ID
	} else {
		id, err := e.resolve(ctx, chatRef)
		if err != nil {
			return err
		}
		chatID = id
	}
	m, err := e.svc.SendMessage(ctx, chatID, chat.TextMessage(text), nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "sent message %s to %s\n", m.Message.ID, chatID)
	return nil
}

func (e *env) follow(ctx context.Context, chatID string, forD time.Duration, count int, interval time.Duration) error {
	if forD > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, forD)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if interval == 0 && e.offline != nil {
		interval = time.Second
	}
	// From now on: what was said before is for read. Taken before the
	// fake's participant starts, so none of its messages is older.
	since := time.Now()
	fmt.Fprintf(e.out, "following %s (Ctrl-C to stop)\n", chatID)
	var (
		wg         sync.WaitGroup
		chatterErr error
	)
	if e.offline != nil {
		if other, ok := e.offline.otherMember(ctx, chatID, e.me); ok {
			fmt.Fprintf(e.out, "offline: the fake's %s will post %d messages here\n", other.DisplayName, len(chatterLines))
			wg.Add(1)
			go func() {
				defer wg.Done()
				chatterErr = e.offline.chatter(ctx, other.UserID, chatID)
			}()
		}
	}
	seen, err := 0, error(nil)
	for m, werr := range chat.Watch(ctx, e.svc, chatID, &chat.WatchOptions{Interval: interval, Since: since}) {
		if werr != nil {
			err = werr
			break
		}
		e.print(m)
		if seen++; count > 0 && seen >= count {
			break
		}
	}
	cancel()
	wg.Wait()
	if err != nil {
		return err
	}
	if chatterErr != nil {
		fmt.Fprintf(e.out, "(the fake's participant could not post: %v)\n", chatterErr)
	}
	fmt.Fprintf(e.out, "stopped after %d new message(s)\n", seen)
	return nil
}

// otherMember is a member of the chat other than me, who will talk while
// me follows; ok is false when the chat has none (or is not me's).
func (w *offlineWorld) otherMember(ctx context.Context, chatID, me string) (chat.Member, bool) {
	r, err := w.svc.As(me).ListMembers(ctx, chatID, nil)
	if err != nil {
		return chat.Member{}, false
	}
	for _, m := range r.Members {
		if !strings.EqualFold(m.UserID, me) {
			return m, true
		}
	}
	return chat.Member{}, false
}

// chatterLines are what the fake's participant says while the user follows.
var chatterLines = []string{"Are you there?", "The deck is in the channel.", "Talk soon."}

// chatter is the fake's other participant: it posts chatterLines as
// userID, a little apart, through the fake's Go face, until ctx is done.
func (w *offlineWorld) chatter(ctx context.Context, userID, chatID string) error {
	for i, line := range chatterLines {
		t := time.NewTimer(time.Duration(300+200*i) * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if _, err := w.svc.Post(userID, chatID, line); err != nil {
			return err
		}
	}
	return nil
}

var tags = regexp.MustCompile(`<[^>]*>`)

// print writes a message as "15:04 Name: text", HTML reduced to text.
func (e *env) print(m chat.Message) {
	text := plainText(m.Body)
	from := m.From.DisplayName
	if from == "" {
		from = m.From.UserID
	}
	fmt.Fprintf(e.out, "%s %s: %s\n", m.CreatedAt.Local().Format("15:04"), from, text)
}

// plainText is a body as text: HTML reduced to its text.
func plainText(b chat.Body) string {
	text := b.Content
	if b.ContentType == chat.ContentHTML {
		text = html.UnescapeString(tags.ReplaceAllString(text, ""))
	}
	return strings.TrimSpace(text)
}
