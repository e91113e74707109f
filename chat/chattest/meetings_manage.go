package chattest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// externalID returns an external id no earlier run used.
func externalID(t *testing.T) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "chattest-" + hex.EncodeToString(b[:])
}

// testManageMeetings: createOrGet makes a meeting once per user and
// external id and returns it after; the organizer updates its subject,
// times and attendees (a new attendee then reads it), nobody else does;
// the organizer reads the attendance of its sessions; the organizer
// deletes it, and it is gone. Arguments that cannot work are refused
// before anything is sent.
func testManageMeetings(t *testing.T, env Env) {
	c, alice := ctx(t), env.Alice.Service
	record := !env.Unsupported.AttendanceControl
	if record && env.RecordAttendance == nil {
		t.Fatal("Env.RecordAttendance is nil: set it, or declare Env.Unsupported.AttendanceControl")
	}
	ext := externalID(t)
	start := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute)
	first := must(alice.CreateOrGetOnlineMeeting(c, ext, &chat.CreateOrGetOnlineMeetingOptions{
		Subject: "Weekly sync", StartAt: start, EndAt: start.Add(30 * time.Minute), Attendees: []string{env.Bob.ID},
	}))(t)
	m := first.Meeting
	if !first.Created || m.ID == "" || m.ExternalID != ext || m.Subject != "Weekly sync" || !strings.EqualFold(m.OrganizerID, env.Alice.ID) {
		t.Fatalf("CreateOrGetOnlineMeeting: created %v, meeting %+v", first.Created, m)
	}
	// The same external id again: the same meeting, as it was (the
	// options of a second call do not apply).
	again := must(alice.CreateOrGetOnlineMeeting(c, ext, &chat.CreateOrGetOnlineMeetingOptions{Subject: "Other"}))(t)
	if again.Created || again.Meeting.ID != m.ID || again.Meeting.Subject != "Weekly sync" || again.Meeting.JoinURL != m.JoinURL {
		t.Errorf("CreateOrGetOnlineMeeting again: created %v, meeting %q %q, want %q unchanged", again.Created, again.Meeting.ID, again.Meeting.Subject, m.ID)
	}
	// Another user's same external id is another meeting.
	bobs := must(env.Bob.Service.CreateOrGetOnlineMeeting(c, ext, nil))(t)
	if !bobs.Created || bobs.Meeting.ID == m.ID || !strings.EqualFold(bobs.Meeting.OrganizerID, env.Bob.ID) {
		t.Errorf("Bob's CreateOrGetOnlineMeeting with Alice's external id: created %v, meeting %q (Alice's %q)", bobs.Created, bobs.Meeting.ID, m.ID)
	}

	// Update: subject and times together, then the attendees.
	newStart := start.Add(24 * time.Hour)
	up := must(alice.UpdateOnlineMeeting(c, m.ID, chat.MeetingUpdate{Subject: "Weekly sync (moved)", StartAt: newStart, EndAt: newStart.Add(45 * time.Minute)}, nil))(t).Meeting
	if up.ID != m.ID || up.Subject != "Weekly sync (moved)" || !up.StartAt.Equal(newStart) || !up.EndAt.Equal(newStart.Add(45*time.Minute)) || up.JoinURL != m.JoinURL {
		t.Errorf("UpdateOnlineMeeting: %+v", up)
	}
	_, err := env.Carol.Service.GetOnlineMeeting(c, m.ID, nil)
	wantServiceErr(t, "an uninvited user reads the meeting", err, notVisible, "404 or 403")
	up = must(alice.UpdateOnlineMeeting(c, m.ID, chat.MeetingUpdate{Attendees: []string{env.Bob.ID, env.Carol.UPN}, LobbyBypass: chat.LobbyBypassEveryone}, nil))(t).Meeting
	if len(up.Attendees) != 2 || up.LobbyBypass != chat.LobbyBypassEveryone || up.Subject != "Weekly sync (moved)" {
		t.Errorf("UpdateOnlineMeeting attendees: %+v", up)
	}
	got := must(env.Carol.Service.GetOnlineMeeting(c, m.ID, nil))(t).Meeting
	if got.Subject != "Weekly sync (moved)" || !got.StartAt.Equal(newStart) {
		t.Errorf("Carol, now invited, reads %+v", got)
	}
	_, err = env.Bob.Service.UpdateOnlineMeeting(c, m.ID, chat.MeetingUpdate{Subject: "hijacked"}, nil)
	wantServiceErr(t, "an attendee updates the meeting", err, notVisible, "403 or 404")
	_, err = env.Dave.Service.UpdateOnlineMeeting(c, m.ID, chat.MeetingUpdate{Subject: "hijacked"}, nil)
	wantServiceErr(t, "a stranger updates the meeting", err, notVisible, "404 or 403")
	if got := must(alice.GetOnlineMeeting(c, m.ID, nil))(t).Meeting; got.Subject != "Weekly sync (moved)" {
		t.Errorf("after refused updates the subject is %q", got.Subject)
	}

	// Attendance: none before a session ended; the reports of the sessions
	// after, for the organizer only.
	if rs := must(alice.ListAttendanceReports(c, m.ID, nil))(t).Reports; len(rs) != 0 {
		t.Errorf("attendance reports before any session: %+v", rs)
	}
	if record {
		s1 := newStart
		first := must(env.RecordAttendance(m.ID, s1, s1.Add(40*time.Minute),
			chat.AttendanceRecord{UserID: env.Alice.ID, Intervals: []chat.AttendanceInterval{{JoinAt: s1, LeaveAt: s1.Add(40 * time.Minute)}}},
			chat.AttendanceRecord{UserID: env.Bob.ID, Intervals: []chat.AttendanceInterval{
				{JoinAt: s1.Add(time.Minute), LeaveAt: s1.Add(11 * time.Minute)},
				{JoinAt: s1.Add(20 * time.Minute), LeaveAt: s1.Add(30*time.Minute + 500*time.Millisecond)},
			}}))(t)
		s2 := s1.Add(7 * 24 * time.Hour)
		second := must(env.RecordAttendance(m.ID, s2, s2.Add(10*time.Minute),
			chat.AttendanceRecord{UserID: env.Alice.ID, Intervals: []chat.AttendanceInterval{{JoinAt: s2, LeaveAt: s2.Add(10 * time.Minute)}}}))(t)
		rs := must(alice.ListAttendanceReports(c, m.ID, nil))(t).Reports
		if len(rs) != 2 {
			t.Fatalf("attendance reports after two sessions: %+v", rs)
		}
		byID := map[string]chat.AttendanceReport{}
		for _, r := range rs {
			byID[r.ID] = r
			if r.Records != nil {
				t.Errorf("listed report %q has records (the listing leaves them empty): %+v", r.ID, r.Records)
			}
		}
		if r := byID[first.ID]; r.ParticipantCount != 2 || !r.MeetingStartAt.Equal(s1) || !r.MeetingEndAt.Equal(s1.Add(40*time.Minute)) {
			t.Errorf("first session's report: %+v", r)
		}
		if r := byID[second.ID]; r.ParticipantCount != 1 {
			t.Errorf("second session's report: %+v", r)
		}
		r := must(alice.GetAttendanceReport(c, m.ID, first.ID, nil))(t).Report
		if r.ID != first.ID || len(r.Records) != 2 {
			t.Fatalf("GetAttendanceReport: %+v", r)
		}
		recs := map[string]chat.AttendanceRecord{}
		for _, rec := range r.Records {
			recs[strings.ToLower(rec.UserID)] = rec
		}
		bob := recs[strings.ToLower(env.Bob.ID)]
		if bob.Total != 20*time.Minute || len(bob.Intervals) != 2 || bob.Intervals[1].Duration != 10*time.Minute ||
			bob.Role != chat.AttendanceRoleAttendee || bob.DisplayName != env.Bob.DisplayName || !strings.EqualFold(bob.Email, env.Bob.UPN) {
			t.Errorf("Bob's attendance: %+v", bob)
		}
		if a := recs[strings.ToLower(env.Alice.ID)]; a.Role != chat.AttendanceRoleOrganizer || a.Total != 40*time.Minute {
			t.Errorf("Alice's attendance: %+v", a)
		}
		_, err = env.Bob.Service.ListAttendanceReports(c, m.ID, nil)
		wantServiceErr(t, "an attendee lists the attendance", err, notVisible, "403 or 404")
		_, err = env.Bob.Service.GetAttendanceReport(c, m.ID, first.ID, nil)
		wantServiceErr(t, "an attendee reads a report", err, notVisible, "403 or 404")
		_, err = alice.GetAttendanceReport(c, m.ID, "00000000-0000-4000-8000-0000000000aa", nil)
		wantServiceErr(t, "a missing report", err, chat.IsNotFound, "404")
	}

	// Delete: not by an attendee; by the organizer, once.
	_, err = env.Bob.Service.DeleteOnlineMeeting(c, m.ID, nil)
	wantServiceErr(t, "an attendee deletes the meeting", err, notVisible, "403 or 404")
	must(alice.DeleteOnlineMeeting(c, m.ID, nil))(t)
	_, err = alice.GetOnlineMeeting(c, m.ID, nil)
	wantServiceErr(t, "the deleted meeting", err, chat.IsNotFound, "404")
	_, err = alice.DeleteOnlineMeeting(c, m.ID, nil)
	wantServiceErr(t, "deleting it again", err, chat.IsNotFound, "404")
	must(env.Bob.Service.DeleteOnlineMeeting(c, bobs.Meeting.ID, nil))(t)

	// Refused before anything is sent.
	for name, u := range map[string]chat.MeetingUpdate{
		"nothing":            {},
		"start without end":  {StartAt: newStart},
		"end without start":  {EndAt: newStart},
		"end before start":   {StartAt: newStart, EndAt: newStart.Add(-time.Minute)},
		"end in year 10000":  {StartAt: newStart, EndAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"control in subject": {Subject: "a\nb"},
		"bad attendee":       {Attendees: []string{"nobody"}},
		"attendee twice":     {Attendees: []string{env.Bob.ID, strings.ToUpper(env.Bob.ID)}},
		"unknown lobby":      {LobbyBypass: "anyone"},
	} {
		_, err = alice.UpdateOnlineMeeting(c, m.ID, u, nil)
		wantArgErr(t, "UpdateOnlineMeeting "+name, err)
	}
	_, err = alice.UpdateOnlineMeeting(c, "a/b", chat.MeetingUpdate{Subject: "x"}, nil)
	wantArgErr(t, "UpdateOnlineMeeting bad id", err)
	_, err = alice.DeleteOnlineMeeting(c, "", nil)
	wantArgErr(t, "DeleteOnlineMeeting empty id", err)
	for name, id := range map[string]string{"empty": "", "blank": "  ", "control": "a\tb", "long": strings.Repeat("x", chat.MaxExternalIDBytes+1), "not utf-8": "\xff"} {
		_, err = alice.CreateOrGetOnlineMeeting(c, id, nil)
		wantArgErr(t, "CreateOrGetOnlineMeeting "+name+" external id", err)
	}
	_, err = alice.CreateOrGetOnlineMeeting(c, ext, &chat.CreateOrGetOnlineMeetingOptions{EndAt: start})
	wantArgErr(t, "CreateOrGetOnlineMeeting end without start", err)
	_, err = alice.CreateOrGetOnlineMeeting(c, ext, &chat.CreateOrGetOnlineMeetingOptions{StartAt: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)})
	wantArgErr(t, "CreateOrGetOnlineMeeting start in year 0", err)
	_, err = alice.ListAttendanceReports(c, "", nil)
	wantArgErr(t, "ListAttendanceReports empty id", err)
	_, err = alice.GetAttendanceReport(c, "x", "a?b", nil)
	wantArgErr(t, "GetAttendanceReport bad report id", err)
}

