package fake

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// As returns the Go face of the service for the signed-in user userID (an
// object id): a chat.Service that acts as that user, with the same rules,
// faults and request log as the HTTP face. Its calls are granted the
// delegated permissions scopes, as a token of TokenFor would be (none
// means DefaultScopes): a call that needs one it lacks fails as the HTTP
// face answers (403, chat.IsForbidden). A user unknown to the service gets
// 401 on every call.
func (s *Service) As(userID string, scopes ...string) chat.Service {
	return &goFace{s: s, user: userID, scopes: grantedScopes(scopes)}
}

type goFace struct {
	// chat.Service, never set, is embedded so that the type implements chat.Service,
	// which outside package chat only a type that embeds one can
	// (DESIGN.md, "Extending the interfaces"). Every method of the
	// interface is this type's own: TestGoFaceImplementsEveryMethod calls
	// them all.
	chat.Service

	s      *Service
	user   string
	scopes []string
}

var _ chat.Service = (*goFace)(nil)

func argErr(arg, problem string) error {
	if problem == "" {
		return nil
	}
	return &chat.ArgumentError{Arg: arg, Problem: problem}
}

func checkChatID(id string) error {
	_, p := gw.ParseChatID(id)
	return argErr("chatID", p)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// call runs one operation as a request would: refused after Close, under
// the injected fault that applies, logged, its error as *chat.Error.
func (g *goFace) call(ctx context.Context, op, method, path string, query url.Values, okStatus int, fn func() *opError) error {
	return g.callStatus(ctx, op, method, path, query, func() (int, *opError) { return okStatus, fn() })
}

// callStatus is call for an operation whose success status depends on
// what it did (createOrGet: 201 or 200); fn returns it.
func (g *goFace) callStatus(ctx context.Context, op, method, path string, query url.Values, fn func() (int, *opError)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := g.s
	req := Request{Face: "go", Op: op, Method: method, Path: "/v1.0" + fakekit.UnescapedPath(path), Query: encodeQuery(query), UserID: g.user, At: s.clock()}
	if s.isClosed() {
		req.Status = errClosed.status
		s.logRequest(req)
		return s.goError(errClosed, "")
	}
	// The request the client would send is one the HTTP face serves, of
	// the same operation (routes).
	rt, _, oe := routeOf(method, path)
	if oe == nil && rt.op != op {
		oe = &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "fake: the go face logs " + op + " for a request of " + rt.op}
	}
	if oe == nil {
		oe = checkScopes(g.scopes, rt.scopes)
	}
	if oe == nil {
		oe = checkQuery(query, rt.query)
	}
	if oe != nil {
		req.Status = oe.status
		s.logRequest(req)
		return s.goError(oe, "")
	}
	f := s.faults.Take(op)
	req.Injected = f != nil
	okStatus := 0
	switch fakekit.Apply(ctx, f, func() { okStatus, oe = fn() }) {
	case fakekit.Gone:
		s.logRequest(req)
		return ctx.Err()
	case fakekit.Drop:
		s.logRequest(req)
		return ErrDropped
	case fakekit.Fail:
		oe = faultError(f)
	}
	req.Status = okStatus
	if oe != nil {
		req.Status = oe.status
	}
	s.logRequest(req)
	if oe != nil {
		return s.goError(oe, "")
	}
	return nil
}

func (g *goFace) ListChats(ctx context.Context, opts *chat.ListChatsOptions) iter.Seq2[chat.Chat, error] {
	var o chat.ListChatsOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]chat.Chat, string, error) {
		o.NextLink = link
		p, err := g.ListChatsPage(ctx, &o)
		return p.Chats, p.NextLink, err
	})
}

func (g *goFace) ListChatsPage(ctx context.Context, opts *chat.ListChatsOptions) (chat.ListChatsPageResponse, error) {
	if err := opts.Validate(); err != nil {
		return chat.ListChatsPageResponse{}, err
	}
	const path = "/me/chats"
	v := chatsValues(opts)
	if opts != nil && opts.NextLink != "" {
		lv, ok := linkQuery(opts.NextLink, path)
		if !ok {
			return chat.ListChatsPageResponse{}, argErr("opts.NextLink", "is not a link of this listing")
		}
		v = lv
	}
	var resp chat.ListChatsPageResponse
	err := g.call(ctx, OpListChats, http.MethodGet, path, v, http.StatusOK, func() *opError {
		q, oe := parseChatsQuery(v)
		if oe != nil {
			return oe
		}
		items, next, oe := g.s.listChats(g.user, g.scopes, q)
		if oe != nil {
			return oe
		}
		resp = chat.ListChatsPageResponse{Chats: items, NextLink: nextLink(g.s.baseURL, path, v, next)}
		return nil
	})
	return resp, err
}

