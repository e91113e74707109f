package fake

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

// maxBody bounds request bodies (messages with inline images included).
const maxBody = 8 << 20

// graphAudience is the audience of the Graph access tokens TokenFor mints.
const graphAudience = "https://graph.microsoft.com"

// graphAudiences are the audiences of Graph access tokens.
var graphAudiences = map[string]bool{
	graphAudience:                          true,
	"https://graph.microsoft.com/":         true,
	"00000003-0000-0000-c000-000000000000": true,
}

// Handler returns the HTTP face: the Graph v1.0 chat API under /v1.0/ as the
// chat client uses it, with Graph's status codes, error bodies, paging by
// @odata.nextLink (pointing back at the host the request was sent to) and
// query rules. Requests carry "Authorization: Bearer <token>" with a token
// from TokenFor, or from Options.Entra.
//
// Served paths (each chat path also under /me/chats/… and
// /users/{me}/chats/…):
//
//	GET  /v1.0/me/chats, /v1.0/chats          $top ≤ 50, $filter=chatType eq '…', $expand=members
//	POST /v1.0/chats                          one-on-one (existing returned) or group
//	GET  /v1.0/chats/{id}                     $expand=members
//	GET|POST /v1.0/chats/{id}/members, GET|DELETE …/members/{membershipId}
//	GET|POST /v1.0/chats/{id}/messages        $top ≤ 50, $orderby …desc, $filter (see below)
//	GET|PATCH /v1.0/chats/{id}/messages/{mid}
//	POST …/messages/{mid}/softDelete|undoSoftDelete|setReaction|unsetReaction
//	GET  …/messages/{mid}/hostedContents[/{hid}[/$value]]
//	GET  /v1.0/me/onlineMeetings?$filter=JoinWebUrl eq '…' or joinMeetingIdSettings/joinMeetingId eq '…'
//	GET  /v1.0/me/onlineMeetings/{id}, POST /v1.0/me/onlineMeetings
//	GET  /v1.0/me/presence, /v1.0/users/{object id}/presence   a principal name is 400
//	POST /v1.0/communications/getPresencesByUserId   at most 650 object ids
//	GET|POST /v1.0/teams/{team}/channels/{ch}/messages, GET …/messages/{mid}
//	GET|POST …/messages/{mid}/replies, GET …/replies/{rid}
//	GET|POST /v1.0/subscriptions, GET|PATCH|DELETE /v1.0/subscriptions/{id}, POST …/{id}/reauthorize
//
// Request bodies may be gzip (Content-Encoding: gzip), as the Graph SDKs
// send them. As Graph does, a message listing applies $filter on a date only when
// $orderby names the same date, and ignores it silently otherwise.
func (s *Service) Handler() http.Handler { return httpFace{s} }

// NewServer serves the HTTP face on a loopback port, as the other fakes'
// NewServer do (every timeout and limit set); the chat client's base URL is
// its URL + "/v1.0". Close the server before the service.
func (s *Service) NewServer() *httptest.Server {
	return httpserver.NewTestServer(s.Handler(), &httpserver.Options{MaxBodyBytes: maxBody})
}

type httpFace struct{ s *Service }

// reqCtx is one request being served.
type reqCtx struct {
	s       *Service
	r       *http.Request
	segs    []string
	query   url.Values
	body    []byte
	user    string
	appID   string
	base    string // scheme://host/v1.0
	escPath string // the request's escaped path after /v1.0
}

// result is what a route answers. The resources of package chat are
// encoded with chat.MarshalGraphJSON, the codec the client decodes with
// (graph below); what is not a chat type (subscriptions, hosted content
// descriptions) goes through encoding/json as body.
type result struct {
	status int
	body   any    // JSON; nil for no content
	graph  []byte // Graph JSON already encoded
	raw    []byte // raw bytes ($value), with rawType
	rawTyp string
}

// graphResult answers status with the Graph JSON of v, a value of package
// chat.
func graphResult(status int, v any) (result, *opError) {
	b, err := chat.MarshalGraphJSON(v)
	if err != nil {
		return result{}, &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "Encoding failed."}
	}
	return result{status: status, graph: b}, nil
}

// collectionResult answers 200 with an OData collection of items (a slice
// of a type of package chat), its context, its count (none when count is
// negative) and its next link.
func collectionResult(context string, items any, count int, next string) (result, *opError) {
	b, err := chat.MarshalGraphJSON(items)
	if err != nil {
		return result{}, &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "Encoding failed."}
	}
	return result{status: http.StatusOK, graph: gw.AppendCollection(make([]byte, 0, len(b)+len(context)+len(next)+64), context, count, b, next)}, nil
}

