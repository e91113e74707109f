package chat

import (
	"context"
	"errors"
	"strings"

	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
)

// parseJoinURL validates a Teams join link as calling.ParseJoinLink does:
// both use internal/meetinglink.
func parseJoinURL(joinURL string) (meetinglink.Locator, error) {
	loc, err := meetinglink.Parse(joinURL)
	var e *meetinglink.Error
	if errors.As(err, &e) {
		return loc, &ArgumentError{Arg: "joinURL", Problem: e.Problem}
	}
	return loc, err
}

// GetOnlineMeetingByJoinURL finds an online meeting the signed-in user
// organizes by its join link (GET /me/onlineMeetings?$filter=JoinWebUrl eq
// '…'), and with it the meeting's chat id. The link is validated and put in
// normal form, as calling.ParseJoinLink does, before anything is sent; when the
// normal form finds nothing and differs from the link as given, the link as
// given is tried too. A meeting the user does not organize is not found
// (IsNotFound). Needs OnlineMeetings.Read.
func (c *Client) GetOnlineMeetingByJoinURL(ctx context.Context, joinURL string, opts *GetOnlineMeetingByJoinURLOptions) (_ GetOnlineMeetingByJoinURLResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetOnlineMeetingByJoinURL")
	defer func() { endSpan(err) }()
	loc, err := parseJoinURL(joinURL)
	if err != nil {
		return GetOnlineMeetingByJoinURLResponse{}, err
	}
	candidates := []string{loc.JoinURL}
	if given := strings.TrimSpace(joinURL); given != loc.JoinURL {
		candidates = append(candidates, given)
	}
	for _, link := range candidates {
		m, found, err := c.meetingByJoinURL(ctx, link)
		if err != nil {
			return GetOnlineMeetingByJoinURLResponse{}, err
		}
		if found {
			return GetOnlineMeetingByJoinURLResponse{Meeting: m}, nil
		}
	}
	return GetOnlineMeetingByJoinURLResponse{}, notFound("no online meeting organized by the signed-in user has this join link")
}

func (c *Client) meetingByJoinURL(ctx context.Context, link string) (OnlineMeeting, bool, error) {
	return c.meetingByFilter(ctx, "JoinWebUrl eq '"+odataQuote(link)+"'")
}

// meetingByFilter reads the first of the user's online meetings that match
// an OData filter (Graph's list takes only a filter on the join link or the
// join meeting id).
func (c *Client) meetingByFilter(ctx context.Context, filter string) (OnlineMeeting, bool, error) {
	var page graphwire.Collection[graphwire.OnlineMeeting]
	if err := c.do(ctx, "get online meeting", http.MethodGet, odataQuery{}.add("$filter", filter).on(c.path("me", "onlineMeetings")), nil, &page); err != nil {
		return OnlineMeeting{}, false, err
	}
	if len(page.Value) == 0 {
		return OnlineMeeting{}, false, nil
	}
	return meetingFromWire(&page.Value[0]), true, nil
}

// FindMeetingChat finds the chat of the meeting with this join link among
// the chats the signed-in user is a member of. A classic link carries the
// chat's thread id, which is read directly (GET /chats/{thread id}); for a
// short link (/meet/…) the meeting is looked up among those the user
// organizes (GetOnlineMeetingByJoinURL), and otherwise among the user's
// meeting chats (GET /me/chats?$filter=chatType eq 'meeting'), by join link.
// IsNotFound reports that the user is in no such chat. A channel meeting has
// no chat of its own (its conversation is the channel post): that link is an
// *ArgumentError. Needs Chat.ReadBasic or Chat.Read, and OnlineMeetings.Read
// for short links.
func (c *Client) FindMeetingChat(ctx context.Context, joinURL string, opts *FindMeetingChatOptions) (_ FindMeetingChatResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.FindMeetingChat")
	defer func() { endSpan(err) }()
	loc, err := parseJoinURL(joinURL)
	if err != nil {
		return FindMeetingChatResponse{}, err
	}
	if loc.IsChannelMeeting {
		return FindMeetingChatResponse{}, &ArgumentError{Arg: "joinURL", Problem: "is a channel meeting's link; its conversation is the channel post, not a chat"}
	}
	const none = "the signed-in user is in no chat of the meeting with this join link"
	thread := loc.ChatThreadID()
	if thread == "" {
		resp, err := c.GetOnlineMeetingByJoinURL(ctx, joinURL, nil)
		switch {
		case err == nil:
			thread = resp.Meeting.ChatID
		case IsNotFound(err) || IsForbidden(err):
			// Not the organizer (or no OnlineMeetings.Read): search the chats.
		default:
			return FindMeetingChatResponse{}, err
		}
	}
	if thread != "" {
		if err := checkChatID(thread); err != nil {
			return FindMeetingChatResponse{}, notFound(none)
		}
		ch, err := c.getChat(ctx, thread, false)
		if err != nil {
			if IsNotFound(err) || IsForbidden(err) {
				return FindMeetingChatResponse{}, notFound(none)
			}
			return FindMeetingChatResponse{}, err
		}
		return FindMeetingChatResponse{Chat: ch}, nil
	}
	for ch, err := range c.ListChats(ctx, &ListChatsOptions{Type: ChatTypeMeeting, Top: MaxPageSize}) {
		if err != nil {
			return FindMeetingChatResponse{}, err
		}
		if ch.OnlineMeeting.JoinURL == "" {
			continue
		}
		if other, err := meetinglink.Parse(ch.OnlineMeeting.JoinURL); err == nil && meetinglink.SameMeeting(loc, other) {
			return FindMeetingChatResponse{Chat: ch}, nil
		}
	}
	return FindMeetingChatResponse{}, notFound(none)
}

