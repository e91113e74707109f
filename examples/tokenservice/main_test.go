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

	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

// TestTokenServiceOffline runs the example in its -check mode and checks
// what it prints: the readiness line and a 200 answer for the Teams user,
// with the ACS token redacted; without -redis each request is an exchange.
func TestTokenServiceOffline(t *testing.T) {
	got := runChecked(t, shared{})
	if !strings.Contains(got, "check: 2 requests, exchanges with ACS: 2\n") {
		t.Errorf("without -redis, want an exchange per request:\n%s", got)
	}
	// The caller's token is printed on purpose (the curl line); the ACS
	// token in the answer must not be.
	check := got[strings.Index(got, "check: "):]
	if strings.Contains(check, "eyJ") {
		t.Errorf("the answer line shows a token:\n%s", check)
	}
}

// TestTokenServiceOnRedis: with -redis the rate limits' buckets and the
// ACS tokens are on the Redis the replicas share, the tokens sealed with
// the keys of TOKEN_CACHE_KEYS, which no error quotes.
func TestTokenServiceOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	const key = "mF8r1HkS0yX2hQe9vJcL4pTz7uWb3nDa6gKo5iRsYtE=" // 32 bytes
	env := map[string]string{"TOKEN_CACHE_KEYS": "2026-12:" + key}
	getenv := func(name string) string { return env[name] }
	sh, closeShared, err := sharedState(ctx, srv.Addr(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer closeShared()
	got := runChecked(t, sh)
	if !strings.Contains(got, "check: 2 requests, exchanges with ACS: 1\n") {
		t.Errorf("with -redis, want the second request answered from the shared cache:\n%s", got)
	}
	keys, err := srv.Client().Keys(ctx, redisstore.DefaultPrefix+"rl:*").Result()
	if err != nil || len(keys) != 1 {
		t.Errorf("the check request's bucket in Redis: %v %v", keys, err)
	}
	keys, err = srv.Client().Keys(ctx, redisstore.DefaultPrefix+"tok:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("the caller's token in Redis: %v %v", keys, err)
	}
	if v := srv.Client().Get(ctx, keys[0]).Val(); v == "" || strings.Contains(v, "eyJ") {
		t.Errorf("the token in Redis is not sealed: %q", v)
	}

	if _, _, err := sharedState(ctx, "127.0.0.1", getenv); err == nil {
		t.Error("an address without a port was accepted")
	}
	for _, keys := range []string{"", key, "k1:" + key[:20], "k1:not base64 " + key} {
		env["TOKEN_CACHE_KEYS"] = keys
		_, _, err := sharedState(ctx, srv.Addr(), getenv)
		if err == nil {
			t.Errorf("TOKEN_CACHE_KEYS=%q was accepted", keys)
			continue
		}
		if !strings.Contains(err.Error(), "TOKEN_CACHE_KEYS") || strings.Contains(err.Error(), key[:20]) {
			t.Errorf("TOKEN_CACHE_KEYS=%q: the error should name the variable, not its value: %v", keys, err)
		}
	}
}

// runChecked runs the example offline in its -check mode and returns what
// it printed, having checked the readiness line and the 200 answer.
func runChecked(t *testing.T, shared shared) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runErr := runOffline(ctx, slog.New(slog.DiscardHandler), "", true, shared)
	os.Stdout = stdout
	w.Close()
	b, _ := io.ReadAll(r)
	got := string(b)
	if runErr != nil {
		t.Fatalf("%v\n%s", runErr, got)
	}
	for _, want := range []string{"tokenservice: ready at http://127.0.0.1:", "check: 200", "8:orgid:"} {
		if !strings.Contains(got, want) {
			t.Fatalf("output lacks %q:\n%s", want, got)
		}
	}
	return got
}

// TestConfigurationErrorNamesTheProgramOnce: a configuration the service
// refuses is reported once as "tokenservice: invalid …", not
// "tokenservice: tokenservice: invalid …". runAzure stops at tokenservice.New,
// before anything is served or sent.
func TestConfigurationErrorNamesTheProgramOnce(t *testing.T) {
	t.Setenv("ACS_CONNECTION_STRING", "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0")
	t.Setenv("TOKENSERVICE_CLIENT_ID", "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
	t.Setenv("TOKENSERVICE_TENANT_IDS", "not-a-tenant-id")
	err := runAzure(context.Background(), slog.New(slog.DiscardHandler), "127.0.0.1:0", "", "", shared{})
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

// TestAzureAddrIsLoopbackByDefault: against Azure the service listens on
// loopback unless -addr or TOKENSERVICE_ADDR says otherwise (issue 11 §5:
// it listened on :8080, every interface, in plain HTTP).
func TestAzureAddrIsLoopbackByDefault(t *testing.T) {
	for _, c := range []struct{ flag, env, want string }{
		{"", "", "127.0.0.1:8080"},
		{"", "0.0.0.0:9000", "0.0.0.0:9000"},
		{"127.0.0.1:7000", "0.0.0.0:9000", "127.0.0.1:7000"},
	} {
		if got := azureAddr(c.flag, c.env); got != c.want {
			t.Errorf("azureAddr(%q, %q) = %q, want %q", c.flag, c.env, got, c.want)
		}
	}
}
