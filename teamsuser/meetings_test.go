package teamsuser_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// user signs a test user in to the facade.
func (f *facade) user(t *testing.T, who fake.TestUser) *teamsuser.User {
	t.Helper()
	u, err := teamsuser.NewUser(f.cfg, f.entra.Credential(who, facadeAppID, nil), who.ObjectID, f.opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = u.Close() })
	return u
}

// addUser adds a user of Adele's tenant to Entra and to Graph.
func (f *facade) addUser(t *testing.T, name string) fake.TestUser {
	t.Helper()
	u := f.entra.AddUser(f.adele.TenantID, name)
	require.NoError(t, f.graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN}))
	return u
}

func spaced(id string) string {
	var b strings.Builder
	for i, r := range id {
		if i > 0 && i%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestMeetingsCreateFindAndChat(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	adele, alex := f.user(t, f.adele), f.user(t, f.alex)

	// Adele creates a meeting with Alex invited: its chat and its locator.
	m, err := adele.CreateMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "Contract review", Attendees: []string{f.alex.ObjectID}})
	require.NoError(t, err)
	require.NotEmpty(t, m.Meeting.ID)
	require.Equal(t, m.Meeting.ChatID, m.ChatID)
	require.Equal(t, calling.MeetingByLink, m.Locator.Kind)
	require.Equal(t, m.ChatID, m.Locator.ChatThreadID())
	require.Equal(t, m.Meeting.JoinURL, m.ClientLocator().MeetingLink)
	require.NotEmpty(t, m.Meeting.JoinMeetingID)
	require.NotEmpty(t, m.Meeting.Passcode)
	require.NotContains(t, fmt.Sprintf("%v %+v", m, m), string(m.Meeting.Passcode))

	_, err = adele.Chat().SendMessage(ctx, m.ChatID, chat.TextMessage("agenda attached"), nil)
	require.NoError(t, err)

	// Alex, invited, finds it by its link: its chat (where Adele's message
	// is) and its locator, not Graph's organizer-only details.
	am, err := alex.FindMeeting(ctx, m.Meeting.JoinURL)
	require.NoError(t, err)
	require.Equal(t, m.ChatID, am.ChatID)
	require.Equal(t, m.Locator.JoinURL, am.Locator.JoinURL)
	require.Empty(t, am.Meeting.ID)
	var texts []string
	for msg, err := range alex.Chat().ListMessages(ctx, am.ChatID, nil) {
		require.NoError(t, err)
		texts = append(texts, msg.Body.Content)
	}
	require.Equal(t, []string{"agenda attached"}, texts)

	// Adele, the organizer, finds all of it by link, and by the meeting id
	// of the invitation as people type it.
	om, err := adele.FindMeeting(ctx, m.Meeting.JoinURL)
	require.NoError(t, err)
	require.Equal(t, m.Meeting.ID, om.Meeting.ID)
	require.Equal(t, m.Meeting.JoinMeetingID, om.Meeting.JoinMeetingID)
	bm, err := adele.FindMeetingByID(ctx, spaced(m.Meeting.JoinMeetingID), "")
	require.NoError(t, err)
	require.Equal(t, m.Meeting.ID, bm.Meeting.ID)
	require.Equal(t, m.ChatID, bm.ChatID)
	require.Equal(t, calling.MeetingByLink, bm.Locator.Kind, "the organizer gets the meeting's link")

	// Alex cannot look it up by id (Graph does that for organizers only),
	// but with the passcode still gets a locator to join with.
	xm, err := alex.FindMeetingByID(ctx, m.Meeting.JoinMeetingID, string(m.Meeting.Passcode))
	require.ErrorIs(t, err, teamsuser.ErrMeetingNotFound)
	require.True(t, chat.IsNotFound(err), "the service's error is kept: %v", err)
	require.NotContains(t, err.Error(), string(m.Meeting.Passcode))
	require.Equal(t, calling.MeetingByID, xm.Locator.Kind)
	require.Equal(t, m.Meeting.JoinMeetingID, xm.ClientLocator().MeetingID)
	require.Equal(t, string(m.Meeting.Passcode), xm.ClientLocator().Passcode)
	xm, err = alex.FindMeetingByID(ctx, m.Meeting.JoinMeetingID, "")
	require.ErrorIs(t, err, teamsuser.ErrMeetingNotFound)
	require.Empty(t, xm.Locator.Kind, "without a passcode there is nothing to join with")
}

