// Package acsclient builds the azcore pipeline that every ACS data-plane
// client of this module (identity, calling) runs on: endpoint checks, the
// authentication policy (Entra bearer token or HMAC access key) in the
// per-retry position, and logging settings that keep secrets out of logs.
package acsclient

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/connstr"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
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

// Client is an azcore client bound to one ACS endpoint.
type Client struct {
	// Endpoint is the normalised endpoint, without a trailing slash.
	Endpoint string
	// Pipeline runs the requests.
	*azcore.Client
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

// New builds the client. opts may be nil. The options are copied; body
// logging is always off because ACS request and response bodies carry tokens.
func New(endpoint string, auth Auth, opts *azcore.ClientOptions) (*Client, error) {
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
	o.Logging.IncludeBody = false
	o.Logging.AllowedHeaders = append(append([]string(nil), o.Logging.AllowedHeaders...),
		"x-ms-date", "Repeatability-Request-ID", "Repeatability-First-Sent", "Repeatability-Result", "MS-CV", "X-Microsoft-Skype-Chain-ID", "Retry-After")
	o.Logging.AllowedQueryParams = append(append([]string(nil), o.Logging.AllowedQueryParams...), "api-version", "maxPageSize")
	c, err := azcore.NewClient(ModuleName, ModuleVersion, runtime.PipelineOptions{
		// ClientOptions.APIVersion, when set, replaces the api-version query
		// parameter each client writes with its default.
		APIVersion: runtime.APIVersionOptions{Name: "api-version", Location: runtime.APIVersionLocationQueryParam},
		PerRetry:   []policy.Policy{authPolicy},
	}, &o)
	if err != nil {
		return nil, err
	}
	return &Client{Endpoint: ep, Client: c}, nil
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

// Do sends req through the pipeline and returns the response when its status
// is one of ok; otherwise it returns an *azcore.ResponseError.
func (c *Client) Do(req *policy.Request, ok ...int) (*http.Response, error) {
	resp, err := c.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, ok...) {
		return nil, runtime.NewResponseError(resp)
	}
	return resp, nil
}
