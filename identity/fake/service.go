package fake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// TokenVerifier verifies a Teams user's Entra token the way Entra's keys
// would: *Entra implements it.
type TokenVerifier interface {
	Verify(token string) (identity.EntraTokenClaims, error)
}

// Options configure a Service. The zero value is usable.
type Options struct {
	// AccessKey is the resource's access key that HMAC-signed requests must
	// be signed with; nil means a random key (see Service.AccessKey).
	AccessKey []byte
	// ResourceID is the ACS resource's immutable id; empty means a random GUID.
	ResourceID string
	// Entra, when set, verifies the Entra tokens presented for exchange
	// (signature, issuer, expiry; when nil, their claims are only read), and
	// the bearer tokens that authenticate requests to the HTTP face (see
	// VerifyACSBearer; when nil, bearer tokens are refused).
	Entra TokenVerifier
	// Clock is the service's time: token times, expiries, rate-limit
	// windows, the request log; nil means the system clock. Pass a manual
	// Clock (NewClock) to move time by hand. HMAC signatures are dated by
	// the client's wall clock and checked against the machine's time.
	Clock identity.Clock
	// AllowBearer, when set, decides instead of Entra whether a bearer token
	// presented to the HTTP face is accepted.
	AllowBearer func(token string) bool
	// DefaultTokenLifetime is the lifetime of tokens issued without a custom
	// expiry; zero means 24 hours, as the service does.
	DefaultTokenLifetime time.Duration
	// DisableRateLimits turns off the service's per-30-second rate limits
	// (exchange 500, create 1000, ...), for load tests and benchmarks.
	// Injected faults still apply.
	DisableRateLimits bool
	// MaxRequestLog bounds the request log (Requests); zero means 10,000,
	// the oldest dropped first.
	MaxRequestLog int
}

// sealed is identity.Service under a name that, embedded, stays
// unexported.
//
//lint:ignore U1000 embedded only for identity.Service's unexported method, a use staticcheck does not see
type sealed = identity.Service

// Service is an in-memory ACS identity service. Its Go face implements
// identity.Service; Handler returns its HTTP face. It is safe for concurrent
// use.
type Service struct {
	// sealed, never set, is embedded so that the type implements
	// identity.Service, which outside package identity only a type that embeds
	// one can (DESIGN.md, "Extending the interfaces"). Every method of the
	// interface is this type's own: TestGoFaceImplementsEveryMethod calls them
	// all.
	//lint:ignore U1000 embedded only for identity.Service's unexported method, a use staticcheck does not see
	sealed

	opts   Options
	key    []byte
	signer *fakekit.Issuer // of the ACS tokens
	clock  identity.Clock
	now    func() time.Time // clock.Now
	faults fakekit.Faults
	log    fakekit.Log[Request]

	mu        sync.Mutex
	users     map[string]*user
	customIDs map[string]string
	issued    []IssuedToken
	exchanges []Exchange
	// assignments are the Teams Phone extensibility assignments, by
	// assignmentKey.
	assignments map[string]identitywire.TeamsExtensionAssignment
	windows     map[string]*window
	seq         uint64
	closed      bool
}

type user struct {
	id         string
	customID   string
	lastIssued time.Time
	revokedAt  time.Time
}

type window struct {
	start time.Time
	count int
}

// IssuedToken records a token the service issued, for tests to inspect. The
// token itself is kept so that tests can compare it; never log it.
type IssuedToken struct {
	// User is the token's identity: an ACS user, or for an exchange the
	// Teams user.
	User identity.Identifier
	// Scopes are the ACS scopes granted.
	Scopes []identity.Scope
	// Token is the token and its expiry.
	Token identity.AccessToken
	// IssuedAt is when it was issued.
	IssuedAt time.Time
	// Exchanged is true for tokens from a Teams-user exchange.
	Exchanged bool
}

// Exchange records one accepted token exchange (without the Entra token).
type Exchange struct {
	AppID, UserID, TenantID string
	At                      time.Time
	// TeamsPhone is true for a Teams Phone exchange
	// (ExchangeTeamsPhoneToken), false for a Teams-user exchange.
	TeamsPhone bool
}

var _ identity.Service = (*Service)(nil)

// New returns an empty service.
func New(opts *Options) *Service {
	s := &Service{users: map[string]*user{}, customIDs: map[string]string{}, windows: map[string]*window{},
		assignments: map[string]identitywire.TeamsExtensionAssignment{}}
	if opts != nil {
		s.opts = *opts
	}
	s.key = s.opts.AccessKey
	if s.key == nil {
		s.key = make([]byte, 32)
		_, _ = rand.Read(s.key)
	}
	if s.opts.ResourceID == "" {
		s.opts.ResourceID = uuid.New()
	}
	if s.opts.DefaultTokenLifetime == 0 {
		s.opts.DefaultTokenLifetime = 24 * time.Hour
	}
	s.clock = s.opts.Clock
	if s.clock == nil {
		s.clock = identity.SystemClock()
	}
	s.now = s.clock.Now
	s.log.SetMax(s.opts.MaxRequestLog)
	// The ACS tokens are signed as the service's are, RS256; nothing but
	// the service checks their signature, so the process's shared test key
	// serves (generating one per service took most of New's time).
	s.signer = fakekit.NewIssuer(fakekit.SharedKey(), "fake-acs-1")
	return s
}

