package teamsuser

import (
	"context"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// Presence is a user's Teams presence, as the chat package reads it from
// Microsoft Graph.
type Presence = chat.Presence

// Presence reads a user's Teams presence (availability, activity, status
// message, out of office) as the user sees it: userID is an Entra object id
// of the user's organization, or "" for the user themselves. It needs the
// delegated Presence.Read (own) or Presence.Read.All permission.
func (u *User) Presence(ctx context.Context, userID string) (Presence, error) {
	resp, err := u.chat.GetPresence(ctx, userID, nil)
	if err != nil {
		return Presence{}, err
	}
	return resp.Presence, nil
}

// Presences reads the presence of several users at once (Graph's
// getPresencesByUserId, in as few requests as its limits allow), in the
// order of userIDs with duplicates removed. Needs Presence.Read.All.
func (u *User) Presences(ctx context.Context, userIDs []string) ([]Presence, error) {
	resp, err := u.chat.GetPresences(ctx, userIDs, nil)
	if err != nil {
		return nil, err
	}
	return resp.Presences, nil
}

// FirstFree returns, for routing a call to whoever is free, the first user
// of candidates (in their order) whose presence says they are free
// (Presence.IsFree), reading all their presences in one go. ok is false
// when nobody is.
func (u *User) FirstFree(ctx context.Context, candidates []string) (p Presence, ok bool, err error) {
	ps, err := u.Presences(ctx, candidates)
	if err != nil {
		return Presence{}, false, err
	}
	for _, p := range ps {
		if p.IsFree() {
			return p, true, nil
		}
	}
	return Presence{}, false, nil
}
