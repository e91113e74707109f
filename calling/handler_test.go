package calling_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

const testAudience = "6e1c6f4c-0000-4000-8000-acs000000001"

// Keys are slow to generate under -race: make two once.
var testKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var ks [2]*rsa.PrivateKey
	for i := range ks {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		ks[i] = k
	}
	return ks
})

func newIssuer(t testing.TB) *callbacktest.Issuer {
	t.Helper()
	return callbacktest.NewIssuer(testAudience, &callbacktest.IssuerOptions{Key: testKeys()[0]})
}

// errs collects what OnError reports.
type errs struct {
	mu   sync.Mutex
	list []error
}

func (e *errs) add(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, err)
}

func (e *errs) all() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.list...)
}

// newHandler returns a synchronous handler trusting iss, with its errors
// collected.
func newHandler(t testing.TB, iss *callbacktest.Issuer, edit func(*calling.CallbackHandlerOptions)) (*calling.CallbackHandler, *errs) {
	t.Helper()
	opts := iss.HandlerOptions()
	opts.Synchronous = true
	e := &errs{}
	opts.OnError = e.add
	if edit != nil {
		edit(opts)
	}
	h, err := calling.NewCallbackHandler(iss.Audience(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h, e
}

// serve runs one request through h.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func signedPost(t testing.TB, iss *callbacktest.Issuer, url string, body []byte, opts ...callbacktest.TokenOption) *http.Request {
	t.Helper()
	r, err := iss.NewRequest(context.Background(), url, body, opts...)
	require.NoError(t, err)
	return r
}

func mustMarshal(t testing.TB, evs ...calling.Event) []byte {
	t.Helper()
	b, err := calling.MarshalCloudEvents(evs...)
	require.NoError(t, err)
	return b
}

func info(cc, op string) calling.EventInfo {
	return calling.EventInfo{CallConnectionID: cc, OperationContext: op, ServerCallID: "sc-" + cc, CorrelationID: "co-" + cc}
}

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	require.NoError(t, err)
	return b
}

func TestHandlerDispatch(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, nil)
	var got []string
	rec := func(tag string) calling.EventHandlerFunc {
		return func(ctx context.Context, ev calling.Event) {
			require.NotNil(t, ctx)
			got = append(got, tag+":"+strings.TrimPrefix(ev.EventType(), "Microsoft.Communication."))
		}
	}
	removeCall := h.OnCall("cc-1", rec("call"))
	h.OnOperation("add-1", rec("op"))
	h.OnEvent(rec("all"))
	h.OnIncomingCall(func(ctx context.Context, ic *calling.IncomingCall) { got = append(got, "incoming:"+ic.ServerCallID) })
	// Registrations that match nothing, or are refused.
	h.OnCall("", rec("never"))
	h.OnCall("cc-1", nil)
	h.OnOperation("", rec("never"))
	h.OnEvent(nil)
	h.OnIncomingCall(nil)

	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "00000000-0000-0000-0000-00000000000a", Cloud: identity.CloudPublic}
	body := mustMarshal(t,
		&calling.CallConnected{EventInfo: info("cc-1", "create-1")},
		&calling.AddParticipantSucceeded{EventInfo: info("cc-1", "add-1"), Participant: teams},
		&calling.AddParticipantFailed{EventInfo: info("cc-2", "add-1"), Participant: teams},
		&calling.CallDisconnected{EventInfo: info("cc-2", "")},
		&calling.IncomingCall{EventInfo: calling.EventInfo{ServerCallID: "sc-9", Topic: "/t"}, IncomingCallContext: "ctx"},
		&calling.UnknownEvent{EventInfo: info("cc-1", ""), Type: "Microsoft.Communication.PlayCompleted"},
	)
	w := serve(h, signedPost(t, iss, "/callbacks", body))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, []string{
		"call:CallConnected", "all:CallConnected",
		"call:AddParticipantSucceeded", "op:AddParticipantSucceeded", "all:AddParticipantSucceeded",
		"op:AddParticipantFailed", "all:AddParticipantFailed",
		"all:CallDisconnected",
		"incoming:sc-9", "all:IncomingCall",
		"call:PlayCompleted", "all:PlayCompleted",
	}, got)

	// Removing a handler stops it; removing twice is harmless.
	got = nil
	removeCall()
	removeCall()
	w = serve(h, signedPost(t, iss, "/callbacks", mustMarshal(t, &calling.CallDisconnected{EventInfo: info("cc-1", "")})))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, []string{"all:CallDisconnected"}, got)
}

func TestHandlerSpecCallbacks(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, nil)
	var got []calling.Event
	h.OnEvent(func(_ context.Context, ev calling.Event) { got = append(got, ev) })
	for _, name := range []string{"callback_CallConnected_cloudevent.json", "callback_ParticipantsUpdated_cloudevent.json"} {
		w := serve(h, signedPost(t, iss, "/cb", readExample(t, name)))
		require.Equal(t, http.StatusOK, w.Code, name)
	}
	require.Len(t, got, 2)
	assert.Equal(t, "441f1200-fd54-422e-9566-a867d187dca7", got[0].(*calling.CallConnected).CallConnectionID)
	assert.Len(t, got[1].(*calling.ParticipantsUpdated).Participants, 1)
}

