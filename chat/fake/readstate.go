package fake

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Read state: each member's viewpoint of a chat (chatViewpoint,
// https://learn.microsoft.com/graph/api/resources/chatviewpoint), which the
// listing of chats returns, and the actions that move it.

// Operations of the read state.
const (
	OpMarkChatRead   = "markChatRead"
	OpMarkChatUnread = "markChatUnread"
)

// scopesChatUserAction are the delegated permissions of the actions a user
// takes on a chat for themselves: chat-markchatreadforuser,
// chat-markchatunreadforuser, chat-hideforuser and chat-unhideforuser all
// list Chat.ReadWrite alone.
var scopesChatUserAction = []string{"Chat.ReadWrite"}

// viewpoint is the member's chatViewpoint. A member has read the chat up to
// the time they joined it (Graph does not say what a new member's
// lastMessageReadDateTime is: a choice), and sending a message does not
// move it (the pages say nothing of it either: a choice; chat.CountUnread
// leaves the user's own messages out).
func (m *memberState) viewpoint() *chat.Viewpoint {
	return &chat.Viewpoint{IsHidden: m.hidden, LastMessageReadAt: m.lastRead}
}

// userAction runs an action the user userID takes on a chat for
// themselves. who is the request body's user, nil on the Go face: with
// delegated permissions it must be the signed-in user ("In delegated mode,
// users can only hide a chat for themselves", chat-hideforuser; the read
// actions are taken the same way, a choice), named by object id and, when
// the body has one, the user's tenant id (a tenantId of another tenant is
// refused the same way: a choice).
func (s *Service) userAction(userID, chatID string, who *gw.Identity, apply func(c *chatState, m *memberState, now time.Time)) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return oe
	}
	if who != nil {
		if who.ID == "" {
			return errBadRequest("user.id is required.")
		}
		if !strings.EqualFold(who.ID, u.ID) || (who.TenantID != "" && !strings.EqualFold(who.TenantID, u.TenantID)) {
			return errForbidden("In delegated mode, users can only act on a chat for themselves.")
		}
	}
	c, m, oe := s.chatForLocked(u, chatID)
	if oe != nil {
		return oe
	}
	apply(c, m, s.clock())
	return nil
}

// markRead marks a chat read up to now (chat-markchatreadforuser: "Mark a
// chat as read till the current time").
func markRead(_ *chatState, m *memberState, now time.Time) { m.lastRead = now }

// markUnread marks the messages after at unread or, when at is zero, the
// newest message the member may see ("If not mentioned, the last message
// would be marked as unread", chat-markchatunreadforuser): read up to a
// millisecond before it. A chat without messages stays as it is.
func markUnread(at time.Time) func(c *chatState, m *memberState, now time.Time) {
	return func(c *chatState, m *memberState, _ time.Time) {
		if !at.IsZero() {
			m.lastRead = at.UTC().Truncate(time.Millisecond)
			return
		}
		for k := len(c.msgs.byCreated) - 1; k >= 0; k-- {
			if st := c.msgs.byCreated[k]; visible(m, st) {
				m.lastRead = st.m.CreatedAt.Add(-time.Millisecond)
				return
			}
		}
	}
}

// --- Go face ---

func (g *goFace) MarkChatRead(ctx context.Context, chatID string, opts *chat.MarkChatReadOptions) (chat.MarkChatReadResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.MarkChatReadResponse{}, err
	}
	err := g.call(ctx, OpMarkChatRead, http.MethodPost, escapePath("chats", chatID, "markChatReadForUser"), nil, http.StatusNoContent, func() *opError {
		return g.s.userAction(g.user, chatID, nil, markRead)
	})
	return chat.MarkChatReadResponse{}, err
}

func (g *goFace) MarkChatUnread(ctx context.Context, chatID string, opts *chat.MarkChatUnreadOptions) (chat.MarkChatUnreadResponse, error) {
	if err := firstErr(checkChatID(chatID), opts.Validate()); err != nil {
		return chat.MarkChatUnreadResponse{}, err
	}
	var at time.Time
	if opts != nil {
		at = opts.LastReadAt
	}
	err := g.call(ctx, OpMarkChatUnread, http.MethodPost, escapePath("chats", chatID, "markChatUnreadForUser"), nil, http.StatusNoContent, func() *opError {
		return g.s.userAction(g.user, chatID, nil, markUnread(at))
	})
	return chat.MarkChatUnreadResponse{}, err
}

// --- HTTP face ---

// hUserAction serves POST /chats/{chat-id}/<action> of the actions a user
// takes for themselves: the body names the user; mark-unread's may carry
// lastMessageReadDateTime. Each answers 204 (their pages' "Response").
func hUserAction(apply func(in gw.ChatUserAction) func(c *chatState, m *memberState, now time.Time)) func(c *reqCtx, p params) (result, *opError) {
	return func(c *reqCtx, p params) (result, *opError) {
		var in gw.ChatUserAction
		if oe := c.decode(&in); oe != nil {
			return result{}, oe
		}
		if in.User == nil {
			return result{}, errBadRequest("user is required.")
		}
		if oe := c.s.userAction(c.user, p["chat-id"], in.User, apply(in)); oe != nil {
			return result{}, oe
		}
		return result{status: http.StatusNoContent}, nil
	}
}

var (
	hMarkRead   = hUserAction(func(gw.ChatUserAction) func(*chatState, *memberState, time.Time) { return markRead })
	hMarkUnread = hUserAction(func(in gw.ChatUserAction) func(*chatState, *memberState, time.Time) {
		return markUnread(in.LastMessageReadDateTime.Time)
	})
)
