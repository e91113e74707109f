package main

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// get fetches a URL with the emulator's client and decodes JSON into v.
func (s started) get(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := s.client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
}

// TestReadyLine: the ready line names everything a harness needs, and
// what it names answers: the callbacks' OpenID configuration and keys,
// each tenant's OpenID configuration, the token endpoint, the dashboard.
func TestReadyLine(t *testing.T) {
	s := startEmulator(t)
	r := s.Ready
	if r.Control == "" || r.Dashboard != r.Control+"/" || r.TokenEndpoint != r.Control+"/api/token" || r.CACert == "" ||
		r.ACSResourceID == "" || !strings.Contains(r.ACSConnectionString, "accesskey=") {
		t.Fatalf("ready: %+v", r)
	}
	if !slices.Equal(r.PhoneNumbers, []string{"+14255550100"}) {
		t.Errorf("phone numbers %v", r.PhoneNumbers)
	}
	if r.Callbacks.Issuer != calling.CallbackIssuer || r.Callbacks.Audience != r.ACSResourceID {
		t.Errorf("callbacks %+v", r.Callbacks)
	}
	var oidc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	s.get(t, r.Callbacks.OpenIDConfiguration, &oidc)
	if oidc.Issuer != r.Callbacks.Issuer || oidc.JWKSURI != r.Callbacks.JWKS {
		t.Errorf("the callbacks' OpenID configuration %+v, want issuer %s and keys %s", oidc, r.Callbacks.Issuer, r.Callbacks.JWKS)
	}
	var keys struct{ Keys []json.RawMessage }
	s.get(t, r.Callbacks.JWKS, &keys)
	if len(keys.Keys) == 0 {
		t.Error("no callback keys")
	}
	for _, tn := range r.Tenants {
		s.get(t, tn.OpenIDConfiguration, &oidc)
		for _, u := range tn.Users {
			if u.ObjectID == "" || !strings.HasSuffix(u.UPN, "@"+tn.Domain) || u.TeamsUserID != "8:orgid:"+u.ObjectID {
				t.Errorf("user %+v", u)
			}
		}
	}
	resp, err := s.client.Get(r.Dashboard)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("dashboard: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestTokenEndpoint mints v1 and v2 tokens, expired and not-yet-valid ones,
// for the Teams audience, for a resource asked for as an SDK asks, and with
// chosen scopes; it refuses what it cannot mint.
func TestTokenEndpoint(t *testing.T) {
	s := startEmulator(t)
	adele := s.Tenants[0].Users[0]
	read := func(body string) identity.EntraTokenClaims {
		t.Helper()
		c, err := identity.ReadEntraToken(mintToken(t, s, body))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	now := time.Now()
	c := read(`{"user":"` + adele.UPN + `","appId":"` + appID + `"}`)
	if c.Version != "1.0" || c.AppID != appID || c.ObjectID != adele.ObjectID || !identity.IsTeamsAudience(c.Audience) ||
		!c.HasScope(identity.TeamsManageCalls) || c.ExpiresOn.Sub(now) < 59*time.Minute {
		t.Errorf("v1 Teams token: %+v", c)
	}
	if c := read(`{"user":"` + adele.ObjectID + `","appId":"` + appID + `","version":2}`); c.Version != "2.0" || c.AppID != appID || c.PreferredUsername != adele.UPN {
		t.Errorf("v2 token: %+v", c)
	}
	if c := read(`{"user":"` + adele.UPN + `","appId":"` + appID + `","expired":true}`); !c.ExpiresOn.Before(now) {
		t.Errorf("expired token expires %v", c.ExpiresOn)
	}
	if c := read(`{"user":"` + adele.UPN + `","appId":"` + appID + `","notYetValid":true}`); !c.NotBefore.After(now) {
		t.Errorf("not-yet-valid token valid from %v", c.NotBefore)
	}
	if c := read(`{"user":"` + adele.UPN + `","appId":"` + appID + `","scopes":["https://graph.microsoft.com/Chat.ReadWrite","https://graph.microsoft.com/Presence.Read.All"]}`); c.Audience != "https://graph.microsoft.com" ||
		!c.HasScope("Chat.ReadWrite") || !c.HasScope("Presence.Read.All") {
		t.Errorf("Graph token: %+v", c)
	}
	if c := read(`{"user":"` + adele.UPN + `","appId":"` + appID + `","audience":"api://contoso","scopes":["Widgets.Read"],"lifetimeSeconds":600}`); c.Audience != "api://contoso" ||
		!slices.Equal(c.Scopes, []string{"Widgets.Read"}) || c.ExpiresOn.Sub(c.IssuedAt) != 10*time.Minute {
		t.Errorf("custom token: %+v", c)
	}
	for _, bad := range []string{
		`{"user":"` + adele.UPN + `"}`,
		`{"user":"` + adele.UPN + `","appId":"a","version":3}`,
		`{"user":"` + adele.UPN + `","appId":"a","expired":true,"notYetValid":true}`,
		`{"user":"` + adele.UPN + `","appId":"a","lifetimeSeconds":-1}`,
		`{"user":"` + adele.UPN + `","appId":"a","scopes":["https://graph.microsoft.com/a","https://communication.azure.com/b"]}`,
		`{"user":"` + adele.UPN + `","appId":"a","scope":"typo"}`,
		`not json`,
	} {
		if st, body := s.control(t, http.MethodPost, "/api/token", bad); st != http.StatusBadRequest || !strings.Contains(string(body), `"error"`) {
			t.Errorf("%s: %d %s, want 400 with an error", bad, st, body)
		}
	}
}

// eventGrid is an Event Grid webhook: it answers the validation handshake
// and keeps the IncomingCall events.
type eventGrid struct {
	*httptest.Server
	mu          sync.Mutex
	validations int
	calls       chan *calling.IncomingCall
}

func newEventGrid(t *testing.T) *eventGrid {
	g := &eventGrid{calls: make(chan *calling.IncomingCall, 10)}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("aeg-event-type") == "SubscriptionValidation" {
			var evs []struct {
				Data struct {
					ValidationCode string `json:"validationCode"`
				} `json:"data"`
			}
			_ = json.Unmarshal(b, &evs)
			g.mu.Lock()
			g.validations++
			g.mu.Unlock()
			_ = json.NewEncoder(w).Encode(map[string]string{"validationResponse": evs[0].Data.ValidationCode})
			return
		}
		evs, err := calling.ParseEventGridEvents(b)
		if err != nil || len(evs) != 1 {
			http.Error(w, "bad events", http.StatusBadRequest)
			return
		}
		if ic, ok := evs[0].(*calling.IncomingCall); ok {
			g.calls <- ic
		}
	}))
	t.Cleanup(g.Close)
	return g
}