func TestHandlerRefusesUnauthenticated(t *testing.T) {
	iss := newIssuer(t)
	forger := callbacktest.NewIssuer(testAudience, &callbacktest.IssuerOptions{Key: testKeys()[1], KeyID: iss.KeyID()})
	body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc-1", "")})
	noneToken := func() string {
		// An unsigned token ("alg":"none") with the right claims.
		tok, err := iss.Token()
		require.NoError(t, err)
		parts := strings.Split(tok, ".")
		return "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
	}()
	cases := map[string]struct {
		auth   func(r *http.Request)
		reason calling.CallbackAuthReason
	}{
		"no header":      {func(r *http.Request) { r.Header.Del("Authorization") }, calling.AuthMissingCredentials},
		"basic":          {func(r *http.Request) { r.Header.Set("Authorization", "Basic dXNlcjpwYXNz") }, calling.AuthMissingCredentials},
		"empty bearer":   {func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") }, calling.AuthMissingCredentials},
		"garbage bearer": {func(r *http.Request) { r.Header.Set("Authorization", "Bearer not.a.jwt") }, calling.AuthMissingCredentials},
		"alg none":       {func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+noneToken) }, calling.AuthMalformedToken},
		"wrong audience": {func(r *http.Request) {
			require.NoError(t, iss.Authorize(r, callbacktest.WithAudience("other-resource")))
		}, calling.AuthWrongAudience},
		"audience array": {func(r *http.Request) {
			require.NoError(t, iss.Authorize(r, callbacktest.WithClaim("aud", []string{"a", "b"})))
		}, calling.AuthWrongAudience},
		"expired":        {func(r *http.Request) { require.NoError(t, iss.Authorize(r, callbacktest.Expired())) }, calling.AuthExpiredToken},
		"not yet valid":  {func(r *http.Request) { require.NoError(t, iss.Authorize(r, callbacktest.NotYetValid())) }, calling.AuthTokenNotYetValid},
		"no exp":         {func(r *http.Request) { require.NoError(t, iss.Authorize(r, callbacktest.WithClaim("exp", 0))) }, calling.AuthExpiredToken},
		"forged":         {func(r *http.Request) { require.NoError(t, forger.Authorize(r)) }, calling.AuthUntrustedToken},
		"forged own kid": {func(r *http.Request) { require.NoError(t, iss.Authorize(r, callbacktest.SignedWith(testKeys()[1]))) }, calling.AuthUntrustedToken},
		"unknown kid":    {func(r *http.Request) { require.NoError(t, iss.Authorize(r, callbacktest.WithKeyID("nope"))) }, calling.AuthUntrustedToken},
		// A token of another issuer is not routed to the callback check:
		// with no Event Grid check configured, nothing accepts it.
		"other issuer": {func(r *http.Request) {
			require.NoError(t, iss.Authorize(r, callbacktest.WithIssuer("https://login.microsoftonline.com/x/v2.0")))
		}, calling.AuthMissingCredentials},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h, e := newHandler(t, iss, nil)
			called := false
			h.OnEvent(func(context.Context, calling.Event) { called = true })
			r := signedPost(t, iss, "/cb", body)
			c.auth(r)
			w := serve(h, r)
			assert.Equal(t, http.StatusUnauthorized, w.Code)
			assert.Contains(t, w.Header().Get("WWW-Authenticate"), "Bearer")
			assert.False(t, called, "an unauthenticated callback reached a handler")
			errList := e.all()
			require.Len(t, errList, 1)
			var ae *calling.CallbackAuthError
			require.ErrorAs(t, errList[0], &ae)
			assert.Equal(t, c.reason, ae.Reason, ae.Error())
			// Nothing of the token in the error or the response.
			if tok := r.Header.Get("Authorization"); len(tok) > 20 {
				assert.NotContains(t, ae.Error(), tok[len(tok)-20:])
				assert.NotContains(t, w.Body.String(), tok[len(tok)-20:])
			}
		})
	}
}

func TestHandlerAcceptsSkewAndExtraAudiences(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.ExtraAudiences = []string{"second-resource"} })
	body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc-1", "")})
	for name, opts := range map[string][]callbacktest.TokenOption{
		"plain":           nil,
		"second audience": {callbacktest.WithAudience("second-resource")},
		"audience array":  {callbacktest.WithClaim("aud", []string{"x", testAudience})},
		"a minute early":  {callbacktest.IssuedAt(time.Now().Add(time.Minute))},
		"just expired":    {callbacktest.IssuedAt(time.Now().Add(-callbacktest.TokenLifetime - time.Minute))},
		"lowercase":       nil,
	} {
		r := signedPost(t, iss, "/cb", body, opts...)
		if name == "lowercase" {
			r.Header.Set("Authorization", "bearer "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}
		assert.Equal(t, http.StatusOK, serve(h, r).Code, name)
	}
}

// fetchingHandler returns a synchronous handler that discovers iss's keys
// from srv (refreshing them at most once a minute), with a clock the test
// moves.
func fetchingHandler(t *testing.T, iss *callbacktest.Issuer, srv *httptest.Server) (h *calling.CallbackHandler, e *errs, now func() time.Time, advance func(time.Duration)) {
	t.Helper()
	clk := fake.NewClock(time.Now())
	h, e = newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.KeySet = nil
		o.OpenIDConfigurationURL = srv.URL + callbacktest.OpenIDConfigurationPath
		o.HTTPClient = srv.Client()
		o.KeyRefreshInterval = time.Minute
		o.Clock = clk
	})
	return h, e, clk.Now, clk.Advance
}

func TestHandlerDiscoveryAndKeyRotation(t *testing.T) {
	iss := newIssuer(t)
	keys := httptest.NewServer(iss.Handler())
	defer keys.Close()
	h, e, clock, advance := fetchingHandler(t, iss, keys)
	body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc-1", "")})
	post := func(opts ...callbacktest.TokenOption) int {
		return serve(h, signedPost(t, iss, "/cb", body, append(opts, callbacktest.IssuedAt(clock()))...)).Code
	}

	require.Equal(t, http.StatusOK, post())
	require.Equal(t, 2, iss.Requests(), "discovery document and keys fetched once")
	require.Equal(t, http.StatusOK, post())
	require.Equal(t, 2, iss.Requests(), "keys cached")

	// Forged key ids: at most one refresh per interval.
	advance(time.Minute + time.Second)
	for range 20 {
		require.Equal(t, http.StatusUnauthorized, post(callbacktest.WithKeyID("forged")))
	}
	assert.Equal(t, 4, iss.Requests(), "one refresh for the unknown kid, then none within the interval")

	// A new key within the interval is not fetched yet...
	iss.RotateKey(testKeys()[1], "")
	assert.Equal(t, http.StatusUnauthorized, post())
	// ...and is once the interval has passed.
	advance(time.Minute + time.Second)
	assert.Equal(t, http.StatusOK, post())
	assert.Equal(t, 6, iss.Requests())
	assert.NotEmpty(t, e.all())
}

func TestHandlerKeysUnavailable(t *testing.T) {
	iss := newIssuer(t)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.KeySet = nil
		o.OpenIDConfigurationURL = down.URL + callbacktest.OpenIDConfigurationPath
		o.HTTPClient = down.Client()
	})
	called := false
	h.OnEvent(func(context.Context, calling.Event) { called = true })
	w := serve(h, signedPost(t, iss, "/cb", mustMarshal(t, &calling.CallConnected{EventInfo: info("cc", "")})))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	assert.False(t, called)
	var ae *calling.CallbackAuthError
	require.ErrorAs(t, e.all()[0], &ae)
	assert.Equal(t, calling.AuthKeysUnavailable, ae.Reason)
}

func TestEventGridValidationHandshake(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.EventGridSecret = "s3cret" })
	called := false
	h.OnEvent(func(context.Context, calling.Event) { called = true })

	post := func(url string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(readExample(t, "eventgrid_SubscriptionValidationEvent.json")))
		r.Header.Set("aeg-event-type", "SubscriptionValidation")
		r.Header.Set("Content-Type", "application/json")
		return serve(h, r)
	}
	w := post("/events?secret=s3cret")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	assert.JSONEq(t, string(readExample(t, "eventgrid_SubscriptionValidationResponse.json")), w.Body.String())
	assert.False(t, called, "the handshake is answered, not dispatched")

	for _, url := range []string{"/events", "/events?secret=wrong", "/events?secret=s3cret0", "/events?other=s3cret"} {
		assert.Equal(t, http.StatusUnauthorized, post(url).Code, url)
	}
}

