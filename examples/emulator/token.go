package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// tokenRequest is the body of POST /api/token: the emulator's stand-in for
// a user's sign-in at Entra ID.
type tokenRequest struct {
	// User is the user's UPN or object id; AppID the client id the token is
	// issued to ("appid" in v1 tokens, "azp" in v2).
	User  string `json:"user"`
	AppID string `json:"appId"`
	// Scopes are what an SDK asks a credential for: OAuth scopes of one
	// resource ("https://communication.azure.com//.default",
	// "https://graph.microsoft.com/Chat.ReadWrite"), the resource becoming
	// the audience. With Audience set, or with short names, they are the
	// token's "scp" values as given.
	Scopes []string `json:"scopes"`
	// Audience is the token's "aud"; empty means the resource of Scopes, or
	// the Teams audience that ACS exchanges
	// (https://auth.msft.communication.azure.com).
	Audience string `json:"audience"`
	// Version is 1 (the default, as Entra issues for these resources) or 2.
	Version int `json:"version"`
	// Expired mints a token that expired ten minutes ago; NotYetValid one
	// valid from ten minutes from now.
	Expired     bool `json:"expired"`
	NotYetValid bool `json:"notYetValid"`
	// LifetimeSeconds is the token's lifetime; zero means an hour.
	LifetimeSeconds int `json:"lifetimeSeconds"`
}

// tokenResponse is the answer, shaped as Entra's token endpoint answers
// (expires_on in Unix seconds).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	ExpiresOn   int64  `json:"expires_on"`
}

// handleToken mints a token for a user of the emulator.
func (em *emulator) handleToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.AppID == "" || req.User == "" {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "user and appId are required")
		return
	}
	u, ok := em.findUser(req.User)
	if !ok {
		apiError(w, http.StatusNotFound, "UnknownUser", "no user "+req.User)
		return
	}
	var opts []fake.MintOption
	switch req.Version {
	case 0, 1:
	case 2:
		opts = append(opts, fake.V2())
	default:
		apiError(w, http.StatusBadRequest, "InvalidRequest", "version is 1 or 2")
		return
	}
	if req.Expired && req.NotYetValid {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "a token is expired or not yet valid, not both")
		return
	}
	if req.Expired {
		opts = append(opts, fake.Expired())
	}
	if req.NotYetValid {
		opts = append(opts, fake.NotYetValid())
	}
	if req.LifetimeSeconds < 0 {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "lifetimeSeconds is negative")
		return
	}
	if req.LifetimeSeconds > 0 {
		opts = append(opts, fake.WithLifetime(time.Duration(req.LifetimeSeconds)*time.Second))
	}
	var tok azcore.AccessToken
	var err error
	if req.Audience == "" && len(req.Scopes) > 0 && strings.Contains(req.Scopes[0], "://") {
		// As a credential answers an SDK: the scopes' resource is the
		// audience.
		tok, err = em.entra.Credential(u.TestUser, req.AppID, &fake.EntraCredentialOptions{Mint: opts}).
			GetToken(r.Context(), policy.TokenRequestOptions{Scopes: req.Scopes})
	} else {
		if req.Audience != "" {
			opts = append(opts, fake.WithAudience(req.Audience))
		}
		if req.Scopes != nil {
			opts = append(opts, fake.WithScopes(req.Scopes...))
		}
		tok.Token, tok.ExpiresOn, err = em.entra.TeamsUserToken(u.TestUser, req.AppID, opts...)
	}
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok.Token, TokenType: "Bearer",
		ExpiresIn: int64(tok.ExpiresOn.Sub(em.clock.Now()).Seconds()), ExpiresOn: tok.ExpiresOn.Unix(),
	})
}
