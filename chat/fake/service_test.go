package fake

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
)

func TestSeededMeetingLinkIsATeamsJoinLink(t *testing.T) {
	svc, sd := NewSeeded(nil)
	t.Cleanup(func() { _ = svc.Close() })
	loc, err := meetinglink.Parse(sd.Meeting.JoinURL)
	require.NoError(t, err, "the fake's join links must pass the checks of the client and of calling.ParseJoinLink")
	assert.Equal(t, sd.Meeting.ChatID, loc.ThreadID)
	assert.Equal(t, sd.Alice.ID, sd.Meeting.OrganizerID)
}

func TestHistoryVisibility(t *testing.T) {
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, sd := NewSeeded(&Options{Clock: clock})
	t.Cleanup(func() { _ = svc.Close() })
	ctx := context.Background()
	alice := svc.As(sd.Alice.ID)
	g, err := alice.CreateGroupChat(ctx, "history", []string{sd.Bob.ID, sd.Carol.ID}, nil)
	require.NoError(t, err)
	old, err := alice.SendMessage(ctx, g.Chat.ID, chat.TextMessage("before Dave"), nil)
	require.NoError(t, err)
	clock.Advance(time.Minute)

	// Added without history: Dave sees only what comes after.
	m, err := alice.AddMember(ctx, g.Chat.ID, sd.Dave.UPN, nil)
	require.NoError(t, err)
	assert.Equal(t, sd.Dave.ID, m.Member.UserID, "a member can be added by UPN")
	clock.Advance(time.Minute)
	_, err = alice.SendMessage(ctx, g.Chat.ID, chat.TextMessage("after Dave"), nil)
	require.NoError(t, err)
	dave := svc.As(sd.Dave.ID)
	var seen []string
	for msg, err := range dave.ListMessages(ctx, g.Chat.ID, nil) {
		require.NoError(t, err)
		seen = append(seen, msg.Body.Content)
	}
	assert.Equal(t, []string{"after Dave"}, seen)
	_, err = dave.GetMessage(ctx, g.Chat.ID, old.Message.ID, nil)
	assert.True(t, chat.IsNotFound(err))

	// Re-added with all history: he sees everything.
	_, err = alice.RemoveMember(ctx, g.Chat.ID, m.Member.ID, nil)
	require.NoError(t, err)
	_, err = alice.AddMember(ctx, g.Chat.ID, sd.Dave.ID, &chat.AddMemberOptions{ShareAllHistory: true, Roles: []string{chat.RoleGuest}})
	require.NoError(t, err)
	_, err = dave.GetMessage(ctx, g.Chat.ID, old.Message.ID, nil)
	assert.NoError(t, err)
	_, err = alice.AddMember(ctx, g.Chat.ID, sd.Dave.ID, nil)
	assert.Equal(t, 409, chat.StatusCode(err), "adding a member twice conflicts")
}

func TestPostAndInspection(t *testing.T) {
	svc, sd := NewSeeded(nil)
	t.Cleanup(func() { _ = svc.Close() })
	_, err := svc.Post(sd.Carol.ID, sd.Meeting.ChatID, "let me in")
	assert.True(t, chat.IsForbidden(err), "Post follows membership rules: %v", err)
	_, err = svc.Post(sd.Bob.ID, sd.Meeting.ChatID, "")
	var ae *chat.ArgumentError
	assert.ErrorAs(t, err, &ae)
	m, err := svc.Post(sd.Bob.ID, sd.Meeting.ChatID, "hello")
	require.NoError(t, err)
	assert.Equal(t, sd.Bob.ID, m.From.UserID)
	assert.Len(t, svc.Messages(sd.Meeting.ChatID), 1)
	assert.Nil(t, svc.Messages("19:none@thread.v2"))
	chats := svc.Chats()
	require.Len(t, chats, 1)
	assert.Len(t, chats[0].Members, 2)
	assert.Empty(t, svc.Requests(), "Post is not a request")
	u, ok := svc.User(sd.Bob.UPN)
	assert.True(t, ok)
	assert.Equal(t, sd.Bob.ID, u.ID)
	require.NoError(t, svc.ImportUser(User{ID: "11111111-2222-4333-8444-555555555555", TenantID: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", DisplayName: "Guest", UPN: "guest@contoso.com"}))
	assert.Error(t, svc.ImportUser(User{ID: "x"}))
	_, err = svc.As(sd.Alice.ID).CreateOneOnOneChat(context.Background(), "guest@contoso.com", nil)
	assert.NoError(t, err, "chats across tenants work with imported users")
}