type routeFn func(c *reqCtx) (result, *opError)

func (h httpFace) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := h.s
	c := &reqCtx{s: s, r: r}
	entry := Request{Face: "http", Method: r.Method, Query: r.URL.RawQuery, At: s.clock()}
	defer func() { s.logRequest(entry) }()

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		entry.Status = http.StatusRequestEntityTooLarge
		c.writeError(w, &opError{status: http.StatusRequestEntityTooLarge, code: "RequestEntityTooLarge", msg: "The request body is too large."})
		return
	}
	if body, err = decodeContent(r.Header.Get("Content-Encoding"), body); err != nil {
		entry.Status = http.StatusBadRequest
		c.writeError(w, errBadRequest("The request body is not "+short(r.Header.Get("Content-Encoding"))+" as its Content-Encoding says."))
		return
	}
	c.body = body
	if len(body) > 0 {
		entry.Body = body
	}
	esc := r.URL.EscapedPath()
	entry.Path = fakekit.UnescapedPath(esc)
	const prefix = "/v1.0"
	if !strings.HasPrefix(esc, prefix+"/") {
		entry.Status = http.StatusNotFound
		c.writeError(w, errNotFound("Only Graph v1.0 paths (/v1.0/…) are served."))
		return
	}
	c.escPath = esc[len(prefix):]
	for _, raw := range strings.Split(strings.Trim(c.escPath, "/"), "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil {
			entry.Status = http.StatusBadRequest
			c.writeError(w, errBadRequest("Badly escaped path."))
			return
		}
		c.segs = append(c.segs, seg)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	c.base = scheme + "://" + r.Host + prefix
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		entry.Status = http.StatusBadRequest
		c.writeError(w, errBadRequest("Badly escaped query."))
		return
	}
	c.query = q

	op, fn, oe := route(r.Method, c.segs)
	entry.Op = op
	if oe != nil {
		entry.Status = oe.status
		c.writeError(w, oe)
		return
	}
	if oe := c.authenticate(); oe != nil {
		entry.Status = oe.status
		c.writeError(w, oe)
		return
	}
	entry.UserID = c.user

	if s.isClosed() {
		entry.Status = errClosed.status
		c.writeError(w, errClosed)
		return
	}
	f := s.faults.Take(op)
	entry.Injected = f != nil
	var res result
	switch fakekit.Apply(r.Context(), f, func() { res, oe = fn(c) }) {
	case fakekit.Gone:
		return
	case fakekit.Drop:
		panic(http.ErrAbortHandler) // the server closes the connection without an answer
	case fakekit.Fail:
		oe = faultError(f)
	}
	if oe != nil {
		entry.Status = oe.status
		c.writeError(w, oe)
		return
	}
	entry.Status = res.status
	c.write(w, res)
}

// decodeContent undoes a request body's Content-Encoding. Graph takes
// gzip request bodies, which the Graph SDKs send by default
// (msgraph-sdk-go-core's default middleware includes kiota-http-go's
// CompressionHandler, which gzips every request body); identity or none is
// the body as it is. Other encodings, and a body that is not what its
// encoding says, are refused (400). The decoded body is bounded like a
// plain one.
func decodeContent(encoding string, body []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return body, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		out, err := io.ReadAll(io.LimitReader(zr, maxBody+1))
		if err != nil {
			return nil, err
		}
		if len(out) > maxBody {
			return nil, errors.New("the decoded body is too large")
		}
		return out, nil
	}
	return nil, errors.New("unsupported content encoding")
}

