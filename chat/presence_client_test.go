package chat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// TestGetPresencesSplitsAt650 reads 1,400 presences: three requests of at
// most 650 ids each, answered by the fake in another order than asked, put
// back in the caller's order.
func TestGetPresencesSplitsAt650(t *testing.T) {
	g := newFakeGraph(t)
	const n = 1400
	ids := make([]string, n)
	for i := range ids {
		u := g.svc.AddUser(g.seeded.Tenant.ID, fmt.Sprintf("Expert %04d", i))
		ids[n-1-i] = u.ID // the reverse of the order the fake answers in
		if i%7 == 0 {
			g.svc.SetPresence(u.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
		}
	}
	c := g.client(t, g.seeded.Alice, nil)
	g.svc.ResetRequests()
	ps, err := c.GetPresences(context.Background(), ids, nil)
	require.NoError(t, err)
	require.Len(t, ps.Presences, n)
	free := 0
	for i, p := range ps.Presences {
		require.Equal(t, ids[i], p.UserID)
		if p.IsFree() {
			free++
		}
	}
	require.Equal(t, (n+6)/7, free)
	total, _ := g.svc.CountRequests(fake.OpGetPresences)
	require.Equal(t, 3, total, "1,400 ids need three requests of at most 650")
}

// TestGetPresencesRetriedLikeARead: getPresencesByUserId is a POST that only
// reads, so a 500 is retried; creating a meeting is not (it would create a
// second one).
func TestGetPresencesRetriedLikeARead(t *testing.T) {
	g := newFakeGraph(t)
	c := g.client(t, g.seeded.Alice, nil)
	ctx := context.Background()

	g.svc.InjectFault(fake.Fault{Op: fake.OpGetPresences, Status: 500, Times: 2})
	ps, err := c.GetPresences(ctx, []string{g.seeded.Bob.ID}, nil)
	require.NoError(t, err)
	require.Len(t, ps.Presences, 1)
	total, injected := g.svc.CountRequests(fake.OpGetPresences)
	require.Equal(t, 3, total)
	require.Equal(t, 2, injected)

	g.svc.InjectFault(fake.Fault{Op: fake.OpCreateOnlineMeeting, Status: 500, AfterProcessing: true})
	_, err = c.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "once"})
	require.Equal(t, 500, chat.StatusCode(err))
	total, _ = g.svc.CountRequests(fake.OpCreateOnlineMeeting)
	require.Equal(t, 1, total, "a POST that may have been processed is not sent again")

	g.svc.InjectFault(fake.Fault{Op: fake.OpCreateOnlineMeeting, Status: 429})
	m, err := c.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "after throttling"})
	require.NoError(t, err, "429 is retried: Graph throttles before it processes")
	require.Equal(t, "after throttling", m.Meeting.Subject)
}

// TestArgumentErrorsSendNothing: meetings and presence arguments are
// refused before a request leaves.
func TestMeetingAndPresenceArgumentsSendNothing(t *testing.T) {
	g := newFakeGraph(t)
	c := g.client(t, g.seeded.Alice, nil)
	ctx := context.Background()
	g.svc.ResetRequests()
	_, err := c.GetOnlineMeetingByJoinMeetingID(ctx, "12 34x", nil)
	require.ErrorAs(t, err, new(*chat.ArgumentError))
	_, err = c.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{Attendees: []string{""}})
	require.ErrorAs(t, err, new(*chat.ArgumentError))
	_, err = c.GetPresences(ctx, []string{g.seeded.Bob.ID, "bob"}, nil)
	require.ErrorAs(t, err, new(*chat.ArgumentError))
	_, err = c.GetPresence(ctx, "a b", nil)
	require.ErrorAs(t, err, new(*chat.ArgumentError))
	require.Empty(t, g.svc.Requests())
}

