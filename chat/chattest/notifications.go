package chattest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// Subscriber returns an Env.Subscribe that subscribes with the real client
// of each user (client(u)) — to a chat.NotificationHandler it serves on a
// loopback server of the test, with a client state of its own — and
// deletes the subscription when the test ends. Graph itself cannot reach
// a loopback server: this is for services that deliver on the machine,
// such as chat/fake's.
func Subscriber(client func(u User) *chat.Client) func(t *testing.T, u User, resource string) (<-chan chat.Notification, error) {
	return func(t *testing.T, u User, resource string) (<-chan chat.Notification, error) {
		t.Helper()
		const state = "chattest-subscriber-state"
		h, err := chat.NewNotificationHandler(chat.OneClientState(state), nil)
		if err != nil {
			return nil, err
		}
		srv := httptest.NewServer(h)
		t.Cleanup(func() {
			srv.Close()
			_ = h.Close()
		})
		c := client(u)
		sub, err := c.CreateSubscription(ctx(t), resource, srv.URL, state, nil)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _ = c.DeleteSubscription(cctx, sub.Subscription.ID, nil)
		})
		return h.Notifications(), nil
	}
}

// next returns the next notification of ns; it fails the test when none
// comes within a minute (a delivery that never comes; the notifications
// expected are sent at once).
func next(t *testing.T, what string, ns <-chan chat.Notification) chat.Notification {
	t.Helper()
	select {
	case n, ok := <-ns:
		if !ok {
			t.Fatalf("%s: the notification handler closed", what)
		}
		return n
	case <-time.After(time.Minute):
		t.Fatalf("%s: no notification came", what)
	}
	return chat.Notification{}
}

// testChatNotifications: a subscription to a chat itself
// (chat.ChatResource) hears it renamed (updated, chat.ResourceChat), one to
// its members (chat.ChatMembersResource) hears a member added (created) and
// removed (deleted) as chat.ResourceChatMember notifications with the
// membership's id (teams-changenotifications-chat,
// teams-changenotifications-chatmembership); the tenant-wide /chats and
// /chats/getAllMembers are refused to a signed-in user, and a chat the
// user is not in cannot be watched.
func testChatNotifications(t *testing.T, env Env) {
	c, alice, bob := ctx(t), env.Alice.Service, env.Bob.Service
	group := must(alice.CreateGroupChat(c, "Before", []string{env.Bob.ID}, nil))(t).Chat
	chats, err := env.Subscribe(t, env.Alice, chat.ChatResource(group.ID))
	if err != nil {
		t.Fatalf("subscribing to the chat: %v", err)
	}
	members, err := env.Subscribe(t, env.Bob, chat.ChatMembersResource(group.ID))
	if err != nil {
		t.Fatalf("subscribing to the chat's members: %v", err)
	}

	must(bob.RenameChat(c, group.ID, "After", nil))(t)
	n := next(t, "the chat renamed", chats)
	if n.Kind != chat.NotificationUpdated || n.Type != chat.ResourceChat || n.ChatID != group.ID || n.MessageID != "" {
		t.Errorf("after RenameChat: %+v, want an update of chat %q", n, group.ID)
	}
	if got := must(alice.GetChat(c, n.ChatID, nil))(t).Chat; got.Topic != "After" {
		t.Errorf("the notified chat reads topic %q, want \"After\"", got.Topic)
	}

	added := must(alice.AddMember(c, group.ID, env.Carol.ID, nil))(t).Member
	n = next(t, "a member added", members)
	if n.Kind != chat.NotificationCreated || n.Type != chat.ResourceChatMember || n.ChatID != group.ID || n.MembershipID != added.ID {
		t.Errorf("after AddMember: %+v, want membership %q created in %q", n, added.ID, group.ID)
	}
	must(alice.RemoveMember(c, group.ID, added.ID, nil))(t)
	n = next(t, "a member removed", members)
	if n.Kind != chat.NotificationDeleted || n.Type != chat.ResourceChatMember || n.MembershipID != added.ID {
		t.Errorf("after RemoveMember: %+v, want membership %q deleted", n, added.ID)
	}

	for _, res := range []string{"/chats", "/chats/getAllMembers"} {
		_, err := env.Subscribe(t, env.Alice, res)
		wantArgErr(t, "subscribing to "+res, err)
	}
	_, err = env.Subscribe(t, env.Dave, chat.ChatResource(group.ID))
	wantServiceErr(t, "Dave subscribes to a chat he is not in", err, notVisible, "403 or 404")
}
