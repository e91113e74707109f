package fake

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// meetingTimes fills in Graph's defaults: a zero start is now, a zero end
// an hour after the start.
func meetingTimes(now, start, end time.Time) (time.Time, time.Time) {
	if start.IsZero() {
		start = now
	}
	if end.IsZero() {
		end = start.Add(time.Hour)
	}
	return start, end
}

// createMeetingLocked creates an online meeting organized by org, with its
// meeting chat of which org and the attendees the service knows are
// members. Times default as meetingTimes says; an empty lobby bypass is
// LobbyBypassOrganization (in Teams, the organizer's meeting policy
// decides). attendees are object ids or user principal names, kept as
// given.
func (s *Service) createMeetingLocked(org *User, subject string, start, end time.Time, attendees []string, lobby chat.LobbyBypassScope) *meetingState {
	now := s.clock()
	start, end = meetingTimes(now, start, end)
	if lobby == "" {
		lobby = chat.LobbyBypassOrganization
	}
	s.seq++
	seq := uint64(s.seq)
	thread := fmt.Sprintf("19:meeting_%016x%016x@thread.v2", seq*0x9e3779b97f4a7c15, seq)
	join := "https://teams.microsoft.com/l/meetup-join/" + strings.ReplaceAll(strings.ReplaceAll(thread, ":", "%3a"), "@", "%40") +
		"/0?context=%7b%22Tid%22%3a%22" + org.TenantID + "%22%2c%22Oid%22%3a%22" + org.ID + "%22%7d"
	m := &meetingState{chatID: thread}
	m.m = Meeting{TenantID: org.TenantID, OnlineMeeting: chat.OnlineMeeting{
		ID:                 base64.RawURLEncoding.EncodeToString([]byte("1*" + org.ID + "*0**" + thread)),
		Subject:            subject,
		JoinURL:            join,
		ChatID:             thread,
		StartAt:            start,
		EndAt:              end,
		CreatedAt:          now,
		OrganizerID:        org.ID,
		OrganizerTenantID:  org.TenantID,
		Attendees:          append([]string(nil), attendees...),
		JoinMeetingID:      joinMeetingID(seq),
		Passcode:           chat.Passcode(passcode(seq)),
		IsPasscodeRequired: true,
		LobbyBypass:        lobby,
	}}
	s.meetings[m.m.ID] = m
	c := s.newChatLocked(thread, chat.ChatTypeMeeting, subject, org.TenantID, now)
	c.c.OnlineMeeting = chat.MeetingInfo{JoinURL: join, OrganizerID: org.ID, OrganizerTenantID: org.TenantID}
	s.addMemberLocked(c, org, []string{chat.RoleOwner}, time.Time{}, now)
	for _, id := range attendees {
		if u := s.userLocked(id); u != nil && u.ID != org.ID && c.member(u.ID) == nil {
			s.addMemberLocked(c, u, []string{chat.RoleOwner}, time.Time{}, now)
		}
	}
	return m
}

// joinMeetingID is the n-th meeting's numeric id: 12 digits, not starting
// with 0, distinct for distinct n below 9·10^11.
func joinMeetingID(n uint64) string {
	const span = 900_000_000_000
	// 7919 is a prime that does not divide span, so n -> n*7919 mod span is one-to-one.
	return fmt.Sprintf("%d", 100_000_000_000+(n*7919)%span)
}

// passcode is the n-th meeting's passcode: 8 letters and digits.
func passcode(n uint64) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
	x := n*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	var b [8]byte
	for i := range b {
		b[i] = alphabet[x%uint64(len(alphabet))]
		x /= uint64(len(alphabet))
		x ^= x << 13
	}
	return string(b[:])
}

// createMeeting is POST /me/onlineMeetings. The end must be after the
// start once the defaults are filled in (an end in the past with no start
// is refused too).
func (s *Service) createMeeting(userID, subject string, start, end time.Time, attendees []string, lobby chat.LobbyBypassScope) (chat.OnlineMeeting, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.OnlineMeeting{}, oe
	}
	if st, en := meetingTimes(s.clock(), start, end); !en.After(st) {
		return chat.OnlineMeeting{}, errBadRequest("The end of the meeting must be after its start.")
	}
	if lobby != "" && !lobby.Valid() {
		return chat.OnlineMeeting{}, errBadRequest("Unknown lobbyBypassSettings scope " + quote(string(lobby)) + ".")
	}
	return s.createMeetingLocked(u, subject, start, end, attendees, lobby).view(), nil
}

// meetingsByJoinMeetingID returns the meetings the user organizes with this
// numeric meeting id (as /me/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId eq '…').
func (s *Service) meetingsByJoinMeetingID(userID, joinMeetingID string) ([]chat.OnlineMeeting, *opError) {
	return s.organizedMeetings(userID, func(m *Meeting) bool { return m.JoinMeetingID == joinMeetingID })
}

func unknownPresence(id string) chat.Presence {
	return chat.Presence{UserID: id, Availability: chat.AvailabilityPresenceUnknown, Activity: chat.ActivityPresenceUnknown}
}

// presenceOf is GET /me/presence (target "") or /users/{target}/presence.
// An unknown user is 404; a user of another tenant is PresenceUnknown.
func (s *Service) presenceOf(userID, target string) (chat.Presence, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	me, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.Presence{}, oe
	}
	u := me
	if target != "" {
		if u = s.userLocked(target); u == nil {
			return chat.Presence{}, errNotFound("User " + quote(target) + " was not found.")
		}
	}
	s.presenceChangedLocked() // what the clock changed is notified
	return s.presenceLocked(u, me.TenantID), nil
}

// presences is POST /communications/getPresencesByUserId: at most
// gw.MaxPresenceIDs object ids; ids of unknown users and of users of other
// tenants come back PresenceUnknown. Graph promises no order: the fake
// answers in the order of the ids' text, so that callers cannot rely on
// the order they asked in.
func (s *Service) presences(userID string, ids []string) ([]chat.Presence, *opError) {
	if len(ids) == 0 {
		return nil, errBadRequest("ids must not be empty.")
	}
	if len(ids) > gw.MaxPresenceIDs {
		return nil, errBadRequest(fmt.Sprintf("At most %d ids are supported per request.", gw.MaxPresenceIDs))
	}
	for _, id := range ids {
		if !uuid.IsGUID(id) {
			return nil, errBadRequest("Invalid user id " + quote(id) + ": ids must be object ids.")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	me, oe := s.signedInLocked(userID)
	if oe != nil {
		return nil, oe
	}
	s.presenceChangedLocked() // what the clock changed is notified
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	out := make([]chat.Presence, 0, len(sorted))
	seen := map[string]bool{}
	for _, id := range sorted {
		k := strings.ToLower(id)
		if seen[k] {
			continue
		}
		seen[k] = true
		if u := s.userLocked(id); u != nil {
			out = append(out, s.presenceLocked(u, me.TenantID))
		} else {
			out = append(out, unknownPresence(id))
		}
	}
	return out, nil
}