func (g *goFace) GetChat(ctx context.Context, chatID string, opts *chat.GetChatOptions) (chat.GetChatResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.GetChatResponse{}, err
	}
	expand := opts != nil && opts.ExpandMembers
	v := url.Values{}
	if expand {
		v.Set("$expand", "members")
	}
	var resp chat.GetChatResponse
	err := g.call(ctx, OpGetChat, http.MethodGet, escapePath("chats", chatID), v, http.StatusOK, func() *opError {
		c, oe := g.s.getChat(g.user, chatID, expand)
		resp.Chat = c
		return oe
	})
	return resp, err
}

func (g *goFace) CreateOneOnOneChat(ctx context.Context, otherUserID string, opts *chat.CreateOneOnOneChatOptions) (chat.CreateOneOnOneChatResponse, error) {
	if err := argErr("otherUserID", gw.CheckUserID(otherUserID)); err != nil {
		return chat.CreateOneOnOneChatResponse{}, err
	}
	var resp chat.CreateOneOnOneChatResponse
	err := g.call(ctx, OpCreateChat, http.MethodPost, "/chats", nil, http.StatusCreated, func() *opError {
		c, _, oe := g.s.createChat(g.user, chat.ChatTypeOneOnOne, "", []newMember{
			{user: g.user, roles: []string{chat.RoleOwner}},
			{user: otherUserID, roles: []string{chat.RoleOwner}},
		})
		resp.Chat = c
		return oe
	})
	return resp, err
}

func (g *goFace) CreateGroupChat(ctx context.Context, topic string, userIDs []string, opts *chat.CreateGroupChatOptions) (chat.CreateGroupChatResponse, error) {
	if err := checkGroup(topic, userIDs); err != nil {
		return chat.CreateGroupChatResponse{}, err
	}
	members := []newMember{{user: g.user, roles: []string{chat.RoleOwner}}}
	for _, id := range userIDs {
		members = append(members, newMember{user: id, roles: []string{chat.RoleOwner}})
	}
	var resp chat.CreateGroupChatResponse
	err := g.call(ctx, OpCreateChat, http.MethodPost, "/chats", nil, http.StatusCreated, func() *opError {
		c, _, oe := g.s.createChat(g.user, chat.ChatTypeGroup, topic, members)
		resp.Chat = c
		return oe
	})
	return resp, err
}

// checkGroup checks CreateGroupChat's arguments as the client does.
func checkGroup(topic string, userIDs []string) error {
	if len(topic) > 250 {
		return argErr("topic", "is longer than 250 characters")
	}
	if len(userIDs) < 1 {
		return argErr("userIDs", "must name at least one user besides the signed-in user")
	}
	seen := map[string]bool{}
	for _, id := range userIDs {
		if err := argErr("userIDs", gw.CheckUserID(id)); err != nil {
			return err
		}
		if seen[id] {
			return argErr("userIDs", "names "+id+" twice")
		}
		seen[id] = true
	}
	return nil
}

func (g *goFace) ListMembers(ctx context.Context, chatID string, opts *chat.ListMembersOptions) (chat.ListMembersResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.ListMembersResponse{}, err
	}
	var resp chat.ListMembersResponse
	err := g.call(ctx, OpListMembers, http.MethodGet, escapePath("chats", chatID, "members"), nil, http.StatusOK, func() *opError {
		ms, oe := g.s.listMembers(g.user, chatID)
		resp.Members = ms
		return oe
	})
	return resp, err
}

func (g *goFace) AddMember(ctx context.Context, chatID, userID string, opts *chat.AddMemberOptions) (chat.AddMemberResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("userID", gw.CheckUserID(userID)), opts.Validate()); err != nil {
		return chat.AddMemberResponse{}, err
	}
	nm := newMember{user: userID, roles: []string{chat.RoleOwner}}
	var from *time.Time
	if opts != nil {
		if opts.Roles != nil {
			nm.roles = opts.Roles
		}
		switch {
		case opts.ShareAllHistory:
			from = &time.Time{}
		case !opts.VisibleHistoryStartAt.IsZero():
			t := opts.VisibleHistoryStartAt.UTC().Truncate(time.Millisecond)
			from = &t
		}
	}
	var resp chat.AddMemberResponse
	err := g.call(ctx, OpAddMember, http.MethodPost, escapePath("chats", chatID, "members"), nil, http.StatusCreated, func() *opError {
		m, oe := g.s.addMember(g.user, chatID, nm, from)
		resp.Member = m
		return oe
	})
	return resp, err
}

