package chat

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Client is Teams chat over Microsoft Graph as one signed-in user: the
// delegated token its credential gets is the user's, and every operation
// acts as that user. It implements Service. A Client is safe for concurrent
// use.
//
// The delegated Graph permissions each operation needs (the token's scopes;
// consent them in the app registration):
//
//   - ListChats, ListChatsPage, GetChat, ListMembers: Chat.ReadBasic (without
//     members) or Chat.Read / Chat.ReadWrite;
//   - CreateOneOnOneChat, CreateGroupChat: Chat.Create (or Chat.ReadWrite),
//     and User.Read to learn the signed-in user's id;
//   - AddMember, RemoveMember: ChatMember.ReadWrite;
//   - SendMessage: ChatMessage.Send (or Chat.ReadWrite);
//   - ListMessages, GetMessage: Chat.Read (or Chat.ReadWrite);
//   - EditMessage, SoftDeleteMessage, UndoSoftDeleteMessage: Chat.ReadWrite;
//   - SetReaction, UnsetReaction: Chat.ReadWrite (or ChatMessage.Send);
//   - GetOnlineMeetingByJoinURL: OnlineMeetings.Read;
//   - FindMeetingChat: Chat.ReadBasic (or Chat.Read);
//   - SendChannelMessage, ReplyToChannelMessage: ChannelMessage.Send;
//   - ListChannelMessages, ListReplies: ChannelMessage.Read.All;
//   - CreateSubscription and the SubscriptionManager: Chat.Read (chat
//     messages) or ChannelMessage.Read.All (channel messages).
//
// By default the credential is asked for "https://graph.microsoft.com/.default",
// which yields every delegated permission the user or an admin consented.
type Client struct {
	adapter abs.RequestAdapter
	baseURL string
	clock   identity.Clock
	// reqOpts go with every request: for a Client over a user's
	// GraphServiceClient, the retry option that makes its kiota retry
	// handler follow this package's rules; nil otherwise.
	reqOpts []abs.RequestOption
	origin  string // scheme://host of baseURL, lower case

	meMu sync.Mutex
	meID string
}

var _ Service = (*Client)(nil)

// ClientOptions are the optional parameters of NewClient.
type ClientOptions struct {
	// ClientOptions configures the HTTP pipeline the Azure way: Transport,
	// Logging (through azcore/log; Logging.IncludeBody is not honoured:
	// bodies carry messages and subscription client states), Telemetry,
	// PerCallPolicies and PerRetryPolicies. Of Retry, MaxRetries (0 means
	// DefaultMaxRetries, negative none), RetryDelay, MaxRetryDelay and
	// TryTimeout are honoured; which failures are retried is fixed by this
	// package (see Client), so StatusCodes and ShouldRetry are not used.
	azcore.ClientOptions

	// BaseURL is the Graph endpoint with its version, DefaultBaseURL when
	// empty, for example "https://graph.microsoft.us/v1.0" for a national
	// cloud or the URL of the fake in chat/fake. It must be https, except
	// http on a loopback address (a fake in tests).
	BaseURL string

	// Scopes are the token scopes asked of the credential; empty means
	// "https://<graph host>/.default".
	Scopes []string

	// Clock is the time source of retry waits; nil means the system clock.
	// Tests pass a manual clock (identity/fake.NewClock).
	Clock identity.Clock

	// UserID is the signed-in user's Entra object id, if the application
	// knows it (for example from azidentity's AuthenticationRecord, whose
	// HomeAccountID is "<object id>.<tenant id>"). The operations that
	// create chats need it; when it is empty, the client asks Graph once
	// (GET /me?$select=id, which needs User.Read).
	UserID string
}

// NewClient returns a Client that calls Graph as the user whose token cred
// gets, through this package's own HTTP pipeline (see the retry rules on
// Client). cred is typically an azidentity credential that signed the user
// in (device code, interactive browser, on-behalf-of).
func NewClient(cred azcore.TokenCredential, opts *ClientOptions) (*Client, error) {
	if cred == nil {
		return nil, &ArgumentError{Arg: "cred", Problem: "is nil"}
	}
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	base, u, err := checkBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = identity.SystemClock()
	}
	if o.UserID != "" && !graphwire.IsGUID(o.UserID) {
		return nil, &ArgumentError{Arg: "opts.UserID", Problem: "must be an object id (GUID)"}
	}
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = defaultScopes(u)
	}
	adapter, err := newGraphAdapter(cred, pipelineConfig{
		baseURL:   base,
		scopes:    append([]string(nil), scopes...),
		azOptions: o.ClientOptions,
		clock:     o.Clock,
		retry:     newRetryRules(o.Retry),
	})
	if err != nil {
		return nil, fmt.Errorf("chat: building the graph request adapter: %w", err)
	}
	c := newClient(adapter, base, u, o.Clock, nil)
	c.meID = o.UserID
	return c, nil
}

// GraphServiceClient is what NewClientFromGraph needs of a
// *msgraphsdk.GraphServiceClient (package
// github.com/microsoftgraph/msgraph-sdk-go), which has this method. Taking
// the interface rather than the type keeps the root package of the Graph
// SDK, with its request builders for all of Graph, out of the build of
// programs that do not use it.
type GraphServiceClient interface {
	// GetAdapter returns the client's request adapter.
	GetAdapter() abs.RequestAdapter
}

