package fake

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// The sign-in of the fake Entra issuer: the authorization code flow with
// PKCE, its refresh tokens, and the on-behalf-of flow, as the Microsoft
// identity platform documents them:
//
//   - https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
//     (MicrosoftDocs/entra-docs, docs/identity-platform/v2-oauth2-auth-code-flow.md):
//     the /authorize request and its redirect, the /token redemption with
//     client_secret and code_verifier, the refresh_token grant, the error
//     codes of both endpoints;
//   - https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
//     (docs/identity-platform/v2-oauth2-on-behalf-of-flow.md): the
//     jwt-bearer grant with requested_token_use=on_behalf_of, whose assertion
//     "must have an audience (aud) claim of the app making this OBO request";
//   - https://learn.microsoft.com/entra/identity-platform/reference-error-codes
//     (docs/identity-platform/reference-error-codes.md): the AADSTS codes.

// Lifetimes of the sign-in's grants.
const (
	// AuthorizationCodeLifetime is how long an authorization code can be
	// redeemed: "Authorization codes are short lived. Typically, they
	// expire after about 10 minutes" (v2-oauth2-auth-code-flow).
	AuthorizationCodeLifetime = 10 * time.Minute
	// RefreshTokenLifetime is how long a refresh token of the fake lasts
	// unused. Entra ID documents no fixed lifetime for the refresh tokens of
	// web apps ("Refresh tokens for web apps and native apps don't have
	// specified lifetimes"); 90 days, the inactivity limit of
	// configurable-token-lifetimes, is a choice.
	RefreshTokenLifetime = 90 * 24 * time.Hour
	// SignInPageLifetime is how long a sign-in page waits for the user to
	// pick an account (a choice: Entra's flow token expires too, after an
	// undocumented time).
	SignInPageLifetime = 15 * time.Minute
)

// maxGrants bounds each of the sign-in's tables (pages waiting, codes,
// refresh tokens), so that a client that never redeems cannot grow them
// without bound: the oldest go first.
const maxGrants = 10000

// App is an application registered with the fake Entra issuer: what its
// sign-ins and token requests are checked against.
type App struct {
	// ClientID is the application (client) id.
	ClientID string
	// Secret is the client secret of a confidential client (a web app or
	// a web API), which its token requests must present (in the body or
	// with HTTP Basic authentication); empty for a public client, which
	// must present none.
	Secret string
	// RedirectURIs are the app's registered redirect URIs; a sign-in's
	// redirect_uri must be one of them exactly.
	RedirectURIs []string
}

// AddApp registers app, replacing an app of the same client id. It panics
// for an empty client id or a redirect URI that is not an absolute http or
// https URL, which are mistakes in the test.
//
// The issuer's Handler then runs the sign-in of its users for the app:
// GET /{tenant}/oauth2/v2.0/authorize shows a page where the user picks
// one of the tenant's accounts (all tenants' for "organizations" and
// "common") and redirects back with a code, and POST
// /{tenant}/oauth2/v2.0/token redeems the code (PKCE checked), a refresh
// token, or a user's access token for the app on behalf of the user.
func (e *Entra) AddApp(app App) {
	if strings.TrimSpace(app.ClientID) == "" {
		panic("fake: AddApp: the app needs a client id")
	}
	for _, r := range app.RedirectURIs {
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			panic(fmt.Sprintf("fake: AddApp: redirect URI %q is not an absolute http or https URL", r))
		}
	}
	app.RedirectURIs = slices.Clone(app.RedirectURIs)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.apps == nil {
		e.apps = make(map[string]App)
	}
	e.apps[strings.ToLower(app.ClientID)] = app
}

func (e *Entra) app(clientID string) (App, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.apps[strings.ToLower(clientID)]
	return a, ok
}

