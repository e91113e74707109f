// Package chattest is the conformance suite of chat.Service. Run it against
// any implementation, in the manner of testing/fstest.TestFS: the in-memory
// fake's Go face (chat/fake), the real client on the fake's HTTP face, or
// the real client on Microsoft Graph with test accounts. Where two
// implementations disagree, the failing subtest says where.
package chattest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// User is a user of the environment and a chat.Service signed in as them.
type User struct {
	// ID is the user's Entra object id.
	ID string
	// UPN is the user's principal name.
	UPN string
	// DisplayName is the user's display name.
	DisplayName string
	// Service acts as this user.
	Service chat.Service
}

// Env is what the suite runs against: four users of one tenant, a team and
// a meeting.
type Env struct {
	// Alice, Bob and Carol are users who may chat with one another. Dave is
	// a user who is in no chat, team or meeting of the environment.
	Alice, Bob, Carol, Dave User
	// TeamID and ChannelID name a channel of a team of which Alice and Bob
	// are members and Carol is not.
	TeamID, ChannelID string
	// MeetingJoinURL is the join link of an online meeting organized by
	// Alice with Bob attending; MeetingChatID is its chat, of which Alice and
	// Bob are members and Carol is not.
	MeetingJoinURL, MeetingChatID string
	// Advance moves the service's clock forward. It may be nil only when
	// Unsupported.ClockControl is declared.
	Advance func(d time.Duration)
	// SetPresence sets a user's presence (availability, activity, status
	// message, out of office). It may be nil only when
	// Unsupported.PresenceControl is declared.
	SetPresence func(userID string, p chat.Presence)
	// WithScopes returns a chat.Service acting as user u whose token holds
	// only the delegated permissions scopes (Graph's names, such as
	// "Chat.Read"), as an application consented to those alone would have.
	// It may be nil only when Unsupported.ScopeControl is declared.
	WithScopes func(u User, scopes ...string) chat.Service
	// RecordAttendance records that a session of an online meeting took
	// place from start to end with these participants (each a user of the
	// environment by id, with its role, if any, and its intervals), as
	// Teams does when a session ends, and returns the attendance report
	// the organizer then reads (chat/fake's Service.RecordAttendance). It
	// may be nil only when Unsupported.AttendanceControl is declared.
	RecordAttendance func(meetingID string, start, end time.Time, records ...chat.AttendanceRecord) (chat.AttendanceReport, error)
	// Subscribe subscribes user u to the change notifications of resource
	// (chat.ChatResource, chat.ChatMembersResource, …) with a webhook that
	// a chat.NotificationHandler serves, for the rest of the test, and
	// returns the handler's Notifications channel; an error is the
	// subscription's. Subscriber makes one from the real client. It may
	// be nil only when Unsupported.Notifications is declared.
	Subscribe func(t *testing.T, u User, resource string) (<-chan chat.Notification, error)
	// Unsupported declares what the implementation or its environment
	// cannot do. The suite skips the checks of exactly that; anything else
	// missing fails.
	Unsupported Unsupported
}

// Unsupported lists what an implementation or its environment may declare
// it cannot do. The suite skips only what is declared: a nil hook or an
// absent value that is not declared fails the case that needs it, so an
// implementation cannot pass by leaving something out. The SDK's own
// implementations (the client on Graph's wire, both faces of chat/fake)
// declare nothing; a run of the client against Microsoft Graph itself
// declares ClockControl, PresenceControl and AttendanceControl, which a
// test cannot have there.
type Unsupported struct {
	// ClockControl: Env.Advance is nil; the cases that need distinct times
	// (date filters) are skipped.
	ClockControl bool
	// PresenceControl: Env.SetPresence is nil; presence answers are checked
	// for their shape and order, not for the values set.
	PresenceControl bool
	// ScopeControl: Env.WithScopes is nil; the case that checks the
	// permissions each operation needs is skipped.
	ScopeControl bool
	// AttendanceControl: Env.RecordAttendance is nil; attendance reports
	// are checked to be empty before any session, not for the sessions
	// recorded.
	AttendanceControl bool
	// Notifications: Env.Subscribe is nil (a webhook Graph can reach is
	// needed); the cases of chat, membership and presence notifications
	// are skipped.
	Notifications bool
	// MeetingIDs: online meetings carry no JoinMeetingID (the meeting id of
	// the invitation), so it is not checked and the case that finds a
	// meeting by it is skipped.
	MeetingIDs bool
}

// Run runs the suite. newEnv is called once per subtest, so subtests do not
// share state.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			if c.needsClock {
				if env.Unsupported.ClockControl {
					t.Skip("declared: Unsupported.ClockControl")
				}
				if env.Advance == nil {
					t.Fatal("Env.Advance is nil: set it, or declare Env.Unsupported.ClockControl")
				}
			}
			if c.needsSubscribe {
				if env.Unsupported.Notifications {
					t.Skip("declared: Unsupported.Notifications")
				}
				if env.Subscribe == nil {
					t.Fatal("Env.Subscribe is nil: set it, or declare Env.Unsupported.Notifications")
				}
			}
			if c.needsScopes {
				if env.Unsupported.ScopeControl {
					t.Skip("declared: Unsupported.ScopeControl")
				}
				if env.WithScopes == nil {
					t.Fatal("Env.WithScopes is nil: set it, or declare Env.Unsupported.ScopeControl")
				}
			}
			c.run(t, env)
		})
	}
}

type testCase struct {
	name           string
	needsClock     bool
	needsScopes    bool
	needsSubscribe bool
	run            func(t *testing.T, env Env)
}

var cases = []testCase{
	{name: "ArgumentErrors", run: testArgumentErrors},
	{name: "OneOnOneChat", run: testOneOnOne},
	{name: "GroupChatMembers", run: testGroupChat},
	{name: "GroupChatOfTwo", run: testGroupOfTwo},
	{name: "ListChats", run: testListChats},
	{name: "ListChatsByLastMessage", needsClock: true, run: testChatsByLastMessage},
	{name: "SendAndGetMessage", run: testSendAndGet},
	{name: "MentionsAndInlineImages", run: testMentionsAndImages},
	{name: "FilesAndImages", run: testFilesAndImages},
	{name: "ListMessagesNewestFirst", run: testListMessages},
	{name: "ListMessagesDateFilters", needsClock: true, run: testListMessagesSince},
	{name: "EditMessage", run: testEdit},
	{name: "SoftDelete", run: testSoftDelete},
	{name: "Reactions", run: testReactions},
	{name: "MeetingChat", run: testMeeting},
	{name: "CreateOnlineMeeting", run: testCreateMeeting},
	{name: "OnlineMeetingByJoinMeetingID", run: testMeetingByID},
	{name: "ManageOnlineMeetings", run: testManageMeetings},
	{name: "MeetingPermissions", needsScopes: true, run: testMeetingPermissions},
	{name: "Presence", run: testPresence},
	{name: "PresenceYouSet", needsClock: true, run: testPresenceYouSet},
	{name: "PresenceNotifications", needsSubscribe: true, run: testPresenceNotifications},
	{name: "Channels", run: testChannels},
	{name: "ChannelMessageChanges", run: testChannelMessageChanges},
	{name: "ChannelMessagePermissions", needsScopes: true, run: testChannelMessagePermissions},
	{name: "NotFound", run: testNotFound},
	{name: "DelegatedPermissions", needsScopes: true, run: testScopes},
	{name: "Users", run: testUsers},
	{name: "ConcurrentSends", run: testConcurrentSends},
	{name: "CanceledContext", run: testCanceled},
	{name: "ReadState", needsClock: true, run: testReadState},
	{name: "TeamsChatList", needsClock: true, run: testTeamsChatList},
	{name: "ChatManagement", run: testChatManagement},
	{name: "ManagementPermissions", needsScopes: true, run: testManagementPermissions},
	{name: "ChatNotifications", needsSubscribe: true, run: testChatNotifications},
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// must turns a (value, error) result into the value, failing the test on
// an error: must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing failed after %d items: %v", len(out), err)
		}
		out = append(out, v)
	}
	return out
}

