package fake

// Teams Phone extensibility (identity api-version 2025-06-30): assignments
// and the Teams Phone token exchange, on wire types shared by both faces,
// then the Go face. Sources as in identity/teamsphone.go: the 2025-06-30
// spec (TeamsExtensionOperations_*) and "Access Teams Phone without going
// through the Teams client",
// https://learn.microsoft.com/azure/communication-services/quickstarts/tpe/teams-phone-extensibility-access-teams-phone.

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

func assignmentKey(tenantID, objectID string) string {
	return strings.ToLower(tenantID) + "/" + strings.ToLower(objectID)
}

// checkPrincipal is the service's check of the ids in an assignment's path:
// Entra ids are GUIDs (choice: the spec types them as strings; the error
// shape is ValidationError with the parameter as target, as for the
// exchange's appId and userId).
func checkPrincipal(tenantID, objectID string) *apiError {
	switch {
	case !uuid.IsGUID(tenantID):
		return validation("Provided tenantId has invalid format.", "tenantId")
	case !uuid.IsGUID(objectID):
		return validation("Provided objectId has invalid format.", "objectId")
	}
	return nil
}

func assignmentNotFound(tenantID, objectID string) *apiError {
	// 404 for a principal without an assignment, as the quickstart says
	// ("Verify that its response status code is 404"); the body's code and
	// message are not documented (choice).
	return &apiError{status: http.StatusNotFound, code: "NotFound",
		msg: "Assignment for object '" + objectID + "' of tenant '" + tenantID + "' was not found."}
}

// putAssignment creates (201) or replaces (200) an assignment.
func (s *Service) putAssignment(tenantID, objectID string, req identitywire.TeamsExtensionAssignmentRequest) (identitywire.TeamsExtensionAssignment, bool, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit(OpPutTeamsExtensionAssignment); e != nil {
		return identitywire.TeamsExtensionAssignment{}, false, e
	}
	if e := checkPrincipal(tenantID, objectID); e != nil {
		return identitywire.TeamsExtensionAssignment{}, false, e
	}
	// principalType is required, "resourceAccount" or "user"
	// (TeamsExtensionPrincipalType). The quickstart's examples also write
	// "teamsResourceAccount", and a sample "User": the service's handling
	// of those is not documented; the fake accepts the spec's values only
	// (choice).
	switch identity.TeamsExtensionPrincipalType(req.PrincipalType) {
	case identity.TeamsExtensionPrincipalUser, identity.TeamsExtensionPrincipalResourceAccount:
	case "":
		return identitywire.TeamsExtensionAssignment{}, false, validation("PrincipalType: The PrincipalType field is required.", "principalType")
	default:
		return identitywire.TeamsExtensionAssignment{}, false, validation("Provided principalType '"+req.PrincipalType+"' is not valid.", "principalType")
	}
	for _, id := range req.ClientIDs {
		if !uuid.IsGUID(id) {
			return identitywire.TeamsExtensionAssignment{}, false, validation("Provided clientId has invalid format.", "clientIds")
		}
	}
	a := identitywire.TeamsExtensionAssignment{ObjectID: objectID, TenantID: tenantID, PrincipalType: req.PrincipalType, ClientIDs: slices.Clone(req.ClientIDs)}
	k := assignmentKey(tenantID, objectID)
	_, existed := s.assignments[k]
	s.assignments[k] = a
	return a, !existed, nil
}

func (s *Service) getAssignment(tenantID, objectID string) (identitywire.TeamsExtensionAssignment, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit(OpGetTeamsExtensionAssignment); e != nil {
		return identitywire.TeamsExtensionAssignment{}, e
	}
	if e := checkPrincipal(tenantID, objectID); e != nil {
		return identitywire.TeamsExtensionAssignment{}, e
	}
	a, ok := s.assignments[assignmentKey(tenantID, objectID)]
	if !ok {
		return identitywire.TeamsExtensionAssignment{}, assignmentNotFound(tenantID, objectID)
	}
	a.ClientIDs = slices.Clone(a.ClientIDs)
	return a, nil
}

func (s *Service) deleteAssignment(tenantID, objectID string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit(OpDeleteTeamsExtensionAssignment); e != nil {
		return e
	}
	if e := checkPrincipal(tenantID, objectID); e != nil {
		return e
	}
	k := assignmentKey(tenantID, objectID)
	if _, ok := s.assignments[k]; !ok {
		// A second delete: not documented; 404 as for identities (choice).
		return assignmentNotFound(tenantID, objectID)
	}
	delete(s.assignments, k)
	return nil
}

