package identity

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
	"github.com/teamsuser-sdk/teamsuser-go/internal/connstr"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
)

// DefaultAPIVersion is the identity REST API version the client speaks unless
// ClientOptions.APIVersion says otherwise.
const DefaultAPIVersion = "2025-06-30"

// DefaultTryTimeout bounds each try of a request (each send by the retry
// policy, the response body included) unless ClientOptions.Retry.TryTimeout
// says otherwise.
const DefaultTryTimeout = 10 * time.Second

// ClientOptions are the optional parameters of the client constructors. The
// embedded azcore.ClientOptions configure transport, retries, logging and
// tracing the Azure way; APIVersion overrides DefaultAPIVersion.
//
// Each try of a request is bounded by Retry.TryTimeout; zero means
// DefaultTryTimeout and a negative value no bound. CreateUser without a
// custom id, DeleteUser and RevokeTokens are sent again only after failures
// that show the service did not act on them (429, 503 with Retry-After, a
// connection that could not be opened): a retried create could create a
// second user. The other operations are retried as Retry says.
//
// Request and response bodies are never logged, whatever Logging.IncludeBody
// says, because they carry tokens.
//
// With a TracingProvider (for example azotel's, over OpenTelemetry), each
// operation is a span named "Client.<Operation>" ("Client.CreateUser") with
// azcore's span of each HTTP try below it, and a failure recorded on it;
// without one, tracing costs nothing. Every request carries an
// x-ms-client-request-id, which errors show (see ClientRequestID).
type ClientOptions struct {
	azcore.ClientOptions

	// Clock is the time against which an Entra token's expiry is checked
	// before an exchange; nil means SystemClock.
	Clock Clock
}

// Client is the ACS identity client. It is safe for concurrent use.
type Client struct {
	c          *acsclient.Client
	apiVersion string
	now        func() time.Time
}

var _ Service = (*Client)(nil)

func (*Client) service() {}

// NewClient returns a client for the ACS resource at endpoint
// ("https://<resource>.communication.azure.com") that authenticates with an
// Entra ID credential (scope https://communication.azure.com//.default), for
// example one from azidentity.
func NewClient(endpoint string, cred azcore.TokenCredential, opts *ClientOptions) (*Client, error) {
	if cred == nil {
		return nil, argErr("credential", "nil")
	}
	return newClient(endpoint, acsclient.Auth{Credential: cred}, opts)
}

