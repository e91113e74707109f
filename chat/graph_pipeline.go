package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	abs "github.com/microsoft/kiota-abstractions-go"
	kauth "github.com/microsoft/kiota-abstractions-go/authentication"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	kjson "github.com/microsoft/kiota-serialization-json-go"
	ktext "github.com/microsoft/kiota-serialization-text-go"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// The HTTP stack of a Client made by NewClient is built here, explicitly and
// in a fixed order (kiota-http-go's default middleware comes from a map, so
// its order changes from one client to the next, and its retry handler
// resends message POSTs). From the outside in:
//
//	kiota request adapter (serialisation, URI templates, error mapping)
//	└ net/http.Client without timeout or redirects
//	  └ kiota middleware, in this order:
//	    1. UrlReplaceHandler: /users/me-token-to-replace → /me
//	    2. ParametersNameDecodingHandler: %24top → $top
//	    └ azcore pipeline (policies run in this order):
//	      3. telemetry (User-Agent), client-request-id (once per call),
//	         ClientOptions.PerCallPolicies
//	      4. azcore's retry policy, switched off (MaxRetries -1)
//	      5. graphRetryPolicy: this package's retry rules (retry.go)
//	      6. bearer token from the azcore.TokenCredential (per try)
//	      7. ClientOptions.PerRetryPolicies, HTTP headers, tracing
//	      8. azcore's logging policy (azcore/log; Authorization and
//	         other headers and query values outside an allow-list are
//	         REDACTED; bodies are never logged)
//	      9. body download (not for GETs without a TryTimeout: the Graph
//	         SDK reads those bodies itself, once), then ClientOptions.Transport
//
// There is no compression handler: request bodies go out as they are, so a
// retried request is byte-for-byte the first one. Responses are decompressed
// by the transport.

// DefaultBaseURL is the Microsoft Graph endpoint a Client talks to unless
// ClientOptions.BaseURL says otherwise.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0"

// moduleName and moduleVersion go into the User-Agent header.
const (
	moduleName    = "teamsuser-go/chat"
	moduleVersion = "v0.1.0"
)

// meToken is the path segment the Graph SDK's /me builders use under
// /users/{id}; UrlReplaceHandler turns "/users/me-token-to-replace" back into
// "/me".
const meToken = "me-token-to-replace"

// loggedHeaders are the response and request headers whose values azcore's
// logging policy may print; everything else (Authorization first) is REDACTED.
var loggedHeaders = []string{"request-id", "client-request-id", "x-ms-ags-diagnostic", "Retry-After", "Location", "Content-Type"}

// loggedQuery are the query parameters whose values may be logged. $filter is
// not among them (it can carry a meeting join link), nor $skiptoken.
var loggedQuery = []string{"$top", "$expand", "$orderby", "$select", "$count", "api-version"}

// pipelineConfig is what newGraphAdapter needs, resolved from ClientOptions.
type pipelineConfig struct {
	baseURL   string
	scopes    []string
	azOptions policy.ClientOptions
	clock     identity.Clock
	retry     retryRules
}

// newGraphAdapter builds the kiota request adapter over the explicit chain.
func newGraphAdapter(cred azcore.TokenCredential, cfg pipelineConfig) (*khttp.NetHttpRequestAdapter, error) {
	az := cfg.azOptions
	// This package's retry policy replaces azcore's: which failures may be
	// sent again depends on the method and the status, see retry.go.
	az.Retry = policy.RetryOptions{MaxRetries: -1}
	// Bodies carry message content and subscription client states: they are
	// never logged, whatever Logging.IncludeBody says.
	az.Logging.IncludeBody = false
	// Whatever the allow-list says, credentials are never logged.
	az.Logging.AllowedHeaders = withoutSecretHeaders(az.Logging.AllowedHeaders)
	u, _ := url.Parse(cfg.baseURL) // checked by the caller
	bearer := runtime.NewBearerTokenPolicy(cred, cfg.scopes, &policy.BearerTokenOptions{
		InsecureAllowCredentialWithHTTP: az.InsecureAllowCredentialWithHTTP || isLoopbackHTTP(u),
	})
	pl := runtime.NewPipeline(moduleName, moduleVersion, runtime.PipelineOptions{
		PerCall:                []policy.Policy{clientRequestIDPolicy{}},
		PerRetry:               []policy.Policy{&graphRetryPolicy{rules: cfg.retry, clock: cfg.clock}, bearer, failedResponsePolicy{}},
		AllowedHeaders:         loggedHeaders,
		AllowedQueryParameters: loggedQuery,
	}, &az)

	middleware := []khttp.Middleware{
		khttp.NewUrlReplaceHandler(true, map[string]string{"/users/" + meToken: "/me"}),
		khttp.NewParametersNameDecodingHandler(),
	}
	httpClient := &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(pipelineTransport{pl}, middleware...),
		// No redirects are followed: Graph's chat API does not redirect, and a
		// redirect must not carry the Authorization header elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		// No client timeout: every call honours its ctx; kiota would otherwise
		// wrap each call in a 100 s context of its own.
	}
	adapter, err := khttp.NewNetHttpRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		&kauth.AnonymousAuthenticationProvider{}, newParseNodeFactory(), newSerializationWriterFactory(), httpClient)
	if err != nil {
		return nil, err
	}
	adapter.SetBaseUrl(cfg.baseURL)
	return adapter, nil
}

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

