// Package acsclient builds the azcore pipeline that every ACS data-plane
// client of this module (identity, calling) runs on: endpoint checks, the
// authentication policy (Entra bearer token or HMAC access key) in the
// per-retry position, a per-try timeout, retry rules for requests that are
// not safe to send twice, and logging settings that keep secrets out of logs.
package acsclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/connstr"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
	"github.com/teamsuser-sdk/teamsuser-go/internal/reqbody"
	"github.com/teamsuser-sdk/teamsuser-go/internal/requestid"
	"github.com/teamsuser-sdk/teamsuser-go/internal/retryafter"
)

// Scope is the Entra ID scope of an ACS resource's data plane.
const Scope = "https://communication.azure.com//.default"

// ModuleName and ModuleVersion identify this module in the User-Agent header.
const (
	ModuleName    = "github.com/teamsuser-sdk/teamsuser-go"
	ModuleVersion = "v0.1.0"
)

// Auth is how a client authenticates: exactly one of Credential and AccessKey.
type Auth struct {
	// Credential is an Entra ID credential for the ACS resource.
	Credential azcore.TokenCredential
	// AccessKey is the resource's decoded access key (HMAC-SHA256 signing).
	AccessKey []byte
}

// ErrInvalidEndpoint is wrapped by the error New returns for an unusable endpoint.
var ErrInvalidEndpoint = errors.New("invalid endpoint")

// DefaultTryTimeout bounds each try of a request (each send by the retry
// policy, response body included) when azcore's ClientOptions.Retry.TryTimeout
// is zero; a negative TryTimeout means no per-try bound. The ACS data-plane
// operations answer small bodies in well under a second, so a try that takes
// longer than this is stuck (a dead connection, a hung front end) and is
// better abandoned, and retried where that is safe, than waited for until the
// caller's own deadline. It is a choice: the service documents no latency.
const DefaultTryTimeout = 10 * time.Second

// Client is an azcore client bound to one ACS endpoint.
type Client struct {
	// Endpoint is the normalised endpoint, without a trailing slash.
	Endpoint string
	// Pipeline runs the requests.
	*azcore.Client

	retry policy.RetryOptions // the client's retry options, TryTimeout resolved
}

// CheckEndpoint validates and normalises an ACS endpoint: an absolute http or
// https URL with a host and no query or fragment. Plain http is accepted only
// when allowHTTP is set (tests against a local fake).
func CheckEndpoint(endpoint string, allowHTTP bool) (string, error) {
	if endpoint == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidEndpoint)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("%w: not a URL", ErrInvalidEndpoint)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("%w: scheme must be https, not %q", ErrInvalidEndpoint, u.Scheme)
	case u.Scheme == "http" && !allowHTTP:
		return "", fmt.Errorf("%w: plain http sends credentials in clear text; use https, or set InsecureAllowCredentialWithHTTP for a local test server", ErrInvalidEndpoint)
	case u.Host == "":
		return "", fmt.Errorf("%w: no host", ErrInvalidEndpoint)
	case u.User != nil:
		return "", fmt.Errorf("%w: user information is not allowed", ErrInvalidEndpoint)
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("%w: query and fragment are not allowed", ErrInvalidEndpoint)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// IsLoopback reports whether an endpoint's host is a loopback address.
func IsLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// New builds the client of package pkg (its import path, the name of the
// client's tracer). opts may be nil. The options are copied; body logging
// is always off because ACS request and response bodies carry tokens.
func New(pkg, endpoint string, auth Auth, opts *azcore.ClientOptions) (*Client, error) {
	var o azcore.ClientOptions
	if opts != nil {
		o = *opts
	}
	ep, err := CheckEndpoint(endpoint, o.InsecureAllowCredentialWithHTTP)
	if err != nil {
		return nil, err
	}
	var authPolicy policy.Policy
	switch {
	case auth.Credential != nil && auth.AccessKey != nil:
		return nil, errors.New("both a credential and an access key were given; pass one")
	case auth.Credential != nil:
		authPolicy = runtime.NewBearerTokenPolicy(auth.Credential, []string{Scope}, &policy.BearerTokenOptions{
			InsecureAllowCredentialWithHTTP: o.InsecureAllowCredentialWithHTTP,
		})
	case len(auth.AccessKey) > 0:
		authPolicy = hmacauth.NewPolicy(auth.AccessKey, nil)
	default:
		return nil, errors.New("no credential: pass an azcore.TokenCredential or an access key")
	}
	switch {
	case o.Retry.TryTimeout == 0:
		o.Retry.TryTimeout = DefaultTryTimeout
	case o.Retry.TryTimeout < 0:
		// azcore treats only zero as "no per-try timeout"; a negative one
		// would end every try at once.
		o.Retry.TryTimeout = 0
	}
	o.Logging.IncludeBody = false
	// The Authorization header carries an Entra token or an HMAC signature:
	// it stays redacted even if the caller allowed it.
	o.Logging.AllowedHeaders = slices.DeleteFunc(slices.Clone(o.Logging.AllowedHeaders), func(h string) bool {
		return strings.EqualFold(h, "Authorization")
	})
	o.Logging.AllowedHeaders = append(o.Logging.AllowedHeaders,
		"x-ms-date", "Repeatability-Request-ID", "Repeatability-First-Sent", "Repeatability-Result", "MS-CV", "X-Microsoft-Skype-Chain-ID", "Retry-After")
	o.Logging.AllowedQueryParams = append(append([]string(nil), o.Logging.AllowedQueryParams...), "api-version", "maxPageSize")
	c, err := azcore.NewClient(ModuleName, ModuleVersion, runtime.PipelineOptions{
		// ClientOptions.APIVersion, when set, replaces the api-version query
		// parameter each client writes with its default.
		APIVersion: runtime.APIVersionOptions{Name: "api-version", Location: runtime.APIVersionLocationQueryParam},
		// x-ms-client-request-id on every request, as the official SDKs
		// send it (see HeaderClientRequestID). Per call, before the retry
		// policy, so that every try of a call carries the same id.
		PerCall: []policy.Policy{requestid.Policy(HeaderClientRequestID)},
		// The body of each try goes out with its headers (see reqbody):
		// last, after the signature is made over it.
		PerRetry: []policy.Policy{bearerOverride{authPolicy}, reqbody.Policy()},
		// Spans carry az.namespace, the resource provider namespace of
		// Communication Services (Microsoft.Communication/communicationServices
		// in Azure Resource Manager), as Azure SDK spans name their service.
		Tracing: runtime.TracingOptions{Namespace: "Microsoft.Communication"},
	}, &o)
	if err != nil {
		return nil, err
	}
	// The tracer is named after the package (identity, calling), so that
	// their spans, both "Client.<Operation>", tell apart; the User-Agent
	// keeps naming the module.
	return &Client{Endpoint: ep, Client: c.WithClientName(pkg), retry: o.Retry}, nil
}

