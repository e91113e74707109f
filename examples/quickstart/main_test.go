package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestQuickstartOffline runs the quickstart against the fakes and checks the
// story it tells, and that no token is printed whole.
func TestQuickstartOffline(t *testing.T) {
	var b strings.Builder
	old := out
	out = &b
	t.Cleanup(func() { out = old })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := runOffline(ctx); err != nil {
		t.Fatalf("quickstart: %v\n%s", err, b.String())
	}
	got := b.String()
	for _, want := range []string{
		"exchanged the Entra token for an ACS token",
		`"kind": "microsoftTeamsUser"`,
		"1 exchange(s) in all",
		"a token obtained by another app is refused before sending",
		"Alex Wilber: Yes, call me then.\n   Adele Vance: Hi Alex, are you free at 3?",
		`group chat "Fabrikam rollout" with 3 members`,
		`<at id="0">Megan Bowen</at>`,
		"@thread.v2):\n   Adele Vance: Joining in a minute.",
		`the calling client joins with {"meetingLink":"https://teams.microsoft.com/l/meetup-join/`,
		"Alex Wilber                1 unread  Alex Wilber: Yes, call me then.",
		"Fabrikam rollout           0 unread",
		"the 1:1 chat marked read; Adele Vance's presence for the call: Busy, InACall",
		"the call is connected with 2 participants",
		"transferred the call to Megan Bowen: Contoso's leg is disconnected",
		"events, authenticated and in order: CallConnected, ParticipantsUpdated, CallTransferAccepted, CallDisconnected",
		"done:",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// A JWT's first two segments start with "eyJ"; a whole token never shows.
	if strings.Contains(got, "eyJ") {
		t.Errorf("a token was printed:\n%s", got)
	}
}