// testMeetingPermissions: the permissions of the meeting operations
// (onlinemeeting-update, -delete, -createorget: OnlineMeetings.ReadWrite;
// meetingattendancereport-list and -get: OnlineMeetingArtifact.Read.All).
func testMeetingPermissions(t *testing.T, env Env) {
	c := ctx(t)
	m := must(env.Alice.Service.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{Subject: "perms"}))(t).Meeting
	read := env.WithScopes(env.Alice, "OnlineMeetings.Read")
	must(read.GetOnlineMeeting(c, m.ID, nil))(t)
	_, err := read.UpdateOnlineMeeting(c, m.ID, chat.MeetingUpdate{Subject: "no"}, nil)
	wantForbidden(t, "UpdateOnlineMeeting with OnlineMeetings.Read", err, "OnlineMeetings.ReadWrite")
	_, err = read.DeleteOnlineMeeting(c, m.ID, nil)
	wantForbidden(t, "DeleteOnlineMeeting with OnlineMeetings.Read", err, "OnlineMeetings.ReadWrite")
	_, err = read.CreateOrGetOnlineMeeting(c, externalID(t), nil)
	wantForbidden(t, "CreateOrGetOnlineMeeting with OnlineMeetings.Read", err, "OnlineMeetings.ReadWrite")
	_, err = env.WithScopes(env.Alice, "OnlineMeetings.ReadWrite").ListAttendanceReports(c, m.ID, nil)
	wantForbidden(t, "ListAttendanceReports with OnlineMeetings.ReadWrite", err, "OnlineMeetingArtifact.Read.All")
	must(env.WithScopes(env.Alice, "OnlineMeetingArtifact.Read.All").ListAttendanceReports(c, m.ID, nil))(t)
	if got := must(env.Alice.Service.GetOnlineMeeting(c, m.ID, nil))(t).Meeting; got.Subject != "perms" {
		t.Errorf("a refused update changed the subject to %q", got.Subject)
	}
}

// wantForbidden checks that err is Graph's 403 naming the permission
// needed.
func wantForbidden(t *testing.T, what string, err error, needs string) {
	t.Helper()
	wantServiceErr(t, what, err, chat.IsForbidden, "403")
	var ce *chat.Error
	if errors.As(err, &ce) && (ce.Code != "Forbidden" || !strings.Contains(ce.Message, needs)) {
		t.Errorf("%s: %s %q, want Forbidden naming %s", what, ce.Code, ce.Message, needs)
	}
}
