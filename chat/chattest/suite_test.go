package chattest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/suitecheck"
)

// noMeetingIDs is a chat.Service whose online meetings have no
// JoinMeetingID, as an implementation that never fills it.
type noMeetingIDs struct{ chat.Service }

func (s noMeetingIDs) CreateOnlineMeeting(ctx context.Context, opts *chat.CreateOnlineMeetingOptions) (chat.CreateOnlineMeetingResponse, error) {
	r, err := s.Service.CreateOnlineMeeting(ctx, opts)
	r.Meeting.JoinMeetingID = ""
	return r, err
}

func (s noMeetingIDs) GetOnlineMeeting(ctx context.Context, id string, opts *chat.GetOnlineMeetingOptions) (chat.GetOnlineMeetingResponse, error) {
	r, err := s.Service.GetOnlineMeeting(ctx, id, opts)
	r.Meeting.JoinMeetingID = ""
	return r, err
}

func (s noMeetingIDs) GetOnlineMeetingByJoinURL(ctx context.Context, joinURL string, opts *chat.GetOnlineMeetingByJoinURLOptions) (chat.GetOnlineMeetingByJoinURLResponse, error) {
	r, err := s.Service.GetOnlineMeetingByJoinURL(ctx, joinURL, opts)
	r.Meeting.JoinMeetingID = ""
	return r, err
}

// lacking is the fake's Go face without meeting ids, in an environment that
// cannot move its clock or set presence, declaring what it lacks as told.
func lacking(declared chattest.Unsupported) func(t *testing.T) chattest.Env {
	return func(t *testing.T) chattest.Env {
		svc, sd := fake.NewSeeded(&fake.Options{Clock: identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))})
		t.Cleanup(func() { _ = svc.Close() })
		user := func(u fake.User) chattest.User {
			return chattest.User{ID: u.ID, UPN: u.UPN, DisplayName: u.DisplayName, Service: noMeetingIDs{svc.As(u.ID)}}
		}
		return chattest.Env{
			Alice: user(sd.Alice), Bob: user(sd.Bob), Carol: user(sd.Carol), Dave: user(sd.Dave),
			TeamID: sd.Team.ID, ChannelID: sd.Channel.ID,
			MeetingJoinURL: sd.Meeting.JoinURL, MeetingChatID: sd.Meeting.ChatID,
			WithScopes:  func(u chattest.User, scopes ...string) chat.Service { return noMeetingIDs{svc.As(u.ID, scopes...)} },
			Unsupported: declared,
		}
	}
}

// TestSuiteSkipsOnlyWhatIsDeclared: an implementation that leaves meeting
// ids out, in an environment without clock or presence control, passes
// when it declares so, and fails each case that needs what it left out
// when it does not. The failing run is a child process, since a failing
// subtest fails its parent.
func TestSuiteSkipsOnlyWhatIsDeclared(t *testing.T) {
	if os.Getenv("CHATTEST_UNDECLARED") == "1" {
		chattest.Run(t, lacking(chattest.Unsupported{}))
		return
	}
	chattest.Run(t, lacking(chattest.Unsupported{ClockControl: true, PresenceControl: true, MeetingIDs: true, AttendanceControl: true, Notifications: true}))

	// Each case that needs what was left out fails, saying what.
	why := map[string]string{
		"ListMessagesDateFilters":      "Env.Advance is nil",
		"ListChatsByLastMessage":       "Env.Advance is nil",
		"CreateOnlineMeeting":          `join meeting id "" is not digits`,
		"OnlineMeetingByJoinMeetingID": `join meeting id "" is not digits`,
		"Presence":                     "Env.SetPresence is nil",
		"ManageOnlineMeetings":         "Env.RecordAttendance is nil",
		"ChatNotifications":            "Env.Subscribe is nil",
	}
	suitecheck.FailsEach(t, "CHATTEST_UNDECLARED", "1", why)
}
