package fake

// A minimal Graph client over net/http and graphwire, for testing the HTTP
// face with the conformance suite: everything it knows of the fake is the
// wire.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire/chatconv"
)

type wireClient struct {
	base  string // http://127.0.0.1:port/v1.0
	token string
	hc    *http.Client
}

var _ chat.Service = (*wireClient)(nil)

func (w *wireClient) do(ctx context.Context, method, target string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	if !strings.HasPrefix(target, "http") {
		target = w.base + target
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return chat.ErrorFromResponse(resp.StatusCode, resp.Header, b, time.Time{})
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		return json.Unmarshal(b, out)
	}
	return nil
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode() // %24top: the fake must decode names
}

func (w *wireClient) ListChats(ctx context.Context, opts *chat.ListChatsOptions) iter.Seq2[chat.Chat, error] {
	var o chat.ListChatsOptions
	if opts != nil {
		o = *opts
	}
	return gw.Pages(o.NextLink, func(link string) ([]chat.Chat, string, error) {
		o.NextLink = link
		p, err := w.ListChatsPage(ctx, &o)
		return p.Chats, p.NextLink, err
	})
}

func (w *wireClient) ListChatsPage(ctx context.Context, opts *chat.ListChatsOptions) (chat.ListChatsPageResponse, error) {
	if err := opts.Validate(); err != nil {
		return chat.ListChatsPageResponse{}, err
	}
	target := withQuery("/me/chats", chatsValues(opts))
	if opts != nil && opts.NextLink != "" {
		target = opts.NextLink
	}
	var col gw.Collection[gw.Chat]
	if err := w.do(ctx, http.MethodGet, target, nil, &col); err != nil {
		return chat.ListChatsPageResponse{}, err
	}
	out := chat.ListChatsPageResponse{NextLink: col.NextLink, Chats: make([]chat.Chat, len(col.Value))}
	for i, c := range col.Value {
		out.Chats[i] = chatconv.ChatFromWire(c)
	}
	return out, nil
}

func (w *wireClient) GetChat(ctx context.Context, chatID string, opts *chat.GetChatOptions) (chat.GetChatResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.GetChatResponse{}, err
	}
	v := url.Values{}
	if opts != nil && opts.ExpandMembers {
		v.Set("$expand", "members")
	}
	var c gw.Chat
	err := w.do(ctx, http.MethodGet, withQuery(escapePath("chats", chatID), v), nil, &c)
	return chat.GetChatResponse{Chat: chatconv.ChatFromWire(c)}, err
}

func (w *wireClient) createChat(ctx context.Context, typ chat.ChatType, topic string, users []string) (chat.Chat, error) {
	in := gw.Chat{ChatType: string(typ)}
	if topic != "" {
		in.Topic = &topic
	}
	for _, u := range users {
		in.Members = append(in.Members, gw.ConversationMember{ODataType: gw.TypeAADUserMember, Roles: []string{chat.RoleOwner}, UserBind: gw.UserBind(u)})
	}
	var c gw.Chat
	err := w.do(ctx, http.MethodPost, "/chats", in, &c)
	return chatconv.ChatFromWire(c), err
}

func (w *wireClient) me(_ context.Context) string {
	tokenMu.Lock()
	defer tokenMu.Unlock()
	// The suite's users are known by token; the fake's "me" is the token's user.
	return tokenUsers[w.token]
}

// tokenUsers maps test tokens to user ids (the client needs its own id to
// list itself as a member, as a real client learns it from the token).
var tokenUsers = map[string]string{}

func (w *wireClient) CreateOneOnOneChat(ctx context.Context, otherUserID string, opts *chat.CreateOneOnOneChatOptions) (chat.CreateOneOnOneChatResponse, error) {
	if err := argErr("otherUserID", gw.CheckUserID(otherUserID)); err != nil {
		return chat.CreateOneOnOneChatResponse{}, err
	}
	c, err := w.createChat(ctx, chat.ChatTypeOneOnOne, "", []string{w.me(ctx), otherUserID})
	return chat.CreateOneOnOneChatResponse{Chat: c}, err
}

