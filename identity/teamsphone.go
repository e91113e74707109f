package identity

// Teams Phone extensibility (identity api-version 2025-06-30): a Teams user
// with Teams Phone, or a Teams resource account, is given access to an ACS
// resource by an assignment that the resource's owner creates; the user then
// signs in to an Entra app the assignment names, and exchanges that Entra
// token for an ACS token of a Teams extension user
// (8:acs:<resourceId>_<tenantId>_<userId>) that the ACS calling SDKs use.
//
// Sources: specification/communication/data-plane/Identity/stable/2025-06-30/
// CommunicationIdentity.json in Azure/azure-rest-api-specs
// (TeamsExtensionOperations_ExchangeToken, _UpsertAssignment, _GetAssignment,
// _DeleteAssignment); "Access Teams Phone without going through the Teams
// client",
// https://learn.microsoft.com/azure/communication-services/quickstarts/tpe/teams-phone-extensibility-access-teams-phone
// (MicrosoftDocs/azure-docs articles/communication-services/quickstarts/tpe/
// teams-phone-extensibility-access-teams-phone.md); the official SDKs'
// EntraTokenCredential (azure-sdk-for-net Azure.Communication.Common,
// azure-sdk-for-js @azure/communication-common), which send the exchange.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// TeamsExtensionManageCalls is the delegated permission of the Teams
// resource of Communication Services (TeamsAudience) that a Teams Phone
// user's Entra token must carry for ExchangeTeamsPhoneToken, as it appears
// in a token's "scp" claim. An application requests it as
// TeamsAudience + "/" + TeamsExtensionManageCalls.
const TeamsExtensionManageCalls = "TeamsExtension.ManageCalls"

// TeamsExtensionPrincipalType is the kind of principal a Teams Phone
// extensibility assignment gives access to (TeamsExtensionPrincipalType in
// the spec).
type TeamsExtensionPrincipalType string

// The principal types.
const (
	// TeamsExtensionPrincipalUser is a Teams user with Teams Phone.
	TeamsExtensionPrincipalUser TeamsExtensionPrincipalType = "user"
	// TeamsExtensionPrincipalResourceAccount is a Teams resource account
	// (the number of an auto attendant or call queue) whose calls an ACS
	// server application handles.
	TeamsExtensionPrincipalResourceAccount TeamsExtensionPrincipalType = "resourceAccount"
)

// TeamsExtensionAssignment gives a principal of a Microsoft Entra tenant
// access to the ACS resource for Teams Phone extensibility.
type TeamsExtensionAssignment struct {
	// TenantID is the principal's Entra tenant id. Required.
	TenantID string
	// ObjectID is the principal's Entra object id: the user's, or the
	// resource account's. Required.
	ObjectID string
	// PrincipalType says what the principal is. Required.
	PrincipalType TeamsExtensionPrincipalType
	// ClientIDs are the client ids of the Entra applications through which
	// the principal may exchange tokens (for a user: the apps they sign in
	// to); optional.
	ClientIDs []string
}

// ValidateTeamsExtensionPrincipal checks the ids that name an assignment the
// way the assignment operations do before sending: both are Entra ids, GUIDs
// (a choice: the spec types them as plain strings, and Entra tenant and
// object ids are GUIDs). It returns an *ArgumentError.
func ValidateTeamsExtensionPrincipal(tenantID, objectID string) error {
	switch {
	case !uuid.IsGUID(tenantID):
		return argErr("tenantID", fmt.Sprintf("%q is not an Entra tenant id (a GUID)", tenantID))
	case !uuid.IsGUID(objectID):
		return argErr("objectID", fmt.Sprintf("%q is not an Entra object id (a GUID)", objectID))
	}
	return nil
}

// Validate checks the assignment the way CreateOrReplaceTeamsExtensionAssignment
// does before sending: GUID ids, a principal type the spec defines ("user"
// or "resourceAccount", as written), and client ids that are GUIDs. It
// returns an *ArgumentError.
func (a TeamsExtensionAssignment) Validate() error {
	if err := ValidateTeamsExtensionPrincipal(a.TenantID, a.ObjectID); err != nil {
		return err
	}
	switch a.PrincipalType {
	case TeamsExtensionPrincipalUser, TeamsExtensionPrincipalResourceAccount:
	case "":
		return argErr("principalType", "required: user or resourceAccount")
	default:
		return argErr("principalType", fmt.Sprintf("%q is not one the service defines: user or resourceAccount", string(a.PrincipalType)))
	}
	for _, id := range a.ClientIDs {
		if !uuid.IsGUID(id) {
			return argErr("clientIDs", fmt.Sprintf("%q is not an Entra application (client) id (a GUID)", id))
		}
	}
	return nil
}

func assignmentFromWire(w identitywire.TeamsExtensionAssignment) TeamsExtensionAssignment {
	return TeamsExtensionAssignment{
		TenantID: w.TenantID, ObjectID: w.ObjectID,
		PrincipalType: TeamsExtensionPrincipalType(w.PrincipalType), ClientIDs: w.ClientIDs,
	}
}