// authenticate finds the signed-in user from the bearer token.
func (c *reqCtx) authenticate() *opError {
	h := c.r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	tok = strings.TrimSpace(tok)
	if !ok || tok == "" {
		return errUnauthorized("Access token is empty.")
	}
	s := c.s
	s.mu.Lock()
	uid, known := s.tokens[tok]
	s.mu.Unlock()
	if known {
		c.user = uid
		return nil
	}
	if s.opts.Entra != nil && strings.Count(tok, ".") == 2 {
		claims, err := s.opts.Entra.Verify(tok)
		if err != nil {
			return errUnauthorized("Access token validation failure.")
		}
		if !graphAudiences[claims.Audience] {
			return errUnauthorized("Access token validation failure. Invalid audience.")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.users[claims.ObjectID] == nil {
			eu, ok := s.opts.Entra.User(claims.ObjectID)
			if !ok {
				return errUnauthorized("Access token validation failure. Unknown user.")
			}
			s.importUserLocked(User{ID: eu.ObjectID, TenantID: eu.TenantID, DisplayName: eu.DisplayName, UPN: eu.UPN})
		}
		c.user, c.appID = claims.ObjectID, claims.AppID
		return nil
	}
	return errUnauthorized("Access token validation failure.")
}

func (c *reqCtx) requestIDs() (rid, crid string) {
	c.s.mu.Lock()
	rid = c.s.guidLocked('r')
	c.s.mu.Unlock()
	crid = c.r.Header.Get("client-request-id")
	if crid == "" || len(crid) > 100 {
		crid = rid
	}
	return rid, crid
}

func (c *reqCtx) write(w http.ResponseWriter, res result) {
	rid, crid := c.requestIDs()
	h := w.Header()
	h.Set("request-id", rid)
	h.Set("client-request-id", crid)
	h.Set("Date", c.s.now().UTC().Format(http.TimeFormat))
	switch {
	case res.raw != nil:
		h.Set("Content-Type", res.rawTyp)
		w.WriteHeader(res.status)
		_, _ = w.Write(res.raw)
	case res.graph != nil:
		h.Set("Content-Type", graphContentType)
		w.WriteHeader(res.status)
		_, _ = w.Write(res.graph)
	case res.body != nil:
		b, err := json.Marshal(res.body)
		if err != nil {
			c.writeError(w, &opError{status: 500, code: gw.CodeInternal, msg: "Encoding failed."})
			return
		}
		h.Set("Content-Type", graphContentType)
		w.WriteHeader(res.status)
		_, _ = w.Write(b)
	default:
		w.WriteHeader(res.status)
	}
}

// graphContentType is the media type of Graph's JSON answers.
const graphContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

func (c *reqCtx) writeError(w http.ResponseWriter, oe *opError) {
	rid, crid := c.requestIDs()
	now := c.s.now().UTC()
	b, _ := json.Marshal(gw.NewErrorBody(oe.code, oe.msg, rid, crid, now))
	h := w.Header()
	h.Set("request-id", rid)
	h.Set("client-request-id", crid)
	h.Set("Date", now.Format(http.TimeFormat))
	h.Set("Content-Type", "application/json")
	if oe.retryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((oe.retryAfter+time.Second-1)/time.Second), 10))
	}
	if oe.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
	}
	w.WriteHeader(oe.status)
	_, _ = w.Write(b)
}

func (c *reqCtx) decode(v any) *opError {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return errBadRequest("The request body is empty.")
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errBadRequest("Invalid request body: it is not valid JSON for this resource.")
	}
	return nil
}

// decodeGraph reads the request body into v, a pointer to a type of
// package chat, with chat.UnmarshalGraphJSON (the codec the client
// encodes with).
func (c *reqCtx) decodeGraph(v any) *opError {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return errBadRequest("The request body is empty.")
	}
	if err := chat.UnmarshalGraphJSON(c.body, v); err != nil {
		return errBadRequest("Invalid request body: it is not valid JSON for this resource.")
	}
	return nil
}

// withContext puts "@odata.context" first in a JSON object.
func withContext(obj []byte, context string) []byte {
	if len(obj) < 2 || obj[0] != '{' {
		return obj
	}
	ctx, _ := json.Marshal(context)
	out := make([]byte, 0, len(obj)+len(ctx)+20)
	out = append(out, `{"@odata.context":`...)
	out = append(out, ctx...)
	if len(obj) > 2 {
		out = append(out, ',')
	}
	return append(out, obj[1:]...)
}

func badSegment(seg string) *opError {
	return errBadRequest("Resource not found for the segment " + quote(seg) + ".")
}

func methodNotAllowed() *opError {
	return &opError{status: http.StatusMethodNotAllowed, code: gw.CodeMethodNotAllow, msg: "The HTTP method is not allowed on this resource."}
}

