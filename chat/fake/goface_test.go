package fake_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// newGoEnv is a seeded service, its clock, and the suite's environment on
// the Go face.
func newGoEnv(t *testing.T) (*fake.Service, fake.Seeded, chattest.Env) {
	clock := identityfake.NewClock(start)
	svc, sd := fake.NewSeeded(&fake.Options{Clock: clock})
	t.Cleanup(func() { _ = svc.Close() })
	user := func(u fake.User) chattest.User {
		return chattest.User{ID: u.ID, UPN: u.UPN, DisplayName: u.DisplayName, Service: svc.As(u.ID)}
	}
	// Subscriptions are made on the HTTP face (the Go face has none); the
	// changes they report come through the Go face.
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	subscriber := func(u chattest.User) *chat.Client {
		c, err := chat.NewClient(svc.CredentialFor(u.ID), &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: u.ID, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return svc, sd, chattest.Env{
		Alice: user(sd.Alice), Bob: user(sd.Bob), Carol: user(sd.Carol), Dave: user(sd.Dave),
		TeamID: sd.Team.ID, ChannelID: sd.Channel.ID,
		MeetingJoinURL: sd.Meeting.JoinURL, MeetingChatID: sd.Meeting.ChatID,
		Advance: clock.Advance, SetPresence: svc.SetPresence, RecordAttendance: svc.RecordAttendance,
		WithScopes: func(u chattest.User, scopes ...string) chat.Service { return svc.As(u.ID, scopes...) },
		Subscribe:  chattest.Subscriber(subscriber),
	}
}

func TestConformanceGoFace(t *testing.T) {
	chattest.Run(t, func(t *testing.T) chattest.Env {
		_, _, env := newGoEnv(t)
		return env
	})
}
