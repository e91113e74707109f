package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// Sessions live on the server: the browser holds only a random session id
// in an HttpOnly cookie. A session holds the user's tokens (never sent to
// the browser), the authenticated caller they were checked as, and the
// session's CSRF token, which the page sends back in a header with every
// request that changes something.

const (
	// sessionCookie names the session cookie over plain HTTP (offline on
	// loopback); over HTTPS the cookie is "__Host-" + sessionCookie, a
	// name browsers accept only from a secure origin, with Path=/ and no
	// Domain (RFC 6265bis, "Cookie Name Prefixes").
	sessionCookie = "teamsuser-session"
	// signInCookie names the cookie of a sign-in under way (the state and
	// PKCE verifier stay on the server under its id).
	signInCookie = "teamsuser-signin"
	// csrfHeader carries the session's CSRF token.
	csrfHeader = "X-CSRF-Token"
	// maxSessions bounds the sessions kept; the least recently used goes
	// first (its user signs in again).
	maxSessions = 10000
	// signInLifetime bounds a sign-in under way (Entra's authorization
	// code lives about ten minutes; the user may take a while to pick an
	// account).
	signInLifetime = 15 * time.Minute
	// maxSessionLifetime ends a session however often its tokens are
	// refreshed (a choice: a working day).
	maxSessionLifetime = 12 * time.Hour
)