// route maps a method and path to an operation.
func route(method string, segs []string) (string, routeFn, *opError) {
	if len(segs) == 0 || segs[0] == "" {
		return "", nil, badSegment("")
	}
	// Chat paths: chats/{id}/…, me/chats/{id}/…, users/{u}/chats/{id}/….
	var userSeg string
	rest := segs
	switch {
	case segs[0] == "me" && len(segs) >= 2 && segs[1] == "chats":
		rest = segs[1:]
	case segs[0] == "users" && len(segs) >= 3 && segs[2] == "chats":
		userSeg, rest = segs[1], segs[2:]
	case segs[0] == "me" && len(segs) >= 2 && segs[1] == "onlineMeetings":
		return routeMeetings(method, segs[2:])
	case segs[0] == "me" && len(segs) == 2 && segs[1] == "presence":
		return routePresence(method, "")
	case segs[0] == "users" && len(segs) == 3 && segs[2] == "presence":
		return routePresence(method, segs[1])
	case segs[0] == "communications":
		return routeCommunications(method, segs[1:])
	case segs[0] == "teams":
		return routeChannels(method, segs)
	case segs[0] == "subscriptions":
		return routeSubscriptions(method, segs[1:])
	}
	if rest[0] != "chats" {
		return "", nil, badSegment(rest[0])
	}
	wrap := func(op string, fn routeFn) (string, routeFn, *opError) {
		if userSeg == "" {
			return op, fn, nil
		}
		return op, func(c *reqCtx) (result, *opError) {
			c.s.mu.Lock()
			u := c.s.userLocked(userSeg)
			c.s.mu.Unlock()
			if u == nil || u.ID != c.user {
				return result{}, errForbidden("Delegated requests can act only for the signed-in user.")
			}
			return fn(c)
		}, nil
	}
	if len(rest) == 1 {
		switch method {
		case http.MethodGet:
			return wrap(OpListChats, hListChats)
		case http.MethodPost:
			return wrap(OpCreateChat, hCreateChat)
		}
		return "", nil, methodNotAllowed()
	}
	chatID := rest[1]
	if _, p := gw.ParseChatID(chatID); p != "" {
		return "", nil, errBadRequest("Invalid chat id " + quote(chatID) + ": " + p + ".")
	}
	bind := func(fn func(c *reqCtx, chatID string, rest []string) (result, *opError), rest []string) routeFn {
		return func(c *reqCtx) (result, *opError) { return fn(c, chatID, rest) }
	}
	tail := rest[2:]
	n := len(tail)
	switch {
	case n == 0:
		if method == http.MethodGet {
			return wrap(OpGetChat, bind(hGetChat, tail))
		}
	case tail[0] == "members" && n == 1:
		switch method {
		case http.MethodGet:
			return wrap(OpListMembers, bind(hListMembers, tail))
		case http.MethodPost:
			return wrap(OpAddMember, bind(hAddMember, tail))
		}
	case tail[0] == "members" && n == 2:
		switch method {
		case http.MethodGet:
			return wrap(OpGetMember, bind(hGetMember, tail))
		case http.MethodDelete:
			return wrap(OpRemoveMember, bind(hRemoveMember, tail))
		}
	case tail[0] == "messages" && n == 1:
		switch method {
		case http.MethodGet:
			return wrap(OpListMessages, bind(hListMessages, tail))
		case http.MethodPost:
			return wrap(OpSendMessage, bind(hSendMessage, tail))
		}
	case tail[0] == "messages" && n == 2:
		switch method {
		case http.MethodGet:
			return wrap(OpGetMessage, bind(hGetMessage, tail))
		case http.MethodPatch:
			return wrap(OpEditMessage, bind(hEditMessage, tail))
		}
	case tail[0] == "messages" && n == 3 && method == http.MethodPost:
		switch tail[2] {
		case "softDelete":
			return wrap(OpSoftDelete, bind(hSoftDelete(false), tail))
		case "undoSoftDelete":
			return wrap(OpUndoSoftDelete, bind(hSoftDelete(true), tail))
		case "setReaction":
			return wrap(OpSetReaction, bind(hReaction(false), tail))
		case "unsetReaction":
			return wrap(OpUnsetReaction, bind(hReaction(true), tail))
		}
		return "", nil, badSegment(tail[2])
	case tail[0] == "messages" && n >= 3 && n <= 5 && tail[2] == "hostedContents":
		if method == http.MethodGet && (n < 5 || tail[4] == "$value") {
			return wrap(OpHostedContents, bind(hHostedContents, tail))
		}
	default:
		return "", nil, badSegment(tail[0])
	}
	return "", nil, methodNotAllowed()
}

// --- chats ---

func hListChats(c *reqCtx) (result, *opError) {
	q, oe := parseChatsQuery(c.query)
	if oe != nil {
		return result{}, oe
	}
	items, next, oe := c.s.listChats(c.user, q)
	if oe != nil {
		return result{}, oe
	}
	return collectionResult(c.base+"/$metadata#chats", items, -1, nextLink(c.base, c.escPath, c.query, next))
}