func TestEventGridIncomingCall(t *testing.T) {
	iss := newIssuer(t)
	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.EventGridSecret = "s3cret"
		o.EventGridSecretParameter = "code"
	})
	var calls []*calling.IncomingCall
	h.OnIncomingCall(func(_ context.Context, ic *calling.IncomingCall) { calls = append(calls, ic) })

	// The Event Grid schema, as published.
	r := httptest.NewRequest(http.MethodPost, "/events?code=s3cret", bytes.NewReader(readExample(t, "eventgrid_IncomingCall.json")))
	w := serve(h, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Len(t, calls, 1)
	assert.Equal(t, "{incoming-call-contextValue}", calls[0].IncomingCallContext)

	// The CloudEvents schema, as an Event Grid subscription with that
	// schema delivers it (a single event, application/cloudevents+json).
	data := readExample(t, "eventgrid_IncomingCall_TeamsResourceAccount_data.json")
	body := `{"id":"1","source":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/r","type":"Microsoft.Communication.IncomingCall","specversion":"1.0","subject":"/caller/4:+12065551212/recipient/28:orgid:cc123456-5678-5678-1234-ccc123456789","time":"2024-05-01T10:00:00Z","data":` + string(data) + `}`
	r = httptest.NewRequest(http.MethodPost, "/events?code=s3cret", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/cloudevents+json; charset=utf-8")
	w = serve(h, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Len(t, calls, 2)
	assert.Equal(t, identity.PhoneNumberIdentifier{PhoneNumber: "+12065551212"}, calls[1].From)

	assert.Empty(t, e.all())

	// Other Event Grid events of ACS are refused: only IncomingCall is
	// taken on the strength of the Event Grid secret.
	r = httptest.NewRequest(http.MethodPost, "/events?code=s3cret", strings.NewReader(`[{"id":"2","eventType":"Microsoft.Communication.CallStarted","subject":"s","data":{"serverCallId":"x"},"eventTime":"2024-05-01T10:00:00Z","dataVersion":"1.0","metadataVersion":"1"}]`))
	require.Equal(t, http.StatusUnauthorized, serve(h, r).Code)
	require.Len(t, calls, 2)
}

func TestEventGridCannotCarryCallbackEvents(t *testing.T) {
	iss := newIssuer(t)
	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.EventGridSecret = "s3cret" })
	called := false
	h.OnEvent(func(context.Context, calling.Event) { called = true })
	body := mustMarshal(t,
		&calling.IncomingCall{EventInfo: calling.EventInfo{ServerCallID: "sc", Topic: "/t"}},
		&calling.CallConnected{EventInfo: info("cc-1", "")},
	)
	r := httptest.NewRequest(http.MethodPost, "/cb?secret=s3cret", bytes.NewReader(body))
	assert.Equal(t, http.StatusUnauthorized, serve(h, r).Code)
	assert.False(t, called, "nothing of the delivery is dispatched")
	var ae *calling.CallbackAuthError
	require.ErrorAs(t, e.all()[0], &ae)
	assert.Equal(t, calling.AuthCallbackEventNeedsToken, ae.Reason)

	// With the Call Automation token the same body is fine.
	r = signedPost(t, iss, "/cb", body)
	assert.Equal(t, http.StatusOK, serve(h, r).Code)
	assert.True(t, called)
}

func TestEventGridValidator(t *testing.T) {
	iss := newIssuer(t)
	errNo := errors.New("no entra token")
	validator := func(r *http.Request) error {
		switch r.Header.Get("Authorization") {
		case "Bearer entra-ok":
			return nil
		case "Bearer entra-panic":
			panic("validator bug")
		}
		return errNo
	}
	body := readExample(t, "eventgrid_IncomingCall.json")
	post := func(h http.Handler, url, auth string) int {
		r := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return serve(h, r).Code
	}

	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.EventGridValidator = validator })
	assert.Equal(t, http.StatusOK, post(h, "/events", "Bearer entra-ok"))
	assert.Equal(t, http.StatusUnauthorized, post(h, "/events", "Bearer other"))
	assert.Equal(t, http.StatusUnauthorized, post(h, "/events", "Bearer entra-panic"), "a panicking validator refuses")
	assert.Equal(t, http.StatusUnauthorized, post(h, "/events", ""))
	var ae *calling.CallbackAuthError
	require.ErrorAs(t, e.all()[0], &ae)
	assert.Equal(t, calling.AuthEventGridRefused, ae.Reason)
	assert.ErrorIs(t, e.all()[0], errNo)

	// Both configured: both must pass.
	h, _ = newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.EventGridValidator = validator
		o.EventGridSecret = "s3cret"
	})
	assert.Equal(t, http.StatusOK, post(h, "/events?secret=s3cret", "Bearer entra-ok"))
	assert.Equal(t, http.StatusUnauthorized, post(h, "/events", "Bearer entra-ok"))
	assert.Equal(t, http.StatusUnauthorized, post(h, "/events?secret=s3cret", "Bearer other"))
}

func TestWebhookValidationHandshake(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, nil)
	options := func(h http.Handler, origin string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodOptions, "/events", nil)
		if origin != "" {
			r.Header.Set("WebHook-Request-Origin", origin)
		}
		return serve(h, r)
	}
	w := options(h, "eventgrid.azure.net")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "eventgrid.azure.net", w.Header().Get("WebHook-Allowed-Origin"))
	assert.Equal(t, http.StatusForbidden, options(h, "evil.example").Code)
	w = options(h, "")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Empty(t, w.Header().Get("WebHook-Allowed-Origin"))

	h, _ = newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.WebhookAllowedOrigins = []string{"*"} })
	assert.Equal(t, "any.example", options(h, "any.example").Header().Get("WebHook-Allowed-Origin"))
}

func TestHandlerRequestErrors(t *testing.T) {
	iss := newIssuer(t)
	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.MaxBodySize = 1024 })
	called := false
	h.OnEvent(func(context.Context, calling.Event) { called = true })

	r := httptest.NewRequest(http.MethodGet, "/cb", nil)
	w := serve(h, r)
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "POST, OPTIONS", w.Header().Get("Allow"))

	big := mustMarshal(t, &calling.UnknownEvent{Type: "T", Data: []byte(`"` + strings.Repeat("x", 2000) + `"`)})
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(h, signedPost(t, iss, "/cb", big)).Code)

	for _, body := range []string{``, `[`, `{}`, `[{"id":"1"}]`, `[{"type":5}]`, `"x"`} {
		w := serve(h, signedPost(t, iss, "/cb", []byte(body)))
		assert.Equal(t, http.StatusBadRequest, w.Code, body)
	}
	assert.False(t, called)
	var ee *calling.EventError
	assert.True(t, errors.As(e.all()[len(e.all())-1], &ee))

	// An empty array is a valid, empty delivery.
	assert.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", []byte(`[]`))).Code)
}

