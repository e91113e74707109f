package chat

import (
	"context"
	"strings"
	"time"
)

// Viewpoint is the signed-in user's own view of a chat, Graph's
// chatViewpoint (https://learn.microsoft.com/graph/api/resources/chatviewpoint):
// "user-specific properties of a chat", which "might change based on who
// the caller of the API is". Graph returns it in the listing of chats only
// ("Currently, only the List chats operation supports chatViewpoint") and
// only with delegated permissions (the chat resource's viewpoint property).
type Viewpoint struct {
	// IsHidden tells that the user hid the chat (HideChat); a new message
	// shows it again.
	IsHidden bool
	// LastMessageReadAt is "the dateTime up until which the current user
	// has read chatMessages" in the chat: messages created after it are
	// unread (see CountUnread).
	LastMessageReadAt time.Time
}

// HasUnread reports whether the chat's last message is unread by the
// signed-in user userID: the chat was listed with its Viewpoint and its
// LastMessagePreview (ListChatsOptions.ExpandLastMessagePreview), and that
// message was created after Viewpoint.LastMessageReadAt and sent by
// someone else than userID (empty: by anyone; ids compared ignoring
// case, as Chat.Title does). It sends nothing; a chat listed without
// either is never unread. CountUnread counts the unread messages.
func (c Chat) HasUnread(userID string) bool {
	p := c.LastMessagePreview
	if c.Viewpoint == nil || p == nil || p.IsDeleted {
		return false
	}
	if userID != "" && strings.EqualFold(p.From.UserID, userID) {
		return false
	}
	return p.CreatedAt.After(c.Viewpoint.LastMessageReadAt)
}

// MarkChatReadOptions are the optional parameters of MarkChatRead.
type MarkChatReadOptions struct{}

// MarkChatReadResponse is the result of MarkChatRead.
type MarkChatReadResponse struct{}

// MarkChatUnreadOptions are the optional parameters of MarkChatUnread.
type MarkChatUnreadOptions struct {
	// LastReadAt marks the messages sent or received after it as unread
	// (Graph's lastMessageReadDateTime); the zero time marks the chat's
	// last message unread.
	LastReadAt time.Time
}

// Validate reports, as an *ArgumentError, options that cannot work: a
// LastReadAt outside the years 1–9999 in UTC, which Graph's JSON cannot
// carry. A nil *MarkChatUnreadOptions is valid.
func (o *MarkChatUnreadOptions) Validate() error {
	if o == nil {
		return nil
	}
	return checkTime("opts.LastReadAt", o.LastReadAt)
}

// MarkChatUnreadResponse is the result of MarkChatUnread.
type MarkChatUnreadResponse struct{}

// DefaultMaxUnread is how many unread messages CountUnread counts at most
// unless told otherwise: Teams shows a larger count as "99+".
const DefaultMaxUnread = 99

// CountUnreadOptions are the optional parameters of CountUnread.
type CountUnreadOptions struct {
	// UserID is the signed-in user's object id (in any case): their own
	// messages are not counted. Empty counts every sender's.
	UserID string
	// Max is the most messages counted (CountUnreadResponse.More tells
	// there are more); zero means DefaultMaxUnread.
	Max int
}

// CountUnreadResponse is the result of CountUnread.
type CountUnreadResponse struct {
	// Count is the number of unread messages, at most the Max asked for.
	Count int
	// More tells that there are more than Count.
	More bool
}

// CountUnread counts the messages of a chat the signed-in user has not
// read, the way Graph's read state defines them: the messages created after
// the chat's Viewpoint.LastMessageReadAt ("the dateTime up until which the
// current user has read chatMessages",
// https://learn.microsoft.com/graph/api/resources/chatviewpoint;
// markChatUnreadForUser marks "all sent or received messages" after such a
// time unread, https://learn.microsoft.com/graph/api/chat-markchatunreadforuser).
// Graph has no unread count of its own. Only ordinary messages
// (MessageTypeMessage) that are not soft-deleted and that another user
// sent (see CountUnreadOptions.UserID) count, as the Teams client counts
// them: that is a choice of this package.
//
// c is a chat as ListChats returns it, with its Viewpoint (an
// *ArgumentError otherwise). When its LastMessagePreview shows that the
// last message is read, nothing is sent; otherwise the chat's messages are
// listed newest first (ListMessages by OrderByCreated, pages of
// MaxPageSize) until the first read one, or until more than Max are
// counted. svc is any Service.
func CountUnread(ctx context.Context, svc Service, c Chat, opts *CountUnreadOptions) (CountUnreadResponse, error) {
	var o CountUnreadOptions
	if opts != nil {
		o = *opts
	}
	if svc == nil {
		return CountUnreadResponse{}, &ArgumentError{Arg: "svc", Problem: "is nil"}
	}
	if err := checkChatID(c.ID); err != nil {
		return CountUnreadResponse{}, &ArgumentError{Arg: "c.ID", Problem: err.(*ArgumentError).Problem}
	}
	if c.Viewpoint == nil {
		return CountUnreadResponse{}, &ArgumentError{Arg: "c.Viewpoint", Problem: "is nil: count the unread messages of a chat ListChats returned"}
	}
	switch {
	case o.Max < 0:
		return CountUnreadResponse{}, &ArgumentError{Arg: "opts.Max", Problem: "is negative"}
	case o.Max == 0:
		o.Max = DefaultMaxUnread
	}
	read := c.Viewpoint.LastMessageReadAt
	if p := c.LastMessagePreview; p != nil && !p.CreatedAt.After(read) {
		return CountUnreadResponse{}, nil
	}
	var out CountUnreadResponse
	for m, err := range svc.ListMessages(ctx, c.ID, &ListMessagesOptions{OrderBy: OrderByCreated, Top: MaxPageSize}) {
		if err != nil {
			return CountUnreadResponse{}, err
		}
		if !m.CreatedAt.After(read) {
			break // newest first: the rest is read
		}
		if m.MessageType != MessageTypeMessage || m.Deleted() || (o.UserID != "" && strings.EqualFold(m.From.UserID, o.UserID)) {
			continue
		}
		if out.Count == o.Max {
			out.More = true
			break
		}
		out.Count++
	}
	return out, nil
}
