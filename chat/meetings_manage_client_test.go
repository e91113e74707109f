package chat_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// TestCreateOrGetRetriedLikeARead: createOrGet returns the meeting a first
// try made, so an answer lost after the service made the meeting (a 504
// after processing) is sent again and gives that meeting — one meeting,
// not two — where CreateOnlineMeeting after the same loss is not sent
// again (a second meeting would be made).
func TestCreateOrGetRetriedLikeARead(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, nil)
	ctx := context.Background()
	count := func() int { return len(g.svc.Requests()) }

	g.svc.InjectFault(fake.Fault{Op: fake.OpCreateOrGetMeeting, Status: http.StatusGatewayTimeout, AfterProcessing: true})
	before := count()
	resp, err := alice.CreateOrGetOnlineMeeting(ctx, "ext-1", &chat.CreateOrGetOnlineMeetingOptions{Subject: "retried"})
	require.NoError(t, err)
	assert.Equal(t, 2, count()-before, "sent twice")
	assert.False(t, resp.Created, "the second try finds the meeting the first made")
	assert.Equal(t, "retried", resp.Meeting.Subject)
	again, err := alice.CreateOrGetOnlineMeeting(ctx, "ext-1", nil)
	require.NoError(t, err)
	assert.Equal(t, resp.Meeting.ID, again.Meeting.ID, "one meeting for the external id")

	g.svc.InjectFault(fake.Fault{Op: fake.OpCreateOnlineMeeting, Status: http.StatusGatewayTimeout, AfterProcessing: true})
	before = count()
	_, err = alice.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "once"})
	require.Error(t, err)
	assert.Equal(t, 1, count()-before, "a plain create is not sent again")
}

// TestMeetingUpdateWire: an update sends only what changes, the start and
// the end together, and the full list of attendees — an empty list too
// (onlinemeeting-update, "Request body").
func TestMeetingUpdateWire(t *testing.T) {
	start := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		update chat.MeetingUpdate
		want   string
	}{
		{chat.MeetingUpdate{Subject: "s"}, `{"subject":"s"}`},
		{chat.MeetingUpdate{StartAt: start, EndAt: start.Add(time.Hour)}, `{"startDateTime":"2026-05-01T09:00:00.000Z","endDateTime":"2026-05-01T10:00:00.000Z"}`},
		{chat.MeetingUpdate{Attendees: []string{}}, `{"participants":{"attendees":[]}}`},
		{chat.MeetingUpdate{Attendees: []string{"a@b.example"}, LobbyBypass: chat.LobbyBypassInvited},
			`{"participants":{"attendees":[{"upn":"a@b.example","role":"attendee"}]},"lobbyBypassSettings":{"scope":"invited","isDialInBypassEnabled":false}}`},
	} {
		b, err := chat.MarshalGraphJSON(c.update)
		require.NoError(t, err)
		assert.JSONEq(t, c.want, string(b))
		var back chat.MeetingUpdate
		require.NoError(t, chat.UnmarshalGraphJSON(b, &back))
		assert.Equal(t, c.update, back)
	}
}