func (w *wireClient) CreateGroupChat(ctx context.Context, topic string, userIDs []string, opts *chat.CreateGroupChatOptions) (chat.CreateGroupChatResponse, error) {
	if err := checkGroup(topic, userIDs); err != nil {
		return chat.CreateGroupChatResponse{}, err
	}
	c, err := w.createChat(ctx, chat.ChatTypeGroup, topic, append([]string{w.me(ctx)}, userIDs...))
	return chat.CreateGroupChatResponse{Chat: c}, err
}

func (w *wireClient) ListMembers(ctx context.Context, chatID string, opts *chat.ListMembersOptions) (chat.ListMembersResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.ListMembersResponse{}, err
	}
	var col gw.Collection[gw.ConversationMember]
	if err := w.do(ctx, http.MethodGet, escapePath("chats", chatID, "members"), nil, &col); err != nil {
		return chat.ListMembersResponse{}, err
	}
	out := chat.ListMembersResponse{Members: make([]chat.Member, len(col.Value))}
	for i, m := range col.Value {
		out.Members[i] = chatconv.MemberFromWire(m)
	}
	return out, nil
}

func (w *wireClient) AddMember(ctx context.Context, chatID, userID string, opts *chat.AddMemberOptions) (chat.AddMemberResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("userID", gw.CheckUserID(userID)), opts.Validate()); err != nil {
		return chat.AddMemberResponse{}, err
	}
	in := gw.ConversationMember{ODataType: gw.TypeAADUserMember, Roles: []string{chat.RoleOwner}, UserBind: gw.UserBind(userID)}
	if opts != nil {
		if opts.Roles != nil {
			in.Roles = opts.Roles
		}
		if opts.ShareAllHistory {
			in.VisibleHistoryStartDateTime = &gw.FullTime{}
		} else if !opts.VisibleHistoryStartAt.IsZero() {
			in.VisibleHistoryStartDateTime = &gw.FullTime{Time: gw.TimeOf(opts.VisibleHistoryStartAt)}
		}
	}
	var m gw.ConversationMember
	err := w.do(ctx, http.MethodPost, escapePath("chats", chatID, "members"), in, &m)
	return chat.AddMemberResponse{Member: chatconv.MemberFromWire(m)}, err
}

func (w *wireClient) RemoveMember(ctx context.Context, chatID, membershipID string, opts *chat.RemoveMemberOptions) (chat.RemoveMemberResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("membershipID", gw.CheckID(membershipID))); err != nil {
		return chat.RemoveMemberResponse{}, err
	}
	return chat.RemoveMemberResponse{}, w.do(ctx, http.MethodDelete, escapePath("chats", chatID, "members", membershipID), nil, nil)
}

func (w *wireClient) GetOnlineMeetingByJoinURL(ctx context.Context, joinURL string, opts *chat.GetOnlineMeetingByJoinURLOptions) (chat.GetOnlineMeetingByJoinURLResponse, error) {
	if err := argErr("joinURL", gw.CheckJoinURL(joinURL)); err != nil {
		return chat.GetOnlineMeetingByJoinURLResponse{}, err
	}
	var col gw.Collection[gw.OnlineMeeting]
	v := url.Values{"$filter": {"JoinWebUrl eq '" + quoteOData(joinURL) + "'"}}
	if err := w.do(ctx, http.MethodGet, withQuery("/me/onlineMeetings", v), nil, &col); err != nil {
		return chat.GetOnlineMeetingByJoinURLResponse{}, err
	}
	if len(col.Value) == 0 {
		return chat.GetOnlineMeetingByJoinURLResponse{}, &chat.Error{StatusCode: 404, Code: "NotFound", Message: "no meeting"}
	}
	return chat.GetOnlineMeetingByJoinURLResponse{Meeting: chatconv.MeetingFromWire(col.Value[0])}, nil
}

func (w *wireClient) FindMeetingChat(ctx context.Context, joinURL string, opts *chat.FindMeetingChatOptions) (chat.FindMeetingChatResponse, error) {
	if err := argErr("joinURL", gw.CheckJoinURL(joinURL)); err != nil {
		return chat.FindMeetingChatResponse{}, err
	}
	thread, _ := gw.ThreadIDFromJoinURL(joinURL)
	for c, err := range w.ListChats(ctx, &chat.ListChatsOptions{Type: chat.ChatTypeMeeting}) {
		if err != nil {
			return chat.FindMeetingChatResponse{}, err
		}
		if c.ID == thread || c.OnlineMeeting.JoinURL == joinURL {
			return chat.FindMeetingChatResponse{Chat: c}, nil
		}
	}
	return chat.FindMeetingChatResponse{}, &chat.Error{StatusCode: 404, Code: "NotFound", Message: "no meeting chat"}
}