// wantArgErr checks that err is an *chat.ArgumentError.
func wantArgErr(t *testing.T, what string, err error) {
	t.Helper()
	var ae *chat.ArgumentError
	if !errors.As(err, &ae) {
		t.Errorf("%s: got %v (%T), want *chat.ArgumentError", what, err, err)
		return
	}
	if msg := ae.Error(); msg == "" || msg != strings.ToLower(msg[:1])+msg[1:] {
		t.Errorf("%s: error text %q should start lowercase", what, msg)
	}
}

// wantServiceErr checks that err is a *chat.Error that satisfies is, and
// that it unwraps to the *azcore.ResponseError of the same status and code,
// as every HTTP failure of the module does.
func wantServiceErr(t *testing.T, what string, err error, is func(error) bool, want string) {
	t.Helper()
	var ce *chat.Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: got %v (%T), want *chat.Error (%s)", what, err, err, want)
		return
	}
	if !is(err) {
		t.Errorf("%s: got status %d %s, want %s", what, ce.StatusCode, ce.Code, want)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Errorf("%s: the *chat.Error does not unwrap to an *azcore.ResponseError", what)
	} else if re.StatusCode != ce.StatusCode || re.ErrorCode != ce.Code {
		t.Errorf("%s: *azcore.ResponseError %d %q, *chat.Error %d %q", what, re.StatusCode, re.ErrorCode, ce.StatusCode, ce.Code)
	}
}

func notVisible(err error) bool { return chat.IsNotFound(err) || chat.IsForbidden(err) }

func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}

func testArgumentErrors(t *testing.T, env Env) {
	c, svc := ctx(t), env.Alice.Service
	valid := env.MeetingChatID
	_, err := svc.GetChat(c, "", nil)
	wantArgErr(t, "GetChat empty id", err)
	_, err = svc.GetChat(c, "not-a-chat-id", nil)
	wantArgErr(t, "GetChat bad id", err)
	_, err = svc.GetChat(c, "19:abc@thread.tacv2", nil)
	wantArgErr(t, "GetChat channel id", err)
	_, err = svc.ListChatsPage(c, &chat.ListChatsOptions{Top: chat.MaxPageSize + 1})
	wantArgErr(t, "ListChatsPage Top 51", err)
	wantArgErr(t, "ListChats bad type", firstErr(svc.ListChats(c, &chat.ListChatsOptions{Type: "channel"})))
	_, err = svc.CreateOneOnOneChat(c, "", nil)
	wantArgErr(t, "CreateOneOnOneChat empty user", err)
	_, err = svc.CreateOneOnOneChat(c, "not a user", nil)
	wantArgErr(t, "CreateOneOnOneChat bad user", err)
	_, err = svc.CreateGroupChat(c, "t", nil, nil)
	wantArgErr(t, "CreateGroupChat no other user", err)
	_, err = svc.ListMembers(c, "", nil)
	wantArgErr(t, "ListMembers empty chat", err)
	_, err = svc.AddMember(c, valid, "", nil)
	wantArgErr(t, "AddMember empty user", err)
	_, err = svc.AddMember(c, valid, env.Dave.ID, &chat.AddMemberOptions{Roles: []string{"admin"}})
	wantArgErr(t, "AddMember bad role", err)
	_, err = svc.RemoveMember(c, valid, "", nil)
	wantArgErr(t, "RemoveMember empty membership", err)
	_, err = svc.GetOnlineMeetingByJoinURL(c, "", nil)
	wantArgErr(t, "GetOnlineMeetingByJoinURL empty", err)
	_, err = svc.FindMeetingChat(c, "", nil)
	wantArgErr(t, "FindMeetingChat empty", err)
	// Join links are Teams links on a Teams host (the checks of
	// calling.ParseJoinLink); a channel meeting has no chat of its own.
	for _, bad := range []string{"https://example.com/l/meetup-join/x/0", "https://teams.microsoft.com.evil.example/meet/2345678901234", "http://teams.microsoft.com/meet/2345678901234"} {
		_, err = svc.GetOnlineMeetingByJoinURL(c, bad, nil)
		wantArgErr(t, "GetOnlineMeetingByJoinURL("+bad+")", err)
		_, err = svc.FindMeetingChat(c, bad, nil)
		wantArgErr(t, "FindMeetingChat("+bad+")", err)
	}
	_, err = svc.FindMeetingChat(c, "https://teams.microsoft.com/l/meetup-join/19%3a3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b%40thread.tacv2/1712345678901"+
		"?context=%7b%22Tid%22%3a%220a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d%22%2c%22Oid%22%3a%2211111111-2222-4333-8444-555555555555%22%7d", nil)
	wantArgErr(t, "FindMeetingChat of a channel meeting", err)

	_, err = svc.SendMessage(c, valid, chat.TextMessage(""), nil)
	wantArgErr(t, "SendMessage empty body", err)
	_, err = svc.SendMessage(c, valid, chat.NewMessage{Body: chat.Body{ContentType: "markdown", Content: "x"}}, nil)
	wantArgErr(t, "SendMessage bad content type", err)
	_, err = svc.SendMessage(c, valid, chat.TextMessage(strings.Repeat("x", chat.MaxMessageBytes+1)), nil)
	wantArgErr(t, "SendMessage too large", err)
	m := chat.TextMessage("hi Bob")
	m.Mentions = []chat.Mention{{ID: 0, Text: "Bob", UserID: env.Bob.ID}}
	_, err = svc.SendMessage(c, valid, m, nil)
	wantArgErr(t, "SendMessage mention in text body", err)
	m = chat.HTMLMessage("hi Bob")
	m.Mentions = []chat.Mention{{ID: 0, Text: "Bob", UserID: env.Bob.ID}}
	_, err = svc.SendMessage(c, valid, m, nil)
	wantArgErr(t, "SendMessage mention without tag", err)
	m = chat.HTMLMessage(`<img src="` + chat.HostedContentRef("1") + `">`)
	m.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png"}}
	_, err = svc.SendMessage(c, valid, m, nil)
	wantArgErr(t, "SendMessage hosted content without data", err)

	_, err = svc.ListMessagesPage(c, valid, &chat.ListMessagesOptions{Top: chat.MaxPageSize + 1})
	wantArgErr(t, "ListMessagesPage Top 51", err)
	_, err = svc.ListMessagesPage(c, valid, &chat.ListMessagesOptions{Top: -1})
	wantArgErr(t, "ListMessagesPage Top -1", err)
	_, err = svc.ListMessagesPage(c, valid, &chat.ListMessagesOptions{CreatedBefore: time.Now()})
	wantArgErr(t, "ListMessagesPage CreatedBefore without created order", err)
	_, err = svc.ListMessagesPage(c, valid, &chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, ModifiedAfter: time.Now()})
	wantArgErr(t, "ListMessagesPage ModifiedAfter with created order", err)
	wantArgErr(t, "ListMessages Top 51", firstErr(svc.ListMessages(c, valid, &chat.ListMessagesOptions{Top: 51})))
	_, err = svc.GetMessage(c, valid, "", nil)
	wantArgErr(t, "GetMessage empty id", err)
	_, err = svc.EditMessage(c, valid, "1", chat.TextMessage(" "), nil)
	wantArgErr(t, "EditMessage blank body", err)
	_, err = svc.SoftDeleteMessage(c, valid, "a/b", nil)
	wantArgErr(t, "SoftDeleteMessage bad id", err)
	_, err = svc.UndoSoftDeleteMessage(c, "", "1", nil)
	wantArgErr(t, "UndoSoftDeleteMessage empty chat", err)
	_, err = svc.SetReaction(c, valid, "1", "", nil)
	wantArgErr(t, "SetReaction empty reaction", err)
	_, err = svc.UnsetReaction(c, valid, "1", "a b", nil)
	wantArgErr(t, "UnsetReaction bad reaction", err)
	for _, bad := range []string{"a\u00a0b", "like\u2003", "\u0085"} { // no-break space, em space, a C1 control
		_, err = svc.SetReaction(c, valid, "1", bad, nil)
		wantArgErr(t, fmt.Sprintf("SetReaction(%q)", bad), err)
	}

	_, err = svc.SendChannelMessage(c, "not-a-guid", env.ChannelID, chat.TextMessage("x"), nil)
	wantArgErr(t, "SendChannelMessage bad team", err)
	_, err = svc.SendChannelMessage(c, env.TeamID, "", chat.TextMessage("x"), nil)
	wantArgErr(t, "SendChannelMessage empty channel", err)
	_, err = svc.ListChannelMessagesPage(c, env.TeamID, env.ChannelID, &chat.ListChannelMessagesOptions{Top: 51})
	wantArgErr(t, "ListChannelMessagesPage Top 51", err)
	wantArgErr(t, "ListChannelMessages bad team", firstErr(svc.ListChannelMessages(c, "", env.ChannelID, nil)))
	_, err = svc.ReplyToChannelMessage(c, env.TeamID, env.ChannelID, "", chat.TextMessage("x"), nil)
	wantArgErr(t, "ReplyToChannelMessage empty message", err)
	_, err = svc.ListRepliesPage(c, env.TeamID, env.ChannelID, "1", &chat.ListRepliesOptions{Top: 99})
	wantArgErr(t, "ListRepliesPage Top 99", err)
	wantArgErr(t, "ListReplies empty message", firstErr(svc.ListReplies(c, env.TeamID, env.ChannelID, "", nil)))
}

