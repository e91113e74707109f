package fake

import (
	"context"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
)

// The Go face: identity.Service implemented on the in-memory state, with the
// same argument checks as the real client and the same *azcore.ResponseError
// values for service errors.

func scopeNames(scopes []identity.Scope) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = string(s)
	}
	return out
}

func minutes(d interface{ Minutes() float64 }) *int {
	m := int(d.Minutes())
	if m == 0 {
		return nil
	}
	return &m
}

func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return &identity.ArgumentError{Arg: "ctx", Problem: "nil context"}
	}
	return ctx.Err()
}

// CreateUser implements identity.Service.
func (s *Service) CreateUser(ctx context.Context, opts *identity.CreateUserOptions) (identity.CreateUserResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.CreateUserResponse{}, err
	}
	var o identity.CreateUserOptions
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return identity.CreateUserResponse{}, err
	}
	req := identitywire.CreateRequest{CreateTokenWithScopes: nil, ExpiresInMinutes: minutes(o.TokenExpiresIn), CustomID: o.CustomID}
	if len(o.TokenScopes) > 0 {
		req.CreateTokenWithScopes = scopeNames(o.TokenScopes)
	}
	out, e := s.create(req)
	if e != nil {
		return identity.CreateUserResponse{}, e.responseError(ctx, http.MethodPost, identitywire.PathIdentities)
	}
	r := identity.CreateUserResponse{User: identity.CommunicationUserIdentifier{ID: out.Identity.ID}}
	if out.AccessToken != nil {
		r.Token = &identity.AccessToken{Token: out.AccessToken.Token, ExpiresOn: out.AccessToken.ExpiresOn.Time}
	}
	return r, nil
}

func checkUser(u identity.CommunicationUserIdentifier) error {
	if u.ID == "" {
		return &identity.ArgumentError{Arg: "user", Problem: "empty id"}
	}
	return nil
}

// GetUser implements identity.Service.
func (s *Service) GetUser(ctx context.Context, u identity.CommunicationUserIdentifier, _ *identity.GetUserOptions) (identity.GetUserResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.GetUserResponse{}, err
	}
	if err := checkUser(u); err != nil {
		return identity.GetUserResponse{}, err
	}
	out, e := s.get(u.ID)
	if e != nil {
		return identity.GetUserResponse{}, e.responseError(ctx, http.MethodGet, identitywire.IdentityPath(u.ID))
	}
	r := identity.GetUserResponse{User: identity.User{ID: identity.CommunicationUserIdentifier{ID: out.ID}, CustomID: out.CustomID}}
	if out.LastTokenIssuedAt != nil {
		r.LastTokenIssuedAt = out.LastTokenIssuedAt.Time
	}
	return r, nil
}

// DeleteUser implements identity.Service.
func (s *Service) DeleteUser(ctx context.Context, u identity.CommunicationUserIdentifier, _ *identity.DeleteUserOptions) (identity.DeleteUserResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.DeleteUserResponse{}, err
	}
	if err := checkUser(u); err != nil {
		return identity.DeleteUserResponse{}, err
	}
	if e := s.delete(u.ID); e != nil {
		return identity.DeleteUserResponse{}, e.responseError(ctx, http.MethodDelete, identitywire.IdentityPath(u.ID))
	}
	return identity.DeleteUserResponse{}, nil
}

// IssueToken implements identity.Service.
func (s *Service) IssueToken(ctx context.Context, u identity.CommunicationUserIdentifier, scopes []identity.Scope, opts *identity.IssueTokenOptions) (identity.IssueTokenResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.IssueTokenResponse{}, err
	}
	if err := checkUser(u); err != nil {
		return identity.IssueTokenResponse{}, err
	}
	if err := identity.ValidateScopes(scopes); err != nil {
		return identity.IssueTokenResponse{}, err
	}
	var o identity.IssueTokenOptions
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return identity.IssueTokenResponse{}, err
	}
	out, e := s.issue(u.ID, identitywire.IssueRequest{Scopes: scopeNames(scopes), ExpiresInMinutes: minutes(o.ExpiresIn)})
	if e != nil {
		return identity.IssueTokenResponse{}, e.responseError(ctx, http.MethodPost, identitywire.IdentityPath(u.ID)+identitywire.ActionIssue)
	}
	return identity.IssueTokenResponse{AccessToken: identity.AccessToken{Token: out.Token, ExpiresOn: out.ExpiresOn.Time}}, nil
}

// RevokeTokens implements identity.Service.
func (s *Service) RevokeTokens(ctx context.Context, u identity.CommunicationUserIdentifier, _ *identity.RevokeTokensOptions) (identity.RevokeTokensResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.RevokeTokensResponse{}, err
	}
	if err := checkUser(u); err != nil {
		return identity.RevokeTokensResponse{}, err
	}
	if e := s.revoke(u.ID); e != nil {
		return identity.RevokeTokensResponse{}, e.responseError(ctx, http.MethodPost, identitywire.IdentityPath(u.ID)+identitywire.ActionRevoke)
	}
	return identity.RevokeTokensResponse{}, nil
}

// ExchangeTeamsUserToken implements identity.Service. Like the real client,
// it reads the token's claims before "sending" unless opts.SkipClaimsCheck.
func (s *Service) ExchangeTeamsUserToken(ctx context.Context, req identity.TeamsUserTokenRequest, opts *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.ExchangeTeamsUserTokenResponse{}, err
	}
	if opts == nil || !opts.SkipClaimsCheck {
		if _, err := identity.CheckTeamsUserToken(req.Token, req.AppID, req.UserID, s.now()); err != nil {
			return identity.ExchangeTeamsUserTokenResponse{}, err
		}
	} else if err := req.Validate(); err != nil {
		return identity.ExchangeTeamsUserTokenResponse{}, err
	}
	out, e := s.exchange(identitywire.ExchangeRequest{Token: req.Token, AppID: req.AppID, UserID: req.UserID})
	if e != nil {
		return identity.ExchangeTeamsUserTokenResponse{}, e.responseError(ctx, http.MethodPost, identitywire.PathExchange)
	}
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{Token: out.Token, ExpiresOn: out.ExpiresOn.Time}}, nil
}
