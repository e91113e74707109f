package chattest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
)

// testCreateMeeting: Alice creates a meeting with Bob (by id) and Carol (by
// principal name) invited; its link is a Teams join link whose thread is the
// meeting's chat; the invitees find that chat from the link and talk in it;
// the passcode never shows in formatted output.
func testCreateMeeting(t *testing.T, env Env) {
	c, alice := ctx(t), env.Alice.Service
	start := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Minute)
	m := must(alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{
		Subject: "Quarterly review", StartAt: start, EndAt: start.Add(45 * time.Minute),
		Attendees: []string{env.Bob.ID, env.Carol.UPN},
	}))(t).Meeting
	if m.ID == "" || m.Subject != "Quarterly review" || !strings.EqualFold(m.OrganizerID, env.Alice.ID) {
		t.Fatalf("created meeting: id %q, subject %q, organizer %q", m.ID, m.Subject, m.OrganizerID)
	}
	if d := m.StartAt.Sub(start); d < -time.Second || d > time.Second || m.EndAt.Sub(m.StartAt).Round(time.Minute) != 45*time.Minute {
		t.Errorf("created meeting runs %v–%v, want %v for 45 minutes", m.StartAt, m.EndAt, start)
	}
	loc, err := meetinglink.Parse(m.JoinURL)
	if err != nil {
		t.Fatalf("the join link %q does not parse: %v", m.JoinURL, err)
	}
	if m.ChatID == "" || loc.ChatThreadID() != m.ChatID {
		t.Errorf("chat id %q, link's thread %q", m.ChatID, loc.ChatThreadID())
	}
	if !env.Unsupported.MeetingIDs && (m.JoinMeetingID == "" || strings.Trim(m.JoinMeetingID, "0123456789") != "") {
		t.Errorf("join meeting id %q is not digits", m.JoinMeetingID)
	}
	if m.Passcode != "" {
		if _, err := meetinglink.ByMeetingID(m.JoinMeetingID, string(m.Passcode)); err != nil && !env.Unsupported.MeetingIDs {
			t.Errorf("meeting id and passcode make no locator: %v", err)
		}
		for _, out := range []string{fmt.Sprint(m), fmt.Sprintf("%+v", m), fmt.Sprintf("%#v", m), fmt.Sprintf("%s %q %v", m.Passcode, m.Passcode, &m)} {
			if strings.Contains(out, string(m.Passcode)) {
				t.Fatalf("formatted meeting shows the passcode: %s", out)
			}
		}
	}
	got := must(alice.GetOnlineMeeting(c, m.ID, nil))(t).Meeting
	if got.ID != m.ID || got.JoinURL != m.JoinURL || got.ChatID != m.ChatID || got.JoinMeetingID != m.JoinMeetingID {
		t.Errorf("GetOnlineMeeting: got %+v, want %+v", got, m)
	}
	byLink := must(alice.GetOnlineMeetingByJoinURL(c, m.JoinURL, nil))(t).Meeting
	if byLink.ID != m.ID {
		t.Errorf("GetOnlineMeetingByJoinURL found %q, want %q", byLink.ID, m.ID)
	}
	// GET /me/onlineMeetings/{id} takes "both the organizer's and the
	// invited attendee's user token"
	// (https://learn.microsoft.com/graph/api/onlinemeeting-get, "HTTP
	// request"): Bob (invited by id) and Carol (by principal name) read it;
	// Dave, not invited, does not.
	for _, u := range []User{env.Bob, env.Carol} {
		got := must(u.Service.GetOnlineMeeting(c, m.ID, nil))(t).Meeting
		if got.ID != m.ID || got.JoinURL != m.JoinURL || got.ChatID != m.ChatID {
			t.Errorf("%s's GetOnlineMeeting: got %+v, want %+v", u.DisplayName, got, m)
		}
	}
	_, err = env.Dave.Service.GetOnlineMeeting(c, m.ID, nil)
	wantServiceErr(t, "an uninvited user's GetOnlineMeeting", err, notVisible, "404 or 403")

	// The invitees are in the meeting's chat and talk there.
	for _, u := range []User{env.Bob, env.Carol} {
		mc := must(u.Service.FindMeetingChat(c, m.JoinURL, nil))(t).Chat
		if mc.ID != m.ChatID || mc.Type != chat.ChatTypeMeeting {
			t.Fatalf("%s's FindMeetingChat: chat %q (%s), want %q", u.DisplayName, mc.ID, mc.Type, m.ChatID)
		}
	}
	sent := must(env.Carol.Service.SendMessage(c, m.ChatID, chat.TextMessage("see you there"), nil))(t).Message
	found := false
	for msg := range alice.ListMessages(c, m.ChatID, &chat.ListMessagesOptions{Top: 10}) {
		if msg.ID == sent.ID {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("the organizer does not see %q in the meeting's chat", sent.ID)
	}
	_, err = env.Dave.Service.FindMeetingChat(c, m.JoinURL, nil)
	wantServiceErr(t, "an uninvited user's FindMeetingChat", err, chat.IsNotFound, "404")

	// A meeting with no options: Graph's defaults.
	plain := must(alice.CreateOnlineMeeting(c, nil))(t).Meeting
	if plain.ID == "" || plain.ID == m.ID || plain.JoinURL == "" || !plain.EndAt.After(plain.StartAt) {
		t.Errorf("default meeting: %+v", plain)
	}
	open := must(alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{Subject: "open house", LobbyBypass: chat.LobbyBypassEveryone}))(t).Meeting
	if open.LobbyBypass != chat.LobbyBypassEveryone {
		t.Errorf("lobby bypass %q, want %q", open.LobbyBypass, chat.LobbyBypassEveryone)
	}

	_, err = alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{StartAt: start, EndAt: start})
	wantArgErr(t, "CreateOnlineMeeting ends at its start", err)
	_, err = alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{StartAt: start, EndAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	wantArgErr(t, "CreateOnlineMeeting ends in the year 10000", err)
	_, err = alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{Attendees: []string{env.Bob.ID, strings.ToUpper(env.Bob.ID)}})
	wantArgErr(t, "CreateOnlineMeeting same attendee twice", err)
	_, err = alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{Attendees: []string{"not a user"}})
	wantArgErr(t, "CreateOnlineMeeting bad attendee", err)
	_, err = alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{Subject: "line\nbreak"})
	wantArgErr(t, "CreateOnlineMeeting control character in subject", err)
	_, err = alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{LobbyBypass: "anyone"})
	wantArgErr(t, "CreateOnlineMeeting unknown lobby bypass scope", err)
	_, err = alice.GetOnlineMeeting(c, "", nil)
	wantArgErr(t, "GetOnlineMeeting empty id", err)
	_, err = alice.GetOnlineMeeting(c, "a/b", nil)
	wantArgErr(t, "GetOnlineMeeting id with a slash", err)
}

