// Package msgraphchat is the way into package chat for services that
// already use msgraph-sdk-go: NewClient returns a *chat.Client that sends
// its requests through an existing *msgraphsdk.GraphServiceClient (its
// request adapter, authentication provider, HTTP client, middleware and
// base URL), and the functions of convert.go turn chat's plain types into
// msgraph-sdk-go models and back.
//
// It is the only package of this module that imports msgraph-sdk-go or
// kiota. Building a program that imports them takes gigabytes of memory
// and minutes of CPU; packages chat, chat/fake and teamsuser do not pay
// for it.
package msgraphchat

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/transportauth"
)

// GraphServiceClient is what NewClient needs of a
// *msgraphsdk.GraphServiceClient (package
// github.com/microsoftgraph/msgraph-sdk-go), which has this method. Taking
// the interface rather than the type keeps the root package of the Graph
// SDK, with its request builders for all of Graph (about 3 more CPU-minutes
// and 2 GB to compile), out of the build of programs that do not use it.
type GraphServiceClient interface {
	// GetAdapter returns the client's request adapter.
	GetAdapter() abs.RequestAdapter
}

// ClientOptions are the optional parameters of NewClient.
type ClientOptions struct {
	// Retry sets this module's retry rules (see chat.ClientOptions):
	// MaxRetries (0 means chat.DefaultMaxRetries, negative none),
	// RetryDelay, MaxRetryDelay and TryTimeout. StatusCodes and ShouldRetry
	// are refused. The GraphServiceClient's own retry handler is switched
	// off for the Client's requests: it would resend a chat message after
	// a 504.
	Retry policy.RetryOptions
	// Logging configures azcore's logging of the Client's requests
	// (IncludeBody is refused).
	Logging policy.LogOptions
	// Clock is the time source of retry waits; nil means the system clock.
	Clock identity.Clock
	// UserID is the signed-in user's object id; see chat.ClientOptions.
	UserID string
	// TenantID is the signed-in user's home tenant id; see
	// chat.ClientOptions.
	TenantID string
	// ApplicationID is the application (client) id of the Entra app the
	// GraphServiceClient signs in as; see chat.ClientOptions (SetPresence
	// and ClearPresence need it).
	ApplicationID string
}

// NewClient returns a *chat.Client that sends its requests through gsc,
// typically a *msgraphsdk.GraphServiceClient: each request goes through
// its request adapter, so the GraphServiceClient's authentication provider
// signs it and its HTTP client and middleware send it, to its base URL.
// The chat.Client's own pipeline runs above: its retry rules (a message
// POST is retried only after 429, or 503 with Retry-After), client request
// ids, logging and tracing. Every request carries a retry option that
// switches the GraphServiceClient's kiota retry handler off (it resends
// POSTs after 503 and 504, and ignores MaxRetries=0), so a chat message is
// never posted twice; the rest of its middleware (its compression handler,
// its redirect handler) is its own.
func NewClient(gsc GraphServiceClient, opts *ClientOptions) (*chat.Client, error) {
	if gsc == nil || isNilPointer(gsc) {
		return nil, &chat.ArgumentError{Arg: "gsc", Problem: "is nil"}
	}
	adapter := gsc.GetAdapter()
	if adapter == nil {
		return nil, &chat.ArgumentError{Arg: "gsc", Problem: "has no request adapter"}
	}
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	base := adapter.GetBaseUrl()
	if base == "" {
		base = chat.DefaultBaseURL
	}
	c, err := chat.NewClient(transportauth.Credential{}, &chat.ClientOptions{
		ClientOptions: azcore.ClientOptions{
			Transport: adapterTransport{adapter},
			Retry:     o.Retry,
			Logging:   o.Logging,
		},
		BaseURL:       base,
		Clock:         o.Clock,
		UserID:        o.UserID,
		TenantID:      o.TenantID,
		ApplicationID: o.ApplicationID,
	})
	if err != nil {
		var ae *chat.ArgumentError
		if errors.As(err, &ae) && ae.Arg == "opts.BaseURL" {
			return nil, &chat.ArgumentError{Arg: "gsc", Problem: "has a base url that is not usable: " + ae.Problem}
		}
		return nil, err
	}
	return c, nil
}

// isNilPointer reports a nil pointer in a non-nil interface (a nil
// *msgraphsdk.GraphServiceClient, whose GetAdapter would panic).
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// noKiotaRetry is the per-request option that switches kiota's retry
// handler off (its ShouldRetry is asked before every retry; MaxRetries 0
// alone is not honoured).
var noKiotaRetry = &khttp.RetryHandlerOptions{
	MaxRetries:   0,
	DelaySeconds: 0,
	ShouldRetry: func(time.Duration, int, *http.Request, *http.Response) bool {
		return false
	},
}

// adapterTransport is the azcore transport of a chat.Client over a kiota
// request adapter: each request becomes a kiota RequestInformation with
// the same method, URL, headers and body, sent with the adapter's
// SendNoContent and a response handler that hands the raw *http.Response
// back, body unread.
type adapterTransport struct{ adapter abs.RequestAdapter }

var methods = map[string]abs.HttpMethod{
	http.MethodGet: abs.GET, http.MethodPost: abs.POST, http.MethodPatch: abs.PATCH, http.MethodDelete: abs.DELETE,
	http.MethodPut: abs.PUT, http.MethodHead: abs.HEAD, http.MethodOptions: abs.OPTIONS,
}

// Do implements policy.Transporter.
func (t adapterTransport) Do(req *http.Request) (*http.Response, error) {
	m, ok := methods[req.Method]
	if !ok {
		return nil, fmt.Errorf("msgraphchat: method %s is not supported", req.Method)
	}
	ri := abs.NewRequestInformation()
	ri.Method = m
	ri.SetUri(*req.URL)
	for k, vs := range req.Header {
		switch strings.ToLower(k) {
		case "authorization", "content-length":
			// The adapter's authentication provider signs the request;
			// net/http computes the length (the compression handler may
			// change the body).
			continue
		}
		ri.Headers.Add(k, vs[0], vs[1:]...)
	}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		ri.Content = b
	}
	var resp *http.Response
	handler := abs.NewRequestHandlerOption()
	handler.SetResponseHandler(func(r any, _ abs.ErrorMappings) (any, error) {
		resp, _ = r.(*http.Response)
		return nil, nil
	})
	ri.AddRequestOptions([]abs.RequestOption{handler, noKiotaRetry})
	if err := t.adapter.SendNoContent(req.Context(), ri, nil); err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("msgraphchat: the request adapter returned no response")
	}
	return resp, nil
}
