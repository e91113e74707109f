package chat

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// ListChats lists the chats the signed-in user is a member of
// (GET /me/chats), page after page. It stops at the first error, which it
// yields once. Needs Chat.ReadBasic, Chat.Read or Chat.ReadWrite.
func (c *Client) ListChats(ctx context.Context, opts *ListChatsOptions) iter.Seq2[Chat, error] {
	var o ListChatsOptions
	if opts != nil {
		o = *opts
	}
	return graphwire.Pages(o.NextLink, func(link string) ([]Chat, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListChatsPage(ctx, &p)
		return resp.Chats, resp.NextLink, err
	})
}

// ListChatsPage reads one page of ListChats.
func (c *Client) ListChatsPage(ctx context.Context, opts *ListChatsOptions) (ListChatsPageResponse, error) {
	if err := opts.Validate(); err != nil {
		return ListChatsPageResponse{}, err
	}
	var o ListChatsOptions
	if opts != nil {
		o = *opts
	}
	b := c.me().Chats()
	cfg := &users.ItemChatsRequestBuilderGetRequestConfiguration{Options: c.reqOpts}
	if o.NextLink != "" {
		if err := c.checkLink("opts.NextLink", o.NextLink); err != nil {
			return ListChatsPageResponse{}, err
		}
		b = b.WithUrl(o.NextLink)
	} else {
		q := &users.ItemChatsRequestBuilderGetQueryParameters{Top: top32(o.Top)}
		if o.Type != "" {
			q.Filter = ptr("chatType eq '" + string(o.Type) + "'")
		}
		if o.ExpandMembers {
			q.Expand = []string{"members"}
		}
		cfg.QueryParameters = q
	}
	var out ListChatsPageResponse
	err := c.call(ctx, "list chats", func(ctx context.Context) error {
		resp, err := b.Get(ctx, cfg)
		if err != nil || resp == nil {
			return err
		}
		vals := resp.GetValue()
		out.Chats = make([]Chat, 0, len(vals))
		for _, v := range vals {
			out.Chats = append(out.Chats, chatFromGraph(v))
		}
		out.NextLink = str(resp.GetOdataNextLink())
		return nil
	})
	if err != nil {
		return ListChatsPageResponse{}, err
	}
	return out, nil
}

// GetChat reads a chat the signed-in user is a member of
// (GET /chats/{id}). Needs Chat.ReadBasic, Chat.Read or Chat.ReadWrite.
func (c *Client) GetChat(ctx context.Context, chatID string, opts *GetChatOptions) (GetChatResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return GetChatResponse{}, err
	}
	expand := opts != nil && opts.ExpandMembers
	ch, err := c.getChat(ctx, chatID, expand)
	return GetChatResponse{Chat: ch}, err
}

func (c *Client) getChat(ctx context.Context, chatID string, expand bool) (Chat, error) {
	cfg := &chats.ChatItemRequestBuilderGetRequestConfiguration{Options: c.reqOpts}
	if expand {
		cfg.QueryParameters = &chats.ChatItemRequestBuilderGetQueryParameters{Expand: []string{"members"}}
	}
	var out Chat
	err := c.call(ctx, "get chat", func(ctx context.Context) error {
		resp, err := c.chatsRoot().ByChatId(chatID).Get(ctx, cfg)
		out = chatFromGraph(resp)
		return err
	})
	if err != nil {
		return Chat{}, err
	}
	return out, nil
}

// CreateOneOnOneChat returns the one-on-one chat of the signed-in user and
// otherUserID (POST /chats with both users as owners). Graph returns the
// existing chat when there is one rather than creating a second, so calling
// it again is safe. Needs Chat.Create (or Chat.ReadWrite) and User.Read.
func (c *Client) CreateOneOnOneChat(ctx context.Context, otherUserID string, opts *CreateOneOnOneChatOptions) (CreateOneOnOneChatResponse, error) {
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
	body := models.NewChat()
	body.SetChatType(ptr(models.ONEONONE_CHATTYPE))
	body.SetMembers([]models.ConversationMemberable{
		memberToGraph(c.baseURL, me, nil, timeZero, false),
		memberToGraph(c.baseURL, otherUserID, nil, timeZero, false),
	})
	ch, err := c.createChat(ctx, body)
	return CreateOneOnOneChatResponse{Chat: ch}, err
}

