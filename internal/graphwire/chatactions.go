package graphwire

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ChatUserAction is the body of the chat actions a user takes for
// themselves: markChatReadForUser, markChatUnreadForUser, hideForUser and
// unhideForUser (https://learn.microsoft.com/graph/api/chat-markchatreadforuser
// and its siblings): the user, a teamworkUserIdentity written as the pages'
// examples write it ({"id", "tenantId"}), and for markChatUnreadForUser
// the optional lastMessageReadDateTime.
type ChatUserAction struct {
	User                    *Identity `json:"user"`
	LastMessageReadDateTime Time      `json:"lastMessageReadDateTime,omitzero"`
}

// ChatPatch is the body of PATCH /chats/{id} (chat-patch): the topic, the
// one property the page lists.
type ChatPatch struct {
	Topic *string `json:"topic"`
}

// PinnedChatMessageInfo is a pinned message of a chat
// (https://learn.microsoft.com/graph/api/resources/pinnedchatmessageinfo):
// its id and, with $expand=message, the message. MessageBind
// ("message@odata.bind") names the message to pin in the body of POST
// /chats/{id}/pinnedMessages.
type PinnedChatMessageInfo struct {
	ODataType   string       `json:"@odata.type,omitempty"`
	ID          string       `json:"id,omitempty"`
	Message     *ChatMessage `json:"message,omitempty"`
	MessageBind string       `json:"message@odata.bind,omitempty"`
}

// TypePinnedChatMessageInfo is the OData type of a pinned message.
const TypePinnedChatMessageInfo = "#microsoft.graph.pinnedChatMessageInfo"

// ChatMessageBind is the message@odata.bind that names a chat message when
// pinning it: <Graph root>/chats/<chat id>/messages/<message id>, as the
// example of chat-post-pinnedmessages writes it. Each id is a path segment,
// escaped as one (a chat id's ':' and '@' stay as the example has them; a
// '%' in an id no longer reads as an escape).
func ChatMessageBind(root, chatID, messageID string) string {
	return strings.TrimRight(root, "/") + "/chats/" + url.PathEscape(chatID) + "/messages/" + url.PathEscape(messageID)
}

// ChatMessageFromBind reads the chat id and the message id of a
// message@odata.bind (any host and version; the ids may be
// percent-encoded). ok is false for anything else.
func ChatMessageFromBind(bind string) (chatID, messageID string, ok bool) {
	i := strings.Index(bind, "/chats/")
	if i < 0 {
		return "", "", false
	}
	chatID, messageID, ok = strings.Cut(bind[i+len("/chats/"):], "/messages/")
	if !ok {
		return "", "", false
	}
	chatID, err1 := url.PathUnescape(chatID)
	messageID, err2 := url.PathUnescape(messageID)
	if err1 != nil || err2 != nil || chatID == "" || messageID == "" || strings.ContainsAny(chatID+messageID, "/?#") {
		return "", "", false
	}
	return chatID, messageID, true
}

// MaxTopicLength is the longest chat topic chat-patch allows, in
// characters ("Maximum length is 250 characters").
const MaxTopicLength = 250

// CheckTopic returns what is wrong with a group chat's new topic, or "":
// chat-patch allows at most MaxTopicLength characters and "Use of ':' is
// not allowed"; text that is not valid UTF-8 or has control characters is
// refused as everywhere, and an empty topic too (chat-patch does not say
// that one removes the topic: a choice).
func CheckTopic(topic string) string {
	switch {
	case strings.TrimSpace(topic) == "":
		return "is empty"
	case !utf8.ValidString(topic):
		return "is not valid utf-8"
	case utf8.RuneCountInString(topic) > MaxTopicLength:
		return "is longer than " + strconv.Itoa(MaxTopicLength) + " characters"
	case strings.Contains(topic, ":"):
		return "contains ':', which graph does not allow in a topic"
	case strings.ContainsFunc(topic, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "contains a control character"
	}
	return ""
}