// TestPasscodeNeverFormatted: the passcode is in the meeting and in its
// string conversion, and in no fmt or slog output.
func TestPasscodeNeverFormatted(t *testing.T) {
	m := chat.OnlineMeeting{ID: "m", JoinMeetingID: "123456789012", Passcode: "Secr3tPass"}
	require.Equal(t, "Secr3tPass", string(m.Passcode))
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("meeting", "m", m, "p", m.Passcode)
	for _, out := range []string{
		fmt.Sprint(m), fmt.Sprintf("%+v|%#v|%s|%q|%x|%d", m, m, m.Passcode, m.Passcode, m.Passcode, m.Passcode),
		fmt.Sprintf("%v", &m), m.Passcode.String(), m.Passcode.GoString(), b.String(),
	} {
		require.NotContains(t, out, "Secr3tPass")
	}
	require.Contains(t, fmt.Sprintf("%+v", m), "[REDACTED]")
	require.Equal(t, "", chat.Passcode("").String())
}

// Graph-shaped answers, written after the shapes of Graph's documentation
// for onlineMeeting and presence (ids and values are this test's own).
const (
	graphMeeting = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('b1d0...')/onlineMeetings/$entity",` +
		`"id":"MSpiMWQw","creationDateTime":"2026-04-01T08:00:00.1234567Z","startDateTime":"2026-04-02T09:00:00Z","endDateTime":"2026-04-02T09:30:00Z",` +
		`"joinWebUrl":"https://teams.microsoft.com/l/meetup-join/19%3ameeting_NmQ1ZjM0YjEtZTg0Ni00Y2U0LWJkNjctOTdkNGQxOTVmYzEw%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22b1d0a2c4-1111-4a4a-9b9b-0123456789ab%22%7d",` +
		`"subject":"Design review","isBroadcast":false,"autoAdmittedUsers":"everyoneInCompany","lobbyBypassSettings":{"scope":"invited","isDialInBypassEnabled":false},` +
		`"chatInfo":{"threadId":"19:meeting_NmQ1ZjM0YjEtZTg0Ni00Y2U0LWJkNjctOTdkNGQxOTVmYzEw@thread.v2","messageId":"0","replyChainMessageId":null},` +
		`"joinMeetingIdSettings":{"isPasscodeRequired":true,"joinMeetingId":"298745612304","passcode":"Kx7pQ2"},` +
		`"participants":{"organizer":{"upn":"megan@contoso.example","role":"presenter","identity":{"application":null,"device":null,"user":{"id":"b1d0a2c4-1111-4a4a-9b9b-0123456789ab","displayName":null,"tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","identityProvider":"AAD"}}},` +
		`"attendees":[{"upn":"lee@contoso.example","role":"attendee","identity":{"user":{"id":"c2e1b3d5-2222-4b4b-8c8c-0123456789ab","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47"}}},{"upn":"guest@fabrikam.example","role":"attendee","identity":{"user":null}}]}}`
	graphPresences = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(presence)","value":[` +
		`{"id":"66825e03-7ef5-42da-9069-724602c31f6b","availability":"Away","activity":"BeRightBack","statusMessage":null,"outOfOfficeSettings":{"message":null,"isOutOfOffice":false}},` +
		`{"id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3","availability":"Available","activity":"Available","statusMessage":{"publishedDateTime":"2026-04-01T08:00:00Z","message":{"content":"On site today","contentType":"text"}},"outOfOfficeSettings":{"message":"Back on Monday","isOutOfOffice":true}}]}`
)