// TestIncomingCalls: an incoming call goes to the Event Grid URL of the
// request, or the emulator's (flag or PUT /api/event-grid), after one
// validation handshake per URL; the real calling client answers it; a
// receiver that fails the handshake gets no call.
func TestIncomingCalls(t *testing.T) {
	flagGrid := newEventGrid(t)
	s := startEmulator(t, "-event-grid-url", flagGrid.URL+"/grid")
	if s.EventGridURL != flagGrid.URL+"/grid" {
		t.Fatalf("ready eventGridUrl %q", s.EventGridURL)
	}
	ctx := testCtx(t)
	cc, err := calling.NewClientFromConnectionString(s.ACSConnectionString, &calling.ClientOptions{ClientOptions: s.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	var in incomingView
	s.controlJSON(t, http.MethodPost, "/api/incoming-calls", `{"from":"+14255550199","to":"+14255550100","callerDisplayName":"Caller","sipHeaders":{"X-MS-Custom-Ticket":"7"}}`, http.StatusCreated, &in)
	ic := <-flagGrid.calls
	if ic.IncomingCallContext != in.IncomingCallContext || ic.CallerDisplayName != "Caller" || ic.CustomContext.SIPHeaders["X-MS-Custom-Ticket"] != "7" {
		t.Fatalf("incoming call %+v, control said %+v", ic, in)
	}
	ans, err := cc.AnswerCall(ctx, ic.IncomingCallContext, "http://127.0.0.1:1/cb", nil)
	if err != nil {
		t.Fatal(err)
	}

	other := newEventGrid(t)
	s.controlJSON(t, http.MethodPost, "/api/incoming-calls", `{"from":"`+s.Tenants[0].Users[0].UPN+`","to":"+14255550100","eventGridUrl":"`+other.URL+`/x"}`, http.StatusCreated, &in)
	if ic := <-other.calls; ic.From.RawID() != s.Tenants[0].Users[0].TeamsUserID {
		t.Errorf("from %s", ic.From.RawID())
	}
	s.controlJSON(t, http.MethodPost, "/api/incoming-calls", `{"from":"+14255550198","to":"+14255550100","eventGridUrl":"`+other.URL+`/x"}`, http.StatusCreated, &in)
	ic2 := <-other.calls
	if err := func() error { _, err := cc.RejectCall(ctx, ic2.IncomingCallContext, nil); return err }(); err != nil {
		t.Fatal(err)
	}

	var got struct{ IncomingCalls []incomingView }
	s.controlJSON(t, http.MethodGet, "/api/incoming-calls", "", http.StatusOK, &got)
	if len(got.IncomingCalls) != 3 || got.IncomingCalls[0].State != "answered" || got.IncomingCalls[0].CallConnectionID != ans.CallConnectionID ||
		got.IncomingCalls[2].State != "rejected" || !got.IncomingCalls[1].Delivered {
		t.Errorf("incoming calls %+v", got.IncomingCalls)
	}
	for _, g := range []*eventGrid{flagGrid, other} {
		g.mu.Lock()
		if g.validations != 1 {
			t.Errorf("%d validation handshakes with %s, want 1", g.validations, g.URL)
		}
		g.mu.Unlock()
	}

	// PUT /api/event-grid validates first; a receiver that does not echo
	// the code is refused, and then so are calls to it.
	mute := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer mute.Close()
	if st, body := s.control(t, http.MethodPut, "/api/event-grid", `{"url":"`+mute.URL+`"}`); st != http.StatusBadGateway {
		t.Errorf("a receiver that fails the handshake: %d %s", st, body)
	}
	if st, _ := s.control(t, http.MethodPost, "/api/incoming-calls", `{"from":"+14255550199","to":"+14255550100","eventGridUrl":"`+mute.URL+`"}`); st != http.StatusBadGateway {
		t.Errorf("a call to a receiver that fails the handshake: %d", st)
	}
	s.controlJSON(t, http.MethodPut, "/api/event-grid", `{"url":"`+other.URL+`/y"}`, http.StatusNoContent, nil)
	s.controlJSON(t, http.MethodPost, "/api/incoming-calls", `{"from":"+14255550197","to":"+14255550100"}`, http.StatusCreated, &in)
	<-other.calls
	if st, _ := s.control(t, http.MethodPost, "/api/incoming-calls", `{"from":"nobody","to":"+14255550100"}`); st != http.StatusBadRequest {
		t.Errorf("an unknown caller: %d", st)
	}

	// Without any Event Grid URL there is nowhere to announce a call.
	bare := startEmulator(t)
	if st, body := bare.control(t, http.MethodPost, "/api/incoming-calls", `{"from":"+14255550199","to":"+14255550100"}`); st != http.StatusConflict {
		t.Errorf("no Event Grid URL: %d %s", st, body)
	}
}

// callEvents returns the types of a call's events once deliveries settled.
func (s started) callEvents(t *testing.T, id string) (callView, []string) {
	t.Helper()
	s.controlJSON(t, http.MethodPost, "/api/settle", "", http.StatusNoContent, nil)
	var c callView
	s.controlJSON(t, http.MethodGet, "/api/calls/"+id, "", http.StatusOK, &c)
	var types []string
	for _, e := range c.Events {
		types = append(types, e.Type)
	}
	return c, types
}

// TestScriptsPresenceAndClock: callees act as scripted, presence decides
// whether a Teams user's client rings (and the calling policy whether Busy
// refuses), and the clock moves rings and ring timeouts without waiting.
func TestScriptsPresenceAndClock(t *testing.T) {
	s := startEmulator(t)
	ctx := testCtx(t)
	cc, err := calling.NewClientFromConnectionString(s.ACSConnectionString, &calling.ClientOptions{ClientOptions: s.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	own := identity.PhoneNumberIdentifier{PhoneNumber: s.PhoneNumbers[0]}
	call := func(target identity.Identifier) string {
		t.Helper()
		r, err := cc.CreateCall(ctx, []identity.Identifier{target}, "http://127.0.0.1:1/cb", &calling.CreateCallOptions{SourceCallerID: &own})
		if err != nil {
			t.Fatal(err)
		}
		return r.CallConnectionID
	}
	result := func(id string) (string, int) {
		t.Helper()
		c, types := s.callEvents(t, id)
		if len(types) == 0 {
			return "", 0
		}
		e := c.Events[0]
		code := 0
		if e.Result != nil {
			code = e.Result.Code
		}
		return e.Type, code
	}
	megan := s.Tenants[0].Users[2]
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: megan.ObjectID}
	for _, tc := range []struct {
		presence, policy string
		typ              string
		code             int
	}{
		{`{"availability":"Available"}`, "Disabled", "CallConnected", 0},
		{`{"availability":"Away","activity":"Away"}`, "Disabled", "CallConnected", 0},
		{`{"availability":"DoNotDisturb","activity":"Presenting"}`, "Disabled", "CreateCallFailed", 480},
		{`{"availability":"Offline"}`, "Disabled", "CreateCallFailed", 480},
		{`{"availability":"Busy","activity":"InACall"}`, "Disabled", "CallConnected", 0},
		{`{"availability":"Busy","activity":"InACall"}`, "Enabled", "CreateCallFailed", 486},
		{`{"availability":"Busy","activity":"InAMeeting"}`, "Enabled", "CallConnected", 0},
	} {
		s.controlJSON(t, http.MethodPut, "/api/users/"+megan.UPN+"/presence", tc.presence, http.StatusNoContent, nil)
		s.controlJSON(t, http.MethodPut, "/api/users/"+megan.ObjectID+"/calling-policy", `{"busyOnBusyEnabledType":"`+tc.policy+`"}`, http.StatusNoContent, nil)
		if typ, code := result(call(teams)); typ != tc.typ || code != tc.code {
			t.Errorf("%s, busy-on-busy %s: %s %d, want %s %d", tc.presence, tc.policy, typ, code, tc.typ, tc.code)
		}
	}
	var st stateView
	s.controlJSON(t, http.MethodGet, "/api/state", "", http.StatusOK, &st)
	if u := st.Tenants[0].Users[2]; u.Reachable != "rings" || !u.BusyOnBusy || u.Presence.Activity != "InAMeeting" {
		t.Errorf("state of Megan %+v", u)
	}

	// Scripts, of a Teams user (who then rings as their presence allows)
	// and of phones.
	s.controlJSON(t, http.MethodPut, "/api/users/"+megan.UPN+"/presence", `{"availability":"Available"}`, http.StatusNoContent, nil)
	for _, tc := range []struct {
		party, script string
		typ           string
		code          int
	}{
		{megan.UPN, `{"action":"decline"}`, "CreateCallFailed", 603},
		{"+14255550111", `{"action":"busy"}`, "CreateCallFailed", 486},
		{"+14255550112", `{"action":"answer"}`, "CallConnected", 0},
	} {
		s.controlJSON(t, http.MethodPut, "/api/parties/"+tc.party+"/script", tc.script, http.StatusOK, nil)
		id, _ := s.party(t, tc.party)
		if typ, code := result(call(id)); typ != tc.typ || code != tc.code {
			t.Errorf("%s scripted %s: %s %d, want %s %d", tc.party, tc.script, typ, code, tc.typ, tc.code)
		}
	}

	// The clock: a phone that answers after 20 s, one that never answers;
	// nothing happens until the test moves the clock.
	s.controlJSON(t, http.MethodPut, "/api/parties/+14255550113/script", `{"action":"answer","ringSeconds":20,"hangUpAfterSeconds":60}`, http.StatusOK, nil)
	s.controlJSON(t, http.MethodPut, "/api/parties/+14255550114/script", `{"action":"noAnswer"}`, http.StatusOK, nil)
	slow, silent := call(identity.PhoneNumberIdentifier{PhoneNumber: "+14255550113"}), call(identity.PhoneNumberIdentifier{PhoneNumber: "+14255550114"})
	if typ, _ := result(slow); typ != "" {
		t.Fatalf("the slow phone answered before the clock moved: %s", typ)
	}
	var clk clockView
	s.controlJSON(t, http.MethodPost, "/api/clock", `{"advanceSeconds":20}`, http.StatusOK, &clk)
	if clk.OffsetSeconds != 20 || clk.Fired < 1 {
		t.Errorf("clock after 20 s: %+v", clk)
	}
	if typ, _ := result(slow); typ != "CallConnected" {
		t.Errorf("the slow phone after 20 s: %q, want CallConnected", typ)
	}
	if typ, _ := result(silent); typ != "" {
		t.Errorf("the silent phone before its ring timeout: %q", typ)
	}
	s.controlJSON(t, http.MethodPost, "/api/clock", `{"advanceSeconds":100}`, http.StatusOK, &clk)
	if typ, code := result(silent); typ != "CreateCallFailed" || code != 487 {
		t.Errorf("the silent phone after its two-minute ring timeout: %s %d, want CreateCallFailed 487", typ, code)
	}
	if c, types := s.callEvents(t, slow); !c.Ended || types[len(types)-1] != "CallDisconnected" {
		t.Errorf("the slow phone did not hang up after 60 s (100 s passed): %v", types)
	}
	for _, bad := range []string{`{"action":"sing"}`, `{"ringSeconds":-1}`} {
		if st, _ := s.control(t, http.MethodPut, "/api/parties/+14255550115/script", bad); st != http.StatusBadRequest {
			t.Errorf("script %s: %d", bad, st)
		}
	}
	if st, _ := s.control(t, http.MethodPut, "/api/parties/nobody/script", `{}`); st != http.StatusNotFound {
		t.Errorf("script of nobody: %d", st)
	}
	if st, _ := s.control(t, http.MethodPost, "/api/clock", `{"advanceSeconds":-5}`); st != http.StatusBadRequest {
		t.Errorf("a clock moved back: %d", st)
	}
	s.controlJSON(t, http.MethodGet, "/api/state", "", http.StatusOK, &st)
	if i := slices.IndexFunc(st.Parties, func(p scriptView) bool { return p.ID == "4:+14255550113" }); i < 0 || st.Parties[i].Script != "answer after 20s, hang up after 1m0s" {
		t.Errorf("scripted parties %+v", st.Parties)
	}
}

// party resolves a party as the control API does.
func (s started) party(t *testing.T, ref string) (identity.Identifier, string) {
	t.Helper()
	if strings.HasPrefix(ref, "+") {
		return identity.PhoneNumberIdentifier{PhoneNumber: ref}, ref
	}
	for _, u := range s.Tenants[0].Users {
		if u.UPN == ref || u.ObjectID == ref {
			return identity.MicrosoftTeamsUserIdentifier{UserID: u.ObjectID}, u.DisplayName
		}
	}
	t.Fatalf("no party %s", ref)
	return nil, ""
}

// TestFaultsAndRequests: a fault injected through the control API reaches
// the real client as the service's error (429 with Retry-After), a dropped
// connection, or a delay; the merged request log shows it.
func TestFaultsAndRequests(t *testing.T) {
	s := startEmulator(t)
	ctx := testCtx(t)
	noRetry := s.azOptions()
	noRetry.Retry = policy.RetryOptions{MaxRetries: -1}
	ic, err := identity.NewClientFromConnectionString(s.ACSConnectionString, &identity.ClientOptions{ClientOptions: noRetry})
	if err != nil {
		t.Fatal(err)
	}
	s.controlJSON(t, http.MethodPost, "/api/faults", `{"op":"create","status":429,"retryAfterSeconds":7}`, http.StatusCreated, nil)
	_, err = ic.CreateUser(ctx, nil)
	if !identity.IsThrottled(err) || identity.RetryAfter(err) != 7*time.Second {
		t.Fatalf("a throttled create: %v (Retry-After %v)", err, identity.RetryAfter(err))
	}
	if _, err := ic.CreateUser(ctx, nil); err != nil {
		t.Fatalf("the fault applied twice: %v", err)
	}
	s.controlJSON(t, http.MethodPost, "/api/faults", `{"service":"calling","op":"createCall","drop":true}`, http.StatusCreated, nil)
	cc, err := calling.NewClientFromConnectionString(s.ACSConnectionString, &calling.ClientOptions{ClientOptions: noRetry})
	if err != nil {
		t.Fatal(err)
	}
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: s.Tenants[0].Users[1].ObjectID}
	var re *azcore.ResponseError
	if _, err := cc.CreateCall(ctx, []identity.Identifier{teams}, "http://127.0.0.1:1/cb", nil); err == nil || errors.As(err, &re) {
		t.Fatalf("a dropped connection: %v, want a transport error", err)
	}
	s.controlJSON(t, http.MethodPost, "/api/faults", `{"service":"graph","op":"listChats","status":503,"times":2}`, http.StatusCreated, nil)

	var faults faultsView
	s.controlJSON(t, http.MethodGet, "/api/faults", "", http.StatusOK, &faults)
	if faults.Applied["identity"] != 1 || faults.Applied["calling"] != 1 || faults.Applied["graph"] != 0 || !slices.Contains(faults.Ops["graph"], "sendMessage") {
		t.Errorf("faults %+v", faults)
	}
	var log struct{ Requests []requestView }
	s.controlJSON(t, http.MethodGet, "/api/requests?failed=true", "", http.StatusOK, &log)
	if len(log.Requests) != 2 || log.Requests[0].Service != "identity" || log.Requests[0].Status != 429 || !log.Requests[0].Injected ||
		log.Requests[1].Op != "createCall" || log.Requests[1].Status != 0 {
		t.Errorf("failed requests %+v", log.Requests)
	}
	s.controlJSON(t, http.MethodGet, "/api/requests?service=identity&op=create", "", http.StatusOK, &log)
	if len(log.Requests) != 2 || log.Requests[1].Failed || log.Requests[1].Status != http.StatusCreated {
		t.Errorf("identity creates %+v", log.Requests)
	}
	s.controlJSON(t, http.MethodDelete, "/api/faults", "", http.StatusNoContent, nil)
	s.controlJSON(t, http.MethodDelete, "/api/requests", "", http.StatusNoContent, nil)
	s.controlJSON(t, http.MethodGet, "/api/requests", "", http.StatusOK, &log)
	if len(log.Requests) != 0 {
		t.Errorf("requests after DELETE: %d", len(log.Requests))
	}
	for _, bad := range []string{
		`{"service":"mail"}`, `{"op":"fly"}`, `{"service":"graph","op":"createCall"}`, `{"op":"create","status":200}`,
		`{"op":"create","ratio":2}`, `{"op":"create","delaySeconds":3600}`,
	} {
		if st, _ := s.control(t, http.MethodPost, "/api/faults", bad); st != http.StatusBadRequest {
			t.Errorf("fault %s: %d, want 400", bad, st)
		}
	}
	for _, bad := range []string{"?limit=x", "?service=mail"} {
		if st, _ := s.control(t, http.MethodGet, "/api/requests"+bad, ""); st != http.StatusBadRequest {
			t.Errorf("requests%s: %d", bad, st)
		}
	}
}

// TestSeedingAndChats: tenants, users and phone numbers added at run time
// work like seeded ones; a message a user posts through the control API
// is what Graph serves; chats, messages and calls are inspectable.
func TestSeedingAndChats(t *testing.T) {
	s := startEmulator(t)
	ctx := testCtx(t)
	var tn tenantView
	s.controlJSON(t, http.MethodPost, "/api/tenants", `{"name":"Contoso","users":["Lee Gu"]}`, http.StatusCreated, &tn)
	if tn.Domain != "contoso.onmicrosoft.com" || len(tn.Users) != 1 || tn.Users[0].Presence.Availability != "Available" {
		t.Fatalf("tenant %+v", tn)
	}
	var u userView
	s.controlJSON(t, http.MethodPost, "/api/tenants/contoso.onmicrosoft.com/users", `{"displayName":"Nestor Wilke"}`, http.StatusCreated, &u)
	if u.TenantID != tn.ID || u.UPN != "nestor.wilke@contoso.onmicrosoft.com" {
		t.Fatalf("user %+v", u)
	}
	var nums struct{ PhoneNumbers []string }
	s.controlJSON(t, http.MethodPost, "/api/phone-numbers", `{"number":"+14255550177"}`, http.StatusCreated, &nums)
	if !slices.Equal(nums.PhoneNumbers, []string{"+14255550100", "+14255550177"}) {
		t.Errorf("numbers %v", nums.PhoneNumbers)
	}

	// The new user signs in and chats with the other; the new number calls
	// out.
	lee := tn.Users[0]
	gc, err := chat.NewClient(bearerToken(mintToken(t, s, `{"user":"`+lee.UPN+`","appId":"`+appID+`","scopes":["https://graph.microsoft.com/.default"]}`)),
		&chat.ClientOptions{BaseURL: s.Graph, ClientOptions: s.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := gc.CreateOneOnOneChat(ctx, u.ObjectID, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := cr.Chat
	if _, err := gc.SendMessage(ctx, c.ID, chat.NewMessage{Body: chat.Body{Content: "hello Nestor"}}, nil); err != nil {
		t.Fatal(err)
	}
	var posted messageView
	s.controlJSON(t, http.MethodPost, "/api/chats/"+c.ID+"/messages", `{"from":"`+u.UPN+`","content":"hi Lee"}`, http.StatusCreated, &posted)
	var msgs struct{ Messages []messageView }
	s.controlJSON(t, http.MethodGet, "/api/chats/"+c.ID+"/messages", "", http.StatusOK, &msgs)
	if len(msgs.Messages) != 2 || msgs.Messages[0].Content != "hello Nestor" || msgs.Messages[1].From.Name != "Nestor Wilke" {
		t.Errorf("messages %+v", msgs.Messages)
	}
	var read []string
	for m, err := range gc.ListMessages(ctx, c.ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		read = append(read, m.Body.Content)
	}
	if !slices.Equal(read, []string{"hi Lee", "hello Nestor"}) {
		t.Errorf("Graph serves %v", read)
	}
	var chats struct{ Chats []chatView }
	s.controlJSON(t, http.MethodGet, "/api/chats", "", http.StatusOK, &chats)
	if len(chats.Chats) != 1 || chats.Chats[0].MessageCount != 2 || len(chats.Chats[0].Members) != 2 {
		t.Errorf("chats %+v", chats.Chats)
	}

	cc, err := calling.NewClientFromConnectionString(s.ACSConnectionString, &calling.ClientOptions{ClientOptions: s.azOptions()})
	if err != nil {
		t.Fatal(err)
	}
	from := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550177"}
	r, err := cc.CreateCall(ctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: lee.ObjectID}}, "http://127.0.0.1:1/cb",
		&calling.CreateCallOptions{SourceCallerID: &from})
	if err != nil {
		t.Fatal(err)
	}
	call, types := s.callEvents(t, r.CallConnectionID)
	if call.State != "connected" || call.SourceCallerID != "+14255550177" || len(call.Participants) != 2 ||
		call.Participants[1].Name != "Lee Gu" || !slices.Contains(types, "CallConnected") {
		t.Errorf("call %+v, events %v", call, types)
	}
	s.controlJSON(t, http.MethodPost, "/api/calls/"+r.CallConnectionID+"/leave", `{"participant":"`+lee.UPN+`"}`, http.StatusNoContent, nil)
	if call, _ := s.callEvents(t, r.CallConnectionID); !call.Ended {
		t.Errorf("the call went on after its only callee left: %+v", call)
	}

	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/tenants", `{"name":" "}`},
		{http.MethodPost, "/api/phone-numbers", `{"number":"555-0100"}`},
		{http.MethodPost, "/api/tenants/contoso/users", `{"displayName":""}`},
		{http.MethodPost, "/api/chats/19:nope/messages", `{"from":"` + u.UPN + `","content":"x"}`},
	} {
		if st, _ := s.control(t, tc.method, tc.path, tc.body); st != http.StatusBadRequest {
			t.Errorf("%s %s %s: %d, want 400", tc.method, tc.path, tc.body, st)
		}
	}
	for _, path := range []string{"/api/calls/nope", "/api/chats/nope/messages", "/api/nothing"} {
		if st, _ := s.control(t, http.MethodGet, path, ""); st != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, st)
		}
	}
	if st, _ := s.control(t, http.MethodPut, "/api/users/nobody/presence", `{"availability":"Available"}`); st != http.StatusNotFound {
		t.Errorf("presence of nobody: %d", st)
	}
}

// TestOpsAreTheFakes: the operations the control API knows for each
// service are exactly the Op constants of its fake, so that a fault can
// name any operation the fake has, and none it has not.
func TestOpsAreTheFakes(t *testing.T) {
	for svc, dir := range map[string]string{svcIdentity: "../../identity/fake", svcCalling: "../../calling/fake", svcGraph: "../../chat/fake"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(gotoken.NewFileSet(), filepath.Join(dir, e.Name()), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != gotoken.CONST {
					continue
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if strings.HasPrefix(n.Name, "Op") && i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
								v, _ := strconv.Unquote(lit.Value)
								want = append(want, v)
							}
						}
					}
				}
			}
		}
		got := slices.Clone(ops[svc])
		slices.Sort(want)
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: the control API knows %v, the fake has %v", svc, got, want)
		}
	}
}
