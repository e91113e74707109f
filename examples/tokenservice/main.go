// Command tokenservice serves the teamsuser token service: the backend that a
// web or mobile client of Teams users calls with the user's Entra ID token
// for the service, and that answers with the user's Azure Communication
// Services token for the ACS calling and chat SDKs (see
// tokenservice.Service for the request and answer).
//
// By default it runs offline: a fake Entra ID (tenant Fabrikam, user Adele
// Vance) and a fake ACS identity service run on loopback, the service
// listens on 127.0.0.1 (-addr to choose), and it prints a readiness line with
// its URL and a curl command carrying a freshly minted caller token, then
// serves until interrupted. With -check it makes that request itself, prints
// the answer (token redacted) and exits.
//
// Against Azure, set ACS_CONNECTION_STRING and:
//
//	TOKENSERVICE_CLIENT_ID         client id of the service's app registration: the
//	                               audience of caller tokens, and the client of the
//	                               on-behalf-of flow
//	TOKENSERVICE_TENANT_IDS        comma-separated ids of the tenants whose users may
//	                               call, or "*" for every tenant
//	TOKENSERVICE_CLIENT_SECRET     the app's client secret, for the on-behalf-of flow
//	                               (without it, clients must forward the Teams token)
//	TOKENSERVICE_APP_ID_URI        optional: the app's App ID URI (api://...), also
//	                               accepted as audience (v1.0 tokens)
//	TOKENSERVICE_FORWARDED_APP_ID  optional: client id of the app that obtains the
//	                               Teams tokens clients forward, if not the service's
//	TOKENSERVICE_ALLOWED_ORIGINS   optional: comma-separated origins of browser clients
//	TOKENSERVICE_ADDR              listen address (default "127.0.0.1:8080"; -addr wins)
//
// With -redis host:port the replicas of the service share on that Redis
// (teamsuser/redisstore) its per-user rate limits, so a user's burst is the
// limit, not replicas × limit, and the ACS tokens it hands out, so a user
// costs one exchange per token lifetime for the cluster, whichever replicas
// the requests reach (tokenservice.Options.SharedCache). REDIS_PASSWORD,
// REDIS_USERNAME, REDIS_TLS and REDIS_PREFIX come from the environment, and
// so does TOKEN_CACHE_KEYS, which -redis requires: the keys that seal the
// tokens in Redis, id:key pairs with keys of 32 random bytes in base64
// (openssl rand -base64 32), the same on every replica, the first sealing
// (see the README's "Running many replicas"). It is a secret, never printed
// or logged. Without -redis each replica keeps its own buckets and
// exchanges for each request.
//
// It listens on loopback unless -addr (or TOKENSERVICE_ADDR) names another
// address, and speaks plain HTTP unless -tls-cert and -tls-key name a PEM
// certificate chain and its key: callers send bearer tokens, so anything
// but loopback must be behind TLS — this process's own, or a reverse proxy
// that terminates TLS in front of it (see the README). The server sheds
// slow and idle clients (read, write and idle timeouts, header and body
// limits).
//
// The service's app registration exposes a delegated scope (for example
// api://.../access_as_user) that clients request, and has the delegated
// permissions Teams.ManageCalls and Teams.ManageChats of Azure Communication
// Services, which the on-behalf-of flow needs.
package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/examples/internal/redisflag"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// The (fake) app registrations of Contoso's offline world.
const (
	offlineAPIAppID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" // the token service
	offlineWebAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // its web client
	offlineScope    = "access_as_user"
	path            = "/api/token"
)

