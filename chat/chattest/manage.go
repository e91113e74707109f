package chattest

import (
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// testChatManagement: a member renames a group chat (not a one-on-one
// chat); a user hides a chat for themselves until they unhide it or a
// message comes; members pin messages, list them (with the messages when
// asked) and unpin them.
func testChatManagement(t *testing.T, env Env) {
	c, alice, bob := ctx(t), env.Alice.Service, env.Bob.Service
	group := must(alice.CreateGroupChat(c, "Before", []string{env.Bob.ID, env.Carol.ID}, nil))(t).Chat

	// Rename.
	renamed := must(bob.RenameChat(c, group.ID, "Quarter close – Q3", nil))(t).Chat
	if renamed.ID != group.ID || renamed.Topic != "Quarter close – Q3" {
		t.Errorf("RenameChat answered %q %q, want %q renamed", renamed.ID, renamed.Topic, group.ID)
	}
	if got := must(alice.GetChat(c, group.ID, nil))(t).Chat; got.Topic != "Quarter close – Q3" || got.LastUpdatedAt.Before(group.LastUpdatedAt) {
		t.Errorf("after RenameChat Alice reads topic %q, last updated %v (was %v)", got.Topic, got.LastUpdatedAt, group.LastUpdatedAt)
	}
	one := must(alice.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
	_, err := alice.RenameChat(c, one.ID, "ours", nil)
	wantServiceErr(t, "RenameChat of a one-on-one chat", err, chat.IsBadRequest, "400")
	_, err = env.Dave.Service.RenameChat(c, group.ID, "mine", nil)
	wantServiceErr(t, "RenameChat by a non-member", err, notVisible, "404 or 403")
	for _, bad := range []string{"", "  ", "Q3: plans", strings.Repeat("x", chat.MaxTopicLength+1), "a\nb", "\xff"} {
		_, err = alice.RenameChat(c, group.ID, bad, nil)
		wantArgErr(t, "RenameChat to "+strconvQuote(bad), err)
	}
	must(alice.RenameChat(c, group.ID, strings.Repeat("é", chat.MaxTopicLength), nil))(t)

	// Hide and unhide.
	hidden := func(svc chat.Service) bool {
		t.Helper()
		v := listed(t, svc, group.ID).Viewpoint
		if v == nil {
			t.Fatalf("chat %q listed without viewpoint", group.ID)
		}
		return v.IsHidden
	}
	must(alice.HideChat(c, group.ID, nil))(t)
	if !hidden(alice) || hidden(bob) {
		t.Errorf("after Alice's HideChat: hidden for Alice %v (want true), for Bob %v (want false)", hidden(alice), hidden(bob))
	}
	must(alice.UnhideChat(c, group.ID, nil))(t)
	if hidden(alice) {
		t.Error("after UnhideChat the chat is still hidden")
	}
	must(alice.HideChat(c, group.ID, nil))(t)
	m1 := must(bob.SendMessage(c, group.ID, chat.TextMessage("first to pin"), nil))(t).Message
	if hidden(alice) {
		t.Error("a new message did not show the hidden chat again")
	}
	_, err = env.Dave.Service.HideChat(c, group.ID, nil)
	wantServiceErr(t, "HideChat by a non-member", err, notVisible, "404 or 403")

	// Pins.
	m2 := must(env.Carol.Service.SendMessage(c, group.ID, chat.TextMessage("second to pin"), nil))(t).Message
	p1 := must(alice.PinMessage(c, group.ID, m1.ID, nil))(t).PinnedMessage
	p2 := must(bob.PinMessage(c, group.ID, m2.ID, nil))(t).PinnedMessage
	if p1.ID == "" || p2.ID == "" || p1.ID == p2.ID {
		t.Fatalf("pins %q and %q, want two ids", p1.ID, p2.ID)
	}
	pins := must(bob.ListPinnedMessages(c, group.ID, nil))(t).PinnedMessages
	if len(pins) != 2 || pinOf(pins, p1.ID) == nil || pinOf(pins, p2.ID) == nil || pins[0].Message != nil {
		t.Errorf("ListPinnedMessages: %+v, want %q and %q without messages", pins, p1.ID, p2.ID)
	}
	pins = must(env.Carol.Service.ListPinnedMessages(c, group.ID, &chat.ListPinnedMessagesOptions{ExpandMessage: true}))(t).PinnedMessages
	for _, want := range []struct {
		pin string
		msg chat.Message
	}{{p1.ID, m1}, {p2.ID, m2}} {
		got := pinOf(pins, want.pin)
		if got == nil || got.Message == nil || got.Message.ID != want.msg.ID || got.Message.Body.Content != want.msg.Body.Content || got.Message.From.UserID != want.msg.From.UserID {
			t.Errorf("expanded pin %q = %+v, want message %q %q", want.pin, got, want.msg.ID, want.msg.Body.Content)
		}
	}
	must(alice.UnpinMessage(c, group.ID, p1.ID, nil))(t)
	if pins := must(alice.ListPinnedMessages(c, group.ID, nil))(t).PinnedMessages; len(pins) != 1 || pins[0].ID != p2.ID {
		t.Errorf("after UnpinMessage: %+v, want only %q", pins, p2.ID)
	}
	_, err = alice.UnpinMessage(c, group.ID, p1.ID, nil)
	wantServiceErr(t, "UnpinMessage of a message not pinned", err, chat.IsNotFound, "404")
	_, err = alice.PinMessage(c, group.ID, "1234567890123", nil)
	wantServiceErr(t, "PinMessage of a missing message", err, chat.IsNotFound, "404")
	_, err = env.Dave.Service.PinMessage(c, group.ID, m1.ID, nil)
	wantServiceErr(t, "PinMessage by a non-member", err, notVisible, "404 or 403")
	_, err = env.Dave.Service.ListPinnedMessages(c, group.ID, nil)
	wantServiceErr(t, "ListPinnedMessages by a non-member", err, notVisible, "404 or 403")
	_, err = alice.PinMessage(c, group.ID, "", nil)
	wantArgErr(t, "PinMessage without a message", err)
	_, err = alice.UnpinMessage(c, group.ID, "", nil)
	wantArgErr(t, "UnpinMessage without a pin", err)
	_, err = alice.ListPinnedMessages(c, "", nil)
	wantArgErr(t, "ListPinnedMessages without a chat", err)
	_, err = alice.HideChat(c, "", nil)
	wantArgErr(t, "HideChat without a chat", err)
	_, err = alice.UnhideChat(c, "nope", nil)
	wantArgErr(t, "UnhideChat of a bad chat id", err)
}

func pinOf(ps []chat.PinnedMessage, id string) *chat.PinnedMessage {
	for i := range ps {
		if ps[i].ID == id {
			return &ps[i]
		}
	}
	return nil
}

func strconvQuote(s string) string { return "\"" + strings.ToValidUTF8(s, "?") + "\"" }
