package chat

import (
	"context"
	"net/http"
	"time"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// RenameChat sets the topic of a group chat (PATCH /chats/{id} with the
// topic, https://learn.microsoft.com/graph/api/chat-patch: "This can only
// be set for a chat with a chatType value of group. Maximum length is 250
// characters. Use of ':' is not allowed."). The topic is checked before
// anything is sent. Needs Chat.ReadWrite.
func (c *Client) RenameChat(ctx context.Context, chatID, topic string, opts *RenameChatOptions) (_ RenameChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.RenameChat")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return RenameChatResponse{}, err
	}
	if err := checkTopic(topic); err != nil {
		return RenameChatResponse{}, err
	}
	var w gw.Chat
	if err := c.do(ctx, "rename chat", http.MethodPatch, c.path("chats", chatID), gw.ChatPatch{Topic: &topic}, &w); err != nil {
		return RenameChatResponse{}, err
	}
	out := chatFromWire(&w)
	if out.ID == "" { // an answer without the chat (204): what was set
		out = Chat{ID: chatID, Type: ChatTypeGroup, Topic: topic}
	}
	return RenameChatResponse{Chat: out}, nil
}

// HideChat hides a chat for the signed-in user
// (POST /chats/{id}/hideForUser, https://learn.microsoft.com/graph/api/chat-hideforuser):
// the chat's Viewpoint.IsHidden becomes true, until UnhideChat or, as the
// page notes, "an action such as Send message" in the chat. Needs
// Chat.ReadWrite (and User.Read unless ClientOptions.UserID is set).
func (c *Client) HideChat(ctx context.Context, chatID string, opts *HideChatOptions) (_ HideChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.HideChat")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return HideChatResponse{}, err
	}
	err = c.userAction(ctx, "hide chat", chatID, "hideForUser", time.Time{})
	return HideChatResponse{}, err
}

// UnhideChat shows a hidden chat again for the signed-in user
// (POST /chats/{id}/unhideForUser,
// https://learn.microsoft.com/graph/api/chat-unhideforuser). Needs
// Chat.ReadWrite (and User.Read unless ClientOptions.UserID is set).
func (c *Client) UnhideChat(ctx context.Context, chatID string, opts *UnhideChatOptions) (_ UnhideChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UnhideChat")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return UnhideChatResponse{}, err
	}
	err = c.userAction(ctx, "unhide chat", chatID, "unhideForUser", time.Time{})
	return UnhideChatResponse{}, err
}

// PinMessage pins a message of a chat (POST /chats/{id}/pinnedMessages
// with the message's message@odata.bind,
// https://learn.microsoft.com/graph/api/chat-post-pinnedmessages). Needs
// ChatMessage.Send or Chat.ReadWrite.
func (c *Client) PinMessage(ctx context.Context, chatID, messageID string, opts *PinMessageOptions) (_ PinMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.PinMessage")
	defer func() { endSpan(err) }()
	if err := c.checkMessage(chatID, messageID); err != nil {
		return PinMessageResponse{}, err
	}
	body := gw.PinnedChatMessageInfo{MessageBind: gw.ChatMessageBind(c.baseURL, chatID, messageID)}
	var w gw.PinnedChatMessageInfo
	if err := c.do(ctx, "pin message", http.MethodPost, c.path("chats", chatID, "pinnedMessages"), body, &w); err != nil {
		return PinMessageResponse{}, err
	}
	return PinMessageResponse{PinnedMessage: pinnedFromWire(&w, chatID)}, nil
}

// UnpinMessage unpins a message (DELETE /chats/{id}/pinnedMessages/{pin id},
// https://learn.microsoft.com/graph/api/chat-delete-pinnedmessages);
// pinnedMessageID is PinnedMessage.ID. Needs Chat.ReadWrite.
func (c *Client) UnpinMessage(ctx context.Context, chatID, pinnedMessageID string, opts *UnpinMessageOptions) (_ UnpinMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UnpinMessage")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return UnpinMessageResponse{}, err
	}
	if err := checkArg("pinnedMessageID", gw.CheckID(pinnedMessageID)); err != nil {
		return UnpinMessageResponse{}, err
	}
	err = c.do(ctx, "unpin message", http.MethodDelete, c.path("chats", chatID, "pinnedMessages", pinnedMessageID), nil, nil)
	return UnpinMessageResponse{}, err
}

// ListPinnedMessages lists a chat's pinned messages, with the messages
// themselves when opts.ExpandMessage (GET /chats/{id}/pinnedMessages,
// $expand=message, https://learn.microsoft.com/graph/api/chat-list-pinnedmessages),
// following the pages Graph may answer with (at most 100). Needs Chat.Read or
// Chat.ReadWrite.
func (c *Client) ListPinnedMessages(ctx context.Context, chatID string, opts *ListPinnedMessagesOptions) (_ ListPinnedMessagesResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListPinnedMessages")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return ListPinnedMessagesResponse{}, err
	}
	q := odataQuery{}
	if opts != nil && opts.ExpandMessage {
		q = q.add("$expand", "message")
	}
	out := ListPinnedMessagesResponse{PinnedMessages: []PinnedMessage{}}
	err = listAll(ctx, c, "list pinned messages", q.on(c.path("chats", chatID, "pinnedMessages")), func(ps []gw.PinnedChatMessageInfo) {
		for i := range ps {
			out.PinnedMessages = append(out.PinnedMessages, pinnedFromWire(&ps[i], chatID))
		}
	})
	if err != nil {
		return ListPinnedMessagesResponse{}, err
	}
	return out, nil
}

// pinnedFromWire converts a pinnedChatMessageInfo of chatID.
func pinnedFromWire(w *gw.PinnedChatMessageInfo, chatID string) PinnedMessage {
	out := PinnedMessage{ID: w.ID}
	if w.Message != nil {
		m := messageFromWire(w.Message)
		if m.ChatID == "" {
			m.ChatID = chatID
		}
		out.Message = &m
	}
	return out
}
