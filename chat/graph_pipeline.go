package chat

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/reqbody"
	"github.com/teamsuser-sdk/teamsuser-go/internal/requestid"
)

// The HTTP pipeline of a Client, built on azcore.NewClient. Its policies
// run in this order:
//
//  1. telemetry (User-Agent), client-request-id (once per call, so every
//     try carries the same id), ClientOptions.PerCallPolicies;
//  2. azcore's retry policy, switched off (MaxRetries -1);
//  3. graphRetryPolicy: this package's retry rules (retry.go);
//  4. bearer token from the azcore.TokenCredential (per try; none when
//     the transport authenticates, see chat/msgraphchat), then the request
//     body handed to net/http as one it writes with the headers (reqbody);
//  5. ClientOptions.PerRetryPolicies, HTTP headers, tracing;
//  6. azcore's logging policy (azcore/log; Authorization and other headers
//     and query values outside an allow-list are REDACTED; bodies are
//     never logged);
//  7. body download (not for reads without a TryTimeout: the client
//     decodes those bodies from the stream, once), then
//     ClientOptions.Transport or, by default, an http.Client that follows
//     no redirect (Graph's chat API does not redirect, and a redirect must
//     not carry the Authorization header elsewhere).
//
// Request bodies go out uncompressed, so a retried request is byte for
// byte the first one. Responses are decompressed by the transport.

// DefaultBaseURL is the Microsoft Graph endpoint a Client talks to unless
// ClientOptions.BaseURL says otherwise.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0"

// moduleName and moduleVersion go into the User-Agent header (azcore keeps
// the last element of the path: "azsdk-go-chat/v0.1.0"); moduleName names
// the client's tracer.
const (
	moduleName    = "github.com/teamsuser-sdk/teamsuser-go/chat"
	moduleVersion = "v0.1.0"
)

// loggedHeaders are the response and request headers whose values azcore's
// logging policy may print; everything else (Authorization first) is REDACTED.
var loggedHeaders = []string{"request-id", "client-request-id", "x-ms-ags-diagnostic", "Retry-After", "Location", "Content-Type"}

// loggedQuery are the query parameters whose values may be logged. $filter is
// not among them (it can carry a meeting join link), nor $skiptoken.
var loggedQuery = []string{"$top", "$expand", "$orderby", "$select", "$count", "api-version"}

// pipelineConfig is what newPipeline needs, resolved from ClientOptions.
type pipelineConfig struct {
	baseURL   *url.URL
	scopes    []string
	azOptions policy.ClientOptions
	clock     identity.Clock
	retry     retryRules
}

// checkPipelineOptions refuses the azcore options this package does not
// honour, rather than ignoring them silently.
func checkPipelineOptions(o *policy.ClientOptions) error {
	if len(o.Retry.StatusCodes) > 0 {
		return &ArgumentError{Arg: "opts.Retry.StatusCodes", Problem: "is not supported: which failures are retried is fixed by this package, so that a chat message is never posted twice"}
	}
	if o.Retry.ShouldRetry != nil {
		return &ArgumentError{Arg: "opts.Retry.ShouldRetry", Problem: "is not supported: which failures are retried is fixed by this package, so that a chat message is never posted twice"}
	}
	if o.APIVersion != "" {
		return &ArgumentError{Arg: "opts.APIVersion", Problem: "is not supported: graph's version is the last segment of opts.BaseURL"}
	}
	if o.Logging.IncludeBody {
		return &ArgumentError{Arg: "opts.Logging.IncludeBody", Problem: "is not supported: graph bodies carry messages, meeting passcodes and subscription client states"}
	}
	return nil
}

// newPipeline builds the azcore client of a Client.
func newPipeline(cred azcore.TokenCredential, byTransport bool, cfg pipelineConfig) (*azcore.Client, error) {
	az := cfg.azOptions
	// This package's retry policy replaces azcore's: which failures may be
	// sent again depends on the method and the status, see retry.go.
	az.Retry = policy.RetryOptions{MaxRetries: -1}
	// Whatever the allow-list says, credentials are never logged.
	az.Logging.AllowedHeaders = withoutSecretHeaders(az.Logging.AllowedHeaders)
	if az.Transport == nil {
		az.Transport = defaultTransport
	}
	perRetry := []policy.Policy{&graphRetryPolicy{rules: cfg.retry, clock: cfg.clock}}
	if !byTransport {
		perRetry = append(perRetry, runtime.NewBearerTokenPolicy(cred, cfg.scopes, &policy.BearerTokenOptions{
			InsecureAllowCredentialWithHTTP: az.InsecureAllowCredentialWithHTTP || isLoopbackHTTP(cfg.baseURL),
		}))
	}
	// Last: the body of each try goes out with its headers (see reqbody).
	perRetry = append(perRetry, reqbody.Policy())
	return azcore.NewClient(moduleName, moduleVersion, runtime.PipelineOptions{
		PerCall:  []policy.Policy{requestid.Policy("client-request-id")},
		PerRetry: perRetry,
		// Values of these headers and query parameters may be logged.
		AllowedHeaders:         loggedHeaders,
		AllowedQueryParameters: loggedQuery,
		Tracing:                runtime.TracingOptions{Namespace: "Microsoft.Graph"},
	}, &az)
}

// defaultTransport is the transport of a Client without
// ClientOptions.Transport: net/http's, TLS 1.2 at least, no redirects
// followed, shared by every such Client (one connection pool).
var defaultTransport = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.MaxIdleConnsPerHost = 16
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		// No client timeout: every call honours its ctx, and
		// Retry.TryTimeout bounds each try.
		Timeout: 0,
	}
}()

// secretHeaders are never taken into the logging allow-list.
var secretHeaders = map[string]bool{"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true}

func withoutSecretHeaders(in []string) []string {
	var out []string
	for _, h := range in {
		if !secretHeaders[strings.ToLower(strings.TrimSpace(h))] {
			out = append(out, h)
		}
	}
	return out
}

// isLoopbackHTTP reports a plain-HTTP URL on a loopback host (a fake on
// 127.0.0.1 in tests); only there is a bearer token sent without TLS.
func isLoopbackHTTP(u *url.URL) bool {
	if u == nil || u.Scheme != "http" {
		return false
	}
	return isLoopbackHost(u.Hostname())
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// defaultScopes returns the token scope for the Graph host of baseURL:
// "https://<host>/.default" for a national cloud, and Microsoft Graph's
// global one otherwise (including a fake on loopback).
func defaultScopes(u *url.URL) []string {
	host := strings.ToLower(u.Hostname())
	switch host {
	case "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn":
		return []string{"https://" + host + "/.default"}
	}
	return []string{"https://graph.microsoft.com/.default"}
}
