package chat

import (
	"context"
	"iter"
	"strings"

	"net/http"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// SendMessage sends a message to a chat as the signed-in user
// (POST /chats/{id}/messages): text or HTML, with @mentions and inline images
// (hosted contents) referenced from an HTML body. The message is checked
// with NewMessage.Validate before anything is sent. Needs ChatMessage.Send
// or Chat.ReadWrite.
//
// The request is sent again only after a 429 or a 503 with Retry-After, which
// Graph answers before it processes a message; after a 500, a 504 or a
// connection that broke once the request was out, the message may or may not
// have been posted, and the error is returned rather than risking a second
// post.
func (c *Client) SendMessage(ctx context.Context, chatID string, msg NewMessage, opts *SendMessageOptions) (_ SendMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SendMessage")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return SendMessageResponse{}, err
	}
	if err := msg.Validate(); err != nil {
		return SendMessageResponse{}, err
	}
	var w gw.ChatMessage
	if err := c.do(ctx, "send message", http.MethodPost, c.path("chats", chatID, "messages"), newMessageToWire(msg), &w); err != nil {
		return SendMessageResponse{}, err
	}
	out := messageFromWire(&w)
	if out.ChatID == "" {
		out.ChatID = chatID
	}
	return SendMessageResponse{Message: out}, nil
}

// ListMessages lists a chat's messages, newest first, page after page
// (GET /chats/{id}/messages with $top ≤ 50, $orderby and, for the time
// bounds, a $filter on the same property, which Graph needs to apply it).
// Memory is bounded by one page, whatever the chat's history. It stops at
// the first error, which it yields once. Needs Chat.Read or Chat.ReadWrite.
func (c *Client) ListMessages(ctx context.Context, chatID string, opts *ListMessagesOptions) iter.Seq2[Message, error] {
	var o ListMessagesOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]Message, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListMessagesPage(ctx, chatID, &p)
		return resp.Messages, resp.NextLink, err
	})
}

// ListMessagesPage reads one page of ListMessages.
func (c *Client) ListMessagesPage(ctx context.Context, chatID string, opts *ListMessagesOptions) (_ ListMessagesPageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListMessagesPage")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return ListMessagesPageResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return ListMessagesPageResponse{}, err
	}
	var o ListMessagesOptions
	if opts != nil {
		o = *opts
	}
	target := o.NextLink
	if target != "" {
		if err := c.checkLink("opts.NextLink", target); err != nil {
			return ListMessagesPageResponse{}, err
		}
	} else {
		target = messagesQuery(o).on(c.path("chats", chatID, "messages"))
	}
	var page gw.Collection[gw.ChatMessage]
	if err := c.do(ctx, "list messages", http.MethodGet, target, nil, &page); err != nil {
		return ListMessagesPageResponse{}, err
	}
	out := ListMessagesPageResponse{Messages: make([]Message, len(page.Value)), NextLink: page.NextLink}
	for i := range page.Value {
		m := &out.Messages[i]
		*m = messageFromWire(&page.Value[i])
		if m.ChatID == "" {
			m.ChatID = chatID
		}
	}
	return out, nil
}

// messagesQuery builds the query of ListMessagesOptions that Validate
// accepted. Graph applies a $filter on a time only when $orderby names the
// same time; Validate refuses the combinations it would ignore.
func messagesQuery(o ListMessagesOptions) odataQuery {
	q := odataQuery{}.addTop(o.Top)
	order := o.OrderBy
	var filters []string
	if !o.ModifiedAfter.IsZero() {
		filters = append(filters, "lastModifiedDateTime gt "+gw.TimeOf(o.ModifiedAfter).String())
	}
	if !o.ModifiedBefore.IsZero() {
		filters = append(filters, "lastModifiedDateTime lt "+gw.TimeOf(o.ModifiedBefore).String())
	}
	if !o.CreatedBefore.IsZero() {
		filters = append(filters, "createdDateTime lt "+gw.TimeOf(o.CreatedBefore).String())
	}
	if order == "" && len(filters) > 0 {
		order = OrderByLastModified
	}
	if order != "" {
		q = q.add("$orderby", string(order)+" desc")
	}
	if len(filters) > 0 {
		q = q.add("$filter", strings.Join(filters, " and "))
	}
	return q
}

// GetMessage reads one message of a chat (GET /chats/{id}/messages/{id}).
// Needs Chat.Read or Chat.ReadWrite.
func (c *Client) GetMessage(ctx context.Context, chatID, messageID string, opts *GetMessageOptions) (_ GetMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetMessage")
	defer func() { endSpan(err) }()
	if err := c.checkMessage(chatID, messageID); err != nil {
		return GetMessageResponse{}, err
	}
	var w gw.ChatMessage
	if err := c.do(ctx, "get message", http.MethodGet, c.path("chats", chatID, "messages", messageID), nil, &w); err != nil {
		return GetMessageResponse{}, err
	}
	out := messageFromWire(&w)
	if out.ChatID == "" {
		out.ChatID = chatID
	}
	return GetMessageResponse{Message: out}, nil
}

