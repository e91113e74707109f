package fake

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// TestHTTPSetPresenceWire: the presence-setting routes on the wire, with
// the bodies of their Learn pages' examples: 200 with no body; Graph's 400
// for a pair or duration the page does not list and for a session id that
// is not the calling application's; 404 for clearing a session that does
// not exist; 403 for another user's presence; the status message with its
// expiry in a time zone.
func TestHTTPSetPresenceWire(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	base := srv.URL + "/v1.0"
	tok := svc.TokenFor(sd.Alice.ID)
	me := base + "/users/" + sd.Alice.ID + "/presence/"
	get := func() map[string]any {
		t.Helper()
		r := rawDo(t, "GET", base+"/me/presence", tok, "")
		require.Equal(t, 200, r.status, "%s", r.body)
		var raw map[string]any
		require.NoError(t, json.Unmarshal(r.body, &raw))
		return raw
	}

	// presence-setpresence's example, with the fake's application id.
	r := rawDo(t, "POST", me+"setPresence", tok, `{"sessionId":"`+ApplicationID+`","availability":"Available","activity":"Available","expirationDuration":"PT1H"}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Empty(t, r.body)
	assert.Equal(t, "Available", get()["availability"])

	for name, body := range map[string]string{
		"Busy/Busy is not a session state": `{"sessionId":"` + ApplicationID + `","availability":"Busy","activity":"Busy"}`,
		"Available/InACall":                `{"sessionId":"` + ApplicationID + `","availability":"Available","activity":"InACall"}`,
		"expiring after 4 hours":           `{"sessionId":"` + ApplicationID + `","availability":"Away","activity":"Away","expirationDuration":"PT5H"}`,
		"expiring within 5 minutes":        `{"sessionId":"` + ApplicationID + `","availability":"Away","activity":"Away","expirationDuration":"PT4M"}`,
		"a duration that is not ISO 8601":  `{"sessionId":"` + ApplicationID + `","availability":"Away","activity":"Away","expirationDuration":"1h"}`,
		"another application's session id": `{"sessionId":"22553876-f5ab-4529-bffb-cfe50aa89f87","availability":"Away","activity":"Away"}`,
	} {
		r = rawDo(t, "POST", me+"setPresence", tok, body)
		assert.Equal(t, 400, r.status, "%s: %s", name, r.body)
		graphError(t, r)
	}
	r = rawDo(t, "POST", me+"setUserPreferredPresence", tok, `{"availability":"Busy","activity":"InACall"}`)
	assert.Equal(t, 400, r.status, "Busy/InACall is not a preferred presence")

	// presence-setuserpreferredpresence's example: DoNotDisturb for 8 hours.
	r = rawDo(t, "POST", me+"setUserPreferredPresence", tok, `{"availability":"DoNotDisturb","activity":"DoNotDisturb","expirationDuration":"PT8H"}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, "DoNotDisturb", get()["availability"])
	r = rawDo(t, "POST", me+"clearUserPreferredPresence", tok, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, "Available", get()["availability"])

	// presence-clearpresence: 200, then 404 for a session that does not exist.
	r = rawDo(t, "POST", me+"clearPresence", tok, `{"sessionId":"`+ApplicationID+`"}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, "Offline", get()["availability"], "the only session cleared")
	r = rawDo(t, "POST", me+"clearPresence", tok, `{"sessionId":"`+ApplicationID+`"}`)
	assert.Equal(t, 404, r.status)
	graphError(t, r)

	// presence-setstatusmessage's example 1, its expiry in the Windows
	// zone the page writes (on the fake's day): 03:05:33 Pacific Standard
	// Time is 11:05:33 UTC on that day, two hours after the fake's 09:00.
	r = rawDo(t, "POST", me+"setStatusMessage", tok, `{"statusMessage":{"message":{"content":"Hey I'm currently in a meeting.","contentType":"text"},"expiryDateTime":{"dateTime":"2026-03-02T03:05:33.2079781","timeZone":"Pacific Standard Time"}}}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	env.Advance(2 * time.Hour)
	assert.Equal(t, "Hey I'm currently in a meeting.", get()["statusMessage"].(map[string]any)["message"].(map[string]any)["content"])
	env.Advance(6 * time.Minute)
	assert.Nil(t, get()["statusMessage"], "the status message expired")
	for _, zone := range []string{"Mars Standard Time", "Local", ""} {
		r = rawDo(t, "POST", me+"setStatusMessage", tok, `{"statusMessage":{"message":{"content":"x","contentType":"text"},"expiryDateTime":{"dateTime":"2022-10-18T17:05:33","timeZone":"`+zone+`"}}}`)
		assert.Equal(t, 400, r.status, "the zone %q", zone)
	}

	// Delegated, only one's own.
	r = rawDo(t, "POST", base+"/users/"+sd.Bob.ID+"/presence/setStatusMessage", tok, `{"statusMessage":{"message":{"content":"hacked","contentType":"text"}}}`)
	assert.Equal(t, 403, r.status)
	r = rawDo(t, "POST", base+"/users/"+url.PathEscape(sd.Bob.ID)+"/presence/setPresence", tok, `{"sessionId":"`+ApplicationID+`","availability":"Away","activity":"Away"}`)
	assert.Equal(t, 403, r.status)
	r = rawDo(t, "POST", me+"setPresence", svc.TokenFor(sd.Alice.ID, "Presence.Read.All"), `{"sessionId":"`+ApplicationID+`","availability":"Away","activity":"Away"}`)
	assert.Equal(t, 403, r.status, "Presence.ReadWrite is needed")

	// The Go face refuses the same before anything is logged.
	before := len(svc.Requests())
	_, err := svc.As(sd.Alice.ID).SetPresence(context.Background(), "", chat.AvailabilityBusy, chat.ActivityBusy, nil)
	var ae *chat.ArgumentError
	assert.ErrorAs(t, err, &ae)
	assert.Len(t, svc.Requests(), before, "nothing reached the service")
}
