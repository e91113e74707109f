package chattest

import (
	"errors"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// channelMessage reads a top-level channel message (replyTo "") or a
// reply as a member lists it.
func channelMessage(t *testing.T, env Env, u User, replyTo, id string) chat.Message {
	t.Helper()
	c := ctx(t)
	var all []chat.Message
	if replyTo == "" {
		all = collect(t, u.Service.ListChannelMessages(c, env.TeamID, env.ChannelID, nil))
	} else {
		all = collect(t, u.Service.ListReplies(c, env.TeamID, env.ChannelID, replyTo, nil))
	}
	for _, m := range all {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("%s does not list channel message %q (reply to %q)", u.DisplayName, id, replyTo)
	return chat.Message{}
}

func reactionsOf(m chat.Message, userID, typ string) int {
	n := 0
	for _, r := range m.Reactions {
		if r.UserID == userID && r.Type == typ {
			n++
		}
	}
	return n
}

// testChannelMessageChanges: channel messages and their replies are
// edited, soft-deleted and restored by their sender and reacted to by the
// team's members, as chat messages are ("in a channel or a chat":
// chatmessage-update, chatmessage-softdelete, chatmessage-undosoftdelete,
// chatmessage-setreaction, chatmessage-unsetreaction); a reply is named by
// its id and its top-level message's (opts.ReplyToID).
func testChannelMessageChanges(t *testing.T, env Env) {
	c, alice, bob := ctx(t), env.Alice.Service, env.Bob.Service
	team, channel := env.TeamID, env.ChannelID
	root := must(alice.SendChannelMessage(c, team, channel, chat.TextMessage("release at 5"), nil))(t).Message
	other := must(bob.SendChannelMessage(c, team, channel, chat.TextMessage("another thread"), nil))(t).Message
	reply := must(bob.ReplyToChannelMessage(c, team, channel, root.ID, chat.TextMessage("ok, at 5"), nil))(t).Message
	inThread := root.ID // the top-level message of the reply

	// Edit.
	must(alice.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage("release at 6"), nil))(t)
	got := channelMessage(t, env, env.Bob, "", root.ID)
	if got.Body.Content != "release at 6" || got.LastEditedAt.IsZero() || got.LastModifiedAt.Before(root.LastModifiedAt) {
		t.Errorf("after EditChannelMessage Bob reads body %q, edited %v, modified %v (was %v)", got.Body.Content, got.LastEditedAt, got.LastModifiedAt, root.LastModifiedAt)
	}
	must(bob.EditChannelMessage(c, team, channel, reply.ID, chat.HTMLMessage("<p>ok, at <b>6</b></p>"), &chat.EditChannelMessageOptions{ReplyToID: inThread}))(t)
	if got := channelMessage(t, env, env.Alice, root.ID, reply.ID); got.Body.ContentType != chat.ContentHTML || !strings.Contains(got.Body.Content, "<b>6</b>") || got.LastEditedAt.IsZero() {
		t.Errorf("after editing the reply Alice reads %+v, edited %v", got.Body, got.LastEditedAt)
	}
	_, err := bob.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage("Bob was here"), nil)
	wantServiceErr(t, "Bob edits Alice's channel message", err, chat.IsForbidden, "403")
	_, err = alice.EditChannelMessage(c, team, channel, reply.ID, chat.TextMessage("Alice was here"), &chat.EditChannelMessageOptions{ReplyToID: inThread})
	wantServiceErr(t, "Alice edits Bob's reply", err, chat.IsForbidden, "403")
	_, err = bob.EditChannelMessage(c, team, channel, reply.ID, chat.TextMessage("x"), &chat.EditChannelMessageOptions{ReplyToID: other.ID})
	wantServiceErr(t, "edit of a reply under another thread", err, chat.IsNotFound, "404")
	_, err = bob.EditChannelMessage(c, team, channel, reply.ID, chat.TextMessage("x"), nil)
	wantServiceErr(t, "edit of a reply named as a top-level message", err, chat.IsNotFound, "404")
	_, err = env.Carol.Service.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage("x"), nil)
	wantServiceErr(t, "Carol edits in a team she is not in", err, notVisible, "403 or 404")

	// Soft delete and undo.
	_, err = bob.SoftDeleteChannelMessage(c, team, channel, root.ID, nil)
	wantServiceErr(t, "Bob deletes Alice's channel message", err, chat.IsForbidden, "403")
	must(alice.SoftDeleteChannelMessage(c, team, channel, root.ID, nil))(t)
	if got := channelMessage(t, env, env.Bob, "", root.ID); !got.Deleted() || got.Body.Content != "" {
		t.Errorf("after SoftDeleteChannelMessage: deleted %v, body %q", got.Deleted(), got.Body.Content)
	}
	must(alice.UndoSoftDeleteChannelMessage(c, team, channel, root.ID, nil))(t)
	if got := channelMessage(t, env, env.Bob, "", root.ID); got.Deleted() || got.Body.Content != "release at 6" {
		t.Errorf("after UndoSoftDeleteChannelMessage: deleted %v, body %q", got.Deleted(), got.Body.Content)
	}
	replyOpts := &chat.SoftDeleteChannelMessageOptions{ReplyToID: inThread}
	must(bob.SoftDeleteChannelMessage(c, team, channel, reply.ID, replyOpts))(t)
	if got := channelMessage(t, env, env.Alice, root.ID, reply.ID); !got.Deleted() || got.Body.Content != "" {
		t.Errorf("after deleting the reply: deleted %v, body %q", got.Deleted(), got.Body.Content)
	}
	if got := channelMessage(t, env, env.Alice, "", root.ID); got.Deleted() {
		t.Error("deleting a reply deleted its top-level message")
	}
	must(bob.UndoSoftDeleteChannelMessage(c, team, channel, reply.ID, &chat.UndoSoftDeleteChannelMessageOptions{ReplyToID: inThread}))(t)
	if got := channelMessage(t, env, env.Alice, root.ID, reply.ID); got.Deleted() || !strings.Contains(got.Body.Content, "<b>6</b>") {
		t.Errorf("after restoring the reply: deleted %v, body %q", got.Deleted(), got.Body.Content)
	}
	_, err = alice.SoftDeleteChannelMessage(c, team, channel, "1234567890123", nil)
	wantServiceErr(t, "delete of a missing channel message", err, chat.IsNotFound, "404")

	// Reactions.
	must(bob.SetChannelMessageReaction(c, team, channel, root.ID, "👍", nil))(t)
	must(bob.SetChannelMessageReaction(c, team, channel, root.ID, "👍", nil))(t)
	must(alice.SetChannelMessageReaction(c, team, channel, reply.ID, "like", &chat.SetChannelMessageReactionOptions{ReplyToID: inThread}))(t)
	got = channelMessage(t, env, env.Alice, "", root.ID)
	if reactionsOf(got, env.Bob.ID, "👍") != 1 || len(got.Reactions) != 1 {
		t.Errorf("reactions of the top-level message = %+v, want one 👍 of Bob", got.Reactions)
	}
	if r := channelMessage(t, env, env.Bob, root.ID, reply.ID); reactionsOf(r, env.Alice.ID, "like") != 1 || len(r.Reactions) != 1 {
		t.Errorf("reactions of the reply = %+v, want one like of Alice", r.Reactions)
	}
	must(bob.UnsetChannelMessageReaction(c, team, channel, root.ID, "👍", nil))(t)
	must(alice.UnsetChannelMessageReaction(c, team, channel, reply.ID, "like", &chat.UnsetChannelMessageReactionOptions{ReplyToID: inThread}))(t)
	if got := channelMessage(t, env, env.Alice, "", root.ID); len(got.Reactions) != 0 {
		t.Errorf("after UnsetChannelMessageReaction: %+v", got.Reactions)
	}
	if r := channelMessage(t, env, env.Bob, root.ID, reply.ID); len(r.Reactions) != 0 {
		t.Errorf("after unsetting the reply's reaction: %+v", r.Reactions)
	}
	_, err = env.Carol.Service.SetChannelMessageReaction(c, team, channel, root.ID, "👍", nil)
	wantServiceErr(t, "Carol reacts in a team she is not in", err, notVisible, "403 or 404")

	// Bad input, refused before anything is sent.
	_, err = alice.EditChannelMessage(c, "not-a-guid", channel, root.ID, chat.TextMessage("x"), nil)
	wantArgErr(t, "EditChannelMessage bad team", err)
	_, err = alice.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage(" "), nil)
	wantArgErr(t, "EditChannelMessage blank body", err)
	_, err = alice.SoftDeleteChannelMessage(c, team, "", root.ID, nil)
	wantArgErr(t, "SoftDeleteChannelMessage empty channel", err)
	_, err = alice.UndoSoftDeleteChannelMessage(c, team, channel, "a/b", nil)
	wantArgErr(t, "UndoSoftDeleteChannelMessage bad id", err)
	_, err = alice.SetChannelMessageReaction(c, team, channel, reply.ID, "👍", &chat.SetChannelMessageReactionOptions{ReplyToID: "a/b"})
	wantArgErr(t, "SetChannelMessageReaction bad ReplyToID", err)
	var ae *chat.ArgumentError
	if errors.As(err, &ae) && ae.Arg != "opts.ReplyToID" {
		t.Errorf("SetChannelMessageReaction bad ReplyToID: argument %q, want opts.ReplyToID", ae.Arg)
	}
	_, err = alice.UnsetChannelMessageReaction(c, team, channel, root.ID, "", nil)
	wantArgErr(t, "UnsetChannelMessageReaction empty reaction", err)
}

