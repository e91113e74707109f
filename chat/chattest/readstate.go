package chattest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// listed finds a chat in svc's listing with the last message's preview,
// as the Teams client lists chats.
func listed(t *testing.T, svc chat.Service, chatID string) chat.Chat {
	t.Helper()
	for ch, err := range svc.ListChats(ctx(t), &chat.ListChatsOptions{ExpandLastMessagePreview: true, Top: chat.MaxPageSize}) {
		if err != nil {
			t.Fatalf("ListChats: %v", err)
		}
		if ch.ID == chatID {
			return ch
		}
	}
	t.Fatalf("chat %q is not listed", chatID)
	return chat.Chat{}
}

func unread(t *testing.T, svc chat.Service, ch chat.Chat, userID string, max int) chat.CountUnreadResponse {
	t.Helper()
	return must(chat.CountUnread(ctx(t), svc, ch, &chat.CountUnreadOptions{UserID: userID, Max: max}))(t)
}

// testReadState: each member has their own read state of a chat, the
// viewpoint the listing returns; messages created after its
// LastMessageReadAt are unread (CountUnread, HasUnread), MarkChatRead
// reads them all, MarkChatUnread marks the last one, or those after a
// time, unread again; a user who is not a member marks nothing.
func testReadState(t *testing.T, env Env) {
	c, alice, bob := ctx(t), env.Alice.Service, env.Bob.Service
	ch := must(alice.CreateGroupChat(c, "read state", []string{env.Bob.ID}, nil))(t).Chat
	env.Advance(time.Second)
	var sent []chat.Message
	for i := range 3 {
		sent = append(sent, must(bob.SendMessage(c, ch.ID, chat.TextMessage(fmt.Sprintf("unread %d", i)), nil))(t).Message)
		env.Advance(time.Second)
	}

	a := listed(t, alice, ch.ID)
	if a.Viewpoint == nil {
		t.Fatalf("chat %q listed without a viewpoint", ch.ID)
	}
	if a.Viewpoint.IsHidden || !a.Viewpoint.LastMessageReadAt.Before(sent[0].CreatedAt) {
		t.Errorf("Alice's viewpoint %+v, want not hidden and read before %v", *a.Viewpoint, sent[0].CreatedAt)
	}
	if !a.HasUnread(env.Alice.ID) {
		t.Errorf("Alice's chat has no unread last message: viewpoint %+v, preview %+v", *a.Viewpoint, a.LastMessagePreview)
	}
	if n := unread(t, alice, a, env.Alice.ID, 0); n != (chat.CountUnreadResponse{Count: 3}) {
		t.Errorf("Alice's unread count %+v, want 3", n)
	}
	if n := unread(t, alice, a, env.Alice.ID, 2); n != (chat.CountUnreadResponse{Count: 2, More: true}) {
		t.Errorf("Alice's unread count up to 2: %+v, want 2 and more", n)
	}
	b := listed(t, bob, ch.ID)
	if b.Viewpoint == nil || b.HasUnread(env.Bob.ID) || unread(t, bob, b, env.Bob.ID, 0).Count != 0 {
		t.Errorf("Bob's own messages are unread for him: viewpoint %+v", b.Viewpoint)
	}

	must(alice.MarkChatRead(c, ch.ID, nil))(t)
	a = listed(t, alice, ch.ID)
	if a.Viewpoint == nil || a.Viewpoint.LastMessageReadAt.Before(sent[2].CreatedAt) || a.HasUnread(env.Alice.ID) {
		t.Errorf("after MarkChatRead Alice's viewpoint is %+v, want read up to %v", a.Viewpoint, sent[2].CreatedAt)
	}
	if n := unread(t, alice, a, env.Alice.ID, 0); n.Count != 0 {
		t.Errorf("after MarkChatRead %d unread, want none", n.Count)
	}

	must(alice.MarkChatUnread(c, ch.ID, nil))(t)
	a = listed(t, alice, ch.ID)
	if n := unread(t, alice, a, env.Alice.ID, 0); n.Count != 1 || !a.HasUnread(env.Alice.ID) {
		t.Errorf("after MarkChatUnread %d unread (last unread: %v), want the last message", n.Count, a.HasUnread(env.Alice.ID))
	}
	must(alice.MarkChatUnread(c, ch.ID, &chat.MarkChatUnreadOptions{LastReadAt: sent[0].CreatedAt}))(t)
	a = listed(t, alice, ch.ID)
	if n := unread(t, alice, a, env.Alice.ID, 0); n.Count != 2 {
		t.Errorf("after MarkChatUnread from the first message: %d unread, want 2", n.Count)
	}
	if b2 := listed(t, bob, ch.ID); b2.Viewpoint == nil || !b2.Viewpoint.LastMessageReadAt.Equal(b.Viewpoint.LastMessageReadAt) {
		t.Errorf("Alice's marks moved Bob's read state: %+v, was %+v", b2.Viewpoint, b.Viewpoint)
	}

	_, err := env.Carol.Service.MarkChatRead(c, ch.ID, nil)
	wantServiceErr(t, "MarkChatRead of a chat Carol is not in", err, notVisible, "404 or 403")
	_, err = alice.MarkChatRead(c, "", nil)
	wantArgErr(t, "MarkChatRead without a chat", err)
	_, err = alice.MarkChatUnread(c, "not a chat", nil)
	wantArgErr(t, "MarkChatUnread of a bad chat id", err)
	_, err = alice.MarkChatUnread(c, ch.ID, &chat.MarkChatUnreadOptions{LastReadAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	wantArgErr(t, "MarkChatUnread in the year 10000", err)
	_, err = chat.CountUnread(c, alice, chat.Chat{ID: ch.ID}, nil)
	wantArgErr(t, "CountUnread of a chat without viewpoint", err)
}

// testManagementPermissions: the delegated permissions of the chat
// management operations, as their Learn pages list them.
func testManagementPermissions(t *testing.T, env Env) {
	c := ctx(t)
	ch := must(env.Alice.Service.CreateGroupChat(c, "managed", []string{env.Bob.ID}, nil))(t).Chat
	forbidden := func(what string, err error, needs string) {
		t.Helper()
		wantServiceErr(t, what, err, chat.IsForbidden, "403")
		var ce *chat.Error
		if errors.As(err, &ce) && !strings.Contains(ce.Message, needs) {
			t.Errorf("%s: %q does not name %s", what, ce.Message, needs)
		}
	}
	// chat-markchatreadforuser, chat-markchatunreadforuser: Chat.ReadWrite
	// alone; Chat.Read reads, and marks nothing.
	reader := env.WithScopes(env.Alice, "Chat.Read", "User.Read")
	_, err := reader.MarkChatRead(c, ch.ID, nil)
	forbidden("MarkChatRead with Chat.Read", err, "Chat.ReadWrite")
	_, err = reader.MarkChatUnread(c, ch.ID, nil)
	forbidden("MarkChatUnread with Chat.Read", err, "Chat.ReadWrite")
	writer := env.WithScopes(env.Alice, "Chat.ReadWrite", "User.Read")
	must(writer.MarkChatRead(c, ch.ID, nil))(t)
	must(writer.MarkChatUnread(c, ch.ID, nil))(t)
}
