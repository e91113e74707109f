package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func offlineEnv(string) string { return "" }

func runOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var b strings.Builder
	err := run(ctx, args, &b, offlineEnv)
	return b.String(), err
}

func TestChatCommandsOffline(t *testing.T) {
	out, err := runOut(t, "list")
	if err != nil {
		t.Fatal(err)
	}
	// As Teams lists them: the newest message first, the unread ones
	// marked with their count, each with its last message.
	last := -1
	for _, want := range []string{"signed in as Alice Archer",
		"* meeting   Fabrikam review                1 unread  ", "Bob Baker: I'll present the numbers.",
		"* group     Quarter close                  2 unread  ", "Carol Cruz: Can you check the totals?",
		"  oneOnOne  Bob Baker                                ", "Alice Archer: Yes, all of them yesterday.",
		"3 chat(s)"} {
		i := strings.Index(out, want)
		if i < 0 || i < last {
			t.Errorf("list: output lacks %q after what comes before:\n%s", want, out)
		}
		last = i
	}
	out, err = runOut(t, "list", "-type", "meeting")
	if err != nil || strings.Contains(out, "oneOnOne") || !strings.Contains(out, "1 chat(s)") {
		t.Errorf("list -type meeting: %v\n%s", err, out)
	}
	out, err = runOut(t, "list", "-unread")
	if err != nil || strings.Contains(out, "oneOnOne") || !strings.Contains(out, "2 chat(s)") {
		t.Errorf("list -unread: %v\n%s", err, out)
	}
	out, err = runOut(t, "read", "-chat", "Quarter close")
	if err != nil || !strings.Contains(out, "Carol Cruz: The numbers are in.") || !strings.HasSuffix(out, "(marked read)\n") {
		t.Errorf("read marks the chat read: %v\n%s", err, out)
	}
	out, err = runOut(t, "read", "-chat", "Quarter close", "-keep-unread")
	if err != nil || strings.Contains(out, "marked read") {
		t.Errorf("read -keep-unread: %v\n%s", err, out)
	}

	out, err = runOut(t, "read", "-chat", "Bob Baker", "-n", "5")
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(out, "Bob Baker: Morning Alice"), strings.Index(out, "Alice Archer: Yes, all of them")
	if i < 0 || j < i {
		t.Errorf("read: want both messages, oldest first:\n%s", out)
	}

	out, err = runOut(t, "send", "-chat", "Fabrikam review", "see", "you", "at", "ten")
	if err != nil || !strings.Contains(out, "sent message ") || !strings.Contains(out, "@thread.v2") {
		t.Errorf("send -chat: %v\n%s", err, out)
	}
	out, err = runOut(t, "send", "-to", "carol.cruz@fabrikam.onmicrosoft.com", "hello")
	if err != nil || !strings.Contains(out, "sent message ") || !strings.Contains(out, "@unq.gbl.spaces") {
		t.Errorf("send -to (a new 1:1 chat with Carol): %v\n%s", err, out)
	}
}

func TestFollowShowsNewMessagesOnly(t *testing.T) {
	out, err := runOut(t, "follow", "-chat", "Fabrikam review", "-count", "3", "-for", "30s")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"following 19:meeting_", "offline: the fake's Bob Baker will post 3 messages here", "Bob Baker: Are you there?", "Bob Baker: The deck is in the channel.", "Bob Baker: Talk soon.", "stopped after 3 new message(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("follow: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "I'll present the numbers.") {
		t.Errorf("follow printed a message from before it started:\n%s", out)
	}
}

