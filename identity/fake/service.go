package fake

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
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
	// Now is the service's clock; nil means time.Now.
	Now func() time.Time
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
}

// Service is an in-memory ACS identity service. Its Go face implements
// identity.Service; Handler returns its HTTP face. It is safe for concurrent use.
type Service struct {
	opts   Options
	key    []byte
	signer *rsa.PrivateKey
	now    func() time.Time

	mu        sync.Mutex
	users     map[string]*user
	customIDs map[string]string
	issued    []IssuedToken
	exchanges []Exchange
	// assignments are the Teams Phone extensibility assignments, by
	// assignmentKey.
	assignments map[string]identitywire.TeamsExtensionAssignment
	faults      []*Fault
	windows     map[string]*window
	seq         uint64
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
	s.now = s.opts.Now
	if s.now == nil {
		s.now = time.Now
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("fake: generating a signing key: " + err.Error()) // crypto/rand failing is not recoverable
	}
	s.signer = k
	return s
}

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

// rate limits per 30 s, as documented for the service.
var limits = map[string]int{"exchange": 500, "create": 1000, "issue": 1000, "revoke": 500, "delete": 500}

func (s *Service) admit(op string) *apiError {
	if f := s.takeFault(op); f != nil {
		return f
	}
	lim, ok := limits[op]
	if !ok || s.opts.DisableRateLimits {
		return nil
	}
	now := s.now()
	w := s.windows[op]
	if w == nil || now.Sub(w.start) >= 30*time.Second {
		w = &window{start: now}
		s.windows[op] = w
	}
	w.count++
	if w.count > lim {
		return &apiError{status: http.StatusTooManyRequests, code: "TooManyRequests", msg: "Rate limit exceeded.",
			retryAfter: w.start.Add(30*time.Second).Sub(now).Round(time.Second) + time.Second}
	}
	return nil
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ---- the operations, on wire types, shared by both faces ----

func (s *Service) expiry(mins *int) (time.Duration, *apiError) {
	if mins == nil {
		return s.opts.DefaultTokenLifetime, nil
	}
	if *mins < 60 || *mins > 1440 {
		return 0, validation(fmt.Sprintf("ExpiresInMinutes value %d is invalid. Value must be within the [60, 1440] interval.", *mins), "ExpiresInMinutes")
	}
	return time.Duration(*mins) * time.Minute, nil
}

func parseScopes(in []string) ([]identity.Scope, *apiError) {
	out := make([]identity.Scope, 0, len(in))
	for _, x := range in {
		sc := identity.Scope(x)
		if !sc.Valid() {
			return nil, validation("Scope '"+x+"' is not valid.", "scopes")
		}
		out = append(out, sc)
	}
	return out, nil
}

func (s *Service) mint(subject identity.Identifier, skypeID string, scopes []identity.Scope, life time.Duration, exchanged bool) identitywire.AccessToken {
	now := s.now()
	exp := now.Add(life).Truncate(time.Second)
	s.seq++
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = string(sc)
	}
	claims := map[string]any{
		"skypeid":          skypeID,
		"scp":              1792,
		"csi":              fmt.Sprint(now.Unix()),
		"exp":              exp.Unix(),
		"iat":              now.Unix(),
		"rgn":              "amer",
		"acsScope":         strings.Join(names, ","),
		"resourceId":       s.opts.ResourceID,
		"resourceLocation": "unitedstates",
		"jti":              fmt.Sprint(s.seq),
	}
	tok, err := jwt.SignRS256(claims, "fake-acs-1", s.signer)
	if err != nil {
		panic("fake: signing a token: " + err.Error()) // only fails on a broken key
	}
	s.issued = append(s.issued, IssuedToken{User: subject, Scopes: scopes, Token: identity.AccessToken{Token: tok, ExpiresOn: exp}, IssuedAt: now, Exchanged: exchanged})
	return identitywire.AccessToken{Token: tok, ExpiresOn: identitywire.Time{Time: exp}}
}

func (s *Service) acsUserSkypeID(id string) string {
	return strings.TrimPrefix(id, "8:")
}

func (s *Service) create(req identitywire.CreateRequest) (identitywire.CreateResponse, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit("create"); e != nil {
		return identitywire.CreateResponse{}, e
	}
	scopes, e := parseScopes(req.CreateTokenWithScopes)
	if e != nil {
		return identitywire.CreateResponse{}, e
	}
	life, e := s.expiry(req.ExpiresInMinutes)
	if e != nil {
		return identitywire.CreateResponse{}, e
	}
	var u *user
	if req.CustomID != "" {
		if id, ok := s.customIDs[req.CustomID]; ok {
			u = s.users[id]
		}
	}
	if u == nil {
		u = &user{id: "8:acs:" + s.opts.ResourceID + "_" + uuid.New(), customID: req.CustomID}
		s.users[u.id] = u
		if req.CustomID != "" {
			s.customIDs[req.CustomID] = u.id
		}
	}
	out := identitywire.CreateResponse{Identity: identitywire.Identity{ID: u.id}}
	if len(scopes) > 0 {
		t := s.mint(identity.CommunicationUserIdentifier{ID: u.id}, s.acsUserSkypeID(u.id), scopes, life, false)
		u.lastIssued = s.now()
		out.AccessToken = &t
	}
	return out, nil
}