func (g *goFace) RemoveMember(ctx context.Context, chatID, membershipID string, opts *chat.RemoveMemberOptions) (chat.RemoveMemberResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("membershipID", gw.CheckID(membershipID))); err != nil {
		return chat.RemoveMemberResponse{}, err
	}
	err := g.call(ctx, OpRemoveMember, http.MethodDelete, escapePath("chats", chatID, "members", membershipID), nil, http.StatusNoContent, func() *opError {
		return g.s.removeMember(g.user, chatID, membershipID)
	})
	return chat.RemoveMemberResponse{}, err
}

func (g *goFace) GetOnlineMeetingByJoinURL(ctx context.Context, joinURL string, opts *chat.GetOnlineMeetingByJoinURLOptions) (chat.GetOnlineMeetingByJoinURLResponse, error) {
	loc, err := joinLink(joinURL)
	if err != nil {
		return chat.GetOnlineMeetingByJoinURLResponse{}, err
	}
	// As the client: the link in normal form, then as given.
	v := url.Values{"$filter": {"JoinWebUrl eq '" + quoteOData(loc.JoinURL) + "'"}}
	var found []chat.OnlineMeeting
	err = g.call(ctx, OpGetOnlineMeeting, http.MethodGet, "/me/onlineMeetings", v, http.StatusOK, func() *opError {
		var oe *opError
		found, oe = g.s.meetingsByJoinURL(g.user, loc.JoinURL)
		if given := strings.TrimSpace(joinURL); oe == nil && len(found) == 0 && given != loc.JoinURL {
			found, oe = g.s.meetingsByJoinURL(g.user, given)
		}
		return oe
	})
	if err != nil {
		return chat.GetOnlineMeetingByJoinURLResponse{}, err
	}
	if len(found) == 0 {
		return chat.GetOnlineMeetingByJoinURLResponse{}, g.s.goError(errNotFound("No online meeting organized by the signed-in user has this join URL."), "")
	}
	return chat.GetOnlineMeetingByJoinURLResponse{Meeting: found[0]}, nil
}

// joinLink checks a join link as the client does, with
// internal/meetinglink (which calling.ParseJoinLink uses too).
func joinLink(joinURL string) (meetinglink.Locator, error) {
	loc, err := meetinglink.Parse(joinURL)
	var e *meetinglink.Error
	if errors.As(err, &e) {
		return loc, argErr("joinURL", e.Problem)
	}
	return loc, err
}

func quoteOData(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// FindMeetingChat pages through the user's meeting chats, as the client
// does, and matches the thread id in the link or the chat's join link; a
// channel meeting's link is refused, as the client refuses it.
func (g *goFace) FindMeetingChat(ctx context.Context, joinURL string, opts *chat.FindMeetingChatOptions) (chat.FindMeetingChatResponse, error) {
	loc, err := joinLink(joinURL)
	if err != nil {
		return chat.FindMeetingChatResponse{}, err
	}
	if loc.IsChannelMeeting {
		return chat.FindMeetingChatResponse{}, argErr("joinURL", "is a channel meeting's link; its conversation is the channel post, not a chat")
	}
	thread := loc.ChatThreadID()
	for c, err := range g.ListChats(ctx, &chat.ListChatsOptions{Type: chat.ChatTypeMeeting, Top: chat.MaxPageSize}) {
		if err != nil {
			return chat.FindMeetingChatResponse{}, err
		}
		if thread != "" && c.ID == thread {
			return chat.FindMeetingChatResponse{Chat: c}, nil
		}
		if other, err := meetinglink.Parse(c.OnlineMeeting.JoinURL); err == nil && meetinglink.SameMeeting(loc, other) {
			return chat.FindMeetingChatResponse{Chat: c}, nil
		}
	}
	return chat.FindMeetingChatResponse{}, g.s.goError(errNotFound("No meeting chat of the signed-in user has this join URL."), "")
}

func (g *goFace) SendMessage(ctx context.Context, chatID string, msg chat.NewMessage, opts *chat.SendMessageOptions) (chat.SendMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), msg.Validate()); err != nil {
		return chat.SendMessageResponse{}, err
	}
	var resp chat.SendMessageResponse
	err := g.call(ctx, OpSendMessage, http.MethodPost, escapePath("chats", chatID, "messages"), nil, http.StatusCreated, func() *opError {
		m, oe := g.s.sendMessage(g.user, chatID, msg)
		resp.Message = m
		return oe
	})
	return resp, err
}