// CreateGroupChat creates a group chat of the signed-in user, added as an
// owner, and userIDs (at least two other users, object ids or user
// principal names) with an optional topic (POST /chats). Needs Chat.Create
// (or Chat.ReadWrite) and User.Read.
func (c *Client) CreateGroupChat(ctx context.Context, topic string, userIDs []string, opts *CreateGroupChatOptions) (CreateGroupChatResponse, error) {
	if len(userIDs) < 2 {
		return CreateGroupChatResponse{}, &ArgumentError{Arg: "userIDs", Problem: "must name at least two users besides the signed-in user"}
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
	body := models.NewChat()
	body.SetChatType(ptr(models.GROUP_CHATTYPE))
	if topic != "" {
		body.SetTopic(ptr(topic))
	}
	members := make([]models.ConversationMemberable, 0, len(userIDs)+1)
	members = append(members, memberToGraph(c.baseURL, me, nil, timeZero, false))
	for _, id := range userIDs {
		members = append(members, memberToGraph(c.baseURL, id, nil, timeZero, false))
	}
	body.SetMembers(members)
	ch, err := c.createChat(ctx, body)
	return CreateGroupChatResponse{Chat: ch}, err
}

// createChat posts a new chat and returns it with its members: when the
// response leaves them out, as Graph's does, they are read back.
func (c *Client) createChat(ctx context.Context, body models.Chatable) (Chat, error) {
	var out Chat
	err := c.call(ctx, "create chat", func(ctx context.Context) error {
		resp, err := c.chatsRoot().Post(ctx, body, &chats.ChatsRequestBuilderPostRequestConfiguration{Options: c.reqOpts})
		out = chatFromGraph(resp)
		return err
	})
	if err != nil {
		return Chat{}, err
	}
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
func (c *Client) ListMembers(ctx context.Context, chatID string, opts *ListMembersOptions) (ListMembersResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return ListMembersResponse{}, err
	}
	b := c.chatsRoot().ByChatId(chatID).Members()
	out := ListMembersResponse{Members: []Member{}}
	link := ""
	for {
		if link != "" {
			if err := c.checkLink("nextLink", link); err != nil {
				return ListMembersResponse{}, err
			}
			b = b.WithUrl(link)
		}
		next := ""
		err := c.call(ctx, "list members", func(ctx context.Context) error {
			resp, err := b.Get(ctx, &chats.ItemMembersRequestBuilderGetRequestConfiguration{Options: c.reqOpts})
			if err != nil || resp == nil {
				return err
			}
			for _, m := range resp.GetValue() {
				out.Members = append(out.Members, memberFromGraph(m))
			}
			next = str(resp.GetOdataNextLink())
			return nil
		})
		if err != nil {
			return ListMembersResponse{}, err
		}
		if next == "" || next == link {
			return out, nil
		}
		link = next
	}
}

// AddMember adds a user to a group or meeting chat
// (POST /chats/{id}/members). Needs ChatMember.ReadWrite.
func (c *Client) AddMember(ctx context.Context, chatID, userID string, opts *AddMemberOptions) (AddMemberResponse, error) {
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
	body := memberToGraph(c.baseURL, userID, o.Roles, o.VisibleHistoryStartAt, o.ShareAllHistory)
	var out Member
	err := c.call(ctx, "add member", func(ctx context.Context) error {
		resp, err := c.chatsRoot().ByChatId(chatID).Members().Post(ctx, body, &chats.ItemMembersRequestBuilderPostRequestConfiguration{Options: c.reqOpts})
		out = memberFromGraph(resp)
		return err
	})
	if err != nil {
		return AddMemberResponse{}, err
	}
	return AddMemberResponse{Member: out}, nil
}

// RemoveMember removes a membership (Member.ID) from a group or meeting chat
// (DELETE /chats/{id}/members/{membershipId}). Needs ChatMember.ReadWrite.
func (c *Client) RemoveMember(ctx context.Context, chatID, membershipID string, opts *RemoveMemberOptions) (RemoveMemberResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return RemoveMemberResponse{}, err
	}
	if err := checkArg("membershipID", graphwire.CheckID(membershipID)); err != nil {
		return RemoveMemberResponse{}, err
	}
	err := c.call(ctx, "remove member", func(ctx context.Context) error {
		return c.chatsRoot().ByChatId(chatID).Members().ByConversationMemberId(membershipID).Delete(ctx,
			&chats.ItemMembersConversationMemberItemRequestBuilderDeleteRequestConfiguration{Options: c.reqOpts})
	})
	return RemoveMemberResponse{}, err
}
