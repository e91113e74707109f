package main

import (
	"context"
	"errors"
	"regexp"
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
	for _, want := range []string{"signed in as Alice Archer", "oneOnOne  Bob Baker", "meeting   Fabrikam review", "2 chat(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("list: output lacks %q:\n%s", want, out)
		}
	}
	out, err = runOut(t, "list", "-type", "meeting")
	if err != nil || strings.Contains(out, "oneOnOne") || !strings.Contains(out, "1 chat(s)") {
		t.Errorf("list -type meeting: %v\n%s", err, out)
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
