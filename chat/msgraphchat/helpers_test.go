package msgraphchat_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	abs "github.com/microsoft/kiota-abstractions-go"
	kauth "github.com/microsoft/kiota-abstractions-go/authentication"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	kjson "github.com/microsoft/kiota-serialization-json-go"
	ktext "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat/msgraphchat"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// This file builds what a program that uses msgraph-sdk-go directly has:
// the SDK's request adapter with its default HTTP client (kiota's default
// middleware, its retry and compression handlers included) and bearer
// authentication. It stands in for *msgraphsdk.GraphServiceClient, whose
// root package is built only with -tags msgraphroot (msgraphroot_test.go).

// fakeGraph is a seeded chat fake served on loopback.
type fakeGraph struct {
	svc    *fake.Service
	seeded fake.Seeded
	srv    *httptest.Server
	clock  *identityfake.Clock
}

func newFakeGraph(t testing.TB) *fakeGraph {
	t.Helper()
	clock := identityfake.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, sd := fake.NewSeeded(&fake.Options{Clock: clock})
	t.Cleanup(func() { _ = svc.Close() })
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return &fakeGraph{svc: svc, seeded: sd, srv: srv, clock: clock}
}

// tokenProvider hands kiota a fixed access token for the loopback fake.
type tokenProvider struct{ token string }

func (p tokenProvider) GetAuthorizationToken(context.Context, *url.URL, map[string]any) (string, error) {
	return p.token, nil
}

func (p tokenProvider) GetAllowedHostsValidator() *kauth.AllowedHostsValidator {
	v, err := kauth.NewAllowedHostsValidatorErrorCheck(nil) // every host: the fake's port varies
	if err != nil {
		panic(err) // no hosts cannot be a bad host
	}
	return v
}

// graphClient is the part of a GraphServiceClient msgraphchat.NewClient
// uses.
type graphClient struct{ adapter abs.RequestAdapter }

func (g graphClient) GetAdapter() abs.RequestAdapter { return g.adapter }

func init() {
	// What msgraphsdk.NewGraphServiceClient registers.
	abs.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return kjson.NewJsonSerializationWriterFactory() })
	abs.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return ktext.NewTextSerializationWriterFactory() })
	abs.RegisterDefaultDeserializer(func() absser.ParseNodeFactory { return kjson.NewJsonParseNodeFactory() })
	abs.RegisterDefaultDeserializer(func() absser.ParseNodeFactory { return ktext.NewTextParseNodeFactory() })
}

// rawGraphAdapter returns the msgraph-sdk-go request adapter, as
// msgraphsdk.NewGraphRequestAdapter makes it, signed in as u on the fake.
// Without middleware it has the SDK's default chain (in the order of a Go
// map); with middleware, exactly that chain.
func rawGraphAdapter(t testing.TB, g *fakeGraph, u fake.User, middleware ...khttp.Middleware) abs.RequestAdapter {
	t.Helper()
	return tokenGraphAdapter(t, g, g.svc.TokenFor(u.ID), middleware...)
}

// tokenGraphAdapter is rawGraphAdapter signed in with token.
func tokenGraphAdapter(t testing.TB, g *fakeGraph, token string, middleware ...khttp.Middleware) abs.RequestAdapter {
	t.Helper()
	auth := kauth.NewBaseBearerTokenAuthenticationProvider(tokenProvider{token})
	opts := msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"}
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, opts, nil, nil, msgraphcore.GetDefaultClient(&opts, middleware...))
	require.NoError(t, err)
	adapter.SetBaseUrl(g.srv.URL + "/v1.0")
	return adapter
}

// client returns a chat.Client signed in as u that sends through the
// msgraph-sdk-go adapter of u (the SDK's default middleware).
func (g *fakeGraph) client(t testing.TB, u fake.User, mutate func(*msgraphchat.ClientOptions)) *chat.Client {
	t.Helper()
	o := &msgraphchat.ClientOptions{UserID: u.ID, ApplicationID: fake.ApplicationID}
	o.Retry.RetryDelay = time.Millisecond
	o.Retry.MaxRetryDelay = 10 * time.Millisecond
	if mutate != nil {
		mutate(o)
	}
	c, err := msgraphchat.NewClient(graphClient{rawGraphAdapter(t, g, u)}, o)
	require.NoError(t, err)
	return c
}

func itoa(i int) string { return strconv.Itoa(i) }

func azcoreLogging() policy.LogOptions { return policy.LogOptions{IncludeBody: true} }