func TestHandlerPanicsAreRecovered(t *testing.T) {
	for _, synchronous := range []bool{true, false} {
		t.Run(map[bool]string{true: "synchronous", false: "workers"}[synchronous], func(t *testing.T) {
			iss := newIssuer(t)
			h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
				o.Synchronous = synchronous
				o.Workers = 1
			})
			seen := make(chan string, 4)
			h.OnCall("cc-1", func(_ context.Context, ev calling.Event) {
				if _, ok := ev.(*calling.CallConnected); ok {
					panic("handler bug with a secret")
				}
			})
			h.OnEvent(func(_ context.Context, ev calling.Event) { seen <- ev.EventType() })
			body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc-1", "")}, &calling.CallDisconnected{EventInfo: info("cc-1", "")})
			require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", body)).Code)
			assert.Equal(t, calling.EventTypeCallConnected, <-seen, "the next handler of the event still runs")
			assert.Equal(t, calling.EventTypeCallDisconnected, <-seen, "the next event still runs")
			require.NoError(t, h.Shutdown(context.Background()))
			var pe *calling.HandlerPanicError
			require.ErrorAs(t, e.all()[0], &pe)
			assert.Equal(t, "handler bug with a secret", pe.Value)
			assert.NotContains(t, pe.Error(), "secret")
			assert.NotEmpty(t, pe.Stack)
		})
	}
}

func TestHandlerOnErrorPanicIsContained(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.OnError = func(error) { panic("bad logger") } })
	r := signedPost(t, iss, "/cb", []byte(`[]`))
	r.Header.Del("Authorization")
	assert.Equal(t, http.StatusUnauthorized, serve(h, r).Code)
}

func TestHandlerWorkersKeepPerCallOrder(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.Workers = 3
		o.QueueSize = 256
	})
	var mu sync.Mutex
	seq := map[string][]int{}
	h.OnEvent(func(_ context.Context, ev calling.Event) {
		pu := ev.(*calling.ParticipantsUpdated)
		mu.Lock()
		seq[pu.CallConnectionID] = append(seq[pu.CallConnectionID], pu.SequenceNumber)
		mu.Unlock()
	})
	calls := []string{"a", "b", "c", "d", "e"}
	const perCall = 40
	for n := range perCall {
		var evs []calling.Event
		for _, c := range calls {
			evs = append(evs, &calling.ParticipantsUpdated{EventInfo: info(c, ""), SequenceNumber: n})
		}
		require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", mustMarshal(t, evs...))).Code)
	}
	require.NoError(t, h.Shutdown(context.Background()))
	for _, c := range calls {
		require.Len(t, seq[c], perCall, c)
		for i, n := range seq[c] {
			require.Equal(t, i, n, "call %s out of order", c)
		}
	}
	// Closed: deliveries are refused, and retried by the sender.
	w := serve(h, signedPost(t, iss, "/cb", []byte(`[]`)))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
}

func TestHandlerQueueFullAndShutdownTimeout(t *testing.T) {
	iss := newIssuer(t)
	var dropped []calling.Event
	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.Workers = 1
		o.QueueSize = 2
		o.CallQueueSize = 2 // the whole queue fills, not the call's share
		o.OnDropped = func(evs []calling.Event) { dropped = append(dropped, evs...) }
	})
	started := make(chan struct{}, 10)
	release := make(chan struct{})
	var handlerCtx context.Context
	h.OnEvent(func(ctx context.Context, _ calling.Event) {
		handlerCtx = ctx
		started <- struct{}{}
		<-release
	})
	post := func(id string) *httptest.ResponseRecorder {
		return serve(h, signedPost(t, iss, "/cb", mustMarshal(t, &calling.CallConnected{EventInfo: calling.EventInfo{ID: id, CallConnectionID: "cc"}})))
	}
	require.Equal(t, http.StatusOK, post("e0").Code)
	<-started // the worker holds the first event
	require.Equal(t, http.StatusOK, post("e1").Code, "the second waits in the queue")

	// The third finds the queue full: 503 at once, the body not held
	// while the sender waits, and the sender retries.
	w := post("e2")
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	var re *calling.CallbackRequestError
	require.ErrorAs(t, e.all()[0], &re)

	// Shutdown cannot drain while the handler blocks: it gives up when
	// its context ends, reports the event it drops, and cancels the
	// handlers' context.
	sctx, scancel := context.WithCancel(context.Background())
	scancel()
	err := h.Shutdown(sctx)
	assert.ErrorIs(t, err, context.Canceled)
	var se *calling.ShutdownError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, se.Dropped)
	assert.Contains(t, err.Error(), "1 accepted events not handled")
	require.Len(t, dropped, 1)
	assert.Equal(t, "e1", dropped[0].Info().ID)
	assert.Error(t, handlerCtx.Err(), "the handlers' context is cancelled")
	close(release)
	require.NoError(t, h.Close(), "Close waits for the running handler, and drops nothing more")
	require.NoError(t, h.Close(), "and may be called again")
}

// TestHandlerCallQueueShare: the backlog of one call whose handler is
// stuck takes at most its share of the queue (by default a quarter of
// QueueSize, or of QueueBytes); beyond it that call's deliveries get 503
// while the other calls' are admitted and run. The whole queue used to be
// the only bound, so one stuck call filled it and every call got 503.
func TestHandlerCallQueueShare(t *testing.T) {
	iss := newIssuer(t)
	body := func(cc, id string) []byte {
		ev := &calling.CallConnected{EventInfo: info(cc, "")}
		ev.ID, ev.Time = id, time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC) // a time, so that every body has one length
		return mustMarshal(t, ev)
	}
	size := int64(len(body("stuck", "s0"))) // each event of the stuck call counts its body
	for _, c := range []struct {
		name string
		edit func(o *calling.CallbackHandlerOptions)
		held int // what the stuck call may hold
	}{
		{"events, default share", func(o *calling.CallbackHandlerOptions) { o.QueueSize = 8 }, 2},
		{"events, set", func(o *calling.CallbackHandlerOptions) { o.QueueSize = 8; o.CallQueueSize = 3 }, 3},
		{"bytes, default share", func(o *calling.CallbackHandlerOptions) { o.QueueBytes = 8*size + 3 }, 2},
		{"bytes, set", func(o *calling.CallbackHandlerOptions) { o.QueueBytes = 8 * size; o.CallQueueBytes = 3*size + size/2 }, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
				o.Synchronous = false
				o.Workers = 2
				c.edit(o)
			})
			release := make(chan struct{})
			var once sync.Once
			let := func() { once.Do(func() { close(release) }) }
			t.Cleanup(let) // before the handler's Close, which waits for the stuck handler
			started := make(chan struct{}, 1)
			done := make(chan string, 16)
			h.OnEvent(func(_ context.Context, ev calling.Event) {
				if ev.Info().CallConnectionID == "stuck" {
					if ev.Info().ID == "s0" {
						started <- struct{}{}
					}
					<-release
				}
				done <- ev.Info().ID
			})
			post := func(cc, id string) int { return serve(h, signedPost(t, iss, "/cb", body(cc, id))).Code }
			require.Equal(t, http.StatusOK, post("stuck", "s0"))
			<-started // the stuck call holds a worker
			for i := 1; i < c.held; i++ {
				require.Equal(t, http.StatusOK, post("stuck", "s"+strconv.Itoa(i)), "event %d of the stuck call", i)
			}
			for i := c.held; i < 12; i++ { // the whole queue holds 8
				for try := range 2 { // the event, then its redelivery
					w := serve(h, signedPost(t, iss, "/cb", body("stuck", "s"+strconv.Itoa(i))))
					assert.Equal(t, http.StatusServiceUnavailable, w.Code, "event %d (try %d) of the stuck call is beyond its share", i, try)
					assert.Equal(t, "1", w.Header().Get("Retry-After"))
				}
			}
			var re *calling.CallbackRequestError
			require.ErrorAs(t, e.all()[0], &re)
			assert.Contains(t, re.Error(), "the call's share of the event queue is full")
			// The other calls are admitted and run on the other worker.
			for i := range 3 {
				id := "o" + strconv.Itoa(i)
				require.Equal(t, http.StatusOK, post("other-"+strconv.Itoa(i), id), "another call's event")
				assert.Equal(t, id, <-done)
			}
			// Unstuck, the call runs what it held, in order; what it was
			// refused was not remembered, so its redelivery is taken.
			let()
			for i := range c.held {
				assert.Equal(t, "s"+strconv.Itoa(i), <-done)
			}
			next := "s" + strconv.Itoa(c.held)
			require.Equal(t, http.StatusOK, post("stuck", next), "the refused event, delivered again")
			assert.Equal(t, next, <-done)
			require.NoError(t, h.Shutdown(context.Background()))
			assert.Empty(t, done, "nothing else ran")
		})
	}
}