func hCreateChat(c *reqCtx) (result, *opError) {
	var in gw.Chat
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	if in.ChatType == "" {
		return result{}, errBadRequest("chatType is required.")
	}
	members := make([]newMember, 0, len(in.Members))
	for _, m := range in.Members {
		u := m.UserID
		if m.UserBind != "" {
			var ok bool
			if u, ok = gw.UserFromBind(m.UserBind); !ok {
				return result{}, errBadRequest("Invalid user@odata.bind " + quote(m.UserBind) + ".")
			}
		}
		if u == "" {
			return result{}, errBadRequest("Every member needs user@odata.bind.")
		}
		members = append(members, newMember{user: u, roles: m.Roles})
	}
	topic := ""
	if in.Topic != nil {
		topic = *in.Topic
	}
	ch, _, oe := c.s.createChat(c.user, chat.ChatType(in.ChatType), topic, members)
	if oe != nil {
		return result{}, oe
	}
	// The documented 201 body (https://learn.microsoft.com/graph/api/chat-post,
	// "Response") is @odata.context, id, topic, createdDateTime,
	// lastUpdatedDateTime and chatType: no members (the client reads them
	// back), web URL, tenant or meeting. An existing one-on-one chat is
	// answered the same way (the page says it is returned; the status is
	// not stated apart, so 201 as for a new one: a choice).
	created := chat.Chat{ID: ch.ID, Type: ch.Type, Topic: ch.Topic, CreatedAt: ch.CreatedAt, LastUpdatedAt: ch.LastUpdatedAt}
	res, oe := graphResult(http.StatusCreated, created)
	if oe == nil {
		res.graph = withContext(res.graph, c.base+"/$metadata#chats/$entity")
	}
	return res, oe
}

func hGetChat(c *reqCtx, chatID string, _ []string) (result, *opError) {
	expand := false
	if e := c.query.Get("$expand"); e != "" {
		if !strings.EqualFold(strings.TrimSpace(e), "members") {
			return result{}, errBadRequest("Unsupported $expand: " + short(e))
		}
		expand = true
	}
	ch, oe := c.s.getChat(c.user, chatID, expand)
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusOK, ch)
}

func hListMembers(c *reqCtx, chatID string, _ []string) (result, *opError) {
	ms, oe := c.s.listMembers(c.user, chatID)
	if oe != nil {
		return result{}, oe
	}
	return collectionResult(c.base+"/$metadata#chats('"+chatID+"')/members", ms, len(ms), "")
}

func hGetMember(c *reqCtx, chatID string, tail []string) (result, *opError) {
	ms, oe := c.s.listMembers(c.user, chatID)
	if oe != nil {
		return result{}, oe
	}
	for _, m := range ms {
		if m.ID == tail[1] {
			return graphResult(http.StatusOK, m)
		}
	}
	return result{}, errNotFound("Membership " + quote(tail[1]) + " was not found.")
}

func hAddMember(c *reqCtx, chatID string, _ []string) (result, *opError) {
	var in gw.ConversationMember
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	u := in.UserID
	if in.UserBind != "" {
		var ok bool
		if u, ok = gw.UserFromBind(in.UserBind); !ok {
			return result{}, errBadRequest("Invalid user@odata.bind " + quote(in.UserBind) + ".")
		}
	}
	if u == "" {
		return result{}, errBadRequest("user@odata.bind is required.")
	}
	var from *time.Time
	if in.VisibleHistoryStartDateTime != nil {
		t := in.VisibleHistoryStartDateTime.Time.Time
		from = &t
	}
	roles := in.Roles
	if roles == nil {
		roles = []string{chat.RoleOwner}
	}
	m, oe := c.s.addMember(c.user, chatID, newMember{user: u, roles: roles}, from)
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusCreated, m)
}

func hRemoveMember(c *reqCtx, chatID string, tail []string) (result, *opError) {
	if oe := c.s.removeMember(c.user, chatID, tail[1]); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

// --- chat messages ---

func hListMessages(c *reqCtx, chatID string, _ []string) (result, *opError) {
	q, oe := parseMessagesQuery(c.query)
	if oe != nil {
		return result{}, oe
	}
	items, next, oe := c.s.listMessages(c.user, chatID, q)
	if oe != nil {
		return result{}, oe
	}
	return messagesResult(c, "chats('"+chatID+"')/messages", items, next)
}

func messagesResult(c *reqCtx, ctxPath string, items []chat.Message, next *cursor) (result, *opError) {
	return collectionResult(c.base+"/$metadata#"+ctxPath, items, len(items), nextLink(c.base, c.escPath, c.query, next))
}

// readNewMessage reads and checks a message body as the client's checks
// would (400 with the same reason).
func (c *reqCtx) readNewMessage() (chat.NewMessage, *opError) {
	var msg chat.NewMessage
	if oe := c.decodeGraph(&msg); oe != nil {
		return chat.NewMessage{}, oe
	}
	if msg.Body == (chat.Body{}) {
		return chat.NewMessage{}, errBadRequest("body is required.")
	}
	if err := msg.Validate(); err != nil {
		return chat.NewMessage{}, errBadRequest("Invalid message: " + strings.TrimPrefix(err.Error(), "chat: ") + ".")
	}
	return msg, nil
}

func hSendMessage(c *reqCtx, chatID string, _ []string) (result, *opError) {
	msg, oe := c.readNewMessage()
	if oe != nil {
		return result{}, oe
	}
	m, oe := c.s.sendMessage(c.user, chatID, msg)
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusCreated, m)
}

