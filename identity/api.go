package identity

import (
	"context"
	"time"
)

// Service is the ACS identity service as this package's users see it. The
// real [*Client] implements it, and so does the in-memory fake in
// identity/fake, so code written against Service can be tested offline.
//
// # Extending Service
//
// Service grows when the service does: a new operation is a new method, in
// a minor release. So that this breaks nobody, a type outside this module
// implements Service only by embedding one — the Service it decorates
// (logging, metrics, a cache), or for a test double the fake's Go face or a
// nil Service — and overriding the methods it changes; a method added later
// then reaches the embedded value. An unexported method enforces this.
// Code that needs only a few operations declares its own small interface
// instead, which nobody will grow (as TokenExchanger does for the
// credentials). See DESIGN.md, "Extending the interfaces".
type Service interface {
	// service makes Service implementable outside this module only by
	// embedding one.
	service()

	// CreateUser creates a new ACS user, optionally with an access token.
	CreateUser(ctx context.Context, opts *CreateUserOptions) (CreateUserResponse, error)
	// GetUser reads an ACS user.
	GetUser(ctx context.Context, user CommunicationUserIdentifier, opts *GetUserOptions) (GetUserResponse, error)
	// DeleteUser deletes an ACS user and revokes all its tokens.
	DeleteUser(ctx context.Context, user CommunicationUserIdentifier, opts *DeleteUserOptions) (DeleteUserResponse, error)
	// IssueToken issues an access token for an ACS user.
	IssueToken(ctx context.Context, user CommunicationUserIdentifier, scopes []Scope, opts *IssueTokenOptions) (IssueTokenResponse, error)
	// RevokeTokens revokes every access token issued to an ACS user so far.
	RevokeTokens(ctx context.Context, user CommunicationUserIdentifier, opts *RevokeTokensOptions) (RevokeTokensResponse, error)
	// ExchangeTeamsUserToken exchanges a Teams user's Entra ID access token
	// for an ACS access token.
	ExchangeTeamsUserToken(ctx context.Context, req TeamsUserTokenRequest, opts *ExchangeTeamsUserTokenOptions) (ExchangeTeamsUserTokenResponse, error)

	// ExchangeTeamsPhoneToken exchanges a Teams Phone user's Entra ID
	// access token for an ACS access token of that Teams extension user.
	ExchangeTeamsPhoneToken(ctx context.Context, entraToken string, opts *ExchangeTeamsPhoneTokenOptions) (ExchangeTeamsPhoneTokenResponse, error)
	// CreateOrReplaceTeamsExtensionAssignment gives a Teams user or
	// resource account access to the resource for Teams Phone
	// extensibility.
	CreateOrReplaceTeamsExtensionAssignment(ctx context.Context, a TeamsExtensionAssignment, opts *CreateOrReplaceTeamsExtensionAssignmentOptions) (CreateOrReplaceTeamsExtensionAssignmentResponse, error)
	// GetTeamsExtensionAssignment reads the assignment of a principal.
	GetTeamsExtensionAssignment(ctx context.Context, tenantID, objectID string, opts *GetTeamsExtensionAssignmentOptions) (GetTeamsExtensionAssignmentResponse, error)
	// DeleteTeamsExtensionAssignment removes the assignment of a principal.
	DeleteTeamsExtensionAssignment(ctx context.Context, tenantID, objectID string, opts *DeleteTeamsExtensionAssignmentOptions) (DeleteTeamsExtensionAssignmentResponse, error)
}

// CreateUserOptions are the optional parameters of CreateUser.
type CreateUserOptions struct {
	// TokenScopes, when not empty, asks for an access token with these
	// scopes to be issued together with the new user.
	TokenScopes []Scope
	// TokenExpiresIn is the lifetime of that token, between MinTokenExpiry and
	// MaxTokenExpiry, in whole minutes; zero means the service default (24 hours).
	TokenExpiresIn time.Duration
	// CustomID is an optional id of the caller's choosing, kept with the user
	// (api-version 2025-06-30 and later). Creating a user with a custom id that
	// exists returns the existing user.
	CustomID string
}

