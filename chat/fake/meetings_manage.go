package fake

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// The meeting operations of issue 17: update, delete, createOrGet by
// external id, and the attendance reports of a meeting. The fake has no
// media, so no session ever ends by itself: a test records the attendance
// of a session with RecordAttendance, and the organizer then reads it.

// organizedLocked returns a meeting the signed-in user organizes: 404
// when the meeting is not there or the user does not see it, 403 when the
// user is invited to it but does not organize it. Graph documents update,
// delete and the attendance reports for the organizer (their paths are
// under /me/onlineMeetings, and "only the … organizer or coorganizer can
// access" a webinar's reports); what it answers an attendee is not
// documented: 403, a choice.
func (s *Service) organizedLocked(userID, meetingID string) (*User, *meetingState, *opError) {
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return nil, nil, oe
	}
	m := s.meetings[meetingID]
	if m == nil || (m.m.OrganizerID != u.ID && !invited(&m.m, u)) {
		return nil, nil, errNotFound("The online meeting was not found.")
	}
	if m.m.OrganizerID != u.ID {
		return nil, nil, errForbidden("Only the organizer of the online meeting can do this.")
	}
	return u, m, nil
}

// updateMeeting is PATCH /me/onlineMeetings/{id}: the fields of up that
// are set replace the meeting's. New attendees who are users of the
// service join the meeting's chat, as at creation; removed ones stay in it
// and the chat's topic stays as it is (Graph documents neither: choices).
func (s *Service) updateMeeting(userID, meetingID string, up chat.MeetingUpdate) (chat.OnlineMeeting, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, oe := s.organizedLocked(userID, meetingID)
	if oe != nil {
		return chat.OnlineMeeting{}, oe
	}
	now := s.clock()
	if up.Subject != "" {
		m.m.Subject = up.Subject
	}
	if !up.StartAt.IsZero() {
		m.m.StartAt, m.m.EndAt = up.StartAt.UTC().Truncate(time.Millisecond), up.EndAt.UTC().Truncate(time.Millisecond)
	}
	if up.LobbyBypass != "" {
		m.m.LobbyBypass = up.LobbyBypass
	}
	if up.Attendees != nil {
		m.m.Attendees = append([]string{}, up.Attendees...)
		if c := s.chats[m.chatID]; c != nil {
			for _, id := range up.Attendees {
				if u := s.userLocked(id); u != nil && c.member(u.ID) == nil {
					m := s.addMemberLocked(c, u, []string{chat.RoleOwner}, time.Time{}, now)
					s.notify.memberLocked(c, m.m.ID, gw.ChangeCreated)
				}
			}
		}
	}
	return m.view(), nil
}

// deleteMeeting is DELETE /me/onlineMeetings/{id}. The meeting's chat
// stays, with its messages (a choice: the page says nothing of it).
func (s *Service) deleteMeeting(userID, meetingID string) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, oe := s.organizedLocked(userID, meetingID); oe != nil {
		return oe
	}
	delete(s.meetings, meetingID)
	return nil
}

// createOrGetMeeting is POST /me/onlineMeetings/createOrGet: the
// signed-in user's meeting with this external id, or a new one
// ("the combination of tenantId, userId, and externalId serves as the
// identifier", so two users' same external id are two meetings). created
// tells which (201 or 200).
func (s *Service) createOrGetMeeting(userID, externalID string, o chat.CreateOrGetOnlineMeetingOptions) (chat.OnlineMeeting, bool, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.OnlineMeeting{}, false, oe
	}
	for _, id := range sortedKeys(s.meetings) {
		if m := s.meetings[id]; m.m.OrganizerID == u.ID && m.m.ExternalID == externalID {
			return m.view(), false, nil
		}
	}
	if st, en := meetingTimes(s.clock(), o.StartAt, o.EndAt); !en.After(st) {
		return chat.OnlineMeeting{}, false, errBadRequest("The end of the meeting must be after its start.")
	}
	m := s.createMeetingLocked(u, o.Subject, o.StartAt, o.EndAt, o.Attendees, "")
	m.m.ExternalID = externalID
	return m.view(), true, nil
}

// RecordAttendance records that a session of a meeting took place from
// start to end with these participants, as Teams does when a session
// ends, and returns the attendance report the organizer now reads
// (ListAttendanceReports, GetAttendanceReport). The fake carries no
// media, so this is how a test says who attended: each record names a
// user of the service (UserID: object id or principal name), its Role
// (empty: AttendanceRoleOrganizer for the organizer, AttendanceRoleAttendee
// for others) and its Intervals (JoinAt and LeaveAt; LeaveAt after JoinAt,
// within the session); the fake fills in the display name, email, tenant
// and the durations in whole seconds. The report's id is the fake's.
func (s *Service) RecordAttendance(meetingID string, start, end time.Time, records ...chat.AttendanceRecord) (chat.AttendanceReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.meetings[meetingID]
	if m == nil {
		return chat.AttendanceReport{}, errors.New("fake: RecordAttendance: no meeting " + meetingID)
	}
	start, end = start.UTC().Truncate(time.Millisecond), end.UTC().Truncate(time.Millisecond)
	if !end.After(start) {
		return chat.AttendanceReport{}, errors.New("fake: RecordAttendance: the session must end after it starts")
	}
	r := chat.AttendanceReport{ID: s.guidLocked('a'), ParticipantCount: len(records), MeetingStartAt: start, MeetingEndAt: end,
		Records: make([]chat.AttendanceRecord, len(records))}
	for i, rec := range records {
		u := s.userLocked(rec.UserID)
		if u == nil {
			return chat.AttendanceReport{}, errors.New("fake: RecordAttendance: unknown user " + rec.UserID)
		}
		out := chat.AttendanceRecord{UserID: u.ID, DisplayName: u.DisplayName, TenantID: u.TenantID, Email: u.Mail, Role: rec.Role}
		if out.Email == "" {
			out.Email = u.UPN
		}
		if out.Role == "" {
			out.Role = chat.AttendanceRoleAttendee
			if u.ID == m.m.OrganizerID {
				out.Role = chat.AttendanceRoleOrganizer
			}
		}
		for _, iv := range rec.Intervals {
			join, leave := iv.JoinAt.UTC().Truncate(time.Millisecond), iv.LeaveAt.UTC().Truncate(time.Millisecond)
			if !leave.After(join) || join.Before(start) || leave.After(end) {
				return chat.AttendanceReport{}, errors.New("fake: RecordAttendance: an interval of " + rec.UserID + " is not a stretch of the session")
			}
			d := leave.Sub(join).Truncate(time.Second)
			out.Intervals = append(out.Intervals, chat.AttendanceInterval{JoinAt: join, LeaveAt: leave, Duration: d})
			out.Total += d
		}
		r.Records[i] = out
	}
	m.reports = append(m.reports, r)
	return cloneReport(r), nil
}