func TestFindMeetingNotInvited(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	megan := f.addUser(t, "Megan Bowen")
	mu, alex := f.user(t, megan), f.user(t, f.alex)
	m, err := mu.CreateMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "Not for Alex"})
	require.NoError(t, err)

	got, err := alex.FindMeeting(ctx, m.Meeting.JoinURL)
	require.ErrorIs(t, err, teamsuser.ErrMeetingNotFound)
	require.Empty(t, got.ChatID)
	require.Equal(t, m.Meeting.JoinURL, got.Locator.JoinURL, "a client may still join by the link")
}

func TestMeetingArgumentsCheckedBeforeSending(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	adele := f.user(t, f.adele)
	f.graph.ResetRequests()
	var ae *teamsuser.ArgumentError
	for _, link := range []string{"", "https://teams.microsoft.com.evil.example/l/meetup-join/19%3ameeting_x%40thread.v2/0", "not a link"} {
		_, err := adele.FindMeeting(ctx, link)
		require.ErrorAs(t, err, &ae, "%q", link)
	}
	for _, id := range []string{"", "12 34", "12345678901x"} {
		_, err := adele.FindMeetingByID(ctx, id, "")
		require.ErrorAs(t, err, &ae, "%q", id)
	}
	_, err := adele.FindMeetingByID(ctx, "123456789012", "bad passcode!")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "passcode", ae.Arg)
	require.True(t, strings.HasPrefix(err.Error(), "teamsuser: invalid passcode: "), err.Error())
	require.NotContains(t, err.Error(), "bad passcode!")
	_, err = adele.FindMeetingByID(ctx, "12 34", "")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "meetingID", ae.Arg)
	_, err = adele.FindMeeting(ctx, "not a link")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "joinURL", ae.Arg)
	require.True(t, strings.HasPrefix(err.Error(), "teamsuser: invalid joinURL: is not a Teams meeting join link: "), err.Error())
	_, err = adele.CreateMeeting(ctx, &chat.CreateOnlineMeetingOptions{Attendees: []string{"nobody"}})
	var cae *chat.ArgumentError
	require.ErrorAs(t, err, &cae)
	require.Empty(t, f.graph.Requests(), "nothing was sent")
}

func TestPresenceAndFirstFree(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	adele := f.user(t, f.adele)
	megan := f.addUser(t, "Megan Bowen")
	f.graph.SetPresence(f.alex.ObjectID, chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall})
	f.graph.SetPresence(megan.ObjectID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	f.graph.SetPresence(f.adele.ObjectID, chat.Presence{Availability: chat.AvailabilityAway, Activity: chat.ActivityAway, StatusMessage: "lunch"})

	p, err := adele.Presence(ctx, f.alex.ObjectID)
	require.NoError(t, err)
	require.Equal(t, chat.AvailabilityBusy, p.Availability)
	own, err := adele.Presence(ctx, "")
	require.NoError(t, err)
	require.Equal(t, "lunch", own.StatusMessage)

	experts := []string{f.alex.ObjectID, megan.ObjectID}
	ps, err := adele.Presences(ctx, experts)
	require.NoError(t, err)
	require.Equal(t, experts, []string{ps[0].UserID, ps[1].UserID})

	free, ok, err := adele.FirstFree(ctx, experts)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, megan.ObjectID, free.UserID)

	f.graph.SetPresence(megan.ObjectID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityPresenting})
	_, ok, err = adele.FirstFree(ctx, experts)
	require.NoError(t, err)
	require.False(t, ok, "nobody is free: Alex is in a call, Megan presents")

	_, _, err = adele.FirstFree(ctx, []string{"alex@fabrikam.example"})
	var cae *chat.ArgumentError
	require.ErrorAs(t, err, &cae, "presence of many needs object ids")
	require.False(t, errors.Is(err, teamsuser.ErrMeetingNotFound))
}
