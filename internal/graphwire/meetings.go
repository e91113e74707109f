package graphwire

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxExternalIDLen is the longest external id of a createOrGet this
// module sends. Graph documents no limit ("The external ID. A custom
// ID.", https://learn.microsoft.com/graph/api/onlinemeeting-createorget):
// the bound is a choice.
const MaxExternalIDLen = 256

// CheckExternalID checks createOrGet's external id: 1 to MaxExternalIDLen
// bytes of valid text without control characters. It returns the problem,
// or "".
func CheckExternalID(id string) string {
	if strings.TrimSpace(id) == "" {
		return "is empty"
	}
	if len(id) > MaxExternalIDLen || !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "must be valid text of at most " + strconv.Itoa(MaxExternalIDLen) + " bytes without control characters"
	}
	return ""
}

// OnlineMeetingPatch is the body of PATCH /me/onlineMeetings/{id}
// (https://learn.microsoft.com/graph/api/onlinemeeting-update): only the
// properties that change. The start and the end travel together ("always
// requires both"), and attendees as the full new list ("always requires the
// full list of attendees"), so an empty list removes every attendee.
type OnlineMeetingPatch struct {
	Subject             *string                   `json:"subject,omitempty"`
	StartDateTime       *Time                     `json:"startDateTime,omitempty"`
	EndDateTime         *Time                     `json:"endDateTime,omitempty"`
	Participants        *MeetingParticipantsPatch `json:"participants,omitempty"`
	LobbyBypassSettings *LobbyBypassSettings      `json:"lobbyBypassSettings,omitempty"`
}

// MeetingParticipantsPatch carries the new attendees of an update; unlike
// MeetingParticipants, an empty list is written ("attendees": []).
type MeetingParticipantsPatch struct {
	Attendees []MeetingParticipantInfo `json:"attendees"`
}

// MeetingAttendanceReport is Graph's meetingAttendanceReport
// (https://learn.microsoft.com/graph/api/resources/meetingattendancereport):
// one session of an online meeting. The listing writes attendanceRecords
// as an empty array; a get with $expand=attendanceRecords fills it.
type MeetingAttendanceReport struct {
	ID                    string             `json:"id"`
	TotalParticipantCount int                `json:"totalParticipantCount"`
	MeetingStartDateTime  Time               `json:"meetingStartDateTime"`
	MeetingEndDateTime    Time               `json:"meetingEndDateTime"`
	AttendanceRecords     []AttendanceRecord `json:"attendanceRecords"`
}

// AttendanceRecord is Graph's attendanceRecord: one participant of a
// session.
type AttendanceRecord struct {
	EmailAddress             *string              `json:"emailAddress"`
	TotalAttendanceInSeconds int64                `json:"totalAttendanceInSeconds"`
	Role                     *string              `json:"role"`
	Identity                 *AttendanceIdentity  `json:"identity"`
	AttendanceIntervals      []AttendanceInterval `json:"attendanceIntervals"`
}

// AttendanceIdentity is the identity of an attendance record: id,
// displayName and tenantId (null in Learn's example).
type AttendanceIdentity struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"displayName"`
	TenantID    *string `json:"tenantId"`
}

// AttendanceInterval is one stretch of a participant's attendance.
type AttendanceInterval struct {
	JoinDateTime      Time  `json:"joinDateTime"`
	LeaveDateTime     Time  `json:"leaveDateTime"`
	DurationInSeconds int64 `json:"durationInSeconds"`
}
