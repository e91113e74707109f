package fake

import (
	"context"
	"net/http"
	"net/url"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
)

func (g *goFace) CreateOnlineMeeting(ctx context.Context, opts *chat.CreateOnlineMeetingOptions) (chat.CreateOnlineMeetingResponse, error) {
	if err := opts.Validate(); err != nil {
		return chat.CreateOnlineMeetingResponse{}, err
	}
	var o chat.CreateOnlineMeetingOptions
	if opts != nil {
		o = *opts
	}
	var resp chat.CreateOnlineMeetingResponse
	err := g.call(ctx, OpCreateOnlineMeeting, http.MethodPost, "/me/onlineMeetings", nil, http.StatusCreated, func() *opError {
		m, oe := g.s.createMeeting(g.user, o.Subject, o.StartAt, o.EndAt, o.Attendees, o.LobbyBypass)
		resp.Meeting = m
		return oe
	})
	return resp, err
}

func (g *goFace) GetOnlineMeeting(ctx context.Context, meetingID string, opts *chat.GetOnlineMeetingOptions) (chat.GetOnlineMeetingResponse, error) {
	if err := argErr("meetingID", gw.CheckID(meetingID)); err != nil {
		return chat.GetOnlineMeetingResponse{}, err
	}
	var resp chat.GetOnlineMeetingResponse
	err := g.call(ctx, OpGetOnlineMeeting, http.MethodGet, escapePath("me", "onlineMeetings", meetingID), nil, http.StatusOK, func() *opError {
		m, oe := g.s.meetingByID(g.user, meetingID)
		resp.Meeting = m
		return oe
	})
	return resp, err
}

func (g *goFace) GetOnlineMeetingByJoinMeetingID(ctx context.Context, joinMeetingID string, opts *chat.GetOnlineMeetingByJoinMeetingIDOptions) (chat.GetOnlineMeetingByJoinMeetingIDResponse, error) {
	id, problem := meetinglink.NormalMeetingID(joinMeetingID)
	if err := argErr("joinMeetingID", problem); err != nil {
		return chat.GetOnlineMeetingByJoinMeetingIDResponse{}, err
	}
	v := url.Values{"$filter": {"joinMeetingIdSettings/joinMeetingId eq '" + id + "'"}}
	var found []chat.OnlineMeeting
	err := g.call(ctx, OpGetOnlineMeeting, http.MethodGet, "/me/onlineMeetings", v, http.StatusOK, func() *opError {
		var oe *opError
		found, oe = g.s.meetingsByJoinMeetingID(g.user, id)
		return oe
	})
	if err != nil {
		return chat.GetOnlineMeetingByJoinMeetingIDResponse{}, err
	}
	if len(found) == 0 {
		return chat.GetOnlineMeetingByJoinMeetingIDResponse{}, g.s.goError(errNotFound("No online meeting organized by the signed-in user has this meeting id."), "")
	}
	return chat.GetOnlineMeetingByJoinMeetingIDResponse{Meeting: found[0]}, nil
}

func (g *goFace) GetPresence(ctx context.Context, userID string, opts *chat.GetPresenceOptions) (chat.GetPresenceResponse, error) {
	path := "/me/presence"
	if userID != "" {
		if err := argErr("userID", gw.CheckObjectID(userID)); err != nil {
			return chat.GetPresenceResponse{}, err
		}
		path = escapePath("users", userID, "presence")
	}
	var resp chat.GetPresenceResponse
	err := g.call(ctx, OpGetPresence, http.MethodGet, path, nil, http.StatusOK, func() *opError {
		p, oe := g.s.presenceOf(g.user, userID)
		resp.Presence = p
		return oe
	})
	return resp, err
}

func (g *goFace) GetPresences(ctx context.Context, userIDs []string, opts *chat.GetPresencesOptions) (chat.GetPresencesResponse, error) {
	ids, problem := gw.UniqueGUIDs(userIDs)
	if err := argErr("userIDs", problem); err != nil {
		return chat.GetPresencesResponse{}, err
	}
	var got []chat.Presence
	for start := 0; start < len(ids); start += gw.MaxPresenceIDs {
		chunk := ids[start:min(start+gw.MaxPresenceIDs, len(ids))]
		err := g.call(ctx, OpGetPresences, http.MethodPost, "/communications/getPresencesByUserId", nil, http.StatusOK, func() *opError {
			ps, oe := g.s.presences(g.user, chunk)
			got = append(got, ps...)
			return oe
		})
		if err != nil {
			return chat.GetPresencesResponse{}, err
		}
	}
	out := gw.InOrder(ids, got, presenceID, setPresenceID, unknownPresence)
	return chat.GetPresencesResponse{Presences: out}, nil
}

func presenceID(p chat.Presence) string         { return p.UserID }
func setPresenceID(p *chat.Presence, id string) { p.UserID = id }