// Close stops the service: later requests fail on both faces (503 on the
// HTTP face), while inspection (Users, Requests, ...) keeps working. The
// service runs no goroutine; Close is idempotent and returns nil.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// isClosed reports whether Close was called.
func (s *Service) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// errClosed is the answer to a request after Close, on both faces.
var errClosed = &apiError{status: http.StatusServiceUnavailable, code: "ServiceUnavailable", msg: "The service is closed."}

// Clock returns the service's clock.
func (s *Service) Clock() identity.Clock { return s.clock }

// AccessKey returns the base64 access key that clients must sign with.
func (s *Service) AccessKey() string { return base64.StdEncoding.EncodeToString(s.key) }

// ResourceID returns the resource's immutable id.
func (s *Service) ResourceID() string { return s.opts.ResourceID }

// ConnectionString returns the connection string of the service served at
// endpoint (for example an httptest server's URL).
func (s *Service) ConnectionString(endpoint string) string {
	return "endpoint=" + strings.TrimRight(endpoint, "/") + "/;accesskey=" + s.AccessKey()
}

// apiError is a service error: a status and the service's error body.
type apiError struct {
	status     int
	code, msg  string
	target     string
	retryAfter time.Duration
}

func (e *apiError) body() []byte {
	b, _ := json.Marshal(identitywire.ErrorResponse{Error: identitywire.ErrorDetail{Code: e.code, Message: e.msg, Target: e.target}})
	return b
}

// retryAfterHeader is the Retry-After header of the error, in whole seconds
// rounded up (never shorter than the wait asked for), on both faces.
func (e *apiError) retryAfterHeader() string {
	return fmt.Sprint(int64((e.retryAfter + time.Second - 1) / time.Second))
}

// responseError turns an apiError into the *azcore.ResponseError that the
// real client would return for the same response, Retry-After included in
// its RawResponse, so that code reading the header (the refreshing
// credentials' back-off) sees the same on both faces.
func (e *apiError) responseError(ctx context.Context, method, path string) error {
	req, _ := http.NewRequestWithContext(ctx, method, "https://fake.communication.azure.com"+path, nil)
	resp := &http.Response{
		StatusCode: e.status,
		Status:     fmt.Sprintf("%d %s", e.status, http.StatusText(e.status)),
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(e.body())),
		Request:    req,
	}
	if e.retryAfter > 0 {
		resp.Header.Set("Retry-After", e.retryAfterHeader())
	}
	return runtime.NewResponseError(resp)
}

func validation(msg, target string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ValidationError", msg: msg, target: target}
}

var invalidAccessToken = &apiError{status: http.StatusUnauthorized, code: "InvalidAccessToken", msg: "Provided access token is not valid."}

func notFound(id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "IdentityNotFound", msg: "Identity with id '" + id + "' was not found."}
}

// ---- inspection ----

// Users returns the users that exist, sorted by id.
func (s *Service) Users() []identity.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]identity.User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, identity.User{ID: identity.CommunicationUserIdentifier{ID: u.id}, CustomID: u.customID, LastTokenIssuedAt: u.lastIssued})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.ID < out[j].ID.ID })
	return out
}

// IssuedTokens returns every token issued so far, oldest first.
func (s *Service) IssuedTokens() []IssuedToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]IssuedToken(nil), s.issued...)
}

// Exchanges returns the accepted token exchanges (Teams user and Teams
// Phone), oldest first.
func (s *Service) Exchanges() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Exchange(nil), s.exchanges...)
}

// TokenState says whether an ACS token issued by this service is still
// valid: it exists, has not expired, its user was not deleted, and its
// user's tokens were not revoked after it was issued.
func (s *Service) TokenState(token string) (valid bool, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.issued {
		if t.Token.Token != token {
			continue
		}
		if !t.Token.ExpiresOn.After(s.now()) {
			return false, "expired"
		}
		if cu, ok := t.User.(identity.CommunicationUserIdentifier); ok {
			u, ok := s.users[cu.ID]
			if !ok {
				return false, "user deleted"
			}
			if !u.revokedAt.IsZero() && !t.IssuedAt.After(u.revokedAt) {
				return false, "revoked"
			}
		}
		return true, ""
	}
	return false, "unknown token"
}