func (s *Service) get(id string) (identitywire.IdentityResult, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit("get"); e != nil {
		return identitywire.IdentityResult{}, e
	}
	u, ok := s.users[id]
	if !ok {
		return identitywire.IdentityResult{}, notFound(id)
	}
	out := identitywire.IdentityResult{ID: u.id, CustomID: u.customID}
	if !u.lastIssued.IsZero() {
		out.LastTokenIssuedAt = &identitywire.Time{Time: u.lastIssued}
	}
	return out, nil
}

func (s *Service) issue(id string, req identitywire.IssueRequest) (identitywire.AccessToken, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit("issue"); e != nil {
		return identitywire.AccessToken{}, e
	}
	if len(req.Scopes) == 0 {
		return identitywire.AccessToken{}, validation("Scopes: The Scopes field is required.", "Scopes")
	}
	scopes, e := parseScopes(req.Scopes)
	if e != nil {
		return identitywire.AccessToken{}, e
	}
	life, e := s.expiry(req.ExpiresInMinutes)
	if e != nil {
		return identitywire.AccessToken{}, e
	}
	u, ok := s.users[id]
	if !ok {
		return identitywire.AccessToken{}, notFound(id)
	}
	t := s.mint(identity.CommunicationUserIdentifier{ID: u.id}, s.acsUserSkypeID(u.id), scopes, life, false)
	u.lastIssued = s.now()
	return t, nil
}

func (s *Service) revoke(id string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit("revoke"); e != nil {
		return e
	}
	u, ok := s.users[id]
	if !ok {
		return notFound(id)
	}
	u.revokedAt = s.now()
	return nil
}

func (s *Service) delete(id string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit("delete"); e != nil {
		return e
	}
	u, ok := s.users[id]
	if !ok {
		return notFound(id)
	}
	delete(s.users, id)
	if u.customID != "" {
		delete(s.customIDs, u.customID)
	}
	return nil
}

func (s *Service) exchange(req identitywire.ExchangeRequest) (identitywire.AccessToken, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit("exchange"); e != nil {
		return identitywire.AccessToken{}, e
	}
	switch {
	case req.Token == "":
		return identitywire.AccessToken{}, invalidAccessToken
	case req.AppID == "":
		return identitywire.AccessToken{}, validation("AppId: The AppId field is required.", "AppId")
	case req.UserID == "":
		return identitywire.AccessToken{}, validation("UserId: The UserId field is required.", "UserId")
	case !guidRE.MatchString(req.AppID):
		return identitywire.AccessToken{}, validation("Provided AppId has invalid format.", "appId")
	case !guidRE.MatchString(req.UserID):
		return identitywire.AccessToken{}, validation("Provided UserId has invalid format.", "userId")
	}
	var claims identity.EntraTokenClaims
	var err error
	if s.opts.Entra != nil {
		claims, err = s.opts.Entra.Verify(req.Token)
	} else {
		claims, err = identity.ReadEntraToken(req.Token)
	}
	now := s.now()
	if err != nil || !claims.ExpiresOn.After(now) || !identity.IsTeamsAudience(claims.Audience) || !claims.HasScope(identity.TeamsManageCalls) || !claims.HasScope(identity.TeamsManageChats) {
		return identitywire.AccessToken{}, invalidAccessToken
	}
	if !strings.EqualFold(claims.AppID, req.AppID) {
		return identitywire.AccessToken{}, validation("AAD application is not the expected one.", "appId")
	}
	if !strings.EqualFold(claims.ObjectID, req.UserID) {
		return identitywire.AccessToken{}, validation("Provided AAD token issued for unexpected user.", "userId")
	}
	teamsUser := identity.MicrosoftTeamsUserIdentifier{UserID: strings.ToLower(claims.ObjectID)}
	t := s.mint(teamsUser, "orgid:"+teamsUser.UserID, []identity.Scope{identity.ScopeChat, identity.ScopeVoIP}, claims.ExpiresOn.Sub(now), true)
	s.exchanges = append(s.exchanges, Exchange{AppID: req.AppID, UserID: req.UserID, TenantID: claims.TenantID, At: now})
	return t, nil
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