// testChannelMessagePermissions: in a channel, editing needs
// ChannelMessage.ReadWrite (chatmessage-update, "Permissions for channel":
// ChannelMessage.ReadWrite, Group.ReadWrite.All), soft deleting and
// restoring ChannelMessage.ReadWrite (chatmessage-softdelete,
// -undosoftdelete), reacting ChannelMessage.Send (chatmessage-setreaction,
// -unsetreaction); the chat permissions do not do.
func testChannelMessagePermissions(t *testing.T, env Env) {
	c := ctx(t)
	team, channel := env.TeamID, env.ChannelID
	forbidden := func(what string, err error, needs string) {
		t.Helper()
		wantServiceErr(t, what, err, chat.IsForbidden, "403")
		var ce *chat.Error
		if errors.As(err, &ce) && !strings.Contains(ce.Message, needs) {
			t.Errorf("%s: %q, want it to name %s", what, ce.Message, needs)
		}
	}
	sender := env.WithScopes(env.Alice, "ChannelMessage.Send")
	root := must(sender.SendChannelMessage(c, team, channel, chat.TextMessage("mine"), nil))(t).Message
	must(sender.SetChannelMessageReaction(c, team, channel, root.ID, "like", nil))(t)
	must(sender.UnsetChannelMessageReaction(c, team, channel, root.ID, "like", nil))(t)
	_, err := sender.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage("edited"), nil)
	forbidden("EditChannelMessage with ChannelMessage.Send", err, "ChannelMessage.ReadWrite")
	_, err = sender.SoftDeleteChannelMessage(c, team, channel, root.ID, nil)
	forbidden("SoftDeleteChannelMessage with ChannelMessage.Send", err, "ChannelMessage.ReadWrite")

	chatWriter := env.WithScopes(env.Alice, "Chat.ReadWrite")
	_, err = chatWriter.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage("edited"), nil)
	forbidden("EditChannelMessage with Chat.ReadWrite", err, "ChannelMessage.ReadWrite")
	_, err = chatWriter.SetChannelMessageReaction(c, team, channel, root.ID, "like", nil)
	forbidden("SetChannelMessageReaction with Chat.ReadWrite", err, "ChannelMessage.Send")

	writer := env.WithScopes(env.Alice, "ChannelMessage.ReadWrite")
	must(writer.EditChannelMessage(c, team, channel, root.ID, chat.TextMessage("edited"), nil))(t)
	must(writer.SoftDeleteChannelMessage(c, team, channel, root.ID, nil))(t)
	must(writer.UndoSoftDeleteChannelMessage(c, team, channel, root.ID, nil))(t)
	_, err = writer.UnsetChannelMessageReaction(c, team, channel, root.ID, "like", nil)
	forbidden("UnsetChannelMessageReaction with ChannelMessage.ReadWrite", err, "ChannelMessage.Send")
}