// randomID is 32 random bytes, base64url: session ids, CSRF tokens,
// states, PKCE verifiers.
func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("webapp: the system's random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// session is a signed-in user's state on the server.
type session struct {
	id      string
	csrf    string
	started time.Time

	// refreshing is held while the session's tokens are renewed, so that
	// concurrent requests renew them once.
	refreshing sync.Mutex

	mu           sync.Mutex
	caller       tokenservice.Caller // the user, as their token was checked
	callerToken  string              // the user's access token for the app (a secret)
	refreshToken string              // to renew it (a secret)

	// cursors name Graph's next links of the chats' pages read back in
	// time, so that the browser never hands the server a URL to fetch.
	cursors     map[string]cursor
	cursorOrder []string

	lastUsed time.Time // guarded by the store's mu
}

// cursor is a page of a chat not read yet.
type cursor struct{ chatID, nextLink string }

// maxCursors bounds the cursors a session keeps (the oldest go first).
const maxCursors = 100

// keepCursor keeps a chat's next link and returns its cursor.
func (s *session) keepCursor(chatID, nextLink string) string {
	id := randomID()[:22]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cursors == nil {
		s.cursors = make(map[string]cursor)
	}
	if len(s.cursorOrder) >= maxCursors {
		delete(s.cursors, s.cursorOrder[0])
		s.cursorOrder = s.cursorOrder[1:]
	}
	s.cursors[id] = cursor{chatID, nextLink}
	s.cursorOrder = append(s.cursorOrder, id)
	return id
}

// cursor returns the next link of a cursor of chatID.
func (s *session) cursor(id, chatID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cursors[id]
	return c.nextLink, ok && c.chatID == chatID
}

// tokens returns the session's caller and token.
func (s *session) tokens() (tokenservice.Caller, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caller, s.callerToken, s.refreshToken
}

// setTokens records renewed tokens.
func (s *session) setTokens(c tokenservice.Caller, token, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.caller, s.callerToken = c, token
	if refresh != "" {
		s.refreshToken = refresh
	}
}

// userKey names the session's user across sessions: tenant and object id.
func (s *session) userKey() string {
	c, _, _ := s.tokens()
	return userKeyOf(c)
}

func userKeyOf(c tokenservice.Caller) string { return c.TenantID + "/" + c.ObjectID }

// checkCSRF compares the request's CSRF header with the session's, in
// constant time.
func (s *session) checkCSRF(r *http.Request) bool {
	got := r.Header.Get(csrfHeader)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

// signIn is a sign-in under way: what the callback checks the answer
// against.
type signIn struct {
	state, verifier, nonce string
	expires                time.Time
}

// sessionStore keeps the sessions and the sign-ins under way, in memory
// (one process; a service of several replicas would keep them in a shared
// store, as it does its other state).
type sessionStore struct {
	now    func() time.Time
	secure bool // cookies are Secure and use the __Host- prefix

	mu       sync.Mutex
	sessions map[string]*session
	signIns  map[string]*signIn
}

func newSessionStore(secure bool, now func() time.Time) *sessionStore {
	return &sessionStore{now: now, secure: secure, sessions: make(map[string]*session), signIns: make(map[string]*signIn)}
}

func (st *sessionStore) cookieName(name string) string {
	if st.secure {
		return "__Host-" + name
	}
	return name
}

// setCookie sets an HttpOnly, SameSite=Lax cookie on /, Secure over HTTPS.
// Lax, not Strict: the browser comes back from Entra ID's sign-in page by
// a top-level navigation from another site, which must carry the sign-in
// cookie; every request that changes something also needs the CSRF token.
func (st *sessionStore) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: st.cookieName(name), Value: value, Path: "/", HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode}
	if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func (st *sessionStore) cookie(r *http.Request, name string) string {
	c, err := r.Cookie(st.cookieName(name))
	if err != nil {
		return ""
	}
	return c.Value
}

// startSignIn keeps a new sign-in and sets its cookie.
func (st *sessionStore) startSignIn(w http.ResponseWriter) *signIn {
	now := st.now()
	si := &signIn{state: randomID(), verifier: randomID(), nonce: randomID(), expires: now.Add(signInLifetime)}
	id := randomID()
	st.mu.Lock()
	for k, v := range st.signIns {
		if !now.Before(v.expires) {
			delete(st.signIns, k)
		}
	}
	if len(st.signIns) >= maxSessions {
		// Too many sign-ins under way: drop them all rather than grow (the
		// users' browsers start again).
		clear(st.signIns)
	}
	st.signIns[id] = si
	st.mu.Unlock()
	st.setCookie(w, signInCookie, id, signInLifetime)
	return si
}

// takeSignIn removes and returns the request's sign-in under way, if its
// state matches (in constant time) and it has not expired.
func (st *sessionStore) takeSignIn(w http.ResponseWriter, r *http.Request, state string) (*signIn, bool) {
	id := st.cookie(r, signInCookie)
	st.setCookie(w, signInCookie, "", 0)
	if id == "" {
		return nil, false
	}
	st.mu.Lock()
	si, ok := st.signIns[id]
	delete(st.signIns, id)
	st.mu.Unlock()
	if !ok || !st.now().Before(si.expires) || subtle.ConstantTimeCompare([]byte(state), []byte(si.state)) != 1 {
		return nil, false
	}
	return si, true
}

// create starts a session for an authenticated caller and sets its cookie.
func (st *sessionStore) create(w http.ResponseWriter, c tokenservice.Caller, token, refresh string) *session {
	now := st.now()
	s := &session{id: randomID(), csrf: randomID(), started: now, caller: c, callerToken: token, refreshToken: refresh, lastUsed: now}
	st.mu.Lock()
	if len(st.sessions) >= maxSessions {
		var oldest *session
		for _, v := range st.sessions {
			if oldest == nil || v.lastUsed.Before(oldest.lastUsed) {
				oldest = v
			}
		}
		delete(st.sessions, oldest.id)
	}
	st.sessions[s.id] = s
	st.mu.Unlock()
	st.setCookie(w, sessionCookie, s.id, maxSessionLifetime)
	return s
}

// get returns the request's session, if it has a live one.
func (st *sessionStore) get(r *http.Request) (*session, bool) {
	id := st.cookie(r, sessionCookie)
	if id == "" {
		return nil, false
	}
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return nil, false
	}
	if now.Sub(s.started) >= maxSessionLifetime {
		delete(st.sessions, id)
		return nil, false
	}
	s.lastUsed = now
	return s, true
}

// end removes the session and clears its cookie.
func (st *sessionStore) end(w http.ResponseWriter, s *session) {
	st.mu.Lock()
	delete(st.sessions, s.id)
	st.mu.Unlock()
	st.setCookie(w, sessionCookie, "", 0)
}

// others reports whether another live session has the user key.
func (st *sessionStore) others(key string, except *session) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, s := range st.sessions {
		if s != except && s.userKey() == key {
			return true
		}
	}
	return false
}

// alive reports whether the session is still kept.
func (st *sessionStore) alive(s *session) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sessions[s.id] == s
}
