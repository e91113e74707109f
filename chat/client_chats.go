package chat

import (
	"context"
	"iter"
	"strconv"
	"strings"
	"time"

	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// ListChats lists the chats the signed-in user is a member of
// (GET /me/chats), page after page, filtered, ordered and expanded as opts
// say (chatsQuery). It stops at the first error, which it yields once.
// Needs Chat.ReadBasic, Chat.Read or Chat.ReadWrite; Chat.ReadBasic reads
// no message content, so ExpandLastMessagePreview may need Chat.Read.
// TeamsChatList gives the options of the list the Teams client shows.
func (c *Client) ListChats(ctx context.Context, opts *ListChatsOptions) iter.Seq2[Chat, error] {
	var o ListChatsOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]Chat, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListChatsPage(ctx, &p)
		return resp.Chats, resp.NextLink, err
	})
}

// ListChatsPage reads one page of ListChats.
func (c *Client) ListChatsPage(ctx context.Context, opts *ListChatsOptions) (_ ListChatsPageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListChatsPage")
	defer func() { endSpan(err) }()
	if err := opts.Validate(); err != nil {
		return ListChatsPageResponse{}, err
	}
	var o ListChatsOptions
	if opts != nil {
		o = *opts
	}
	target := o.NextLink
	if target != "" {
		if err := c.checkLink("opts.NextLink", target); err != nil {
			return ListChatsPageResponse{}, err
		}
	} else {
		target = chatsQuery(o).on(c.path("me", "chats"))
	}
	var page graphwire.Collection[graphwire.Chat]
	if err := c.do(ctx, "list chats", http.MethodGet, target, nil, &page); err != nil {
		return ListChatsPageResponse{}, err
	}
	return ListChatsPageResponse{Chats: convertAll(page.Value, chatFromWire), NextLink: page.NextLink}, nil
}

// chatsQuery is the query of ListChatsOptions that Validate accepted: the
// options chat-list documents (https://learn.microsoft.com/graph/api/chat-list,
// "Optional query parameters"): $expand of members and lastMessagePreview,
// $orderby=lastMessagePreview/createdDateTime desc (the one order, "Ascending
// order is currently not supported"), $filter (chatType, and a member's
// display name as its example), $top.
func chatsQuery(o ListChatsOptions) odataQuery {
	q := odataQuery{}
	var expand []string
	if o.ExpandMembers {
		expand = append(expand, "members")
	}
	if o.ExpandLastMessagePreview {
		expand = append(expand, "lastMessagePreview")
	}
	if len(expand) > 0 {
		q = q.add("$expand", strings.Join(expand, ","))
	}
	var filters []string
	if o.Type != "" {
		filters = append(filters, "chatType eq '"+string(o.Type)+"'")
	}
	if o.MemberDisplayName != "" {
		filters = append(filters, "members/any(o: o/displayName eq '"+odataQuote(o.MemberDisplayName)+"')")
	}
	if len(filters) > 0 {
		q = q.add("$filter", strings.Join(filters, " and "))
	}
	if o.OrderByLastMessage {
		q = q.add("$orderby", "lastMessagePreview/createdDateTime desc")
	}
	return q.addTop(o.Top)
}

// GetChat reads a chat the signed-in user is a member of
// (GET /chats/{id}). Needs Chat.ReadBasic, Chat.Read or Chat.ReadWrite.
func (c *Client) GetChat(ctx context.Context, chatID string, opts *GetChatOptions) (_ GetChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetChat")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return GetChatResponse{}, err
	}
	expand := opts != nil && opts.ExpandMembers
	ch, err := c.getChat(ctx, chatID, expand)
	return GetChatResponse{Chat: ch}, err
}

func (c *Client) getChat(ctx context.Context, chatID string, expand bool) (Chat, error) {
	q := odataQuery{}
	if expand {
		q = q.add("$expand", "members")
	}
	var w graphwire.Chat
	if err := c.do(ctx, "get chat", http.MethodGet, q.on(c.path("chats", chatID)), nil, &w); err != nil {
		return Chat{}, err
	}
	return chatFromWire(&w), nil
}

// CreateOneOnOneChat returns the one-on-one chat of the signed-in user and
// otherUserID (POST /chats with both users as owners). Graph returns the
// existing chat when there is one rather than creating a second, so calling
// it again is safe. Needs Chat.Create (or Chat.ReadWrite) and User.Read.
func (c *Client) CreateOneOnOneChat(ctx context.Context, otherUserID string, opts *CreateOneOnOneChatOptions) (_ CreateOneOnOneChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.CreateOneOnOneChat")
	defer func() { endSpan(err) }()
	if err := checkArg("otherUserID", graphwire.CheckUserID(otherUserID)); err != nil {
		return CreateOneOnOneChatResponse{}, err
	}
	me, err := c.myID(ctx)
	if err != nil {
		return CreateOneOnOneChatResponse{}, err
	}
	if strings.EqualFold(me, otherUserID) {
		return CreateOneOnOneChatResponse{}, &ArgumentError{Arg: "otherUserID", Problem: "is the signed-in user (whose own chat is " + SelfChatID + ")"}
	}
	body := graphwire.NewChat{ChatType: string(ChatTypeOneOnOne), Members: []graphwire.ConversationMember{
		memberBind(c.baseURL, me, nil, time.Time{}, false),
		memberBind(c.baseURL, otherUserID, nil, time.Time{}, false),
	}}
	ch, err := c.createChat(ctx, body)
	return CreateOneOnOneChatResponse{Chat: ch}, err
}

