package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// Sign-in is the OAuth 2.0 authorization code flow with PKCE, run by the
// server (a confidential client: the app's client secret never reaches the
// browser, and neither do the user's tokens), as
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
// documents it:
//
//  1. GET /auth/login sends the browser to the authority's /authorize with
//     a random state, a PKCE challenge and a nonce, kept on the server
//     under the sign-in cookie;
//  2. the user signs in there (offline: picks an account on the fake Entra
//     ID's page) and comes back to GET /auth/callback with a code;
//  3. the server checks the state, redeems the code with the PKCE verifier
//     and the client secret for the user's token for the app's own API
//     (and a refresh token), has the token service check that token
//     (issuer, signature, audience, tenant, scope), and starts a session.
//
// The user's Graph and ACS tokens are then obtained on behalf of the user
// (teamsuser.Users and the token service's OnBehalfOf, both through
// azidentity's on-behalf-of credential). The choice of a server-side flow
// over MSAL.js in the browser: the page loads nothing from the internet,
// and no token is ever in the browser but the ACS token of its calling
// client.

// tokenTimeout bounds each request to the authority's token endpoint.
const tokenTimeout = 30 * time.Second

// renewBefore is how long before the user's token expires the session
// renews it with its refresh token.
const renewBefore = 5 * time.Minute

func (a *app) redirectURI() string { return a.cfg.baseURL + "/auth/callback" }

// signInScopes are asked for at sign-in: the app's API (whose token the
// backend checks and exchanges on behalf of the user), a refresh token,
// and the ID token's.
func (a *app) signInScopes() string {
	return "openid profile offline_access " + a.cfg.apiScope
}

func (a *app) serveLogin(w http.ResponseWriter, r *http.Request) {
	si := a.sessions.startSignIn(w)
	sum := sha256.Sum256([]byte(si.verifier))
	q := url.Values{
		"client_id":             {a.cfg.clientID},
		"response_type":         {"code"},
		"redirect_uri":          {a.redirectURI()},
		"response_mode":         {"query"},
		"scope":                 {a.signInScopes()},
		"state":                 {si.state},
		"nonce":                 {si.nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	if p := r.URL.Query().Get("prompt"); p == "select_account" || p == "login" {
		q.Set("prompt", p)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.cfg.authorizeBase+"/"+url.PathEscape(a.cfg.tenant)+"/oauth2/v2.0/authorize?"+q.Encode(), http.StatusFound)
}

func (a *app) serveCallback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	q := r.URL.Query()
	si, ok := a.sessions.takeSignIn(w, r, q.Get("state"))
	if !ok {
		// No sign-in of this browser is under way with this state: a
		// forged or replayed answer, or one that took too long.
		signInFailed(w, http.StatusBadRequest, "This sign-in was not started here, or took too long. Sign in again.")
		return
	}
	if e := q.Get("error"); e != "" {
		// The authority's error, shown as it says it (it holds no secret).
		a.cfg.logger.Info("sign-in refused by the authority", "error", e, "description", q.Get("error_description"))
		signInFailed(w, http.StatusUnauthorized, "The sign-in did not complete ("+e+"): "+q.Get("error_description"))
		return
	}
	code := q.Get("code")
	if code == "" {
		signInFailed(w, http.StatusBadRequest, "The sign-in answer has no code.")
		return
	}
	tr, err := a.requestToken(r.Context(), url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {a.redirectURI()},
		"code_verifier": {si.verifier},
		"scope":         {a.cfg.apiScope + " offline_access"},
	})
	if err != nil {
		a.cfg.logger.Warn("redeeming the authorization code failed", "err", err)
		signInFailed(w, http.StatusBadGateway, "The sign-in could not be completed: "+err.Error())
		return
	}
	caller, err := a.authenticate(r.Context(), tr.AccessToken)
	if err != nil {
		a.cfg.logger.Warn("the user's token was refused", "err", err)
		var te *tokenservice.Error
		if errors.As(err, &te) && te.Status < 500 {
			signInFailed(w, te.Status, "This account cannot use the app: "+te.Message)
			return
		}
		signInFailed(w, http.StatusBadGateway, "Your sign-in could not be checked; try again.")
		return
	}
	a.sessions.create(w, caller, tr.AccessToken, tr.RefreshToken)
	a.cfg.logger.Info("signed in", "tenant", caller.TenantID, "user", caller.ObjectID)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) serveLogout(w http.ResponseWriter, r *http.Request, s *session) {
	key := s.userKey()
	a.sessions.end(w, s)
	if !a.sessions.others(key, nil) {
		a.feeds.stop(key)
	}
	writeJSON(w, http.StatusOK, map[string]string{"signedOut": "true"})
}