func hGetMessage(c *reqCtx, chatID string, tail []string) (result, *opError) {
	m, oe := c.s.getMessage(c.user, chatID, tail[1])
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusOK, m)
}

func hEditMessage(c *reqCtx, chatID string, tail []string) (result, *opError) {
	msg, oe := c.readNewMessage()
	if oe != nil {
		return result{}, oe
	}
	if oe := c.s.editMessage(c.user, chatID, tail[1], msg); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

func hSoftDelete(undo bool) func(c *reqCtx, chatID string, tail []string) (result, *opError) {
	return func(c *reqCtx, chatID string, tail []string) (result, *opError) {
		if oe := c.s.softDelete(c.user, chatID, tail[1], undo); oe != nil {
			return result{}, oe
		}
		return result{status: http.StatusNoContent}, nil
	}
}

func hReaction(unset bool) func(c *reqCtx, chatID string, tail []string) (result, *opError) {
	return func(c *reqCtx, chatID string, tail []string) (result, *opError) {
		var in gw.ReactionRequest
		if oe := c.decode(&in); oe != nil {
			return result{}, oe
		}
		if p := gw.CheckReactionType(in.ReactionType); p != "" {
			return result{}, errBadRequest("Invalid reactionType: " + p + ".")
		}
		if oe := c.s.setReaction(c.user, chatID, tail[1], in.ReactionType, unset); oe != nil {
			return result{}, oe
		}
		return result{status: http.StatusNoContent}, nil
	}
}

func hHostedContents(c *reqCtx, chatID string, tail []string) (result, *opError) {
	hs, oe := c.s.hostedContents(c.user, chatID, tail[1])
	if oe != nil {
		return result{}, oe
	}
	if len(tail) == 3 {
		col := gw.Collection[gw.HostedContent]{Value: make([]gw.HostedContent, len(hs))}
		for i, h := range hs {
			col.Value[i] = gw.HostedContent{ID: h.id, ContentType: h.contentType}
		}
		return result{status: http.StatusOK, body: col}, nil
	}
	for _, h := range hs {
		if h.id != tail[3] {
			continue
		}
		if len(tail) == 5 {
			return result{status: http.StatusOK, raw: h.data, rawTyp: h.contentType}, nil
		}
		return result{status: http.StatusOK, body: gw.HostedContent{ID: h.id, ContentType: h.contentType}}, nil
	}
	return result{}, errNotFound("Hosted content " + quote(tail[3]) + " was not found.")
}

// --- online meetings ---

func routeMeetings(method string, rest []string) (string, routeFn, *opError) {
	if len(rest) == 0 && method == http.MethodPost {
		return OpCreateOnlineMeeting, hCreateMeeting, nil
	}
	if method != http.MethodGet {
		return "", nil, methodNotAllowed()
	}
	switch len(rest) {
	case 0:
		return OpGetOnlineMeeting, func(c *reqCtx) (result, *opError) {
			f := c.query.Get("$filter")
			if f == "" {
				return result{}, errBadRequest("Listing online meetings needs $filter=JoinWebUrl eq '…' or joinMeetingIdSettings/joinMeetingId eq '…'.")
			}
			var ms []chat.OnlineMeeting
			var oe *opError
			if join, ok := parseEqFilter(f, "JoinWebUrl"); ok {
				ms, oe = c.s.meetingsByJoinURL(c.user, join)
			} else if id, ok := parseEqFilter(f, "joinMeetingIdSettings/joinMeetingId"); ok {
				ms, oe = c.s.meetingsByJoinMeetingID(c.user, id)
			} else {
				return result{}, errBadRequest("Unsupported $filter: only JoinWebUrl eq '…' and joinMeetingIdSettings/joinMeetingId eq '…' are supported.")
			}
			if oe != nil {
				return result{}, oe
			}
			return collectionResult(c.base+"/$metadata#users('"+c.user+"')/onlineMeetings", ms, -1, "")
		}, nil
	case 1:
		id := rest[0]
		return OpGetOnlineMeeting, func(c *reqCtx) (result, *opError) {
			m, oe := c.s.meetingByID(c.user, id)
			if oe != nil {
				return result{}, oe
			}
			return graphResult(http.StatusOK, m)
		}, nil
	}
	return "", nil, badSegment(rest[1])
}

func hCreateMeeting(c *reqCtx) (result, *opError) {
	var in chat.CreateOnlineMeetingOptions
	if oe := c.decodeGraph(&in); oe != nil {
		return result{}, oe
	}
	for _, who := range in.Attendees {
		if who == "" {
			return result{}, errBadRequest("Every attendee needs identity.user.id or upn.")
		}
	}
	m, oe := c.s.createMeeting(c.user, in.Subject, in.StartAt, in.EndAt, in.Attendees, in.LobbyBypass)
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusCreated, m)
}

