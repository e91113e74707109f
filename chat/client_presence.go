package chat

import (
	"context"

	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// GetPresence reads a user's presence (GET /users/{id}/presence), or the
// signed-in user's own (GET /me/presence) when userID is "". userID is an
// Entra object id (a GUID): Graph's presence endpoints take no user
// principal name, so any other id is an *ArgumentError before anything is
// sent. An unknown user is not found (IsNotFound). Needs Presence.Read
// (own) or Presence.Read.All.
func (c *Client) GetPresence(ctx context.Context, userID string, opts *GetPresenceOptions) (_ GetPresenceResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetPresence")
	defer func() { endSpan(err) }()
	target := c.path("me", "presence")
	if userID != "" {
		if err := checkArg("userID", graphwire.CheckObjectID(userID)); err != nil {
			return GetPresenceResponse{}, err
		}
		target = c.path("users", userID, "presence")
	}
	var w graphwire.Presence
	if err := c.do(ctx, "get presence", http.MethodGet, target, nil, &w); err != nil {
		return GetPresenceResponse{}, err
	}
	return GetPresenceResponse{Presence: presenceFromWire(&w)}, nil
}

// GetPresences reads the presence of several users at once (POST
// /communications/getPresencesByUserId). userIDs are Entra object ids
// (GUIDs: this endpoint takes no user principal names); an empty list or
// another kind of id is an *ArgumentError before anything is sent.
// Duplicates (ignoring case) are asked for once; lists longer than
// MaxPresencesPerRequest go in several requests, one after the other. The
// result follows the order of userIDs; a user Graph returns nothing for
// gets availability and activity PresenceUnknown. The POST only reads, so
// it is retried like a GET. Needs Presence.Read.All.
func (c *Client) GetPresences(ctx context.Context, userIDs []string, opts *GetPresencesOptions) (_ GetPresencesResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetPresences")
	defer func() { endSpan(err) }()
	ids, problem := graphwire.UniqueGUIDs(userIDs)
	if err := checkArg("userIDs", problem); err != nil {
		return GetPresencesResponse{}, err
	}
	target := c.path("communications", "getPresencesByUserId")
	got := make([]Presence, 0, len(ids))
	for start := 0; start < len(ids); start += MaxPresencesPerRequest {
		chunk := ids[start:min(start+MaxPresencesPerRequest, len(ids))]
		var page graphwire.Collection[graphwire.Presence]
		if err := c.do(ctx, "get presences", http.MethodPost, target, graphwire.PresencesByUserIDRequest{IDs: chunk}, &page); err != nil {
			return GetPresencesResponse{}, err
		}
		for i := range page.Value {
			got = append(got, presenceFromWire(&page.Value[i]))
		}
	}
	out := graphwire.InOrder(ids, got,
		func(p Presence) string { return p.UserID },
		func(p *Presence, id string) { p.UserID = id },
		func(string) Presence {
			return Presence{Availability: AvailabilityPresenceUnknown, Activity: ActivityPresenceUnknown}
		})
	return GetPresencesResponse{Presences: out}, nil
}
