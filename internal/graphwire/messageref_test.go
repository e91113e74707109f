package graphwire

import (
	"strings"
	"testing"
)

// TestMessageRef: the paths of chatmessage-update, -softdelete and
// -setreaction for a chat's message, a channel's and a reply, and the
// argument each bad id is reported under.
func TestMessageRef(t *testing.T) {
	const team, channel = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "19:abc@thread.tacv2"
	chatRef := ChatMessageRef("19:x@thread.v2", "1")
	rootRef := ChannelMessageRef(team, channel, "2", "")
	replyRef := ChannelMessageRef(team, channel, "3", "2")
	for _, c := range []struct{ got, want string }{
		{strings.Join(chatRef.Segments("setReaction"), "/"), "chats/19:x@thread.v2/messages/1/setReaction"},
		{strings.Join(chatRef.SoftDeleteSegments("me", "softDelete"), "/"), "users/me/chats/19:x@thread.v2/messages/1/softDelete"},
		{strings.Join(rootRef.Segments(), "/"), "teams/" + team + "/channels/" + channel + "/messages/2"},
		{strings.Join(rootRef.SoftDeleteSegments("me", "undoSoftDelete"), "/"), "teams/" + team + "/channels/" + channel + "/messages/2/undoSoftDelete"},
		{strings.Join(replyRef.Segments("unsetReaction"), "/"), "teams/" + team + "/channels/" + channel + "/messages/2/replies/3/unsetReaction"},
	} {
		if c.got != c.want {
			t.Errorf("path %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		ref  MessageRef
		want string
	}{
		{chatRef, ""}, {rootRef, ""}, {replyRef, ""},
		{ChatMessageRef("", "1"), "chatID"},
		{ChatMessageRef("19:x@thread.v2", "a/b"), "messageID"},
		{ChannelMessageRef("", channel, "1", ""), "teamID"},
		{ChannelMessageRef(team, "", "1", ""), "channelID"},
		{ChannelMessageRef(team, channel, "1", "a/b"), "opts.ReplyToID"},
		{ChannelMessageRef(team, channel, "", "2"), "messageID"},
	} {
		if arg, _ := c.ref.Check(); arg != c.want {
			t.Errorf("Check(%+v) names %q, want %q", c.ref, arg, c.want)
		}
	}
}