// TestHandlerShutdownReportsWhatItDrops: events answered 200 that the
// handler could not run before Shutdown's context ended, or before Close,
// are counted in the error and handed to OnDropped in arrival order; they
// used to disappear without a trace (issue 11 §4).
func TestHandlerShutdownReportsWhatItDrops(t *testing.T) {
	iss := newIssuer(t)
	for _, closing := range []bool{false, true} {
		var dropped []string
		h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
			o.Synchronous = false
			o.Workers = 1
			o.OnDropped = func(evs []calling.Event) {
				for _, ev := range evs {
					dropped = append(dropped, ev.Info().ID)
				}
			}
		})
		started := make(chan struct{}, 1)
		var ran []string
		h.OnEvent(func(ctx context.Context, ev calling.Event) {
			ran = append(ran, ev.Info().ID)
			if ev.Info().ID == "a0" {
				started <- struct{}{}
				<-ctx.Done() // blocks until the handler's context ends
			}
		})
		for i, cc := range []string{"a", "b", "a", "c", "b"} {
			id := cc + strconv.Itoa(i)
			body := mustMarshal(t, &calling.CallConnected{EventInfo: calling.EventInfo{ID: id, CallConnectionID: cc}})
			require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", body)).Code)
			if i == 0 {
				<-started
			}
		}
		var err error
		if closing {
			err = h.Close()
		} else {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err = h.Shutdown(ctx)
			assert.ErrorIs(t, err, context.Canceled)
			require.NoError(t, h.Close())
		}
		var se *calling.ShutdownError
		require.ErrorAs(t, err, &se, "closing %v", closing)
		assert.Equal(t, 4, se.Dropped)
		assert.Equal(t, []string{"b1", "a2", "c3", "b4"}, dropped)
		assert.Equal(t, []string{"a0"}, ran)
	}
}

// TestHandlerShutdownIdleWithEndedContext: Shutdown of a handler with
// nothing queued (never used, or whose events have all run) returns nil
// even when its context has already ended — nothing was dropped. Its
// select used to pick at random between "idle" and "context ended", and
// then returned a ShutdownError counting 0; the test shuts down 200
// handlers, so that a random pick fails it (once in 2^100 runs it could
// not).
func TestHandlerShutdownIdleWithEndedContext(t *testing.T) {
	iss := newIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range 200 {
		used := i%2 == 1
		h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.Synchronous = false })
		ran := make(chan struct{})
		h.OnEvent(func(context.Context, calling.Event) { close(ran) })
		if used {
			body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc", "")})
			require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", body)).Code)
			<-ran // its worker may still be ending: either way nothing is queued
		}
		require.NoError(t, h.Shutdown(ctx), "handler %d (used: %v)", i, used)
		require.NoError(t, h.Close())
	}
}

// TestHandlerCloseUnused: a handler that never took a delivery shuts down
// and closes without an error or a dropped event, and afterwards refuses
// deliveries with 503 (so that the sender tries again) without running a
// handler.
func TestHandlerCloseUnused(t *testing.T) {
	iss := newIssuer(t)
	var dropped atomic.Int32
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.OnDropped = func(evs []calling.Event) { dropped.Add(int32(len(evs))) }
	})
	var ran atomic.Int32
	h.OnEvent(func(context.Context, calling.Event) { ran.Add(1) })
	require.NoError(t, h.Shutdown(context.Background()))

	body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc-1", "")})
	w := serve(h, signedPost(t, iss, "/callbacks", body))
	require.Equal(t, http.StatusServiceUnavailable, w.Code, "a shut-down handler takes no delivery")
	require.NoError(t, h.Close())
	require.NoError(t, h.Close(), "closing again")
	require.Zero(t, ran.Load(), "no handler ran")
	require.Zero(t, dropped.Load(), "nothing was queued, so nothing was dropped")
}

func TestNewCallbackHandlerArguments(t *testing.T) {
	for name, tc := range map[string]struct {
		audience string
		opts     *calling.CallbackHandlerOptions
		arg      string
	}{
		"no audience":               {"", nil, "audience"},
		"blank audience":            {" ", &calling.CallbackHandlerOptions{}, "audience"},
		"http openid":               {"a", &calling.CallbackHandlerOptions{CallbackAuthOptions: calling.CallbackAuthOptions{OpenIDConfigurationURL: "http://example.com/x"}}, "opts.OpenIDConfigurationURL"},
		"relative openid":           {"a", &calling.CallbackHandlerOptions{CallbackAuthOptions: calling.CallbackAuthOptions{OpenIDConfigurationURL: "/x"}}, "opts.OpenIDConfigurationURL"},
		"negative body":             {"a", &calling.CallbackHandlerOptions{MaxBodySize: -1}, "opts.MaxBodySize"},
		"negative workers":          {"a", &calling.CallbackHandlerOptions{Workers: -1}, "opts.Workers"},
		"negative queue":            {"a", &calling.CallbackHandlerOptions{QueueSize: -1}, "opts.QueueSize"},
		"negative call queue":       {"a", &calling.CallbackHandlerOptions{CallQueueSize: -1}, "opts.CallQueueSize"},
		"negative call queue bytes": {"a", &calling.CallbackHandlerOptions{CallQueueBytes: -1}, "opts.CallQueueBytes"},
	} {
		_, err := calling.NewCallbackHandler(tc.audience, tc.opts)
		var ae *calling.ArgumentError
		if assert.ErrorAs(t, err, &ae, name) {
			assert.Equal(t, tc.arg, ae.Arg, name)
		}
	}
	h, err := calling.NewCallbackHandler("a", nil)
	require.NoError(t, err, "the defaults need only the audience")
	require.NoError(t, h.Close())
}