func (g *goFace) GetUser(ctx context.Context, userID string, opts *chat.GetUserOptions) (chat.GetUserResponse, error) {
	path := "/me"
	if userID != "" {
		if err := argErr("userID", gw.CheckUserID(userID)); err != nil {
			return chat.GetUserResponse{}, err
		}
		path = escapePath("users", userID)
	}
	var resp chat.GetUserResponse
	err := g.call(ctx, OpGetUser, http.MethodGet, path, nil, http.StatusOK, func() *opError {
		u, oe := g.s.getUser(g.user, g.scopes, userID)
		resp.User = u
		return oe
	})
	return resp, err
}

func (g *goFace) UpdateOnlineMeeting(ctx context.Context, meetingID string, update chat.MeetingUpdate, opts *chat.UpdateOnlineMeetingOptions) (chat.UpdateOnlineMeetingResponse, error) {
	if err := firstErr(argErr("meetingID", gw.CheckID(meetingID)), update.Validate()); err != nil {
		return chat.UpdateOnlineMeetingResponse{}, err
	}
	var resp chat.UpdateOnlineMeetingResponse
	err := g.call(ctx, OpUpdateOnlineMeeting, http.MethodPatch, escapePath("me", "onlineMeetings", meetingID), nil, http.StatusOK, func() *opError {
		m, oe := g.s.updateMeeting(g.user, meetingID, update)
		resp.Meeting = m
		return oe
	})
	return resp, err
}

func (g *goFace) DeleteOnlineMeeting(ctx context.Context, meetingID string, opts *chat.DeleteOnlineMeetingOptions) (chat.DeleteOnlineMeetingResponse, error) {
	if err := argErr("meetingID", gw.CheckID(meetingID)); err != nil {
		return chat.DeleteOnlineMeetingResponse{}, err
	}
	err := g.call(ctx, OpDeleteOnlineMeeting, http.MethodDelete, escapePath("me", "onlineMeetings", meetingID), nil, http.StatusNoContent, func() *opError {
		return g.s.deleteMeeting(g.user, meetingID)
	})
	return chat.DeleteOnlineMeetingResponse{}, err
}

func (g *goFace) CreateOrGetOnlineMeeting(ctx context.Context, externalID string, opts *chat.CreateOrGetOnlineMeetingOptions) (chat.CreateOrGetOnlineMeetingResponse, error) {
	if err := firstErr(argErr("externalID", gw.CheckExternalID(externalID)), opts.Validate()); err != nil {
		return chat.CreateOrGetOnlineMeetingResponse{}, err
	}
	var o chat.CreateOrGetOnlineMeetingOptions
	if opts != nil {
		o = *opts
	}
	var resp chat.CreateOrGetOnlineMeetingResponse
	err := g.callStatus(ctx, OpCreateOrGetMeeting, http.MethodPost, "/me/onlineMeetings/createOrGet", nil, func() (int, *opError) {
		m, created, oe := g.s.createOrGetMeeting(g.user, externalID, o)
		resp = chat.CreateOrGetOnlineMeetingResponse{Meeting: m, Created: created}
		if created {
			return http.StatusCreated, oe
		}
		return http.StatusOK, oe
	})
	return resp, err
}

func (g *goFace) ListAttendanceReports(ctx context.Context, meetingID string, opts *chat.ListAttendanceReportsOptions) (chat.ListAttendanceReportsResponse, error) {
	if err := argErr("meetingID", gw.CheckID(meetingID)); err != nil {
		return chat.ListAttendanceReportsResponse{}, err
	}
	var resp chat.ListAttendanceReportsResponse
	err := g.call(ctx, OpListAttendance, http.MethodGet, escapePath("me", "onlineMeetings", meetingID, "attendanceReports"), nil, http.StatusOK, func() *opError {
		rs, oe := g.s.attendanceReports(g.user, meetingID)
		resp.Reports = rs
		return oe
	})
	return resp, err
}

func (g *goFace) GetAttendanceReport(ctx context.Context, meetingID, reportID string, opts *chat.GetAttendanceReportOptions) (chat.GetAttendanceReportResponse, error) {
	if err := firstErr(argErr("meetingID", gw.CheckID(meetingID)), argErr("reportID", gw.CheckID(reportID))); err != nil {
		return chat.GetAttendanceReportResponse{}, err
	}
	var resp chat.GetAttendanceReportResponse
	v := url.Values{"$expand": {"attendanceRecords"}}
	err := g.call(ctx, OpGetAttendance, http.MethodGet, escapePath("me", "onlineMeetings", meetingID, "attendanceReports", reportID), v, http.StatusOK, func() *opError {
		r, oe := g.s.attendanceReport(g.user, meetingID, reportID, true)
		resp.Report = r
		return oe
	})
	return resp, err
}