// CreateOnlineMeeting creates an online meeting organized by the signed-in
// user (POST /me/onlineMeetings), and with it the meeting's chat, of which
// the organizer and the attendees are members. The options are checked
// (CreateOnlineMeetingOptions.Validate) before anything is sent. The POST
// is not sent again after a failure the service may have processed (a
// second meeting would be created); 429 and 503 with Retry-After are
// retried. Needs OnlineMeetings.ReadWrite.
func (c *Client) CreateOnlineMeeting(ctx context.Context, opts *CreateOnlineMeetingOptions) (_ CreateOnlineMeetingResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.CreateOnlineMeeting")
	defer func() { endSpan(err) }()
	if err := opts.Validate(); err != nil {
		return CreateOnlineMeetingResponse{}, err
	}
	var o CreateOnlineMeetingOptions
	if opts != nil {
		o = *opts
	}
	var w graphwire.OnlineMeeting
	if err := c.do(ctx, "create online meeting", http.MethodPost, c.path("me", "onlineMeetings"), createMeetingToWire(o), &w); err != nil {
		return CreateOnlineMeetingResponse{}, err
	}
	return CreateOnlineMeetingResponse{Meeting: meetingFromWire(&w)}, nil
}

// GetOnlineMeeting reads an online meeting the signed-in user organizes or
// is invited to (GET /me/onlineMeetings/{id}, which takes "both the
// organizer's and the invited attendee's user token":
// https://learn.microsoft.com/graph/api/onlinemeeting-get). Needs
// OnlineMeetings.Read.
func (c *Client) GetOnlineMeeting(ctx context.Context, meetingID string, opts *GetOnlineMeetingOptions) (_ GetOnlineMeetingResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetOnlineMeeting")
	defer func() { endSpan(err) }()
	if err := checkArg("meetingID", graphwire.CheckID(meetingID)); err != nil {
		return GetOnlineMeetingResponse{}, err
	}
	var w graphwire.OnlineMeeting
	if err := c.do(ctx, "get online meeting", http.MethodGet, c.path("me", "onlineMeetings", meetingID), nil, &w); err != nil {
		return GetOnlineMeetingResponse{}, err
	}
	return GetOnlineMeetingResponse{Meeting: meetingFromWire(&w)}, nil
}

// GetOnlineMeetingByJoinMeetingID finds an online meeting the signed-in
// user organizes by the numeric meeting id of its invitation (GET
// /me/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId eq '…').
// Spaces in joinMeetingID are removed; anything but 10 to 20 digits is an
// *ArgumentError before anything is sent. Graph finds meetings by id only
// for their organizer: any other meeting is not found (IsNotFound). Needs
// OnlineMeetings.Read.
func (c *Client) GetOnlineMeetingByJoinMeetingID(ctx context.Context, joinMeetingID string, opts *GetOnlineMeetingByJoinMeetingIDOptions) (_ GetOnlineMeetingByJoinMeetingIDResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetOnlineMeetingByJoinMeetingID")
	defer func() { endSpan(err) }()
	id, problem := meetinglink.NormalMeetingID(joinMeetingID)
	if err := checkArg("joinMeetingID", problem); err != nil {
		return GetOnlineMeetingByJoinMeetingIDResponse{}, err
	}
	m, found, err := c.meetingByFilter(ctx, "joinMeetingIdSettings/joinMeetingId eq '"+id+"'")
	if err != nil {
		return GetOnlineMeetingByJoinMeetingIDResponse{}, err
	}
	if !found {
		return GetOnlineMeetingByJoinMeetingIDResponse{}, notFound("no online meeting organized by the signed-in user has this meeting id")
	}
	return GetOnlineMeetingByJoinMeetingIDResponse{Meeting: m}, nil
}