func (g *goFace) ListMessages(ctx context.Context, chatID string, opts *chat.ListMessagesOptions) iter.Seq2[chat.Message, error] {
	var o chat.ListMessagesOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]chat.Message, string, error) {
		o.NextLink = link
		p, err := g.ListMessagesPage(ctx, chatID, &o)
		return p.Messages, p.NextLink, err
	})
}

func (g *goFace) ListMessagesPage(ctx context.Context, chatID string, opts *chat.ListMessagesOptions) (chat.ListMessagesPageResponse, error) {
	if err := firstErr(checkChatID(chatID), opts.Validate()); err != nil {
		return chat.ListMessagesPageResponse{}, err
	}
	path := escapePath("chats", chatID, "messages")
	v := messagesValues(opts)
	if opts != nil && opts.NextLink != "" {
		lv, ok := linkQuery(opts.NextLink, path)
		if !ok {
			return chat.ListMessagesPageResponse{}, argErr("opts.NextLink", "is not a link of this listing")
		}
		v = lv
	}
	var resp chat.ListMessagesPageResponse
	err := g.call(ctx, OpListMessages, http.MethodGet, path, v, http.StatusOK, func() *opError {
		q, oe := parseMessagesQuery(v)
		if oe != nil {
			return oe
		}
		items, next, oe := g.s.listMessages(g.user, chatID, q)
		if oe != nil {
			return oe
		}
		resp = chat.ListMessagesPageResponse{Messages: items, NextLink: nextLink(g.s.baseURL, path, v, next)}
		return nil
	})
	return resp, err
}

func (g *goFace) GetMessage(ctx context.Context, chatID, messageID string, opts *chat.GetMessageOptions) (chat.GetMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("messageID", gw.CheckID(messageID))); err != nil {
		return chat.GetMessageResponse{}, err
	}
	var resp chat.GetMessageResponse
	err := g.call(ctx, OpGetMessage, http.MethodGet, escapePath("chats", chatID, "messages", messageID), nil, http.StatusOK, func() *opError {
		m, oe := g.s.getMessage(g.user, chatID, messageID)
		resp.Message = m
		return oe
	})
	return resp, err
}

func (g *goFace) EditMessage(ctx context.Context, chatID, messageID string, msg chat.NewMessage, opts *chat.EditMessageOptions) (chat.EditMessageResponse, error) {
	return chat.EditMessageResponse{}, g.edit(ctx, OpEditMessage, chatMsg(chatID, messageID), msg)
}

func (g *goFace) SoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *chat.SoftDeleteMessageOptions) (chat.SoftDeleteMessageResponse, error) {
	return chat.SoftDeleteMessageResponse{}, g.softDelete(ctx, OpSoftDelete, chatMsg(chatID, messageID), false)
}

func (g *goFace) UndoSoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *chat.UndoSoftDeleteMessageOptions) (chat.UndoSoftDeleteMessageResponse, error) {
	return chat.UndoSoftDeleteMessageResponse{}, g.softDelete(ctx, OpUndoSoftDelete, chatMsg(chatID, messageID), true)
}

func (g *goFace) SetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *chat.SetReactionOptions) (chat.SetReactionResponse, error) {
	return chat.SetReactionResponse{}, g.react(ctx, OpSetReaction, chatMsg(chatID, messageID), reactionType, false)
}

func (g *goFace) UnsetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *chat.UnsetReactionOptions) (chat.UnsetReactionResponse, error) {
	return chat.UnsetReactionResponse{}, g.react(ctx, OpUnsetReaction, chatMsg(chatID, messageID), reactionType, true)
}

func checkChannel(teamID, channelID string) error {
	return firstErr(argErr("teamID", gw.CheckTeamID(teamID)), argErr("channelID", gw.CheckChannelID(channelID)))
}

func (g *goFace) SendChannelMessage(ctx context.Context, teamID, channelID string, msg chat.NewMessage, opts *chat.SendChannelMessageOptions) (chat.SendChannelMessageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), msg.Validate()); err != nil {
		return chat.SendChannelMessageResponse{}, err
	}
	var resp chat.SendChannelMessageResponse
	err := g.call(ctx, OpSendChannelMessage, http.MethodPost, escapePath("teams", teamID, "channels", channelID, "messages"), nil, http.StatusCreated, func() *opError {
		m, oe := g.s.sendChannelMessage(g.user, teamID, channelID, "", msg)
		resp.Message = m
		return oe
	})
	return resp, err
}