// errNoAssignment is the answer to a Teams Phone exchange by a user without
// an assignment for the token's app. The status is what the official
// sample reacts to ("Teams Extension access required" on "Status: 403",
// Azure-Samples/communication-services-javascript-quickstarts
// tpe-token-and-access-management/client/acs-token-manager.js); the code and
// message are not documented (choice).
var errNoAssignment = &apiError{status: http.StatusForbidden, code: "Forbidden",
	msg: "The user has no Teams Phone extensibility assignment for this application."}

// exchangePhone exchanges a Teams Phone user's Entra token (the request's
// bearer token) for an ACS token of the Teams extension user
// 8:acs:<resourceId>_<tenantId>_<userId>.
func (s *Service) exchangePhone(token string) (identitywire.CreateResponse, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.admit(OpExchangeTeamsPhoneToken); e != nil {
		return identitywire.CreateResponse{}, e
	}
	if token == "" {
		return identitywire.CreateResponse{}, invalidAccessToken
	}
	var claims identity.EntraTokenClaims
	var err error
	if s.opts.Entra != nil {
		claims, err = s.opts.Entra.Verify(token)
	} else {
		claims, err = identity.ReadEntraToken(token)
	}
	now := s.now()
	// A token that is not a Teams Phone user's valid token for the Teams
	// resource gets the exchange's 401 InvalidAccessToken, as the Teams-user
	// exchange answers (choice: this exchange documents no errors).
	if err != nil || !claims.ExpiresOn.After(now) || !identity.IsTeamsAudience(claims.Audience) ||
		!claims.HasScope(identity.TeamsExtensionManageCalls) || !uuid.IsGUID(claims.ObjectID) || !uuid.IsGUID(claims.TenantID) {
		return identitywire.CreateResponse{}, invalidAccessToken
	}
	// The user's assignment must name the app the token was issued to
	// ("clientIds": "the applications through which" the user accesses the
	// resource); a resource account's assignment is the server's consent and
	// signs in nobody (choice: a user assignment is required).
	a, ok := s.assignments[assignmentKey(claims.TenantID, claims.ObjectID)]
	if !ok || a.PrincipalType != string(identity.TeamsExtensionPrincipalUser) ||
		!slices.ContainsFunc(a.ClientIDs, func(id string) bool { return strings.EqualFold(id, claims.AppID) }) {
		return identitywire.CreateResponse{}, errNoAssignment
	}
	u := identity.TeamsExtensionUserIdentifier{
		UserID: strings.ToLower(claims.ObjectID), TenantID: strings.ToLower(claims.TenantID), ResourceID: s.opts.ResourceID,
	}
	// The ACS token lives as long as the Entra token, as the Teams-user
	// exchange's does ("a matching expiration time"), and carries voip
	// only: Teams Phone extensibility is calling (choice).
	t := s.mint(u, strings.TrimPrefix(u.RawID(), "8:"), []identity.Scope{identity.ScopeVoIP}, claims.ExpiresOn.Sub(now), true)
	s.exchanges = append(s.exchanges, Exchange{AppID: claims.AppID, UserID: claims.ObjectID, TenantID: claims.TenantID, At: now, TeamsPhone: true})
	return identitywire.CreateResponse{Identity: identitywire.Identity{ID: u.RawID()}, AccessToken: &t}, nil
}

// Assignments returns the Teams Phone extensibility assignments that exist,
// sorted by tenant and object id.
func (s *Service) Assignments() []identity.TeamsExtensionAssignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]identity.TeamsExtensionAssignment, 0, len(s.assignments))
	for _, a := range s.assignments {
		out = append(out, assignmentFromWire(a))
	}
	sort.Slice(out, func(i, j int) bool {
		return assignmentKey(out[i].TenantID, out[i].ObjectID) < assignmentKey(out[j].TenantID, out[j].ObjectID)
	})
	return out
}

func assignmentFromWire(a identitywire.TeamsExtensionAssignment) identity.TeamsExtensionAssignment {
	return identity.TeamsExtensionAssignment{TenantID: a.TenantID, ObjectID: a.ObjectID,
		PrincipalType: identity.TeamsExtensionPrincipalType(a.PrincipalType), ClientIDs: slices.Clone(a.ClientIDs)}
}

// ---- the Go face ----

