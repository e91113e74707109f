package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

//go:embed web
var webFS embed.FS

// config is what the app needs, offline or against Azure.
type config struct {
	// baseURL is the origin the browser opens; the redirect URI is
	// baseURL + "/auth/callback".
	baseURL string
	// offline names the offline world's sign-in hints on the page.
	offline bool
	world   *offlineWorld

	// The app registration and its sign-in.
	clientID, clientSecret string
	tenant                 string   // the {tenant} users sign in at
	tenants                []string // the tenants whose users may use the app
	apiScope               string   // the app's exposed scope, e.g. api://<client id>/access_as_user
	authorizeBase          string   // the authority the browser is sent to
	tokenBase              string   // the authority the backend asks for tokens (offline: the fake's TLS face)
	authHTTP               *http.Client
	// newCredential is the user's delegated credential from their token
	// for the app: azidentity's on-behalf-of credential.
	newCredential tokenservice.CredentialFunc
	// tokenOptions are the token service's options that differ offline
	// (its authority and HTTP client).
	tokenOptions tokenservice.Options

	exchanger   identity.TokenExchanger // the ACS resource's identity client
	chatOptions *chat.ClientOptions     // nil: Microsoft Graph

	// calling is the ACS resource's Call Automation client; nil when the
	// app places no calls itself (the browser's calling SDK does).
	calling      calling.Service
	resourceID   string // the callbacks' audience
	callbackAuth calling.CallbackAuthOptions
	// publicURL is where Graph and Call Automation reach the app ("" when
	// they cannot: no notifications, no server-side calls).
	publicURL string

	// callingSDK is a file with a bundle of ACS's web calling SDK, served
	// to the page ("" when the page has none).
	callingSDK string

	live             string // notify or poll
	pollInterval     time.Duration
	presenceInterval time.Duration
	logger           *slog.Logger
}

// app is the web app's server side.
type app struct {
	cfg      config
	ctx      context.Context // the app's life: ends at shutdown
	stop     context.CancelFunc
	tokens   *tokenservice.Service
	users    *teamsuser.Users
	sessions *sessionStore
	feeds    *feeds
	calls    *callDesk
	static   http.Handler
	// sent, when set, is told of each message a user sent (offline: the
	// colleague answers).
	sent func(chatID, senderID, text string)
}

func newApp(ctx context.Context, cfg config) (*app, error) {
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	topts := cfg.tokenOptions
	topts.OnBehalfOf = tokenservice.OnBehalfOfCredential(cfg.newCredential)
	topts.RequiredScopes = []string{scopeName(cfg.apiScope)}
	topts.Logger = cfg.logger
	tokens, err := tokenservice.New(tokenservice.Config{
		Exchanger: cfg.exchanger,
		AppID:     cfg.clientID,
		Audiences: []string{cfg.clientID, "api://" + cfg.clientID, scopeResource(cfg.apiScope)},
		Tenants:   cfg.tenants,
	}, &topts)
	if err != nil {
		return nil, err
	}
	users, err := teamsuser.NewUsers(teamsuser.Config{AppID: cfg.clientID, Exchanger: cfg.exchanger}, cfg.newCredential,
		&teamsuser.UsersOptions{UserOptions: teamsuser.UserOptions{Calling: cfg.calling, Chat: cfg.chatOptions}})
	if err != nil {
		_ = tokens.Close()
		return nil, err
	}
	sub, err := fs.Sub(webFS, "web")
	if err != nil {
		_ = tokens.Close()
		return nil, err
	}
	ctx, stop := context.WithCancel(ctx)
	a := &app{
		cfg: cfg, ctx: ctx, stop: stop, tokens: tokens, users: users,
		sessions: newSessionStore(strings.HasPrefix(cfg.baseURL, "https://"), time.Now),
		static:   http.FileServerFS(sub),
	}
	a.feeds = newFeeds(a)
	if a.calls, err = newCallDesk(a); err != nil {
		stop()
		users.Close()
		_ = tokens.Close()
		return nil, err
	}
	return a, nil
}

// close stops the live feeds and the call desk, drops the users and
// closes the token service.
func (a *app) close() {
	a.stop()
	a.feeds.close()
	a.calls.close()
	_ = a.users.Close()
	_ = a.tokens.Close()
}

// scopeName is the name of a scope URI ("access_as_user" of
// "api://…/access_as_user").
func scopeName(scope string) string {
	return scope[strings.LastIndexByte(scope, '/')+1:]
}

// scopeResource is the resource of a scope URI ("api://…").
func scopeResource(scope string) string {
	if i := strings.LastIndexByte(scope, '/'); i > 0 {
		return scope[:i]
	}
	return scope
}