func (w *wireClient) sendTo(ctx context.Context, path string, msg chat.NewMessage) (chat.Message, error) {
	var m gw.ChatMessage
	err := w.do(ctx, http.MethodPost, path, chatconv.NewMessageToWire(msg), &m)
	return chatconv.MessageFromWire(m), err
}

func (w *wireClient) SendMessage(ctx context.Context, chatID string, msg chat.NewMessage, opts *chat.SendMessageOptions) (chat.SendMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), msg.Validate()); err != nil {
		return chat.SendMessageResponse{}, err
	}
	m, err := w.sendTo(ctx, escapePath("chats", chatID, "messages"), msg)
	return chat.SendMessageResponse{Message: m}, err
}

func (w *wireClient) listMessages(ctx context.Context, target string) ([]chat.Message, string, error) {
	var col gw.Collection[gw.ChatMessage]
	if err := w.do(ctx, http.MethodGet, target, nil, &col); err != nil {
		return nil, "", err
	}
	out := make([]chat.Message, len(col.Value))
	for i, m := range col.Value {
		out[i] = chatconv.MessageFromWire(m)
	}
	return out, col.NextLink, nil
}

func (w *wireClient) ListMessages(ctx context.Context, chatID string, opts *chat.ListMessagesOptions) iter.Seq2[chat.Message, error] {
	var o chat.ListMessagesOptions
	if opts != nil {
		o = *opts
	}
	return gw.Pages(o.NextLink, func(link string) ([]chat.Message, string, error) {
		o.NextLink = link
		p, err := w.ListMessagesPage(ctx, chatID, &o)
		return p.Messages, p.NextLink, err
	})
}

func (w *wireClient) ListMessagesPage(ctx context.Context, chatID string, opts *chat.ListMessagesOptions) (chat.ListMessagesPageResponse, error) {
	if err := firstErr(checkChatID(chatID), opts.Validate()); err != nil {
		return chat.ListMessagesPageResponse{}, err
	}
	target := withQuery(escapePath("chats", chatID, "messages"), messagesValues(opts))
	if opts != nil && opts.NextLink != "" {
		target = opts.NextLink
	}
	ms, next, err := w.listMessages(ctx, target)
	return chat.ListMessagesPageResponse{Messages: ms, NextLink: next}, err
}

func (w *wireClient) GetMessage(ctx context.Context, chatID, messageID string, opts *chat.GetMessageOptions) (chat.GetMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("messageID", gw.CheckID(messageID))); err != nil {
		return chat.GetMessageResponse{}, err
	}
	var m gw.ChatMessage
	err := w.do(ctx, http.MethodGet, escapePath("chats", chatID, "messages", messageID), nil, &m)
	return chat.GetMessageResponse{Message: chatconv.MessageFromWire(m)}, err
}

func (w *wireClient) EditMessage(ctx context.Context, chatID, messageID string, msg chat.NewMessage, opts *chat.EditMessageOptions) (chat.EditMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("messageID", gw.CheckID(messageID)), msg.Validate()); err != nil {
		return chat.EditMessageResponse{}, err
	}
	return chat.EditMessageResponse{}, w.do(ctx, http.MethodPatch, escapePath("chats", chatID, "messages", messageID), chatconv.NewMessageToWire(msg), nil)
}

func (w *wireClient) action(ctx context.Context, chatID, messageID, action string, body any) error {
	if err := firstErr(checkChatID(chatID), argErr("messageID", gw.CheckID(messageID))); err != nil {
		return err
	}
	return w.do(ctx, http.MethodPost, escapePath("me", "chats", chatID, "messages", messageID, action), body, nil)
}

func (w *wireClient) SoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *chat.SoftDeleteMessageOptions) (chat.SoftDeleteMessageResponse, error) {
	return chat.SoftDeleteMessageResponse{}, w.action(ctx, chatID, messageID, "softDelete", nil)
}

func (w *wireClient) UndoSoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *chat.UndoSoftDeleteMessageOptions) (chat.UndoSoftDeleteMessageResponse, error) {
	return chat.UndoSoftDeleteMessageResponse{}, w.action(ctx, chatID, messageID, "undoSoftDelete", nil)
}

