package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

// TestTokenServiceOffline runs the example in its -check mode and checks
// what it prints: the readiness line and a 200 answer for the Teams user,
// with the ACS token redacted.
func TestTokenServiceOffline(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runErr := runOffline(ctx, slog.New(slog.DiscardHandler), "", true)
	os.Stdout = stdout
	w.Close()
	b, _ := io.ReadAll(r)
	got := string(b)
	if runErr != nil {
		t.Fatalf("%v\n%s", runErr, got)
	}
	for _, want := range []string{"tokenservice: ready at http://127.0.0.1:", "check: 200", "8:orgid:"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The caller's token is printed on purpose (the curl line); the ACS
	// token in the answer must not be.
	check := got[strings.Index(got, "check: "):]
	if strings.Contains(check, "eyJ") {
		t.Errorf("the answer line shows a token:\n%s", check)
	}
}
