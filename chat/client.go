package chat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/reqbody"
	"github.com/teamsuser-sdk/teamsuser-go/internal/transportauth"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Client is Teams chat over Microsoft Graph as one signed-in user: the
// delegated token its credential gets is the user's, and every operation
// acts as that user. It implements Service. A Client is safe for concurrent
// use.
//
// It speaks Graph's REST API directly, over an azcore pipeline, with the
// JSON codec of MarshalGraphJSON (the one the fake in chat/fake serves
// with); it does not need msgraph-sdk-go. Services that already hold a
// msgraph-sdk-go GraphServiceClient get a Client that sends through it
// from package chat/msgraphchat.
//
// The delegated Graph permissions each operation needs (the token's scopes;
// consent them in the app registration):
//
//   - ListChats, ListChatsPage, GetChat, ListMembers: Chat.ReadBasic (without
//     members) or Chat.Read / Chat.ReadWrite;
//   - CreateOneOnOneChat, CreateGroupChat: Chat.Create (or Chat.ReadWrite),
//     and User.Read to learn the signed-in user's id;
//   - AddMember, RemoveMember: ChatMember.ReadWrite;
//   - MarkChatRead, MarkChatUnread, HideChat, UnhideChat: Chat.ReadWrite,
//     and User.Read unless ClientOptions.UserID is set (the request names
//     the user);
//   - RenameChat, UnpinMessage: Chat.ReadWrite;
//   - PinMessage: ChatMessage.Send (or Chat.ReadWrite);
//   - ListPinnedMessages: Chat.Read (or Chat.ReadWrite);
//   - SendMessage: ChatMessage.Send (or Chat.ReadWrite);
//   - ListMessages, GetMessage, GetHostedContent: Chat.Read (or
//     Chat.ReadWrite);
//   - EditMessage: Chat.ReadWrite;
//   - SoftDeleteMessage, UndoSoftDeleteMessage: Chat.ReadWrite, and
//     User.Read unless ClientOptions.UserID is set (their path names the
//     signed-in user);
//   - SetReaction, UnsetReaction: Chat.ReadWrite (or ChatMessage.Send);
//   - GetOnlineMeetingByJoinURL, GetOnlineMeeting,
//     GetOnlineMeetingByJoinMeetingID: OnlineMeetings.Read;
//   - CreateOnlineMeeting, UpdateOnlineMeeting, DeleteOnlineMeeting,
//     CreateOrGetOnlineMeeting: OnlineMeetings.ReadWrite;
//   - ListAttendanceReports, GetAttendanceReport:
//     OnlineMeetingArtifact.Read.All;
//   - FindMeetingChat: Chat.ReadBasic (or Chat.Read);
//   - SendChannelMessage, ReplyToChannelMessage: ChannelMessage.Send;
//   - ListChannelMessages, ListReplies: ChannelMessage.Read.All;
//   - SetPresence, ClearPresence, SetUserPreferredPresence,
//     ClearUserPreferredPresence, SetStatusMessage: Presence.ReadWrite;
//   - CreateSubscription and the SubscriptionManager: Chat.Read (chat
//     messages), ChannelMessage.Read.All (channel messages) or
//     Presence.Read.All (presence).
//
// By default the credential is asked for "https://graph.microsoft.com/.default",
// which yields every delegated permission the user or an admin consented.
//
// Retries: a request is sent again after a 429, or a 503 with Retry-After
// (Graph answers those before it processes anything), waiting what
// Retry-After asks; a read (GET, and the POST of GetPresences) also after
// 408, 500, 502, 503 and 504 and after a broken connection, with
// exponential back-off; any request whose connection could not be opened.
// A POST, PATCH or DELETE that failed otherwise is returned to the caller,
// never resent: a chat message is not posted twice.
//
// Tracing: with ClientOptions.TracingProvider (for example azotel's, over
// OpenTelemetry), each operation is a span named "Client.<Operation>"
// ("Client.SendMessage"; an iterator is a span per page it fetches) with
// azcore's span of each HTTP try below it, and a failure recorded on it;
// without one, tracing costs nothing. Every request carries a
// client-request-id, which errors show beside Graph's request-id.
type Client struct {
	pl      runtime.Pipeline
	tracer  tracing.Tracer
	baseURL string
	clock   identity.Clock
	origin  string // scheme://host of baseURL, lower case

	appID string // ClientOptions.ApplicationID: the application's presence session

	meMu     sync.Mutex
	meID     string
	tenantID string // the signed-in user's home tenant, once known
}

var _ Service = (*Client)(nil)

func (*Client) service() {}