func main() {
	addr := flag.String("addr", "", "listen address (offline default 127.0.0.1:0, Azure default 127.0.0.1:8080)")
	check := flag.Bool("check", false, "offline: make the sample request, print the answer and exit")
	tlsCert := flag.String("tls-cert", "", "Azure: PEM certificate chain to serve HTTPS with (with -tls-key)")
	tlsKey := flag.String("tls-key", "", "Azure: PEM private key of -tls-cert")
	redisAddr := flag.String("redis", "", "host:port of a Redis the replicas share (REDIS_PASSWORD, REDIS_USERNAME, REDIS_TLS, REDIS_PREFIX and TOKEN_CACHE_KEYS from the environment)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	shared, closeShared, err := sharedState(ctx, *redisAddr, os.Getenv)
	if err == nil {
		defer closeShared()
		if os.Getenv("ACS_CONNECTION_STRING") != "" {
			err = runAzure(ctx, logger, *addr, *tlsCert, *tlsKey, shared)
		} else {
			err = runOffline(ctx, logger, *addr, *check, shared)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, errorLine(err))
		os.Exit(1)
	}
}

// errorLine is the program's last word: its name and the error, which
// names it already when it comes from package tokenservice (a
// configuration the service refuses).
func errorLine(err error) string {
	const name = "tokenservice: "
	if msg := err.Error(); strings.HasPrefix(msg, name) {
		return msg
	}
	return name + err.Error()
}

// shared is what the replicas share: with -redis, the rate limits' buckets
// and the ACS tokens on Redis; without, nothing (each replica its own).
type shared struct {
	rateLimit tokenservice.RateLimit
	tokens    *identity.SharedTokenCache // nil without -redis
}

// sharedState connects to the Redis at redisAddr, if any, with the rest of
// its settings from getenv.
func sharedState(ctx context.Context, redisAddr string, getenv func(string) string) (shared, func(), error) {
	if redisAddr == "" {
		return shared{}, func() {}, nil
	}
	store, closeStore, err := redisflag.Open(ctx, redisAddr, getenv)
	if err != nil {
		return shared{}, nil, err
	}
	tokens, err := redisflag.TokenCache(store, getenv)
	if err != nil {
		closeStore()
		return shared{}, nil, err
	}
	return shared{rateLimit: tokenservice.RateLimit{Store: store.RateLimits()}, tokens: tokens}, closeStore, nil
}

// apply sets the service's options of what the replicas share; the tokens
// are those of the ACS resource at acsEndpoint.
func (s shared) apply(o *tokenservice.Options, acsEndpoint string) {
	o.RateLimit = s.rateLimit
	if s.tokens != nil {
		o.SharedCache = s.tokens
		o.SharedCacheID = func(appID, userID string) string { return acsEndpoint + "/" + appID + "/" + userID }
	}
}

func runOffline(ctx context.Context, logger *slog.Logger, addr string, check bool, shared shared) error {
	// The world: Fabrikam's tenant with a Teams user at a fake Entra ID, and
	// an ACS resource, both on loopback.
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("Fabrikam")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	entraSrv := httpserver.NewTestServer(entra.Handler(), nil)
	defer entraSrv.Close()
	acs := fake.New(&fake.Options{Entra: entra})
	acsSrv := acs.NewServer()
	defer acsSrv.Close()
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(acsSrv.URL),
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return err
	}

	opts := &tokenservice.Options{
		ForwardedAppID: offlineWebAppID,
		RequiredScopes: []string{offlineScope},
		// The on-behalf-of step at the fake Entra: the caller's Teams token,
		// issued to the service's app. In Azure, azidentity does it.
		OnBehalfOf: tokenservice.OnBehalfOfCredential(func(c tokenservice.Caller, _ string) (azcore.TokenCredential, error) {
			u, ok := entra.User(c.ObjectID)
			if !ok {
				return nil, errors.New("no such user at the fake entra")
			}
			return entra.Credential(u, offlineAPIAppID, nil), nil
		}),
		AuthorityHost: entraSrv.URL,
		HTTPClient:    entraSrv.Client(),
		CORS:          &tokenservice.CORS{AllowedOrigins: []string{"http://localhost:3000"}},
		Logger:        logger,
	}
	shared.apply(opts, client.Endpoint())
	svc, err := tokenservice.New(tokenservice.Config{
		Exchanger: client,
		AppID:     offlineAPIAppID,
		Audiences: []string{offlineAPIAppID, "api://contoso-token-service"},
		Tenants:   []string{fabrikam.ID},
	}, opts)
	if err != nil {
		return err
	}
	defer svc.Close() // after the server has stopped: ends a key fetch in flight
	srv := newServer(addr, svc, nil)
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	url := srv.URL(ln) + path

	// What the web client holds after Adele signs in: her token for the
	// service's API (a fake one, valid for an hour).
	callerToken, _, err := entra.TeamsUserToken(adele, offlineWebAppID, fake.V2(),
		fake.WithAudience(offlineAPIAppID), fake.WithScopes(offlineScope))
	if err != nil {
		ln.Close()
		return err
	}

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx, ln) }()
	fmt.Printf("tokenservice: ready at %s (offline: fake Entra ID at %s, fake ACS at %s; caller %s of %s)\n",
		url, entraSrv.URL, acsSrv.URL, adele.UPN, fabrikam.Name)
	fmt.Printf("try:\n  curl -s -X POST -H 'Authorization: Bearer %s' %s\n", callerToken, url)

	if check {
		// The client asks twice, as a page that is loaded again does.
		err := sample(ctx, url, callerToken)
		if err == nil {
			err = sample(ctx, url, callerToken)
		}
		if err == nil {
			fmt.Printf("check: 2 requests, exchanges with ACS: %d\n", len(acs.Exchanges()))
		}
		stop()
		return errors.Join(err, <-served)
	}
	return <-served
}