// NewClientWithAccessKey returns a client that signs its requests with the
// resource's access key (base64, as shown in the Azure portal).
func NewClientWithAccessKey(endpoint, accessKey string, opts *ClientOptions) (*Client, error) {
	key, err := decodeKey(accessKey)
	if err != nil {
		return nil, err
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
	c, err := acsclient.New("github.com/teamsuser-sdk/teamsuser-go/identity", endpoint, auth, &o.ClientOptions)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	v := o.APIVersion
	if v == "" {
		v = DefaultAPIVersion
	}
	clk := o.Clock
	if clk == nil {
		clk = SystemClock()
	}
	return &Client{c: c, apiVersion: v, now: clk.Now}, nil
}

// Endpoint returns the endpoint the client talks to.
func (c *Client) Endpoint() string { return c.c.Endpoint }

func (c *Client) newRequest(ctx context.Context, method, path string, body any) (*policy.Request, error) {
	req, err := runtime.NewRequest(ctx, method, c.c.Endpoint+path)
	if err != nil {
		return nil, err
	}
	req.Raw().URL.RawQuery = "api-version=" + url.QueryEscape(c.apiVersion)
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		if err := acsclient.SetJSON(req, body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// Whether a request may be sent again after a failure that could have
// followed its execution (a 500, 502 or 504, a try that timed out, a
// connection that broke after the request was written) depends on the
// operation. The identity API versions this client speaks (2023-10-01 and
// 2025-06-30: specification/communication/data-plane/Identity/stable/*/
// CommunicationIdentity.json in Azure/azure-rest-api-specs) define no
// Repeatability-Request-ID header for any operation (a 2023-08-01 draft of
// the spec had one; later versions dropped it), so a repeated request cannot
// be made safe with one. Each operation is therefore either
//
//   - repeatable: sending it twice leaves the service as sending it once
//     did, and the pipeline retries it as azcore does (408, 429, 500, 502,
//     503, 504, transport errors); or
//   - once: the pipeline sends it again only where the service cannot have
//     acted on it (429, 503 with Retry-After, a connection never opened; see
//     acsclient.Client.RetryUnprocessedOnly), and any other failure is the
//     caller's to judge.
type repeat bool

const (
	repeatable repeat = true
	once       repeat = false
)

func (c *Client) send(ctx context.Context, r repeat, method, path string, body, out any, ok ...int) error {
	req, err := c.prepare(ctx, r, method, path, body)
	if err != nil {
		return err
	}
	_, err = c.do(req, out, ok...)
	return err
}

// prepare builds a request of an operation that repeats as r says.
func (c *Client) prepare(ctx context.Context, r repeat, method, path string, body any) (*policy.Request, error) {
	if ctx == nil {
		return nil, argErr("ctx", "nil context")
	}
	if r == once {
		ctx = c.c.RetryUnprocessedOnly(ctx)
	}
	return c.newRequest(ctx, method, path, body)
}

// do sends req and decodes its body into out (unless out is nil), and
// returns the response's status, one of ok.
func (c *Client) do(req *policy.Request, out any, ok ...int) (int, error) {
	resp, err := c.c.Do(req, ok...)
	if err != nil {
		return 0, err
	}
	if out == nil {
		return resp.StatusCode, resp.Body.Close()
	}
	if err := runtime.UnmarshalAsJSON(resp, out); err != nil {
		return 0, fmt.Errorf("identity: decoding the %s response: %w", req.Raw().URL.EscapedPath(), err)
	}
	return resp.StatusCode, nil
}

// ValidateScopes checks token scopes the way IssueToken does before sending:
// at least one, each one the service knows. It returns an *ArgumentError.
func ValidateScopes(scopes []Scope) error {
	_, err := checkScopes(scopes, true)
	return err
}

// Validate checks the options the way CreateUser does before sending: known
// scopes, a lifetime of zero or whole minutes from 60 to 1440, and no
// lifetime without scopes. It returns an *ArgumentError.
func (o CreateUserOptions) Validate() error {
	_, err := o.wire()
	return err
}

func (o CreateUserOptions) wire() (identitywire.CreateRequest, error) {
	scopes, err := checkScopes(o.TokenScopes, false)
	if err != nil {
		return identitywire.CreateRequest{}, err
	}
	mins, err := checkExpiry("opts.TokenExpiresIn", o.TokenExpiresIn)
	if err != nil {
		return identitywire.CreateRequest{}, err
	}
	if mins != nil && scopes == nil {
		return identitywire.CreateRequest{}, argErr("opts.TokenExpiresIn", "set without token scopes")
	}
	return identitywire.CreateRequest{CreateTokenWithScopes: scopes, ExpiresInMinutes: mins, CustomID: o.CustomID}, nil
}

// Validate checks the options the way IssueToken does before sending: a
// lifetime of zero (the service default) or whole minutes from 60 to 1440.
// It returns an *ArgumentError.
func (o IssueTokenOptions) Validate() error {
	_, err := checkExpiry("opts.ExpiresIn", o.ExpiresIn)
	return err
}

func issueRequest(scopes []Scope, o IssueTokenOptions) (identitywire.IssueRequest, error) {
	names, err := checkScopes(scopes, true)
	if err != nil {
		return identitywire.IssueRequest{}, err
	}
	mins, err := checkExpiry("opts.ExpiresIn", o.ExpiresIn)
	if err != nil {
		return identitywire.IssueRequest{}, err
	}
	return identitywire.IssueRequest{Scopes: names, ExpiresInMinutes: mins}, nil
}

func checkScopes(scopes []Scope, required bool) ([]string, error) {
	if len(scopes) == 0 {
		if required {
			return nil, argErr("scopes", "at least one scope is required (chat, voip, chat.join, chat.join.limited, voip.join)")
		}
		return nil, nil
	}
	out := make([]string, len(scopes))
	for i, s := range scopes {
		if !s.Valid() {
			return nil, argErr("scopes", fmt.Sprintf("unknown scope %q; use chat, voip, chat.join, chat.join.limited or voip.join", string(s)))
		}
		out[i] = string(s)
	}
	return out, nil
}

func checkExpiry(arg string, d time.Duration) (*int, error) {
	if d == 0 {
		return nil, nil
	}
	if d < MinTokenExpiry || d > MaxTokenExpiry || d%time.Minute != 0 {
		return nil, argErr(arg, fmt.Sprintf("%v is outside the service's range: whole minutes from 60 to 1440", d))
	}
	m := int(d / time.Minute)
	return &m, nil
}

// ValidateUser returns the *ArgumentError with which the operations on an
// existing user (GetUser, IssueToken, RevokeTokens, DeleteUser) refuse u
// before anything is sent, or nil: its id must not be empty. It is how other
// implementations of Service (the fake's Go face) check as the client does.
func ValidateUser(u CommunicationUserIdentifier) error {
	if strings.TrimSpace(u.ID) == "" {
		return argErr("user", "empty id")
	}
	return nil
}

func fromWire(t identitywire.AccessToken) AccessToken {
	return AccessToken{Token: t.Token, ExpiresOn: t.ExpiresOn.Time}
}

// CreateUser creates an ACS user; with opts.TokenScopes it also issues a token.
func (c *Client) CreateUser(ctx context.Context, opts *CreateUserOptions) (_ CreateUserResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.CreateUser")
	defer func() { endSpan(err) }()
	var o CreateUserOptions
	if opts != nil {
		o = *opts
	}
	req, err := o.wire()
	if err != nil {
		return CreateUserResponse{}, err
	}
	// POST /identities creates a new identity each time it is executed
	// (IdentityOperations_Create: "Create a new identity"): once. With a
	// custom id it is repeatable: the service returns the identity that
	// already has that id ("creates a new CommunicationUserIdentifier if the
	// customId doesn't exist or get the user otherwise", .NET SDK,
	// https://learn.microsoft.com/dotnet/api/azure.communication.identity.communicationidentityclient.createuserasync);
	// the token issued with it is the only difference, see IssueToken.
	rep := once
	if o.CustomID != "" {
		rep = repeatable
	}
	var out identitywire.CreateResponse
	err = c.send(ctx, rep, http.MethodPost, identitywire.PathIdentities, req, &out, http.StatusCreated)
	if err != nil {
		return CreateUserResponse{}, err
	}
	r := CreateUserResponse{User: CommunicationUserIdentifier{ID: out.Identity.ID}}
	if out.AccessToken != nil {
		t := fromWire(*out.AccessToken)
		r.Token = &t
	}
	return r, nil
}

// GetUser reads an ACS user.
func (c *Client) GetUser(ctx context.Context, user CommunicationUserIdentifier, _ *GetUserOptions) (_ GetUserResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.GetUser")
	defer func() { endSpan(err) }()
	if err := ValidateUser(user); err != nil {
		return GetUserResponse{}, err
	}
	// GET /identities/{id} only reads: repeatable.
	var out identitywire.IdentityResult
	if err := c.send(ctx, repeatable, http.MethodGet, identitywire.IdentityPath(user.ID), nil, &out, http.StatusOK); err != nil {
		return GetUserResponse{}, err
	}
	u := User{ID: CommunicationUserIdentifier{ID: out.ID}, CustomID: out.CustomID}
	if out.LastTokenIssuedAt != nil {
		u.LastTokenIssuedAt = out.LastTokenIssuedAt.Time
	}
	return GetUserResponse{User: u}, nil
}

// DeleteUser deletes an ACS user and revokes its tokens.
func (c *Client) DeleteUser(ctx context.Context, user CommunicationUserIdentifier, _ *DeleteUserOptions) (_ DeleteUserResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.DeleteUser")
	defer func() { endSpan(err) }()
	if err := ValidateUser(user); err != nil {
		return DeleteUserResponse{}, err
	}
	// DELETE /identities/{id} (IdentityOperations_Delete): once. Deleting
	// twice deletes nothing more, but the second answer is 404
	// IdentityNotFound, which would report a user that this very call
	// deleted as one that never existed.
	return DeleteUserResponse{}, c.send(ctx, once, http.MethodDelete, identitywire.IdentityPath(user.ID), nil, nil, http.StatusNoContent)
}

// IssueToken issues an access token with the given scopes for an ACS user.
// The scopes and the optional lifetime are checked before anything is sent.
func (c *Client) IssueToken(ctx context.Context, user CommunicationUserIdentifier, scopes []Scope, opts *IssueTokenOptions) (_ IssueTokenResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.IssueToken")
	defer func() { endSpan(err) }()
	if err := ValidateUser(user); err != nil {
		return IssueTokenResponse{}, err
	}
	var o IssueTokenOptions
	if opts != nil {
		o = *opts
	}
	req, err := issueRequest(scopes, o)
	if err != nil {
		return IssueTokenResponse{}, err
	}
	// POST /identities/{id}/:issueAccessToken (IdentityOperations_IssueAccessToken,
	// "Issue a new token for an identity"): repeatable. A repeat issues a
	// second token; the first, whose response was lost, reached nobody and
	// expires unused (RevokeTokens revokes both). The identity is unchanged
	// but for its last-issued time.
	var out identitywire.AccessToken
	err = c.send(ctx, repeatable, http.MethodPost, identitywire.IdentityPath(user.ID)+identitywire.ActionIssue, req, &out, http.StatusOK)
	if err != nil {
		return IssueTokenResponse{}, err
	}
	return IssueTokenResponse{AccessToken: fromWire(out)}, nil
}

// RevokeTokens revokes every token issued to an ACS user so far.
func (c *Client) RevokeTokens(ctx context.Context, user CommunicationUserIdentifier, _ *RevokeTokensOptions) (_ RevokeTokensResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.RevokeTokens")
	defer func() { endSpan(err) }()
	if err := ValidateUser(user); err != nil {
		return RevokeTokensResponse{}, err
	}
	// POST /identities/{id}/:revokeAccessTokens (IdentityOperations_RevokeAccessTokens,
	// "Revoke all access tokens for the specific identity"): once. A repeat
	// seconds later also revokes the tokens issued in between, which the
	// caller did not ask for.
	return RevokeTokensResponse{}, c.send(ctx, once, http.MethodPost, identitywire.IdentityPath(user.ID)+identitywire.ActionRevoke, nil, nil, http.StatusNoContent)
}

// ExchangeTeamsUserToken exchanges a Teams user's Entra ID access token for an
// ACS access token (POST /teamsUser/:exchangeAccessToken).
//
// Token, AppID and UserID are all required and are never taken from the token
// itself. Unless opts.SkipClaimsCheck is set, the token's claims are read
// first (not verified: the service verifies) and a token that cannot work
// (malformed, expired, another audience, without the Teams.ManageCalls and
// Teams.ManageChats scopes, issued to another app or another user) fails with
// an *InvalidTokenError before anything is sent.
func (c *Client) ExchangeTeamsUserToken(ctx context.Context, req TeamsUserTokenRequest, opts *ExchangeTeamsUserTokenOptions) (_ ExchangeTeamsUserTokenResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.ExchangeTeamsUserToken")
	defer func() { endSpan(err) }()
	if opts == nil || !opts.SkipClaimsCheck {
		if _, err := CheckTeamsUserToken(req.Token, req.AppID, req.UserID, c.now()); err != nil {
			return ExchangeTeamsUserTokenResponse{}, err
		}
	} else if err := req.Validate(); err != nil {
		return ExchangeTeamsUserTokenResponse{}, err
	}
	// POST /teamsUser/:exchangeAccessToken (TeamsUserOperations_ExchangeTeamsUserAccessToken,
	// "a new Communication Identity access token with a matching expiration
	// time"): repeatable. The same Entra token gets an equivalent ACS token
	// again; nothing is stored.
	var out identitywire.AccessToken
	err = c.send(ctx, repeatable, http.MethodPost, identitywire.PathExchange,
		identitywire.ExchangeRequest{Token: req.Token, AppID: req.AppID, UserID: req.UserID}, &out, http.StatusOK)
	if err != nil {
		return ExchangeTeamsUserTokenResponse{}, err
	}
	return ExchangeTeamsUserTokenResponse{AccessToken: fromWire(out)}, nil
}

func decodeKey(accessKey string) ([]byte, error) {
	key, err := connstr.DecodeKey(accessKey)
	if err != nil {
		return nil, argErr("accessKey", "not a base64 access key")
	}
	return key, nil
}
