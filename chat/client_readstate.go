package chat

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// MarkChatRead marks a chat read for the signed-in user up to now
// (POST /chats/{id}/markChatReadForUser with the user,
// https://learn.microsoft.com/graph/api/chat-markchatreadforuser): the
// chat's Viewpoint.LastMessageReadAt moves to the present. Needs
// Chat.ReadWrite (and User.Read unless ClientOptions.UserID is set).
func (c *Client) MarkChatRead(ctx context.Context, chatID string, opts *MarkChatReadOptions) (_ MarkChatReadResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.MarkChatRead")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return MarkChatReadResponse{}, err
	}
	err = c.userAction(ctx, "mark chat read", chatID, "markChatReadForUser", time.Time{})
	return MarkChatReadResponse{}, err
}

// MarkChatUnread marks a chat unread for the signed-in user: the messages
// after opts.LastReadAt, or the last message
// (POST /chats/{id}/markChatUnreadForUser,
// https://learn.microsoft.com/graph/api/chat-markchatunreadforuser: "If
// not mentioned, the last message would be marked as unread"). Needs
// Chat.ReadWrite (and User.Read unless ClientOptions.UserID is set).
func (c *Client) MarkChatUnread(ctx context.Context, chatID string, opts *MarkChatUnreadOptions) (_ MarkChatUnreadResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.MarkChatUnread")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return MarkChatUnreadResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return MarkChatUnreadResponse{}, err
	}
	var at time.Time
	if opts != nil {
		at = opts.LastReadAt
	}
	err = c.userAction(ctx, "mark chat unread", chatID, "markChatUnreadForUser", at)
	return MarkChatUnreadResponse{}, err
}

// userAction posts an action the signed-in user takes on a chat for
// themselves (markChatReadForUser, markChatUnreadForUser, hideForUser,
// unhideForUser): its body names the user as the pages' examples do, by
// object id and tenant id.
func (c *Client) userAction(ctx context.Context, op, chatID, action string, lastRead time.Time) error {
	me, tenant, err := c.myIdentity(ctx, chatID)
	if err != nil {
		return err
	}
	body := gw.ChatUserAction{User: &gw.Identity{ID: me, TenantID: tenant}, LastMessageReadDateTime: gw.TimeOf(lastRead)}
	return c.do(ctx, op, http.MethodPost, c.path("chats", chatID, action), body, nil)
}

// myIdentity returns the signed-in user's object id and home tenant id.
// The tenant is ClientOptions.TenantID, or else the tenant of the user's
// membership of chatID (GET /chats/{id}/members, which the user may read
// with any permission that acts on the chat), read once per Client: Graph
// has no call that returns the signed-in user's tenant under User.Read
// alone (user-get's properties have none), so this is a choice.
func (c *Client) myIdentity(ctx context.Context, chatID string) (string, string, error) {
	me, err := c.myID(ctx)
	if err != nil {
		return "", "", err
	}
	c.meMu.Lock()
	tenant := c.tenantID
	c.meMu.Unlock()
	if tenant != "" {
		return me, tenant, nil
	}
	ms, err := c.ListMembers(ctx, chatID, nil)
	if err != nil {
		return "", "", err
	}
	for _, m := range ms.Members {
		if strings.EqualFold(m.UserID, me) && m.TenantID != "" {
			c.meMu.Lock()
			c.tenantID = strings.ToLower(m.TenantID)
			c.meMu.Unlock()
			return me, m.TenantID, nil
		}
	}
	return "", "", errors.New("chat: the signed-in user's tenant is not known: set ClientOptions.TenantID")
}
