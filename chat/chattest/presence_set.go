package chattest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// testPresenceYouSet: the application's presence session (setPresence,
// clearPresence), the user's preferred presence and status message, and
// how Graph aggregates them
// (learn.microsoft.com/graph/cloud-communications-manage-presence-state):
// the preferred presence wins while a session exists and not otherwise,
// sessions rank DoNotDisturb > Busy > Available > Away, a session ends at
// its expiration and an unrefreshed Available one fades, a preferred
// presence and a status message end at theirs. Another user's presence is
// not set with a delegated token, and pairs Graph does not take are
// refused before anything is sent.
func testPresenceYouSet(t *testing.T, env Env) {
	c, alice := ctx(t), env.Alice.Service
	set := !env.Unsupported.PresenceControl
	if set && env.SetPresence == nil {
		t.Fatal("Env.SetPresence is nil: set it, or declare Env.Unsupported.PresenceControl")
	}
	// What Bob sees of Alice, checked only where the suite controls every
	// session (the fake's Teams client session with Env.SetPresence).
	want := func(what string, av chat.Availability, act chat.Activity) {
		t.Helper()
		p := must(env.Bob.Service.GetPresence(c, env.Alice.ID, nil))(t).Presence
		if set && (p.Availability != av || p.Activity != act) {
			t.Errorf("%s: Alice's presence is %s/%s, want %s/%s", what, p.Availability, p.Activity, av, act)
		}
	}
	if set {
		env.SetPresence(env.Alice.ID, chat.Presence{Availability: chat.AvailabilityOffline}) // not signed in to Teams
	}
	want("no session", chat.AvailabilityOffline, chat.ActivityOffline)

	must(alice.SetUserPreferredPresence(c, "", chat.AvailabilityDoNotDisturb, chat.ActivityDoNotDisturb, nil))(t)
	want("preferred presence without a session", chat.AvailabilityOffline, chat.ActivityOffline)
	must(alice.SetPresence(c, "", chat.AvailabilityBusy, chat.ActivityInACall, &chat.SetPresenceOptions{Expiration: time.Hour}))(t)
	want("preferred presence over the application's session", chat.AvailabilityDoNotDisturb, chat.ActivityDoNotDisturb)
	must(alice.ClearUserPreferredPresence(c, env.Alice.ID, nil))(t)
	want("the application's session", chat.AvailabilityBusy, chat.ActivityInACall)
	if set {
		env.SetPresence(env.Alice.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	}
	want("Busy ranks above the Teams client's Available", chat.AvailabilityBusy, chat.ActivityInACall)
	must(alice.ClearPresence(c, "", nil))(t)
	want("the session cleared, the Teams client's", chat.AvailabilityAvailable, chat.ActivityAvailable)
	_, err := alice.ClearPresence(c, "", nil)
	wantServiceErr(t, "clearing a session that does not exist", err, chat.IsNotFound, "404")

	{
		if set {
			env.SetPresence(env.Alice.ID, chat.Presence{Availability: chat.AvailabilityOffline})
		}
		must(alice.SetPresence(c, "", chat.AvailabilityDoNotDisturb, chat.ActivityPresenting, &chat.SetPresenceOptions{Expiration: 30 * time.Minute}))(t)
		env.Advance(29 * time.Minute)
		want("29 minutes into a 30-minute session", chat.AvailabilityDoNotDisturb, chat.ActivityPresenting)
		env.Advance(2 * time.Minute)
		want("the session expired", chat.AvailabilityOffline, chat.ActivityOffline)

		must(alice.SetPresence(c, "", chat.AvailabilityAvailable, chat.ActivityAvailable, &chat.SetPresenceOptions{Expiration: time.Hour}))(t)
		want("Available", chat.AvailabilityAvailable, chat.ActivityAvailable)
		env.Advance(6 * time.Minute)
		want("Available, not refreshed for 6 minutes", chat.AvailabilityAvailableIdle, chat.ActivityInactive)
		env.Advance(5 * time.Minute)
		want("Available, not refreshed for 11 minutes", chat.AvailabilityAway, chat.ActivityAway)
		must(alice.SetPresence(c, "", chat.AvailabilityAvailable, chat.ActivityAvailable, &chat.SetPresenceOptions{Expiration: time.Hour}))(t)
		want("refreshed", chat.AvailabilityAvailable, chat.ActivityAvailable)

		must(alice.SetUserPreferredPresence(c, "", chat.AvailabilityBeRightBack, chat.ActivityBeRightBack, &chat.SetUserPreferredPresenceOptions{Expiration: 3 * time.Minute}))(t)
		want("a preferred presence for 3 minutes", chat.AvailabilityBeRightBack, chat.ActivityBeRightBack)
		env.Advance(4 * time.Minute)
		want("the preferred presence expired", chat.AvailabilityAvailable, chat.ActivityAvailable)
		must(alice.SetUserPreferredPresence(c, "", chat.AvailabilityOffline, chat.ActivityOffWork, nil))(t)
		want("appearing offline", chat.AvailabilityOffline, chat.ActivityOffWork)
		must(alice.ClearUserPreferredPresence(c, "", nil))(t)
		must(alice.ClearPresence(c, "", nil))(t)
		want("the last session cleared", chat.AvailabilityOffline, chat.ActivityOffline)

		// The status message, until an expiry by the service's clock (a
		// message's creation time tells it).
		ch := must(alice.CreateOneOnOneChat(c, env.Bob.ID, nil))(t).Chat
		now := must(alice.SendMessage(c, ch.ID, chat.TextMessage("what time is it"), nil))(t).Message.CreatedAt
		must(alice.SetStatusMessage(c, "", "In the lab until noon", &chat.SetStatusMessageOptions{ExpiresAt: now.Add(time.Hour)}))(t)
		if p := must(env.Bob.Service.GetPresence(c, env.Alice.ID, nil))(t).Presence; p.StatusMessage != "In the lab until noon" {
			t.Errorf("Alice's status message reads %q", p.StatusMessage)
		}
		env.Advance(61 * time.Minute)
		if p := must(env.Bob.Service.GetPresence(c, env.Alice.ID, nil))(t).Presence; set && p.StatusMessage != "" {
			t.Errorf("Alice's status message %q outlived its expiry", p.StatusMessage)
		}
	}
	must(alice.SetStatusMessage(c, env.Alice.ID, "Back soon", nil))(t)
	if p := must(alice.GetPresence(c, "", nil))(t).Presence; p.StatusMessage != "Back soon" {
		t.Errorf("Alice's own status message reads %q", p.StatusMessage)
	}
	must(alice.SetStatusMessage(c, "", "", nil))(t)
	if p := must(alice.GetPresence(c, "", nil))(t).Presence; p.StatusMessage != "" {
		t.Errorf("an empty status message leaves %q", p.StatusMessage)
	}

	// Delegated, a user sets only their own presence.
	_, err = env.Bob.Service.SetPresence(c, env.Alice.ID, chat.AvailabilityBusy, chat.ActivityInACall, nil)
	wantServiceErr(t, "Bob sets Alice's presence", err, chat.IsForbidden, "403")
	_, err = env.Bob.Service.SetStatusMessage(c, env.Alice.ID, "hacked", nil)
	wantServiceErr(t, "Bob sets Alice's status message", err, chat.IsForbidden, "403")

	for name, call := range map[string]func() error{
		"SetPresence Busy/Busy (not a session state)": func() error {
			_, err := alice.SetPresence(c, "", chat.AvailabilityBusy, chat.ActivityBusy, nil)
			return err
		},
		"SetPresence Offline": func() error {
			_, err := alice.SetPresence(c, "", chat.AvailabilityOffline, chat.ActivityOffline, nil)
			return err
		},
		"SetPresence expiring in 1 minute": func() error {
			_, err := alice.SetPresence(c, "", chat.AvailabilityAway, chat.ActivityAway, &chat.SetPresenceOptions{Expiration: time.Minute})
			return err
		},
		"SetPresence expiring in 5 hours": func() error {
			_, err := alice.SetPresence(c, "", chat.AvailabilityAway, chat.ActivityAway, &chat.SetPresenceOptions{Expiration: 5 * time.Hour})
			return err
		},
		"SetPresence for a principal name": func() error {
			_, err := alice.SetPresence(c, env.Alice.UPN, chat.AvailabilityAway, chat.ActivityAway, nil)
			return err
		},
		"SetUserPreferredPresence Busy/InACall": func() error {
			_, err := alice.SetUserPreferredPresence(c, "", chat.AvailabilityBusy, chat.ActivityInACall, nil)
			return err
		},
		"SetUserPreferredPresence negative expiration": func() error {
			_, err := alice.SetUserPreferredPresence(c, "", chat.AvailabilityBusy, chat.ActivityBusy, &chat.SetUserPreferredPresenceOptions{Expiration: -time.Hour})
			return err
		},
		"ClearPresence for a principal name": func() error {
			_, err := alice.ClearPresence(c, env.Alice.UPN, nil)
			return err
		},
		"SetStatusMessage too long": func() error {
			_, err := alice.SetStatusMessage(c, "", strings.Repeat("x", chat.MaxStatusMessageBytes+1), nil)
			return err
		},
		"SetStatusMessage expiring in the year 10000": func() error {
			_, err := alice.SetStatusMessage(c, "", "Away for a while", &chat.SetStatusMessageOptions{ExpiresAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
			return err
		},
		"SetStatusMessage not utf-8": func() error {
			_, err := alice.SetStatusMessage(c, "", "\xff", nil)
			return err
		},
	} {
		wantArgErr(t, name, call())
	}
}

// testPresenceNotifications: a subscription to the presence of two users
// (chat.PresencesResource, changenotifications-for-presence) hears each
// one's change — the application's session set, the preferred presence
// set, the session cleared — as an updated chat.ResourcePresence
// notification naming the user, whose presence then reads as changed;
// resources Graph refuses are refused before anything is sent.
func testPresenceNotifications(t *testing.T, env Env) {
	c := ctx(t)
	if env.SetPresence != nil && !env.Unsupported.PresenceControl {
		env.SetPresence(env.Bob.ID, chat.Presence{Availability: chat.AvailabilityOffline})
		env.SetPresence(env.Carol.ID, chat.Presence{Availability: chat.AvailabilityOffline})
	}
	ns, err := env.Subscribe(t, env.Alice, chat.PresencesResource(env.Bob.ID, env.Carol.ID))
	if err != nil {
		t.Fatalf("subscribing to Bob's and Carol's presence: %v", err)
	}
	heard := func(what string, u User, av chat.Availability, act chat.Activity) {
		t.Helper()
		n := next(t, what, ns)
		if n.Kind != chat.NotificationUpdated || n.Type != chat.ResourcePresence || !strings.EqualFold(n.UserID, u.ID) {
			t.Errorf("%s: %+v, want an update of %s's presence", what, n, u.DisplayName)
			return
		}
		p := must(env.Alice.Service.GetPresence(c, n.UserID, nil))(t).Presence
		if p.Availability != av || p.Activity != act {
			t.Errorf("%s: %s's presence reads %s/%s, want %s/%s", what, u.DisplayName, p.Availability, p.Activity, av, act)
		}
	}
	must(env.Bob.Service.SetPresence(c, "", chat.AvailabilityBusy, chat.ActivityInACall, &chat.SetPresenceOptions{Expiration: time.Hour}))(t)
	heard("Bob in a call", env.Bob, chat.AvailabilityBusy, chat.ActivityInACall)
	must(env.Carol.Service.SetPresence(c, "", chat.AvailabilityAvailable, chat.ActivityAvailable, &chat.SetPresenceOptions{Expiration: time.Hour}))(t)
	heard("Carol available", env.Carol, chat.AvailabilityAvailable, chat.ActivityAvailable)
	must(env.Bob.Service.SetUserPreferredPresence(c, "", chat.AvailabilityDoNotDisturb, chat.ActivityDoNotDisturb, nil))(t)
	heard("Bob prefers do not disturb", env.Bob, chat.AvailabilityDoNotDisturb, chat.ActivityDoNotDisturb)
	must(env.Bob.Service.ClearUserPreferredPresence(c, "", nil))(t)
	heard("Bob's preference cleared", env.Bob, chat.AvailabilityBusy, chat.ActivityInACall)
	must(env.Carol.Service.ClearPresence(c, "", nil))(t)
	heard("Carol's session cleared", env.Carol, chat.AvailabilityOffline, chat.ActivityOffline)

	many := make([]string, chat.MaxPresenceSubscriptionUsers+1)
	for i := range many {
		many[i] = fmt.Sprintf("00000000-0000-4000-8000-%012x", i)
	}
	for name, res := range map[string]string{
		"a principal name": chat.PresencesResource(env.Bob.UPN),
		"nobody":           chat.PresencesResource(),
		"651 users":        chat.PresencesResource(many...),
	} {
		_, err := env.Subscribe(t, env.Alice, res)
		wantArgErr(t, "subscribing to the presence of "+name, err)
	}
}
