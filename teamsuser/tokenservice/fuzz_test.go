package tokenservice

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

const (
	fuzzTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	fuzzOID    = "0c3cd8e3-e3a3-4781-aecd-91711e3427e0"
	fuzzAPI    = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	fuzzKID    = "fuzz-key"
)

var fuzzFixture struct {
	once   sync.Once
	svc    *Service
	caller string
	exch   *fuzzExchanger
}

// fuzzExchanger stands in for ACS: it counts exchanges for anyone but the
// caller.
type fuzzExchanger struct {
	mu    sync.Mutex
	wrong int
}

func (x *fuzzExchanger) ExchangeTeamsUserToken(_ context.Context, req identity.TeamsUserTokenRequest, _ *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	if req.UserID != fuzzOID {
		x.mu.Lock()
		x.wrong++
		x.mu.Unlock()
	}
	if req.UserID != fuzzOID || req.AppID != fuzzAPI {
		return identity.ExchangeTeamsUserTokenResponse{}, &identity.ArgumentError{Arg: "userId", Problem: "not the caller"}
	}
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{Token: "acs-token-for-the-caller", ExpiresOn: time.Unix(1_800_003_600, 0)}}, nil
}

type fixedClock struct{ identity.Clock }

func (fixedClock) Now() time.Time { return time.Unix(1_800_000_000, 0) }

func fuzzSetup(t testing.TB) {
	fuzzFixture.once.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		now := fixedClock{}.Now()
		caller, err := jwt.SignRS256(map[string]any{
			"iss": "https://login.microsoftonline.com/" + fuzzTenant + "/v2.0", "aud": fuzzAPI,
			"tid": fuzzTenant, "oid": fuzzOID, "scp": "access_as_user", "azp": fuzzAPI, "ver": "2.0",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		}, fuzzKID, key)
		if err != nil {
			panic(err)
		}
		x := &fuzzExchanger{}
		svc, err := New(Config{
			Exchanger: x, AppID: fuzzAPI, Audiences: []string{fuzzAPI}, Tenants: []string{fuzzTenant},
		}, &Options{
			Keys:  StaticKeys{fuzzKID: &key.PublicKey},
			Clock: fixedClock{identity.SystemClock()}, RateLimit: RateLimit{Disabled: true},
			OnBehalfOf: func(context.Context, Caller, string) (azcore.AccessToken, error) {
				return azcore.AccessToken{Token: "obo-teams-token-of-the-caller-x.y.z", ExpiresOn: now.Add(time.Hour)}, nil
			},
			CORS: &CORS{AllowedOrigins: []string{"https://app.contoso.com"}},
		})
		if err != nil {
			panic(err)
		}
		fuzzFixture.svc, fuzzFixture.caller, fuzzFixture.exch = svc, caller, x
	})
}

var allowedStatus = map[int]bool{200: true, 204: true, 400: true, 401: true, 403: true, 405: true, 413: true, 415: true, 502: true}

// FuzzTokenServiceRequest feeds arbitrary Authorization values, forwarded
// Teams-token headers, content types and bodies to the bearer parsing, the
// request decoding and the whole handler. Nothing may panic, every answer
// must be one of the documented ones in the documented JSON shape, no answer
// may echo a token, and every exchange must be for the authenticated
// caller.
func FuzzTokenServiceRequest(f *testing.F) {
	fuzzSetup(f)
	caller := fuzzFixture.caller
	f.Add("Bearer "+caller, "", "application/json", []byte(`{"teamsToken":"eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2ln"}`), "")
	f.Add("Bearer "+caller, "", "", []byte(nil), "")
	f.Add("Bearer "+caller, "a.b.c", "application/json; charset=utf-8", []byte(`{"teamsToken":"a.b.c"}`), "")
	f.Add("Bearer "+caller, "", "application/json", []byte(`{"userId":"someone-else","teamsToken":null}`), "")
	f.Add("Bearer "+caller, "", "application/json", []byte(`{"teamsToken":"x","teamsToken":"y"}`), "")
	f.Add("Bearer "+caller, "", "application/json", []byte(`{"a":{"b":[1,2,{"c":null}]}} trailing`), "https://app.contoso.com")
	f.Add("Bearer "+caller, "", "text/plain", []byte(`teamsToken=x`), "https://evil.example")
	f.Add("bearer  "+caller, "Bearer a.b.c", "application/json", []byte(`{"teamsToken":"Bearer a.b.c"}`), "")
	f.Add("Bearer "+caller[:len(caller)-3]+"AAA", "", "", []byte(nil), "")
	f.Add("Basic dXNlcjpwdw==", "", "", []byte(nil), "")
	f.Add("Bearer eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.", "", "", []byte(nil), "")
	f.Add("", "", "application/json", []byte(`[`), "")
	f.Add("Bearer "+caller, "", "application/json", []byte("{\"teamsToken\":\"\u2028\\ud800\"}"), "")
	f.Fuzz(func(t *testing.T, auth, teamsHeader, contentType string, body []byte, origin string) {
		secret := func(s string) bool { return len(s) >= 24 } // long enough not to be in a fixed phrase
		// The pure parts.
		h := http.Header{}
		if auth != "" {
			h.Set("Authorization", auth)
		}
		if tok, e := bearerToken(h); e != nil {
			if secret(auth) && strings.Contains(e.Message, strings.TrimSpace(auth)) {
				t.Fatalf("bearer error echoes the header")
			}
		} else if tok == "" || strings.ContainsAny(tok, " \t") {
			t.Fatalf("bearerToken returned %q without an error", tok)
		}
		h.Set("Content-Type", contentType)
		if teamsHeader != "" {
			h.Set(TeamsTokenHeader, teamsHeader)
		}
		if tok, e := decodeTokenRequest(h, body); e != nil {
			if secret(teamsHeader) && strings.Contains(e.Message, teamsHeader) {
				t.Fatalf("decode error echoes the header")
			}
			if e.Status < 400 || e.Status >= 500 {
				t.Fatalf("decode error has status %d", e.Status)
			}
		} else if tok != "" && !isB64Token(tok) {
			t.Fatalf("decode accepted a Teams token that is not a b64token")
		}

		// The whole handler.
		req := httptest.NewRequest(http.MethodPost, "/api/token", strings.NewReader(string(body)))
		for k, v := range h {
			req.Header[k] = v
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		fuzzFixture.svc.ServeHTTP(rec, req)
		if !allowedStatus[rec.Code] {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		out := rec.Body.String()
		if rec.Code == http.StatusOK {
			var r Response
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Token == "" || r.User.MicrosoftTeamsUser == nil || r.User.MicrosoftTeamsUser.UserID != fuzzOID {
				t.Fatalf("bad 200 answer: %s", out)
			}
		} else {
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("bad error answer %d: %q", rec.Code, out)
			}
		}
		for _, s := range []string{strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(auth), "Bearer")), teamsHeader} {
			if secret(s) && strings.Contains(out, s) {
				t.Fatalf("answer echoes a token")
			}
		}
		fuzzFixture.exch.mu.Lock()
		wrong := fuzzFixture.exch.wrong
		fuzzFixture.exch.mu.Unlock()
		if wrong != 0 {
			t.Fatalf("an exchange was made for another user than the caller")
		}
	})
}