// testMeetingByID: the organizer finds a meeting by the meeting id of its
// invitation, written with spaces as invitations show it; nobody else does.
func testMeetingByID(t *testing.T, env Env) {
	if env.Unsupported.MeetingIDs {
		t.Skip("declared: Unsupported.MeetingIDs")
	}
	c, alice := ctx(t), env.Alice.Service
	m := must(alice.CreateOnlineMeeting(c, &chat.CreateOnlineMeetingOptions{Subject: "by id", Attendees: []string{env.Bob.ID}}))(t).Meeting
	if m.JoinMeetingID == "" || strings.Trim(m.JoinMeetingID, "0123456789") != "" {
		t.Fatalf("join meeting id %q is not digits", m.JoinMeetingID)
	}
	spaced := ""
	for i, r := range m.JoinMeetingID {
		if i > 0 && i%3 == 0 {
			spaced += " "
		}
		spaced += string(r)
	}
	got := must(alice.GetOnlineMeetingByJoinMeetingID(c, spaced, nil))(t).Meeting
	if got.ID != m.ID || got.ChatID != m.ChatID || got.JoinMeetingID != m.JoinMeetingID {
		t.Errorf("by meeting id %q: got %q, want %q", spaced, got.ID, m.ID)
	}
	_, err := env.Bob.Service.GetOnlineMeetingByJoinMeetingID(c, m.JoinMeetingID, nil)
	wantServiceErr(t, "an attendee looks the meeting up by id", err, chat.IsNotFound, "404: only organizers find meetings by id")
	other := "9" + strings.Repeat("0", len(m.JoinMeetingID)-1)
	if other == m.JoinMeetingID {
		other = "8" + other[1:]
	}
	_, err = alice.GetOnlineMeetingByJoinMeetingID(c, other, nil)
	wantServiceErr(t, "an unknown meeting id", err, chat.IsNotFound, "404")
	for _, bad := range []string{"", "   ", "12345", "12345abc901", "123456789012345678901", "1234567890'or'1'eq'1"} {
		_, err = alice.GetOnlineMeetingByJoinMeetingID(c, bad, nil)
		wantArgErr(t, fmt.Sprintf("GetOnlineMeetingByJoinMeetingID(%q)", bad), err)
	}
}

