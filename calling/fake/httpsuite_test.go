package fake_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callingtest"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// TestConformanceHTTPFace runs the suite against the real client on the
// switchboard's HTTP face over loopback: HMAC-signed requests, signed
// callbacks POSTed to calling's CallbackHandler, which authenticates them
// with the keys it discovers through the switchboard's OpenID
// configuration, and incoming calls POSTed to the same handler as Event
// Grid deliveries with a secret in the URL.
func TestConformanceHTTPFace(t *testing.T) {
	callingtest.Run(t, func(t *testing.T) callingtest.Env {
		env, _ := newHTTPEnv(t, nil)
		return env
	})
}

// newHTTPEnv starts a switchboard with its HTTP face, a callback receiver
// (calling's CallbackHandler) on loopback, and a real client of the HTTP
// face.
func newHTTPEnv(t testing.TB, configure func(*fake.Options)) (callingtest.Env, *fake.Switchboard) {
	clock := identityfake.NewClock(start())
	rec := callingtest.NewRecorder()
	// The receiver exists before the switchboard, which posts incoming
	// calls to it; its handler, which discovers the switchboard's keys,
	// after.
	var handler *calling.CallbackHandler
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	opts := &fake.Options{
		Clock:               clock,
		ParticipantPageSize: 2,
		CallerIDs:           []string{callerID.PhoneNumber},
		EventGridURL:        cb.URL + "/eventgrid?secret=grid-secret", // incoming calls reach the handler as Event Grid deliveries
	}
	if configure != nil {
		configure(opts)
	}
	sb := fake.New(opts)
	api := sb.NewServer()
	var err error
	handler, err = calling.NewCallbackHandler(sb.ResourceID(), &calling.CallbackHandlerOptions{
		CallbackAuthOptions: calling.CallbackAuthOptions{
			OpenIDConfigurationURL: api.URL + fake.PathOpenIDConfiguration,
			HTTPClient:             api.Client(),
			Clock:                  clock,
		},
		EventGridSecret: "grid-secret",
		Synchronous:     true,
		OnError:         func(err error) { t.Errorf("callback handler: %v", err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	handler.OnEvent(func(_ context.Context, ev calling.Event) { rec.Record(ev) })
	client, err := calling.NewClientWithAccessKey(api.URL, sb.AccessKey(), &calling.ClientOptions{ClientOptions: azcore.ClientOptions{
		InsecureAllowCredentialWithHTTP: true,
		Transport:                       api.Client(),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { handler.Close() })
	t.Cleanup(cb.Close)
	t.Cleanup(api.Close)
	t.Cleanup(func() { sb.Close() })
	return callingtest.Env{
		Service:         client,
		CallbackURL:     cb.URL + "/callback",
		Events:          rec,
		CallerID:        callerID,
		Parties:         sb,
		Advance:         clock.Advance,
		RingTimeout:     fake.DefaultRingTimeout,
		TransferTimeout: fake.DefaultTransferTimeout,
	}, sb
}