// --- presence ---

// routePresence serves GET /me/presence (target "") and
// /users/{target}/presence. Graph documents that this path takes the
// user's object id, and does not serve it for a user principal name; the
// fake answers 400 to anything but a GUID.
func routePresence(method, target string) (string, routeFn, *opError) {
	if method != http.MethodGet {
		return "", nil, methodNotAllowed()
	}
	return OpGetPresence, func(c *reqCtx) (result, *opError) {
		if target != "" && !gw.IsGUID(target) {
			return result{}, errBadRequest("Invalid user id " + quote(target) + ": presence needs the user's object id.")
		}
		p, oe := c.s.presenceOf(c.user, target)
		if oe != nil {
			return result{}, oe
		}
		res, oe := graphResult(http.StatusOK, p)
		if oe == nil {
			res.graph = withContext(res.graph, c.base+"/$metadata#users('"+p.UserID+"')/presence/$entity")
		}
		return res, oe
	}, nil
}

// routeCommunications serves POST /communications/getPresencesByUserId.
func routeCommunications(method string, rest []string) (string, routeFn, *opError) {
	if len(rest) != 1 || rest[0] != "getPresencesByUserId" {
		if len(rest) == 0 {
			return "", nil, badSegment("communications")
		}
		return "", nil, badSegment(rest[0])
	}
	if method != http.MethodPost {
		return "", nil, methodNotAllowed()
	}
	return OpGetPresences, func(c *reqCtx) (result, *opError) {
		var in gw.PresencesByUserIDRequest
		if oe := c.decode(&in); oe != nil {
			return result{}, oe
		}
		ps, oe := c.s.presences(c.user, in.IDs)
		if oe != nil {
			return result{}, oe
		}
		return collectionResult(c.base+"/$metadata#Collection(presence)", ps, -1, "")
	}, nil
}

// --- channels ---

func routeChannels(method string, segs []string) (string, routeFn, *opError) {
	// teams/{t}/channels/{c}/messages[/{m}[/replies[/{r}]]]
	if len(segs) < 5 || segs[2] != "channels" || segs[4] != "messages" {
		if len(segs) < 3 {
			return "", nil, badSegment(segs[len(segs)-1])
		}
		return "", nil, badSegment(segs[2])
	}
	team, ch := segs[1], segs[3]
	if p := gw.CheckTeamID(team); p != "" {
		return "", nil, errBadRequest("Invalid team id: " + p + ".")
	}
	tail := segs[5:]
	switch {
	case len(tail) == 0 && method == http.MethodGet:
		return OpListChannelMessages, func(c *reqCtx) (result, *opError) {
			q, oe := parseChannelQuery(withoutExpand(c.query), orderModified)
			if oe != nil {
				return result{}, oe
			}
			items, next, oe := c.s.listChannelMessages(c.user, team, ch, "", q)
			if oe != nil {
				return result{}, oe
			}
			return messagesResult(c, "teams('"+team+"')/channels('"+ch+"')/messages", items, next)
		}, nil
	case len(tail) == 0 && method == http.MethodPost:
		return OpSendChannelMessage, func(c *reqCtx) (result, *opError) {
			msg, oe := c.readNewMessage()
			if oe != nil {
				return result{}, oe
			}
			m, oe := c.s.sendChannelMessage(c.user, team, ch, "", msg)
			if oe != nil {
				return result{}, oe
			}
			return graphResult(http.StatusCreated, m)
		}, nil
	case len(tail) == 1 && method == http.MethodGet:
		return OpGetChannelMessage, func(c *reqCtx) (result, *opError) {
			m, oe := c.s.getChannelMessage(c.user, team, ch, tail[0], "")
			if oe != nil {
				return result{}, oe
			}
			return graphResult(http.StatusOK, m)
		}, nil
	case len(tail) == 2 && tail[1] == "replies" && method == http.MethodGet:
		return OpListReplies, func(c *reqCtx) (result, *opError) {
			q, oe := parseChannelQuery(c.query, orderCreated)
			if oe != nil {
				return result{}, oe
			}
			items, next, oe := c.s.listChannelMessages(c.user, team, ch, tail[0], q)
			if oe != nil {
				return result{}, oe
			}
			return messagesResult(c, "teams('"+team+"')/channels('"+ch+"')/messages('"+tail[0]+"')/replies", items, next)
		}, nil
	case len(tail) == 2 && tail[1] == "replies" && method == http.MethodPost:
		return OpReplyToChannelMessage, func(c *reqCtx) (result, *opError) {
			msg, oe := c.readNewMessage()
			if oe != nil {
				return result{}, oe
			}
			m, oe := c.s.sendChannelMessage(c.user, team, ch, tail[0], msg)
			if oe != nil {
				return result{}, oe
			}
			return graphResult(http.StatusCreated, m)
		}, nil
	case len(tail) == 3 && tail[1] == "replies" && method == http.MethodGet:
		return OpGetChannelMessage, func(c *reqCtx) (result, *opError) {
			m, oe := c.s.getChannelMessage(c.user, team, ch, tail[0], tail[2])
			if oe != nil {
				return result{}, oe
			}
			return graphResult(http.StatusOK, m)
		}, nil
	case len(tail) > 3 || (len(tail) >= 2 && tail[1] != "replies"):
		return "", nil, badSegment(tail[len(tail)-1])
	}
	return "", nil, methodNotAllowed()
}

