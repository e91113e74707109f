package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
)

// TestHTTPCreateMeetingWire: POST /me/onlineMeetings answers 201 with the
// shape Graph documents (chatInfo, joinMeetingIdSettings, participants
// with the organizer's id and tenant), and a Teams join link (internal/meetinglink, what the client and
// calling.ParseJoinLink check).
func TestHTTPCreateMeetingWire(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	base := srv.URL + "/v1.0"
	tok := svc.TokenFor(sd.Alice.ID)

	body := `{"subject":"Weekly sync","startDateTime":"2026-03-03T10:00:00Z","endDateTime":"2026-03-03T10:30:00Z",` +
		`"participants":{"attendees":[{"identity":{"user":{"id":"` + sd.Bob.ID + `"}}},{"upn":"` + sd.Carol.UPN + `"}]}}`
	r := rawDo(t, "POST", base+"/me/onlineMeetings", tok, body)
	require.Equal(t, 201, r.status, "%s", r.body)

	var raw map[string]any
	require.NoError(t, json.Unmarshal(r.body, &raw))
	for _, k := range []string{"id", "joinWebUrl", "chatInfo", "joinMeetingIdSettings", "participants", "startDateTime", "endDateTime", "creationDateTime"} {
		assert.Contains(t, raw, k)
	}
	var m gw.OnlineMeeting
	require.NoError(t, json.Unmarshal(r.body, &m))
	assert.Equal(t, "Weekly sync", m.Subject)
	assert.Equal(t, "2026-03-03T10:30:00Z", m.EndDateTime.Time.Format("2006-01-02T15:04:05Z07:00"))
	require.NotNil(t, m.ChatInfo)
	assert.True(t, strings.HasPrefix(m.ChatInfo.ThreadID, "19:meeting_") && strings.HasSuffix(m.ChatInfo.ThreadID, "@thread.v2"), m.ChatInfo.ThreadID)
	require.NotNil(t, m.JoinMeetingIDSettings)
	_, problem := meetinglink.NormalMeetingID(m.JoinMeetingIDSettings.JoinMeetingID)
	assert.Empty(t, problem)
	assert.NotEmpty(t, m.JoinMeetingIDSettings.Passcode)
	require.NotNil(t, m.Participants)
	require.NotNil(t, m.Participants.Organizer)
	assert.Equal(t, sd.Alice.ID, m.Participants.Organizer.Identity.User.ID)
	assert.Equal(t, sd.Tenant.ID, m.Participants.Organizer.Identity.User.TenantID)
	require.Len(t, m.Participants.Attendees, 2)

	loc, err := meetinglink.Parse(m.JoinWebURL)
	require.NoError(t, err)
	assert.Equal(t, m.ChatInfo.ThreadID, loc.ChatThreadID())
	assert.True(t, strings.EqualFold(sd.Tenant.ID, loc.TenantID), loc.TenantID)

	// The meeting's chat exists, with the organizer and both attendees.
	r = rawDo(t, "GET", base+"/chats/"+url.PathEscape(m.ChatInfo.ThreadID)+"?$expand=members", svc.TokenFor(sd.Carol.ID), "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var ch gw.Chat
	require.NoError(t, json.Unmarshal(r.body, &ch))
	assert.Equal(t, "meeting", ch.ChatType)
	assert.Len(t, ch.Members, 3)

	// By meeting id, as the organizer.
	q := url.Values{"$filter": {"joinMeetingIdSettings/joinMeetingId eq '" + m.JoinMeetingIDSettings.JoinMeetingID + "'"}}
	r = rawDo(t, "GET", base+"/me/onlineMeetings?"+q.Encode(), tok, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var col gw.Collection[gw.OnlineMeeting]
	require.NoError(t, json.Unmarshal(r.body, &col))
	require.Len(t, col.Value, 1)
	assert.Equal(t, m.ID, col.Value[0].ID)

	r = rawDo(t, "POST", base+"/me/onlineMeetings", tok, `{"startDateTime":"2026-03-03T10:00:00Z","endDateTime":"2026-03-03T09:00:00Z"}`)
	assert.Equal(t, 400, r.status)
	graphError(t, r)
	r = rawDo(t, "POST", base+"/me/onlineMeetings", tok, `{"participants":{"attendees":[{"role":"attendee"}]}}`)
	assert.Equal(t, 400, r.status)
	graphError(t, r)
	r = rawDo(t, "POST", base+"/me/onlineMeetings", tok, `{"lobbyBypassSettings":{"scope":"anyone"}}`)
	assert.Equal(t, 400, r.status, "unknown lobby bypass scope")
	graphError(t, r)
	r = rawDo(t, "POST", base+"/me/onlineMeetings", tok, `{"lobbyBypassSettings":{"scope":"everyone"}}`)
	require.Equal(t, 201, r.status)
	require.NoError(t, json.Unmarshal(r.body, &m))
	assert.Equal(t, "everyone", m.LobbyBypassSettings.Scope)
	r = rawDo(t, "POST", base+"/me/onlineMeetings", tok, `{}`)
	require.Equal(t, 201, r.status)
	require.NoError(t, json.Unmarshal(r.body, &m))
	assert.Equal(t, "organization", m.LobbyBypassSettings.Scope, "the fake's default")

	// An end before the default start (the fake's now) is refused on both faces.
	r = rawDo(t, "POST", base+"/me/onlineMeetings", tok, `{"endDateTime":"2000-01-01T00:00:00Z"}`)
	assert.Equal(t, 400, r.status, "end before the default start")
	_, err = svc.As(sd.Alice.ID).CreateOnlineMeeting(context.Background(), &chat.CreateOnlineMeetingOptions{EndAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.Equal(t, 400, chat.StatusCode(err), "%v", err)
}

// TestHTTPPresenceWire: the presence routes' status codes and bodies.
func TestHTTPPresenceWire(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	base := srv.URL + "/v1.0"
	tok := svc.TokenFor(sd.Alice.ID)
	svc.SetPresence(sd.Bob.UPN, chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInAMeeting, StatusMessage: "in the lab", OutOfOffice: true})

	r := rawDo(t, "GET", base+"/users/"+sd.Bob.ID+"/presence", tok, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(r.body, &raw))
	assert.Equal(t, sd.Bob.ID, raw["id"])
	assert.Equal(t, "Busy", raw["availability"])
	assert.Equal(t, "InAMeeting", raw["activity"])
	assert.Equal(t, "in the lab", raw["statusMessage"].(map[string]any)["message"].(map[string]any)["content"])
	assert.Equal(t, true, raw["outOfOfficeSettings"].(map[string]any)["isOutOfOffice"])
	assert.Contains(t, raw["@odata.context"], "/presence/$entity")

	r = rawDo(t, "GET", base+"/me/presence", tok, "")
	require.Equal(t, 200, r.status)
	require.NoError(t, json.Unmarshal(r.body, &raw))
	assert.Equal(t, sd.Alice.ID, raw["id"])
	assert.Equal(t, "Offline", raw["availability"], "never set is Offline")

	// Graph's presence takes object ids only.
	r = rawDo(t, "GET", base+"/users/"+url.PathEscape(sd.Bob.UPN)+"/presence", tok, "")
	assert.Equal(t, 400, r.status)
	graphError(t, r)
	r = rawDo(t, "GET", base+"/users/0e5c1d2e-7b1a-4c3e-9f00-000000000000/presence", tok, "")
	assert.Equal(t, 404, r.status)
	graphError(t, r)
	r = rawDo(t, "PATCH", base+"/me/presence", tok, "{}")
	assert.Equal(t, 405, r.status)

	// A user of another tenant reads PresenceUnknown (the fake's documented choice).
	other := svc.AddTenant("Northwind")
	stranger := svc.AddUser(other.ID, "Stranger")
	svc.SetPresence(stranger.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	r = rawDo(t, "GET", base+"/users/"+stranger.ID+"/presence", tok, "")
	require.Equal(t, 200, r.status)
	require.NoError(t, json.Unmarshal(r.body, &raw))
	assert.Equal(t, "PresenceUnknown", raw["availability"])

	// getPresencesByUserId: a collection; unknown ids PresenceUnknown; limits.
	ids := []string{sd.Bob.ID, "0e5c1d2e-7b1a-4c3e-9f00-000000000000", stranger.ID}
	b, _ := json.Marshal(gw.PresencesByUserIDRequest{IDs: ids})
	r = rawDo(t, "POST", base+"/communications/getPresencesByUserId", tok, string(b))
	require.Equal(t, 200, r.status, "%s", r.body)
	var col gw.Collection[gw.Presence]
	require.NoError(t, json.Unmarshal(r.body, &col))
	require.Len(t, col.Value, 3)
	byID := map[string]gw.Presence{}
	for _, p := range col.Value {
		byID[p.ID] = p
	}
	assert.Equal(t, "Busy", byID[sd.Bob.ID].Availability)
	assert.Equal(t, "PresenceUnknown", byID[ids[1]].Availability)
	assert.Equal(t, "PresenceUnknown", byID[stranger.ID].Availability)

	many := make([]string, gw.MaxPresenceIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	b, _ = json.Marshal(gw.PresencesByUserIDRequest{IDs: many})
	r = rawDo(t, "POST", base+"/communications/getPresencesByUserId", tok, string(b))
	assert.Equal(t, 400, r.status, "651 ids")
	b, _ = json.Marshal(gw.PresencesByUserIDRequest{IDs: many[:gw.MaxPresenceIDs]})
	r = rawDo(t, "POST", base+"/communications/getPresencesByUserId", tok, string(b))
	assert.Equal(t, 200, r.status, "650 ids")
	for _, bad := range []string{`{"ids":[]}`, `{"ids":["` + sd.Bob.UPN + `"]}`, `{"ids":`} {
		r = rawDo(t, "POST", base+"/communications/getPresencesByUserId", tok, bad)
		assert.Equal(t, 400, r.status, bad)
		graphError(t, r)
	}
	r = rawDo(t, "GET", base+"/communications/getPresencesByUserId", tok, "")
	assert.Equal(t, 405, r.status)
}

// TestMeetingsAreCopies: the meetings the Go face answers with (created,
// updated, created-or-got, read), the report RecordAttendance returns and
// the one GetAttendanceReport reads share no memory with the fake's: a
// caller that changes them changes nothing the next reader sees.
func TestMeetingsAreCopies(t *testing.T) {
	svc, sd := NewSeeded(nil)
	defer svc.Close()
	ctx := context.Background()
	alice := svc.As(sd.Alice.ID)
	m, err := alice.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{Subject: "copies", Attendees: []string{sd.Bob.ID}})
	require.NoError(t, err)
	m.Meeting.Attendees[0] = "changed by the creator"
	up, err := alice.UpdateOnlineMeeting(ctx, m.Meeting.ID, chat.MeetingUpdate{Subject: "copies too"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{sd.Bob.ID}, up.Meeting.Attendees, "changed through CreateOnlineMeeting's answer")
	up.Meeting.Attendees[0] = "changed by the updater"
	read, err := alice.GetOnlineMeeting(ctx, m.Meeting.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{sd.Bob.ID}, read.Meeting.Attendees, "changed through UpdateOnlineMeeting's answer")
	cg, err := alice.CreateOrGetOnlineMeeting(ctx, "copies-1", &chat.CreateOrGetOnlineMeetingOptions{Attendees: []string{sd.Bob.ID}})
	require.NoError(t, err)
	cg.Meeting.Attendees[0] = "changed by the caller"
	found, err := alice.CreateOrGetOnlineMeeting(ctx, "copies-1", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{sd.Bob.ID}, found.Meeting.Attendees, "changed through CreateOrGetOnlineMeeting's answer")

	start := m.Meeting.StartAt
	rec := chat.AttendanceRecord{UserID: sd.Alice.ID, Intervals: []chat.AttendanceInterval{{JoinAt: start, LeaveAt: start.Add(10 * time.Minute)}}}
	recorded, err := svc.RecordAttendance(m.Meeting.ID, start, start.Add(time.Hour), rec)
	require.NoError(t, err)
	recorded.Records[0].Role = chat.AttendanceRolePresenter
	got, err := alice.GetAttendanceReport(ctx, m.Meeting.ID, recorded.ID, nil)
	require.NoError(t, err)
	require.Len(t, got.Report.Records, 1)
	assert.Equal(t, chat.AttendanceRoleOrganizer, got.Report.Records[0].Role, "changed through RecordAttendance's answer")
	got.Report.Records[0].Intervals[0].Duration = time.Hour
	again, err := alice.GetAttendanceReport(ctx, m.Meeting.ID, recorded.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, again.Report.Records[0].Intervals[0].Duration, "changed through GetAttendanceReport's answer")
}