func memberIDs(ms []chat.Member) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		out[m.UserID] = true
	}
	return out
}

func testOneOnOne(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	if ch.Type != chat.ChatTypeOneOnOne {
		t.Errorf("Type = %q, want oneOnOne", ch.Type)
	}
	if ids := memberIDs(ch.Members); len(ch.Members) != 2 || !ids[env.Alice.ID] || !ids[env.Bob.ID] {
		t.Errorf("members = %+v, want Alice and Bob", ch.Members)
	}
	pid := must(chat.ParseChatID(ch.ID))(t)
	if pid.Type != chat.ChatTypeOneOnOne || len(pid.UserIDs) != 2 {
		t.Errorf("ParseChatID(%q) = %+v, want a one-on-one id of two users", ch.ID, pid)
	}
	again := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	if again.ID != ch.ID {
		t.Errorf("second create gave %q, want the existing %q", again.ID, ch.ID)
	}
	fromBob := must(env.Bob.Service.CreateOneOnOneChat(c, env.Alice.ID, nil))(t).Chat
	if fromBob.ID != ch.ID {
		t.Errorf("Bob's create gave %q, want the existing %q", fromBob.ID, ch.ID)
	}
	if env.Bob.UPN != "" {
		byUPN := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.UPN, nil))(t).Chat
		if byUPN.ID != ch.ID {
			t.Errorf("create by UPN gave %q, want the existing %q", byUPN.ID, ch.ID)
		}
	}
	if n := len(collect(t, env.Alice.Service.ListChats(c, &chat.ListChatsOptions{Type: chat.ChatTypeOneOnOne}))); n != 1 {
		t.Errorf("Alice has %d one-on-one chats after creating the same one four times, want 1", n)
	}
	got := must(env.Bob.Service.GetChat(c, ch.ID, nil))(t).Chat
	if got.ID != ch.ID || got.Type != chat.ChatTypeOneOnOne || got.Members != nil {
		t.Errorf("GetChat = %+v, want the chat without members", got)
	}
	got = must(env.Bob.Service.GetChat(c, ch.ID, &chat.GetChatOptions{ExpandMembers: true}))(t).Chat
	if len(got.Members) != 2 {
		t.Errorf("GetChat with members: %d members, want 2", len(got.Members))
	}
	_, err := env.Carol.Service.GetChat(c, ch.ID, nil)
	wantServiceErr(t, "Carol reads Alice and Bob's chat", err, notVisible, "403 or 404")
	_, err = env.Carol.Service.SendMessage(c, ch.ID, chat.TextMessage("let me in"), nil)
	wantServiceErr(t, "Carol writes to Alice and Bob's chat", err, notVisible, "403 or 404")
	_, err = env.Alice.Service.AddMember(c, ch.ID, env.Carol.ID, nil)
	wantServiceErr(t, "AddMember to a one-on-one chat", err, func(err error) bool { s := chat.StatusCode(err); return s >= 400 && s < 500 }, "a 4xx")
}