// withoutExpand drops $expand=replies, which the fake accepts and ignores.
func withoutExpand(v url.Values) url.Values {
	if !v.Has("$expand") {
		return v
	}
	nv := url.Values{}
	for k, vals := range v {
		if k != "$expand" {
			nv[k] = vals
		}
	}
	return nv
}

// --- subscriptions ---

func routeSubscriptions(method string, rest []string) (string, routeFn, *opError) {
	switch {
	case len(rest) == 0 && method == http.MethodPost:
		return OpCreateSubscription, func(c *reqCtx) (result, *opError) {
			var in gw.Subscription
			if oe := c.decode(&in); oe != nil {
				return result{}, oe
			}
			out, oe := c.s.createSubscription(c.r.Context(), c.user, c.appID, in)
			if oe != nil {
				return result{}, oe
			}
			return result{status: http.StatusCreated, body: out}, nil
		}, nil
	case len(rest) == 0 && method == http.MethodGet:
		return OpListSubscriptions, func(c *reqCtx) (result, *opError) {
			return result{status: http.StatusOK, body: gw.Collection[gw.Subscription]{Context: c.base + "/$metadata#subscriptions", Value: c.s.listSubscriptions(c.user)}}, nil
		}, nil
	case len(rest) == 0:
		return "", nil, methodNotAllowed()
	}
	id := rest[0]
	switch {
	case len(rest) == 1 && method == http.MethodGet:
		return OpGetSubscription, func(c *reqCtx) (result, *opError) {
			out, oe := c.s.getSubscription(c.user, id)
			if oe != nil {
				return result{}, oe
			}
			return result{status: http.StatusOK, body: out}, nil
		}, nil
	case len(rest) == 1 && method == http.MethodPatch:
		return OpUpdateSubscription, func(c *reqCtx) (result, *opError) {
			var in gw.Subscription
			if oe := c.decode(&in); oe != nil {
				return result{}, oe
			}
			out, oe := c.s.updateSubscription(c.user, id, in)
			if oe != nil {
				return result{}, oe
			}
			return result{status: http.StatusOK, body: out}, nil
		}, nil
	case len(rest) == 1 && method == http.MethodDelete:
		return OpDeleteSubscription, func(c *reqCtx) (result, *opError) {
			if oe := c.s.deleteSubscription(c.user, id); oe != nil {
				return result{}, oe
			}
			return result{status: http.StatusNoContent}, nil
		}, nil
	case len(rest) == 2 && rest[1] == "reauthorize" && method == http.MethodPost:
		return OpUpdateSubscription, func(c *reqCtx) (result, *opError) {
			if oe := c.s.reauthorizeSubscription(c.user, id); oe != nil {
				return result{}, oe
			}
			return result{status: http.StatusNoContent}, nil
		}, nil
	case len(rest) > 2 || (len(rest) == 2 && rest[1] != "reauthorize"):
		return "", nil, badSegment(rest[len(rest)-1])
	}
	return "", nil, methodNotAllowed()
}