func (g *goFace) ListChannelMessages(ctx context.Context, teamID, channelID string, opts *chat.ListChannelMessagesOptions) iter.Seq2[chat.Message, error] {
	var o chat.ListChannelMessagesOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]chat.Message, string, error) {
		o.NextLink = link
		p, err := g.ListChannelMessagesPage(ctx, teamID, channelID, &o)
		return p.Messages, p.NextLink, err
	})
}

func (g *goFace) ListChannelMessagesPage(ctx context.Context, teamID, channelID string, opts *chat.ListChannelMessagesOptions) (chat.ListChannelMessagesPageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), opts.Validate()); err != nil {
		return chat.ListChannelMessagesPageResponse{}, err
	}
	path := escapePath("teams", teamID, "channels", channelID, "messages")
	v := url.Values{}
	if opts != nil {
		v = topValues(opts.Top)
		if opts.ExpandReplies {
			v.Set("$expand", "replies")
		}
		if opts.NextLink != "" {
			lv, ok := linkQuery(opts.NextLink, path)
			if !ok {
				return chat.ListChannelMessagesPageResponse{}, argErr("opts.NextLink", "is not a link of this listing")
			}
			v = lv
		}
	}
	var resp chat.ListChannelMessagesPageResponse
	err := g.call(ctx, OpListChannelMessages, http.MethodGet, path, v, http.StatusOK, func() *opError {
		q, oe := parseChannelQuery(v, orderModified)
		if oe != nil {
			return oe
		}
		items, next, oe := g.s.listChannelMessages(g.user, teamID, channelID, "", q, g.s.baseURL)
		if oe != nil {
			return oe
		}
		resp = chat.ListChannelMessagesPageResponse{Messages: items, NextLink: nextLink(g.s.baseURL, path, v, next)}
		return nil
	})
	return resp, err
}

func (g *goFace) ReplyToChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg chat.NewMessage, opts *chat.ReplyToChannelMessageOptions) (chat.ReplyToChannelMessageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), argErr("messageID", gw.CheckID(messageID)), msg.Validate()); err != nil {
		return chat.ReplyToChannelMessageResponse{}, err
	}
	var resp chat.ReplyToChannelMessageResponse
	err := g.call(ctx, OpReplyToChannelMessage, http.MethodPost, escapePath("teams", teamID, "channels", channelID, "messages", messageID, "replies"), nil, http.StatusCreated, func() *opError {
		m, oe := g.s.sendChannelMessage(g.user, teamID, channelID, messageID, msg)
		resp.Message = m
		return oe
	})
	return resp, err
}

func (g *goFace) ListReplies(ctx context.Context, teamID, channelID, messageID string, opts *chat.ListRepliesOptions) iter.Seq2[chat.Message, error] {
	var o chat.ListRepliesOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]chat.Message, string, error) {
		o.NextLink = link
		p, err := g.ListRepliesPage(ctx, teamID, channelID, messageID, &o)
		return p.Messages, p.NextLink, err
	})
}

func (g *goFace) ListRepliesPage(ctx context.Context, teamID, channelID, messageID string, opts *chat.ListRepliesOptions) (chat.ListRepliesPageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), argErr("messageID", gw.CheckID(messageID)), opts.Validate()); err != nil {
		return chat.ListRepliesPageResponse{}, err
	}
	path := escapePath("teams", teamID, "channels", channelID, "messages", messageID, "replies")
	v := url.Values{}
	if opts != nil {
		v = topValues(opts.Top)
		if opts.NextLink != "" {
			lv, ok := linkQuery(opts.NextLink, path)
			if !ok {
				return chat.ListRepliesPageResponse{}, argErr("opts.NextLink", "is not a link of this listing")
			}
			v = lv
		}
	}
	var resp chat.ListRepliesPageResponse
	err := g.call(ctx, OpListReplies, http.MethodGet, path, v, http.StatusOK, func() *opError {
		q, oe := parseChannelQuery(v, orderCreated)
		if oe != nil {
			return oe
		}
		items, next, oe := g.s.listChannelMessages(g.user, teamID, channelID, messageID, q, g.s.baseURL)
		if oe != nil {
			return oe
		}
		resp = chat.ListRepliesPageResponse{Messages: items, NextLink: nextLink(g.s.baseURL, path, v, next)}
		return nil
	})
	return resp, err
}
