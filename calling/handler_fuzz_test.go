package calling_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
)

// FuzzCallbackHandler sends any body, by any of the three ways in (a valid
// callback token, the Event Grid secret, nothing), through a handler and
// checks that it never fails inside (no 500: ServeHTTP's own recover would
// answer 500), answers only with the statuses it documents, dispatches
// only what it accepted, and lets nothing in without credentials.
func FuzzCallbackHandler(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			for way := range uint8(3) {
				f.Add(b, way, "")
			}
		}
	}
	f.Add([]byte(`[{"type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":"cc"}}]`), uint8(1), "x")
	f.Add([]byte(`[{"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"c"}},{"type":"X"}]`), uint8(1), "")
	f.Add([]byte(`[{"type":"X","data_base64":"AAEC"}]`), uint8(0), "")
	f.Add([]byte(`{"type":"Microsoft.Communication.IncomingCall","data":{"to":{"rawId":"8:acs:x"}}}`), uint8(1), "")

	iss := newIssuer(f)
	tok, err := iss.Token(callbacktest.WithLifetime(24 * time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, way uint8, secretSuffix string) {
		opts := iss.HandlerOptions()
		opts.Synchronous = true
		opts.EventGridSecret = "s3cret"
		opts.MaxBodySize = 64 << 10
		h, err := calling.NewCallbackHandler(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		dispatched := 0
		h.OnEvent(func(_ context.Context, ev calling.Event) {
			if ev == nil || ev.Info() == nil {
				t.Fatal("nil event dispatched")
			}
			dispatched++
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
