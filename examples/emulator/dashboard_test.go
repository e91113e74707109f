package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/examples/internal/browsertest"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// TestDashboard runs a scenario — Adele writes to Alex, a call to Alex is
// placed and transferred to Megan, Megan is in a call, a request fails on
// an injected fault — and checks in headless Chromium that the dashboard
// shows it, and that it is live: a reply Alex posts after the page loaded
// (while the page's second poll is held) appears without a reload. It
// saves a screenshot, dashboard.png, in $TEST_OUTPUT_DIR (or the test's
// temporary directory; the log says where).
func TestDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("runs chromium")
	}
	chromium := browsertest.Find(t)
	cfg, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	em, err := newEmulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer em.close()
	var polls atomic.Int32
	replied := make(chan struct{})
	var alexID, chatID string
	em.wrapControl = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The page's second poll: the reply is posted before it is
			// answered, so only a page that polls again shows it.
			if r.URL.Path == "/api/state" && polls.Add(1) == 2 {
				if _, err := em.graph.Post(alexID, chatID, "a live reply from Alex"); err != nil {
					t.Errorf("post: %v", err)
				}
				close(replied)
			}
			h.ServeHTTP(w, r)
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := em.start(ctx); err != nil {
		t.Fatal(err)
	}
	s := started{Ready: em.ready}
	s.client = clientFor(t, em.ready.CACert)
	adele, alex, megan := s.Tenants[0].Users[0], s.Tenants[0].Users[1], s.Tenants[0].Users[2]
	alexID = alex.ObjectID

	// The scenario, through the real clients.
	gc, err := chat.NewClient(bearerToken(mintToken(t, s, `{"user":"`+adele.UPN+`","appId":"`+appID+`","scopes":["https://graph.microsoft.com/.default"]}`)),
		&chat.ClientOptions{BaseURL: s.Graph, UserID: adele.ObjectID, ClientOptions: s.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := gc.CreateOneOnOneChat(ctx, alex.ObjectID, nil)
	if err != nil {
		t.Fatal(err)
	}
	chatID = c.Chat.ID
	if _, err := gc.SendMessage(ctx, chatID, chat.NewMessage{Body: chat.Body{Content: "hello from the dashboard test"}}, nil); err != nil {
		t.Fatal(err)
	}
	cc, err := calling.NewClientFromConnectionString(s.ACSConnectionString, &calling.ClientOptions{ClientOptions: s.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	// The application takes its callbacks (on loopback, plain HTTP, as the
	// emulator allows), so the timeline shows them delivered.
	sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer sink.Close()
	call, err := cc.CreateCall(ctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: alex.ObjectID}}, sink.URL+"/callbacks", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.controlJSON(t, http.MethodPost, "/api/settle", "", http.StatusNoContent, nil)
	if _, err := cc.CallConnection(call.CallConnectionID).TransferToParticipant(ctx, identity.MicrosoftTeamsUserIdentifier{UserID: megan.ObjectID}, nil); err != nil {
		t.Fatal(err)
	}
	s.controlJSON(t, http.MethodPut, "/api/users/"+megan.UPN+"/presence", `{"availability":"Busy","activity":"InACall"}`, http.StatusNoContent, nil)
	s.controlJSON(t, http.MethodPost, "/api/faults", `{"op":"getChat","status":429,"retryAfterSeconds":1}`, http.StatusCreated, nil)
	noRetry := s.azOptions()
	noRetry.Retry.MaxRetries = -1
	gc2, err := chat.NewClient(bearerToken(mintToken(t, s, `{"user":"`+adele.UPN+`","appId":"`+appID+`","scopes":["https://graph.microsoft.com/.default"]}`)),
		&chat.ClientOptions{BaseURL: s.Graph, UserID: adele.ObjectID, ClientOptions: noRetry})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gc2.GetChat(ctx, chatID, nil); err == nil {
		t.Fatal("the injected 429 did not reach the client")
	}
	s.controlJSON(t, http.MethodPost, "/api/settle", "", http.StatusNoContent, nil)

	// Chromium trusts exactly the emulator's certificate (its key's hash),
	// nothing else.
	leaf := readCert(t, filepath.Join(filepath.Dir(em.ready.CACert), certFile))
	spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	args := append(browsertest.Args(t.TempDir()), "--ignore-certificate-errors-spki-list="+base64.StdEncoding.EncodeToString(spki[:]))

	// Virtual time runs the page's polls without waiting for them in real
	// time; it stands still while a poll is held.
	dom := browsertest.Run(t, ctx, chromium, append(args, "--virtual-time-budget=6000", "--dump-dom", em.ready.Dashboard)...)
	select {
	case <-replied:
	default:
		t.Fatalf("the page polled %d times, never a second:\n%s", polls.Load(), dom)
	}
	for _, want := range []string{
		"Adele Vance", "Alex Wilber", "Megan Bowen", "fabrikam.onmicrosoft.com", "InACall", "+14255550100",
		"hello from the dashboard test", "a live reply from Alex",
		call.CallConnectionID, "CallConnected", "CallTransferAccepted", "CallDisconnected", "transferred to Megan Bowen",
		"createCall", "transferToParticipant", "sendMessage",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the dashboard does not show %q", want)
		}
	}
	if !regexp.MustCompile(`<tr class="failed" data-op="getChat">(?:<td>[^<]*</td>){4}<td class="path">[^<]*</td><td class="status">429 \(injected\)</td></tr>`).MatchString(dom) {
		t.Errorf("the failed getChat request is not highlighted")
	}
	if m := regexp.MustCompile(`data-polls="(\d+)"`).FindStringSubmatch(dom); m == nil {
		t.Errorf("the page never rendered a poll")
	} else if n, _ := strconv.Atoi(m[1]); n < 2 {
		t.Errorf("the page rendered %d polls, want at least 2", n)
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}

	out := browsertest.OutputDir(t)
	shot := filepath.Join(out, "dashboard.png")
	browsertest.Run(t, ctx, chromium, append(args, "--virtual-time-budget=3000", "--hide-scrollbars", "--window-size=1440,1000", "--screenshot="+shot, em.ready.Dashboard)...)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Fatalf("screenshot %s: %d bytes, %v", shot, len(png), err)
	}
	t.Logf("dashboard screenshot: %s", shot)
}