// testPresence: one user's presence, the user's own, and several at once in
// the order asked, duplicates once, unknown users PresenceUnknown.
func testPresence(t *testing.T, env Env) {
	c, alice := ctx(t), env.Alice.Service
	set := !env.Unsupported.PresenceControl // the values below are set, and checked
	if set && env.SetPresence == nil {
		t.Fatal("Env.SetPresence is nil: set it, or declare Env.Unsupported.PresenceControl")
	}
	if set {
		env.SetPresence(env.Alice.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
		env.SetPresence(env.Bob.ID, chat.Presence{Availability: chat.AvailabilityAvailableIdle, Activity: chat.ActivityAvailable, StatusMessage: "back at 2"})
		env.SetPresence(env.Carol.ID, chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall})
		env.SetPresence(env.Dave.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable, OutOfOffice: true})
	}
	p := must(alice.GetPresence(c, env.Bob.ID, nil))(t).Presence
	if !strings.EqualFold(p.UserID, env.Bob.ID) || p.Availability == "" || p.Activity == "" {
		t.Errorf("Bob's presence: %+v", p)
	}
	own := must(alice.GetPresence(c, "", nil))(t).Presence
	if !strings.EqualFold(own.UserID, env.Alice.ID) {
		t.Errorf("own presence is %q's, want Alice's", own.UserID)
	}
	if set {
		if p.Availability != chat.AvailabilityAvailableIdle || p.StatusMessage != "back at 2" || !p.IsFree() {
			t.Errorf("Bob's presence: %+v", p)
		}
		if own.Availability != chat.AvailabilityAvailable || !own.IsFree() {
			t.Errorf("Alice's own presence: %+v", own)
		}
	}

	unknown := "0e5c1d2e-7b1a-4c3e-9f00-000000000000"
	asked := []string{env.Carol.ID, env.Bob.ID, strings.ToUpper(env.Bob.ID), env.Dave.ID, unknown}
	ps := must(alice.GetPresences(c, asked, nil))(t).Presences
	want := []string{env.Carol.ID, env.Bob.ID, env.Dave.ID, unknown}
	if len(ps) != len(want) {
		t.Fatalf("GetPresences: %d presences, want %d: %+v", len(ps), len(want), ps)
	}
	for i, id := range want {
		if ps[i].UserID != id {
			t.Errorf("GetPresences[%d] is %q's, want %q's", i, ps[i].UserID, id)
		}
	}
	if ps[3].Availability != chat.AvailabilityPresenceUnknown {
		t.Errorf("an unknown user's presence: %+v", ps[3])
	}
	if set {
		if ps[0].Activity != chat.ActivityInACall || ps[0].IsFree() || !ps[1].IsFree() || !ps[2].OutOfOffice || ps[2].IsFree() {
			t.Errorf("GetPresences: %+v", ps)
		}
	}

	// More ids than one request takes: the known users at the start, on
	// both sides of the 650-id boundary and at the end, unknown ids
	// between; the answer keeps the order asked.
	const n = 2*chat.MaxPresencesPerRequest + 1
	many := make([]string, n)
	for i := range many {
		many[i] = fmt.Sprintf("5eed0000-0000-4000-8000-%012d", i)
	}
	known := map[int]User{0: env.Carol, chat.MaxPresencesPerRequest - 1: env.Bob, chat.MaxPresencesPerRequest: env.Dave, n - 1: env.Alice}
	for i, u := range known {
		many[i] = u.ID
	}
	ps = must(alice.GetPresences(c, many, nil))(t).Presences
	if len(ps) != n {
		t.Fatalf("GetPresences of %d ids: %d presences", n, len(ps))
	}
	for i, p := range ps {
		if p.UserID != many[i] {
			t.Fatalf("GetPresences of %d ids: [%d] is %q's, want %q's", n, i, p.UserID, many[i])
		}
		if _, ok := known[i]; !ok && p.Availability != chat.AvailabilityPresenceUnknown {
			t.Errorf("GetPresences of %d ids: unknown [%d] is %+v", n, i, p)
		}
	}
	if set && (ps[0].Activity != chat.ActivityInACall || !ps[chat.MaxPresencesPerRequest-1].IsFree() ||
		!ps[chat.MaxPresencesPerRequest].OutOfOffice || ps[n-1].Availability != chat.AvailabilityAvailable) {
		t.Errorf("GetPresences of %d ids: known users %+v %+v %+v %+v", n, ps[0], ps[chat.MaxPresencesPerRequest-1], ps[chat.MaxPresencesPerRequest], ps[n-1])
	}

	_, err := alice.GetPresence(c, unknown, nil)
	wantServiceErr(t, "an unknown user's presence", err, chat.IsNotFound, "404")
	_, err = alice.GetPresence(c, "not a user", nil)
	wantArgErr(t, "GetPresence bad id", err)
	_, err = alice.GetPresence(c, env.Bob.UPN, nil)
	wantArgErr(t, "GetPresence principal name (Graph's presence takes object ids only)", err)
	_, err = alice.GetPresences(c, nil, nil)
	wantArgErr(t, "GetPresences no ids", err)
	_, err = alice.GetPresences(c, []string{env.Bob.UPN}, nil)
	wantArgErr(t, "GetPresences principal name", err)
}
