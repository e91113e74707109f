package teamsuser

import (
	"context"
	"errors"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// Meeting is a Teams meeting as the user's application handles it: the
// meeting as Microsoft Graph describes it, the id of its chat, and the
// locator the user's web or mobile calling client joins it with.
//
// What is known depends on how the meeting was found: a meeting the user
// created or organizes has every field; a meeting the user was invited to
// is known through its link and its chat, so only Meeting.JoinURL,
// Meeting.ChatID and the locator are set; a meeting found by its numeric id
// and passcode that the user does not organize has only the locator.
//
// Formatting a Meeting with the fmt package never shows its passcode (see
// calling.MeetingLocator and chat.OnlineMeeting); its Locator's JSON does.
type Meeting struct {
	// Meeting is the online meeting.
	Meeting chat.OnlineMeeting
	// ChatID is the id of the meeting's chat, to send and read messages
	// with the user's Chat; empty when it is unknown.
	ChatID string
	// Locator is what the calling client joins with.
	Locator calling.MeetingLocator
}

// ClientLocator is the value the calling client's join takes (send it to
// the client as JSON).
func (m Meeting) ClientLocator() calling.ClientJoinLocator { return m.Locator.ClientLocator() }

// ErrMeetingNotFound is reported (wrapped, with errors.Is) when a meeting
// is neither one the user organizes nor one whose chat the user is in.
var ErrMeetingNotFound = errors.New("teamsuser: meeting not found")

// CreateMeeting creates an online meeting organized by the user (Graph's
// POST /me/onlineMeetings, which needs the delegated OnlineMeetings.ReadWrite
// permission) and returns it with its chat and its join locator.
func (u *User) CreateMeeting(ctx context.Context, opts *chat.CreateOnlineMeetingOptions) (Meeting, error) {
	resp, err := u.chat.CreateOnlineMeeting(ctx, opts)
	if err != nil {
		return Meeting{}, err
	}
	return meetingOf(resp.Meeting, "")
}

// FindMeeting finds a meeting by its join link. The link is validated with
// calling.ParseJoinLink before anything is sent (*ArgumentError). A meeting
// the user organizes is read from Graph's online meetings (OnlineMeetings.Read);
// otherwise the meeting chat the user is a member of is looked up among
// their chats (Chat.Read). When neither finds it, the error wraps
// ErrMeetingNotFound; the locator of a link that parses is still returned,
// since a client may join a meeting whose chat the user is not in yet.
func (u *User) FindMeeting(ctx context.Context, joinURL string) (Meeting, error) {
	loc, err := calling.ParseJoinLink(joinURL)
	if err != nil {
		problem := err.Error()
		var jle *calling.JoinLinkError
		if errors.As(err, &jle) {
			problem = jle.Problem
		}
		return Meeting{}, &ArgumentError{Arg: "joinURL", Problem: "is not a Teams meeting join link: " + problem}
	}
	org, err := u.chat.GetOnlineMeetingByJoinURL(ctx, joinURL, nil)
	switch {
	case err == nil:
		return meetingOf(org.Meeting, joinURL)
	case !chat.IsNotFound(err) && !chat.IsForbidden(err):
		return Meeting{}, err
	}
	found, err := u.chat.FindMeetingChat(ctx, joinURL, nil)
	switch {
	case err == nil:
		return Meeting{
			Meeting: chat.OnlineMeeting{JoinURL: loc.JoinURL, ChatID: found.Chat.ID, OrganizerID: found.Chat.OnlineMeeting.OrganizerID},
			ChatID:  found.Chat.ID,
			Locator: loc,
		}, nil
	case chat.IsNotFound(err):
		return Meeting{Locator: loc}, notFoundError{what: "no meeting the user organizes or whose chat they are in has this join link", err: err}
	default:
		return Meeting{}, err
	}
}

// FindMeetingByID finds a meeting by the numeric meeting id of its
// invitation ("Meeting ID: 123 456 789 012"; spaces are ignored) among the
// meetings the user organizes, and returns it with its chat and its join
// link's locator. Graph looks meetings up by id only for their organizer:
// for any other meeting the error wraps ErrMeetingNotFound, and when
// passcode is not empty the returned Meeting still carries the meeting-id
// locator (calling.MeetingIDLocator) a client can join with.
func (u *User) FindMeetingByID(ctx context.Context, meetingID, passcode string) (Meeting, error) {
	idLoc, err := calling.MeetingIDLocator(meetingID, passcode)
	if err != nil {
		var le *calling.LocatorError
		if errors.As(err, &le) {
			return Meeting{}, &ArgumentError{Arg: le.Field, Problem: le.Problem}
		}
		return Meeting{}, &ArgumentError{Arg: "meetingID", Problem: err.Error()}
	}
	resp, err := u.chat.GetOnlineMeetingByJoinMeetingID(ctx, idLoc.MeetingID, nil)
	switch {
	case err == nil:
		return meetingOf(resp.Meeting, "")
	case chat.IsNotFound(err) || chat.IsForbidden(err):
		var m Meeting
		if passcode != "" {
			m.Locator = idLoc
		}
		return m, notFoundError{what: "the user organizes no meeting with this meeting id", err: err}
	default:
		return Meeting{}, err
	}
}

// meetingOf completes an online meeting read from Graph with its locator:
// the one of its join link (or of the link the caller gave, when Graph's
// does not parse), else the meeting id and passcode.
func meetingOf(m chat.OnlineMeeting, givenLink string) (Meeting, error) {
	out := Meeting{Meeting: m, ChatID: m.ChatID}
	for _, link := range []string{m.JoinURL, givenLink} {
		if link == "" {
			continue
		}
		if loc, err := calling.ParseJoinLink(link); err == nil {
			out.Locator = loc
			return out, nil
		}
	}
	if m.JoinMeetingID != "" {
		if loc, err := calling.MeetingIDLocator(m.JoinMeetingID, string(m.Passcode)); err == nil {
			out.Locator = loc
			return out, nil
		}
	}
	return out, errors.New("teamsuser: the online meeting has neither a join link nor a meeting id a client can join with")
}

// notFoundError is a meeting lookup that found nothing: it is
// ErrMeetingNotFound and keeps the service's error.
type notFoundError struct {
	what string
	err  error
}

func (e notFoundError) Error() string        { return "teamsuser: meeting not found: " + e.what }
func (e notFoundError) Is(target error) bool { return target == ErrMeetingNotFound }
func (e notFoundError) Unwrap() error        { return e.err }
