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
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// TestHTTPReadStateWire: the client names the user as markChatReadForUser's
// example does ({"user":{"id","tenantId"}}), reading the tenant once from
// the user's membership when ClientOptions.TenantID is not set; the listing
// carries each chat's viewpoint; the HTTP face refuses a body without a
// user (400) and one that names another user or tenant (403).
func TestHTTPReadStateWire(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	ctx := context.Background()
	alice := httpClient(t, svc, srv, sd.Alice)
	chatID := sd.Meeting.ChatID

	svc.ResetRequests()
	_, err := alice.MarkChatRead(ctx, chatID, nil)
	require.NoError(t, err)
	_, err = alice.MarkChatUnread(ctx, chatID, &chat.MarkChatUnreadOptions{LastReadAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	var ops []string
	var bodies []gw.ChatUserAction
	for _, r := range svc.Requests() {
		ops = append(ops, r.Op)
		if r.Op == OpMarkChatRead || r.Op == OpMarkChatUnread {
			var in gw.ChatUserAction
			require.NoError(t, json.Unmarshal(r.Body, &in), "%s", r.Body)
			bodies = append(bodies, in)
		}
	}
	assert.Equal(t, []string{OpListMembers, OpMarkChatRead, OpMarkChatUnread}, ops, "the tenant is read once")
	require.Len(t, bodies, 2)
	for _, in := range bodies {
		require.NotNil(t, in.User)
		assert.Equal(t, sd.Alice.ID, in.User.ID)
		assert.Equal(t, sd.Tenant.ID, in.User.TenantID)
	}
	assert.True(t, bodies[0].LastMessageReadDateTime.IsZero())
	assert.Equal(t, "2026-03-01T08:00:00.000Z", bodies[1].LastMessageReadDateTime.String())

	// With the tenant configured, no membership is read.
	o := &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: sd.Alice.ID, TenantID: sd.Tenant.ID}
	known, err := chat.NewClient(svc.CredentialFor(sd.Alice.ID), o)
	require.NoError(t, err)
	svc.ResetRequests()
	_, err = known.MarkChatRead(ctx, chatID, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, len(svc.Requests()))

	// The listing carries the viewpoint.
	r := rawDo(t, "GET", srv.URL+"/v1.0/me/chats", svc.TokenFor(sd.Alice.ID), "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var page gw.Collection[gw.Chat]
	require.NoError(t, json.Unmarshal(r.body, &page))
	require.NotEmpty(t, page.Value)
	require.NotNil(t, page.Value[0].Viewpoint, "%s", r.body)
	assert.Contains(t, string(r.body), `"viewpoint":{"isHidden":false,"lastMessageReadDateTime":"`)

	tok := svc.TokenFor(sd.Alice.ID)
	action := srv.URL + "/v1.0/chats/" + url.PathEscape(chatID) + "/markChatReadForUser"
	for _, c := range []struct {
		body   string
		status int
	}{
		{`{}`, 400},
		{`{"user":{"tenantId":"` + sd.Tenant.ID + `"}}`, 400},
		{`{"user":{"id":"` + sd.Bob.ID + `","tenantId":"` + sd.Tenant.ID + `"}}`, 403},
		{`{"user":{"id":"` + sd.Alice.ID + `","tenantId":"` + sd.Alice.ID + `"}}`, 403},
		{`{"user":{"id":"` + sd.Alice.ID + `"}}`, 204},
	} {
		r := rawDo(t, "POST", action, tok, c.body)
		assert.Equal(t, c.status, r.status, "%s: %s", c.body, r.body)
		if r.status >= 400 {
			graphError(t, r)
		}
	}
}
