package fake

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

var tokenMu sync.Mutex

// newHTTPEnv serves a seeded service on loopback and returns the suite's
// environment through the test wire client.
func newHTTPEnv(t *testing.T) (*Service, Seeded, chattest.Env, *httptest.Server) {
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, sd := NewSeeded(&Options{Now: clock.Now})
	t.Cleanup(svc.Close)
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	user := func(u User) chattest.User {
		tok := svc.TokenFor(u.ID)
		tokenMu.Lock()
		tokenUsers[tok] = u.ID
		tokenMu.Unlock()
		return chattest.User{ID: u.ID, UPN: u.UPN, DisplayName: u.DisplayName,
			Service: &wireClient{base: srv.URL + "/v1.0", token: tok, hc: srv.Client()}}
	}
	env := chattest.Env{
		Alice: user(sd.Alice), Bob: user(sd.Bob), Carol: user(sd.Carol), Dave: user(sd.Dave),
		TeamID: sd.Team.ID, ChannelID: sd.Channel.ID,
		MeetingJoinURL: sd.Meeting.JoinURL, MeetingChatID: sd.Meeting.ChatID,
		Advance: clock.Advance, SetPresence: svc.SetPresence,
	}
	return svc, sd, env, srv
}

func TestConformanceHTTPFace(t *testing.T) {
	chattest.Run(t, func(t *testing.T) chattest.Env {
		_, _, env, _ := newHTTPEnv(t)
		return env
	})
}
