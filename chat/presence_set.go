package chat

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Presence you set.
//
// A user's presence is aggregated from presence sessions: one per Teams
// client the user is signed in on, and one per application that set it
// (SetPresence: the application's session, named by its application id).
// The user's preferred presence (SetUserPreferredPresence, what the user
// picks in Teams) overrides the sessions, but only while at least one
// session exists; with none the user is Offline. Among sessions,
// DoNotDisturb > Busy > Available > Away. Source:
// https://learn.microsoft.com/graph/cloud-communications-manage-presence-state.

// Presence session expiration: the range of SetPresenceOptions.Expiration,
// and what Graph applies when it is zero.
const (
	MinPresenceExpiration     = 5 * time.Minute
	MaxPresenceExpiration     = 4 * time.Hour
	DefaultPresenceExpiration = 5 * time.Minute
)

// SetPresenceOptions are the optional parameters of SetPresence.
type SetPresenceOptions struct {
	// Expiration is how long the session keeps this state unless it is set
	// again; then it ends, and the user shows Offline if it was their last
	// session. Zero means Graph's default, DefaultPresenceExpiration;
	// otherwise between MinPresenceExpiration and MaxPresenceExpiration, in
	// whole seconds.
	Expiration time.Duration
}

// SetPresenceResponse is the result of SetPresence.
type SetPresenceResponse struct{}

// ClearPresenceOptions are the optional parameters of ClearPresence.
type ClearPresenceOptions struct{}

// ClearPresenceResponse is the result of ClearPresence.
type ClearPresenceResponse struct{}

// SetUserPreferredPresenceOptions are the optional parameters of
// SetUserPreferredPresence.
type SetUserPreferredPresenceOptions struct {
	// Expiration is how long the preferred presence lasts, in whole
	// seconds. Zero means Graph's default: a day for Busy and DoNotDisturb,
	// seven days for the others.
	Expiration time.Duration
}

// SetUserPreferredPresenceResponse is the result of SetUserPreferredPresence.
type SetUserPreferredPresenceResponse struct{}

// ClearUserPreferredPresenceOptions are the optional parameters of
// ClearUserPreferredPresence.
type ClearUserPreferredPresenceOptions struct{}

// ClearUserPreferredPresenceResponse is the result of
// ClearUserPreferredPresence.
type ClearUserPreferredPresenceResponse struct{}

// SetStatusMessageOptions are the optional parameters of SetStatusMessage.
type SetStatusMessageOptions struct {
	// ExpiresAt is when the status message goes away; zero means never.
	ExpiresAt time.Time
}

// Validate reports, as an *ArgumentError, options that cannot work: an
// ExpiresAt outside the years 1 to 9999 in UTC. A nil
// *SetStatusMessageOptions is valid.
func (o *SetStatusMessageOptions) Validate() error {
	if o == nil {
		return nil
	}
	return checkTime("opts.ExpiresAt", o.ExpiresAt)
}

// SetStatusMessageResponse is the result of SetStatusMessage.
type SetStatusMessageResponse struct{}

// MaxStatusMessageBytes bounds a status message. Graph documents no limit;
// Teams lets a user type 280 characters, and this package refuses more
// than 280 runes' worth of the longest UTF-8 (a choice, so that nothing
// unbounded is sent).
const MaxStatusMessageBytes = 280 * 4

// CheckSessionPresence reports whether availability and activity are a
// state SetPresence takes: Available/Available, Busy/InACall,
// Busy/InAConferenceCall, Away/Away or DoNotDisturb/Presenting
// (https://learn.microsoft.com/graph/api/presence-setpresence, "Supported
// combinations of availability and activity"). Another pair is an
// *ArgumentError.
func CheckSessionPresence(availability Availability, activity Activity) error {
	return checkArg("availability", graphwire.CheckPresencePair(graphwire.SessionPresences, string(availability), string(activity)))
}

// CheckPreferredPresence reports whether availability and activity are a
// state SetUserPreferredPresence takes: Available/Available, Busy/Busy,
// DoNotDisturb/DoNotDisturb, BeRightBack/BeRightBack, Away/Away or
// Offline/OffWork
// (https://learn.microsoft.com/graph/api/presence-setuserpreferredpresence).
// Another pair is an *ArgumentError.
func CheckPreferredPresence(availability Availability, activity Activity) error {
	return checkArg("availability", graphwire.CheckPresencePair(graphwire.PreferredPresences, string(availability), string(activity)))
}

