package graphwire

// MessageRef names a message on Graph's paths: a chat's (ChatID), or a
// channel's top-level message or, with ReplyTo, a reply to the top-level
// message ReplyTo. The operations on a message — edit, soft delete and
// undo, reactions — are the same requests on either, "in a channel or a
// chat" as their Learn pages put it (chatmessage-update,
// chatmessage-softdelete, chatmessage-undosoftdelete,
// chatmessage-setreaction, chatmessage-unsetreaction); only the path
// differs. The client and the fake's Go face build the path here, so that
// they name the same one.
type MessageRef struct {
	// Channel tells a channel's message from a chat's.
	Channel           bool
	ChatID            string
	TeamID, ChannelID string
	ReplyTo           string
	ID                string
}

// ChatMessageRef names a chat's message.
func ChatMessageRef(chatID, messageID string) MessageRef {
	return MessageRef{ChatID: chatID, ID: messageID}
}

// ChannelMessageRef names a channel's top-level message (replyTo "") or a
// reply to the top-level message replyTo.
func ChannelMessageRef(teamID, channelID, messageID, replyTo string) MessageRef {
	return MessageRef{Channel: true, TeamID: teamID, ChannelID: channelID, ReplyTo: replyTo, ID: messageID}
}

// Check returns the argument that is wrong and what is wrong with it, or
// "", "": the chat id (chatID), the team and channel ids (teamID,
// channelID), the top-level message of a reply (opts.ReplyToID, the option
// that carries it) and the message id (messageID).
func (r MessageRef) Check() (arg, problem string) {
	if !r.Channel {
		if _, p := ParseChatID(r.ChatID); p != "" {
			return "chatID", p
		}
	} else {
		if p := CheckTeamID(r.TeamID); p != "" {
			return "teamID", p
		}
		if p := CheckChannelID(r.ChannelID); p != "" {
			return "channelID", p
		}
		if r.ReplyTo != "" {
			if p := CheckID(r.ReplyTo); p != "" {
				return "opts.ReplyToID", p
			}
		}
	}
	if p := CheckID(r.ID); p != "" {
		return "messageID", p
	}
	return "", ""
}

// Segments returns the message's path segments (unescaped), followed by
// more: chats/{id}/messages/{id}, teams/{id}/channels/{id}/messages/{id}
// or …/messages/{id}/replies/{id}.
func (r MessageRef) Segments(more ...string) []string {
	var segs []string
	switch {
	case !r.Channel:
		segs = []string{"chats", r.ChatID, "messages", r.ID}
	case r.ReplyTo != "":
		segs = []string{"teams", r.TeamID, "channels", r.ChannelID, "messages", r.ReplyTo, "replies", r.ID}
	default:
		segs = []string{"teams", r.TeamID, "channels", r.ChannelID, "messages", r.ID}
	}
	return append(segs, more...)
}

// SoftDeleteSegments returns the path segments of action (softDelete or
// undoSoftDelete) on the message: chatmessage-softdelete documents a
// chat's message under the user alone
// (POST /users/{userId}/chats/{chatsId}/messages/{chatMessageId}/softDelete),
// a channel's on the message itself.
func (r MessageRef) SoftDeleteSegments(userID, action string) []string {
	if !r.Channel {
		return []string{"users", userID, "chats", r.ChatID, "messages", r.ID, action}
	}
	return r.Segments(action)
}