// TestMeetingAndPresenceWire: the requests the client sends and how it
// reads Graph's answers.
func TestMeetingAndPresenceWire(t *testing.T) {
	srv := newScriptServer(t, reply{status: 201, body: graphMeeting}, reply{status: 200, body: `{"value":[{` + graphMeeting[strings.Index(graphMeeting, `"id"`):] + `]}`}, reply{status: 200, body: graphPresences})
	c := newTestClient(t, srv, nil)
	ctx := context.Background()
	start := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	created, err := c.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{
		Subject: "Design review", StartAt: start, EndAt: start.Add(30 * time.Minute),
		Attendees:   []string{"c2e1b3d5-2222-4b4b-8c8c-0123456789ab", "guest@fabrikam.example"},
		LobbyBypass: chat.LobbyBypassInvited,
	})
	require.NoError(t, err)
	m := created.Meeting
	require.Equal(t, "MSpiMWQw", m.ID)
	require.Equal(t, "19:meeting_NmQ1ZjM0YjEtZTg0Ni00Y2U0LWJkNjctOTdkNGQxOTVmYzEw@thread.v2", m.ChatID)
	require.Equal(t, "298745612304", m.JoinMeetingID)
	require.Equal(t, chat.Passcode("Kx7pQ2"), m.Passcode)
	require.True(t, m.IsPasscodeRequired)
	require.Equal(t, "b1d0a2c4-1111-4a4a-9b9b-0123456789ab", m.OrganizerID)
	require.Equal(t, "72f988bf-86f1-41af-91ab-2d7cd011db47", m.OrganizerTenantID)
	require.Equal(t, []string{"c2e1b3d5-2222-4b4b-8c8c-0123456789ab", "guest@fabrikam.example"}, m.Attendees, "ids where Graph gives them, else principal names")
	require.Equal(t, start.Add(30*time.Minute), m.EndAt)
	require.Equal(t, chat.LobbyBypassInvited, m.LobbyBypass)

	req := srv.requests()[0]
	require.Equal(t, "POST", req.Method)
	require.Equal(t, "/v1.0/me/onlineMeetings", req.Path)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(req.Body), &body))
	require.Equal(t, "Design review", body["subject"])
	require.Equal(t, "2026-04-02T09:00:00.000Z", body["startDateTime"])
	att := body["participants"].(map[string]any)["attendees"].([]any)
	require.Equal(t, "c2e1b3d5-2222-4b4b-8c8c-0123456789ab", att[0].(map[string]any)["identity"].(map[string]any)["user"].(map[string]any)["id"])
	require.Equal(t, "guest@fabrikam.example", att[1].(map[string]any)["upn"])
	require.Equal(t, "invited", body["lobbyBypassSettings"].(map[string]any)["scope"])

	byID, err := c.GetOnlineMeetingByJoinMeetingID(ctx, "298 745 612 304", nil)
	require.NoError(t, err)
	require.Equal(t, "MSpiMWQw", byID.Meeting.ID)
	req = srv.requests()[1]
	require.Equal(t, "/v1.0/me/onlineMeetings", req.Path)
	q, err := url.ParseQuery(req.RawQuery)
	require.NoError(t, err)
	require.Equal(t, "joinMeetingIdSettings/joinMeetingId eq '298745612304'", q.Get("$filter"))

	asked := []string{"fa8bf3dc-eca7-46b7-bad1-db199b62afc3", "66825e03-7ef5-42da-9069-724602c31f6b", "00000000-0000-4000-8000-000000000001"}
	ps, err := c.GetPresences(ctx, asked, nil)
	require.NoError(t, err)
	require.Equal(t, []chat.Presence{
		{UserID: asked[0], Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable, StatusMessage: "On site today", OutOfOffice: true},
		{UserID: asked[1], Availability: chat.AvailabilityAway, Activity: chat.ActivityBeRightBack},
		{UserID: asked[2], Availability: chat.AvailabilityPresenceUnknown, Activity: chat.ActivityPresenceUnknown},
	}, ps.Presences)
	req = srv.requests()[2]
	require.Equal(t, "POST", req.Method)
	require.Equal(t, "/v1.0/communications/getPresencesByUserId", req.Path)
	require.JSONEq(t, `{"ids":["fa8bf3dc-eca7-46b7-bad1-db199b62afc3","66825e03-7ef5-42da-9069-724602c31f6b","00000000-0000-4000-8000-000000000001"]}`, req.Body)
}