// EditMessage replaces the body (and mentions) of a message the signed-in
// user sent (PATCH /chats/{id}/messages/{id},
// https://learn.microsoft.com/graph/api/chatmessage-update). Needs
// Chat.ReadWrite.
func (c *Client) EditMessage(ctx context.Context, chatID, messageID string, msg NewMessage, opts *EditMessageOptions) (_ EditMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.EditMessage")
	defer func() { endSpan(err) }()
	err = c.edit(ctx, "edit message", gw.ChatMessageRef(chatID, messageID), msg)
	return EditMessageResponse{}, err
}

// SoftDeleteMessage deletes a message the signed-in user sent, restorably
// (POST /users/{me}/chats/{id}/messages/{id}/softDelete: the one path
// Graph documents for a chat message,
// https://learn.microsoft.com/graph/api/chatmessage-softdelete). Needs
// Chat.ReadWrite, and User.Read when ClientOptions.UserID is empty (the
// path names the signed-in user).
func (c *Client) SoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *SoftDeleteMessageOptions) (_ SoftDeleteMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SoftDeleteMessage")
	defer func() { endSpan(err) }()
	err = c.softDelete(ctx, "soft-delete message", gw.ChatMessageRef(chatID, messageID), "softDelete")
	return SoftDeleteMessageResponse{}, err
}

// UndoSoftDeleteMessage restores a soft-deleted message
// (POST /users/{me}/chats/{id}/messages/{id}/undoSoftDelete, the one path
// Graph documents,
// https://learn.microsoft.com/graph/api/chatmessage-undosoftdelete). Needs
// Chat.ReadWrite, and User.Read when ClientOptions.UserID is empty.
func (c *Client) UndoSoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *UndoSoftDeleteMessageOptions) (_ UndoSoftDeleteMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UndoSoftDeleteMessage")
	defer func() { endSpan(err) }()
	err = c.softDelete(ctx, "undo soft-delete", gw.ChatMessageRef(chatID, messageID), "undoSoftDelete")
	return UndoSoftDeleteMessageResponse{}, err
}

// SetReaction sets the signed-in user's reaction to a chat message
// (POST /chats/{id}/messages/{id}/setReaction,
// https://learn.microsoft.com/graph/api/chatmessage-setreaction). Needs
// Chat.ReadWrite or ChatMessage.Send.
func (c *Client) SetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *SetReactionOptions) (_ SetReactionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SetReaction")
	defer func() { endSpan(err) }()
	err = c.react(ctx, "set reaction", gw.ChatMessageRef(chatID, messageID), "setReaction", reactionType)
	return SetReactionResponse{}, err
}

// UnsetReaction removes the signed-in user's reaction from a chat message
// (POST /chats/{id}/messages/{id}/unsetReaction,
// https://learn.microsoft.com/graph/api/chatmessage-unsetreaction). Needs
// Chat.ReadWrite or ChatMessage.Send.
func (c *Client) UnsetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *UnsetReactionOptions) (_ UnsetReactionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UnsetReaction")
	defer func() { endSpan(err) }()
	err = c.react(ctx, "unset reaction", gw.ChatMessageRef(chatID, messageID), "unsetReaction", reactionType)
	return UnsetReactionResponse{}, err
}

// checkRef refuses ids of the wrong shape, before anything is sent.
func checkRef(r gw.MessageRef) error {
	arg, problem := r.Check()
	return checkArg(arg, problem)
}

// edit replaces a message's body: PATCH on the message (chatmessage-update).
func (c *Client) edit(ctx context.Context, op string, r gw.MessageRef, msg NewMessage) error {
	if err := checkRef(r); err != nil {
		return err
	}
	if err := msg.Validate(); err != nil {
		return err
	}
	return c.do(ctx, op, http.MethodPatch, c.path(r.Segments()...), newMessageToWire(msg), nil)
}

// softDelete posts action (softDelete or undoSoftDelete) on a message, at
// the path chatmessage-softdelete documents for it (a chat's message
// under the signed-in user's).
func (c *Client) softDelete(ctx context.Context, op string, r gw.MessageRef, action string) error {
	if err := checkRef(r); err != nil {
		return err
	}
	var me string
	if !r.Channel {
		var err error
		if me, err = c.myID(ctx); err != nil {
			return err
		}
	}
	return c.do(ctx, op, http.MethodPost, c.path(r.SoftDeleteSegments(me, action)...), nil, nil)
}

// react posts action (setReaction or unsetReaction) with the reaction on a
// message (chatmessage-setreaction, chatmessage-unsetreaction).
func (c *Client) react(ctx context.Context, op string, r gw.MessageRef, action, reactionType string) error {
	if err := checkRef(r); err != nil {
		return err
	}
	if err := checkReaction(reactionType); err != nil {
		return err
	}
	return c.do(ctx, op, http.MethodPost, c.path(r.Segments(action)...), gw.ReactionRequest{ReactionType: reactionType}, nil)
}

func (c *Client) checkMessage(chatID, messageID string) error {
	if err := checkChatID(chatID); err != nil {
		return err
	}
	return checkArg("messageID", gw.CheckID(messageID))
}

// checkReaction accepts a Unicode emoji or a legacy reaction name, as
// graphwire.CheckReactionType, the fake's check, does.
func checkReaction(r string) error { return checkArg("reactionType", gw.CheckReactionType(r)) }