func TestFollowTheOneOnOneChat(t *testing.T) {
	out, err := runOut(t, "follow", "-chat", "Bob Baker", "-count", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@unq.gbl.spaces", "Bob Baker: Are you there?", "stopped after 1 new message(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("follow: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Morning Alice") {
		t.Errorf("follow printed a message from before it started:\n%s", out)
	}
}

func TestNoTokenInOutput(t *testing.T) {
	var all strings.Builder
	for _, args := range [][]string{{"list"}, {"read", "-chat", "Bob Baker"}, {"send", "-to", "dave.dunn@fabrikam.onmicrosoft.com", "hi"}} {
		out, err := runOut(t, args...)
		if err != nil {
			t.Errorf("%q: %v", args, err)
		}
		all.WriteString(out)
	}
	if regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}|(?i)bearer `).MatchString(all.String()) {
		t.Errorf("a token in the output:\n%s", all.String())
	}
}

func TestHomeObjectID(t *testing.T) {
	const oid, tid = "6f1c7a52-0b7e-4a55-9a0e-1f7d2c3b4a59", "8d3e4f5a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
	for _, c := range []struct {
		rec  azidentity.AuthenticationRecord
		want string
	}{
		{azidentity.AuthenticationRecord{HomeAccountID: oid + "." + tid, TenantID: tid}, oid},
		{azidentity.AuthenticationRecord{HomeAccountID: oid + "." + tid, TenantID: "another-tenant"}, ""}, // a guest
		{azidentity.AuthenticationRecord{HomeAccountID: "", TenantID: tid}, ""},
		{azidentity.AuthenticationRecord{HomeAccountID: "." + tid, TenantID: tid}, ""},
	} {
		if got := homeObjectID(c.rec); got != c.want {
			t.Errorf("homeObjectID(%+v) = %q, want %q", c.rec, got, c.want)
		}
	}
}

func TestBadCommandLines(t *testing.T) {
	for _, args := range [][]string{
		nil, {"bogus"}, {"read"}, {"follow"}, {"send", "-chat", "x"}, {"send", "hi"},
		{"send", "-chat", "a", "-to", "b", "hi"}, {"read", "-chat", "x", "-n", "0"}, {"list", "-nope"},
		{"follow", "-chat", "x", "-for", "-1s"},
	} {
		_, err := runOut(t, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("%q: got %v, want a usage error", args, err)
		}
	}
	_, err := runOut(t, "read", "-chat", "No Such Chat")
	if err == nil || !strings.Contains(err.Error(), `"No Such Chat"`) {
		t.Errorf("unknown chat: %v", err)
	}
	_, err = runOut(t, "list", "-type", "channel")
	if err == nil || errors.Is(err, errUsage) {
		t.Errorf("a bad -type is the chat package's argument error: %v", err)
	}
}

// TestOnlineNeedsTheTenant: online, the tenant comes from configuration (the
// tool defaulted to "organizations", which a single-tenant registration
// refuses); without it, a usage error before anything is sent.
func TestOnlineNeedsTheTenant(t *testing.T) {
	for _, tenant := range []string{"", "  ", "common/../x", "https://login.microsoftonline.com/contoso"} {
		getenv := func(k string) string {
			switch k {
			case "TEAMSUSER_CLIENT_ID":
				return "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
			case "TEAMSUSER_TENANT_ID":
				return tenant
			}
			return ""
		}
		var b strings.Builder
		err := run(context.Background(), []string{"list"}, &b, getenv)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "TEAMSUSER_TENANT_ID") {
			t.Errorf("tenant %q: %v, want a usage error naming TEAMSUSER_TENANT_ID", tenant, err)
		}
		if b.Len() != 0 {
			t.Errorf("tenant %q: printed %q (a device code prompt?)", tenant, b.String())
		}
	}
	for _, tenant := range []string{"8f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "contoso.onmicrosoft.com", "organizations"} {
		if !tenantRE.MatchString(tenant) {
			t.Errorf("tenant %q refused", tenant)
		}
	}
}

// TestAuthRecordIsKept: the sign-in's authentication record is kept in a
// file only the user can read, and read back for the same tenant and app
// only, so the next run signs in silently instead of asking for a device
// code again.
func TestAuthRecordIsKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "teamsuser-go", "chat-auth-record.json")
	const tenant, app = "8f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	if _, ok := loadAuthRecord(path, tenant, app); ok {
		t.Fatal("a record before any sign-in")
	}
	rec := azidentity.AuthenticationRecord{
		Authority: "login.microsoftonline.com", ClientID: app, TenantID: tenant, Username: "alice@contoso.com",
		HomeAccountID: "0b8a6c2e-1f3d-4e5a-9b7c-6d5e4f3a2b1c." + tenant, Version: "1.0", // as Authenticate makes it
	}
	if err := saveAuthRecord(path, rec); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the record's mode is %v, want 0600", fi.Mode().Perm())
	}
	got, ok := loadAuthRecord(path, strings.ToUpper(tenant), app)
	if !ok || got != rec {
		t.Errorf("read back %+v, %v", got, ok)
	}
	if _, ok := loadAuthRecord(path, "contoso.onmicrosoft.com", app); ok {
		t.Error("a record of another tenant was used")
	}
	if _, ok := loadAuthRecord(path, tenant, "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"); ok {
		t.Error("a record of another app was used")
	}
	if _, ok := loadAuthRecord(path, "organizations", app); !ok {
		t.Error("a multi-tenant app's record was not used")
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := loadAuthRecord(path, tenant, app); ok {
		t.Error("a corrupted record was used")
	}
	p, err := authRecordPath(func(k string) string {
		if k == "TEAMSUSER_AUTH_RECORD" {
			return "/somewhere/record.json"
		}
		return ""
	})
	if err != nil || p != "/somewhere/record.json" {
		t.Errorf("TEAMSUSER_AUTH_RECORD: %q %v", p, err)
	}
}

// TestPresenceOffline: Alice, shown Available by her Teams client,
// appears offline and back, and sets a status message.
func TestPresenceOffline(t *testing.T) {
	out, err := runOut(t, "presence")
	if err != nil || !strings.Contains(out, "presence: Available (Available)\n") {
		t.Fatalf("presence: %v\n%s", err, out)
	}
	out, err = runOut(t, "presence", "-set", "offline", "-message", "Heads down until 3", "-for", "2h")
	if err != nil || !strings.Contains(out, "preferred presence set: offline\n") ||
		!strings.Contains(out, `presence: Offline (OffWork) — "Heads down until 3"`) {
		t.Fatalf("presence -set offline: %v\n%s", err, out)
	}
	out, err = runOut(t, "presence", "-set", "reset")
	if err != nil || !strings.Contains(out, "presence: Available (Available)\n") {
		t.Errorf("presence -set reset: %v\n%s", err, out)
	}
	if _, err := runOut(t, "presence", "-set", "invisible"); !errors.Is(err, errUsage) {
		t.Errorf("presence -set invisible: %v, want a usage error", err)
	}
}
