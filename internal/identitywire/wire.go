// Package identitywire is the one JSON codec of the ACS identity REST API,
// shared by the identity client and the fake identity service so that the
// two cannot drift apart.
package identitywire

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// Paths of the identity REST API, relative to the endpoint.
const (
	PathIdentities = "/identities"
	PathExchange   = "/teamsUser/:exchangeAccessToken"
	ActionIssue    = "/:issueAccessToken"
	ActionRevoke   = "/:revokeAccessTokens"

	// PathTeamsPhoneExchange is the Teams Phone token exchange
	// (TeamsExtensionOperations_ExchangeToken, api-version 2025-06-30).
	PathTeamsPhoneExchange = "/access/teamsExtension/:exchangeAccessToken"
)

// TeamsExtensionAssignmentPath is the path of the Teams Phone extensibility
// assignment of one principal of one tenant (TeamsExtensionOperations_
// GetAssignment, _UpsertAssignment, _DeleteAssignment), each id
// percent-encoded as one path segment.
func TeamsExtensionAssignmentPath(tenantID, objectID string) string {
	return "/access/teamsExtension/tenants/" + EscapeSegment(tenantID) + "/assignments/" + EscapeSegment(objectID)
}

// IdentityPath is the path of one identity: the id is percent-encoded as one
// path segment, colons included, as the official SDKs send it.
func IdentityPath(id string) string {
	return PathIdentities + "/" + EscapeSegment(id)
}

// EscapeSegment percent-encodes s as a single path segment, escaping ':' too.
func EscapeSegment(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

// Time is a timestamp in the service's format, "2025-07-10T21:39:39.3244584+00:00".
type Time struct{ time.Time }

const timeLayout = "2006-01-02T15:04:05.0000000-07:00"

// MarshalJSON writes the service's format in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(timeLayout) + `"`), nil
}

// UnmarshalJSON reads any RFC 3339 timestamp.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// CreateRequest is the body of POST /identities.
type CreateRequest struct {
	CreateTokenWithScopes []string `json:"createTokenWithScopes,omitempty"`
	ExpiresInMinutes      *int     `json:"expiresInMinutes,omitempty"`
	CustomID              string   `json:"customId,omitempty"`
}

// Identity is the identity object of the API.
type Identity struct {
	ID string `json:"id"`
}

// AccessToken is a token and its expiry.
type AccessToken struct {
	Token     string `json:"token"`
	ExpiresOn Time   `json:"expiresOn"`
}

// CreateResponse is the body of a 201 from POST /identities, and of a 200
// from the Teams Phone token exchange
// (CommunicationIdentityAccessTokenResult in the spec).
type CreateResponse struct {
	Identity    Identity     `json:"identity"`
	AccessToken *AccessToken `json:"accessToken,omitempty"`
}

// IdentityResult is the body of GET /identities/{id}.
type IdentityResult struct {
	ID                string `json:"id"`
	CustomID          string `json:"customId,omitempty"`
	LastTokenIssuedAt *Time  `json:"lastTokenIssuedAt,omitempty"`
}

// IssueRequest is the body of POST /identities/{id}/:issueAccessToken.
type IssueRequest struct {
	Scopes           []string `json:"scopes"`
	ExpiresInMinutes *int     `json:"expiresInMinutes,omitempty"`
}

// ExchangeRequest is the body of POST /teamsUser/:exchangeAccessToken.
type ExchangeRequest struct {
	Token  string `json:"token"`
	AppID  string `json:"appId"`
	UserID string `json:"userId"`
}

// ErrorResponse is the service's error body.
type ErrorResponse struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error object of an ErrorResponse.
type ErrorDetail struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Target  string        `json:"target,omitempty"`
	Details []ErrorDetail `json:"details,omitempty"`
}

// TeamsPhoneExchangeRequest is the body of the Teams Phone token exchange:
// an empty object (TeamsExtensionExchangeTokenRequest has no properties; the
// token travels as the request's bearer token).
type TeamsPhoneExchangeRequest struct{}

// TeamsExtensionAssignmentRequest is the body of PUT
// /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}.
type TeamsExtensionAssignmentRequest struct {
	PrincipalType string   `json:"principalType"`
	ClientIDs     []string `json:"clientIds,omitempty"`
}

// TeamsExtensionAssignment is a Teams Phone extensibility assignment as the
// service returns it (TeamsExtensionAssignmentResponse).
type TeamsExtensionAssignment struct {
	ObjectID      string   `json:"objectId"`
	TenantID      string   `json:"tenantId"`
	PrincipalType string   `json:"principalType"`
	ClientIDs     []string `json:"clientIds,omitempty"`
}
