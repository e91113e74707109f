package tokenservice

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callercache"
	"github.com/teamsuser-sdk/teamsuser-go/internal/oidc"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// TeamsTokenHeader is the request header in which a client may forward the
// Teams user's Entra ID token (for the Teams.ManageCalls and
// Teams.ManageChats scopes) instead of the "teamsToken" member of the body.
const TeamsTokenHeader = "X-Teams-User-Token"

// DefaultAuthorityHost is the Microsoft Entra ID authority of the public
// cloud.
const DefaultAuthorityHost = "https://login.microsoftonline.com"

// USGovAuthorityHost is the Microsoft Entra ID authority of the US
// Government cloud, that of GCC High and DoD users (Learn:
// entra/identity-platform/authentication-national-cloud).
const USGovAuthorityHost = "https://login.microsoftonline.us"

// DefaultMaxBodyBytes is the default limit of a request body.
const DefaultMaxBodyBytes = 32 << 10

// Defaults of RateLimit.
const (
	DefaultRateLimitBurst    = 5
	DefaultRateLimitEvery    = 12 * time.Second
	DefaultRateLimitMaxUsers = 10000
)

// DefaultCORSMaxAge is how long browsers may cache a preflight answer when
// CORS.MaxAge is zero.
const DefaultCORSMaxAge = 10 * time.Minute

// teamsScopes are the scopes of the Teams user's Entra token that ACS
// exchanges.
var teamsScopes = []string{
	identity.TeamsAudience + "/" + identity.TeamsManageCalls,
	identity.TeamsAudience + "/" + identity.TeamsManageChats,
}

// KeySet finds the RSA public key that verifies caller tokens with a given
// key id. Set Options.Keys to one to validate caller tokens
// without fetching the issuer's keys.
type KeySet interface {
	// Key returns the key with that kid, or an error if there is none.
	Key(kid string) (*rsa.PublicKey, error)
}

// StaticKeys is a KeySet of fixed keys by key id.
type StaticKeys map[string]*rsa.PublicKey

// Key implements KeySet.
func (k StaticKeys) Key(kid string) (*rsa.PublicKey, error) {
	if pub, ok := k[kid]; ok && pub != nil {
		return pub, nil
	}
	return nil, errors.New("tokenservice: no key with that key id")
}

// OnBehalfOfFunc obtains the Teams user's Entra ID token for the Teams
// scopes of Communication Services on behalf of the authenticated caller,
// from the caller's own token (the OAuth 2.0 on-behalf-of flow). The
// token must be issued to Config.AppID. OnBehalfOfCredential
// makes one from azidentity's OnBehalfOfCredential.
type OnBehalfOfFunc func(ctx context.Context, caller Caller, callerToken string) (azcore.AccessToken, error)

// CredentialFunc returns the delegated credential of an authenticated
// caller, made from the caller's own Entra ID token for the service
// (callerToken, the on-behalf-of flow's user assertion). In production it
// is azidentity's on-behalf-of credential of the service's own app
// registration, in the caller's tenant:
//
//	func(c tokenservice.Caller, callerToken string) (azcore.TokenCredential, error) {
//		return azidentity.NewOnBehalfOfCredentialWithSecret(c.TenantID, apiAppID, callerToken, secret, nil)
//	}
//
// OnBehalfOfCredential and teamsuser.NewUsers take one. They call it with a
// lock held, so it must not block (azidentity's constructors do not).
type CredentialFunc func(caller Caller, callerToken string) (azcore.TokenCredential, error)

// OnBehalfOfCredential returns an OnBehalfOfFunc that asks newCredential for
// a credential for a caller and gets a token for the Teams scopes
// (Teams.ManageCalls and Teams.ManageChats of
// https://auth.msft.communication.azure.com) from it.
//
// It keeps each caller's credential (by tenant and object id, as
// teamsuser.Users keeps users) while the caller's token it was made from is
// valid, for at most 1000 callers, the least recently used going first: the
// credential's own token cache then answers the caller's later requests
// without a round trip to Entra ID. A later token of the caller that lives
// longer replaces the credential. The token request names no tenant: the credential's is the caller's, and azidentity
// refuses a tenant spelled otherwise than the credential's.
func OnBehalfOfCredential(newCredential CredentialFunc) OnBehalfOfFunc {
	return onBehalfOf(newCredential, oboMaxCallers, time.Now)
}