// ClientOptions are the optional parameters of NewClient.
type ClientOptions struct {
	// ClientOptions configures the HTTP pipeline the Azure way: Transport,
	// Logging (through azcore/log), Telemetry, TracingProvider,
	// PerCallPolicies and PerRetryPolicies. Of Retry, MaxRetries (0 means
	// DefaultMaxRetries, negative none), RetryDelay, MaxRetryDelay and
	// TryTimeout are honoured. Which failures are retried is fixed by this
	// package (see Client: a chat message POST must not be sent twice),
	// so Retry.StatusCodes and Retry.ShouldRetry are refused, and so is
	// Logging.IncludeBody (bodies carry messages, passcodes and
	// subscription client states) and APIVersion (Graph's version is in
	// BaseURL): NewClient returns an *ArgumentError.
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

	// ApplicationID is the application (client) id of the Entra app the
	// user's token is issued to. SetPresence and ClearPresence need it:
	// Graph names an application's presence session by it.
	ApplicationID string

	// TenantID is the signed-in user's home tenant id, if the application
	// knows it (the second half of azidentity's
	// AuthenticationRecord.HomeAccountID). The chat actions a user takes
	// for themselves (MarkChatRead, MarkChatUnread, HideChat, UnhideChat)
	// name the user with it; when it is empty, the client reads it once
	// from the user's membership of the chat acted on.
	TenantID string
}

// NewClient returns a Client that calls Graph as the user whose token cred
// gets, through this package's own HTTP pipeline (see the retry rules on
// Client). cred is typically an azidentity credential that signed the
// user in (device code, interactive browser, on-behalf-of).
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
	if o.UserID != "" && !uuid.IsGUID(o.UserID) {
		return nil, &ArgumentError{Arg: "opts.UserID", Problem: "must be an object id (GUID)"}
	}
	if o.TenantID != "" && !uuid.IsGUID(o.TenantID) {
		return nil, &ArgumentError{Arg: "opts.TenantID", Problem: "must be a tenant id (GUID)"}
	}
	if o.ApplicationID != "" && !uuid.IsGUID(o.ApplicationID) {
		return nil, &ArgumentError{Arg: "opts.ApplicationID", Problem: "must be an application (client) id (GUID)"}
	}
	if err := checkPipelineOptions(&o.ClientOptions); err != nil {
		return nil, err
	}
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = defaultScopes(u)
	}
	_, byTransport := cred.(transportauth.Credential)
	if byTransport && o.Transport == nil {
		return nil, &ArgumentError{Arg: "cred", Problem: "leaves authentication to a transport, and opts.Transport is nil"}
	}
	az, err := newPipeline(cred, byTransport, pipelineConfig{
		baseURL:   u,
		scopes:    append([]string(nil), scopes...),
		azOptions: o.ClientOptions,
		clock:     o.Clock,
		retry:     newRetryRules(o.Retry),
	})
	if err != nil {
		return nil, err
	}
	return &Client{
		pl:       az.Pipeline(),
		tracer:   az.Tracer(),
		baseURL:  base,
		clock:    o.Clock,
		origin:   strings.ToLower(u.Scheme + "://" + u.Host),
		meID:     o.UserID,
		tenantID: strings.ToLower(o.TenantID),
		appID:    o.ApplicationID,
	}, nil
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

