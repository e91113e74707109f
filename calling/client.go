package calling

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/connstr"
)

// ClientOptions are the optional parameters of the client constructors. The
// embedded azcore.ClientOptions configure transport, retries, logging and
// tracing the Azure way; its APIVersion overrides DefaultAPIVersion.
//
// Each try of a request is bounded by Retry.TryTimeout: zero means 10 seconds
// (identity.DefaultTryTimeout, shared with the identity client) and a negative
// value no bound.
//
// Request and response bodies are never logged, whatever Logging.IncludeBody
// says: they carry incoming call contexts and callback URLs.
//
// With a TracingProvider (for example azotel's, over OpenTelemetry), each
// operation is a span named "Client.<Operation>" ("Client.CreateCall"; a
// CallConnection's operations are the client's, and ListParticipants is a
// span per page) with azcore's span of each HTTP try below it, and a
// failure recorded on it; without one, tracing costs nothing. Every request
// carries an x-ms-client-request-id, which errors show (see
// ClientRequestID).
type ClientOptions struct {
	azcore.ClientOptions

	// Clock dates the Repeatability-First-Sent header; nil means the system
	// clock.
	Clock identity.Clock
}

// Client is the ACS Call Automation client. It is safe for concurrent use.
//
// Every POST the API declares repeatable (create, answer, redirect, reject,
// connect, terminate, transfer, and the participant operations) carries a
// Repeatability-Request-ID (a random UUID) and Repeatability-First-Sent,
// set once per call before the pipeline's retry policy, so a retry sends the
// same pair and the service executes the request at most once.
type Client struct {
	c          *acsclient.Client
	apiVersion string
	now        func() time.Time
	// loopback is set when the endpoint is on loopback (a fake, a test
	// server): only then may callback URLs be plain http.
	loopback bool
}

var _ Service = (*Client)(nil)

func (*Client) service() {}

// NewClient returns a client for the ACS resource at endpoint
// ("https://<resource>.communication.azure.com") that authenticates with an
// Entra ID credential (scope https://communication.azure.com//.default), for
// example one from azidentity.
func NewClient(endpoint string, cred azcore.TokenCredential, opts *ClientOptions) (*Client, error) {
	if cred == nil {
		return nil, argErr("cred", "nil credential")
	}
	return newClient(endpoint, acsclient.Auth{Credential: cred}, opts)
}

// NewClientWithAccessKey returns a client that signs its requests with the
// resource's access key (base64, as shown in the Azure portal).
func NewClientWithAccessKey(endpoint, accessKey string, opts *ClientOptions) (*Client, error) {
	key, err := connstr.DecodeKey(accessKey)
	if err != nil {
		return nil, argErr("accessKey", "not a base64 access key")
	}
	return newClient(endpoint, acsclient.Auth{AccessKey: key}, opts)
}

// NewClientFromConnectionString returns a client for the resource and access
// key named by an ACS connection string
// ("endpoint=https://<resource>.communication.azure.com/;accesskey=<base64>").
func NewClientFromConnectionString(connectionString string, opts *ClientOptions) (*Client, error) {
	endpoint, key, err := acsclient.ParseConnectionString(connectionString)
	if err != nil {
		return nil, err
	}
	return newClient(endpoint, acsclient.Auth{AccessKey: key}, opts)
}

func newClient(endpoint string, auth acsclient.Auth, opts *ClientOptions) (*Client, error) {
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	c, err := acsclient.New("github.com/teamsuser-sdk/teamsuser-go/calling", endpoint, auth, &o.ClientOptions)
	if err != nil {
		return nil, fmt.Errorf("calling: %w", err)
	}
	v := o.APIVersion
	if v == "" {
		v = DefaultAPIVersion
	}
	clk := o.Clock
	if clk == nil {
		clk = identity.SystemClock()
	}
	cl := &Client{c: c, apiVersion: v, now: clk.Now}
	if u, err := url.Parse(c.Endpoint); err == nil {
		cl.loopback = callwire.IsLoopbackHost(u.Hostname())
	}
	return cl, nil
}

// Endpoint returns the endpoint the client talks to.
func (c *Client) Endpoint() string { return c.c.Endpoint }

// CallConnection binds a call connection id to the client.
func (c *Client) CallConnection(callConnectionID string) CallConnection {
	return NewCallConnection(c, callConnectionID)
}

// call describes one request.
type call struct {
	method string
	// path is relative to the endpoint; rawURL, when set, is used instead
	// (a next link, already resolved and checked).
	path   string
	rawURL string
	body   any
	// repeatable adds the repeatability headers.
	repeatable bool
	ok         []int
}

// do sends one request and decodes the response body into out (nil: the
// body is drained and dropped).
func (c *Client) do(ctx context.Context, k call, out any) error {
	if ctx == nil {
		return argErr("ctx", "nil context")
	}
	target := k.rawURL
	if target == "" {
		target = c.c.Endpoint + k.path
	}
	req, err := runtime.NewRequest(ctx, k.method, target)
	if err != nil {
		return fmt.Errorf("calling: building the request: %w", err)
	}
	raw := req.Raw()
	if k.rawURL == "" {
		raw.URL.RawQuery = url.Values{"api-version": {c.apiVersion}}.Encode()
	}
	raw.Header.Set("Accept", "application/json")
	if k.repeatable {
		// Set once, here, before the pipeline: the retry policy resends
		// this request's headers unchanged on every attempt.
		callwire.NewRepeatability(c.now()).Set(raw.Header)
	}
	if k.body != nil {
		if err := acsclient.SetJSON(req, k.body); err != nil {
			return fmt.Errorf("calling: encoding the request: %w", err)
		}
	}
	resp, err := c.c.Do(req, k.ok...)
	if err != nil {
		return err
	}
	if out == nil {
		runtime.Drain(resp)
		return nil
	}
	if err := runtime.UnmarshalAsJSON(resp, out); err != nil {
		return fmt.Errorf("calling: decoding the response: %w", err)
	}
	return nil
}

// checkID checks a call connection id (or an invitation id) before it goes
// into a path or a body.
func checkID(arg, id string) error {
	if id == "" {
		return argErr(arg, "empty")
	}
	return nil
}

// errNoConnectionID is returned when a response that must name the new call
// connection does not.
var errNoConnectionID = errors.New("calling: the service's response has no callConnectionId")

var statusOK = []int{http.StatusOK}
