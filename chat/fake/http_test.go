package fake

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// newHTTPEnv serves a seeded service on loopback and returns the suite's
// environment through the real client (chat.NewClient) signed in to the
// HTTP face. The client does not retry, so that the tests see each answer
// of the face as it is. The conformance suite itself runs on the real
// client over the HTTP face in package chat (TestConformanceClientOnFakeHTTP).
func newHTTPEnv(t testing.TB) (*Service, Seeded, chattest.Env, *httptest.Server) {
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, sd := NewSeeded(&Options{Clock: clock})
	t.Cleanup(func() { _ = svc.Close() })
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	user := func(u User) chattest.User {
		return chattest.User{ID: u.ID, UPN: u.UPN, DisplayName: u.DisplayName, Service: httpClient(t, svc, srv, u)}
	}
	env := chattest.Env{
		Alice: user(sd.Alice), Bob: user(sd.Bob), Carol: user(sd.Carol), Dave: user(sd.Dave),
		TeamID: sd.Team.ID, ChannelID: sd.Channel.ID,
		MeetingJoinURL: sd.Meeting.JoinURL, MeetingChatID: sd.Meeting.ChatID,
		Advance: clock.Advance, SetPresence: svc.SetPresence,
		WithScopes: func(u chattest.User, scopes ...string) chat.Service {
			return scopedHTTPClient(t, svc, srv, u.ID, scopes)
		},
		Subscribe: chattest.Subscriber(func(u chattest.User) *chat.Client {
			c, err := chat.NewClient(svc.CredentialFor(u.ID), &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: u.ID, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}),
	}
	return svc, sd, env, srv
}

// httpClient is the real client signed in as u on the HTTP face at srv,
// without retries.
func httpClient(t testing.TB, svc *Service, srv *httptest.Server, u User) *chat.Client {
	return scopedHTTPClient(t, svc, srv, u.ID, nil)
}

// scopedHTTPClient is httpClient with a token granted scopes (nil:
// DefaultScopes).
func scopedHTTPClient(t testing.TB, svc *Service, srv *httptest.Server, userID string, scopes []string) *chat.Client {
	o := &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: userID, ApplicationID: ApplicationID}
	o.Retry.MaxRetries = -1
	c, err := chat.NewClient(svc.CredentialFor(userID, scopes...), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TokenFor mints a delegated Graph access token for the user, which the
// HTTP face accepts until RevokeTokens (hours of the service's clock later
// too), and refuses after.
func TestTokenFor(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	tok := svc.TokenFor(sd.Alice.UPN)
	c, err := identity.ReadEntraToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.ObjectID != sd.Alice.ID || c.TenantID != sd.Alice.TenantID || c.Audience != graphAudience {
		t.Errorf("claims %+v", c)
	}
	get := func() int {
		return rawDo(t, "GET", srv.URL+"/v1.0/me/chats", tok, "").status
	}
	env.Advance(48 * time.Hour)
	if s := get(); s != 200 {
		t.Fatalf("status %d with a token of TokenFor", s)
	}
	svc.RevokeTokens(sd.Alice.ID)
	if s := get(); s != 401 {
		t.Errorf("status %d after RevokeTokens, want 401", s)
	}
	if s := rawDo(t, "GET", srv.URL+"/v1.0/me/chats", svc.TokenFor(sd.Alice.ID), "").status; s != 200 {
		t.Errorf("status %d with a token minted after RevokeTokens", s)
	}
}