func TestCallbackAuthenticatorDirect(t *testing.T) {
	iss := newIssuer(t)
	a, err := calling.NewCallbackAuthenticator(iss.Audience(), iss.AuthOptions())
	require.NoError(t, err)
	assert.Equal(t, calling.CallbackIssuer, a.Issuer())
	tok, err := iss.Token()
	require.NoError(t, err)
	require.NoError(t, a.AuthenticateToken(context.Background(), tok))
	err = a.AuthenticateToken(context.Background(), "")
	var ae *calling.CallbackAuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, calling.AuthMissingCredentials, ae.Reason)

	r := httptest.NewRequest(http.MethodPost, "/", nil)
	require.Error(t, a.AuthenticateRequest(context.Background(), r))
	r.Header.Set("Authorization", "Bearer "+tok)
	require.NoError(t, a.AuthenticateRequest(context.Background(), r))

	// A token of the right issuer but signed for another issuer URL.
	other := callbacktest.NewIssuer(testAudience, &callbacktest.IssuerOptions{Key: testKeys()[0], Issuer: "https://other.example"})
	tok, err = other.Token()
	require.NoError(t, err)
	require.ErrorAs(t, a.AuthenticateToken(context.Background(), tok), &ae)
	assert.Equal(t, calling.AuthWrongIssuer, ae.Reason)
	assert.NotContains(t, ae.Error(), tok[len(tok)-16:])
}

func TestCallbacktestIssuer(t *testing.T) {
	iss := newIssuer(t)
	tok, err := iss.Token()
	require.NoError(t, err)
	parsed, err := jwt.ParseVerifiedRS256(tok, iss.KeySet())
	require.NoError(t, err)
	assert.Equal(t, iss.KeyID(), parsed.Header.Kid)
	var claims struct {
		Iss string `json:"iss"`
		Aud string `json:"aud"`
		Iat int64  `json:"iat"`
		Nbf int64  `json:"nbf"`
		Exp int64  `json:"exp"`
	}
	require.NoError(t, parsed.Decode(&claims))
	assert.Equal(t, calling.CallbackIssuer, claims.Iss)
	assert.Equal(t, testAudience, claims.Aud)
	assert.Equal(t, int64(callbacktest.TokenLifetime/time.Second), claims.Exp-claims.Iat)

	srv := httptest.NewServer(iss.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + callbacktest.OpenIDConfigurationPath)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), `"jwks_uri":"`+srv.URL+callbacktest.KeysPath+`"`)
	resp, err = srv.Client().Get(srv.URL + "/nope")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Post delivers signed events to a real server.
	h, _ := newHandler(t, iss, nil)
	got := make(chan calling.Event, 1)
	h.OnEvent(func(_ context.Context, ev calling.Event) { got <- ev })
	cb := httptest.NewServer(h)
	defer cb.Close()
	resp, err = iss.Post(context.Background(), cb.Client(), cb.URL, &calling.CallConnected{EventInfo: info("cc-7", "")})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "cc-7", (<-got).Info().CallConnectionID)

	// Rotation keeps the old key published until retired.
	oldKid := iss.KeyID()
	iss.RotateKey(testKeys()[1], "k2")
	assert.Equal(t, "k2", iss.KeyID())
	_, err = iss.KeySet().Key(oldKid)
	assert.NoError(t, err)
	iss.RetireOldKeys()
	_, err = iss.KeySet().Key(oldKid)
	assert.Error(t, err)
}

// TestHandlerKeyFetchSurvivesHangUps: once the key refresh interval has
// passed, 100 callbacks with unknown key ids hang up after 20 ms while
// ACS's key endpoint is slow. They share one fetch, which goes on without
// them: the endpoint sees one discovery and one key request, not one per
// request (issue 11 §3). Each request ends by its own deadline, as the
// endpoint answers only after all have returned: timing decides nothing.
func TestHandlerKeyFetchSurvivesHangUps(t *testing.T) {
	iss := newIssuer(t)
	var gated atomic.Bool
	gate := make(chan struct{})
	var requests atomic.Int32
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if gated.Load() && r.URL.Path == callbacktest.KeysPath {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		iss.Handler().ServeHTTP(w, r)
	}))
	defer keys.Close()
	h, _, clock, advance := fetchingHandler(t, iss, keys)
	body := mustMarshal(t, &calling.CallConnected{EventInfo: info("cc-1", "")})
	require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", body, callbacktest.IssuedAt(clock()))).Code)
	require.EqualValues(t, 2, requests.Load())

	advance(time.Minute + time.Second)
	gated.Store(true)
	reqs := make([]*http.Request, 100)
	for i := range reqs {
		reqs[i] = signedPost(t, iss, "/cb", body, callbacktest.IssuedAt(clock()), callbacktest.WithKeyID("forged-"+strconv.Itoa(i)))
	}
	var wg sync.WaitGroup
	codes := make(chan int, len(reqs))
	for _, r := range reqs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			codes <- serve(h, r.WithContext(ctx)).Code
		})
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		require.Equal(t, http.StatusServiceUnavailable, c, "the sender left while the keys were fetched")
	}
	close(gate)
	// The next request waits for the fetch in flight and starts none.
	assert.Equal(t, http.StatusUnauthorized, serve(h, reqs[0]).Code)
	assert.EqualValues(t, 4, requests.Load(), "one discovery and one key request for all of them")
}

