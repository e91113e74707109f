package fake

import (
	"context"
	"net/http"
	"net/url"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire/chatconv"
)

func (w *wireClient) CreateOnlineMeeting(ctx context.Context, opts *chat.CreateOnlineMeetingOptions) (chat.CreateOnlineMeetingResponse, error) {
	if err := opts.Validate(); err != nil {
		return chat.CreateOnlineMeetingResponse{}, err
	}
	var body gw.NewOnlineMeeting
	if opts != nil {
		body.Subject = opts.Subject
		if !opts.StartAt.IsZero() {
			body.StartDateTime = &gw.Time{Time: opts.StartAt}
		}
		if !opts.EndAt.IsZero() {
			body.EndDateTime = &gw.Time{Time: opts.EndAt}
		}
		if opts.LobbyBypass != "" {
			body.LobbyBypassSettings = &gw.LobbyBypassSettings{Scope: string(opts.LobbyBypass)}
		}
		if len(opts.Attendees) > 0 {
			body.Participants = &gw.MeetingParticipants{}
			for _, a := range opts.Attendees {
				body.Participants.Attendees = append(body.Participants.Attendees, chatconv.AttendeeToWire(a))
			}
		}
	}
	var m gw.OnlineMeeting
	err := w.do(ctx, http.MethodPost, "/me/onlineMeetings", body, &m)
	return chat.CreateOnlineMeetingResponse{Meeting: chatconv.MeetingFromWire(m)}, err
}

func (w *wireClient) GetOnlineMeeting(ctx context.Context, meetingID string, opts *chat.GetOnlineMeetingOptions) (chat.GetOnlineMeetingResponse, error) {
	if err := argErr("meetingID", gw.CheckID(meetingID)); err != nil {
		return chat.GetOnlineMeetingResponse{}, err
	}
	var m gw.OnlineMeeting
	err := w.do(ctx, http.MethodGet, escapePath("me", "onlineMeetings", meetingID), nil, &m)
	return chat.GetOnlineMeetingResponse{Meeting: chatconv.MeetingFromWire(m)}, err
}

func (w *wireClient) GetOnlineMeetingByJoinMeetingID(ctx context.Context, joinMeetingID string, opts *chat.GetOnlineMeetingByJoinMeetingIDOptions) (chat.GetOnlineMeetingByJoinMeetingIDResponse, error) {
	id, problem := gw.NormalJoinMeetingID(joinMeetingID)
	if err := argErr("joinMeetingID", problem); err != nil {
		return chat.GetOnlineMeetingByJoinMeetingIDResponse{}, err
	}
	var col gw.Collection[gw.OnlineMeeting]
	v := url.Values{"$filter": {"joinMeetingIdSettings/joinMeetingId eq '" + id + "'"}}
	if err := w.do(ctx, http.MethodGet, withQuery("/me/onlineMeetings", v), nil, &col); err != nil {
		return chat.GetOnlineMeetingByJoinMeetingIDResponse{}, err
	}
	if len(col.Value) == 0 {
		return chat.GetOnlineMeetingByJoinMeetingIDResponse{}, &chat.Error{StatusCode: 404, Code: "NotFound", Message: "no meeting"}
	}
	return chat.GetOnlineMeetingByJoinMeetingIDResponse{Meeting: chatconv.MeetingFromWire(col.Value[0])}, nil
}

func (w *wireClient) GetPresence(ctx context.Context, userID string, opts *chat.GetPresenceOptions) (chat.GetPresenceResponse, error) {
	path := "/me/presence"
	if userID != "" {
		if err := argErr("userID", gw.CheckObjectID(userID)); err != nil {
			return chat.GetPresenceResponse{}, err
		}
		path = escapePath("users", userID, "presence")
	}
	var p gw.Presence
	err := w.do(ctx, http.MethodGet, path, nil, &p)
	return chat.GetPresenceResponse{Presence: chatconv.PresenceFromWire(p)}, err
}

func (w *wireClient) GetPresences(ctx context.Context, userIDs []string, opts *chat.GetPresencesOptions) (chat.GetPresencesResponse, error) {
	ids, problem := gw.UniqueGUIDs(userIDs)
	if err := argErr("userIDs", problem); err != nil {
		return chat.GetPresencesResponse{}, err
	}
	var got []chat.Presence
	for start := 0; start < len(ids); start += gw.MaxPresenceIDs {
		var col gw.Collection[gw.Presence]
		body := gw.PresencesByUserIDRequest{IDs: ids[start:min(start+gw.MaxPresenceIDs, len(ids))]}
		if err := w.do(ctx, http.MethodPost, "/communications/getPresencesByUserId", body, &col); err != nil {
			return chat.GetPresencesResponse{}, err
		}
		for _, p := range col.Value {
			got = append(got, chatconv.PresenceFromWire(p))
		}
	}
	return chat.GetPresencesResponse{Presences: gw.InOrder(ids, got, presenceID, setPresenceID, unknownPresence)}, nil
}
