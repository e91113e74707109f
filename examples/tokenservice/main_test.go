package main

import (
	"context"
	"errors"
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

// TestConfigurationErrorNamesTheProgramOnce: a configuration the service
// refuses is reported once as "tokenservice: invalid …", not
// "tokenservice: tokenservice: invalid …". runAzure stops at tokenservice.New,
// before anything is served or sent.
func TestConfigurationErrorNamesTheProgramOnce(t *testing.T) {
	t.Setenv("ACS_CONNECTION_STRING", "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0")
	t.Setenv("TOKENSERVICE_CLIENT_ID", "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
	t.Setenv("TOKENSERVICE_TENANT_IDS", "not-a-tenant-id")
	err := runAzure(context.Background(), slog.New(slog.DiscardHandler), "127.0.0.1:0", "", "")
	if err == nil {
		t.Fatal("runAzure accepted a tenant id that is not a GUID")
	}
	line := errorLine(err)
	if !strings.HasPrefix(line, "tokenservice: invalid cfg.Tenants") || strings.Count(line, "tokenservice:") != 1 {
		t.Errorf("error line %q: want the program named once, then the setting", line)
	}
	if got := errorLine(errors.New("-tls-cert and -tls-key go together")); got != "tokenservice: -tls-cert and -tls-key go together" {
		t.Errorf("error line of the program's own error: %q", got)
	}
}