func (w *wireClient) SetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *chat.SetReactionOptions) (chat.SetReactionResponse, error) {
	if err := argErr("reactionType", gw.CheckReactionType(reactionType)); err != nil {
		return chat.SetReactionResponse{}, err
	}
	return chat.SetReactionResponse{}, w.action(ctx, chatID, messageID, "setReaction", gw.ReactionRequest{ReactionType: reactionType})
}

func (w *wireClient) UnsetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *chat.UnsetReactionOptions) (chat.UnsetReactionResponse, error) {
	if err := argErr("reactionType", gw.CheckReactionType(reactionType)); err != nil {
		return chat.UnsetReactionResponse{}, err
	}
	return chat.UnsetReactionResponse{}, w.action(ctx, chatID, messageID, "unsetReaction", gw.ReactionRequest{ReactionType: reactionType})
}

func (w *wireClient) SendChannelMessage(ctx context.Context, teamID, channelID string, msg chat.NewMessage, opts *chat.SendChannelMessageOptions) (chat.SendChannelMessageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), msg.Validate()); err != nil {
		return chat.SendChannelMessageResponse{}, err
	}
	m, err := w.sendTo(ctx, escapePath("teams", teamID, "channels", channelID, "messages"), msg)
	return chat.SendChannelMessageResponse{Message: m}, err
}

func (w *wireClient) ListChannelMessages(ctx context.Context, teamID, channelID string, opts *chat.ListChannelMessagesOptions) iter.Seq2[chat.Message, error] {
	var o chat.ListChannelMessagesOptions
	if opts != nil {
		o = *opts
	}
	return gw.Pages(o.NextLink, func(link string) ([]chat.Message, string, error) {
		o.NextLink = link
		p, err := w.ListChannelMessagesPage(ctx, teamID, channelID, &o)
		return p.Messages, p.NextLink, err
	})
}

func (w *wireClient) ListChannelMessagesPage(ctx context.Context, teamID, channelID string, opts *chat.ListChannelMessagesOptions) (chat.ListChannelMessagesPageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), opts.Validate()); err != nil {
		return chat.ListChannelMessagesPageResponse{}, err
	}
	target := escapePath("teams", teamID, "channels", channelID, "messages")
	if opts != nil {
		target = withQuery(target, topValues(opts.Top))
		if opts.NextLink != "" {
			target = opts.NextLink
		}
	}
	ms, next, err := w.listMessages(ctx, target)
	return chat.ListChannelMessagesPageResponse{Messages: ms, NextLink: next}, err
}

func (w *wireClient) ReplyToChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg chat.NewMessage, opts *chat.ReplyToChannelMessageOptions) (chat.ReplyToChannelMessageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), argErr("messageID", gw.CheckID(messageID)), msg.Validate()); err != nil {
		return chat.ReplyToChannelMessageResponse{}, err
	}
	m, err := w.sendTo(ctx, escapePath("teams", teamID, "channels", channelID, "messages", messageID, "replies"), msg)
	return chat.ReplyToChannelMessageResponse{Message: m}, err
}

func (w *wireClient) ListReplies(ctx context.Context, teamID, channelID, messageID string, opts *chat.ListRepliesOptions) iter.Seq2[chat.Message, error] {
	var o chat.ListRepliesOptions
	if opts != nil {
		o = *opts
	}
	return gw.Pages(o.NextLink, func(link string) ([]chat.Message, string, error) {
		o.NextLink = link
		p, err := w.ListRepliesPage(ctx, teamID, channelID, messageID, &o)
		return p.Messages, p.NextLink, err
	})
}

func (w *wireClient) ListRepliesPage(ctx context.Context, teamID, channelID, messageID string, opts *chat.ListRepliesOptions) (chat.ListRepliesPageResponse, error) {
	if err := firstErr(checkChannel(teamID, channelID), argErr("messageID", gw.CheckID(messageID)), opts.Validate()); err != nil {
		return chat.ListRepliesPageResponse{}, err
	}
	target := escapePath("teams", teamID, "channels", channelID, "messages", messageID, "replies")
	if opts != nil {
		target = withQuery(target, topValues(opts.Top))
		if opts.NextLink != "" {
			target = opts.NextLink
		}
	}
	ms, next, err := w.listMessages(ctx, target)
	return chat.ListRepliesPageResponse{Messages: ms, NextLink: next}, err
}
