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
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
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
// It serves only the requests Graph documents (each beside its Learn page
// in routes.go), among them:
//
//	GET  /v1.0/me/chats, /v1.0/chats          $top ≤ 50, $filter (chatType, members/any), $expand=members,lastMessagePreview,
//	                                          $orderby=lastMessagePreview/createdDateTime desc
//	POST /v1.0/chats                          one-on-one (existing returned) or group
//	GET  /v1.0/chats/{id}                     $expand=members
//	PATCH /v1.0/chats/{id}                    the topic of a group chat
//	POST /v1.0/chats/{id}/hideForUser|unhideForUser   the signed-in user only
//	GET|POST /v1.0/chats/{id}/pinnedMessages ($expand=message), DELETE …/pinnedMessages/{pinId}
//	GET|POST /v1.0/chats/{id}/members, GET|DELETE …/members/{membershipId}
//	POST /v1.0/chats/{id}/markChatReadForUser|markChatUnreadForUser   the signed-in user only
//	GET|POST /v1.0/chats/{id}/messages        $top ≤ 50, $orderby …desc, $filter (see below)
//	GET|PATCH /v1.0/chats/{id}/messages/{mid}
//	POST /v1.0/users/{me}/chats/{id}/messages/{mid}/softDelete|undoSoftDelete
//	POST /v1.0/chats/{id}/messages/{mid}/setReaction|unsetReaction
//	GET  …/messages/{mid}/hostedContents[/{hid}[/$value]]
//	GET  /v1.0/me/onlineMeetings?$filter=JoinWebUrl eq '…' or joinMeetingIdSettings/joinMeetingId eq '…'
//	GET  /v1.0/me/onlineMeetings/{id}, POST /v1.0/me/onlineMeetings
//	PATCH|DELETE /v1.0/me/onlineMeetings/{id}, POST /v1.0/me/onlineMeetings/createOrGet
//	GET  /v1.0/me/onlineMeetings/{id}/attendanceReports[/{id}]   $expand=attendanceRecords (RecordAttendance makes them)
//	GET  /v1.0/me, /v1.0/users/{object id or principal name}  $select; users of the caller's tenant
//	GET  /v1.0/me/presence, /v1.0/users/{object id}/presence   a principal name is 400
//	POST /v1.0/communications/getPresencesByUserId   at most 650 object ids
//	POST /v1.0/users/{object id}/presence/setPresence, clearPresence,
//	     setUserPreferredPresence, clearUserPreferredPresence, setStatusMessage
//	GET|POST /v1.0/teams/{team}/channels/{ch}/messages ($expand=replies), GET …/messages/{mid}
//	GET|POST …/messages/{mid}/replies, GET …/replies/{rid}
//	PATCH …/messages/{mid}[/replies/{rid}], POST …[/replies/{rid}]/softDelete|undoSoftDelete|setReaction|unsetReaction
//	GET|POST /v1.0/subscriptions, GET|PATCH|DELETE /v1.0/subscriptions/{id}, POST …/{id}/reauthorize
//
// A path Graph documents for an operation under /me/chats or
// /users/{id}/chats is served there too; one it does not (a message POST
// under /me/chats, a soft delete under /chats) is not.
//
// Request bodies may be gzip (Content-Encoding: gzip), as the Graph SDKs
// send them. As Graph does, a message listing applies $filter on a date only when
// $orderby names the same date, and ignores it silently otherwise; an OData
// option a request's page does not list ($select on a chat or a message)
// is 400; a token without a permission the request needs is 403.
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
	scopes  []string // the delegated permissions of the token
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

	rt, p, oe := findRoute(r.Method, c.segs)
	if oe != nil {
		entry.Status = oe.status
		c.writeError(w, oe)
		return
	}
	entry.Op = rt.op
	if oe := c.authenticate(); oe != nil {
		entry.Status = oe.status
		c.writeError(w, oe)
		return
	}
	entry.UserID = c.user
	if rt.self {
		oe = s.actsForSelf(c.user, p["user-id"])
	}
	if oe == nil {
		oe = checkScopes(c.scopes, rt.scopes)
	}
	if oe == nil {
		oe = checkQuery(c.query, rt.query)
	}
	if oe != nil {
		entry.Status = oe.status
		c.writeError(w, oe)
		return
	}

	if s.isClosed() {
		entry.Status = errClosed.status
		c.writeError(w, errClosed)
		return
	}
	f := s.faults.Take(rt.op)
	entry.Injected = f != nil
	var res result
	switch fakekit.Apply(r.Context(), f, func() { res, oe = rt.serve(c, p) }) {
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
	g, known := s.tokens[tok]
	s.mu.Unlock()
	if known {
		c.user, c.scopes, c.appID = g.user, g.scopes, g.app
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
		// A token without "scp" (Options.Entra's for
		// https://graph.microsoft.com/.default, which yields what was
		// consented) is taken to carry DefaultScopes: the fake Entra has
		// no consent to read (a choice).
		c.user, c.appID, c.scopes = claims.ObjectID, claims.AppID, grantedScopes(claims.Scopes)
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
		h.Set("Content-Length", strconv.Itoa(len(res.raw)))
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

// --- chats ---

func hListChats(c *reqCtx, _ params) (result, *opError) {
	q, oe := parseChatsQuery(c.query)
	if oe != nil {
		return result{}, oe
	}
	items, next, oe := c.s.listChats(c.user, c.scopes, q)
	if oe != nil {
		return result{}, oe
	}
	return collectionResult(c.base+"/$metadata#chats", items, -1, nextLink(c.base, c.escPath, c.query, next))
}

func hCreateChat(c *reqCtx, _ params) (result, *opError) {
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

func hGetChat(c *reqCtx, p params) (result, *opError) {
	chatID := p["chat-id"]
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

func hListMembers(c *reqCtx, p params) (result, *opError) {
	chatID := p["chat-id"]
	ms, oe := c.s.listMembers(c.user, chatID)
	if oe != nil {
		return result{}, oe
	}
	return collectionResult(c.base+"/$metadata#chats('"+chatID+"')/members", ms, len(ms), "")
}

func hGetMember(c *reqCtx, p params) (result, *opError) {
	ms, oe := c.s.listMembers(c.user, p["chat-id"])
	if oe != nil {
		return result{}, oe
	}
	for _, m := range ms {
		if m.ID == p["membership-id"] {
			return graphResult(http.StatusOK, m)
		}
	}
	return result{}, errNotFound("Membership " + quote(p["membership-id"]) + " was not found.")
}

func hAddMember(c *reqCtx, p params) (result, *opError) {
	chatID := p["chat-id"]
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

func hRemoveMember(c *reqCtx, p params) (result, *opError) {
	if oe := c.s.removeMember(c.user, p["chat-id"], p["membership-id"]); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

// --- chat messages ---

func hListMessages(c *reqCtx, p params) (result, *opError) {
	chatID := p["chat-id"]
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

func hSendMessage(c *reqCtx, p params) (result, *opError) {
	chatID := p["chat-id"]
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

func hGetMessage(c *reqCtx, p params) (result, *opError) {
	m, oe := c.s.getMessage(c.user, p["chat-id"], p["message-id"])
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusOK, m)
}

func hEditMessage(c *reqCtx, p params) (result, *opError) {
	msg, oe := c.readNewMessage()
	if oe != nil {
		return result{}, oe
	}
	if oe := c.s.editMessage(c.user, refOf(p), msg); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

func hSoftDelete(undo bool) func(c *reqCtx, p params) (result, *opError) {
	return func(c *reqCtx, p params) (result, *opError) {
		if oe := c.s.softDelete(c.user, refOf(p), undo); oe != nil {
			return result{}, oe
		}
		return result{status: http.StatusNoContent}, nil
	}
}

func hReaction(unset bool) func(c *reqCtx, p params) (result, *opError) {
	return func(c *reqCtx, p params) (result, *opError) {
		var in gw.ReactionRequest
		if oe := c.decode(&in); oe != nil {
			return result{}, oe
		}
		if p := gw.CheckReactionType(in.ReactionType); p != "" {
			return result{}, errBadRequest("Invalid reactionType: " + p + ".")
		}
		if oe := c.s.setReaction(c.user, refOf(p), in.ReactionType, unset); oe != nil {
			return result{}, oe
		}
		return result{status: http.StatusNoContent}, nil
	}
}

// hostedContentRead is a chatMessageHostedContent as Graph reads it:
// contentBytes and contentType are "Write-only" (the chatMessageHostedContent
// resource) and "always set to null" in the answers of
// chatmessagehostedcontent-get and chatmessage-list-hostedcontents, the keys
// present; the bytes come from …/$value.
type hostedContentRead struct {
	ID           string  `json:"id"`
	ContentBytes *string `json:"contentBytes"`
	ContentType  *string `json:"contentType"`
}

func hHostedContents(c *reqCtx, p params) (result, *opError) {
	hs, oe := c.s.hostedContents(c.user, p["chat-id"], p["message-id"])
	if oe != nil {
		return result{}, oe
	}
	ctx := c.base + "/$metadata#chats('" + p["chat-id"] + "')/messages('" + p["message-id"] + "')/hostedContents"
	id, one := p["hosted-content-id"]
	if !one {
		col := gw.Collection[hostedContentRead]{Context: ctx, Value: make([]hostedContentRead, len(hs))}
		for i, h := range hs {
			col.Value[i] = hostedContentRead{ID: h.id}
		}
		n := len(hs)
		col.Count = &n
		return result{status: http.StatusOK, body: col}, nil
	}
	for _, h := range hs {
		if h.id != id {
			continue
		}
		if strings.HasSuffix(c.escPath, "/$value") {
			return result{status: http.StatusOK, raw: h.data, rawTyp: h.contentType}, nil
		}
		return result{status: http.StatusOK, body: struct {
			Context string `json:"@odata.context"`
			hostedContentRead
		}{ctx + "/$entity", hostedContentRead{ID: h.id}}}, nil
	}
	return result{}, errNotFound("Hosted content " + quote(id) + " was not found.")
}

// --- online meetings ---

// hFindMeetings is GET /me/onlineMeetings, which takes only a $filter on
// the join link or the join meeting id.
func hFindMeetings(c *reqCtx, _ params) (result, *opError) {
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
}

func hGetMeeting(c *reqCtx, p params) (result, *opError) {
	m, oe := c.s.meetingByID(c.user, p["meeting-id"])
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusOK, m)
}

func hCreateMeeting(c *reqCtx, _ params) (result, *opError) {
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

// --- users ---

// hGetUser serves GET /me and GET /users/{id | userPrincipalName}
// (user-get) with the default properties, or those $select names.
func hGetUser(c *reqCtx, p params) (result, *opError) {
	u, oe := c.s.getUser(c.user, c.scopes, p["user-id"])
	if oe != nil {
		return result{}, oe
	}
	b, err := chat.MarshalGraphJSON(u)
	if err != nil {
		return result{}, &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "Encoding failed."}
	}
	context := c.base + "/$metadata#users/$entity"
	if sel := c.query.Get("$select"); sel != "" {
		// $select keeps the properties it names (user-get: "use the OData
		// $select query parameter"); one the fake does not model is left
		// out (a choice: Graph knows many more).
		var all map[string]json.RawMessage
		_ = json.Unmarshal(b, &all) // MarshalGraphJSON wrote an object
		picked := map[string]json.RawMessage{}
		for _, name := range strings.Split(sel, ",") {
			name = strings.TrimSpace(name)
			for k, v := range all {
				if strings.EqualFold(k, name) {
					picked[k] = v
				}
			}
		}
		b, _ = json.Marshal(picked)
		context = c.base + "/$metadata#users(" + sel + ")/$entity"
	}
	return result{status: http.StatusOK, graph: withContext(b, context)}, nil
}

// --- presence ---

// hGetPresence serves GET /me/presence and /users/{user-id}/presence.
// Graph documents that this path takes the user's object id, and does not
// serve it for a user principal name; the fake answers 400 to anything but
// a GUID.
func hGetPresence(c *reqCtx, p params) (result, *opError) {
	target, other := p["user-id"]
	if other && !uuid.IsGUID(target) {
		return result{}, errBadRequest("Invalid user id " + quote(target) + ": presence needs the user's object id.")
	}
	pr, oe := c.s.presenceOf(c.user, target)
	if oe != nil {
		return result{}, oe
	}
	res, oe := graphResult(http.StatusOK, pr)
	if oe == nil {
		res.graph = withContext(res.graph, c.base+"/$metadata#users('"+pr.UserID+"')/presence/$entity")
	}
	return res, oe
}

// hSetPresence serves POST /users/{user-id}/presence/setPresence.
func hSetPresence(c *reqCtx, p params) (result, *opError) {
	var in gw.SetPresenceRequest
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusOK}, c.s.setSessionPresence(c.user, c.appID, p["user-id"], in)
}

// hClearPresence serves POST /users/{user-id}/presence/clearPresence.
func hClearPresence(c *reqCtx, p params) (result, *opError) {
	var in gw.ClearPresenceRequest
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusOK}, c.s.clearSessionPresence(c.user, c.appID, p["user-id"], in)
}

// hSetPreferredPresence serves POST
// /users/{user-id}/presence/setUserPreferredPresence.
func hSetPreferredPresence(c *reqCtx, p params) (result, *opError) {
	var in gw.PreferredPresenceRequest
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusOK}, c.s.setPreferredPresence(c.user, p["user-id"], in)
}

// hClearPreferredPresence serves POST
// /users/{user-id}/presence/clearUserPreferredPresence (no body).
func hClearPreferredPresence(c *reqCtx, p params) (result, *opError) {
	return result{status: http.StatusOK}, c.s.clearPreferredPresence(c.user, p["user-id"])
}

// hSetStatusMessage serves POST /users/{user-id}/presence/setStatusMessage.
func hSetStatusMessage(c *reqCtx, p params) (result, *opError) {
	var in gw.StatusMessageRequest
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusOK}, c.s.setStatusMessage(c.user, p["user-id"], in)
}

// hGetPresences serves POST /communications/getPresencesByUserId.
func hGetPresences(c *reqCtx, _ params) (result, *opError) {
	var in gw.PresencesByUserIDRequest
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	ps, oe := c.s.presences(c.user, in.IDs)
	if oe != nil {
		return result{}, oe
	}
	return collectionResult(c.base+"/$metadata#Collection(presence)", ps, -1, "")
}

// --- channels ---

func hListChannelMessages(c *reqCtx, p params) (result, *opError) {
	team, ch := p["team-id"], p["channel-id"]
	q, oe := parseChannelQuery(c.query, orderModified)
	if oe != nil {
		return result{}, oe
	}
	items, next, oe := c.s.listChannelMessages(c.user, team, ch, "", q, c.base)
	if oe != nil {
		return result{}, oe
	}
	return messagesResult(c, "teams('"+team+"')/channels('"+ch+"')/messages", items, next)
}

// hSendChannelMessage posts a top-level message, or a reply when the path
// names the message replied to.
func hSendChannelMessage(c *reqCtx, p params) (result, *opError) {
	msg, oe := c.readNewMessage()
	if oe != nil {
		return result{}, oe
	}
	m, oe := c.s.sendChannelMessage(c.user, p["team-id"], p["channel-id"], p["message-id"], msg)
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusCreated, m)
}

// hGetChannelMessage reads a top-level message, or a reply when the path
// names one.
func hGetChannelMessage(c *reqCtx, p params) (result, *opError) {
	m, oe := c.s.getChannelMessage(c.user, refOf(p))
	if oe != nil {
		return result{}, oe
	}
	return graphResult(http.StatusOK, m)
}

func hListReplies(c *reqCtx, p params) (result, *opError) {
	team, ch, root := p["team-id"], p["channel-id"], p["message-id"]
	q, oe := parseChannelQuery(c.query, orderCreated)
	if oe != nil {
		return result{}, oe
	}
	items, next, oe := c.s.listChannelMessages(c.user, team, ch, root, q, c.base)
	if oe != nil {
		return result{}, oe
	}
	return messagesResult(c, "teams('"+team+"')/channels('"+ch+"')/messages('"+root+"')/replies", items, next)
}

// --- subscriptions ---

func hCreateSubscription(c *reqCtx, _ params) (result, *opError) {
	var in gw.Subscription
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	out, oe := c.s.createSubscription(c.r.Context(), c.user, c.appID, c.scopes, in)
	if oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusCreated, body: out}, nil
}

func hListSubscriptions(c *reqCtx, _ params) (result, *opError) {
	return result{status: http.StatusOK, body: gw.Collection[gw.Subscription]{Context: c.base + "/$metadata#subscriptions", Value: c.s.listSubscriptions(c.user)}}, nil
}

func hGetSubscription(c *reqCtx, p params) (result, *opError) {
	out, oe := c.s.getSubscription(c.user, c.scopes, p["subscription-id"])
	if oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusOK, body: out}, nil
}

func hUpdateSubscription(c *reqCtx, p params) (result, *opError) {
	var in gw.Subscription
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	out, oe := c.s.updateSubscription(c.user, c.scopes, p["subscription-id"], in)
	if oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusOK, body: out}, nil
}

func hDeleteSubscription(c *reqCtx, p params) (result, *opError) {
	if oe := c.s.deleteSubscription(c.user, c.scopes, p["subscription-id"]); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

func hReauthorizeSubscription(c *reqCtx, p params) (result, *opError) {
	if oe := c.s.reauthorizeSubscription(c.user, c.scopes, p["subscription-id"]); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}
