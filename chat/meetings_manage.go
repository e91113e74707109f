package chat

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// MeetingUpdate is the change UpdateOnlineMeeting makes to an online
// meeting: each field that is set replaces the meeting's, the others are
// left as they are (https://learn.microsoft.com/graph/api/onlinemeeting-update,
// "supply only the values for properties that should be updated").
type MeetingUpdate struct {
	// Subject, when not empty, is the meeting's new subject.
	Subject string
	// StartAt and EndAt, when set, are the meeting's new times: Graph
	// takes them only together ("adjusting the start or end date/time …
	// always requires both").
	StartAt, EndAt time.Time
	// Attendees, when not nil, is the full new list of invited users
	// (Entra object ids or user principal names): Graph replaces the list
	// ("always requires the full list of attendees"). An empty, non-nil
	// slice removes every attendee.
	Attendees []string
	// LobbyBypass, when set, says who now joins without waiting in the
	// lobby.
	LobbyBypass LobbyBypassScope
}

// Validate reports, as an *ArgumentError, an update that cannot work:
// nothing to change, a time outside the years 1 to 9999, a start without
// an end (or the reverse), an end not after the start, a subject, attendee or lobby scope CreateOnlineMeeting
// would refuse.
func (u MeetingUpdate) Validate() error {
	if u.Subject == "" && u.StartAt.IsZero() && u.EndAt.IsZero() && u.Attendees == nil && u.LobbyBypass == "" {
		return &ArgumentError{Arg: "update", Problem: "changes nothing"}
	}
	if err := checkMeetingSubject("update.Subject", u.Subject); err != nil {
		return err
	}
	if err := checkTimes("update.", u.StartAt, u.EndAt); err != nil {
		return err
	}
	if u.StartAt.IsZero() != u.EndAt.IsZero() {
		return &ArgumentError{Arg: "update.EndAt", Problem: "must be set together with StartAt (graph changes a meeting's times only both at once)"}
	}
	if !u.StartAt.IsZero() && !u.EndAt.After(u.StartAt) {
		return &ArgumentError{Arg: "update.EndAt", Problem: "must be after StartAt"}
	}
	if u.LobbyBypass != "" && !u.LobbyBypass.Valid() {
		return &ArgumentError{Arg: "update.LobbyBypass", Problem: "is not a lobby bypass scope graph defines"}
	}
	return checkAttendees("update.Attendees", u.Attendees)
}

// checkMeetingSubject checks a meeting's subject: valid text of at most
// MaxMeetingSubjectBytes bytes without control characters.
func checkMeetingSubject(arg, s string) error {
	if len(s) > MaxMeetingSubjectBytes || !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
		return &ArgumentError{Arg: arg, Problem: "must be valid text of at most " + strconv.Itoa(MaxMeetingSubjectBytes) + " bytes without control characters"}
	}
	return nil
}

// checkAttendees checks invited users: object ids or principal names,
// none twice (ignoring case).
func checkAttendees(arg string, as []string) error {
	seen := make(map[string]bool, len(as))
	for _, a := range as {
		if p := graphwire.CheckUserID(a); p != "" {
			return &ArgumentError{Arg: arg, Problem: "holds a user id that " + p}
		}
		k := strings.ToLower(a)
		if seen[k] {
			return &ArgumentError{Arg: arg, Problem: "names a user twice"}
		}
		seen[k] = true
	}
	return nil
}

// UpdateOnlineMeetingOptions are the optional parameters of
// UpdateOnlineMeeting.
type UpdateOnlineMeetingOptions struct{}

// UpdateOnlineMeetingResponse is the result of UpdateOnlineMeeting.
type UpdateOnlineMeetingResponse struct {
	// Meeting is the meeting as updated.
	Meeting OnlineMeeting
}

// DeleteOnlineMeetingOptions are the optional parameters of
// DeleteOnlineMeeting.
type DeleteOnlineMeetingOptions struct{}

// DeleteOnlineMeetingResponse is the result of DeleteOnlineMeeting.
type DeleteOnlineMeetingResponse struct{}

// MaxExternalIDBytes is the longest external id CreateOrGetOnlineMeeting
// sends. Graph documents no limit ("a custom ID"): the bound is this
// package's choice.
const MaxExternalIDBytes = 256

// CreateOrGetOnlineMeetingOptions are the optional parameters of
// CreateOrGetOnlineMeeting: what createOrGet's body takes besides the
// external id (https://learn.microsoft.com/graph/api/onlinemeeting-createorget,
// "Request body"). They apply only when the meeting is created; an
// existing meeting is returned as it is.
type CreateOrGetOnlineMeetingOptions struct {
	// Subject is the meeting's subject.
	Subject string
	// StartAt and EndAt are the meeting's times. Zero StartAt means now;
	// zero EndAt an hour after the start. EndAt without StartAt is refused,
	// as Graph refuses it.
	StartAt, EndAt time.Time
	// Attendees are the invited users (Entra object ids or user principal
	// names), without the organizer.
	Attendees []string
}