var signInFailedPage = template.Must(template.New("failed").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title><link rel="stylesheet" href="/static/style.css"></head>
<body class="signin"><main class="card"><h1>Sign-in failed</h1><p id="signin-error">{{.}}</p><p><a href="/auth/login?prompt=select_account">Sign in again</a></p></main></body></html>
`))

func signInFailed(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = signInFailedPage.Execute(w, msg)
}

// tokenResponse is the token endpoint's answer (v2-oauth2-auth-code-flow,
// "Successful response" and "Error response").
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	Codes        []int  `json:"error_codes"`
}

// tokenError is a refusal of the token endpoint: its error and AADSTS
// code, never a token or the form sent.
type tokenError struct {
	status int
	code   string
	aadsts int
}

func (e *tokenError) Error() string {
	if e.aadsts != 0 {
		return fmt.Sprintf("the authority refused: %s (AADSTS%d, HTTP %d)", e.code, e.aadsts, e.status)
	}
	return fmt.Sprintf("the authority refused: %s (HTTP %d)", e.code, e.status)
}

// requestToken posts a token request of the app (form plus its client id
// and secret) to the authority's token endpoint.
func (a *app) requestToken(ctx context.Context, form url.Values) (tokenResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	form.Set("client_id", a.cfg.clientID)
	form.Set("client_secret", a.cfg.clientSecret)
	u := a.cfg.tokenBase + "/" + url.PathEscape(a.cfg.tenant) + "/oauth2/v2.0/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenResponse{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.cfg.authHTTP.Do(req)
	if err != nil {
		// The transport's error names the URL, which holds no secret.
		return tokenResponse{}, fmt.Errorf("the authority cannot be reached: %w", err)
	}
	defer resp.Body.Close()
	var tr tokenResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tr); err != nil {
		return tokenResponse{}, fmt.Errorf("the authority's answer (HTTP %d) is not a token response", resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK || tr.AccessToken == "" {
		te := &tokenError{status: resp.StatusCode, code: tr.Error}
		if len(tr.Codes) > 0 {
			te.aadsts = tr.Codes[0]
		}
		if te.code == "" {
			te.code = "no_token"
		}
		return tokenResponse{}, te
	}
	return tr, nil
}

// authenticate checks the user's token for the app as the token service
// checks its callers (Service.Authenticate reads it from a request).
func (a *app) authenticate(ctx context.Context, token string) (tokenservice.Caller, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.baseURL+"/api/acs-token", nil)
	if err != nil {
		return tokenservice.Caller{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return a.tokens.Authenticate(req)
}

// fresh renews the session's token with its refresh token when it expires
// within renewBefore; it fails when the token has expired and cannot be
// renewed.
func (a *app) fresh(ctx context.Context, s *session) error {
	if c, _, _ := s.tokens(); time.Until(c.ExpiresOn) > renewBefore {
		return nil
	}
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	c, _, refresh := s.tokens()
	if time.Until(c.ExpiresOn) > renewBefore {
		return nil // another request renewed it
	}
	if refresh == "" {
		if time.Now().Before(c.ExpiresOn) {
			return nil
		}
		return errors.New("the token expired and there is no refresh token")
	}
	tr, err := a.requestToken(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refresh},
		"scope":         {a.cfg.apiScope + " offline_access"},
	})
	if err == nil {
		var nc tokenservice.Caller
		if nc, err = a.authenticate(ctx, tr.AccessToken); err == nil {
			if nc.TenantID != c.TenantID || nc.ObjectID != c.ObjectID {
				return errors.New("the renewed token is another user's")
			}
			s.setTokens(nc, tr.AccessToken, tr.RefreshToken)
			return nil
		}
	}
	if time.Now().Before(c.ExpiresOn) {
		a.cfg.logger.Warn("renewing the session's token failed; it is still valid", "err", err)
		return nil
	}
	return err
}
