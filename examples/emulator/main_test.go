package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// started is an emulator run by a test: its ready line and an HTTP client
// that trusts its CA.
type started struct {
	Ready
	client *http.Client
}

// startEmulator runs the emulator with args until the test ends and reads
// its ready line.
func startEmulator(t *testing.T, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, pw); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("emulator: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	js, ok := strings.CutPrefix(strings.TrimSpace(line), "teamsuser-emulator ready ")
	if !ok {
		t.Fatalf("no readiness line: %q", line)
	}
	var s started
	if err := json.Unmarshal([]byte(js), &s.Ready); err != nil {
		t.Fatal(err)
	}
	s.client = clientFor(t, s.CACert)
	return s
}

// clientFor is an HTTP client that trusts the CA in the PEM file ca (none:
// plain HTTP).
func clientFor(t *testing.T, ca string) *http.Client {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	if ca != "" {
		pool := x509.NewCertPool()
		pem, err := os.ReadFile(ca)
		if err != nil || !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("the ready line's CA %s: %v", ca, err)
		}
		c.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// azOptions are azcore options whose transport trusts the emulator's CA,
// as SSL_CERT_FILE would make the default transport do.
func (s started) azOptions() azcore.ClientOptions {
	return azcore.ClientOptions{Transport: s.client}
}

// TestEmulator starts the emulator (HTTPS by default), reads its readiness
// line, signs a seeded user in through the test token endpoint and
// exchanges the token with the real identity client against the emulated
// ACS resource; the same resource runs Call Automation, authenticated with
// its key or with an Entra ID token.
func TestEmulator(t *testing.T) {
	ctx := context.Background()
	ready := startEmulator(t)
	for _, u := range []string{ready.Entra, ready.ACS, ready.Graph} {
		if !strings.HasPrefix(u, "https://127.0.0.1:") {
			t.Fatalf("endpoint %s: want https on loopback", u)
		}
	}
	if !strings.Contains(ready.ACSConnectionString, "endpoint="+ready.ACS+"/") {
		t.Fatalf("connection string for another endpoint than %s", ready.ACS)
	}
	if len(ready.Tenants) != 1 || len(ready.Tenants[0].Users) != 3 {
		t.Fatalf("seed: %+v", ready.Tenants)
	}
	adele := ready.Tenants[0].Users[0]

	tok := mintToken(t, ready, `{"user":"`+adele.UPN+`","appId":"`+appID+`"}`)
	client, err := identity.NewClientFromConnectionString(ready.ACSConnectionString, &identity.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithTimeout(ctx, time.Minute)
	defer ccancel()
	r, err := client.ExchangeTeamsUserToken(cctx, identity.TeamsUserTokenRequest{Token: tok, AppID: appID, UserID: adele.ObjectID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := identity.ReadACSToken(r.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got := claims.Identifier().RawID(); got != adele.TeamsUserID {
		t.Fatalf("exchanged for %s, want %s", got, adele.TeamsUserID)
	}

	// The same ACS resource runs Call Automation: call a seeded Teams user.
	cc, err := calling.NewClientFromConnectionString(ready.ACSConnectionString, &calling.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	call, err := cc.CreateCall(cctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: ready.Tenants[0].Users[1].ObjectID}},
		"http://127.0.0.1:1/callbacks", nil)
	if err != nil {
		t.Fatal(err)
	}
	if call.CallConnectionID == "" {
		t.Fatal("no call connection id")
	}

	// Entra ID auth to ACS: a token of the emulator's Entra for the
	// Communication Services data plane, asked for as an SDK asks its
	// credential, is accepted by Call Automation and by the identity API
	// alike; a token for another audience is not.
	acsTok := mintToken(t, ready, `{"user":"`+adele.UPN+`","appId":"`+appID+`","scopes":["https://communication.azure.com//.default"]}`)
	bc, err := calling.NewClient(ready.ACS, bearerToken(acsTok), &calling.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bc.CreateCall(cctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: ready.Tenants[0].Users[2].ObjectID}},
		"http://127.0.0.1:1/callbacks", nil); err != nil {
		t.Fatalf("Call Automation with an Entra ID token: %v", err)
	}
	bi, err := identity.NewClient(ready.ACS, bearerToken(acsTok), &identity.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bi.CreateUser(cctx, nil); err != nil {
		t.Fatalf("identity with an Entra ID token: %v", err)
	}
	wrong, err := calling.NewClient(ready.ACS, bearerToken(tok), &calling.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	var re *azcore.ResponseError
	if _, err := wrong.CreateCall(cctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: adele.ObjectID}},
		"http://127.0.0.1:1/callbacks", nil); !errors.As(err, &re) || re.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a Teams-user token (audience of the exchange) authenticated Call Automation: %v", err)
	}

	// Graph chat with a Graph token of the token endpoint.
	gtok := mintToken(t, ready, `{"user":"`+adele.ObjectID+`","appId":"`+appID+`","audience":"https://graph.microsoft.com","scopes":["Chat.ReadWrite","Presence.Read.All"]}`)
	gc, err := chat.NewClient(bearerToken(gtok), &chat.ClientOptions{BaseURL: ready.Graph, ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range gc.ListChats(cctx, nil) {
		if err != nil {
			t.Fatalf("graph /me/chats: %v", err)
		}
	}

	// Users start Available; a test sets Alex's presence through the control
	// API and Adele reads it with Graph's getPresencesByUserId.
	alex := ready.Tenants[0].Users[1]
	if st, body := ready.control(t, http.MethodPut, "/api/users/"+alex.UPN+"/presence", `{"availability":"Busy","activity":"InACall"}`); st != http.StatusNoContent {
		t.Fatalf("set presence: %d %s", st, body)
	}
	if st, _ := ready.control(t, http.MethodPut, "/api/users/"+alex.UPN+"/presence", `{"availability":"Sleeping"}`); st != http.StatusBadRequest {
		t.Fatalf("unknown availability: %d", st)
	}
	ps, err := gc.GetPresences(cctx, []string{alex.ObjectID, adele.ObjectID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Presences[0].Activity != chat.ActivityInACall || ps.Presences[1].Availability != chat.AvailabilityAvailable {
		t.Fatalf("presences: %+v", ps.Presences)
	}

	// An unknown user gets a clear error, not a token.
	if st, body := ready.control(t, http.MethodPost, "/api/token", `{"user":"nobody","appId":"`+appID+`"}`); st != http.StatusNotFound || !strings.Contains(string(body), "nobody") {
		t.Fatalf("unknown user: %d %s", st, body)
	}
}

// appID is the client id the tests' tokens are issued to.
const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

// control sends a request to the control API and returns the status and
// the body.
func (s started) control(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.Control+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// controlJSON sends a request to the control API, wants status, and
// decodes the answer into v (unless nil).
func (s started) controlJSON(t *testing.T, method, path, body string, status int, v any) {
	t.Helper()
	st, b := s.control(t, method, path, body)
	if st != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, st, b, status)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// mintToken asks the emulator's token endpoint for a token.
func mintToken(t *testing.T, s started, body string) string {
	t.Helper()
	var tok tokenResponse
	s.controlJSON(t, http.MethodPost, "/api/token", body, http.StatusOK, &tok)
	if tok.AccessToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token endpoint: %+v", tok)
	}
	return tok.AccessToken
}

// bearerToken is a credential for a token the emulator minted.
type bearerToken string

func (b bearerToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(b), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
