package fake

import (
	"context"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// presenceTarget is the user a presence operation names: userID, or the
// signed-in user for "" (as the client does), and the request path.
func (g *goFace) presenceTarget(userID, action string) (string, string, error) {
	if userID == "" {
		userID = g.user
	} else if err := argErr("userID", gw.CheckObjectID(userID)); err != nil {
		return "", "", err
	}
	return userID, escapePath("users", userID, "presence", action), nil
}

func (g *goFace) SetPresence(ctx context.Context, userID string, availability chat.Availability, activity chat.Activity, opts *chat.SetPresenceOptions) (chat.SetPresenceResponse, error) {
	if err := firstErr(chat.CheckSessionPresence(availability, activity), opts.Validate()); err != nil {
		return chat.SetPresenceResponse{}, err
	}
	target, path, err := g.presenceTarget(userID, "setPresence")
	if err != nil {
		return chat.SetPresenceResponse{}, err
	}
	in := gw.SetPresenceRequest{SessionID: ApplicationID, Availability: string(availability), Activity: string(activity)}
	if opts != nil && opts.Expiration != 0 {
		in.ExpirationDuration = gw.FormatDuration(opts.Expiration)
	}
	err = g.call(ctx, OpSetPresence, http.MethodPost, path, nil, http.StatusOK, func() *opError {
		return g.s.setSessionPresence(g.user, ApplicationID, target, in)
	})
	return chat.SetPresenceResponse{}, err
}

func (g *goFace) ClearPresence(ctx context.Context, userID string, opts *chat.ClearPresenceOptions) (chat.ClearPresenceResponse, error) {
	target, path, err := g.presenceTarget(userID, "clearPresence")
	if err != nil {
		return chat.ClearPresenceResponse{}, err
	}
	err = g.call(ctx, OpClearPresence, http.MethodPost, path, nil, http.StatusOK, func() *opError {
		return g.s.clearSessionPresence(g.user, ApplicationID, target, gw.ClearPresenceRequest{SessionID: ApplicationID})
	})
	return chat.ClearPresenceResponse{}, err
}

func (g *goFace) SetUserPreferredPresence(ctx context.Context, userID string, availability chat.Availability, activity chat.Activity, opts *chat.SetUserPreferredPresenceOptions) (chat.SetUserPreferredPresenceResponse, error) {
	if err := firstErr(chat.CheckPreferredPresence(availability, activity), opts.Validate()); err != nil {
		return chat.SetUserPreferredPresenceResponse{}, err
	}
	target, path, err := g.presenceTarget(userID, "setUserPreferredPresence")
	if err != nil {
		return chat.SetUserPreferredPresenceResponse{}, err
	}
	in := gw.PreferredPresenceRequest{Availability: string(availability), Activity: string(activity)}
	if opts != nil && opts.Expiration != 0 {
		in.ExpirationDuration = gw.FormatDuration(opts.Expiration)
	}
	err = g.call(ctx, OpSetPreferredPresence, http.MethodPost, path, nil, http.StatusOK, func() *opError {
		return g.s.setPreferredPresence(g.user, target, in)
	})
	return chat.SetUserPreferredPresenceResponse{}, err
}

func (g *goFace) ClearUserPreferredPresence(ctx context.Context, userID string, opts *chat.ClearUserPreferredPresenceOptions) (chat.ClearUserPreferredPresenceResponse, error) {
	target, path, err := g.presenceTarget(userID, "clearUserPreferredPresence")
	if err != nil {
		return chat.ClearUserPreferredPresenceResponse{}, err
	}
	err = g.call(ctx, OpClearPreferred, http.MethodPost, path, nil, http.StatusOK, func() *opError {
		return g.s.clearPreferredPresence(g.user, target)
	})
	return chat.ClearUserPreferredPresenceResponse{}, err
}

func (g *goFace) SetStatusMessage(ctx context.Context, userID, message string, opts *chat.SetStatusMessageOptions) (chat.SetStatusMessageResponse, error) {
	if err := firstErr(chat.CheckStatusMessage(message), opts.Validate()); err != nil {
		return chat.SetStatusMessageResponse{}, err
	}
	msg := &gw.PresenceStatusMessage{Message: &gw.ItemBody{ContentType: string(chat.ContentText), Content: message}}
	if opts != nil && !opts.ExpiresAt.IsZero() {
		msg.ExpiryDateTime = gw.UTCDateTime(opts.ExpiresAt)
	}
	target, path, err := g.presenceTarget(userID, "setStatusMessage")
	if err != nil {
		return chat.SetStatusMessageResponse{}, err
	}
	err = g.call(ctx, OpSetStatusMessage, http.MethodPost, path, nil, http.StatusOK, func() *opError {
		return g.s.setStatusMessage(g.user, target, gw.StatusMessageRequest{StatusMessage: msg})
	})
	return chat.SetStatusMessageResponse{}, err
}