// authRequest is a sign-in page waiting for the user, or the grant of a
// code or refresh token: who signed in, to which app, for what.
type authRequest struct {
	tenantSeg     string // the {tenant} of the request: a tenant id, domain, organizations or common
	clientID      string
	redirectURI   string
	scopes        []string // as asked for at /authorize
	state         string
	nonce         string
	challenge     string
	method        string // plain or S256
	user          TestUser
	expires       time.Time
	issued        time.Time
	redeemed      bool
	hasRefreshFor bool // offline_access was asked for
}

// oidcScopes are the OpenID Connect scopes, which name no resource.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true}

// serveAuthorize answers the authorization request: an error page for a
// request whose app or redirect URI cannot be trusted, a redirect with the
// error for one that is wrong otherwise, and the sign-in page.
func (e *Entra) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("tenant")
	if _, ok := e.resolveTenant(seg); !ok {
		e.signInErrorPage(w, 90002, fmt.Sprintf("Tenant '%s' not found.", seg))
		return
	}
	q := r.URL.Query()
	clientID := q.Get("client_id")
	if clientID == "" {
		e.signInErrorPage(w, 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	app, ok := e.app(clientID)
	if !ok {
		e.signInErrorPage(w, 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", clientID, seg))
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		e.signInErrorPage(w, 900971, "No reply address provided.")
		return
	}
	if !slices.Contains(app.RedirectURIs, redirect) {
		e.signInErrorPage(w, 50011, fmt.Sprintf("The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'.", redirect, app.ClientID))
		return
	}
	// From here on the redirect URI is the app's: errors go back to it.
	state := q.Get("state")
	fail := func(code string, aadsts int, msg string) {
		redirectError(w, r, redirect, state, code, fmt.Sprintf("AADSTS%d: %s", aadsts, msg))
	}
	switch {
	case q.Get("response_type") != "code":
		// The fake serves the authorization code flow only (a choice:
		// no implicit or hybrid flow).
		fail("unsupported_response_type", 70005, "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'.")
		return
	case q.Get("response_mode") != "" && q.Get("response_mode") != "query":
		// Entra also answers with fragment and form_post; the fake
		// redirects with a query only (a choice).
		fail("invalid_request", 70007, "The fake Entra ID supports response_mode=query only.")
		return
	case strings.TrimSpace(q.Get("scope")) == "":
		fail("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
		return
	case q.Get("prompt") == "none":
		// The fake keeps no sign-in session, so nobody can be signed in
		// silently ("login_required: Too many or no users found").
		fail("login_required", 50058, "A silent sign-in request was sent but no user is signed in.")
		return
	}
	method := q.Get("code_challenge_method")
	challenge := q.Get("code_challenge")
	switch {
	case method != "" && challenge == "":
		fail("invalid_request", 900144, "The request body must contain the following parameter: 'code_challenge'.")
		return
	case method == "" && challenge != "":
		method = "plain" // "If excluded, code_challenge is assumed to be plaintext"
	case method != "" && method != "plain" && method != "S256":
		fail("invalid_request", 50148, "The code_challenge_method is not supported: use S256 or plain.")
		return
	}
	if challenge != "" && (len(challenge) < 43 || len(challenge) > 128) {
		// RFC 7636 section 4.2: 43 to 128 characters.
		fail("invalid_request", 501491, "Invalid size of Code_Challenge parameter.")
		return
	}
	req := &authRequest{
		tenantSeg: seg, clientID: app.ClientID, redirectURI: redirect,
		scopes: strings.Fields(q.Get("scope")), state: state, nonce: q.Get("nonce"),
		challenge: challenge, method: method,
	}
	flow, err := e.keep(&e.pages, req, SignInPageLifetime)
	if err != nil {
		fail("temporarily_unavailable", 90006, "The service is temporarily unavailable.")
		return
	}
	e.signInPage(w, r, flow, req, q.Get("login_hint"))
}

// randomToken is a 32-byte random string for codes, refresh tokens and
// page ids.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// keep stores req in table under a new random key, with its issue time
// and expiry, dropping expired entries and, beyond maxGrants, the oldest.
func (e *Entra) keep(table *map[string]*authRequest, req *authRequest, lifetime time.Duration) (string, error) {
	key, err := randomToken()
	if err != nil {
		return "", err
	}
	now := e.now()
	req.issued, req.expires = now, now.Add(lifetime)
	e.mu.Lock()
	defer e.mu.Unlock()
	if *table == nil {
		*table = make(map[string]*authRequest)
	}
	t := *table
	if len(t) >= maxGrants {
		for k, v := range t {
			if !now.Before(v.expires) {
				delete(t, k)
			}
		}
		for len(t) >= maxGrants {
			var oldest string
			for k, v := range t {
				if oldest == "" || v.issued.Before(t[oldest].issued) {
					oldest = k
				}
			}
			delete(t, oldest)
		}
	}
	t[key] = req
	return key, nil
}

// redirectError sends the user back to the app with an error, as
// "Error responses may also be sent to the redirect_uri".
func redirectError(w http.ResponseWriter, r *http.Request, redirect, state, code, description string) {
	v := url.Values{"error": {code}, "error_description": {description}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(redirect, v), http.StatusFound)
}

// withQuery adds v to the query of the redirect URI u.
func withQuery(u string, v url.Values) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + v.Encode()
}

// signInAccount is an account the sign-in page offers.
type signInAccount struct {
	DisplayName, UPN, TenantName string
	Hinted                       bool
}

// signInPageData is what the sign-in page shows.
type signInPageData struct {
	Action   string
	Flow     string
	ClientID string
	Accounts []signInAccount
}

var signInTemplate = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;display:flex;justify-content:center}
main{background:#fff;margin-top:8vh;padding:32px 40px;width:400px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 4px}p{color:#555;font-size:13px;margin:0 0 20px}
button{display:block;width:100%;text-align:left;background:none;border:0;border-top:1px solid #e6e6e6;padding:12px 8px;font:inherit;cursor:pointer}
button:hover,button.hinted{background:#f3f7fc}button small{display:block;color:#666}
.cancel{border:0;color:#0067b8;text-align:right;margin-top:16px}
</style></head><body><main>
<h1>Pick an account</h1><p>Fake Microsoft Entra ID — signing in to app {{.ClientID}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="flow" value="{{.Flow}}">
{{range .Accounts}}<button type="submit" name="login" value="{{.UPN}}" data-upn="{{.UPN}}"{{if .Hinted}} class="hinted"{{end}}>{{.DisplayName}}<small>{{.UPN}} · {{.TenantName}}</small></button>
{{else}}<p>No account of this tenant can sign in.</p>{{end}}
<button type="submit" name="cancel" value="1" class="cancel">Cancel</button>
</form></main></body></html>
`))

// signInPage shows the accounts that may sign in at the request's tenant.
func (e *Entra) signInPage(w http.ResponseWriter, r *http.Request, flow string, req *authRequest, hint string) {
	tid, _ := e.resolveTenant(req.tenantSeg)
	e.mu.Lock()
	var accounts []signInAccount
	for _, u := range e.users {
		if tid != "{tenantid}" && u.TenantID != tid {
			continue
		}
		accounts = append(accounts, signInAccount{DisplayName: u.DisplayName, UPN: u.UPN,
			TenantName: e.tenants[u.TenantID].Name, Hinted: hint != "" && strings.EqualFold(hint, u.UPN)})
	}
	e.mu.Unlock()
	sort.Slice(accounts, func(i, j int) bool {
		a, b := accounts[i], accounts[j]
		if a.TenantName != b.TenantName {
			return a.TenantName < b.TenantName
		}
		return a.UPN < b.UPN
	})
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	_ = signInTemplate.Execute(w, signInPageData{Action: "/" + req.tenantSeg + "/login", Flow: flow, ClientID: req.clientID, Accounts: accounts})
}

// serveLogin takes the account the user picked on the sign-in page and
// redirects back to the app with an authorization code.
func (e *Entra) serveLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		e.signInErrorPage(w, 90004, "The request isn't properly formatted.")
		return
	}
	flow := r.PostForm.Get("flow")
	now := e.now()
	e.mu.Lock()
	req, ok := e.pages[flow]
	if ok {
		delete(e.pages, flow) // a page signs in once
	}
	e.mu.Unlock()
	if !ok || !now.Before(req.expires) || req.tenantSeg != r.PathValue("tenant") {
		e.signInErrorPage(w, 50089, "Authentication failed due to flow token expired. Sign in again from the application.")
		return
	}
	if r.PostForm.Get("cancel") != "" {
		redirectError(w, r, req.redirectURI, req.state, "access_denied", "AADSTS65004: The user canceled the authentication.")
		return
	}
	u, ok := e.UserByUPN(r.PostForm.Get("login"))
	tid, _ := e.resolveTenant(req.tenantSeg)
	if !ok || (tid != "{tenantid}" && u.TenantID != tid) {
		e.signInErrorPage(w, 50034, "The user account does not exist in this directory. To sign into this application, the account must be added to the directory.")
		return
	}
	req.user = u
	req.hasRefreshFor = slices.Contains(req.scopes, "offline_access")
	code, err := e.keep(&e.codes, req, AuthorizationCodeLifetime)
	if err != nil {
		redirectError(w, r, req.redirectURI, req.state, "temporarily_unavailable", "AADSTS90006: The service is temporarily unavailable.")
		return
	}
	v := url.Values{"code": {code}}
	if req.state != "" {
		v.Set("state", req.state)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, withQuery(req.redirectURI, v), http.StatusFound)
}

var signInErrorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body style="font-family:system-ui,sans-serif;margin:10vh auto;max-width:480px">
<h1 style="font-size:22px">Sorry, but we're having trouble signing you in.</h1>
<p id="error">{{.}}</p></body></html>
`))

// signInErrorPage is the page Entra ID shows when it cannot send the user
// back to the app (an unknown app, a redirect URI the app did not
// register): 400 with the AADSTS code and message.
func (e *Entra) signInErrorPage(w http.ResponseWriter, aadsts int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = signInErrorTemplate.Execute(w, fmt.Sprintf("AADSTS%d: %s", aadsts, msg))
}

// tokenError is an error answer of the token endpoint.
type tokenError struct {
	status int
	code   string // invalid_request, invalid_grant, invalid_client, ...
	aadsts int
	msg    string
}

func (e *Entra) writeTokenError(w http.ResponseWriter, te *tokenError) {
	now := e.now().UTC()
	trace, corr := uuid.New(), uuid.New()
	stamp := now.Format("2006-01-02 15:04:05Z")
	// The body of the documented error response: error, error_description
	// with the AADSTS code, trace and correlation ids and timestamp,
	// error_codes, timestamp, trace_id, correlation_id.
	body := map[string]any{
		"error": te.code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			te.aadsts, te.msg, trace, corr, stamp),
		"error_codes":    []int{te.aadsts},
		"timestamp":      stamp,
		"trace_id":       trace,
		"correlation_id": corr,
		"error_uri":      fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", te.aadsts),
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(te.status)
	_, _ = w.Write(b)
}

func badRequest(code string, aadsts int, msg string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: code, aadsts: aadsts, msg: msg}
}

func missing(name string) *tokenError {
	return badRequest("invalid_request", 900144, "The request body must contain the following parameter: '"+name+"'.")
}

// tokenAnswer is the token endpoint's success answer.
type tokenAnswer struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	ExpiresIn    int64  `json:"expires_in"`
	ExtExpiresIn int64  `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	ClientInfo   string `json:"client_info,omitempty"`
}

// serveToken is the token endpoint: the authorization_code, refresh_token
// and on-behalf-of (jwt-bearer) grants of the registered apps.
func (e *Entra) serveToken(w http.ResponseWriter, r *http.Request) {
	ans, te := e.token(r)
	if te != nil {
		e.writeTokenError(w, te)
		return
	}
	b, err := json.Marshal(ans)
	if err != nil {
		e.writeTokenError(w, &tokenError{status: http.StatusInternalServerError, code: "server_error", aadsts: 50000, msg: "There's an issue with the sign-in service."})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	_, _ = w.Write(b)
}

func (e *Entra) token(r *http.Request) (*tokenAnswer, *tokenError) {
	seg := r.PathValue("tenant")
	tid, ok := e.resolveTenant(seg)
	if !ok {
		return nil, badRequest("invalid_request", 90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", seg))
	}
	if err := r.ParseForm(); err != nil || len(r.PostForm) == 0 {
		return nil, badRequest("invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	}
	f := r.PostForm
	clientID, secret, basic := r.BasicAuth()
	if !basic {
		clientID, secret = f.Get("client_id"), f.Get("client_secret")
	}
	grant := f.Get("grant_type")
	if grant == "" {
		return nil, missing("grant_type")
	}
	if clientID == "" {
		return nil, missing("client_id")
	}
	app, ok := e.app(clientID)
	if !ok {
		return nil, badRequest("unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", clientID, seg))
	}
	if te := checkClientSecret(app, secret, f.Get("client_assertion") != ""); te != nil {
		return nil, te
	}
	now := e.now()
	var (
		user   TestUser
		scopes []string // asked for in this request, or granted before
		req    *authRequest
	)
	switch grant {
	case "authorization_code":
		code := f.Get("code")
		if code == "" {
			return nil, missing("code")
		}
		// A code is spent by its first redemption, successful or not (a
		// choice: RFC 6749 section 4.1.2 has a code used twice denied).
		e.mu.Lock()
		req = e.codes[code]
		var redeemed bool
		if req != nil {
			redeemed, req.redeemed = req.redeemed, true
		}
		e.mu.Unlock()
		switch {
		case req == nil:
			return nil, badRequest("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid: the authorization code is not one this service issued.")
		case redeemed:
			return nil, badRequest("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
		case !now.Before(req.expires):
			return nil, badRequest("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
		case !strings.EqualFold(req.clientID, app.ClientID):
			return nil, badRequest("invalid_grant", 70000, "The provided authorization code was issued to another client.")
		case req.tenantSeg != seg:
			return nil, badRequest("invalid_grant", 700005, "Provided Authorization Code is intended to use against other tenant, thus rejected.")
		case f.Get("redirect_uri") == "":
			return nil, missing("redirect_uri")
		case f.Get("redirect_uri") != req.redirectURI:
			return nil, badRequest("invalid_grant", 50011, "The redirect URI specified in the request does not match the redirect URI used to acquire the authorization code.")
		}
		if req.challenge != "" {
			verifier := f.Get("code_verifier")
			if verifier == "" {
				return nil, missing("code_verifier")
			}
			if !pkceMatches(req.method, req.challenge, verifier) {
				return nil, badRequest("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
			}
		}
		user, scopes = req.user, req.scopes
		if s := f.Get("scope"); s != "" {
			scopes = append(strings.Fields(s), oidcOf(req.scopes)...)
		}
	case "refresh_token":
		rt := f.Get("refresh_token")
		if rt == "" {
			return nil, missing("refresh_token")
		}
		e.mu.Lock()
		req = e.refresh[rt]
		e.mu.Unlock()
		switch {
		case req == nil:
			return nil, badRequest("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid: the refresh token is not one this service issued.")
		case !now.Before(req.expires):
			return nil, badRequest("invalid_grant", 700082, "The refresh token has expired due to inactivity.")
		case !strings.EqualFold(req.clientID, app.ClientID):
			return nil, badRequest("invalid_grant", 70000, "The provided refresh token was issued to another client.")
		}
		user, scopes = req.user, req.scopes
		if s := f.Get("scope"); s != "" {
			scopes = strings.Fields(s)
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if f.Get("requested_token_use") != "on_behalf_of" {
			return nil, missing("requested_token_use")
		}
		if secret == "" && f.Get("client_assertion") == "" {
			// The on-behalf-of flow is a confidential client's.
			return nil, &tokenError{status: http.StatusUnauthorized, code: "invalid_client", aadsts: 7000218, msg: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
		}
		assertion := f.Get("assertion")
		if assertion == "" {
			return nil, missing("assertion")
		}
		if f.Get("scope") == "" {
			return nil, missing("scope")
		}
		claims, err := e.Verify(assertion)
		if err != nil {
			var bad *identity.InvalidTokenError
			if errors.As(err, &bad) && bad.Problem == identity.TokenExpired {
				return nil, badRequest("invalid_grant", 500133, "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.")
			}
			return nil, badRequest("invalid_grant", 50013, "Assertion failed signature validation.")
		}
		if aud := claims.Audience; !strings.EqualFold(aud, app.ClientID) && !strings.EqualFold(aud, "api://"+app.ClientID) {
			return nil, badRequest("invalid_grant", 50013, "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '"+aud+"' and the expected audience is '"+app.ClientID+"'.")
		}
		u, ok := e.User(claims.ObjectID)
		if !ok || claims.ObjectID == "" {
			// "the OBO flow only works for user principals"
			return nil, badRequest("invalid_grant", 50013, "Assertion is invalid: it does not name a user of this directory.")
		}
		user, scopes = u, strings.Fields(f.Get("scope"))
	default:
		return nil, badRequest("unsupported_grant_type", 70003, "The app requested an unsupported grant type '"+grant+"'.")
	}
	if tid != "{tenantid}" && user.TenantID != tid {
		return nil, badRequest("invalid_grant", 50020, "User account from identity provider does not exist in tenant '"+seg+"' and cannot access the application '"+app.ClientID+"' in that tenant.")
	}

	// The access token is for the first resource the scopes name, as
	// "the Microsoft identity platform returns a token for the resource
	// specified in the first scope".
	resource, names := firstResource(scopes)
	if resource == "" {
		return nil, badRequest("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid: it names no resource.")
	}
	full := make([]string, 0, len(names))
	for _, n := range names {
		full = append(full, resource+"/"+n)
	}
	tok, exp, err := e.mintForResource(user, app.ClientID, resource, names, mint{})
	if err != nil {
		return nil, badRequest("invalid_scope", 70011, err.Error())
	}
	ans := &tokenAnswer{TokenType: "Bearer", Scope: strings.Join(full, " "), AccessToken: tok}
	ans.ExpiresIn = int64(exp.Sub(now) / time.Second)
	ans.ExtExpiresIn = ans.ExpiresIn
	wantRefresh := slices.Contains(scopes, "offline_access") || (req != nil && req.hasRefreshFor)
	if wantRefresh {
		rt, err := e.keep(&e.refresh, &authRequest{tenantSeg: seg, clientID: app.ClientID, user: user, scopes: scopes, hasRefreshFor: true}, RefreshTokenLifetime)
		if err != nil {
			return nil, &tokenError{status: http.StatusServiceUnavailable, code: "temporarily_unavailable", aadsts: 90006, msg: "The service is temporarily unavailable."}
		}
		ans.RefreshToken = rt
	}
	if slices.Contains(scopes, "openid") || (req != nil && slices.Contains(req.scopes, "openid")) {
		nonce := ""
		if req != nil && grant == "authorization_code" {
			nonce = req.nonce
		}
		id, err := e.idToken(user, app.ClientID, nonce)
		if err != nil {
			return nil, &tokenError{status: http.StatusInternalServerError, code: "server_error", aadsts: 50000, msg: "There's an issue with the sign-in service."}
		}
		ans.IDToken = id
	}
	if f.Get("client_info") == "1" {
		// MSAL asks for client_info: the account's ids, base64url JSON.
		ci, _ := json.Marshal(map[string]string{"uid": user.ObjectID, "utid": user.TenantID})
		ans.ClientInfo = base64.RawURLEncoding.EncodeToString(ci)
	}
	return ans, nil
}

// checkClientSecret authenticates the client: a confidential app must
// present its secret, a public one none.
func checkClientSecret(app App, secret string, assertion bool) *tokenError {
	unauthorized := func(aadsts int, msg string) *tokenError {
		return &tokenError{status: http.StatusUnauthorized, code: "invalid_client", aadsts: aadsts, msg: msg}
	}
	switch {
	case app.Secret == "" && (secret != "" || assertion):
		return unauthorized(700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
	case app.Secret == "":
		return nil
	case assertion:
		// The fake registers secrets only (a choice): no certificate
		// credentials to check an assertion against.
		return unauthorized(700027, "Client assertion failed signature validation: the app has no certificate credential.")
	case secret == "":
		return unauthorized(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	case subtle.ConstantTimeCompare([]byte(secret), []byte(app.Secret)) != 1:
		return unauthorized(7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+app.ClientID+"'.")
	}
	return nil
}

// pkceMatches checks a code verifier against the challenge (RFC 7636
// section 4.6).
func pkceMatches(method, challenge, verifier string) bool {
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func oidcOf(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		if oidcScopes[s] {
			out = append(out, s)
		}
	}
	return out
}

// firstResource returns the resource of the first scope that names one
// and the names of the scopes of that resource.
func firstResource(scopes []string) (resource string, names []string) {
	for _, s := range scopes {
		if oidcScopes[s] {
			continue
		}
		i := strings.LastIndexByte(s, '/')
		if i <= 0 || i == len(s)-1 {
			continue
		}
		r, n := normalResource(strings.TrimSuffix(s[:i], "/")), s[i+1:]
		if resource == "" {
			resource = r
		}
		if r == resource {
			names = append(names, n)
		}
	}
	return resource, names
}

// normalResource names the Teams resource of Communication Services one
// way, whichever of its identifiers a scope uses.
func normalResource(r string) string {
	if r == identity.TeamsAudienceAppID || r == "api://"+identity.TeamsAudienceAppID {
		return identity.TeamsAudience
	}
	return r
}

// mintForResource mints user's access token issued to appID for the
// scope names of resource: a Teams-user token for the Teams resource of
// Communication Services ("/.default" meaning Teams.ManageCalls and
// Teams.ManageChats), a token of that audience and scopes otherwise
// ("/.default" meaning what was consented: no "scp", which chat/fake reads
// as every permission).
func (e *Entra) mintForResource(user TestUser, appID, resource string, names []string, m mint) (string, time.Time, error) {
	if resource != identity.TeamsAudience {
		m.audience = resource
	}
	if !m.scopesSet {
		if len(names) == 1 && names[0] == ".default" {
			if resource != identity.TeamsAudience {
				names = nil
			} else {
				names = []string{identity.TeamsManageCalls, identity.TeamsManageChats}
			}
		}
		m.scopes, m.scopesSet = names, true
	}
	return e.mint(user, appID, m)
}

// idToken mints the v2.0 ID token of a sign-in (docs/identity-platform/id-token-claims-reference.md:
// aud the app, iss the tenant's v2.0 issuer, the user's oid, tid, name,
// preferred_username, the pairwise sub, and the nonce of the request).
func (e *Entra) idToken(user TestUser, appID, nonce string) (string, error) {
	now := e.now().Truncate(time.Second)
	c := map[string]any{
		"aud":                appID,
		"iss":                "https://login.microsoftonline.com/" + user.TenantID + "/v2.0",
		"iat":                now.Unix(),
		"nbf":                now.Unix(),
		"exp":                now.Add(time.Hour).Unix(),
		"name":               user.DisplayName,
		"oid":                user.ObjectID,
		"preferred_username": user.UPN,
		"sub":                pairwiseSubject(user.ObjectID, appID),
		"tid":                user.TenantID,
		"ver":                "2.0",
	}
	if nonce != "" {
		c["nonce"] = nonce
	}
	return e.iss.SignHeader(jwt.Header{X5t: e.kid}, nil, c)
}