func testGroupChat(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateGroupChat(c, "Quarterly numbers", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat
	if ch.Type != chat.ChatTypeGroup || ch.Topic != "Quarterly numbers" {
		t.Errorf("chat = %q %q, want group \"Quarterly numbers\"", ch.Type, ch.Topic)
	}
	if ids := memberIDs(ch.Members); len(ch.Members) != 3 || !ids[env.Alice.ID] || !ids[env.Bob.ID] || !ids[env.Carol.ID] {
		t.Errorf("members = %+v, want Alice (the caller), Bob and Carol", ch.Members)
	}
	if pid := must(chat.ParseChatID(ch.ID))(t); pid.Type != chat.ChatTypeGroup {
		t.Errorf("ParseChatID(%q).Type = %q, want group", ch.ID, pid.Type)
	}
	ms := must(env.Carol.Service.ListMembers(c, ch.ID, nil))(t).Members
	if len(ms) != 3 {
		t.Fatalf("ListMembers: %d members, want 3", len(ms))
	}
	for _, m := range ms {
		if m.ID == "" || m.UserID == "" || len(m.Roles) == 0 {
			t.Errorf("member %+v lacks id, user id or roles", m)
		}
		if m.UserID == env.Bob.ID && m.DisplayName != env.Bob.DisplayName && env.Bob.DisplayName != "" {
			t.Errorf("Bob's display name = %q, want %q", m.DisplayName, env.Bob.DisplayName)
		}
	}
	_, err := env.Dave.Service.GetChat(c, ch.ID, nil)
	wantServiceErr(t, "Dave reads the group before being added", err, notVisible, "403 or 404")

	added := must(env.Alice.Service.AddMember(c, ch.ID, env.Dave.ID, &chat.AddMemberOptions{ShareAllHistory: true}))(t).Member
	if added.UserID != env.Dave.ID || added.ID == "" {
		t.Errorf("AddMember = %+v, want Dave's new membership", added)
	}
	if ms := must(env.Bob.Service.ListMembers(c, ch.ID, nil))(t).Members; len(ms) != 4 {
		t.Errorf("after AddMember: %d members, want 4", len(ms))
	}
	if _, err := env.Dave.Service.GetChat(c, ch.ID, nil); err != nil {
		t.Errorf("Dave reads the group after being added: %v", err)
	}
	must(env.Dave.Service.SendMessage(c, ch.ID, chat.TextMessage("hello all"), nil))(t)

	must(env.Alice.Service.RemoveMember(c, ch.ID, added.ID, nil))(t)
	if ms := must(env.Alice.Service.ListMembers(c, ch.ID, nil))(t).Members; memberIDs(ms)[env.Dave.ID] {
		t.Errorf("Dave is still a member after RemoveMember")
	}
	_, err = env.Dave.Service.GetChat(c, ch.ID, nil)
	wantServiceErr(t, "Dave reads the group after removal", err, notVisible, "403 or 404")
	_, err = env.Alice.Service.RemoveMember(c, ch.ID, added.ID, nil)
	wantServiceErr(t, "RemoveMember twice", err, chat.IsNotFound, "404")
}

// testGroupOfTwo: Graph creates a group chat of two members, the caller and
// one other user (https://learn.microsoft.com/graph/api/chat-post states no
// minimum; microsoftgraph/microsoft-graph-docs#19197), and it is not their
// one-on-one chat.
func testGroupOfTwo(t *testing.T, env Env) {
	c := ctx(t)
	one := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	ch := must(env.Alice.Service.CreateGroupChat(c, "Just us", []string{env.Bob.ID}, nil))(t).Chat
	if ch.Type != chat.ChatTypeGroup || ch.Topic != "Just us" || ch.ID == one.ID {
		t.Errorf("chat = %q %q %q, want a new group chat \"Just us\" (the one-on-one chat is %q)", ch.ID, ch.Type, ch.Topic, one.ID)
	}
	if ids := memberIDs(ch.Members); len(ch.Members) != 2 || !ids[env.Alice.ID] || !ids[env.Bob.ID] {
		t.Errorf("members = %+v, want Alice and Bob", ch.Members)
	}
	must(env.Bob.Service.SendMessage(c, ch.ID, chat.TextMessage("hi, just us"), nil))(t)
}

func testListChats(t *testing.T, env Env) {
	c := ctx(t)
	one := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	group := must(env.Alice.Service.CreateGroupChat(c, "g", []string{env.Carol.ID, env.Dave.ID}, nil))(t).Chat

	all := collect(t, env.Alice.Service.ListChats(c, nil))
	ids := map[string]chat.Chat{}
	for _, ch := range all {
		if _, dup := ids[ch.ID]; dup {
			t.Errorf("ListChats yields %q twice", ch.ID)
		}
		ids[ch.ID] = ch
	}
	for _, want := range []string{one.ID, group.ID, env.MeetingChatID} {
		if _, ok := ids[want]; !ok {
			t.Errorf("ListChats misses %q", want)
		}
	}
	paged := collect(t, env.Alice.Service.ListChats(c, &chat.ListChatsOptions{Top: 1}))
	if len(paged) != len(all) {
		t.Errorf("ListChats with Top 1 yields %d chats, want %d", len(paged), len(all))
	}
	first := must(env.Alice.Service.ListChatsPage(c, &chat.ListChatsOptions{Top: 1}))(t)
	if len(first.Chats) != 1 || first.NextLink == "" {
		t.Errorf("first page: %d chats, next link %q; want 1 and a link", len(first.Chats), first.NextLink)
	} else {
		second := must(env.Alice.Service.ListChatsPage(c, &chat.ListChatsOptions{NextLink: first.NextLink}))(t)
		if len(second.Chats) != 1 || second.Chats[0].ID == first.Chats[0].ID {
			t.Errorf("second page = %+v, want one other chat", second.Chats)
		}
	}
	meetings := collect(t, env.Alice.Service.ListChats(c, &chat.ListChatsOptions{Type: chat.ChatTypeMeeting}))
	if len(meetings) != 1 || meetings[0].ID != env.MeetingChatID || meetings[0].Type != chat.ChatTypeMeeting {
		t.Errorf("meeting chats = %+v, want only %q", meetings, env.MeetingChatID)
	} else if meetings[0].OnlineMeeting.JoinURL == "" {
		t.Errorf("meeting chat has no join URL")
	}
	withMembers := collect(t, env.Alice.Service.ListChats(c, &chat.ListChatsOptions{Type: chat.ChatTypeGroup, ExpandMembers: true}))
	if len(withMembers) != 1 || len(withMembers[0].Members) != 3 {
		t.Errorf("group chats with members = %+v, want one chat of 3 members", withMembers)
	}
	for _, ch := range collect(t, env.Bob.Service.ListChats(c, nil)) {
		if ch.ID == group.ID {
			t.Errorf("Bob's chats include a group he is not in")
		}
	}
	if n := len(collect(t, env.Dave.Service.ListChats(c, &chat.ListChatsOptions{Type: chat.ChatTypeOneOnOne}))); n != 0 {
		t.Errorf("Dave has %d one-on-one chats, want 0", n)
	}
}

// testChatsByLastMessage: chat-list's options
// (https://learn.microsoft.com/graph/api/chat-list): $orderby
// lastMessagePreview/createdDateTime desc lists the chats by their last
// message, newest first (chats without one after); $expand=lastMessagePreview
// fills the preview (chatMessageInfo: id, createdDateTime, isDeleted,
// messageType, body, from); $filter on a member's display name keeps the
// chats that member is in.
func testChatsByLastMessage(t *testing.T, env Env) {
	c, alice := ctx(t), env.Alice.Service
	one := must(alice.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	group := must(alice.CreateGroupChat(c, "later", []string{env.Carol.ID, env.Dave.ID}, nil))(t).Chat
	quiet := must(alice.CreateGroupChat(c, "quiet", []string{env.Carol.ID}, nil))(t).Chat
	env.Advance(time.Second)
	must(alice.SendMessage(c, group.ID, chat.TextMessage("first, in the group"), nil))(t)
	env.Advance(time.Second)
	last := must(env.Bob.Service.SendMessage(c, one.ID, chat.TextMessage("latest, from Bob"), nil))(t).Message
	env.Advance(time.Second)

	opts := &chat.ListChatsOptions{OrderByLastMessage: true, ExpandLastMessagePreview: true, Top: 2}
	got := collect(t, alice.ListChats(c, opts))
	if len(got) < 3 || got[0].ID != one.ID || got[1].ID != group.ID {
		t.Fatalf("by last message: %v, want %q, %q, then the chats without messages", chatIDs(got), one.ID, group.ID)
	}
	for _, ch := range got[2:] {
		if ch.LastMessagePreview != nil {
			t.Errorf("chat %q (%q) lists after the chats with messages but has a preview %+v", ch.ID, ch.Topic, ch.LastMessagePreview)
		}
	}
	p := got[0].LastMessagePreview
	if p == nil || p.ID != last.ID || p.Body.Content != "latest, from Bob" || p.From.UserID != env.Bob.ID || p.IsDeleted ||
		p.MessageType != chat.MessageTypeMessage || !p.CreatedAt.Equal(last.CreatedAt) {
		t.Errorf("preview of %q = %+v, want Bob's %q", one.ID, p, last.ID)
	}
	if plain := collect(t, alice.ListChats(c, nil)); len(plain) != len(got) || plain[0].LastMessagePreview != nil {
		t.Errorf("without the options: %d chats (want %d), first preview %+v (want none)", len(plain), len(got), plain[0].LastMessagePreview)
	}
	must(env.Bob.Service.SoftDeleteMessage(c, one.ID, last.ID, nil))(t)
	got = collect(t, alice.ListChats(c, opts))
	if p := got[0].LastMessagePreview; got[0].ID != one.ID || p == nil || !p.IsDeleted || p.Body.Content != "" {
		t.Errorf("after a soft delete: first %q, preview %+v; want %q's deleted message without content", got[0].ID, p, one.ID)
	}

	withBob := collect(t, alice.ListChats(c, &chat.ListChatsOptions{MemberDisplayName: env.Bob.DisplayName}))
	ids := map[string]bool{}
	for _, ch := range withBob {
		ids[ch.ID] = true
	}
	if env.Bob.DisplayName != "" && (!ids[one.ID] || !ids[env.MeetingChatID] || ids[group.ID] || ids[quiet.ID]) {
		t.Errorf("chats with a member named %q: %v, want %q and the meeting chat, not the groups", env.Bob.DisplayName, chatIDs(withBob), one.ID)
	}
	groupsWithCarol := collect(t, alice.ListChats(c, &chat.ListChatsOptions{Type: chat.ChatTypeGroup, MemberDisplayName: env.Carol.DisplayName}))
	if env.Carol.DisplayName != "" && len(groupsWithCarol) != 2 {
		t.Errorf("group chats with Carol: %v, want the two groups", chatIDs(groupsWithCarol))
	}
	wantArgErr(t, "MemberDisplayName with a control character", firstErr(alice.ListChats(c, &chat.ListChatsOptions{MemberDisplayName: "a\nb"})))
}

func chatIDs(cs []chat.Chat) []string {
	out := make([]string, len(cs))
	for i, ch := range cs {
		out[i] = ch.ID
	}
	return out
}

func testSendAndGet(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	msg := chat.TextMessage("hello, Bob")
	msg.Importance = chat.ImportanceHigh
	sent := must(env.Alice.Service.SendMessage(c, ch.ID, msg, nil))(t).Message
	if sent.ID == "" || sent.ChatID != ch.ID {
		t.Errorf("sent message id %q chat %q, want an id in %q", sent.ID, sent.ChatID, ch.ID)
	}
	if sent.From.UserID != env.Alice.ID || sent.Body.Content != "hello, Bob" || sent.Body.ContentType != chat.ContentText {
		t.Errorf("sent = from %q body %+v, want Alice's text", sent.From.UserID, sent.Body)
	}
	if sent.Importance != chat.ImportanceHigh || sent.MessageType != chat.MessageTypeMessage || sent.CreatedAt.IsZero() || sent.Deleted() {
		t.Errorf("sent = importance %q type %q created %v deleted %v", sent.Importance, sent.MessageType, sent.CreatedAt, sent.Deleted())
	}
	got := must(env.Bob.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	if got.ID != sent.ID || got.Body != sent.Body || got.From.UserID != env.Alice.ID || !got.CreatedAt.Equal(sent.CreatedAt) {
		t.Errorf("Bob reads %+v, want %+v", got, sent)
	}
	html := must(env.Bob.Service.SendMessage(c, ch.ID, chat.HTMLMessage("<p>hi <b>Alice</b></p>"), nil))(t).Message
	if html.Body.ContentType != chat.ContentHTML || !strings.Contains(html.Body.Content, "<b>Alice</b>") {
		t.Errorf("html message body = %+v", html.Body)
	}
}

func testMentionsAndImages(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateGroupChat(c, "m", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat
	bob := chat.Mention{ID: 0, Text: "Bob Baker", UserID: env.Bob.ID}
	carol := chat.Mention{ID: 1, Text: "Carol", UserID: env.Carol.ID}
	msg := chat.HTMLMessage("<p>" + chat.MentionTag(bob) + " and " + chat.MentionTag(carol) + ", see this:</p>" +
		`<img src="` + chat.HostedContentRef("1") + `" alt="chart">`)
	msg.Mentions = []chat.Mention{bob, carol}
	png := []byte("\x89PNG\r\n\x1a\nnot really an image")
	msg.HostedContents = []chat.HostedContent{{ID: "1", ContentType: "image/png", Data: png}}
	sent := must(env.Alice.Service.SendMessage(c, ch.ID, msg, nil))(t).Message
	if len(sent.Mentions) != 2 {
		t.Fatalf("sent mentions = %+v, want 2", sent.Mentions)
	}
	byID := map[int]chat.Mention{}
	for _, m := range sent.Mentions {
		byID[m.ID] = m
	}
	if byID[0].UserID != env.Bob.ID || byID[1].UserID != env.Carol.ID || byID[1].Text != "Carol" {
		t.Errorf("mentions = %+v, want Bob as 0 and Carol as 1", sent.Mentions)
	}
	if strings.Contains(sent.Body.Content, chat.HostedContentRef("1")) || !strings.Contains(sent.Body.Content, "/hostedContents/") {
		t.Errorf("body %q should reference the hosted content by its service URL", sent.Body.Content)
	}
	got := must(env.Carol.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	if len(got.Mentions) != 2 || !strings.Contains(got.Body.Content, `<at id="1">Carol</at>`) {
		t.Errorf("Carol reads mentions %+v body %q", got.Mentions, got.Body.Content)
	}
	bad := chat.HTMLMessage(chat.MentionTag(chat.Mention{ID: 0, Text: "Nobody"}))
	bad.Mentions = []chat.Mention{{ID: 0, Text: "Nobody", UserID: "00000000-0000-4000-8000-00000000dead"}}
	_, err := env.Alice.Service.SendMessage(c, ch.ID, bad, nil)
	wantServiceErr(t, "mention of an unknown user", err, func(err error) bool { s := chat.StatusCode(err); return s == 400 || s == 404 }, "400 or 404")
}

func sendN(t *testing.T, svc chat.Service, chatID string, n int, prefix string, between func()) []chat.Message {
	t.Helper()
	c := ctx(t)
	out := make([]chat.Message, n)
	for i := range n {
		if between != nil && i > 0 {
			between()
		}
		out[i] = must(svc.SendMessage(c, chatID, chat.TextMessage(fmt.Sprintf("%s %d", prefix, i)), nil))(t).Message
	}
	return out
}

func ids(ms []chat.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func reversed(ms []chat.Message) []string {
	out := ids(ms)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testListMessages(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	sent := sendN(t, env.Alice.Service, ch.ID, 7, "m", nil)
	want := reversed(sent)

	got := collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{Top: 3}))
	if !equalIDs(ids(got), want) {
		t.Errorf("ListMessages Top 3 = %v, want newest first %v", ids(got), want)
	}
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, Top: 2}))
	if !equalIDs(ids(got), want) {
		t.Errorf("ListMessages by creation = %v, want %v", ids(got), want)
	}
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, nil))
	if !equalIDs(ids(got), want) {
		t.Errorf("ListMessages default = %v, want %v", ids(got), want)
	}
	// Page by hand.
	var pages [][]string
	opts := &chat.ListMessagesOptions{Top: 3}
	for range 10 {
		p := must(env.Bob.Service.ListMessagesPage(c, ch.ID, opts))(t)
		if len(p.Messages) > 3 {
			t.Errorf("page of %d messages with Top 3", len(p.Messages))
		}
		pages = append(pages, ids(p.Messages))
		if p.NextLink == "" {
			break
		}
		opts = &chat.ListMessagesOptions{NextLink: p.NextLink}
	}
	var flat []string
	for _, p := range pages {
		flat = append(flat, p...)
	}
	if !equalIDs(flat, want) || len(pages) != 3 {
		t.Errorf("pages = %v, want 3 pages of %v", pages, want)
	}
	// Stopping early stops the iteration.
	n := 0
	for _, err := range env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("early stop after %d messages", n)
	}
	_, err := env.Carol.Service.ListMessagesPage(c, ch.ID, nil)
	wantServiceErr(t, "Carol lists Alice and Bob's messages", err, notVisible, "403 or 404")
}

