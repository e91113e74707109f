package chat

import (
	"time"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// The conversions of the meeting operations added with issue 17: updates,
// createOrGet and attendance reports (see wire_convert.go for the rules).

// meetingUpdateToWire is the PATCH body of an update Validate accepted.
func meetingUpdateToWire(u MeetingUpdate) gw.OnlineMeetingPatch {
	w := gw.OnlineMeetingPatch{Subject: strPtr(u.Subject), StartDateTime: timePtr(u.StartAt.UTC()), EndDateTime: timePtr(u.EndAt.UTC())}
	if u.StartAt.IsZero() {
		w.StartDateTime = nil
	}
	if u.EndAt.IsZero() {
		w.EndDateTime = nil
	}
	if u.Attendees != nil {
		w.Participants = &gw.MeetingParticipantsPatch{Attendees: attendeesToWire(u.Attendees)}
		if w.Participants.Attendees == nil {
			w.Participants.Attendees = []gw.MeetingParticipantInfo{}
		}
	}
	if u.LobbyBypass != "" {
		w.LobbyBypassSettings = &gw.LobbyBypassSettings{Scope: string(u.LobbyBypass)}
	}
	return w
}

// meetingUpdateFromWire reads a PATCH body: "participants" with
// "attendees" (even empty) replaces the list.
func meetingUpdateFromWire(w *gw.OnlineMeetingPatch) MeetingUpdate {
	u := MeetingUpdate{Subject: deref(w.Subject), StartAt: timeOf(w.StartDateTime), EndAt: timeOf(w.EndDateTime)}
	if w.Participants != nil && w.Participants.Attendees != nil {
		u.Attendees = make([]string, 0, len(w.Participants.Attendees))
		for i := range w.Participants.Attendees {
			u.Attendees = append(u.Attendees, attendeeFromWire(&w.Participants.Attendees[i]))
		}
	}
	if w.LobbyBypassSettings != nil {
		u.LobbyBypass = LobbyBypassScope(w.LobbyBypassSettings.Scope)
	}
	return u
}

// createOrGetToWire is the body of POST /me/onlineMeetings/createOrGet.
func createOrGetToWire(externalID string, o CreateOrGetOnlineMeetingOptions) gw.NewOnlineMeeting {
	w := createMeetingToWire(CreateOnlineMeetingOptions{Subject: o.Subject, StartAt: o.StartAt, EndAt: o.EndAt, Attendees: o.Attendees})
	w.ExternalID = externalID
	return w
}

// createOrGetFromWire reads createOrGet's options from its body (the
// external id is read apart).
func createOrGetFromWire(w *gw.NewOnlineMeeting) CreateOrGetOnlineMeetingOptions {
	o := createMeetingFromWire(w)
	return CreateOrGetOnlineMeetingOptions{Subject: o.Subject, StartAt: o.StartAt, EndAt: o.EndAt, Attendees: o.Attendees}
}

// attendanceReportToWire writes a report; its records are always an
// array, empty in a listing, as Graph writes them.
func attendanceReportToWire(r AttendanceReport) gw.MeetingAttendanceReport {
	w := gw.MeetingAttendanceReport{
		ID:                    r.ID,
		TotalParticipantCount: r.ParticipantCount,
		MeetingStartDateTime:  gw.TimeOf(r.MeetingStartAt),
		MeetingEndDateTime:    gw.TimeOf(r.MeetingEndAt),
		AttendanceRecords:     make([]gw.AttendanceRecord, len(r.Records)),
	}
	for i, rec := range r.Records {
		wr := gw.AttendanceRecord{
			EmailAddress:             strPtr(rec.Email),
			TotalAttendanceInSeconds: int64(rec.Total / time.Second),
			Role:                     strPtr(string(rec.Role)),
			Identity:                 &gw.AttendanceIdentity{ID: rec.UserID, DisplayName: strPtr(rec.DisplayName), TenantID: strPtr(rec.TenantID)},
			AttendanceIntervals:      make([]gw.AttendanceInterval, len(rec.Intervals)),
		}
		for j, iv := range rec.Intervals {
			wr.AttendanceIntervals[j] = gw.AttendanceInterval{JoinDateTime: gw.TimeOf(iv.JoinAt), LeaveDateTime: gw.TimeOf(iv.LeaveAt), DurationInSeconds: int64(iv.Duration / time.Second)}
		}
		w.AttendanceRecords[i] = wr
	}
	return w
}

// attendanceReportFromWire reads a report; an empty records array (a
// listing's) is nil.
func attendanceReportFromWire(w *gw.MeetingAttendanceReport) AttendanceReport {
	r := AttendanceReport{
		ID:               w.ID,
		ParticipantCount: w.TotalParticipantCount,
		MeetingStartAt:   w.MeetingStartDateTime.Time,
		MeetingEndAt:     w.MeetingEndDateTime.Time,
	}
	if len(w.AttendanceRecords) == 0 {
		return r
	}
	r.Records = make([]AttendanceRecord, len(w.AttendanceRecords))
	for i := range w.AttendanceRecords {
		wr := &w.AttendanceRecords[i]
		rec := AttendanceRecord{
			Email: deref(wr.EmailAddress),
			Role:  AttendanceRole(deref(wr.Role)),
			Total: time.Duration(wr.TotalAttendanceInSeconds) * time.Second,
		}
		if id := wr.Identity; id != nil {
			rec.UserID, rec.DisplayName, rec.TenantID = id.ID, deref(id.DisplayName), deref(id.TenantID)
		}
		if len(wr.AttendanceIntervals) > 0 {
			rec.Intervals = make([]AttendanceInterval, len(wr.AttendanceIntervals))
			for j, iv := range wr.AttendanceIntervals {
				rec.Intervals[j] = AttendanceInterval{JoinAt: iv.JoinDateTime.Time, LeaveAt: iv.LeaveDateTime.Time, Duration: time.Duration(iv.DurationInSeconds) * time.Second}
			}
		}
		r.Records[i] = rec
	}
	return r
}

func attendanceReportsToWire(rs []AttendanceReport) []gw.MeetingAttendanceReport {
	out := make([]gw.MeetingAttendanceReport, len(rs))
	for i, r := range rs {
		out[i] = attendanceReportToWire(r)
	}
	return out
}