// TestHandlerDeliversAroundAnUndecodableEvent: one event whose data cannot
// be read no longer fails its delivery with 400 (which the sender does not
// retry, so every event of it was lost): it is delivered as an
// *UnknownEvent with its raw data, and reported to OnError (issue 11 §6).
func TestHandlerDeliversAroundAnUndecodableEvent(t *testing.T) {
	iss := newIssuer(t)
	for _, synchronous := range []bool{true, false} {
		h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.Synchronous = synchronous })
		got := make(chan calling.Event, 3)
		h.OnCall("cc-1", func(_ context.Context, ev calling.Event) { got <- ev })
		body := `[{"id":"a","type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":"cc-1"}},` +
			`{"id":"b","type":"Microsoft.Communication.AddParticipantSucceeded","data":{"callConnectionId":"cc-1","participant":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u"},"phoneNumber":{"value":"+1"}}}},` +
			`{"id":"c","type":"Microsoft.Communication.CallDisconnected","data":{"callConnectionId":"cc-1"}}]`
		w := serve(h, signedPost(t, iss, "/cb", []byte(body)))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.NoError(t, h.Shutdown(context.Background()))
		require.Len(t, got, 3)
		assert.IsType(t, &calling.CallConnected{}, <-got)
		u, ok := (<-got).(*calling.UnknownEvent)
		require.True(t, ok)
		assert.Equal(t, calling.EventTypeAddParticipantSucceeded, u.Type)
		assert.Contains(t, string(u.Data), `"participant"`)
		assert.IsType(t, &calling.CallDisconnected{}, <-got)
		errList := e.all()
		require.Len(t, errList, 1)
		var ee *calling.EventError
		require.ErrorAs(t, errList[0], &ee)
		assert.Equal(t, 1, ee.Index)
		assert.Same(t, u.Err, errList[0])
	}
}

// TestEventGridChannelTakesOnlyEventGridTypes: a delivery authenticated by
// the Event Grid secret may hold only IncomingCall and the subscription
// validation, with their types spelled exactly; and nothing that came that
// way routes by call connection id or operation context, or reaches the
// tracker (issue 11 §4: a "CallDisconnected" in another letter case became
// an UnknownEvent with the victim's call id that reached OnCall and the
// tracker).
func TestEventGridChannelTakesOnlyEventGridTypes(t *testing.T) {
	iss := newIssuer(t)
	h, e := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) { o.EventGridSecret = "s3cret" })
	var changes atomic.Int32
	store := calling.NewMemoryTrackerStore(100)
	tr, err := calling.NewTracker(&truthService{}, &calling.TrackerOptions{Store: store, SharedStore: true, OnChange: func(calling.CallStatus) { changes.Add(1) }})
	require.NoError(t, err)
	var byCall, byOp, all atomic.Int32
	var incoming []*calling.IncomingCall
	h.OnCall("victim", func(context.Context, calling.Event) { byCall.Add(1) })
	h.OnOperation("op", func(context.Context, calling.Event) { byOp.Add(1) })
	h.OnIncomingCall(func(_ context.Context, ic *calling.IncomingCall) { incoming = append(incoming, ic) })
	h.OnEvent(func(ctx context.Context, ev calling.Event) { all.Add(1); tr.Handle(ctx, ev) })
	post := func(body string) int {
		r := httptest.NewRequest(http.MethodPost, "/events?secret=s3cret", strings.NewReader(body))
		return serve(h, r).Code
	}
	data := `{"callConnectionId":"victim","serverCallId":"attacker","operationContext":"op"}`
	for _, typ := range []string{
		"microsoft.communication.calldisconnected",
		"Microsoft.Communication.CallDisconnected ",
		"Microsoft.Communication.CallDisconnected",
		"Microsoft.Communication.CallStarted",
		"Microsoft.Communication.IncomingCall ",
		"microsoft.communication.incomingcall",
		"Microsoft.EventGrid.SubscriptionValidationEvent\t",
	} {
		q, _ := json.Marshal(typ)
		assert.Equal(t, http.StatusUnauthorized, post(`[{"id":"1","type":`+string(q)+`,"data":`+data+`}]`), typ)
		assert.Equal(t, http.StatusUnauthorized, post(`[{"id":"1","eventType":`+string(q)+`,"data":`+data+`}]`), typ)
		// Not even behind an IncomingCall.
		assert.Equal(t, http.StatusUnauthorized, post(`[{"id":"0","eventType":"Microsoft.Communication.IncomingCall","data":{"serverCallId":"s"}},{"id":"1","eventType":`+string(q)+`,"data":`+data+`}]`), typ)
	}
	require.Zero(t, all.Load(), "a refused delivery dispatches nothing")
	var ae *calling.CallbackAuthError
	require.ErrorAs(t, e.all()[0], &ae)
	assert.Equal(t, calling.AuthCallbackEventNeedsToken, ae.Reason)

	// An IncomingCall is accepted, but its call connection id and operation
	// context (which a real one does not have) route nothing; nor do those
	// of an IncomingCall whose data cannot be read.
	require.Equal(t, http.StatusOK, post(`[{"id":"2","eventType":"Microsoft.Communication.IncomingCall","data":{"callConnectionId":"victim","serverCallId":"attacker","operationContext":"op","incomingCallContext":"icc"}}]`))
	require.Equal(t, http.StatusOK, post(`[{"id":"3","eventType":"Microsoft.Communication.IncomingCall","data":{"callConnectionId":"victim","operationContext":"op","to":{"communicationUser":{"id":"a"},"phoneNumber":{"value":"+1"}}}}]`))
	require.Len(t, incoming, 1)
	assert.Empty(t, incoming[0].CallConnectionID)
	assert.Empty(t, incoming[0].OperationContext)
	assert.EqualValues(t, 2, all.Load())
	assert.Zero(t, byCall.Load(), "routed by call connection id")
	assert.Zero(t, byOp.Load(), "routed by operation context")
	assert.Zero(t, changes.Load(), "the tracker was touched")
	_, ok, err := store.Get(context.Background(), "victim")
	require.NoError(t, err)
	assert.False(t, ok)
}

// TestHandlerQueueByteBudget: the queue is bounded by the memory its events
// hold, not only by their number. With a handler stuck, deliveries of
// ~1.9 MiB events are accepted up to DefaultCallbackQueueBytes (32 MiB)
// and then refused with 503 and Retry-After, so that the sender retries;
// they used to be accepted up to 1,024 events, up to 2 GiB (issue 11 §4).
func TestHandlerQueueByteBudget(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.Workers = 1
	})
	release := make(chan struct{})
	h.OnEvent(func(ctx context.Context, _ calling.Event) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	})
	data, err := json.Marshal(map[string]string{"blob": strings.Repeat("x", 1900<<10)})
	require.NoError(t, err)
	template := mustMarshal(t, &calling.UnknownEvent{
		EventInfo: calling.EventInfo{ID: "big-00", CallConnectionID: "cc-00"},
		Type:      "Microsoft.Communication.PlayCompleted",
		Data:      data,
	})
	size := len(template)
	const deliveries = 20
	accepted, refused := 0, 0
	for i := range deliveries {
		n := fmt.Sprintf("%02d", i) // a new event id and call, same size
		body := bytes.ReplaceAll(template, []byte("-00"), []byte("-"+n))
		w := serve(h, signedPost(t, iss, "/cb", body))
		switch w.Code {
		case http.StatusOK:
			accepted++
		case http.StatusServiceUnavailable:
			refused++
			assert.NotEmpty(t, w.Header().Get("Retry-After"))
		default:
			t.Fatalf("status %d", w.Code)
		}
	}
	assert.LessOrEqual(t, accepted*size, calling.DefaultCallbackQueueBytes, "%d deliveries of %d bytes accepted", accepted, size)
	assert.Equal(t, calling.DefaultCallbackQueueBytes/size, accepted)
	assert.Equal(t, deliveries-accepted, refused)
	close(release)
	require.NoError(t, h.Shutdown(context.Background()))

	// A smaller budget, and a delivery larger than the whole budget: it is
	// taken when nothing is queued (refusing it could never end).
	h, _ = newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.QueueBytes = 1 << 20
	})
	ran := make(chan struct{}, 1)
	h.OnEvent(func(context.Context, calling.Event) { ran <- struct{}{} })
	body := mustMarshal(t, &calling.UnknownEvent{EventInfo: calling.EventInfo{ID: "huge"}, Type: "T", Data: data})
	require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", body)).Code)
	<-ran
	require.NoError(t, h.Shutdown(context.Background()))
}