func testListMessagesSince(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	sent := sendN(t, env.Alice.Service, ch.ID, 6, "s", func() { env.Advance(2 * time.Second) })
	env.Advance(2 * time.Second)
	cut := sent[2].LastModifiedAt
	got := collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{ModifiedAfter: cut, Top: 2}))
	if want := reversed(sent[3:]); !equalIDs(ids(got), want) {
		t.Errorf("ModifiedAfter message 2 = %v, want %v", ids(got), want)
	}
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{ModifiedAfter: sent[0].LastModifiedAt, ModifiedBefore: sent[4].LastModifiedAt}))
	if want := reversed(sent[1:4]); !equalIDs(ids(got), want) {
		t.Errorf("ModifiedAfter 0 and ModifiedBefore 4 = %v, want %v", ids(got), want)
	}
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, CreatedBefore: sent[3].CreatedAt}))
	if want := reversed(sent[:3]); !equalIDs(ids(got), want) {
		t.Errorf("CreatedBefore message 3 = %v, want %v", ids(got), want)
	}
	// A reaction changes an old message: it moves to the front of the
	// modification order and passes a ModifiedAfter filter.
	env.Advance(2 * time.Second)
	must(env.Bob.Service.SetReaction(c, ch.ID, sent[0].ID, "👍", nil))(t)
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{ModifiedAfter: sent[5].LastModifiedAt}))
	if !equalIDs(ids(got), []string{sent[0].ID}) {
		t.Errorf("after a reaction, ModifiedAfter the newest = %v, want only %q", ids(got), sent[0].ID)
	}
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, nil))
	if len(got) != 6 || got[0].ID != sent[0].ID {
		t.Errorf("after a reaction, the default order starts with %v, want %q", ids(got), sent[0].ID)
	}
	got = collect(t, env.Bob.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{OrderBy: chat.OrderByCreated}))
	if want := reversed(sent); !equalIDs(ids(got), want) {
		t.Errorf("creation order after a reaction = %v, want %v", ids(got), want)
	}
}

