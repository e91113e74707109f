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
	if upper := strings.ToUpper(env.Bob.ID); b.HasUnread(upper) || unread(t, bob, b, upper, 0).Count != 0 {
		t.Errorf("Bob's own messages are unread for him when his id is written in upper case")
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

	// chat-patch, chat-hideforuser, chat-unhideforuser,
	// chat-delete-pinnedmessages: Chat.ReadWrite alone;
	// chat-list-pinnedmessages: Chat.Read or Chat.ReadWrite;
	// chat-post-pinnedmessages: ChatMessage.Send or Chat.ReadWrite.
	_, err = reader.RenameChat(c, ch.ID, "renamed", nil)
	forbidden("RenameChat with Chat.Read", err, "Chat.ReadWrite")
	_, err = reader.HideChat(c, ch.ID, nil)
	forbidden("HideChat with Chat.Read", err, "Chat.ReadWrite")
	_, err = reader.UnhideChat(c, ch.ID, nil)
	forbidden("UnhideChat with Chat.Read", err, "Chat.ReadWrite")
	msg := must(env.Bob.Service.SendMessage(c, ch.ID, chat.TextMessage("pin me"), nil))(t).Message
	_, err = reader.PinMessage(c, ch.ID, msg.ID, nil)
	forbidden("PinMessage with Chat.Read", err, "ChatMessage.Send")
	sender := env.WithScopes(env.Alice, "ChatMessage.Send")
	pinned := must(sender.PinMessage(c, ch.ID, msg.ID, nil))(t).PinnedMessage
	_, err = sender.ListPinnedMessages(c, ch.ID, nil)
	forbidden("ListPinnedMessages with ChatMessage.Send", err, "Chat.Read")
	_, err = sender.UnpinMessage(c, ch.ID, pinned.ID, nil)
	forbidden("UnpinMessage with ChatMessage.Send", err, "Chat.ReadWrite")
	must(reader.ListPinnedMessages(c, ch.ID, nil))(t)
	must(writer.RenameChat(c, ch.ID, "renamed", nil))(t)
	must(writer.HideChat(c, ch.ID, nil))(t)
	must(writer.UnhideChat(c, ch.ID, nil))(t)
	must(writer.UnpinMessage(c, ch.ID, pinned.ID, nil))(t)
}

// testTeamsChatList: the chat list as Teams shows it (chat.TeamsChatList):
// by last message, newest first, across pages, each chat with its members
// (which title a chat without topic), its last message and the user's
// viewpoint.
func testTeamsChatList(t *testing.T, env Env) {
	c, alice := ctx(t), env.Alice.Service
	one := must(alice.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	untitled := must(alice.CreateGroupChat(c, "", []string{env.Carol.ID, env.Dave.ID}, nil))(t).Chat
	titled := must(alice.CreateGroupChat(c, "Quarter close", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat
	env.Advance(time.Second)
	must(env.Carol.Service.SendMessage(c, untitled.ID, chat.TextMessage("oldest"), nil))(t)
	env.Advance(time.Second)
	must(alice.SendMessage(c, titled.ID, chat.TextMessage("middle"), nil))(t)
	env.Advance(time.Second)
	newest := must(env.Bob.Service.SendMessage(c, one.ID, chat.TextMessage("newest"), nil))(t).Message
	env.Advance(time.Second)

	opts := chat.TeamsChatList()
	if !opts.ExpandMembers || !opts.ExpandLastMessagePreview || !opts.OrderByLastMessage || opts.Top != chat.MaxPageSize {
		t.Errorf("TeamsChatList() = %+v", *opts)
	}
	opts.Top = 2 // several pages
	got := collect(t, alice.ListChats(c, opts))
	if len(got) < 3 || got[0].ID != one.ID || got[1].ID != titled.ID || got[2].ID != untitled.ID {
		t.Fatalf("Teams' chat list: %v, want %q, %q, %q first", chatIDs(got), one.ID, titled.ID, untitled.ID)
	}
	seen := map[string]bool{}
	for _, ch := range got {
		if seen[ch.ID] {
			t.Errorf("chat %q listed twice across pages", ch.ID)
		}
		seen[ch.ID] = true
		if ch.Members == nil || ch.Viewpoint == nil {
			t.Errorf("chat %q listed without members (%v) or viewpoint (%v)", ch.ID, ch.Members != nil, ch.Viewpoint != nil)
		}
	}
	if p := got[0].LastMessagePreview; p == nil || p.ID != newest.ID || p.Body.Content != "newest" {
		t.Errorf("first chat's preview %+v, want Bob's newest message", p)
	}
	if !got[0].HasUnread(env.Alice.ID) || got[1].HasUnread(env.Alice.ID) || !got[2].HasUnread(env.Alice.ID) {
		t.Errorf("unread: %v %v %v, want Bob's and Carol's chats unread, Alice's own message read",
			got[0].HasUnread(env.Alice.ID), got[1].HasUnread(env.Alice.ID), got[2].HasUnread(env.Alice.ID))
	}
	if env.Bob.DisplayName != "" {
		want := map[string]string{one.ID: env.Bob.DisplayName, titled.ID: "Quarter close", untitled.ID: env.Carol.DisplayName + ", " + env.Dave.DisplayName}
		for _, ch := range got[:3] {
			if ti := ch.Title(env.Alice.ID); ti != want[ch.ID] {
				t.Errorf("title of %q = %q, want %q", ch.ID, ti, want[ch.ID])
			}
		}
	}
}
