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
