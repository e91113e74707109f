package fake

import (
	"context"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
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

// call runs one operation of the Go face as one request of the HTTP face
// runs: refused after Close (503), under the injected fault that applies, logged
// as the request the real client would have sent (method, path), and with a
// service error returned as the *azcore.ResponseError the client returns.
func (s *Service) call(ctx context.Context, op, method, path string, run func() (okStatus int, e *apiError)) error {
	rq := Request{Face: "go", Op: op, Method: method, Path: fakekit.UnescapedPath(path), At: s.now()}
	var okStatus int
	var e *apiError
	if s.isClosed() {
		e = errClosed
	} else {
		f := s.faults.Take(op)
		rq.Injected = f != nil
		switch fakekit.Apply(ctx, f, func() { okStatus, e = run() }) {
		case fakekit.Gone:
			s.logRequest(rq)
			return ctx.Err()
		case fakekit.Drop:
			s.logRequest(rq)
			return ErrDropped
		case fakekit.Fail:
			e = faultError(f)
		}
	}
	rq.Status = okStatus
	if e != nil {
		rq.Status = e.status
	}
	s.logRequest(rq)
	if e != nil {
		return e.responseError(ctx, method, path)
	}
	return nil
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
	var out identitywire.CreateResponse
	if err := s.call(ctx, OpCreateUser, http.MethodPost, identitywire.PathIdentities, func() (int, *apiError) {
		var e *apiError
		out, e = s.create(req)
		return http.StatusCreated, e
	}); err != nil {
		return identity.CreateUserResponse{}, err
	}
	r := identity.CreateUserResponse{User: identity.CommunicationUserIdentifier{ID: out.Identity.ID}}
	if out.AccessToken != nil {
		r.Token = &identity.AccessToken{Token: out.AccessToken.Token, ExpiresOn: out.AccessToken.ExpiresOn.Time}
	}
	return r, nil
}

// GetUser implements identity.Service.
func (s *Service) GetUser(ctx context.Context, u identity.CommunicationUserIdentifier, _ *identity.GetUserOptions) (identity.GetUserResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.GetUserResponse{}, err
	}
	if err := identity.ValidateUser(u); err != nil {
		return identity.GetUserResponse{}, err
	}
	var out identitywire.IdentityResult
	if err := s.call(ctx, OpGetUser, http.MethodGet, identitywire.IdentityPath(u.ID), func() (int, *apiError) {
		var e *apiError
		out, e = s.get(u.ID)
		return http.StatusOK, e
	}); err != nil {
		return identity.GetUserResponse{}, err
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
	if err := identity.ValidateUser(u); err != nil {
		return identity.DeleteUserResponse{}, err
	}
	if err := s.call(ctx, OpDeleteUser, http.MethodDelete, identitywire.IdentityPath(u.ID), func() (int, *apiError) {
		return http.StatusNoContent, s.delete(u.ID)
	}); err != nil {
		return identity.DeleteUserResponse{}, err
	}
	return identity.DeleteUserResponse{}, nil
}

// IssueToken implements identity.Service.
func (s *Service) IssueToken(ctx context.Context, u identity.CommunicationUserIdentifier, scopes []identity.Scope, opts *identity.IssueTokenOptions) (identity.IssueTokenResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.IssueTokenResponse{}, err
	}
	if err := identity.ValidateUser(u); err != nil {
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
	var out identitywire.AccessToken
	if err := s.call(ctx, OpIssueToken, http.MethodPost, identitywire.IdentityPath(u.ID)+identitywire.ActionIssue, func() (int, *apiError) {
		var e *apiError
		out, e = s.issue(u.ID, identitywire.IssueRequest{Scopes: scopeNames(scopes), ExpiresInMinutes: minutes(o.ExpiresIn)})
		return http.StatusOK, e
	}); err != nil {
		return identity.IssueTokenResponse{}, err
	}
	return identity.IssueTokenResponse{AccessToken: identity.AccessToken{Token: out.Token, ExpiresOn: out.ExpiresOn.Time}}, nil
}

// RevokeTokens implements identity.Service.
func (s *Service) RevokeTokens(ctx context.Context, u identity.CommunicationUserIdentifier, _ *identity.RevokeTokensOptions) (identity.RevokeTokensResponse, error) {
	if err := ctxErr(ctx); err != nil {
		return identity.RevokeTokensResponse{}, err
	}
	if err := identity.ValidateUser(u); err != nil {
		return identity.RevokeTokensResponse{}, err
	}
	if err := s.call(ctx, OpRevokeTokens, http.MethodPost, identitywire.IdentityPath(u.ID)+identitywire.ActionRevoke, func() (int, *apiError) {
		return http.StatusNoContent, s.revoke(u.ID)
	}); err != nil {
		return identity.RevokeTokensResponse{}, err
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
	var out identitywire.AccessToken
	if err := s.call(ctx, OpExchangeTeamsUserToken, http.MethodPost, identitywire.PathExchange, func() (int, *apiError) {
		var e *apiError
		out, e = s.exchange(identitywire.ExchangeRequest{Token: req.Token, AppID: req.AppID, UserID: req.UserID})
		return http.StatusOK, e
	}); err != nil {
		return identity.ExchangeTeamsUserTokenResponse{}, err
	}
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{Token: out.Token, ExpiresOn: out.ExpiresOn.Time}}, nil
}