// newParseNodeFactory returns a registry of its own (not kiota's global one,
// which other code in the process may change) for the content types Graph's
// chat API answers with.
func newParseNodeFactory() absser.ParseNodeFactory {
	r := absser.NewParseNodeFactoryRegistry()
	j := kjson.NewJsonParseNodeFactory()
	t := ktext.NewTextParseNodeFactory()
	r.ContentTypeAssociatedFactories["application/json"] = j
	r.ContentTypeAssociatedFactories["text/plain"] = t
	return r
}

func newSerializationWriterFactory() absser.SerializationWriterFactory {
	r := absser.NewSerializationWriterFactoryRegistry()
	r.ContentTypeAssociatedFactories["application/json"] = kjson.NewJsonSerializationWriterFactory()
	r.ContentTypeAssociatedFactories["text/plain"] = ktext.NewTextSerializationWriterFactory()
	return r
}

// pipelineTransport hands the requests of the kiota middleware to the azcore
// pipeline.
type pipelineTransport struct{ pl runtime.Pipeline }

// RoundTrip implements http.RoundTripper.
func (t pipelineTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	preq, err := runtime.NewRequestFromRequest(req)
	if err != nil {
		return nil, err
	}
	return t.pl.Do(preq)
}

// clientRequestIDPolicy sets Graph's client-request-id header once per call,
// so that every try of a call carries the same id (Graph echoes it in
// innerError and support can trace the call with it).
type clientRequestIDPolicy struct{}

// Do implements policy.Policy.
func (clientRequestIDPolicy) Do(req *policy.Request) (*http.Response, error) {
	if req.Raw().Header.Get("client-request-id") == "" {
		req.Raw().Header.Set("client-request-id", newUUID())
	}
	return req.Next()
}

// failedResponse keeps the last failed response (status ≥ 400) of one call,
// so that graphError can build the *Error from the raw status, headers and
// body when the Graph SDK could not read the body (not JSON, truncated) and
// returned only a parse error.
type failedResponse struct {
	mu     sync.Mutex
	status int
	header http.Header
	body   []byte
}

type failedResponseKey struct{}

func withFailedResponse(ctx context.Context, fr *failedResponse) context.Context {
	return context.WithValue(ctx, failedResponseKey{}, fr)
}

func (fr *failedResponse) get() (int, http.Header, []byte) {
	if fr == nil {
		return 0, nil, nil
	}
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.status, fr.header, fr.body
}

// failedResponsePolicy records failed responses into the call's
// failedResponse. It sits below the body download, so the body is in memory.
type failedResponsePolicy struct{}

// Do implements policy.Policy.
func (failedResponsePolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil || resp.StatusCode < 400 {
		return resp, err
	}
	fr, _ := req.Raw().Context().Value(failedResponseKey{}).(*failedResponse)
	if fr == nil {
		return resp, err
	}
	body, perr := runtime.Payload(resp) // keeps the body readable for the SDK
	if perr != nil {
		body = nil
	}
	fr.mu.Lock()
	fr.status, fr.header, fr.body = resp.StatusCode, resp.Header.Clone(), body
	fr.mu.Unlock()
	return resp, err
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
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

// externalRetryOption is added to every request of a Client made with
// NewClientFromGraph: the GraphServiceClient's own kiota retry handler then
// follows this package's rules (it would otherwise resend a message POST
// after a 504), since a per-request option overrides the handler's own.
func externalRetryOption(rules retryRules) abs.RequestOption {
	return &khttp.RetryHandlerOptions{
		MaxRetries:   rules.maxRetries,
		DelaySeconds: 1,
		ShouldRetry: func(_ time.Duration, executionCount int, req *http.Request, resp *http.Response) bool {
			if executionCount >= rules.maxRetries {
				return false
			}
			ok, _ := rules.verdict(retryMethod(req), resp, nil, req.Context())
			return ok
		},
	}
}
