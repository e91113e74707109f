package chat

import (
	"context"
	"iter"

	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// channelMessages returns the URL of
// /teams/{team}/channels/{channel}/messages[/{more}].
func (c *Client) channelMessages(teamID, channelID string, more ...string) string {
	return c.path(append([]string{"teams", teamID, "channels", channelID, "messages"}, more...)...)
}

func checkChannel(teamID, channelID string) error {
	if err := checkArg("teamID", graphwire.CheckTeamID(teamID)); err != nil {
		return err
	}
	return checkArg("channelID", graphwire.CheckChannelID(channelID))
}

// SendChannelMessage posts a new message in a channel of a team
// (POST /teams/{id}/channels/{id}/messages). The retry rules of
// SendMessage apply. Needs ChannelMessage.Send.
func (c *Client) SendChannelMessage(ctx context.Context, teamID, channelID string, msg NewMessage, opts *SendChannelMessageOptions) (_ SendChannelMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SendChannelMessage")
	defer func() { endSpan(err) }()
	if err := checkChannel(teamID, channelID); err != nil {
		return SendChannelMessageResponse{}, err
	}
	if err := msg.Validate(); err != nil {
		return SendChannelMessageResponse{}, err
	}
	var w graphwire.ChatMessage
	if err := c.do(ctx, "send channel message", http.MethodPost, c.channelMessages(teamID, channelID), newMessageToWire(msg), &w); err != nil {
		return SendChannelMessageResponse{}, err
	}
	out := messageFromWire(&w)
	fillChannel(&out, teamID, channelID, "")
	return SendChannelMessageResponse{Message: out}, nil
}

// ListChannelMessages lists the top-level messages of a channel, newest
// first, page after page (GET /teams/{id}/channels/{id}/messages). Needs
// ChannelMessage.Read.All.
func (c *Client) ListChannelMessages(ctx context.Context, teamID, channelID string, opts *ListChannelMessagesOptions) iter.Seq2[Message, error] {
	var o ListChannelMessagesOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]Message, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListChannelMessagesPage(ctx, teamID, channelID, &p)
		return resp.Messages, resp.NextLink, err
	})
}

// ListChannelMessagesPage reads one page of ListChannelMessages.
func (c *Client) ListChannelMessagesPage(ctx context.Context, teamID, channelID string, opts *ListChannelMessagesOptions) (_ ListChannelMessagesPageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListChannelMessagesPage")
	defer func() { endSpan(err) }()
	if err := checkChannel(teamID, channelID); err != nil {
		return ListChannelMessagesPageResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return ListChannelMessagesPageResponse{}, err
	}
	var o ListChannelMessagesOptions
	if opts != nil {
		o = *opts
	}
	msgs, next, err := c.channelPage(ctx, "list channel messages", o.NextLink, o.Top, o.ExpandReplies, teamID, channelID, "")
	return ListChannelMessagesPageResponse{Messages: msgs, NextLink: next}, err
}

// ReplyToChannelMessage replies to a top-level channel message
// (POST /teams/{id}/channels/{id}/messages/{id}/replies). The retry rules of
// SendMessage apply. Needs ChannelMessage.Send.
func (c *Client) ReplyToChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg NewMessage, opts *ReplyToChannelMessageOptions) (_ ReplyToChannelMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ReplyToChannelMessage")
	defer func() { endSpan(err) }()
	if err := checkChannel(teamID, channelID); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	if err := checkArg("messageID", graphwire.CheckID(messageID)); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	if err := msg.Validate(); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	var w graphwire.ChatMessage
	if err := c.do(ctx, "reply to channel message", http.MethodPost, c.channelMessages(teamID, channelID, messageID, "replies"), newMessageToWire(msg), &w); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	out := messageFromWire(&w)
	fillChannel(&out, teamID, channelID, messageID)
	return ReplyToChannelMessageResponse{Message: out}, nil
}

// ListReplies lists the replies to a top-level channel message, newest
// first, page after page (GET .../messages/{id}/replies). Needs
// ChannelMessage.Read.All.
func (c *Client) ListReplies(ctx context.Context, teamID, channelID, messageID string, opts *ListRepliesOptions) iter.Seq2[Message, error] {
	var o ListRepliesOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]Message, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListRepliesPage(ctx, teamID, channelID, messageID, &p)
		return resp.Messages, resp.NextLink, err
	})
}

// ListRepliesPage reads one page of ListReplies.
func (c *Client) ListRepliesPage(ctx context.Context, teamID, channelID, messageID string, opts *ListRepliesOptions) (_ ListRepliesPageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListRepliesPage")
	defer func() { endSpan(err) }()
	if err := checkChannel(teamID, channelID); err != nil {
		return ListRepliesPageResponse{}, err
	}
	if err := checkArg("messageID", graphwire.CheckID(messageID)); err != nil {
		return ListRepliesPageResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return ListRepliesPageResponse{}, err
	}
	var o ListRepliesOptions
	if opts != nil {
		o = *opts
	}
	msgs, next, err := c.channelPage(ctx, "list replies", o.NextLink, o.Top, false, teamID, channelID, messageID)
	return ListRepliesPageResponse{Messages: msgs, NextLink: next}, err
}