// ExchangeTeamsPhoneToken implements identity.Service. Like the real client,
// it reads the token's claims before "sending" unless opts.SkipClaimsCheck.
func (s *Service) ExchangeTeamsPhoneToken(ctx context.Context, entraToken string, opts *identity.ExchangeTeamsPhoneTokenOptions) (identity.ExchangeTeamsPhoneTokenResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.ExchangeTeamsPhoneTokenResponse{}, err
	}
	if opts == nil || !opts.SkipClaimsCheck {
		if _, err := identity.CheckTeamsPhoneToken(entraToken, s.now()); err != nil {
			return identity.ExchangeTeamsPhoneTokenResponse{}, err
		}
	} else if entraToken == "" {
		return identity.ExchangeTeamsPhoneTokenResponse{}, &identity.ArgumentError{Arg: "token", Problem: "the Teams Phone user's Entra token is required"}
	}
	var out identitywire.CreateResponse
	if err := s.call(ctx, OpExchangeTeamsPhoneToken, http.MethodPost, identitywire.PathTeamsPhoneExchange, func() (int, *apiError) {
		var e *apiError
		out, e = s.exchangePhone(entraToken)
		return http.StatusOK, e
	}); err != nil {
		return identity.ExchangeTeamsPhoneTokenResponse{}, err
	}
	u, _ := identity.ParseRawID(out.Identity.ID).(identity.TeamsExtensionUserIdentifier)
	return identity.ExchangeTeamsPhoneTokenResponse{User: u, Token: identity.AccessToken{Token: out.AccessToken.Token, ExpiresOn: out.AccessToken.ExpiresOn.Time}}, nil
}

// CreateOrReplaceTeamsExtensionAssignment implements identity.Service.
func (s *Service) CreateOrReplaceTeamsExtensionAssignment(ctx context.Context, a identity.TeamsExtensionAssignment, _ *identity.CreateOrReplaceTeamsExtensionAssignmentOptions) (identity.CreateOrReplaceTeamsExtensionAssignmentResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.CreateOrReplaceTeamsExtensionAssignmentResponse{}, err
	}
	if err := a.Validate(); err != nil {
		return identity.CreateOrReplaceTeamsExtensionAssignmentResponse{}, err
	}
	var out identitywire.TeamsExtensionAssignment
	var created bool
	if err := s.call(ctx, OpPutTeamsExtensionAssignment, http.MethodPut, identitywire.TeamsExtensionAssignmentPath(a.TenantID, a.ObjectID), func() (int, *apiError) {
		var e *apiError
		out, created, e = s.putAssignment(a.TenantID, a.ObjectID, identitywire.TeamsExtensionAssignmentRequest{PrincipalType: string(a.PrincipalType), ClientIDs: a.ClientIDs})
		if created {
			return http.StatusCreated, e
		}
		return http.StatusOK, e
	}); err != nil {
		return identity.CreateOrReplaceTeamsExtensionAssignmentResponse{}, err
	}
	return identity.CreateOrReplaceTeamsExtensionAssignmentResponse{TeamsExtensionAssignment: assignmentFromWire(out), Created: created}, nil
}

// GetTeamsExtensionAssignment implements identity.Service.
func (s *Service) GetTeamsExtensionAssignment(ctx context.Context, tenantID, objectID string, _ *identity.GetTeamsExtensionAssignmentOptions) (identity.GetTeamsExtensionAssignmentResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.GetTeamsExtensionAssignmentResponse{}, err
	}
	if err := identity.ValidateTeamsExtensionPrincipal(tenantID, objectID); err != nil {
		return identity.GetTeamsExtensionAssignmentResponse{}, err
	}
	var out identitywire.TeamsExtensionAssignment
	if err := s.call(ctx, OpGetTeamsExtensionAssignment, http.MethodGet, identitywire.TeamsExtensionAssignmentPath(tenantID, objectID), func() (int, *apiError) {
		var e *apiError
		out, e = s.getAssignment(tenantID, objectID)
		return http.StatusOK, e
	}); err != nil {
		return identity.GetTeamsExtensionAssignmentResponse{}, err
	}
	return identity.GetTeamsExtensionAssignmentResponse{TeamsExtensionAssignment: assignmentFromWire(out)}, nil
}

// DeleteTeamsExtensionAssignment implements identity.Service.
func (s *Service) DeleteTeamsExtensionAssignment(ctx context.Context, tenantID, objectID string, _ *identity.DeleteTeamsExtensionAssignmentOptions) (identity.DeleteTeamsExtensionAssignmentResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.DeleteTeamsExtensionAssignmentResponse{}, err
	}
	if err := identity.ValidateTeamsExtensionPrincipal(tenantID, objectID); err != nil {
		return identity.DeleteTeamsExtensionAssignmentResponse{}, err
	}
	if err := s.call(ctx, OpDeleteTeamsExtensionAssignment, http.MethodDelete, identitywire.TeamsExtensionAssignmentPath(tenantID, objectID), func() (int, *apiError) {
		return http.StatusNoContent, s.deleteAssignment(tenantID, objectID)
	}); err != nil {
		return identity.DeleteTeamsExtensionAssignmentResponse{}, err
	}
	return identity.DeleteTeamsExtensionAssignmentResponse{}, nil
}