// oboMaxCallers bounds the callers whose credential OnBehalfOfCredential
// keeps: as many as teamsuser.Users keeps users by default.
const oboMaxCallers = 1000

// onBehalfOf is OnBehalfOfCredential with its bound and clock.
func onBehalfOf(newCredential CredentialFunc, maxCallers int, now func() time.Time) OnBehalfOfFunc {
	if newCredential == nil {
		return func(context.Context, Caller, string) (azcore.AccessToken, error) {
			return azcore.AccessToken{}, errors.New("tokenservice: no on-behalf-of credential factory")
		}
	}
	creds := callercache.New[azcore.TokenCredential](maxCallers, now, nil)
	return func(ctx context.Context, caller Caller, callerToken string) (azcore.AccessToken, error) {
		cred, err := creds.Get(caller.TenantID, caller.ObjectID, caller.ExpiresOn, func() (azcore.TokenCredential, error) {
			cred, err := newCredential(caller, callerToken)
			if err == nil && cred == nil {
				err = errors.New("tokenservice: the on-behalf-of credential factory returned nil")
			}
			return cred, err
		})
		if err != nil {
			return azcore.AccessToken{}, err
		}
		return cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: append([]string(nil), teamsScopes...)})
	}
}

// RateLimit is the per-user rate limit of a Service: a token bucket per
// caller (tenant and object id) that holds Burst requests and gains one every
// Every. The buckets are in the process's memory unless Store says
// otherwise; there at most MaxUsers are kept, the least recently used one
// going first. The zero value means the defaults.
//
// Each replica of a service has buckets of its own unless they share a
// Store, so behind a load balancer a user can make up to replicas × Burst
// requests at once; a shared Store (teamsuser/redisstore's RateLimits) holds
// the limit across them. When the shared store fails (Redis unreachable),
// the replica falls back to buckets in its own memory for that request
// (erring on the side of the user, as the bound on memory does) and logs
// the store's error with the request's record.
type RateLimit struct {
	// Burst is how many requests a user can make at once; zero means
	// DefaultRateLimitBurst.
	Burst int
	// Every is how often a user regains one request; zero means
	// DefaultRateLimitEvery.
	Every time.Duration
	// MaxUsers bounds the users tracked in memory; zero means
	// DefaultRateLimitMaxUsers.
	MaxUsers int
	// Store keeps the buckets; nil means NewMemoryRateLimitStore(MaxUsers).
	Store RateLimitStore
	// Disabled turns the limit off.
	Disabled bool
}

// CORS lets browser clients of other origins call the token service.
type CORS struct {
	// AllowedOrigins are the origins allowed to call, such as
	// "https://app.contoso.com" (scheme, host and port, no path). "*"
	// allows every origin and cannot be combined with AllowCredentials.
	// Requests that carry another Origin are refused with 403, so list the
	// service's own origin too if a page on it calls the service.
	AllowedOrigins []string
	// AllowCredentials lets the browser send cookies and HTTP
	// authentication along; the service itself needs neither (the caller's
	// token is a bearer token).
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight answer; zero means
	// DefaultCORSMaxAge.
	MaxAge time.Duration
}

// AnyTenant, alone in Config.Tenants, accepts callers of every tenant.
const AnyTenant = "*"

// Config is what every token service must be told; each of its fields is
// required. (They are named rather than positional because two are lists
// whose values both look like GUIDs: an app id among the audiences, tenant
// ids among the tenants.) Everything optional is in Options.
type Config struct {
	// Exchanger exchanges the Teams user's Entra token for an ACS token:
	// an *identity.Client, or identity/fake's Service in tests.
	Exchanger identity.TokenExchanger
	// AppID is the client (application) id of the Entra app the Teams
	// users' Entra tokens are issued to, sent with every exchange. With
	// Options.OnBehalfOf it is the token service's own app registration.
	AppID string
	// Audiences are the accepted audiences of caller tokens: the token
	// service's app id (v2.0 tokens) and/or its App ID URI, such as
	// "api://contoso-token-service" (v1.0 tokens).
	Audiences []string
	// Tenants are the ids of the tenants whose users may call, or AnyTenant
	// alone to accept every tenant. With one tenant the service is
	// single-tenant and reads that tenant's OpenID metadata; otherwise it
	// reads the "organizations" metadata.
	Tenants []string
}