// newServer is the token service's HTTP server: on addr (empty means
// loopback, any port), the service at path, every timeout and limit set,
// HTTPS when tlsConfig is set.
func newServer(addr string, svc http.Handler, tlsConfig *tls.Config) *httpserver.Server {
	m := http.NewServeMux()
	m.Handle(path, svc)
	return httpserver.New(addr, m, &httpserver.Options{
		// The service reads at most tokenservice.DefaultMaxBodyBytes of a body.
		MaxBodyBytes: 2 * tokenservice.DefaultMaxBodyBytes,
		TLSConfig:    tlsConfig,
	})
}

// sample makes the request the curl command shows and prints the answer,
// with the ACS token redacted.
func sample(ctx context.Context, url, callerToken string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+callerToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sample request: %d %s", resp.StatusCode, body)
	}
	var out tokenservice.Response
	if err := json.Unmarshal(body, &out); err != nil {
		return err
	}
	fmt.Printf("check: %d %v\n", resp.StatusCode, out)
	return nil
}

func runAzure(ctx context.Context, logger *slog.Logger, addr, tlsCert, tlsKey string, shared shared) error {
	clientID := os.Getenv("TOKENSERVICE_CLIENT_ID")
	tenants := splitList(os.Getenv("TOKENSERVICE_TENANT_IDS"))
	if clientID == "" || len(tenants) == 0 {
		return errors.New("set TOKENSERVICE_CLIENT_ID and TOKENSERVICE_TENANT_IDS (see the doc comment)")
	}
	client, err := identity.NewClientFromConnectionString(os.Getenv("ACS_CONNECTION_STRING"), nil)
	if err != nil {
		return err
	}
	cfg := tokenservice.Config{
		Exchanger: client,
		AppID:     clientID,
		Audiences: []string{clientID},
		Tenants:   tenants, // "*" alone is tokenservice.AnyTenant
	}
	if uri := os.Getenv("TOKENSERVICE_APP_ID_URI"); uri != "" {
		cfg.Audiences = append(cfg.Audiences, uri)
	}
	opts := &tokenservice.Options{
		ForwardedAppID: os.Getenv("TOKENSERVICE_FORWARDED_APP_ID"),
		Logger:         logger,
	}
	shared.apply(opts, client.Endpoint())
	if secret := os.Getenv("TOKENSERVICE_CLIENT_SECRET"); secret != "" {
		opts.OnBehalfOf = tokenservice.OnBehalfOfCredential(func(c tokenservice.Caller, assertion string) (azcore.TokenCredential, error) {
			return azidentity.NewOnBehalfOfCredentialWithSecret(c.TenantID, clientID, assertion, secret, nil)
		})
	}
	if origins := splitList(os.Getenv("TOKENSERVICE_ALLOWED_ORIGINS")); len(origins) > 0 {
		opts.CORS = &tokenservice.CORS{AllowedOrigins: origins}
	}
	svc, err := tokenservice.New(cfg, opts)
	if err != nil {
		return err
	}
	defer svc.Close() // after the server has stopped: ends a key fetch in flight
	addr = azureAddr(addr, os.Getenv("TOKENSERVICE_ADDR"))
	var tlsConfig *tls.Config
	if tlsCert != "" || tlsKey != "" {
		if tlsCert == "" || tlsKey == "" {
			return errors.New("-tls-cert and -tls-key go together")
		}
		if tlsConfig, err = httpserver.LoadTLS(tlsCert, tlsKey); err != nil {
			return err
		}
	}
	srv := newServer(addr, svc, tlsConfig)
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	fmt.Printf("tokenservice: ready at %s%s (ACS %s, tenants %s)\n", srv.URL(ln), path, client.Endpoint(), strings.Join(tenants, ","))
	return srv.Run(ctx, ln)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// azureAddr is where the service listens against Azure: the -addr flag,
// else TOKENSERVICE_ADDR, else loopback only (127.0.0.1:8080), so that a
// service started without saying where is not reachable from other hosts
// in plain HTTP; TLS terminates in front of it (see the README).
func azureAddr(flag, env string) string {
	return cmp.Or(flag, env, "127.0.0.1:8080")
}