// BenchmarkGetPresences reads the presence of 1,300 users (two requests of
// 650) from the fake's HTTP face, through the client and through a
// hand-written net/http client doing the same work (ids checked and
// deduplicated, split at 650, status messages and out-of-office decoded,
// the caller's order kept, unknown users filled in), in one run.
func BenchmarkGetPresences(b *testing.B) {
	g := newFakeGraph(b)
	const n = 1300
	ids := make([]string, n)
	for i := range ids {
		ids[i] = g.svc.AddUser(g.seeded.Tenant.ID, fmt.Sprintf("Agent %04d", i)).ID
	}
	ctx := context.Background()
	b.Run("handwritten", func(b *testing.B) {
		token := g.svc.TokenFor(g.seeded.Alice.ID)
		hc := &http.Client{Transport: http.DefaultTransport}
		b.ReportAllocs()
		for b.Loop() {
			ps, err := hwGetPresences(ctx, hc, g.srv.URL+"/v1.0", token, ids)
			if err != nil || len(ps) != n {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/user")
	})
	b.Run("chat.Client.GetPresences", func(b *testing.B) {
		c := g.client(b, g.seeded.Alice, nil)
		b.ReportAllocs()
		for b.Loop() {
			ps, err := c.GetPresences(ctx, ids, nil)
			if err != nil || len(ps.Presences) != n {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/user")
	})
}

// hwPresence is the hand-written client's presence.
type hwPresence struct {
	ID            string
	Availability  string
	Activity      string
	StatusMessage string
	OutOfOffice   bool
}

// hwGetPresences is GetPresences written by hand with net/http and
// encoding/json: the same checks, requests, decoding and ordering.
func hwGetPresences(ctx context.Context, hc *http.Client, base, token string, userIDs []string) ([]hwPresence, error) {
	seen := make(map[string]bool, len(userIDs))
	ids := make([]string, 0, len(userIDs))
	for _, id := range userIDs {
		if _, err := uuid(id); err != nil {
			return nil, err
		}
		k := strings.ToLower(id)
		if !seen[k] {
			seen[k] = true
			ids = append(ids, id)
		}
	}
	byID := make(map[string]hwPresence, len(ids))
	for start := 0; start < len(ids); start += chat.MaxPresencesPerRequest {
		body, err := json.Marshal(struct {
			IDs []string `json:"ids"`
		}{ids[start:min(start+chat.MaxPresencesPerRequest, len(ids))]})
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/communications/getPresencesByUserId", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		var page struct {
			Value []struct {
				ID            string `json:"id"`
				Availability  string `json:"availability"`
				Activity      string `json:"activity"`
				StatusMessage *struct {
					Message *struct {
						Content string `json:"content"`
					} `json:"message"`
				} `json:"statusMessage"`
				OutOfOfficeSettings *struct {
					IsOutOfOffice bool `json:"isOutOfOffice"`
				} `json:"outOfOfficeSettings"`
			} `json:"value"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		_, _ = io.Copy(io.Discard, resp.Body) // the connection goes back to the pool
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("status %d", resp.StatusCode)
		}
		for _, v := range page.Value {
			p := hwPresence{ID: v.ID, Availability: v.Availability, Activity: v.Activity}
			if v.StatusMessage != nil && v.StatusMessage.Message != nil {
				p.StatusMessage = v.StatusMessage.Message.Content
			}
			if v.OutOfOfficeSettings != nil {
				p.OutOfOffice = v.OutOfOfficeSettings.IsOutOfOffice
			}
			byID[strings.ToLower(v.ID)] = p
		}
	}
	out := make([]hwPresence, len(ids))
	for i, id := range ids {
		p, ok := byID[strings.ToLower(id)]
		if !ok {
			p = hwPresence{Availability: "PresenceUnknown", Activity: "PresenceUnknown"}
		}
		p.ID = id
		out[i] = p
	}
	return out, nil
}

// uuid checks the 8-4-4-4-12 hex form of an object id.
func uuid(s string) (string, error) {
	if len(s) != 36 {
		return "", fmt.Errorf("%q is not an object id", s)
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", fmt.Errorf("%q is not an object id", s)
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return "", fmt.Errorf("%q is not an object id", s)
			}
		}
	}
	return s, nil
}