// attendanceReports is GET /me/onlineMeetings/{id}/attendanceReports:
// the reports without their records, newest session first (the order of
// the example of meetingattendancereport-list).
func (s *Service) attendanceReports(userID, meetingID string) ([]chat.AttendanceReport, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, oe := s.organizedLocked(userID, meetingID)
	if oe != nil {
		return nil, oe
	}
	out := make([]chat.AttendanceReport, len(m.reports))
	for i, r := range m.reports {
		r.Records = nil
		out[i] = r
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].MeetingStartAt.After(out[j].MeetingStartAt) })
	return out, nil
}

// attendanceReport is GET …/attendanceReports/{id}: with expand, its
// records ($expand=attendanceRecords; without it "attendanceRecords …
// isn't returned by default", written as an empty array here).
func (s *Service) attendanceReport(userID, meetingID, reportID string, expand bool) (chat.AttendanceReport, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, oe := s.organizedLocked(userID, meetingID)
	if oe != nil {
		return chat.AttendanceReport{}, oe
	}
	for _, r := range m.reports {
		if r.ID == reportID {
			if !expand {
				r.Records = nil
			} else {
				r = cloneReport(r)
			}
			return r, nil
		}
	}
	return chat.AttendanceReport{}, errNotFound("The attendance report " + quote(reportID) + " was not found.")
}

// cloneReport is r with its records and their intervals copied: what the
// fake hands out never shares memory with what it keeps.
func cloneReport(r chat.AttendanceReport) chat.AttendanceReport {
	r.Records = cloneSlice(r.Records)
	for i := range r.Records {
		r.Records[i].Intervals = cloneSlice(r.Records[i].Intervals)
	}
	return r
}

// parseAttendanceExpand reads a report get's $expand: attendanceRecords,
// or nothing.
func parseAttendanceExpand(v string) (bool, *opError) {
	switch strings.TrimSpace(v) {
	case "":
		return false, nil
	case "attendanceRecords":
		return true, nil
	}
	return false, errBadRequest("Unsupported $expand: " + short(v) + ". Only attendanceRecords is supported.")
}

// --- HTTP face ---

func hUpdateMeeting(c *reqCtx, p params) (result, *opError) {
	var up chat.MeetingUpdate
	if oe := c.decodeGraph(&up); oe != nil {
		return result{}, oe
	}
	if err := up.Validate(); err != nil {
		return result{}, errBadRequest("Invalid update: " + strings.TrimPrefix(err.Error(), "chat: ") + ".")
	}
	m, oe := c.s.updateMeeting(c.user, p["meeting-id"], up)
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusOK, m)
}

func hDeleteMeeting(c *reqCtx, p params) (result, *opError) {
	if oe := c.s.deleteMeeting(c.user, p["meeting-id"]); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

func hCreateOrGetMeeting(c *reqCtx, _ params) (result, *opError) {
	var ext struct {
		ExternalID string `json:"externalId"`
	}
	if oe := c.decode(&ext); oe != nil {
		return result{}, oe
	}
	var o chat.CreateOrGetOnlineMeetingOptions
	if oe := c.decodeGraph(&o); oe != nil {
		return result{}, oe
	}
	if ext.ExternalID == "" {
		return result{}, errBadRequest("externalId is required.")
	}
	if err := o.Validate(); err != nil {
		return result{}, errBadRequest("Invalid request: " + strings.TrimPrefix(err.Error(), "chat: ") + ".")
	}
	m, created, oe := c.s.createOrGetMeeting(c.user, ext.ExternalID, o)
	if oe != nil {
		return result{}, oe
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return graphResult(status, m)
}

func hListAttendanceReports(c *reqCtx, p params) (result, *opError) {
	rs, oe := c.s.attendanceReports(c.user, p["meeting-id"])
	if oe != nil {
		return result{}, oe
	}
	return collectionResult(c.base+"/$metadata#users('"+c.user+"')/onlineMeetings('"+p["meeting-id"]+"')/attendanceReports", rs, -1, "")
}

func hGetAttendanceReport(c *reqCtx, p params) (result, *opError) {
	expand, oe := parseAttendanceExpand(c.query.Get("$expand"))
	if oe != nil {
		return result{}, oe
	}
	r, oe := c.s.attendanceReport(c.user, p["meeting-id"], p["report-id"], expand)
	if oe != nil {
		return result{}, oe
	}
	res, oe := graphResult(http.StatusOK, r)
	if oe == nil {
		res.graph = withContext(res.graph, c.base+"/$metadata#users('"+c.user+"')/onlineMeetings('"+p["meeting-id"]+"')/attendanceReports/$entity")
	}
	return res, oe
}