// Validate reports, as an *ArgumentError, options that cannot work: a
// time outside the years 1 to 9999, an end without a start or not after it ("An error is thrown if the
// endDateTime is provided without the startDateTime or if the endDateTime
// is earlier than the startDateTime"), a bad subject or attendee. A nil
// *CreateOrGetOnlineMeetingOptions is valid.
func (o *CreateOrGetOnlineMeetingOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := checkMeetingSubject("opts.Subject", o.Subject); err != nil {
		return err
	}
	if err := checkTimes("opts.", o.StartAt, o.EndAt); err != nil {
		return err
	}
	if !o.EndAt.IsZero() {
		if o.StartAt.IsZero() {
			return &ArgumentError{Arg: "opts.EndAt", Problem: "needs StartAt (graph refuses an end without a start)"}
		}
		if !o.EndAt.After(o.StartAt) {
			return &ArgumentError{Arg: "opts.EndAt", Problem: "must be after StartAt"}
		}
	}
	return checkAttendees("opts.Attendees", o.Attendees)
}

// CreateOrGetOnlineMeetingResponse is the result of
// CreateOrGetOnlineMeeting.
type CreateOrGetOnlineMeetingResponse struct {
	// Meeting is the meeting with the external id, new or existing.
	Meeting OnlineMeeting
	// Created tells that the meeting was made by this call (Graph answered
	// 201 Created); false when it existed (200 OK). A call whose first
	// answer was lost and that was sent again sees the meeting it made as
	// existing.
	Created bool
}

// AttendanceRole is a participant's role in a meeting session, as an
// attendance record gives it.
type AttendanceRole string

// The roles of attendanceRecord.role
// (https://learn.microsoft.com/graph/api/resources/attendancerecord).
const (
	AttendanceRoleNone      AttendanceRole = "None"
	AttendanceRoleAttendee  AttendanceRole = "Attendee"
	AttendanceRolePresenter AttendanceRole = "Presenter"
	AttendanceRoleOrganizer AttendanceRole = "Organizer"
)

// AttendanceReport is the attendance of one session of an online meeting:
// "each time an online meeting ends, an attendance report is generated for
// that session" (https://learn.microsoft.com/graph/api/meetingattendancereport-list).
type AttendanceReport struct {
	// ID is the report's id.
	ID string
	// ParticipantCount is how many took part (totalParticipantCount).
	ParticipantCount int
	// MeetingStartAt and MeetingEndAt are when the session started and
	// ended.
	MeetingStartAt, MeetingEndAt time.Time
	// Records are the participants' attendance: filled by
	// GetAttendanceReport, nil in ListAttendanceReports (Graph's listing
	// leaves them empty).
	Records []AttendanceRecord
}

// AttendanceRecord is one participant's attendance in a session.
type AttendanceRecord struct {
	// UserID is the participant's id (an Entra object id for a user of a
	// tenant).
	UserID string
	// DisplayName is the participant's display name.
	DisplayName string
	// TenantID is the participant's tenant, when Graph says it.
	TenantID string
	// Email is the participant's email address, when Graph has one.
	Email string
	// Role is the participant's role in the session.
	Role AttendanceRole
	// Total is how long the participant attended, all intervals together
	// (whole seconds).
	Total time.Duration
	// Intervals are the stretches of the participant's attendance, from
	// joining to leaving.
	Intervals []AttendanceInterval
}

// AttendanceInterval is one stretch of a participant's attendance.
type AttendanceInterval struct {
	// JoinAt and LeaveAt are when the participant joined and left.
	JoinAt, LeaveAt time.Time
	// Duration is how long the stretch lasted (whole seconds).
	Duration time.Duration
}

// ListAttendanceReportsOptions are the optional parameters of
// ListAttendanceReports.
type ListAttendanceReportsOptions struct{}

// ListAttendanceReportsResponse is the result of ListAttendanceReports.
type ListAttendanceReportsResponse struct {
	// Reports are the meeting's attendance reports, one per session, as
	// Graph lists them (newest first in its example), without their
	// records.
	Reports []AttendanceReport
}

// GetAttendanceReportOptions are the optional parameters of
// GetAttendanceReport.
type GetAttendanceReportOptions struct{}

// GetAttendanceReportResponse is the result of GetAttendanceReport.
type GetAttendanceReportResponse struct {
	// Report is the report with its attendance records.
	Report AttendanceReport
}
