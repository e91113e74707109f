package chat

import gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"

// MaxTopicLength is the longest topic RenameChat sets, in characters:
// "Maximum length is 250 characters" (https://learn.microsoft.com/graph/api/chat-patch).
const MaxTopicLength = gw.MaxTopicLength

// checkTopic accepts a group chat's new topic as chat-patch describes it:
// at most MaxTopicLength characters, "Use of ':' is not allowed"; and, as
// this package refuses for every text it sends, valid UTF-8 without
// control characters. An empty topic is refused: chat-patch does not say
// that one removes the topic (a choice).
func checkTopic(topic string) error { return checkArg("topic", gw.CheckTopic(topic)) }

// RenameChatOptions are the optional parameters of RenameChat.
type RenameChatOptions struct{}

// RenameChatResponse is the result of RenameChat.
type RenameChatResponse struct {
	// Chat is the renamed chat, without its members.
	Chat Chat
}

// HideChatOptions are the optional parameters of HideChat.
type HideChatOptions struct{}

// HideChatResponse is the result of HideChat.
type HideChatResponse struct{}

// UnhideChatOptions are the optional parameters of UnhideChat.
type UnhideChatOptions struct{}

// UnhideChatResponse is the result of UnhideChat.
type UnhideChatResponse struct{}

// PinnedMessage is a message pinned in a chat, Graph's
// pinnedChatMessageInfo
// (https://learn.microsoft.com/graph/api/resources/pinnedchatmessageinfo).
type PinnedMessage struct {
	// ID is the pin's id, which UnpinMessage takes. Graph describes it as
	// "The ID of the chatMessage", and its examples show the message's id;
	// treat it as the pin's own.
	ID string
	// Message is the pinned message when it was asked for
	// (ListPinnedMessagesOptions.ExpandMessage); otherwise nil.
	Message *Message
}

// PinMessageOptions are the optional parameters of PinMessage.
type PinMessageOptions struct{}

// PinMessageResponse is the result of PinMessage.
type PinMessageResponse struct {
	// PinnedMessage is the new pin (without its Message).
	PinnedMessage PinnedMessage
}

// UnpinMessageOptions are the optional parameters of UnpinMessage.
type UnpinMessageOptions struct{}

// UnpinMessageResponse is the result of UnpinMessage.
type UnpinMessageResponse struct{}

// ListPinnedMessagesOptions are the optional parameters of
// ListPinnedMessages.
type ListPinnedMessagesOptions struct {
	// ExpandMessage fills each PinnedMessage's Message ($expand=message,
	// the example 2 of chat-list-pinnedmessages).
	ExpandMessage bool
}

// ListPinnedMessagesResponse is the result of ListPinnedMessages.
type ListPinnedMessagesResponse struct {
	// PinnedMessages are the chat's pinned messages.
	PinnedMessages []PinnedMessage
}