// CreateUserResponse is the result of CreateUser.
type CreateUserResponse struct {
	// User is the new user.
	User CommunicationUserIdentifier
	// Token is the token issued with the user; nil unless scopes were asked for.
	Token *AccessToken
}

// GetUserOptions are the optional parameters of GetUser.
type GetUserOptions struct{}

// GetUserResponse is the result of GetUser.
type GetUserResponse struct {
	User
}

// User describes an ACS user as the service keeps it.
type User struct {
	// ID is the user's identifier.
	ID CommunicationUserIdentifier
	// CustomID is the id given when the user was created, if any.
	CustomID string
	// LastTokenIssuedAt is when a token was last issued for the user; zero if never.
	LastTokenIssuedAt time.Time
}

// DeleteUserOptions are the optional parameters of DeleteUser.
type DeleteUserOptions struct{}

// DeleteUserResponse is the result of DeleteUser.
type DeleteUserResponse struct{}

// IssueTokenOptions are the optional parameters of IssueToken.
type IssueTokenOptions struct {
	// ExpiresIn is the token's lifetime, between MinTokenExpiry and
	// MaxTokenExpiry, in whole minutes; zero means the service default (24 hours).
	ExpiresIn time.Duration
}

// IssueTokenResponse is the result of IssueToken.
type IssueTokenResponse struct {
	AccessToken
}

// RevokeTokensOptions are the optional parameters of RevokeTokens.
type RevokeTokensOptions struct{}

// RevokeTokensResponse is the result of RevokeTokens.
type RevokeTokensResponse struct{}

// TeamsUserTokenRequest is what ExchangeTeamsUserToken sends. All three
// fields are required. AppID and UserID must come from the caller's own
// configuration and authenticated session, not from the token: the service
// compares them with the token's claims, which is what protects a service
// from exchanging a token that was issued to somebody else (a confused deputy).
type TeamsUserTokenRequest struct {
	// Token is the Teams user's Entra ID access token, with the
	// Teams.ManageCalls and Teams.ManageChats scopes of the ACS audience.
	// It is a secret.
	Token string
	// AppID is the client (application) id of the Entra application that
	// obtained the token: its appid (v1) or azp (v2) claim.
	AppID string
	// UserID is the Entra object id of the Teams user: the token's oid claim.
	UserID string
}

// String returns a description of the request without the token.
func (r TeamsUserTokenRequest) String() string {
	return "TeamsUserTokenRequest{Token: " + Redact(r.Token) + ", AppID: " + r.AppID + ", UserID: " + r.UserID + "}"
}

// GoString is String, so that %#v does not show the token either.
func (r TeamsUserTokenRequest) GoString() string { return r.String() }

// Validate checks that the three fields are present. It returns an
// *ArgumentError naming the first missing one.
func (r TeamsUserTokenRequest) Validate() error {
	switch {
	case r.Token == "":
		return argErr("token", "the Teams user's Entra token is required")
	case r.AppID == "":
		return argErr("appID", "the client id of the Entra app is required; take it from your configuration, not from the token")
	case r.UserID == "":
		return argErr("userID", "the Teams user's object id is required; take it from your authenticated session, not from the token")
	}
	return nil
}

// ExchangeTeamsUserTokenOptions are the optional parameters of ExchangeTeamsUserToken.
type ExchangeTeamsUserTokenOptions struct {
	// SkipClaimsCheck sends the token without first reading its claims.
	// By default the claims are read (not verified: the service does that)
	// and a token that cannot work fails early with an *InvalidTokenError.
	SkipClaimsCheck bool
}

// ExchangeTeamsUserTokenResponse is the result of ExchangeTeamsUserToken.
type ExchangeTeamsUserTokenResponse struct {
	AccessToken
}
