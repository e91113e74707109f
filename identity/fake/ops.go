package fake

// The operations, on wire types, shared by both faces: each is one request
// of the service, its rate limit included. Injected faults are applied by
// the faces around them (goface.go, http.go).

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// rate limits per 30 s, as documented for the service.
var limits = map[string]int{OpExchangeTeamsUserToken: 500, OpCreateUser: 1000, OpIssueToken: 1000, OpRevokeTokens: 500, OpDeleteUser: 500}

// admit applies the rate limit of op. Call with s.mu held.
func (s *Service) admit(op string) *apiError {
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
	tok, err := s.signer.Sign(claims)
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
	if e := s.admit(OpCreateUser); e != nil {
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
	if e := s.admit(OpGetUser); e != nil {
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
	if e := s.admit(OpIssueToken); e != nil {
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
	if e := s.admit(OpRevokeTokens); e != nil {
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
	if e := s.admit(OpDeleteUser); e != nil {
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
	if e := s.admit(OpExchangeTeamsUserToken); e != nil {
		return identitywire.AccessToken{}, e
	}
	switch {
	case req.Token == "":
		return identitywire.AccessToken{}, invalidAccessToken
	case req.AppID == "":
		return identitywire.AccessToken{}, validation("AppId: The AppId field is required.", "AppId")
	case req.UserID == "":
		return identitywire.AccessToken{}, validation("UserId: The UserId field is required.", "UserId")
	case !uuid.IsGUID(req.AppID):
		return identitywire.AccessToken{}, validation("Provided AppId has invalid format.", "appId")
	case !uuid.IsGUID(req.UserID):
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