// StartSpan starts the span of one public operation of the client, named
// "Client.<Operation>" as the Azure SDKs name theirs, under which azcore
// adds a span for each HTTP try; the function it returns ends the span,
// recording a non-nil error as its failure. Without a TracingProvider it
// costs a branch and allocates nothing. A nil ctx (which the operation
// refuses) gets no span.
func (c *Client) StartSpan(ctx context.Context, name string) (context.Context, func(error)) {
	if ctx == nil {
		return ctx, func(error) {}
	}
	return runtime.StartSpan(ctx, name, c.Tracer(), nil)
}

type bearerKey struct{}

// WithBearerToken returns ctx with which a request of the client is
// authenticated with token ("Authorization: Bearer <token>") instead of the
// client's own credential or access key: for the ACS operations that take
// the caller's Entra token as their authentication, such as the Teams Phone
// token exchange. The endpoint's scheme was checked by New (https, or http
// only with InsecureAllowCredentialWithHTTP).
func WithBearerToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, bearerKey{}, token)
}

// bearerOverride is the client's authentication policy, or the bearer token
// of WithBearerToken when the request's context has one.
type bearerOverride struct{ inner policy.Policy }

func (p bearerOverride) Do(req *policy.Request) (*http.Response, error) {
	if tok, ok := req.Raw().Context().Value(bearerKey{}).(string); ok {
		req.Raw().Header.Set("Authorization", "Bearer "+tok)
		return req.Next()
	}
	return p.inner.Do(req)
}

// RetryUnprocessedOnly returns ctx with the client's retry options changed
// for one call so that a request is sent again only where the service cannot
// have acted on it:
//
//   - 429 Too Many Requests (ACS throttles before it processes a request);
//   - 503 Service Unavailable with a Retry-After header (the service says
//     when to come back; without the header a 503 may come from a gateway
//     after the request reached the service);
//   - a connection that could not be opened (a dial or DNS error: nothing
//     was sent).
//
// Nothing else is retried: a 500, 502 or 504, a try that timed out, or a
// connection that broke after the request was written may each have followed
// a request the service executed, so the error goes back to the caller, who
// knows whether sending it again is safe. Delays, MaxRetries and TryTimeout
// are the client's; a ShouldRetry of the client's options is replaced.
func (c *Client) RetryUnprocessedOnly(ctx context.Context) context.Context {
	o := c.retry
	o.ShouldRetry = unprocessed
	return policy.WithRetryOptions(ctx, o)
}

// unprocessed is the ShouldRetry of RetryUnprocessedOnly.
func unprocessed(resp *http.Response, err error) bool {
	if err != nil {
		return NotSent(err)
	}
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		return strings.TrimSpace(resp.Header.Get("Retry-After")) != ""
	}
	return false
}

// NotSent reports a transport error that happened before any byte of the
// request was written: the connection could not be opened.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// RetryAfter returns how long a response's headers ask the client to wait
// before it tries again, as azcore reads them: x-ms-retry-after-ms, then
// retry-after-ms (milliseconds), then Retry-After (seconds or an HTTP date,
// RFC 9110 §10.2.3). It returns 0 when none is present or readable, and
// never a negative duration. The values are the service's, untrusted: the
// caller bounds what it does with them.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	for _, name := range []string{"x-ms-retry-after-ms", "retry-after-ms"} {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			continue
		}
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
			const maxMS = int64(1<<63-1) / int64(time.Millisecond)
			return time.Duration(min(ms, maxMS)) * time.Millisecond
		}
	}
	return retryafter.Parse(h.Get("Retry-After"), now)
}

// ParseConnectionString parses an ACS connection string into an endpoint and
// a decoded access key.
func ParseConnectionString(s string) (endpoint string, key []byte, err error) {
	cs, err := connstr.Parse(s)
	if err != nil {
		return "", nil, err
	}
	return cs.Endpoint, cs.AccessKey, nil
}

// SetJSON sets the JSON of v as req's body, kept in memory so that it goes
// out with the request's headers (see package reqbody).
func SetJSON(req *policy.Request, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return reqbody.Set(req, b, "application/json")
}

// Do sends req through the pipeline and returns the response when its status
// is one of ok; otherwise it returns a *ResponseError, which unwraps to the
// *azcore.ResponseError of the response.
func (c *Client) Do(req *policy.Request, ok ...int) (*http.Response, error) {
	resp, err := c.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, ok...) {
		return nil, newResponseError(runtime.NewResponseError(resp))
	}
	return resp, nil
}