// CreateOrReplaceTeamsExtensionAssignmentOptions are the optional parameters
// of CreateOrReplaceTeamsExtensionAssignment.
type CreateOrReplaceTeamsExtensionAssignmentOptions struct{}

// CreateOrReplaceTeamsExtensionAssignmentResponse is the result of
// CreateOrReplaceTeamsExtensionAssignment.
type CreateOrReplaceTeamsExtensionAssignmentResponse struct {
	// TeamsExtensionAssignment is the assignment as the service keeps it.
	TeamsExtensionAssignment
	// Created is true when the assignment is new (201), false when it
	// replaced one (200).
	Created bool
}

// GetTeamsExtensionAssignmentOptions are the optional parameters of
// GetTeamsExtensionAssignment.
type GetTeamsExtensionAssignmentOptions struct{}

// GetTeamsExtensionAssignmentResponse is the result of
// GetTeamsExtensionAssignment.
type GetTeamsExtensionAssignmentResponse struct {
	TeamsExtensionAssignment
}

// DeleteTeamsExtensionAssignmentOptions are the optional parameters of
// DeleteTeamsExtensionAssignment.
type DeleteTeamsExtensionAssignmentOptions struct{}

// DeleteTeamsExtensionAssignmentResponse is the result of
// DeleteTeamsExtensionAssignment.
type DeleteTeamsExtensionAssignmentResponse struct{}

// ExchangeTeamsPhoneTokenOptions are the optional parameters of
// ExchangeTeamsPhoneToken.
type ExchangeTeamsPhoneTokenOptions struct {
	// SkipClaimsCheck sends the token without first reading its claims.
	// By default they are read (not verified: the service does that) and a
	// token that cannot work fails early with an *InvalidTokenError.
	SkipClaimsCheck bool
}

// ExchangeTeamsPhoneTokenResponse is the result of ExchangeTeamsPhoneToken.
type ExchangeTeamsPhoneTokenResponse struct {
	// User is the Teams extension user the token is for.
	User TeamsExtensionUserIdentifier
	// Token is the ACS access token, for the ACS calling SDKs.
	Token AccessToken
}

// CheckTeamsPhoneToken is the check ExchangeTeamsPhoneToken makes before it
// sends a Teams Phone user's Entra ID token: that it is a JWT for the Teams
// audience (TeamsAudience in v1.0 tokens, TeamsAudienceAppID in v2.0 tokens)
// with the TeamsExtensionManageCalls permission, of a user ("oid") of a
// tenant ("tid"), valid at now allowing for TokenClockSkew. It reads the
// token without verifying it. Which app the token was issued to is the
// assignment's business, checked by the service.
//
// It returns the token's claims, and an *ArgumentError for an empty token or
// an *InvalidTokenError for the first problem found.
func CheckTeamsPhoneToken(token string, now time.Time) (EntraTokenClaims, error) {
	if token == "" {
		return EntraTokenClaims{}, argErr("token", "the Teams Phone user's Entra token is required")
	}
	c, err := ReadEntraToken(token)
	if err != nil {
		return EntraTokenClaims{}, err
	}
	if err := checkTeamsAudience(c); err != nil {
		return c, err
	}
	if !c.HasScope(TeamsExtensionManageCalls) {
		return c, &InvalidTokenError{Problem: TokenMissingScope, TokenKind: tokenKindEntra, Claim: "scp",
			Got: strings.Join(c.Scopes, " "), Want: TeamsExtensionManageCalls}
	}
	switch {
	case c.ObjectID == "":
		return c, malformedClaim(tokenKindEntra, "oid", "is missing; the token is not a user's token")
	case c.TenantID == "":
		return c, malformedClaim(tokenKindEntra, "tid", "is missing")
	}
	return c, checkTimes(c, now)
}

// teamsExtensionUser returns the identifier of the identity the exchange
// answered with: a TeamsExtensionUserIdentifier whose fields are read from
// its raw id, or only the raw id if it is not of that form.
func teamsExtensionUser(rawID string) TeamsExtensionUserIdentifier {
	if u, ok := ParseRawID(rawID).(TeamsExtensionUserIdentifier); ok {
		return u
	}
	return TeamsExtensionUserIdentifier{Raw: rawID}
}

