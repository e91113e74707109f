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
	s.client = &http.Client{Timeout: 30 * time.Second}
	if s.CACert != "" {
		pool := x509.NewCertPool()
		pem, err := os.ReadFile(s.CACert)
		if err != nil || !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("the ready line's CA %s: %v", s.CACert, err)
		}
		s.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	}
	return s
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

	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	resp, err := ready.client.Post(ready.Entra+"/_emulator/token", "application/json",
		strings.NewReader(`{"user":"`+adele.UPN+`","appId":"`+appID+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 {
		t.Fatalf("token endpoint: %d %v", resp.StatusCode, err)
	}

	client, err := identity.NewClientFromConnectionString(ready.ACSConnectionString, &identity.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithTimeout(ctx, time.Minute)
	defer ccancel()
	r, err := client.ExchangeTeamsUserToken(cctx, identity.TeamsUserTokenRequest{Token: tok.AccessToken, AppID: appID, UserID: adele.ObjectID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := identity.ReadACSToken(r.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got := claims.Identifier().RawID(); got != "8:orgid:"+adele.ObjectID {
		t.Fatalf("exchanged for %s", got)
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
	// Communication Services data plane is accepted by Call Automation and
	// by the identity API alike; a token for another audience is not.
	acsTok := mintToken(t, ready, `{"user":"`+adele.UPN+`","appId":"`+appID+`","audience":"https://communication.azure.com"}`)
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
	wrong, err := calling.NewClient(ready.ACS, bearerToken(tok.AccessToken), &calling.ClientOptions{ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	var re *azcore.ResponseError
	if _, err := wrong.CreateCall(cctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: adele.ObjectID}},
		"http://127.0.0.1:1/callbacks", nil); !errors.As(err, &re) || re.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a Teams-user token (audience of the exchange) authenticated Call Automation: %v", err)
	}

	// Graph chat with a Graph token of the token endpoint.
	gresp, err := ready.client.Post(ready.Entra+"/_emulator/token", "application/json",
		strings.NewReader(`{"user":"`+adele.ObjectID+`","appId":"`+appID+`","audience":"https://graph.microsoft.com","scopes":["Chat.ReadWrite"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var gtok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(gresp.Body).Decode(&gtok)
	gresp.Body.Close()
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, ready.Graph+"/me/chats", nil)
	req.Header.Set("Authorization", "Bearer "+gtok.AccessToken)
	chats, err := ready.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	chats.Body.Close()
	if chats.StatusCode != http.StatusOK {
		t.Fatalf("graph /me/chats: %d", chats.StatusCode)
	}

	// A test sets Alex's presence; Adele reads it through Graph's
	// getPresencesByUserId with the real chat client.
	alex := ready.Tenants[0].Users[1]
	set, err := ready.client.Post(ready.Graph[:len(ready.Graph)-len("/v1.0")]+"/_emulator/presence", "application/json",
		strings.NewReader(`{"user":"`+alex.UPN+`","availability":"Busy","activity":"InACall"}`))
	if err != nil {
		t.Fatal(err)
	}
	set.Body.Close()
	if set.StatusCode != http.StatusNoContent {
		t.Fatalf("set presence: %d", set.StatusCode)
	}
	bad, err := ready.client.Post(ready.Graph[:len(ready.Graph)-len("/v1.0")]+"/_emulator/presence", "application/json",
		strings.NewReader(`{"user":"`+alex.UPN+`","availability":"Sleeping"}`))
	if err != nil {
		t.Fatal(err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown availability: %d", bad.StatusCode)
	}
	gc, err := chat.NewClient(bearerToken(gtok.AccessToken), &chat.ClientOptions{BaseURL: ready.Graph, ClientOptions: ready.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := gc.GetPresences(cctx, []string{alex.ObjectID, adele.ObjectID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Presences[0].Activity != chat.ActivityInACall || ps.Presences[1].Availability != chat.AvailabilityOffline {
		t.Fatalf("presences: %+v", ps.Presences)
	}

	// An unknown user gets a clear error, not a token.
	resp2, err := ready.client.Post(ready.Entra+"/_emulator/token", "application/json", strings.NewReader(`{"user":"nobody","appId":"`+appID+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown user: status %d", resp2.StatusCode)
	}
}

// mintToken asks the emulator's token endpoint for a token.
func mintToken(t *testing.T, s started, body string) string {
	t.Helper()
	resp, err := s.client.Post(s.Entra+"/_emulator/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("token endpoint: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// bearerToken is a credential for a token the emulator minted.
type bearerToken string

func (b bearerToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(b), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