// Validate checks the options of SetPresence.
func (o *SetPresenceOptions) Validate() error {
	if o == nil || o.Expiration == 0 {
		return nil
	}
	if o.Expiration < MinPresenceExpiration || o.Expiration > MaxPresenceExpiration || o.Expiration%time.Second != 0 {
		return &ArgumentError{Arg: "opts.Expiration", Problem: "must be whole seconds from 5m0s to 4h0m0s (PT5M to PT4H)"}
	}
	return nil
}

// Validate checks the options of SetUserPreferredPresence.
func (o *SetUserPreferredPresenceOptions) Validate() error {
	if o == nil || o.Expiration == 0 {
		return nil
	}
	if o.Expiration < time.Second || o.Expiration > graphwire.MaxDuration || o.Expiration%time.Second != 0 {
		return &ArgumentError{Arg: "opts.Expiration", Problem: "must be whole seconds, positive and at most a year"}
	}
	return nil
}

// CheckStatusMessage checks a status message: valid UTF-8 of at most
// MaxStatusMessageBytes ("" clears the message).
func CheckStatusMessage(message string) error {
	switch {
	case len(message) > MaxStatusMessageBytes:
		return &ArgumentError{Arg: "message", Problem: "is longer than 1120 bytes"}
	case !utf8.ValidString(message) || strings.ContainsFunc(message, isControl):
		return &ArgumentError{Arg: "message", Problem: "is not utf-8 text without control characters"}
	}
	return nil
}

// presenceTarget is /users/{id}/presence/{action}, for the signed-in user
// when userID is "". Delegated, a user sets only their own presence.
func (c *Client) presenceTarget(ctx context.Context, userID, action string) (string, error) {
	if userID == "" {
		id, err := c.myID(ctx)
		if err != nil {
			return "", err
		}
		userID = id
	} else if err := checkArg("userID", graphwire.CheckObjectID(userID)); err != nil {
		return "", err
	}
	return c.path("users", userID, "presence", action), nil
}

// sessionID is the application's presence session: its application id.
func (c *Client) sessionID() (string, error) {
	if c.appID == "" {
		return "", &ArgumentError{Arg: "ClientOptions.ApplicationID", Problem: "is empty: an application's presence session is named by its application (client) id"}
	}
	return c.appID, nil
}

// SetPresence sets the state of the application's presence session for a
// user (POST /users/{id}/presence/setPresence,
// https://learn.microsoft.com/graph/api/presence-setpresence): the user's
// presence while they are in a call through the application, for
// example. userID is the user's object id, or "" for the signed-in user
// (read once with GET /me unless ClientOptions.UserID is set); a delegated
// token sets only its own user's. The session is named by the
// application's id (sessionId), ClientOptions.ApplicationID, which must be
// set. availability and activity are one of the pairs CheckSessionPresence
// accepts; the state lasts opts.Expiration (default 5 minutes) unless it is
// set again, and an Available session fades to Away when not refreshed
// within 5 minutes: call again before then to keep it. Bad input is an
// *ArgumentError before anything is sent. Needs Presence.ReadWrite.
func (c *Client) SetPresence(ctx context.Context, userID string, availability Availability, activity Activity, opts *SetPresenceOptions) (_ SetPresenceResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SetPresence")
	defer func() { endSpan(err) }()
	session, err := c.sessionID()
	if err != nil {
		return SetPresenceResponse{}, err
	}
	if err := CheckSessionPresence(availability, activity); err != nil {
		return SetPresenceResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return SetPresenceResponse{}, err
	}
	body := graphwire.SetPresenceRequest{SessionID: session, Availability: string(availability), Activity: string(activity)}
	if opts != nil && opts.Expiration != 0 {
		body.ExpirationDuration = graphwire.FormatDuration(opts.Expiration)
	}
	target, err := c.presenceTarget(ctx, userID, "setPresence")
	if err != nil {
		return SetPresenceResponse{}, err
	}
	return SetPresenceResponse{}, c.do(ctx, "set presence", http.MethodPost, target, body, nil)
}

