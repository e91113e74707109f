package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestReceptionistOffline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var b strings.Builder
	if err := runOffline(ctx, &b); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	got := b.String()
	for _, want := range []string{
		"call from +14255550101 -> Megan Bowen (transferred); tried: Adele Vance (not available), Alex Wilber (603/0",
		"Megan Bowen (accepted)",
		"call from +14255550102 -> no one (no expert available)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