// channelPage reads one page of a channel's messages (replyTo "") or of
// the replies to replyTo: the page at link, or the first page of top, with
// the replies inline when expand.
func (c *Client) channelPage(ctx context.Context, op, link string, top int, expand bool, teamID, channelID, replyTo string) ([]Message, string, error) {
	target := link
	if target != "" {
		if err := c.checkLink("opts.NextLink", target); err != nil {
			return nil, "", err
		}
	} else if replyTo == "" {
		q := odataQuery{}.addTop(top)
		if expand {
			q = q.add("$expand", "replies")
		}
		target = q.on(c.channelMessages(teamID, channelID))
	} else {
		target = odataQuery{}.addTop(top).on(c.channelMessages(teamID, channelID, replyTo, "replies"))
	}
	var page graphwire.Collection[graphwire.ChatMessage]
	if err := c.do(ctx, op, http.MethodGet, target, nil, &page); err != nil {
		return nil, "", err
	}
	out := make([]Message, len(page.Value))
	for i := range page.Value {
		out[i] = messageFromWire(&page.Value[i])
		fillChannel(&out[i], teamID, channelID, replyTo)
		for k := range out[i].Replies {
			fillChannel(&out[i].Replies[k], teamID, channelID, out[i].ID)
		}
	}
	return out, page.NextLink, nil
}

// fillChannel completes what Graph may leave out of a channel message.
func fillChannel(m *Message, teamID, channelID, replyTo string) {
	if m.TeamID == "" {
		m.TeamID = teamID
	}
	if m.ChannelID == "" {
		m.ChannelID = channelID
	}
	if m.ReplyToID == "" {
		m.ReplyToID = replyTo
	}
}

// EditChannelMessage replaces the body (and mentions) of a channel message
// the signed-in user sent: the top-level message messageID, or, when
// opts.ReplyToID is set, the reply messageID to that top-level message
// (PATCH /teams/{id}/channels/{id}/messages/{id}[/replies/{id}],
// https://learn.microsoft.com/graph/api/chatmessage-update, "Permissions
// for channel"). Needs ChannelMessage.ReadWrite.
func (c *Client) EditChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg NewMessage, opts *EditChannelMessageOptions) (_ EditChannelMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.EditChannelMessage")
	defer func() { endSpan(err) }()
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	err = c.edit(ctx, "edit channel message", graphwire.ChannelMessageRef(teamID, channelID, messageID, replyTo), msg)
	return EditChannelMessageResponse{}, err
}

// SoftDeleteChannelMessage deletes a channel message or reply the
// signed-in user sent, restorably
// (POST /teams/{id}/channels/{id}/messages/{id}[/replies/{id}]/softDelete,
// https://learn.microsoft.com/graph/api/chatmessage-softdelete). Needs
// ChannelMessage.ReadWrite.
func (c *Client) SoftDeleteChannelMessage(ctx context.Context, teamID, channelID, messageID string, opts *SoftDeleteChannelMessageOptions) (_ SoftDeleteChannelMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SoftDeleteChannelMessage")
	defer func() { endSpan(err) }()
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	err = c.softDelete(ctx, "soft-delete channel message", graphwire.ChannelMessageRef(teamID, channelID, messageID, replyTo), "softDelete")
	return SoftDeleteChannelMessageResponse{}, err
}

// UndoSoftDeleteChannelMessage restores a soft-deleted channel message or
// reply (POST …/undoSoftDelete,
// https://learn.microsoft.com/graph/api/chatmessage-undosoftdelete). Needs
// ChannelMessage.ReadWrite.
func (c *Client) UndoSoftDeleteChannelMessage(ctx context.Context, teamID, channelID, messageID string, opts *UndoSoftDeleteChannelMessageOptions) (_ UndoSoftDeleteChannelMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UndoSoftDeleteChannelMessage")
	defer func() { endSpan(err) }()
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	err = c.softDelete(ctx, "undo soft-delete of channel message", graphwire.ChannelMessageRef(teamID, channelID, messageID, replyTo), "undoSoftDelete")
	return UndoSoftDeleteChannelMessageResponse{}, err
}

// SetChannelMessageReaction sets the signed-in user's reaction to a
// channel message or reply (POST …/setReaction,
// https://learn.microsoft.com/graph/api/chatmessage-setreaction). Needs
// ChannelMessage.Send.
func (c *Client) SetChannelMessageReaction(ctx context.Context, teamID, channelID, messageID, reactionType string, opts *SetChannelMessageReactionOptions) (_ SetChannelMessageReactionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SetChannelMessageReaction")
	defer func() { endSpan(err) }()
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	err = c.react(ctx, "set channel message reaction", graphwire.ChannelMessageRef(teamID, channelID, messageID, replyTo), "setReaction", reactionType)
	return SetChannelMessageReactionResponse{}, err
}

// UnsetChannelMessageReaction removes the signed-in user's reaction from a
// channel message or reply (POST …/unsetReaction,
// https://learn.microsoft.com/graph/api/chatmessage-unsetreaction). Needs
// ChannelMessage.Send.
func (c *Client) UnsetChannelMessageReaction(ctx context.Context, teamID, channelID, messageID, reactionType string, opts *UnsetChannelMessageReactionOptions) (_ UnsetChannelMessageReactionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UnsetChannelMessageReaction")
	defer func() { endSpan(err) }()
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	err = c.react(ctx, "unset channel message reaction", graphwire.ChannelMessageRef(teamID, channelID, messageID, replyTo), "unsetReaction", reactionType)
	return UnsetChannelMessageReactionResponse{}, err
}