// path returns the URL of a Graph path under the base URL, each segment
// escaped (a chat id keeps its ':' and '@', as Graph writes them).
func (c *Client) path(segs ...string) string {
	n := len(c.baseURL)
	for _, s := range segs {
		n += 1 + len(s)
	}
	var b strings.Builder
	b.Grow(n + 8)
	b.WriteString(c.baseURL)
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// odataQuery builds a query string with OData's names left as they are
// ($top, not %24top) and values escaped (spaces as %20).
type odataQuery []string

func (q odataQuery) add(name, value string) odataQuery {
	return append(q, name+"="+strings.ReplaceAll(url.QueryEscape(value), "+", "%20"))
}

func (q odataQuery) addTop(top int) odataQuery {
	if top <= 0 {
		return q
	}
	return q.add("$top", strconv.Itoa(top))
}

// on appends the query to target.
func (q odataQuery) on(target string) string {
	if len(q) == 0 {
		return target
	}
	return target + "?" + strings.Join(q, "&")
}

// startSpan starts the span of one public operation, named
// "Client.<Operation>" as the Azure SDKs name theirs, under which azcore
// adds a span for each HTTP try; the function it returns ends the span,
// recording a non-nil error as its failure. Without a TracingProvider it
// costs a branch and allocates nothing. A nil ctx (which the operation
// refuses) gets no span.
func (c *Client) startSpan(ctx context.Context, name string) (context.Context, func(error)) {
	if ctx == nil {
		return ctx, func(error) {}
	}
	return runtime.StartSpan(ctx, name, c.tracer, nil)
}

// do sends one Graph request and reads its answer: method and target (an
// absolute URL under the base URL), body (a value encoding/json writes, or
// nil for none), out (a pointer the JSON answer is decoded into, or nil to
// discard it). An answer other than 2xx is an *Error; a transport failure
// is wrapped with op.
func (c *Client) do(ctx context.Context, op, method, target string, body, out any) error {
	_, err := c.doStatus(ctx, op, method, target, body, out)
	return err
}

// doStatus is do, and returns the status of a successful answer (201
// Created or 200 OK tell createOrGet's outcome).
func (c *Client) doStatus(ctx context.Context, op, method, target string, body, out any) (int, error) {
	req, err := runtime.NewRequest(ctx, method, target)
	if err != nil {
		return 0, graphError(op, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, graphError(op, err)
		}
		if err := reqbody.Set(req, b, "application/json"); err != nil {
			return 0, graphError(op, err)
		}
	}
	resp, err := c.pl.Do(req)
	if err != nil {
		return 0, graphError(op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		// A redirect is not followed (the token must not go elsewhere):
		// it is a failure like a 4xx.
		return 0, c.responseError(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.CopyN(io.Discard, resp.Body, maxTrailing)
		return resp.StatusCode, nil
	}
	// Decoded from the stream: a page is never held twice.
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return 0, graphError(op, &responseBodyError{err})
	}
	// Read to the end (what follows the value is at most white space), so
	// that the connection goes back to the pool rather than being closed.
	_, _ = io.CopyN(io.Discard, resp.Body, maxTrailing)
	return resp.StatusCode, nil
}

// maxTrailing bounds what is read of an answer nobody decodes (after the
// decoded value, or of an answer whose body is not used), to give its
// connection back to the pool; a longer one closes the connection.
const maxTrailing = 64 << 10

// responseBodyError is an answer that is not the JSON the operation
// expects (or was cut off while it was read).
type responseBodyError struct{ err error }

func (e *responseBodyError) Error() string { return "reading the response: " + e.err.Error() }
func (e *responseBodyError) Unwrap() error { return e.err }

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

// maxListPages bounds the pages an operation that returns a whole listing
// at once (ListMembers, ListPinnedMessages, ListAttendanceReports) follows:
// a service whose next links never end, or go round in a circle, gets an
// error rather than an endless loop or an unbounded result. Graph
// documents no page count for these listings (few pages, when any): the
// bound is a choice.
const maxListPages = 100

// errNextLink is an answer whose next link leaves the client's Graph
// endpoint: it is not followed (the token would go there).
var errNextLink = errors.New("the next link does not point at the client's graph endpoint")

// errTooManyPages is a listing whose next links go on past maxListPages.
var errTooManyPages = errors.New("the listing goes on for more than " + strconv.Itoa(maxListPages) + " pages; the service's next links were not followed further")

// listAll GETs first and each page its @odata.nextLink names, handing each
// page's items to add, until a page has no next link (or names itself). A
// next link off the client's Graph endpoint, or more than maxListPages
// pages, is an error of op; nothing is returned in part.
func listAll[W any](ctx context.Context, c *Client, op, first string, add func([]W)) error {
	link := first
	for range maxListPages {
		var page graphwire.Collection[W]
		if err := c.do(ctx, op, http.MethodGet, link, nil, &page); err != nil {
			return err
		}
		add(page.Value)
		if page.NextLink == "" || page.NextLink == link {
			return nil
		}
		if c.checkLink("nextLink", page.NextLink) != nil {
			return graphError(op, &responseBodyError{errNextLink})
		}
		link = page.NextLink
	}
	return graphError(op, &responseBodyError{errTooManyPages})
}

// myID returns the signed-in user's object id (GET /me?$select=id), read
// once per Client.
func (c *Client) myID(ctx context.Context) (string, error) {
	c.meMu.Lock()
	defer c.meMu.Unlock()
	if c.meID != "" {
		return c.meID, nil
	}
	var me struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, "get signed-in user", http.MethodGet, odataQuery{}.add("$select", "id").on(c.path("me")), nil, &me); err != nil {
		return "", err
	}
	if me.ID == "" {
		return "", errors.New("chat: get signed-in user: the response has no id")
	}
	c.meID = me.ID
	return me.ID, nil
}

// odataQuote doubles single quotes for an OData string literal or key.
func odataQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }
