package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fuzzRoutes are the control API's requests that a fuzzed body or path
// segment reaches ({x} is replaced by the fuzzed segment). Those that reach
// the network (Event Grid handshakes) or wait for deliveries are left out.
var fuzzRoutes = []struct{ method, path string }{
	{http.MethodPost, "/api/token"},
	{http.MethodPost, "/api/tenants"},
	{http.MethodPost, "/api/tenants/{x}/users"},
	{http.MethodPut, "/api/users/{x}/presence"},
	{http.MethodPut, "/api/users/{x}/calling-policy"},
	{http.MethodPut, "/api/parties/{x}/script"},
	{http.MethodPost, "/api/phone-numbers"},
	{http.MethodPost, "/api/faults"},
	{http.MethodGet, "/api/requests?{x}"},
	{http.MethodGet, "/api/state?{x}"},
	{http.MethodGet, "/api/chats/{x}/messages"},
	{http.MethodPost, "/api/chats/{x}/messages"},
	{http.MethodGet, "/api/calls/{x}"},
	{http.MethodPost, "/api/calls/{x}/leave"},
	{http.MethodGet, "/api/clock"},
}

// FuzzControlAPI sends the control API any body and any path segment: it
// never panics and never answers 5xx, and every refusal is the API's JSON
// error with a code and a message.
func FuzzControlAPI(f *testing.F) {
	for i, seed := range []string{
		`{"user":"adele.vance@fabrikam.onmicrosoft.com","appId":"a","version":2}`,
		`{"name":"Contoso","users":["Lee Gu"]}`,
		`{"displayName":"Nestor"}`,
		`{"availability":"Busy","activity":"InACall"}`,
		`{"busyOnBusyEnabledType":"Enabled"}`,
		`{"action":"answer","ringSeconds":1e308,"hangUpAfterSeconds":-1}`,
		`{"number":"+14255550177"}`,
		`{"op":"create","status":429,"retryAfterSeconds":1e300,"ratio":0.5}`,
		`service=graph&failed=true&limit=-1`,
		`messages=99999999999999999999`,
		``, `null`, `[]`, `{"from":"adele.vance@fabrikam.onmicrosoft.com","content":"hi"}`,
		`{"participant":"+1"}`, `{`,
	} {
		f.Add(uint8(i), "+14255550100", seed)
		f.Add(uint8(i), "adele.vance@fabrikam.onmicrosoft.com", seed)
		f.Add(uint8(i), "8:acs:x", seed)
	}
	cfg, err := parseFlags([]string{"-tls=false"})
	if err != nil {
		f.Fatal(err)
	}
	em, err := newEmulator(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(em.close)
	h := em.controlHandler()
	f.Fuzz(func(t *testing.T, route uint8, segment, body string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		var target string
		if strings.HasSuffix(rt.path, "?{x}") {
			target = strings.Replace(rt.path, "{x}", body, 1)
			body = ""
		} else {
			target = strings.Replace(rt.path, "{x}", url.PathEscape(segment), 1)
		}
		req, err := http.NewRequest(rt.method, "http://control.test"+target, strings.NewReader(body))
		if err != nil || strings.ContainsAny(target, " \t\r\n") {
			return // not a request a client could send
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, target, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s: %d with a body that is not the API's error: %s", rt.method, target, rec.Code, rec.Body)
			}
		}
	})
}
