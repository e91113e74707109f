package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// TestEmulator starts the emulator, reads its readiness line, signs a seeded
// user in through the test token endpoint and exchanges the token with the
// real identity client against the emulated ACS resource.
func TestEmulator(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, pw); pw.Close() }()
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
	var ready Ready
	if err := json.Unmarshal([]byte(js), &ready); err != nil {
		t.Fatal(err)
	}
	if len(ready.Tenants) != 1 || len(ready.Tenants[0].Users) != 3 {
		t.Fatalf("seed: %+v", ready.Tenants)
	}
	adele := ready.Tenants[0].Users[0]

	const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	resp, err := http.Post(ready.Entra+"/_emulator/token", "application/json",
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

	client, err := identity.NewClientFromConnectionString(ready.ACSConnectionString, &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
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
	cc, err := calling.NewClientFromConnectionString(ready.ACSConnectionString, &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true},
	})
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

	// Graph chat with a Graph token of the token endpoint.
	gresp, err := http.Post(ready.Entra+"/_emulator/token", "application/json",
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
	chats, err := http.DefaultClient.Do(req)
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
	set, err := http.Post(ready.Graph[:len(ready.Graph)-len("/v1.0")]+"/_emulator/presence", "application/json",
		strings.NewReader(`{"user":"`+alex.UPN+`","availability":"Busy","activity":"InACall"}`))
	if err != nil {
		t.Fatal(err)
	}
	set.Body.Close()
	if set.StatusCode != http.StatusNoContent {
		t.Fatalf("set presence: %d", set.StatusCode)
	}
	bad, err := http.Post(ready.Graph[:len(ready.Graph)-len("/v1.0")]+"/_emulator/presence", "application/json",
		strings.NewReader(`{"user":"`+alex.UPN+`","availability":"Sleeping"}`))
	if err != nil {
		t.Fatal(err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown availability: %d", bad.StatusCode)
	}
	gc, err := chat.NewClient(bearerToken(gtok.AccessToken), &chat.ClientOptions{BaseURL: ready.Graph})
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
	resp2, err := http.Post(ready.Entra+"/_emulator/token", "application/json", strings.NewReader(`{"user":"nobody","appId":"`+appID+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown user: status %d", resp2.StatusCode)
	}
}

// bearerToken is a credential for a token the emulator minted.
type bearerToken string

func (b bearerToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(b), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