// FromGraphOptions are the optional parameters of NewClientFromGraph.
type FromGraphOptions struct {
	// MaxRetries bounds the retries of the GraphServiceClient's own retry
	// handler for this Client's requests; 0 means DefaultMaxRetries.
	MaxRetries int
	// Clock is the time source for this Client; nil means the system clock.
	Clock identity.Clock
	// UserID is the signed-in user's object id; see ClientOptions.UserID.
	UserID string
}

// NewClientFromGraph returns a Client that sends its requests through an
// existing *msgraphsdk.GraphServiceClient (its adapter, credential, base
// URL and middleware). Every request carries a retry option that makes the
// SDK's retry handler follow this package's rules, so that a message POST
// is not sent twice; the rest of that client's middleware (its order, its
// compression handler) is its own. Prefer NewClient where the Graph client
// is not needed for anything else.
func NewClientFromGraph(gc GraphServiceClient, opts *FromGraphOptions) (*Client, error) {
	if gc == nil {
		return nil, &ArgumentError{Arg: "gc", Problem: "is nil"}
	}
	adapter := gc.GetAdapter()
	if adapter == nil {
		return nil, &ArgumentError{Arg: "gc", Problem: "has no request adapter"}
	}
	var o FromGraphOptions
	if opts != nil {
		o = *opts
	}
	if o.Clock == nil {
		o.Clock = identity.SystemClock()
	}
	raw := adapter.GetBaseUrl()
	if raw == "" {
		raw = DefaultBaseURL
		adapter.SetBaseUrl(raw)
	}
	base, u, err := checkBaseURL(raw)
	if err != nil {
		return nil, &ArgumentError{Arg: "gc", Problem: "has a base url that is not usable: " + err.(*ArgumentError).Problem}
	}
	if o.UserID != "" && !graphwire.IsGUID(o.UserID) {
		return nil, &ArgumentError{Arg: "opts.UserID", Problem: "must be an object id (GUID)"}
	}
	rules := newRetryRules(azRetry(o.MaxRetries))
	c := newClient(adapter, base, u, o.Clock, []abs.RequestOption{externalRetryOption(rules)})
	c.meID = o.UserID
	return c, nil
}

func newClient(adapter abs.RequestAdapter, base string, u *url.URL, clock identity.Clock, reqOpts []abs.RequestOption) *Client {
	return &Client{
		adapter: adapter,
		baseURL: base,
		clock:   clock,
		reqOpts: reqOpts,
		origin:  strings.ToLower(u.Scheme + "://" + u.Host),
	}
}

// checkBaseURL validates a Graph base URL and returns it without a trailing
// slash.
func checkBaseURL(raw string) (string, *url.URL, error) {
	bad := func(p string) (string, *url.URL, error) {
		return "", nil, &ArgumentError{Arg: "opts.BaseURL", Problem: p}
	}
	if raw == "" {
		raw = DefaultBaseURL
	}
	raw = strings.TrimRight(raw, "/")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return bad("is not an absolute url")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad("must not have user info, a query or a fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return bad("must be https (http only on a loopback address)")
		}
	default:
		return bad("must be https")
	}
	return raw, u, nil
}

// call runs one request of the Graph SDK and normalises what goes wrong: a
// panic of the SDK on a response it cannot read becomes an error, and every
// error goes through graphError.
func (c *Client) call(ctx context.Context, op string, f func(ctx context.Context) error) (err error) {
	fr := &failedResponse{}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chat: %s: the graph sdk failed to read the response: %v", op, r)
		}
		if err != nil {
			err = graphError(op, err, fr, c.clock.Now())
		}
	}()
	return f(withFailedResponse(ctx, fr))
}

// checkLink refuses a NextLink that does not point at the Graph endpoint of
// this client: the bearer token must not go anywhere else.
func (c *Client) checkLink(arg, link string) error {
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() {
		return &ArgumentError{Arg: arg, Problem: "is not an absolute url"}
	}
	if strings.ToLower(u.Scheme+"://"+u.Host) != c.origin || u.User != nil {
		return &ArgumentError{Arg: arg, Problem: "does not point at the client's graph endpoint"}
	}
	return nil
}

func top32(top int) *int32 {
	if top <= 0 {
		return nil
	}
	v := int32(top)
	return &v
}

// me returns the request builder of /me (written /users/me-token-to-replace,
// which the URL replace middleware turns into /me).
func (c *Client) me() *users.UserItemRequestBuilder {
	return users.NewUserItemRequestBuilderInternal(map[string]string{"user%2Did": meToken}, c.adapter)
}

// chatsRoot returns the request builder of /chats.
func (c *Client) chatsRoot() *chats.ChatsRequestBuilder {
	return chats.NewChatsRequestBuilderInternal(map[string]string{}, c.adapter)
}

// myID returns the signed-in user's object id (GET /me?$select=id), read
// once per Client.
func (c *Client) myID(ctx context.Context) (string, error) {
	c.meMu.Lock()
	defer c.meMu.Unlock()
	if c.meID != "" {
		return c.meID, nil
	}
	var id string
	err := c.call(ctx, "get signed-in user", func(ctx context.Context) error {
		u, err := c.me().Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id"}},
			Options:         c.reqOpts,
		})
		if err != nil {
			return err
		}
		if u != nil {
			id = str(u.GetId())
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", errors.New("chat: get signed-in user: the response has no id")
	}
	c.meID = id
	return id, nil
}

// odataQuote doubles single quotes for an OData string literal or key.
func odataQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

// azRetry is the RetryOptions of a retry count.
func azRetry(maxRetries int) policy.RetryOptions {
	return policy.RetryOptions{MaxRetries: int32(maxRetries)}
}