func testEdit(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	sent := must(env.Alice.Service.SendMessage(c, ch.ID, chat.TextMessage("teh typo"), nil))(t).Message
	must(env.Alice.Service.EditMessage(c, ch.ID, sent.ID, chat.TextMessage("the typo, fixed"), nil))(t)
	got := must(env.Bob.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	if got.Body.Content != "the typo, fixed" || got.LastEditedAt.IsZero() {
		t.Errorf("after edit: body %q edited %v", got.Body.Content, got.LastEditedAt)
	}
	if got.LastModifiedAt.Before(sent.LastModifiedAt) {
		t.Errorf("LastModifiedAt went back: %v < %v", got.LastModifiedAt, sent.LastModifiedAt)
	}
	_, err := env.Bob.Service.EditMessage(c, ch.ID, sent.ID, chat.TextMessage("Bob was here"), nil)
	wantServiceErr(t, "Bob edits Alice's message", err, chat.IsForbidden, "403")
	_, err = env.Alice.Service.EditMessage(c, ch.ID, "1234567890123", chat.TextMessage("x"), nil)
	wantServiceErr(t, "edit of a missing message", err, chat.IsNotFound, "404")
}

func testSoftDelete(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	sent := must(env.Alice.Service.SendMessage(c, ch.ID, chat.TextMessage("oops"), nil))(t).Message
	_, err := env.Bob.Service.SoftDeleteMessage(c, ch.ID, sent.ID, nil)
	wantServiceErr(t, "Bob deletes Alice's message", err, chat.IsForbidden, "403")
	must(env.Alice.Service.SoftDeleteMessage(c, ch.ID, sent.ID, nil))(t)
	got := must(env.Bob.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	if !got.Deleted() || got.Body.Content == "oops" {
		t.Errorf("after soft delete: deleted %v body %q", got.Deleted(), got.Body.Content)
	}
	listed := collect(t, env.Bob.Service.ListMessages(c, ch.ID, nil))
	if len(listed) != 1 || !listed[0].Deleted() {
		t.Errorf("a soft-deleted message stays listed, marked deleted: %+v", listed)
	}
	must(env.Alice.Service.UndoSoftDeleteMessage(c, ch.ID, sent.ID, nil))(t)
	got = must(env.Bob.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	if got.Deleted() || got.Body.Content != "oops" {
		t.Errorf("after undo: deleted %v body %q", got.Deleted(), got.Body.Content)
	}
	_, err = env.Alice.Service.SoftDeleteMessage(c, ch.ID, "1234567890123", nil)
	wantServiceErr(t, "delete of a missing message", err, chat.IsNotFound, "404")
}

func testReactions(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	sent := must(env.Alice.Service.SendMessage(c, ch.ID, chat.TextMessage("lunch?"), nil))(t).Message
	must(env.Bob.Service.SetReaction(c, ch.ID, sent.ID, "👍", nil))(t)
	must(env.Bob.Service.SetReaction(c, ch.ID, sent.ID, "👍", nil))(t)
	must(env.Alice.Service.SetReaction(c, ch.ID, sent.ID, "like", nil))(t)
	got := must(env.Alice.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	var bob, alice int
	for _, r := range got.Reactions {
		switch {
		case r.UserID == env.Bob.ID && r.Type == "👍":
			bob++
		case r.UserID == env.Alice.ID && r.Type == "like":
			alice++
		}
	}
	if bob != 1 || alice != 1 || len(got.Reactions) != 2 {
		t.Errorf("reactions = %+v, want one 👍 of Bob and one like of Alice", got.Reactions)
	}
	must(env.Bob.Service.UnsetReaction(c, ch.ID, sent.ID, "👍", nil))(t)
	got = must(env.Alice.Service.GetMessage(c, ch.ID, sent.ID, nil))(t).Message
	if len(got.Reactions) != 1 || got.Reactions[0].UserID != env.Alice.ID {
		t.Errorf("after unset: reactions = %+v, want only Alice's", got.Reactions)
	}
	_, err := env.Carol.Service.SetReaction(c, ch.ID, sent.ID, "👍", nil)
	wantServiceErr(t, "Carol reacts in a chat she is not in", err, notVisible, "403 or 404")
}

func testMeeting(t *testing.T, env Env) {
	c := ctx(t)
	m := must(env.Alice.Service.GetOnlineMeetingByJoinURL(c, env.MeetingJoinURL, nil))(t).Meeting
	if m.ChatID != env.MeetingChatID || m.ID == "" || m.JoinURL == "" {
		t.Errorf("organizer's lookup = %+v, want chat %q", m, env.MeetingChatID)
	}
	if m.OrganizerID != "" && m.OrganizerID != env.Alice.ID {
		t.Errorf("organizer = %q, want Alice", m.OrganizerID)
	}
	_, err := env.Bob.Service.GetOnlineMeetingByJoinURL(c, env.MeetingJoinURL, nil)
	wantServiceErr(t, "attendee's organizer lookup", err, chat.IsNotFound, "404")

	for _, u := range []User{env.Alice, env.Bob} {
		ch := must(u.Service.FindMeetingChat(c, env.MeetingJoinURL, nil))(t).Chat
		if ch.ID != env.MeetingChatID || ch.Type != chat.ChatTypeMeeting {
			t.Errorf("%s finds %q (%q), want meeting chat %q", u.DisplayName, ch.ID, ch.Type, env.MeetingChatID)
		}
	}
	_, err = env.Carol.Service.FindMeetingChat(c, env.MeetingJoinURL, nil)
	wantServiceErr(t, "non-attendee finds the meeting chat", err, chat.IsNotFound, "404")

	sent := must(env.Bob.Service.SendMessage(c, env.MeetingChatID, chat.TextMessage("joining in 2"), nil))(t).Message
	got := collect(t, env.Alice.Service.ListMessages(c, env.MeetingChatID, nil))
	found := false
	for _, g := range got {
		found = found || g.ID == sent.ID
	}
	if !found {
		t.Errorf("Alice does not see Bob's message in the meeting chat")
	}
}

func testChannels(t *testing.T, env Env) {
	c := ctx(t)
	root := must(env.Alice.Service.SendChannelMessage(c, env.TeamID, env.ChannelID, chat.TextMessage("release at 5"), nil))(t).Message
	if root.TeamID != env.TeamID || root.ChannelID != env.ChannelID || root.ReplyToID != "" || root.ChatID != "" {
		t.Errorf("channel message ids: team %q channel %q reply-to %q chat %q", root.TeamID, root.ChannelID, root.ReplyToID, root.ChatID)
	}
	other := must(env.Bob.Service.SendChannelMessage(c, env.TeamID, env.ChannelID, chat.TextMessage("ok"), nil))(t).Message
	var replies []chat.Message
	for i := range 3 {
		r := must(env.Bob.Service.ReplyToChannelMessage(c, env.TeamID, env.ChannelID, root.ID, chat.TextMessage(fmt.Sprintf("reply %d", i)), nil))(t).Message
		if r.ReplyToID != root.ID {
			t.Errorf("reply's ReplyToID = %q, want %q", r.ReplyToID, root.ID)
		}
		replies = append(replies, r)
	}
	roots := collect(t, env.Bob.Service.ListChannelMessages(c, env.TeamID, env.ChannelID, &chat.ListChannelMessagesOptions{Top: 1}))
	if len(roots) != 2 {
		t.Errorf("channel messages = %v, want the 2 top-level messages", ids(roots))
	}
	seen := map[string]bool{}
	for _, r := range roots {
		seen[r.ID] = true
	}
	if !seen[root.ID] || !seen[other.ID] {
		t.Errorf("channel messages = %v, want %q and %q", ids(roots), root.ID, other.ID)
	}
	page := must(env.Alice.Service.ListChannelMessagesPage(c, env.TeamID, env.ChannelID, &chat.ListChannelMessagesOptions{Top: 1}))(t)
	if len(page.Messages) != 1 || page.NextLink == "" {
		t.Errorf("first page of channel messages: %d, next %q; want 1 and a link", len(page.Messages), page.NextLink)
	} else {
		next := must(env.Alice.Service.ListChannelMessagesPage(c, env.TeamID, env.ChannelID, &chat.ListChannelMessagesOptions{NextLink: page.NextLink}))(t)
		if len(next.Messages) != 1 || next.Messages[0].ID == page.Messages[0].ID || next.NextLink != "" {
			t.Errorf("second page of channel messages = %v, next %q; want the other message and no link", ids(next.Messages), next.NextLink)
		}
	}
	got := collect(t, env.Alice.Service.ListReplies(c, env.TeamID, env.ChannelID, root.ID, &chat.ListRepliesOptions{Top: 2}))
	if want := reversed(replies); !equalIDs(ids(got), want) {
		t.Errorf("replies = %v, want newest first %v", ids(got), want)
	}
	p := must(env.Alice.Service.ListRepliesPage(c, env.TeamID, env.ChannelID, root.ID, &chat.ListRepliesOptions{Top: 2}))(t)
	if len(p.Messages) != 2 || p.NextLink == "" {
		t.Errorf("first page of replies: %d, next %q", len(p.Messages), p.NextLink)
	}
	// $expand=replies puts each message's replies inline, newest first as
	// ListReplies lists them (channel-list-messages: up to 200 of them).
	for _, m := range collect(t, env.Alice.Service.ListChannelMessages(c, env.TeamID, env.ChannelID, &chat.ListChannelMessagesOptions{ExpandReplies: true})) {
		switch m.ID {
		case root.ID:
			if !equalIDs(ids(m.Replies), reversed(replies)) || m.RepliesNextLink != "" {
				t.Errorf("inline replies of %q = %v (next %q), want %v", m.ID, ids(m.Replies), m.RepliesNextLink, reversed(replies))
			}
			for _, r := range m.Replies {
				if r.ReplyToID != root.ID || r.TeamID != env.TeamID || r.ChannelID != env.ChannelID || r.Body.Content == "" {
					t.Errorf("inline reply %+v lacks its ids or body", r)
				}
			}
		case other.ID:
			if len(m.Replies) != 0 {
				t.Errorf("message %q has no replies, inline: %v", m.ID, ids(m.Replies))
			}
		}
	}
	if plain := collect(t, env.Alice.Service.ListChannelMessages(c, env.TeamID, env.ChannelID, nil)); len(plain) > 0 && plain[0].Replies != nil {
		t.Errorf("replies inline without ExpandReplies: %v", ids(plain[0].Replies))
	}
	_, err := env.Carol.Service.SendChannelMessage(c, env.TeamID, env.ChannelID, chat.TextMessage("hi"), nil)
	wantServiceErr(t, "Carol posts in a team she is not in", err, notVisible, "403 or 404")
	_, err = env.Bob.Service.ReplyToChannelMessage(c, env.TeamID, env.ChannelID, "1234567890123", chat.TextMessage("x"), nil)
	wantServiceErr(t, "reply to a missing message", err, chat.IsNotFound, "404")
}

// testUsers: GetUser reads the signed-in user (GET /me) and other users of
// the tenant by object id or principal name (GET /users/{id}), with
// user-get's default properties; an unknown user is not found.
func testUsers(t *testing.T, env Env) {
	c := ctx(t)
	me := must(env.Alice.Service.GetUser(c, "", nil))(t).User
	if me.ID != env.Alice.ID || (env.Alice.UPN != "" && !strings.EqualFold(me.UserPrincipalName, env.Alice.UPN)) ||
		(env.Alice.DisplayName != "" && me.DisplayName != env.Alice.DisplayName) {
		t.Errorf("GetUser(\"\") = %+v, want Alice", me)
	}
	for _, who := range []string{env.Bob.ID, env.Bob.UPN} {
		if who == "" {
			continue
		}
		bob := must(env.Alice.Service.GetUser(c, who, nil))(t).User
		if bob.ID != env.Bob.ID || bob.UserPrincipalName == "" {
			t.Errorf("GetUser(%q) = %+v, want Bob", who, bob)
		}
	}
	_, err := env.Alice.Service.GetUser(c, "00000000-0000-4000-8000-00000000dead", nil)
	wantServiceErr(t, "GetUser of an unknown user", err, chat.IsNotFound, "404")
	_, err = env.Alice.Service.GetUser(c, "not a user", nil)
	wantArgErr(t, "GetUser bad id", err)
}

// testScopes: each operation needs one of the delegated permissions its
// Learn page lists, and answers 403 without (the body of a real answer:
// code Forbidden, "Missing scope permissions on the request. API requires
// one of '…'. Scopes on the request '…'", telstrapurple/MSTeamsChatExporter#9).
func testScopes(t *testing.T, env Env) {
	c := ctx(t)
	forbidden := func(what string, err error, needs string) {
		t.Helper()
		wantServiceErr(t, what, err, chat.IsForbidden, "403")
		var ce *chat.Error
		if errors.As(err, &ce) && (ce.Code != "Forbidden" || !strings.Contains(ce.Message, needs)) {
			t.Errorf("%s: %s %q, want Forbidden naming %s", what, ce.Code, ce.Message, needs)
		}
	}
	// User.Read alone lists no chats (chat-list: Chat.ReadBasic, Chat.Read,
	// Chat.ReadWrite).
	onlyProfile := env.WithScopes(env.Alice, "User.Read")
	forbidden("ListChats with User.Read", firstErr(onlyProfile.ListChats(c, nil)), "Chat.ReadBasic")
	// Chat.ReadBasic reads chats and members, not messages (chat-list-messages:
	// Chat.Read, Chat.ReadWrite) and sends nothing (chat-post-messages:
	// ChatMessage.Send, Chat.ReadWrite).
	basic := env.WithScopes(env.Alice, "Chat.ReadBasic")
	if err := firstErr(basic.ListChats(c, nil)); err != nil {
		t.Errorf("ListChats with Chat.ReadBasic: %v", err)
	}
	must(basic.GetChat(c, env.MeetingChatID, nil))(t)
	must(basic.ListMembers(c, env.MeetingChatID, nil))(t)
	forbidden("ListMessages with Chat.ReadBasic", firstErr(basic.ListMessages(c, env.MeetingChatID, nil)), "Chat.Read")
	_, err := basic.SendMessage(c, env.MeetingChatID, chat.TextMessage("no"), nil)
	forbidden("SendMessage with Chat.ReadBasic", err, "ChatMessage.Send")
	// ChatMessage.Send sends, and reacts (chatmessage-setreaction), but
	// neither reads nor edits (chatmessage-update: Chat.ReadWrite).
	sender := env.WithScopes(env.Alice, "ChatMessage.Send")
	sent := must(sender.SendMessage(c, env.MeetingChatID, chat.TextMessage("send-only"), nil))(t).Message
	must(sender.SetReaction(c, env.MeetingChatID, sent.ID, "like", nil))(t)
	forbidden("ListChats with ChatMessage.Send", firstErr(sender.ListChats(c, nil)), "Chat.ReadBasic")
	_, err = sender.EditMessage(c, env.MeetingChatID, sent.ID, chat.TextMessage("edited"), nil)
	forbidden("EditMessage with ChatMessage.Send", err, "Chat.ReadWrite")
	// Chat.ReadWrite removes no member (chat-delete-members:
	// ChatMember.ReadWrite alone); the refusal changes nothing.
	group := must(env.Alice.Service.CreateGroupChat(c, "perms", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat
	var carol string
	for _, m := range group.Members {
		if m.UserID == env.Carol.ID {
			carol = m.ID
		}
	}
	_, err = env.WithScopes(env.Alice, "Chat.ReadWrite").RemoveMember(c, group.ID, carol, nil)
	forbidden("RemoveMember with Chat.ReadWrite", err, "ChatMember.ReadWrite")
	if ms := must(env.Alice.Service.ListMembers(c, group.ID, nil))(t).Members; len(ms) != 3 {
		t.Errorf("after a refused RemoveMember the chat has %d members, want 3", len(ms))
	}
	// OnlineMeetings.Read reads meetings and creates none
	// (application-post-onlinemeetings: OnlineMeetings.ReadWrite).
	meetings := env.WithScopes(env.Alice, "OnlineMeetings.Read")
	must(meetings.GetOnlineMeetingByJoinURL(c, env.MeetingJoinURL, nil))(t)
	_, err = meetings.CreateOnlineMeeting(c, nil)
	forbidden("CreateOnlineMeeting with OnlineMeetings.Read", err, "OnlineMeetings.ReadWrite")
	// User.Read reads the signed-in user only (user-get).
	profile := env.WithScopes(env.Alice, "User.Read")
	must(profile.GetUser(c, "", nil))(t)
	_, err = profile.GetUser(c, env.Bob.ID, nil)
	forbidden("another user's GetUser with User.Read", err, "User.ReadBasic.All")
	// Presence.Read reads one's own presence only (presence-get).
	presence := env.WithScopes(env.Alice, "Presence.Read")
	must(presence.GetPresence(c, "", nil))(t)
	_, err = presence.GetPresence(c, env.Bob.ID, nil)
	forbidden("another user's GetPresence with Presence.Read", err, "Presence.Read.All")
	// ChannelMessage.Read.All reads a channel and posts nothing
	// (channel-post-messages: ChannelMessage.Send).
	channel := env.WithScopes(env.Alice, "ChannelMessage.Read.All")
	if err := firstErr(channel.ListChannelMessages(c, env.TeamID, env.ChannelID, nil)); err != nil {
		t.Errorf("ListChannelMessages with ChannelMessage.Read.All: %v", err)
	}
	_, err = channel.SendChannelMessage(c, env.TeamID, env.ChannelID, chat.TextMessage("no"), nil)
	forbidden("SendChannelMessage with ChannelMessage.Read.All", err, "ChannelMessage.Send")
}

func testNotFound(t *testing.T, env Env) {
	c := ctx(t)
	_, err := env.Alice.Service.GetChat(c, "19:00000000000000000000000000000000@thread.v2", nil)
	wantServiceErr(t, "GetChat of a missing chat", err, notVisible, "404 (or 403)")
	_, err = env.Alice.Service.GetMessage(c, env.MeetingChatID, "1234567890123", nil)
	wantServiceErr(t, "GetMessage of a missing message", err, chat.IsNotFound, "404")
	var ce *chat.Error
	if errors.As(err, &ce) && (ce.Code == "" || ce.Message == "") {
		t.Errorf("404 error without code or message: %+v", ce)
	}
	_, err = env.Alice.Service.CreateOneOnOneChat(c, "00000000-0000-4000-8000-00000000dead", nil)
	wantServiceErr(t, "chat with a missing user", err, func(err error) bool { s := chat.StatusCode(err); return s == 400 || s == 404 }, "400 or 404")
}

func testConcurrentSends(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateGroupChat(c, "busy", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat
	const workers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		svc := []chat.Service{env.Alice.Service, env.Bob.Service, env.Carol.Service}[w%3]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := svc.SendMessage(c, ch.ID, chat.TextMessage(fmt.Sprintf("w%d-%d", w, i)), nil); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent send: %v", err)
	}
	got := collect(t, env.Alice.Service.ListMessages(c, ch.ID, &chat.ListMessagesOptions{Top: 7}))
	texts := map[string]int{}
	for _, m := range got {
		texts[m.Body.Content]++
	}
	if len(got) != workers*each || len(texts) != workers*each {
		t.Errorf("listed %d messages (%d distinct), want %d exactly once each", len(got), len(texts), workers*each)
	}
}

func testCanceled(t *testing.T, env Env) {
	c, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := env.Alice.Service.SendMessage(c, env.MeetingChatID, chat.TextMessage("too late"), nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("SendMessage with a canceled context: %v, want context.Canceled", err)
	}
	if err := firstErr(env.Alice.Service.ListChats(c, nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("ListChats with a canceled context: %v, want context.Canceled", err)
	}
	got := collect(t, env.Alice.Service.ListMessages(ctx(t), env.MeetingChatID, nil))
	for _, m := range got {
		if m.Body.Content == "too late" {
			t.Errorf("a message sent with a canceled context was stored")
		}
	}
}
