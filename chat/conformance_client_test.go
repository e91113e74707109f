package chat_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// fakeGraph is a seeded chat fake served on loopback, with the real client
// signed in as each of its users.
type fakeGraph struct {
	svc    *fake.Service
	seeded fake.Seeded
	srv    *httptest.Server
	clock  *identityfake.Clock
}

func newFakeGraph(t testing.TB) *fakeGraph {
	t.Helper()
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, sd := fake.NewSeeded(&fake.Options{Clock: clock})
	t.Cleanup(func() { _ = svc.Close() })
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return &fakeGraph{svc: svc, seeded: sd, srv: srv, clock: clock}
}

// client returns the real client signed in as u on the fake's HTTP face.
func (g *fakeGraph) client(t testing.TB, u fake.User, mutate func(*chat.ClientOptions)) *chat.Client {
	t.Helper()
	o := &chat.ClientOptions{BaseURL: g.srv.URL + "/v1.0", UserID: u.ID, ApplicationID: fake.ApplicationID}
	o.Retry.RetryDelay = time.Millisecond
	o.Retry.MaxRetryDelay = 10 * time.Millisecond
	if mutate != nil {
		mutate(o)
	}
	c, err := chat.NewClient(staticCred{g.svc.TokenFor(u.ID)}, o)
	require.NoError(t, err)
	return c
}

// TestConformanceClientOnFakeHTTP runs the conformance suite against the
// real client (this package's codec and pipeline) talking to the fake's
// HTTP face on 127.0.0.1.
func TestConformanceClientOnFakeHTTP(t *testing.T) {
	chattest.Run(t, func(t *testing.T) chattest.Env {
		g := newFakeGraph(t)
		user := func(u fake.User) chattest.User {
			return chattest.User{ID: u.ID, UPN: u.UPN, DisplayName: u.DisplayName, Service: g.client(t, u, nil)}
		}
		sd := g.seeded
		return chattest.Env{
			Alice: user(sd.Alice), Bob: user(sd.Bob), Carol: user(sd.Carol), Dave: user(sd.Dave),
			TeamID: sd.Team.ID, ChannelID: sd.Channel.ID,
			MeetingJoinURL: sd.Meeting.JoinURL, MeetingChatID: sd.Meeting.ChatID,
			Advance: g.clock.Advance, SetPresence: g.svc.SetPresence, RecordAttendance: g.svc.RecordAttendance,
			WithScopes: func(u chattest.User, scopes ...string) chat.Service {
				c, err := chat.NewClient(g.svc.CredentialFor(u.ID, scopes...), &chat.ClientOptions{BaseURL: g.srv.URL + "/v1.0", UserID: u.ID, ApplicationID: fake.ApplicationID})
				require.NoError(t, err)
				return c
			},
			Subscribe: chattest.Subscriber(func(u chattest.User) *chat.Client {
				return g.client(t, fake.User{ID: u.ID}, func(o *chat.ClientOptions) { o.Clock = g.clock })
			}),
		}
	})
}
