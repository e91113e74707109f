package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

func TestReceptionistOffline(t *testing.T) {
	runMorning(t, nil)
}

// TestReceptionistOnRedis: with -redis the routes are on the Redis the
// replicas share, and the morning goes the same way.
func TestReceptionistOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	store, err := redisstore.New(srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runMorning(t, store.Calls())
	keys, err := srv.Client().Keys(context.Background(), redisstore.DefaultPrefix+"*").Result()
	if err != nil || len(keys) != 2 {
		t.Errorf("the two calls' routes in Redis: %v %v", keys, err)
	}
}

func runMorning(t *testing.T, routes calling.VersionedStore) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var b strings.Builder
	if err := runOffline(ctx, &b, routes); err != nil {
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

// azureEnv is a valid Azure configuration, changed by the test cases.
func azureEnv() map[string]string {
	return map[string]string{
		"ACS_CONNECTION_STRING": "endpoint=https://contoso.communication.azure.com/;accesskey=" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")),
		"ACS_RESOURCE_ID":       "5e1a0b7c-3d2f-4a6b-9c8d-7e6f5a4b3c2d",
		"PUBLIC_BASE_URL":       "https://reception.contoso.com/",
		"EVENTGRID_SECRET":      "a-long-random-secret",
		"EXPERTS":               "5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01, 5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c02",
	}
}

// TestAzureConfigIsCheckedAtStartUp: what used to surface only when the
// first call rang (a resource name for the immutable id, so every callback
// was a silent 401; empty or malformed experts; a plain-http base URL) is
// refused at start-up, every problem named.
func TestAzureConfigIsCheckedAtStartUp(t *testing.T) {
	cfg, err := loadAzureConfig(func(k string) string { return azureEnv()[k] }, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.callbackURL != "https://reception.contoso.com/callbacks" || len(cfg.experts) != 2 || cfg.addr != "127.0.0.1:8080" {
		t.Errorf("config %+v", cfg)
	}
	for name, tc := range map[string]struct {
		set  map[string]string
		want []string
	}{
		"resource name":    {map[string]string{"ACS_RESOURCE_ID": "contoso-acs"}, []string{"ACS_RESOURCE_ID"}},
		"resource ARM id":  {map[string]string{"ACS_RESOURCE_ID": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Communication/communicationServices/contoso-acs"}, []string{"ACS_RESOURCE_ID"}},
		"empty expert":     {map[string]string{"EXPERTS": "5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01,,"}, []string{"EXPERTS entry 2"}},
		"name as expert":   {map[string]string{"EXPERTS": "adele@contoso.com"}, []string{"EXPERTS entry 1"}},
		"no experts":       {map[string]string{"EXPERTS": ""}, []string{"EXPERTS is required"}},
		"plain http":       {map[string]string{"PUBLIC_BASE_URL": "http://reception.contoso.com"}, []string{"PUBLIC_BASE_URL"}},
		"no base":          {map[string]string{"PUBLIC_BASE_URL": ""}, []string{"PUBLIC_BASE_URL"}},
		"base with query":  {map[string]string{"PUBLIC_BASE_URL": "https://reception.contoso.com/?x=1"}, []string{"PUBLIC_BASE_URL"}},
		"no secret":        {map[string]string{"EVENTGRID_SECRET": ""}, []string{"EVENTGRID_SECRET"}},
		"bad conn string":  {map[string]string{"ACS_CONNECTION_STRING": "endpoint=contoso"}, []string{"ACS_CONNECTION_STRING"}},
		"presence tenant":  {map[string]string{"PRESENCE_CLIENT_ID": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"}, []string{"PRESENCE_TENANT_ID"}},
		"presence client":  {map[string]string{"PRESENCE_CLIENT_ID": "reception-app", "PRESENCE_TENANT_ID": "contoso.onmicrosoft.com"}, []string{"PRESENCE_CLIENT_ID"}},
		"several at once":  {map[string]string{"ACS_RESOURCE_ID": "x", "EXPERTS": "y", "PUBLIC_BASE_URL": "ftp://z"}, []string{"ACS_RESOURCE_ID", "EXPERTS entry 1", "PUBLIC_BASE_URL"}},
		"listen, -addr no": {map[string]string{"LISTEN": "127.0.0.1:9999"}, nil},
	} {
		env := azureEnv()
		for k, v := range tc.set {
			env[k] = v
		}
		cfg, err := loadAzureConfig(func(k string) string { return env[k] }, "")
		if tc.want == nil {
			if err != nil || cfg.addr != "127.0.0.1:9999" {
				t.Errorf("%s: %v, addr %q", name, err, cfg.addr)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not name %s", name, err, w)
			}
		}
		if strings.Contains(err.Error(), "a-long-random-secret") || strings.Contains(err.Error(), base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))) {
			t.Errorf("%s: the error shows a secret: %v", name, err)
		}
	}
	cfg, err = loadAzureConfig(func(k string) string { return azureEnv()[k] }, "127.0.0.1:7000")
	if err != nil || cfg.addr != "127.0.0.1:7000" {
		t.Errorf("-addr: %v %q", err, cfg.addr)
	}
}

// recordingCalls is the part of calling.Service the receptionist uses;
// it records whether each call had a deadline, and fails every transfer.
type recordingCalls struct {
	calling.Service
	deadlines map[string]bool
	opCtx     string
}

func (c *recordingCalls) note(op string, ctx context.Context) {
	_, ok := ctx.Deadline()
	c.deadlines[op] = ok
}

func (c *recordingCalls) AnswerCall(ctx context.Context, _, _ string, o *calling.AnswerCallOptions) (calling.AnswerCallResponse, error) {
	c.note("answer", ctx)
	c.opCtx = o.OperationContext
	return calling.AnswerCallResponse{CallConnectionProperties: calling.CallConnectionProperties{CallConnectionID: "call-1"}}, nil
}

func (c *recordingCalls) TransferToParticipant(ctx context.Context, _ string, _ identity.Identifier, _ *calling.TransferToParticipantOptions) (calling.TransferToParticipantResponse, error) {
	c.note("transfer", ctx)
	return calling.TransferToParticipantResponse{}, errors.New("the expert's client is offline")
}

func (c *recordingCalls) TerminateCall(ctx context.Context, _ string, _ *calling.TerminateCallOptions) (calling.TerminateCallResponse, error) {
	c.note("terminate", ctx)
	return calling.TerminateCallResponse{}, nil
}

// TestRemoteCallsHaveDeadlines: every remote call made while a call rings
// or is routed has a deadline, so a hung presence read or answer cannot
// outlast the ringing call.
func TestRemoteCallsHaveDeadlines(t *testing.T) {
	calls := &recordingCalls{deadlines: map[string]bool{}}
	var outcome Outcome
	r := &Receptionist{
		Calls:       calls,
		CallbackURL: "https://reception.contoso.com/callbacks",
		Experts:     []Expert{{Name: "Adele", ID: identity.MicrosoftTeamsUserIdentifier{UserID: "5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01"}}},
		Presence: func(ctx context.Context, experts []Expert) ([]bool, error) {
			calls.note("presence", ctx)
			return []bool{true}, nil
		},
		Log:  func(string, ...any) {},
		Done: func(o Outcome) { outcome = o },
	}
	ctx := context.Background()
	r.incoming(ctx, &calling.IncomingCall{From: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550101"}, IncomingCallContext: "ctx"})
	r.Handle(ctx, &calling.CallConnected{EventInfo: calling.EventInfo{OperationContext: calls.opCtx, CallConnectionID: "call-1"}})
	for _, op := range []string{"presence", "answer", "transfer", "terminate"} {
		ok, called := calls.deadlines[op]
		if !called || !ok {
			t.Errorf("%s: called %v, with a deadline %v", op, called, ok)
		}
	}
	if outcome.Reason != "no expert available" {
		t.Errorf("outcome %+v", outcome)
	}
}

// TestRunAzureSignsInBeforeServing: the presence sign-in runs at start-up,
// before the receptionist listens (it used to start inside the first call's
// event worker, while the call rang), and a failed sign-in stops it.
func TestRunAzureSignsInBeforeServing(t *testing.T) {
	cfg, err := loadAzureConfig(func(k string) string { return azureEnv()[k] }, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	logf := func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
	signedIn := 0
	failing := func(ctx context.Context, c azureConfig, _ func(string, ...any)) (Presence, error) {
		signedIn++
		return nil, errors.New("the operator did not complete the device code sign-in")
	}
	err = runAzure(context.Background(), cfg, failing, logf)
	if err == nil || signedIn != 1 {
		t.Fatalf("runAzure with a failed sign-in: %v (sign-ins %d)", err, signedIn)
	}
	for _, l := range lines {
		if strings.Contains(l, "listening") {
			t.Errorf("listened before signing in: %q", l)
		}
	}
}

// TestCallbackHandlerErrorsAreLogged: a callback refused (here: no token, as
// when ACS_RESOURCE_ID is wrong every token is refused) reaches the log
// instead of being a silent 401.
func TestCallbackHandlerErrorsAreLogged(t *testing.T) {
	cfg, err := loadAzureConfig(func(k string) string { return azureEnv()[k] }, "")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	h, err := newCallbackHandler(cfg, func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(f, a...))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	req := httptest.NewRequest(http.MethodPost, "/callbacks", strings.NewReader(`[{"id":"1","type":"Microsoft.Communication.CallConnected","source":"calling/callConnections/c","specversion":"1.0","data":{}}]`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer not.a.token")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("an unauthenticated callback: %d, want 401", w.Code)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "callback handler: ") {
		t.Errorf("the refusal was not logged: %q", lines)
	}
}
