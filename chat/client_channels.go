package chat

import (
	"context"
	"iter"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// channelMessages returns the builder of
// /teams/{team}/channels/{channel}/messages.
func (c *Client) channelMessages(teamID, channelID string) *teams.ItemChannelsItemMessagesRequestBuilder {
	return teams.NewTeamsRequestBuilderInternal(map[string]string{}, c.adapter).ByTeamId(teamID).Channels().ByChannelId(channelID).Messages()
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
func (c *Client) SendChannelMessage(ctx context.Context, teamID, channelID string, msg NewMessage, opts *SendChannelMessageOptions) (SendChannelMessageResponse, error) {
	if err := checkChannel(teamID, channelID); err != nil {
		return SendChannelMessageResponse{}, err
	}
	if err := msg.Validate(); err != nil {
		return SendChannelMessageResponse{}, err
	}
	body := messageToGraph(msg)
	var out Message
	err := c.call(ctx, "send channel message", func(ctx context.Context) error {
		resp, err := c.channelMessages(teamID, channelID).Post(ctx, body, &teams.ItemChannelsItemMessagesRequestBuilderPostRequestConfiguration{Options: c.reqOpts})
		out = messageFromGraph(resp)
		return err
	})
	if err != nil {
		return SendChannelMessageResponse{}, err
	}
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
	return graphwire.Pages(o.NextLink, func(link string) ([]Message, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListChannelMessagesPage(ctx, teamID, channelID, &p)
		return resp.Messages, resp.NextLink, err
	})
}

// ListChannelMessagesPage reads one page of ListChannelMessages.
func (c *Client) ListChannelMessagesPage(ctx context.Context, teamID, channelID string, opts *ListChannelMessagesOptions) (ListChannelMessagesPageResponse, error) {
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
	b := c.channelMessages(teamID, channelID)
	cfg := &teams.ItemChannelsItemMessagesRequestBuilderGetRequestConfiguration{Options: c.reqOpts}
	if o.NextLink != "" {
		if err := c.checkLink("opts.NextLink", o.NextLink); err != nil {
			return ListChannelMessagesPageResponse{}, err
		}
		b = b.WithUrl(o.NextLink)
	} else {
		cfg.QueryParameters = &teams.ItemChannelsItemMessagesRequestBuilderGetQueryParameters{Top: top32(o.Top)}
	}
	var out ListChannelMessagesPageResponse
	err := c.call(ctx, "list channel messages", func(ctx context.Context) error {
		resp, err := b.Get(ctx, cfg)
		if err != nil || resp == nil {
			return err
		}
		out.Messages, out.NextLink = channelPage(resp.GetValue(), resp.GetOdataNextLink(), teamID, channelID, "")
		return nil
	})
	if err != nil {
		return ListChannelMessagesPageResponse{}, err
	}
	return out, nil
}

// ReplyToChannelMessage replies to a top-level channel message
// (POST /teams/{id}/channels/{id}/messages/{id}/replies). The retry rules of
// SendMessage apply. Needs ChannelMessage.Send.
func (c *Client) ReplyToChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg NewMessage, opts *ReplyToChannelMessageOptions) (ReplyToChannelMessageResponse, error) {
	if err := checkChannel(teamID, channelID); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	if err := checkArg("messageID", graphwire.CheckID(messageID)); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	if err := msg.Validate(); err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
	body := messageToGraph(msg)
	var out Message
	err := c.call(ctx, "reply to channel message", func(ctx context.Context) error {
		resp, err := c.channelMessages(teamID, channelID).ByChatMessageId(messageID).Replies().Post(ctx, body,
			&teams.ItemChannelsItemMessagesItemRepliesRequestBuilderPostRequestConfiguration{Options: c.reqOpts})
		out = messageFromGraph(resp)
		return err
	})
	if err != nil {
		return ReplyToChannelMessageResponse{}, err
	}
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
	return graphwire.Pages(o.NextLink, func(link string) ([]Message, string, error) {
		p := o
		p.NextLink = link
		resp, err := c.ListRepliesPage(ctx, teamID, channelID, messageID, &p)
		return resp.Messages, resp.NextLink, err
	})
}

// ListRepliesPage reads one page of ListReplies.
func (c *Client) ListRepliesPage(ctx context.Context, teamID, channelID, messageID string, opts *ListRepliesOptions) (ListRepliesPageResponse, error) {
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
	b := c.channelMessages(teamID, channelID).ByChatMessageId(messageID).Replies()
	cfg := &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetRequestConfiguration{Options: c.reqOpts}
	if o.NextLink != "" {
		if err := c.checkLink("opts.NextLink", o.NextLink); err != nil {
			return ListRepliesPageResponse{}, err
		}
		b = b.WithUrl(o.NextLink)
	} else {
		cfg.QueryParameters = &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetQueryParameters{Top: top32(o.Top)}
	}
	var out ListRepliesPageResponse
	err := c.call(ctx, "list replies", func(ctx context.Context) error {
		resp, err := b.Get(ctx, cfg)
		if err != nil || resp == nil {
			return err
		}
		out.Messages, out.NextLink = channelPage(resp.GetValue(), resp.GetOdataNextLink(), teamID, channelID, messageID)
		return nil
	})
	if err != nil {
		return ListRepliesPageResponse{}, err
	}
	return out, nil
}

func channelPage(vals []models.ChatMessageable, next *string, teamID, channelID, replyTo string) ([]Message, string) {
	out := make([]Message, 0, len(vals))
	for _, v := range vals {
		m := messageFromGraph(v)
		fillChannel(&m, teamID, channelID, replyTo)
		out = append(out, m)
	}
	return out, str(next)
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