// routes is the app's handler.
func (a *app) routes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", a.serveIndex)
	m.Handle("GET /static/", http.StripPrefix("/static/", a.static))
	if a.cfg.callingSDK != "" {
		m.HandleFunc("GET /static/vendor/acs-calling.js", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			http.ServeFile(w, r, a.cfg.callingSDK)
		})
	}
	m.HandleFunc("GET /auth/login", a.serveLogin)
	m.HandleFunc("GET /auth/callback", a.serveCallback)
	m.HandleFunc("POST /auth/logout", a.api(a.serveLogout))

	m.HandleFunc("GET /api/me", a.api(a.serveMe))
	m.HandleFunc("GET /api/chats", a.api(a.serveChats))
	m.HandleFunc("POST /api/chats", a.api(a.serveCreateChat))
	m.HandleFunc("GET /api/chats/{chat}/messages", a.api(a.serveMessages))
	m.HandleFunc("POST /api/chats/{chat}/messages", a.api(a.serveSend))
	m.HandleFunc("POST /api/chats/{chat}/read", a.api(a.serveMarkRead))
	m.HandleFunc("POST /api/meetings/find", a.api(a.serveFindMeeting))
	m.HandleFunc("GET /api/people", a.api(a.servePeople))
	m.HandleFunc("GET /api/people/search", a.api(a.serveSearchPeople))
	m.HandleFunc("POST /api/people", a.api(a.serveAddPerson))
	m.HandleFunc("POST /api/acs-token", a.api(a.serveACSToken))
	m.HandleFunc("GET /api/calls", a.api(a.serveCalls))
	m.HandleFunc("POST /api/calls", a.api(a.servePlaceCall))
	m.HandleFunc("POST /api/calls/{call}/transfer", a.api(a.serveTransfer))
	m.HandleFunc("POST /api/calls/{call}/hangup", a.api(a.serveHangUp))
	m.HandleFunc("GET /api/events", a.api(a.serveEvents))

	// What Call Automation and Graph post to (no session: they
	// authenticate with their own tokens and client states).
	m.Handle("POST /acs/callbacks", a.calls.handler)
	m.Handle("/graph/notifications/{feed}", http.HandlerFunc(a.feeds.serveNotification))

	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API: "+r.Method+" "+r.URL.Path)
	})
	return securityHeaders(http.NewCrossOriginProtection().Handler(m))
}

// securityHeaders sets what every answer carries: a content security
// policy that lets the page load and call only this origin (the ACS web
// calling SDK, when added, is served from /static too), no framing, no
// sniffing, no referrer (the callback's URL holds the authorization code).
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

func (a *app) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.ServeFileFS(w, r, webFS, "web/index.html")
}

// apiHandler is an API handler of a signed-in session.
type apiHandler func(w http.ResponseWriter, r *http.Request, s *session)

// api wraps h: the request needs a live session, and one that changes
// something needs the session's CSRF token in its header and, from a
// browser, this app's origin. The session's token is renewed when it is
// about to expire.
func (a *app) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		s, ok := a.sessions.get(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "not_signed_in", "sign in first (GET /auth/login)")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if o := r.Header.Get("Origin"); o != "" && o != a.cfg.baseURL {
				writeError(w, http.StatusForbidden, "origin_not_allowed", "requests that change something come from "+a.cfg.baseURL)
				return
			}
			if !s.checkCSRF(r) {
				writeError(w, http.StatusForbidden, "csrf_token_invalid", "the request lacks the session's "+csrfHeader+" header (GET /api/me has it)")
				return
			}
		}
		if err := a.fresh(r.Context(), s); err != nil {
			a.sessions.end(w, s)
			a.cfg.logger.Info("session ended", "reason", err)
			writeError(w, http.StatusUnauthorized, "session_expired", "your sign-in has expired: sign in again")
			return
		}
		h(w, r, s)
	}
}

// apiError is the JSON error body: the token service's shape.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"cannot encode the answer"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// maxJSONBody bounds a JSON request body of the API.
const maxJSONBody = 64 << 10

// readJSON decodes the request's JSON body into v: one object of known
// members. It answers 4xx itself and returns false when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "send a JSON body (Content-Type: application/json)")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "request_too_large", "the body is larger than "+strconv.Itoa(maxJSONBody)+" bytes")
			return false
		}
		writeError(w, http.StatusBadRequest, "bad_request", "the body is not the JSON this request takes: "+err.Error())
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "bad_request", "the body holds more than one JSON value")
		return false
	}
	return true
}

// writeServiceError answers for a failure of the SDK or a service behind
// it: a bad argument is the caller's 400, the service's 4xx keep their
// meaning, anything else is 502. The SDK's errors never hold tokens.
func (a *app) writeServiceError(w http.ResponseWriter, what string, err error) {
	var (
		chatArg  *chat.ArgumentError
		callArg  *calling.ArgumentError
		teamsArg *teamsuser.ArgumentError
		idArg    *identity.ArgumentError
	)
	switch {
	case errors.As(err, &chatArg) || errors.As(err, &callArg) || errors.As(err, &teamsArg) || errors.As(err, &idArg):
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	case errors.Is(err, teamsuser.ErrMeetingNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no meeting of yours has this link or id")
		return
	case errors.Is(err, context.Canceled):
		return // the browser went away
	}
	status := chat.StatusCode(err)
	var re *azcore.ResponseError
	if status == 0 && errors.As(err, &re) {
		status = re.StatusCode
	}
	switch {
	case status == http.StatusNotFound:
		writeError(w, http.StatusNotFound, "not_found", what+": not found, or not yours")
	case status == http.StatusForbidden:
		writeError(w, http.StatusForbidden, "forbidden", what+": the service refused (a permission the app lacks?)")
	case status == http.StatusUnauthorized:
		writeError(w, http.StatusUnauthorized, "session_expired", what+": the service no longer accepts your sign-in: sign in again")
	case status == http.StatusTooManyRequests:
		if d := chat.RetryAfter(err); d > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
		}
		writeError(w, http.StatusTooManyRequests, "throttled", what+": the service is throttling: try again shortly")
	case status == http.StatusBadRequest || status == http.StatusConflict:
		writeError(w, status, "refused", what+": the service refused the request")
	default:
		a.cfg.logger.Warn("service call failed", "what", what, "err", err)
		writeError(w, http.StatusBadGateway, "upstream_failed", what+": the service failed; try again")
	}
}