// Options are the optional settings of a Service; nil means every default.
type Options struct {
	// ForwardedAppID, if set, is the app id sent with exchanges of
	// forwarded Teams tokens, when the client app that obtains them is
	// another registration than Config.AppID.
	ForwardedAppID string
	// RequiredScopes, if set, are delegated scopes of which the caller's
	// token must carry at least one, such as "access_as_user".
	RequiredScopes []string

	// OnBehalfOf, if set, obtains the Teams user's Entra token from the
	// caller's token when the request does not forward one. Without it,
	// every request must forward the Teams token.
	OnBehalfOf OnBehalfOfFunc
	// Cloud is the cloud of the Teams users, used for their identifier in
	// responses and for the Entra ID authority's default; empty means
	// identity.CloudPublic. Give it the value teamsuser.Config.Cloud has.
	Cloud identity.CloudEnvironment

	// AuthorityHost is the Entra ID authority; empty means that of Cloud:
	// DefaultAuthorityHost for the public cloud, USGovAuthorityHost for
	// GCC High and DoD. Tests point it at identity/fake's Entra handler on
	// loopback. Caller tokens of v1.0 and v2.0 are accepted with the
	// issuers of the authority's cloud (global, US Government, China).
	AuthorityHost string
	// MetadataURL, if set, is the OpenID discovery document to read
	// instead of AuthorityHost + "/{tenant}/v2.0/.well-known/openid-configuration".
	MetadataURL string
	// Issuers, if set, are the accepted issuers of caller tokens, in which
	// "{tenantid}" stands for the token's tenant id. Empty means the issuer
	// of the metadata document (v2.0 tokens) and the v1.0 issuer of the
	// same cloud: "https://sts.windows.net/{tenantid}/" for the global and
	// US Government clouds, "https://sts.chinacloudapi.cn/{tenantid}/" for
	// China (21Vianet).
	Issuers []string
	// Keys, if set, are the keys caller tokens are verified with; nothing
	// is fetched (AuthorityHost, MetadataURL and HTTPClient are unused), and
	// Issuers defaults to the v2.0 and v1.0 issuers of Cloud's Entra
	// (global for the public cloud, US Government for GCC High and DoD).
	Keys KeySet
	// HTTPClient fetches the OpenID metadata and keys; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// KeyRefreshInterval is the least time between two fetches of the
	// keys caused by tokens that name an unknown key; zero means five
	// minutes.
	KeyRefreshInterval time.Duration
	// ClockSkew is the tolerance on the times of caller tokens; zero means
	// two minutes, a negative value none.
	ClockSkew time.Duration
	// Clock is the source of time (token times, rate limit); nil means
	// identity.SystemClock.
	Clock identity.Clock

	// RateLimit limits requests per user.
	RateLimit RateLimit
	// SharedCache, if set, keeps the ACS tokens the service hands out, so
	// that a user's later requests get the token already exchanged instead
	// of costing another exchange (and, on behalf of the caller, another
	// on-behalf-of request): one exchange per user per token lifetime. The
	// replicas of a service that share the cache's store (teamsuser/
	// redisstore's Tokens) share the tokens, so it holds across the
	// cluster, whichever replica a request reaches. The cache works as it
	// does for identity.TeamsUserCredentialOptions.SharedCache (each
	// request is a credential on it): tokens sealed with the application's
	// keys, one replica at a time exchanging for a user under the user's
	// lease, the others waiting for its token, and each replica exchanging
	// on its own while the store fails. A cached token is handed out while
	// it is not due for refresh (identity.DefaultRefreshBefore before it
	// expires); then the request's Teams token is exchanged for a new one.
	//
	// The caller is always authenticated first, and a forwarded Teams token
	// is checked as the identity client checks it before an exchange
	// (identity.CheckTeamsUserToken: audience, scopes, app, the caller as
	// its user, times), so it is refused with the same answers as without
	// the cache; only its signature is left to Communication Services,
	// which sees it when it is exchanged. Requires SharedCacheID.
	SharedCache *identity.SharedTokenCache
	// SharedCacheID names a user's token in SharedCache, from the client id
	// of the app the Teams token is issued to (ForwardedAppID, or
	// Config.AppID on behalf of the caller) and the user's object id. It
	// must give the same id on every replica for one ACS resource, app and
	// user, and a different one for any other; for example
	//
	//	func(appID, userID string) string { return "contoso-acs/" + appID + "/" + userID }
	//
	// A TeamsUserCredential whose SharedCacheID is the same id shares the
	// user's token with the service. It must not return an empty id.
	SharedCacheID func(appID, userID string) string
	// CORS, if set, lets browsers of the allowed origins call the service.
	CORS *CORS
	// Logger receives one record per request (status, error code, tenant,
	// user, and the cause of a failure), never a token; nil means no
	// logging.
	Logger *slog.Logger
	// MaxBodyBytes limits the request body; zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// Service is an http.Handler that is the backend of a web or mobile
// client of Teams users: it authenticates the caller with the caller's
// Microsoft Entra ID access token for the service (Authorization: Bearer),
// checks that the caller's tenant is allowed and that the caller is within
// the rate limit, and answers with an ACS access token for the caller as a
// Teams user, exchanged from the caller's Teams Entra token (forwarded by the
// client or obtained on behalf of the caller). The user is always the
// caller: the exchange is made with the object id of the authenticated
// caller token, and a request cannot name a user.
//
// Mount it on a path of your choice; it answers POST (and OPTIONS for CORS
// preflights). The request:
//
//	POST /api/token
//	Authorization: Bearer <caller's Entra token for the service>
//	Content-Type: application/json
//
//	{"teamsToken": "<Teams user's Entra token>"}
//
// The body is optional when Options.OnBehalfOf is set; the Teams token may
// also come in the TeamsTokenHeader header. The answer is a
// Response:
//
//	200 OK
//	Cache-Control: no-store
//
//	{"token": "<ACS token>", "expiresOn": "2026-05-01T10:00:00Z",
//	 "user": {"kind": "microsoftTeamsUser", "rawId": "8:orgid:<oid>",
//	          "microsoftTeamsUser": {"userId": "<oid>", "isAnonymous": false, "cloud": "public"}}}
//
// or an error, {"error": {"code": "...", "message": "..."}}, with the codes
// of ErrorCode. Responses never contain the caller's or the Teams token.
//
// A Service is safe for concurrent use.
type Service struct {
	exchanger      identity.TokenExchanger
	appID          string
	forwardedAppID string
	obo            OnBehalfOfFunc
	cloud          identity.CloudEnvironment
	auth           *callerAuth
	limits         *rateLimits // nil when disabled
	shared         *identity.SharedTokenCache
	sharedID       func(appID, userID string) string
	cors           *corsPolicy
	log            *slog.Logger
	clock          identity.Clock
	maxBody        int64
}

// New checks cfg and opts (nil means every default) and returns the
// service. Errors are *ArgumentError naming the field at fault. Nothing is
// fetched until the first request.
func New(cfg Config, opts *Options) (*Service, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	argErr := func(arg, format string, a ...any) error {
		return &ArgumentError{Arg: arg, Problem: fmt.Sprintf(format, a...)}
	}
	if cfg.Exchanger == nil {
		return nil, argErr("cfg.Exchanger", "is required (an *identity.Client)")
	}
	if !uuid.IsGUID(cfg.AppID) {
		return nil, argErr("cfg.AppID", "must be the client id (a GUID) of the Entra app the Teams tokens are issued to")
	}
	if o.ForwardedAppID != "" && !uuid.IsGUID(o.ForwardedAppID) {
		return nil, argErr("opts.ForwardedAppID", "must be a client id (a GUID)")
	}
	if len(cfg.Audiences) == 0 {
		return nil, argErr("cfg.Audiences", "is required: the service's app id and/or App ID URI")
	}
	for _, a := range cfg.Audiences {
		if strings.TrimSpace(a) == "" || strings.TrimSpace(a) != a {
			return nil, argErr("cfg.Audiences", "holds an empty audience or one with spaces")
		}
	}
	anyTenant := slices.Contains(cfg.Tenants, AnyTenant)
	switch {
	case len(cfg.Tenants) == 0:
		return nil, argErr("cfg.Tenants", "must list the tenants whose users may call, or hold AnyTenant")
	case anyTenant && len(cfg.Tenants) > 1:
		return nil, argErr("cfg.Tenants", "cannot hold AnyTenant beside tenant ids")
	}
	tenants := make(map[string]bool, len(cfg.Tenants))
	for _, t := range cfg.Tenants {
		if t == AnyTenant {
			continue
		}
		if !uuid.IsGUID(t) {
			return nil, argErr("cfg.Tenants", "must hold tenant ids (GUIDs), not %q", t)
		}
		tenants[strings.ToLower(t)] = true
	}
	for _, s := range o.RequiredScopes {
		if s == "" || strings.ContainsAny(s, " \t") {
			return nil, argErr("opts.RequiredScopes", "holds an empty scope or one with spaces")
		}
	}
	for _, is := range o.Issuers {
		if err := oidc.CheckURL(strings.ReplaceAll(is, "{tenantid}", "t")); err != nil {
			return nil, argErr("opts.Issuers", "holds %q, which %v", is, err)
		}
	}
	switch o.Cloud {
	case "", identity.CloudPublic, identity.CloudDoD, identity.CloudGCCH:
	default:
		return nil, argErr("opts.Cloud", "is not a known cloud")
	}
	if o.MaxBodyBytes < 0 {
		return nil, argErr("opts.MaxBodyBytes", "is negative")
	}
	switch {
	case o.SharedCache != nil && o.SharedCacheID == nil:
		return nil, argErr("opts.SharedCacheID", "is required with a shared cache")
	case o.SharedCache == nil && o.SharedCacheID != nil:
		return nil, argErr("opts.SharedCache", "is required with a shared cache id")
	}
	clock := o.Clock
	if clock == nil {
		clock = identity.SystemClock()
	}
	s := &Service{
		exchanger:      cfg.Exchanger,
		appID:          cfg.AppID,
		forwardedAppID: o.ForwardedAppID,
		obo:            o.OnBehalfOf,
		cloud:          o.Cloud,
		clock:          clock,
		maxBody:        o.MaxBodyBytes,
		log:            o.Logger,
		shared:         o.SharedCache,
		sharedID:       o.SharedCacheID,
	}
	if s.forwardedAppID == "" {
		s.forwardedAppID = s.appID
	}
	if s.cloud == "" {
		s.cloud = identity.CloudPublic
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}

	var provider *oidc.Provider
	issuers := append([]string(nil), o.Issuers...)
	if o.Keys != nil {
		v2 := publicV2Issuer
		if s.cloud != identity.CloudPublic {
			v2 = usGovV2Issuer
		}
		provider = oidc.NewStaticProvider(oidc.Metadata{Issuer: v2}, o.Keys, clock.Now)
		if len(issuers) == 0 {
			issuers = []string{v2, globalV1Issuer}
		}
	} else {
		metadataURL := o.MetadataURL
		if metadataURL == "" {
			host := o.AuthorityHost
			switch {
			case host != "":
			case s.cloud != identity.CloudPublic:
				host = USGovAuthorityHost
			default:
				host = DefaultAuthorityHost
			}
			host = strings.TrimRight(host, "/")
			if err := oidc.CheckURL(host); err != nil {
				return nil, argErr("opts.AuthorityHost", "%v", err)
			}
			if u, _ := url.Parse(host); u.RawQuery != "" {
				return nil, argErr("opts.AuthorityHost", "has a query")
			}
			seg := "organizations"
			if len(cfg.Tenants) == 1 && !anyTenant {
				seg = strings.ToLower(cfg.Tenants[0])
			}
			metadataURL = host + "/" + seg + "/v2.0/.well-known/openid-configuration"
		} else if err := oidc.CheckURL(metadataURL); err != nil {
			return nil, argErr("opts.MetadataURL", "%v", err)
		}
		var err error
		provider, err = oidc.NewProvider(metadataURL, &oidc.ProviderOptions{
			HTTPClient:         o.HTTPClient,
			Now:                clock.Now,
			MinRefreshInterval: o.KeyRefreshInterval,
		})
		if err != nil {
			return nil, argErr("opts.MetadataURL", "%v", err)
		}
	}
	s.auth = &callerAuth{
		provider:       provider,
		audiences:      append([]string(nil), cfg.Audiences...),
		tenants:        tenants,
		anyTenant:      anyTenant,
		issuers:        issuers,
		requiredScopes: append([]string(nil), o.RequiredScopes...),
		skew:           o.ClockSkew,
	}
	if !o.RateLimit.Disabled {
		rl := o.RateLimit
		if rl.Burst < 0 || rl.Every < 0 || rl.MaxUsers < 0 {
			provider.Close()
			return nil, argErr("opts.RateLimit", "has a negative field")
		}
		s.limits = newRateLimits(rl)
	}
	if o.CORS != nil {
		p, err := newCORSPolicy(*o.CORS)
		if err != nil {
			provider.Close()
			return nil, err
		}
		s.cors = p
	}
	return s, nil
}

// Close releases what the Service holds: it ends a fetch of the identity
// provider's signing keys in flight (which goes on in the Service's own
// goroutine when the request that needed it has given up) and waits for
// it, and stops further fetches. It does not stop an HTTP server serving
// the Service: shut that down first. Afterwards, callers whose token is
// signed with a key already fetched are still authenticated; others are
// answered 503 (CodeAuthorityUnavailable). Close may be called more than
// once, from several goroutines; it always returns nil.
func (s *Service) Close() error {
	s.auth.provider.Close()
	return nil
}

// Caller is the authenticated caller of a Service: the claims of the
// caller's verified Entra ID token that identify the user.
type Caller struct {
	// TenantID is the user's tenant ("tid").
	TenantID string
	// ObjectID is the user's object id ("oid"), the Teams user id.
	ObjectID string
	// ClientAppID is the client app that obtained the caller's token
	// ("azp" in v2.0 tokens, "appid" in v1.0 tokens).
	ClientAppID string
	// Name is the user's display name ("name"), if given.
	Name string
	// Username is the user's sign-in name ("preferred_username" or "upn"),
	// if given.
	Username string
	// Scopes are the delegated scopes granted to the client ("scp").
	Scopes []string
	// ExpiresOn is when the caller's token expires ("exp").
	ExpiresOn time.Time
}

// TeamsUser returns the caller as a Teams user identifier of cloud (empty
// means identity.CloudPublic).
func (c Caller) TeamsUser(cloud identity.CloudEnvironment) identity.MicrosoftTeamsUserIdentifier {
	return identity.MicrosoftTeamsUserIdentifier{UserID: c.ObjectID, Cloud: cloud}
}

// Response is the JSON body of a Service's 200 answer.
// Printing it with fmt or log/slog, or encoding it with encoding/json,
// never shows the token (see MarshalJSON).
type Response struct {
	// Token is the caller's ACS access token. It is a secret.
	Token string `json:"token"`
	// ExpiresOn is when the token expires (RFC 3339).
	ExpiresOn time.Time `json:"expiresOn"`
	// User is the caller as a Teams user, in the CommunicationIdentifierModel
	// shape of the ACS SDKs (kind, rawId, microsoftTeamsUser).
	User identity.IdentifierModel `json:"user"`
}

// String returns a description without the token.
func (r Response) String() string {
	return fmt.Sprintf("tokenservice.Response{Token: %s, ExpiresOn: %s, User: %s}",
		identity.Redact(r.Token), r.ExpiresOn.UTC().Format(time.RFC3339), r.User.RawID)
}

// GoString is String.
func (r Response) GoString() string { return r.String() }

// Format implements fmt.Formatter so that every verb prints String.
func (r Response) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue implements slog.LogValuer without the token.
func (r Response) LogValue() slog.Value { return slog.StringValue(r.String()) }

// ErrorCode is the stable code of a Service error answer.
type ErrorCode string

// The error codes of a Service, with their HTTP status.
const (
	// CodeMissingToken (401): no bearer token in Authorization.
	CodeMissingToken ErrorCode = "missing_token"
	// CodeInvalidToken (401): the caller's token is malformed, forged,
	// expired, not yet valid, for another audience or from another issuer.
	CodeInvalidToken ErrorCode = "invalid_token"
	// CodeTenantNotAllowed (403): the caller's tenant is not allowed.
	CodeTenantNotAllowed ErrorCode = "tenant_not_allowed"
	// CodeUserTokenRequired (403): the caller's token is not a delegated
	// token of a user (an app-only token, for example).
	CodeUserTokenRequired ErrorCode = "user_token_required"
	// CodeInsufficientScope (403): the caller's token has none of the
	// required scopes.
	CodeInsufficientScope ErrorCode = "insufficient_scope"
	// CodeOriginNotAllowed (403): the request's Origin is not allowed.
	CodeOriginNotAllowed ErrorCode = "origin_not_allowed"
	// CodeTeamsTokenWrongUser (403): the forwarded Teams token belongs to
	// another user than the caller.
	CodeTeamsTokenWrongUser ErrorCode = "teams_token_wrong_user"
	// CodeBadRequest (400): the request is not of the documented shape
	// (unknown members, a member that names a user, duplicates, ...).
	CodeBadRequest ErrorCode = "bad_request"
	// CodeTeamsTokenRequired (400): no Teams token was forwarded and the
	// service does not obtain one on behalf of the caller.
	CodeTeamsTokenRequired ErrorCode = "teams_token_required"
	// CodeInvalidTeamsToken (400): the forwarded Teams token cannot be
	// exchanged (malformed, expired, wrong audience or scopes, another app).
	CodeInvalidTeamsToken ErrorCode = "invalid_teams_token"
	// CodeMethodNotAllowed (405): a method other than POST or OPTIONS.
	CodeMethodNotAllowed ErrorCode = "method_not_allowed"
	// CodeRequestTooLarge (413): the body is larger than the limit.
	CodeRequestTooLarge ErrorCode = "request_too_large"
	// CodeUnsupportedMediaType (415): a body that is not application/json.
	CodeUnsupportedMediaType ErrorCode = "unsupported_media_type"
	// CodeRateLimited (429): the caller made too many requests; see
	// Retry-After.
	CodeRateLimited ErrorCode = "rate_limited"
	// CodeOnBehalfOfFailed (502): the Teams token could not be obtained on
	// behalf of the caller.
	CodeOnBehalfOfFailed ErrorCode = "on_behalf_of_failed"
	// CodeExchangeFailed (502): Communication Services did not exchange the
	// token.
	CodeExchangeFailed ErrorCode = "exchange_failed"
	// CodeExchangeThrottled (503): Communication Services throttled the
	// exchange; see Retry-After.
	CodeExchangeThrottled ErrorCode = "exchange_throttled"
	// CodeAuthorityUnavailable (503): the Entra ID keys could not be
	// fetched, so the caller could not be authenticated.
	CodeAuthorityUnavailable ErrorCode = "authority_unavailable"
)

// Error is an error answer of a Service, and the error of
// Service.Authenticate. Its message never contains a token.
type Error struct {
	// Status is the HTTP status.
	Status int
	// Code is the stable error code.
	Code ErrorCode
	// Message explains the error to the client developer.
	Message string
	// RetryAfter, if positive, is sent as Retry-After.
	RetryAfter time.Duration
	// Err is the cause, for logs; it is not sent to the client.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	return "tokenservice: " + string(e.Code) + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ArgumentError reports a setting of New that cannot work; nothing was
// started. Its text, "tokenservice: invalid <Arg>: <Problem>", names the
// setting and the problem. Every package of the module reports bad
// arguments with an ArgumentError of this shape.
type ArgumentError struct {
	// Arg names the setting, for example "cfg.Tenants" or
	// "opts.CORS.AllowedOrigins".
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
	// Err, when not nil, is a sentinel the problem is an instance of;
	// errors.Is finds it.
	Err error
}

// Error implements error.
func (e *ArgumentError) Error() string { return "tokenservice: invalid " + e.Arg + ": " + e.Problem }

// Unwrap returns Err.
func (e *ArgumentError) Unwrap() error { return e.Err }

func svcErr(status int, code ErrorCode, msg string, cause error) *Error {
	return &Error{Status: status, Code: code, Message: msg, Err: cause}
}
