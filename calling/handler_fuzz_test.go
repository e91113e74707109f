package calling_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
)

// FuzzCallbackHandler sends any body, by any of the three ways in (a valid
// callback token, the Event Grid secret, nothing), through a handler,
// synchronous or with workers, and checks that it never fails inside (no
// 500: ServeHTTP's own recover would answer 500), answers only with the
// statuses it documents, dispatches only what it accepted, lets nothing in
// without credentials, routes nothing that came by Event Grid by call, and
// runs no event id twice.
func FuzzCallbackHandler(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			for way := range uint8(6) {
				f.Add(b, way, "")
			}
		}
	}
	f.Add([]byte(`[{"type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":"cc"}}]`), uint8(1), "x")
	f.Add([]byte(`[{"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"c"}},{"type":"X"}]`), uint8(1), "")
	f.Add([]byte(`[{"type":"X","data_base64":"AAEC"}]`), uint8(0), "")
	f.Add([]byte(`{"type":"Microsoft.Communication.IncomingCall","data":{"to":{"rawId":"8:acs:x"}}}`), uint8(1), "")
	f.Add([]byte(`[{"id":"1","type":"X"},{"id":"1","type":"X"},{"id":"2","type":"Microsoft.Communication.AddParticipantSucceeded","data":{"participant":{"communicationUser":{"id":"a"},"phoneNumber":{"value":"+1"}}}}]`), uint8(3), "")
	f.Add([]byte(`[{"id":"1","type":"microsoft.communication.calldisconnected","data":{"callConnectionId":"victim"}}]`), uint8(4), "")
	f.Add([]byte(`[{"id":"1","eventType":"Microsoft.Communication.IncomingCall","data":{"callConnectionId":"victim","operationContext":"op"}}]`), uint8(4), "")

	iss := newIssuer(f)
	tok, err := iss.Token(callbacktest.WithLifetime(24 * time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, way uint8, secretSuffix string) {
		opts := iss.HandlerOptions()
		opts.Synchronous = way/3%2 == 0
		opts.EventGridSecret = "s3cret"
		opts.MaxBodySize = 64 << 10
		h, err := calling.NewCallbackHandler(iss.Audience(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		var mu sync.Mutex
		dispatched := 0
		ids := map[string]bool{}
		h.OnEvent(func(_ context.Context, ev calling.Event) {
			if ev == nil || ev.Info() == nil {
				t.Error("nil event dispatched")
				return
			}
			mu.Lock()
			defer mu.Unlock()
			dispatched++
			info := ev.Info()
			if way%3 == 1 && (info.CallConnectionID != "" || info.OperationContext != "") {
				t.Errorf("an Event Grid delivery routes by call or operation: %q %q", info.CallConnectionID, info.OperationContext)
			}
			if k := info.Source + "\x00" + info.Topic + "\x00" + info.ID; info.ID != "" {
				if ids[k] {
					t.Errorf("event id %q ran twice", info.ID)
				}
				ids[k] = true
			}
		})
		target := "/cb"
		authed := false
		r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		switch way % 3 {
		case 0:
			r.Header.Set("Authorization", "Bearer "+tok)
			authed = true
		case 1:
			r.URL.RawQuery = url.Values{"secret": {"s3cret" + secretSuffix}}.Encode()
			authed = secretSuffix == ""
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if err := h.Shutdown(context.Background()); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		switch w.Code {
		case http.StatusOK:
			if !authed {
				t.Fatal("accepted without credentials")
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if !authed {
				t.Fatal("read the body of a request without credentials")
			}
			if dispatched != 0 {
				t.Fatal("dispatched events of a refused delivery")
			}
		case http.StatusUnauthorized:
			if dispatched != 0 {
				t.Fatal("dispatched events of an unauthenticated delivery")
			}
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		if bytes.Contains(w.Body.Bytes(), []byte(tok[len(tok)-20:])) {
			t.Fatal("the token is echoed")
		}
	})
}