// ClearPresence ends the application's presence session for a user (POST
// /users/{id}/presence/clearPresence,
// https://learn.microsoft.com/graph/api/presence-clearpresence); if it was
// the user's only session, they show Offline. userID and the session are as
// for SetPresence. A session that does not exist is not found
// (IsNotFound). Needs Presence.ReadWrite.
func (c *Client) ClearPresence(ctx context.Context, userID string, opts *ClearPresenceOptions) (_ ClearPresenceResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ClearPresence")
	defer func() { endSpan(err) }()
	session, err := c.sessionID()
	if err != nil {
		return ClearPresenceResponse{}, err
	}
	target, err := c.presenceTarget(ctx, userID, "clearPresence")
	if err != nil {
		return ClearPresenceResponse{}, err
	}
	return ClearPresenceResponse{}, c.do(ctx, "clear presence", http.MethodPost, target, graphwire.ClearPresenceRequest{SessionID: session}, nil)
}

// SetUserPreferredPresence sets the presence the user prefers (POST
// /users/{id}/presence/setUserPreferredPresence,
// https://learn.microsoft.com/graph/api/presence-setuserpreferredpresence),
// which the user's presence shows while they have at least one presence
// session (a Teams client, or an application's session); with none they
// show Offline. availability and activity are one of the pairs
// CheckPreferredPresence accepts (Offline/OffWork is Teams' "appear
// offline"). userID is as for SetPresence. Needs Presence.ReadWrite.
func (c *Client) SetUserPreferredPresence(ctx context.Context, userID string, availability Availability, activity Activity, opts *SetUserPreferredPresenceOptions) (_ SetUserPreferredPresenceResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SetUserPreferredPresence")
	defer func() { endSpan(err) }()
	if err := CheckPreferredPresence(availability, activity); err != nil {
		return SetUserPreferredPresenceResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return SetUserPreferredPresenceResponse{}, err
	}
	body := graphwire.PreferredPresenceRequest{Availability: string(availability), Activity: string(activity)}
	if opts != nil && opts.Expiration != 0 {
		body.ExpirationDuration = graphwire.FormatDuration(opts.Expiration)
	}
	target, err := c.presenceTarget(ctx, userID, "setUserPreferredPresence")
	if err != nil {
		return SetUserPreferredPresenceResponse{}, err
	}
	return SetUserPreferredPresenceResponse{}, c.do(ctx, "set preferred presence", http.MethodPost, target, body, nil)
}

// ClearUserPreferredPresence removes the user's preferred presence (POST
// /users/{id}/presence/clearUserPreferredPresence, no body,
// https://learn.microsoft.com/graph/api/presence-clearuserpreferredpresence):
// their presence is aggregated from their sessions again. userID is as for
// SetPresence. Needs Presence.ReadWrite.
func (c *Client) ClearUserPreferredPresence(ctx context.Context, userID string, opts *ClearUserPreferredPresenceOptions) (_ ClearUserPreferredPresenceResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ClearUserPreferredPresence")
	defer func() { endSpan(err) }()
	target, err := c.presenceTarget(ctx, userID, "clearUserPreferredPresence")
	if err != nil {
		return ClearUserPreferredPresenceResponse{}, err
	}
	return ClearUserPreferredPresenceResponse{}, c.do(ctx, "clear preferred presence", http.MethodPost, target, nil, nil)
}

// SetStatusMessage sets the user's status message (POST
// /users/{id}/presence/setStatusMessage,
// https://learn.microsoft.com/graph/api/presence-setstatusmessage), as
// text, until opts.ExpiresAt if set (sent in UTC); "" clears it. userID is
// as for SetPresence. A message of more than MaxStatusMessageBytes, or not
// UTF-8 text, or an expiry outside the years 1 to 9999, is an
// *ArgumentError; an expiry already past (by Graph's
// clock) clears the message at once. Needs Presence.ReadWrite.
func (c *Client) SetStatusMessage(ctx context.Context, userID, message string, opts *SetStatusMessageOptions) (_ SetStatusMessageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.SetStatusMessage")
	defer func() { endSpan(err) }()
	if err := CheckStatusMessage(message); err != nil {
		return SetStatusMessageResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return SetStatusMessageResponse{}, err
	}
	msg := &graphwire.PresenceStatusMessage{Message: &graphwire.ItemBody{ContentType: string(ContentText), Content: message}}
	if opts != nil && !opts.ExpiresAt.IsZero() {
		msg.ExpiryDateTime = graphwire.UTCDateTime(opts.ExpiresAt)
	}
	target, err := c.presenceTarget(ctx, userID, "setStatusMessage")
	if err != nil {
		return SetStatusMessageResponse{}, err
	}
	return SetStatusMessageResponse{}, c.do(ctx, "set status message", http.MethodPost, target, graphwire.StatusMessageRequest{StatusMessage: msg}, nil)
}