// ExchangeTeamsPhoneToken exchanges a Teams Phone user's Entra ID access
// token (audience TeamsAudience, permission TeamsExtensionManageCalls, from
// an Entra app the user's assignment names) for an ACS access token of that
// Teams extension user (POST /access/teamsExtension/:exchangeAccessToken,
// api-version 2025-06-30). The Entra token is the request's bearer token, in
// place of the client's own credential, which is not sent.
//
// Unless opts.SkipClaimsCheck is set, the token's claims are read first (see
// CheckTeamsPhoneToken) and a token that cannot work fails with an
// *InvalidTokenError before anything is sent. A user without an assignment
// for the app gets the service's 403 (IsForbidden).
func (c *Client) ExchangeTeamsPhoneToken(ctx context.Context, entraToken string, opts *ExchangeTeamsPhoneTokenOptions) (_ ExchangeTeamsPhoneTokenResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.ExchangeTeamsPhoneToken")
	defer func() { endSpan(err) }()
	if opts == nil || !opts.SkipClaimsCheck {
		if _, err := CheckTeamsPhoneToken(entraToken, c.now()); err != nil {
			return ExchangeTeamsPhoneTokenResponse{}, err
		}
	} else if entraToken == "" {
		return ExchangeTeamsPhoneTokenResponse{}, argErr("token", "the Teams Phone user's Entra token is required")
	}
	if ctx == nil {
		return ExchangeTeamsPhoneTokenResponse{}, argErr("ctx", "nil context")
	}
	// Repeatable, as the Teams-user exchange: the same Entra token gets an
	// equivalent ACS token again and nothing is stored.
	var out identitywire.CreateResponse
	err = c.send(acsclient.WithBearerToken(ctx, entraToken), repeatable, http.MethodPost, identitywire.PathTeamsPhoneExchange,
		identitywire.TeamsPhoneExchangeRequest{}, &out, http.StatusOK)
	if err != nil {
		return ExchangeTeamsPhoneTokenResponse{}, err
	}
	if out.AccessToken == nil {
		return ExchangeTeamsPhoneTokenResponse{}, fmt.Errorf("identity: the %s response has no access token", identitywire.PathTeamsPhoneExchange)
	}
	return ExchangeTeamsPhoneTokenResponse{User: teamsExtensionUser(out.Identity.ID), Token: fromWire(*out.AccessToken)}, nil
}

// CreateOrReplaceTeamsExtensionAssignment gives a principal access to the
// resource for Teams Phone extensibility, replacing its assignment if it
// has one (PUT /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}).
// The assignment is checked (see TeamsExtensionAssignment.Validate) before
// anything is sent.
func (c *Client) CreateOrReplaceTeamsExtensionAssignment(ctx context.Context, a TeamsExtensionAssignment, _ *CreateOrReplaceTeamsExtensionAssignmentOptions) (_ CreateOrReplaceTeamsExtensionAssignmentResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.CreateOrReplaceTeamsExtensionAssignment")
	defer func() { endSpan(err) }()
	if err := a.Validate(); err != nil {
		return CreateOrReplaceTeamsExtensionAssignmentResponse{}, err
	}
	// A PUT that replaces the whole assignment: repeatable.
	req, err := c.prepare(ctx, repeatable, http.MethodPut, identitywire.TeamsExtensionAssignmentPath(a.TenantID, a.ObjectID),
		identitywire.TeamsExtensionAssignmentRequest{PrincipalType: string(a.PrincipalType), ClientIDs: a.ClientIDs})
	if err != nil {
		return CreateOrReplaceTeamsExtensionAssignmentResponse{}, err
	}
	var out identitywire.TeamsExtensionAssignment
	status, err := c.do(req, &out, http.StatusOK, http.StatusCreated)
	if err != nil {
		return CreateOrReplaceTeamsExtensionAssignmentResponse{}, err
	}
	return CreateOrReplaceTeamsExtensionAssignmentResponse{TeamsExtensionAssignment: assignmentFromWire(out), Created: status == http.StatusCreated}, nil
}

// GetTeamsExtensionAssignment reads the assignment of a principal; a
// principal without one is the service's 404 (IsNotFound).
func (c *Client) GetTeamsExtensionAssignment(ctx context.Context, tenantID, objectID string, _ *GetTeamsExtensionAssignmentOptions) (_ GetTeamsExtensionAssignmentResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.GetTeamsExtensionAssignment")
	defer func() { endSpan(err) }()
	if err := ValidateTeamsExtensionPrincipal(tenantID, objectID); err != nil {
		return GetTeamsExtensionAssignmentResponse{}, err
	}
	var out identitywire.TeamsExtensionAssignment
	err = c.send(ctx, repeatable, http.MethodGet, identitywire.TeamsExtensionAssignmentPath(tenantID, objectID), nil, &out, http.StatusOK)
	if err != nil {
		return GetTeamsExtensionAssignmentResponse{}, err
	}
	return GetTeamsExtensionAssignmentResponse{TeamsExtensionAssignment: assignmentFromWire(out)}, nil
}

// DeleteTeamsExtensionAssignment removes the assignment of a principal,
// which can then no longer exchange tokens.
func (c *Client) DeleteTeamsExtensionAssignment(ctx context.Context, tenantID, objectID string, _ *DeleteTeamsExtensionAssignmentOptions) (_ DeleteTeamsExtensionAssignmentResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.DeleteTeamsExtensionAssignment")
	defer func() { endSpan(err) }()
	if err := ValidateTeamsExtensionPrincipal(tenantID, objectID); err != nil {
		return DeleteTeamsExtensionAssignmentResponse{}, err
	}
	// Once, as DeleteUser: a repeat after a lost answer would report the
	// assignment this call deleted as one that never existed.
	return DeleteTeamsExtensionAssignmentResponse{}, c.send(ctx, once, http.MethodDelete,
		identitywire.TeamsExtensionAssignmentPath(tenantID, objectID), nil, nil, http.StatusNoContent)
}
