package main

import (
	"context"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// preferred are the states of Teams' status menu, as the user's preferred
// presence (presence-setuserpreferredpresence's pairs): "offline" is
// "Appear offline".
var preferred = map[string][2]string{
	"available": {string(chat.AvailabilityAvailable), string(chat.ActivityAvailable)},
	"busy":      {string(chat.AvailabilityBusy), string(chat.ActivityBusy)},
	"dnd":       {string(chat.AvailabilityDoNotDisturb), string(chat.ActivityDoNotDisturb)},
	"brb":       {string(chat.AvailabilityBeRightBack), string(chat.ActivityBeRightBack)},
	"away":      {string(chat.AvailabilityAway), string(chat.ActivityAway)},
	"offline":   {string(chat.AvailabilityOffline), string(chat.ActivityOffWork)},
}

// presence sets the user's preferred presence (state, "reset" to clear
// it) and status message (message, when not nil), each for lasts if not
// zero, then prints the user's presence as others see it.
func (e *env) presence(ctx context.Context, state string, message *string, lasts time.Duration) error {
	switch state {
	case "":
	case "reset":
		if _, err := e.svc.ClearUserPreferredPresence(ctx, "", nil); err != nil {
			return err
		}
		fmt.Fprintln(e.out, "preferred presence cleared: Teams shows what it detects")
	default:
		p := preferred[state]
		if _, err := e.svc.SetUserPreferredPresence(ctx, "", chat.Availability(p[0]), chat.Activity(p[1]),
			&chat.SetUserPreferredPresenceOptions{Expiration: lasts}); err != nil {
			return err
		}
		fmt.Fprintf(e.out, "preferred presence set: %s\n", state)
	}
	if message != nil {
		var opts *chat.SetStatusMessageOptions
		if lasts > 0 {
			opts = &chat.SetStatusMessageOptions{ExpiresAt: time.Now().Add(lasts)}
		}
		if _, err := e.svc.SetStatusMessage(ctx, "", *message, opts); err != nil {
			return err
		}
	}
	p, err := e.svc.GetPresence(ctx, "", nil)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("presence: %s (%s)", p.Presence.Availability, p.Presence.Activity)
	if p.Presence.StatusMessage != "" {
		line += fmt.Sprintf(" — %q", p.Presence.StatusMessage)
	}
	fmt.Fprintln(e.out, line)
	return nil
}