// TestHandlerBlockedCallDelaysOnlyItsOwnEvents: a call whose handler
// blocks holds its own events back (in order) and nothing else: the events
// of 100 other calls are all handled meanwhile. With calls hashed onto four
// workers, about a quarter of them waited behind the blocked call (issue 11
// §4). The deadline only bounds how long a broken handler makes the test
// wait.
func TestHandlerBlockedCallDelaysOnlyItsOwnEvents(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.Workers = 4
	})
	release := make(chan struct{})
	handled := make(chan string, 200)
	h.OnEvent(func(ctx context.Context, ev calling.Event) {
		if ev.Info().CallConnectionID == "blocked" {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		handled <- ev.Info().ID
	})
	post := func(cc, id string) {
		body := mustMarshal(t, &calling.CallConnected{EventInfo: calling.EventInfo{ID: id, CallConnectionID: cc}})
		require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", body)).Code)
	}
	post("blocked", "blocked-0")
	post("blocked", "blocked-1")
	for i := range 100 {
		post("call-"+strconv.Itoa(i), "other-"+strconv.Itoa(i))
	}
	deadline := time.After(10 * time.Second)
	for n := range 100 {
		select {
		case id := <-handled:
			require.True(t, strings.HasPrefix(id, "other-"), "%s ran while its call's first event was blocked", id)
		case <-deadline:
			t.Fatalf("%d of 100 other calls stalled behind the blocked one", 100-n)
		}
	}
	close(release)
	require.NoError(t, h.Shutdown(context.Background()))
	require.Equal(t, "blocked-0", <-handled)
	require.Equal(t, "blocked-1", <-handled)
}

// TestHandlerRunsARedeliveryOnce: a delivery refused with 503 queued
// nothing, and a redelivered event runs once, whatever the sender repeats
// (it used to run as [0 1 2 1 2 3]: the first two events of the refused
// delivery were queued, and ran again when it came back; issue 11 §4).
func TestHandlerRunsARedeliveryOnce(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, func(o *calling.CallbackHandlerOptions) {
		o.Synchronous = false
		o.Workers = 1
		o.QueueSize = 2
	})
	var mu sync.Mutex
	var ran []string
	started := make(chan struct{})
	release := make(chan struct{})
	h.OnEvent(func(_ context.Context, ev calling.Event) {
		if ev.Info().ID == "e0" {
			close(started)
			<-release
		}
		mu.Lock()
		ran = append(ran, ev.Info().ID)
		mu.Unlock()
	})
	delivery := func(ids ...string) []byte {
		var evs []calling.Event
		for _, id := range ids {
			evs = append(evs, &calling.CallConnected{EventInfo: calling.EventInfo{ID: id, CallConnectionID: "cc"}})
		}
		return mustMarshal(t, evs...)
	}
	d1, d2 := delivery("e0"), delivery("e1", "e2", "e3")
	require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", d1)).Code)
	<-started
	// The sender gives up at once if the handler makes it wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.Equal(t, http.StatusServiceUnavailable, serve(h, signedPost(t, iss, "/cb", d2).WithContext(ctx)).Code)
	close(release)
	// The sender retries until the delivery is taken, as ACS does.
	for code := 0; code != http.StatusOK; {
		code = serve(h, signedPost(t, iss, "/cb", d2)).Code
		require.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, code)
		runtime.Gosched()
	}
	// Repeats of deliveries answered 200 run nothing.
	require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", d1)).Code)
	require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", d2)).Code)
	require.Equal(t, http.StatusOK, serve(h, signedPost(t, iss, "/cb", delivery("e4", "e4", "e3"))).Code)
	require.NoError(t, h.Shutdown(context.Background()))
	assert.Equal(t, []string{"e0", "e1", "e2", "e3", "e4"}, ran)
}

// TestSynchronousHandlerRunsEachEventOnceAtLeast: in Synchronous mode a
// delivery whose handlers returned is not run again when the sender
// repeats it; one whose sender left while they ran is forgotten, so its
// redelivery runs it again (at least once); and a repeat that arrives while
// the first is still running is refused with 503, not run beside it.
func TestSynchronousHandlerRunsEachEventOnceAtLeast(t *testing.T) {
	iss := newIssuer(t)
	h, _ := newHandler(t, iss, nil)
	var mu sync.Mutex
	runs := map[string]int{}
	var leave context.CancelFunc
	started := make(chan struct{})
	release := make(chan struct{})
	h.OnEvent(func(_ context.Context, ev calling.Event) {
		id := ev.Info().ID
		mu.Lock()
		runs[id]++
		mu.Unlock()
		switch id {
		case "s3":
			leave() // the sender hangs up while the handler runs
		case "s4":
			started <- struct{}{}
			<-release
		}
	})
	body := func(ids ...string) []byte {
		var evs []calling.Event
		for _, id := range ids {
			evs = append(evs, &calling.CallConnected{EventInfo: calling.EventInfo{ID: id, CallConnectionID: "cc"}})
		}
		return mustMarshal(t, evs...)
	}
	post := func(ctx context.Context, b []byte) int {
		return serve(h, signedPost(t, iss, "/cb", b).WithContext(ctx)).Code
	}
	bg := context.Background()
	require.Equal(t, http.StatusOK, post(bg, body("s1", "s2")))
	require.Equal(t, http.StatusOK, post(bg, body("s1", "s2")))

	ctx, cancel := context.WithCancel(bg)
	leave = cancel
	require.Equal(t, http.StatusServiceUnavailable, post(ctx, body("s3")))
	require.Equal(t, http.StatusOK, post(bg, body("s3")), "the redelivery runs it again")

	first := make(chan int)
	go func() { first <- post(bg, body("s4")) }()
	<-started
	require.Equal(t, http.StatusServiceUnavailable, post(bg, body("s4")), "running elsewhere")
	close(release)
	require.Equal(t, http.StatusOK, <-first)
	require.Equal(t, http.StatusOK, post(bg, body("s4")))
	assert.Equal(t, map[string]int{"s1": 1, "s2": 1, "s3": 2, "s4": 1}, runs)
}