// CreateGroupChat creates a group chat of the signed-in user, added as an
// owner, and userIDs (at least one other user, object ids or user principal
// names) with an optional topic (POST /chats). Graph documents no minimum
// for a group chat and creates one of two members
// (https://learn.microsoft.com/graph/api/chat-post; microsoftgraph/microsoft-graph-docs#19197),
// which is not the one-on-one chat of the same two users. Needs Chat.Create
// (or Chat.ReadWrite) and User.Read.
func (c *Client) CreateGroupChat(ctx context.Context, topic string, userIDs []string, opts *CreateGroupChatOptions) (_ CreateGroupChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.CreateGroupChat")
	defer func() { endSpan(err) }()
	if len(userIDs) < 1 {
		return CreateGroupChatResponse{}, &ArgumentError{Arg: "userIDs", Problem: "must name at least one user besides the signed-in user"}
	}
	seen := make(map[string]bool, len(userIDs))
	for i, id := range userIDs {
		arg := "userIDs[" + strconv.Itoa(i) + "]"
		if err := checkArg(arg, graphwire.CheckUserID(id)); err != nil {
			return CreateGroupChatResponse{}, err
		}
		k := strings.ToLower(id)
		if seen[k] {
			return CreateGroupChatResponse{}, &ArgumentError{Arg: arg, Problem: "is named twice"}
		}
		seen[k] = true
	}
	if len(topic) > 250 {
		return CreateGroupChatResponse{}, &ArgumentError{Arg: "topic", Problem: "is longer than 250 bytes"}
	}
	me, err := c.myID(ctx)
	if err != nil {
		return CreateGroupChatResponse{}, err
	}
	if seen[strings.ToLower(me)] {
		return CreateGroupChatResponse{}, &ArgumentError{Arg: "userIDs", Problem: "must not name the signed-in user, who is added as owner"}
	}
	body := graphwire.NewChat{ChatType: string(ChatTypeGroup), Topic: strPtr(topic), Members: make([]graphwire.ConversationMember, 0, len(userIDs)+1)}
	body.Members = append(body.Members, memberBind(c.baseURL, me, nil, time.Time{}, false))
	for _, id := range userIDs {
		body.Members = append(body.Members, memberBind(c.baseURL, id, nil, time.Time{}, false))
	}
	ch, err := c.createChat(ctx, body)
	return CreateGroupChatResponse{Chat: ch}, err
}

// createChat posts a new chat and returns it with its members: when the
// response leaves them out, as Graph's does, they are read back.
func (c *Client) createChat(ctx context.Context, body graphwire.NewChat) (Chat, error) {
	var w graphwire.Chat
	if err := c.do(ctx, "create chat", http.MethodPost, c.path("chats"), body, &w); err != nil {
		return Chat{}, err
	}
	out := chatFromWire(&w)
	if out.Members == nil && out.ID != "" {
		full, err := c.getChat(ctx, out.ID, true)
		if err != nil {
			return Chat{}, err
		}
		out = full
	}
	return out, nil
}

// ListMembers lists a chat's members (GET /chats/{id}/members). Needs
// ChatMember.Read, Chat.Read or Chat.ReadWrite.
func (c *Client) ListMembers(ctx context.Context, chatID string, opts *ListMembersOptions) (_ ListMembersResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListMembers")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return ListMembersResponse{}, err
	}
	out := ListMembersResponse{Members: []Member{}}
	err = listAll(ctx, c, "list members", c.path("chats", chatID, "members"), func(ms []graphwire.ConversationMember) {
		for i := range ms {
			out.Members = append(out.Members, memberFromWire(&ms[i]))
		}
	})
	if err != nil {
		return ListMembersResponse{}, err
	}
	return out, nil
}

// AddMember adds a user to a group or meeting chat
// (POST /chats/{id}/members). Needs ChatMember.ReadWrite.
func (c *Client) AddMember(ctx context.Context, chatID, userID string, opts *AddMemberOptions) (_ AddMemberResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.AddMember")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return AddMemberResponse{}, err
	}
	if err := checkArg("userID", graphwire.CheckUserID(userID)); err != nil {
		return AddMemberResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return AddMemberResponse{}, err
	}
	var o AddMemberOptions
	if opts != nil {
		o = *opts
	}
	body := memberBind(c.baseURL, userID, o.Roles, o.VisibleHistoryStartAt, o.ShareAllHistory)
	var w graphwire.ConversationMember
	if err := c.do(ctx, "add member", http.MethodPost, c.path("chats", chatID, "members"), body, &w); err != nil {
		return AddMemberResponse{}, err
	}
	return AddMemberResponse{Member: memberFromWire(&w)}, nil
}

// RemoveMember removes a membership (Member.ID) from a group or meeting chat
// (DELETE /chats/{id}/members/{membershipId}). Needs ChatMember.ReadWrite.
func (c *Client) RemoveMember(ctx context.Context, chatID, membershipID string, opts *RemoveMemberOptions) (_ RemoveMemberResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.RemoveMember")
	defer func() { endSpan(err) }()
	if err := checkChatID(chatID); err != nil {
		return RemoveMemberResponse{}, err
	}
	if err := checkArg("membershipID", graphwire.CheckID(membershipID)); err != nil {
		return RemoveMemberResponse{}, err
	}
	err = c.do(ctx, "remove member", http.MethodDelete, c.path("chats", chatID, "members", membershipID), nil, nil)
	return RemoveMemberResponse{}, err
}
