package chat

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// NotificationKind is what a Notification reports.
type NotificationKind string

// The kinds of notifications: three changes, and three lifecycle events.
const (
	// NotificationCreated reports a new message, or a member added to a
	// chat.
	NotificationCreated NotificationKind = "created"
	// NotificationUpdated reports a message that changed (edited, reacted
	// to, soft-deleted or restored), or a chat whose properties changed
	// (renamed).
	NotificationUpdated NotificationKind = "updated"
	// NotificationDeleted reports a message that was deleted, a chat that
	// was deleted, or a member removed from a chat.
	NotificationDeleted NotificationKind = "deleted"
	// NotificationReauthorizationRequired asks for the subscription to be
	// renewed (the user's token behind it needs refreshing).
	NotificationReauthorizationRequired NotificationKind = "reauthorizationRequired"
	// NotificationSubscriptionRemoved says Graph ended the subscription;
	// create it again.
	NotificationSubscriptionRemoved NotificationKind = "subscriptionRemoved"
	// NotificationMissed says notifications were lost; read the resource
	// again to catch up.
	NotificationMissed NotificationKind = "missed"
)

// Notification is one change or lifecycle notification Graph delivered and
// NotificationHandler checked.
type Notification struct {
	// Kind is what happened.
	Kind NotificationKind
	// SubscriptionID is the subscription the notification belongs to.
	SubscriptionID string
	// SubscriptionExpiresAt is the subscription's expiry as Graph sees it.
	SubscriptionExpiresAt time.Time
	// TenantID is the tenant of the resource.
	TenantID string
	// Resource is the changed resource as Graph wrote it, for example
	// chats('19:…@thread.v2')/messages('1700000000000').
	Resource string
	// ChatID and MessageID identify a changed chat message.
	ChatID, MessageID string
	// TeamID, ChannelID, MessageID and ReplyID identify a changed channel
	// message (ReplyID for a reply).
	TeamID, ChannelID, ReplyID string
	// MembershipID identifies a changed membership of the chat ChatID
	// (ResourceChatMember): Member.ID, which RemoveMember takes. A member
	// removed can no longer be read; one added is read with ListMembers.
	MembershipID string
	// UserID is the user whose presence changed (ResourcePresence): read it
	// with GetPresence or GetPresences, the notification carries no
	// resource data.
	UserID string
	// Type is the kind of resource that changed; empty for a lifecycle
	// notification whose resource Graph did not name, or a resource this
	// package does not know.
	Type ResourceType
}

// ResourceType is the kind of resource a Notification is about.
type ResourceType string

// The resources a Notification may be about.
const (
	// ResourceChatMessage: a message of a chat (ChatID, MessageID).
	ResourceChatMessage ResourceType = "chatMessage"
	// ResourceChannelMessage: a message or reply of a channel (TeamID,
	// ChannelID, MessageID, ReplyID).
	ResourceChannelMessage ResourceType = "channelMessage"
	// ResourceChat: a chat itself (ChatID), of a subscription to
	// ChatResource: renamed or otherwise changed (updated), deleted.
	ResourceChat ResourceType = "chat"
	// ResourceChatMember: a membership of a chat (ChatID, MembershipID), of
	// a subscription to ChatMembersResource: added (created) or removed
	// (deleted).
	ResourceChatMember ResourceType = "chatMember"
	// ResourcePresence: a user's presence (UserID).
	ResourcePresence ResourceType = "presence"
)

// IsLifecycle reports a lifecycle notification (about the subscription,
// not about a message).
func (n Notification) IsLifecycle() bool {
	switch n.Kind {
	case NotificationReauthorizationRequired, NotificationSubscriptionRemoved, NotificationMissed:
		return true
	}
	return false
}

// ClientStateChecker checks the client state of a subscription's
// notifications. SubscriptionManager is one, OneClientState another.
type ClientStateChecker interface {
	// CheckClientState reports whether clientState is the client state of
	// subscriptionID, and false for a subscription it does not know. An
	// error (its store could not be reached) makes the handler answer 503,
	// and Graph delivers the notifications again later.
	CheckClientState(ctx context.Context, subscriptionID, clientState string) (bool, error)
}

// OneClientState is the ClientStateChecker of a handler whose
// subscriptions all have this one client state. It is a secret: fmt's
// verbs, slog and encoding/json show it redacted.
type OneClientState string

// CheckClientState compares clientState with s in constant time (over
// SHA-256 digests, so the length of s does not show either), whatever the
// subscription.
func (s OneClientState) CheckClientState(_ context.Context, _, clientState string) (bool, error) {
	got, want := sha256.Sum256([]byte(clientState)), sha256.Sum256([]byte(s))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1, nil
}

// NotificationHandlerOptions are the optional parameters of
// NewNotificationHandler.
type NotificationHandlerOptions struct {
	// MaxBodyBytes bounds a notification POST body; zero means 1 MiB.
	MaxBodyBytes int64
	// Buffer is the capacity of the Notifications channel, and how many
	// accepted notifications may wait to be read; zero means 1024. A
	// delivery is accepted whole or not at all: one that does not fit waits
	// up to MaxWait for room, then is refused with 503 (Graph sends it again
	// later). A delivery larger than Buffer is accepted whole once nothing
	// else waits: its notifications beyond Buffer are held and put on the
	// channel as it is read, and other deliveries wait meanwhile. So a
	// delivery is refused only while it could fit later, never forever.
	// Shutdown waits for what is held to be read; Close drops it and says
	// how many.
	Buffer int
	// MaxWait is how long a delivery that does not fit waits for room
	// before it is refused; zero means DefaultNotificationMaxWait, a
	// negative value not at all. Graph expects an answer within 3 seconds:
	// a slower one is sent again and counts against the endpoint.
	MaxWait time.Duration
	// CheckTimeout bounds the ClientStateChecker's work for one delivery
	// (a SubscriptionManager reads its store, Redis for one); past it the
	// delivery is refused with 503 and Graph sends it again later. Zero
	// means DefaultClientStateCheckTimeout; negative is an ArgumentError.
	CheckTimeout time.Duration
}

// DefaultClientStateCheckTimeout is how long the client states of one
// delivery may take to check unless NotificationHandlerOptions.CheckTimeout
// says otherwise: an answer within Graph's 3 seconds, as for
// DefaultNotificationMaxWait (a store's client retrying a Redis that does
// not answer would otherwise hold the delivery for several read timeouts).
const DefaultClientStateCheckTimeout = 2 * time.Second

// DefaultNotificationMaxWait is how long a delivery waits for room in the
// Notifications channel before it is refused with 503, unless
// NotificationHandlerOptions.MaxWait says otherwise: well within the 3
// seconds in which Graph expects an answer. Source:
// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
// ("Throttling and Retry": an endpoint where more than 10% of answers in
// 10 minutes take longer than 3 seconds gets its notifications 10 seconds
// late, above 15% dropped; an answer later than 3 seconds, or not 2xx, is
// tried again for up to 4 hours).
const DefaultNotificationMaxWait = 2 * time.Second

// MaxValidationTokenBytes is the longest validationToken the handler echoes.
const MaxValidationTokenBytes = 4096

// NotificationHandler is the http.Handler to serve at a subscription's
// notification URL (and lifecycle URL). It
//
//   - answers Graph's URL validation (a POST with ?validationToken=…) at
//     once with the token as text/plain and 200, before and without reading
//     any body;
//   - reads a notification POST of at most MaxBodyBytes, has its
//     ClientStateChecker check each notification's client state (once per
//     subscription and state), and puts the valid ones, typed, on
//     Notifications() without waiting for anybody to read them;
//   - answers 202 Accepted as soon as they are queued, 400 for a body that
//     is not a notification collection, 403 when no notification had the
//     right client state, 413 for a body too large, 415 for a body that is
//     not JSON, 405 for other methods, and 503 when the client states could
//     not be checked (the checker's store is out of reach, or slower than
//     CheckTimeout), when there was
//     no room for the delivery within MaxWait, or when the handler is
//     closed (Graph then sends the notifications again); see
//     NotificationHandlerOptions.Buffer.
//
// It never panics on a request and never writes a client state or a body
// into a response. It is safe for concurrent use.
type NotificationHandler struct {
	states  ClientStateChecker
	maxBody int64

	buffer       int
	maxWait      time.Duration
	checkTimeout time.Duration

	mu       sync.Mutex // orders sends and Close
	closed   bool
	out      chan Notification
	pending  []Notification // accepted, not yet on out: the tail of a delivery larger than out
	pumpDone chan struct{}  // non-nil while a pump goroutine puts pending on out; closed when it returns
	abort    chan struct{}  // closed by Close (or a Shutdown whose context ended): the pump drops pending
	aborted  bool
	dropped  int // notifications the pump dropped on abort, not yet reported
}

// NewNotificationHandler returns a handler for the subscriptions whose
// client states clientStates checks: a SubscriptionManager, which refuses
// the notifications of subscriptions its store does not hold, or
// OneClientState for subscriptions that share one. opts may be nil.
func NewNotificationHandler(clientStates ClientStateChecker, opts *NotificationHandlerOptions) (*NotificationHandler, error) {
	var o NotificationHandlerOptions
	if opts != nil {
		o = *opts
	}
	h := &NotificationHandler{states: clientStates, maxBody: o.MaxBodyBytes}
	switch s := clientStates.(type) {
	case nil:
		return nil, &ArgumentError{Arg: "clientStates", Problem: "is nil: give a SubscriptionManager or a OneClientState"}
	case OneClientState:
		if err := checkClientState("clientStates", string(s)); err != nil {
			return nil, err
		}
	}
	if h.maxBody <= 0 {
		h.maxBody = 1 << 20
	}
	h.buffer = o.Buffer
	if h.buffer <= 0 {
		h.buffer = 1024
	}
	switch h.maxWait = o.MaxWait; {
	case h.maxWait == 0:
		h.maxWait = DefaultNotificationMaxWait
	case h.maxWait < 0:
		h.maxWait = 0
	}
	switch h.checkTimeout = o.CheckTimeout; {
	case h.checkTimeout == 0:
		h.checkTimeout = DefaultClientStateCheckTimeout
	case h.checkTimeout < 0:
		return nil, &ArgumentError{Arg: "opts.CheckTimeout", Problem: "must not be negative"}
	}
	h.out = make(chan Notification, h.buffer)
	h.abort = make(chan struct{})
	return h, nil
}

// Notifications returns the channel on which checked notifications arrive,
// in the order of their deliveries. It is closed by Close and Shutdown.
func (h *NotificationHandler) Notifications() <-chan Notification { return h.out }

// Shutdown stops accepting notifications (later deliveries get 503, and
// Graph sends them again) and waits until every accepted notification is
// on the Notifications channel, which it then closes: what was accepted
// can still be read from it. A delivery larger than Buffer is handed over
// only as the channel is read, so read it meanwhile, from another
// goroutine. If ctx ends first, Shutdown drops the notifications not yet
// on the channel and returns a *ShutdownError that counts them and wraps
// ctx's error; when nothing was left to drop it returns nil, whether or
// not ctx had ended. Either way no goroutine of the handler is left.
func (h *NotificationHandler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.stopLocked()
	done := h.pumpDone
	h.mu.Unlock()
	if done == nil {
		return h.takeDropped(nil)
	}
	select {
	case <-done:
		return h.takeDropped(nil)
	case <-ctx.Done():
		h.abortPump()
		return h.takeDropped(ctx.Err())
	}
}

// Close stops accepting notifications (later deliveries get 503, and Graph
// sends them again) and closes the Notifications channel, on which the
// notifications already there can still be read. Accepted notifications
// not yet on the channel (the part of a delivery larger than Buffer that
// did not fit) are dropped: Close returns a *ShutdownError counting them,
// or nil when there were none; calling it again returns nil. Use Shutdown
// to hand them over first. No goroutine of the handler is left when Close
// returns, whether or not anybody reads the channel.
func (h *NotificationHandler) Close() error {
	h.mu.Lock()
	h.stopLocked()
	h.mu.Unlock()
	h.abortPump()
	return h.takeDropped(nil)
}

// stopLocked refuses later deliveries and, when no pump runs, closes out
// (otherwise the pump closes it when it ends). h.mu is held.
func (h *NotificationHandler) stopLocked() {
	if h.closed {
		return
	}
	h.closed = true
	if h.pumpDone == nil {
		close(h.out)
	}
}

// abortPump makes the pump, if one runs, drop what it has not handed over
// and waits for it to return. Only called once the handler is stopped, so
// no pump starts afterwards.
func (h *NotificationHandler) abortPump() {
	h.mu.Lock()
	if !h.aborted {
		h.aborted = true
		close(h.abort)
	}
	done := h.pumpDone
	h.mu.Unlock()
	if done != nil {
		<-done
	}
}

// takeDropped returns a *ShutdownError counting the notifications dropped
// since the last call (wrapping err), or nil when there were none.
func (h *NotificationHandler) takeDropped(err error) error {
	h.mu.Lock()
	n := h.dropped
	h.dropped = 0
	h.mu.Unlock()
	if n == 0 {
		return nil
	}
	return &ShutdownError{Dropped: n, Err: err}
}

// ShutdownError is the error of a NotificationHandler's Close or Shutdown
// that dropped accepted notifications: Graph was answered 202 for them and
// does not send them again.
type ShutdownError struct {
	// Dropped is the number of notifications dropped.
	Dropped int
	// Err is why Shutdown stopped waiting: its context's error. It is nil
	// for Close.
	Err error
}

// Error implements error.
func (e *ShutdownError) Error() string {
	s := "chat: notification handler closed with " + strconv.Itoa(e.Dropped) + " accepted notifications not delivered"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *ShutdownError) Unwrap() error { return e.Err }

// ServeHTTP implements http.Handler.
func (h *NotificationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if token, ok, valid := validationToken(r.URL.RawQuery); ok {
		if !valid {
			http.Error(w, "bad validation token", http.StatusBadRequest)
			return
		}
		if r.Body != nil {
			// Graph's validation POST has an empty body; do not read it.
			_ = r.Body.Close()
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(token)))
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, token)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			http.Error(w, "notifications are application/json", http.StatusUnsupportedMediaType)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	checkCtx, cancel := context.WithTimeout(r.Context(), h.checkTimeout)
	ns, rejected, err := decodeNotifications(checkCtx, body, h.states)
	cancel()
	var unchecked *uncheckedError
	switch {
	case errors.As(err, &unchecked):
		// The client states could not be checked now: Graph delivers
		// again later (change-notifications-delivery-webhooks, "HTTP codes
		// and retry logic": any answer but 2xx is retried for up to 4 h).
		w.Header().Set("Retry-After", "5")
		http.Error(w, "cannot check the client state now", http.StatusServiceUnavailable)
		return
	case err != nil:
		http.Error(w, "not a change-notification collection", http.StatusBadRequest)
		return
	}
	if len(ns) == 0 && rejected > 0 {
		http.Error(w, "client state does not match", http.StatusForbidden)
		return
	}
	if !h.enqueue(r.Context(), ns) {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// enqueue accepts all of ns, or none of them: at once when they fit in the
// buffer with what waits to be read, or when nothing waits (a delivery
// larger than the buffer); otherwise it waits for room until maxWait has
// passed or ctx ends, and then refuses.
func (h *NotificationHandler) enqueue(ctx context.Context, ns []Notification) bool {
	var deadline <-chan time.Time
	var tick *time.Ticker
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return false
		}
		if queued := len(h.out) + len(h.pending); queued == 0 || queued+len(ns) <= h.buffer {
			h.admitLocked(ns)
			h.mu.Unlock()
			return true
		}
		h.mu.Unlock()
		if tick == nil {
			if h.maxWait <= 0 {
				return false
			}
			if testHookWaiting != nil {
				testHookWaiting()
			}
			// The reader takes from a buffered channel unseen: look again
			// every few milliseconds.
			tick = time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			t := time.NewTimer(h.maxWait)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-tick.C:
		case <-deadline:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// testHookWaiting, when set by a test, is called when a delivery starts
// waiting for room.
var testHookWaiting func()

// admitLocked puts ns on the channel, in order after what was accepted
// before; what does not fit waits in pending for the pump.
func (h *NotificationHandler) admitLocked(ns []Notification) {
	if len(h.pending) > 0 {
		h.pending = append(h.pending, ns...) // behind the pump's
		return
	}
	for i, n := range ns {
		select {
		case h.out <- n: // never blocks: only the pump sends besides, and only while pending is not empty
		default:
			h.pending = append(h.pending, ns[i:]...)
			if h.pumpDone == nil {
				h.pumpDone = make(chan struct{})
				go h.pump(h.pumpDone)
			}
			return
		}
	}
}

// pump puts pending on the channel as the channel is read, then ends (and
// closes the channel if the handler was stopped meanwhile). It exists only
// while a delivery larger than the buffer is being handed over, and ends
// at once, dropping pending, when abort is closed. done is closed when it
// returns.
func (h *NotificationHandler) pump(done chan struct{}) {
	defer close(done)
	for {
		h.mu.Lock()
		if len(h.pending) == 0 {
			h.endPumpLocked()
			h.mu.Unlock()
			return
		}
		n := h.pending[0]
		h.mu.Unlock()
		select {
		case h.out <- n:
		case <-h.abort:
			h.mu.Lock()
			h.dropped += len(h.pending)
			h.endPumpLocked()
			h.mu.Unlock()
			return
		}
		h.mu.Lock()
		h.pending[0] = Notification{}
		h.pending = h.pending[1:]
		h.mu.Unlock()
	}
}

// endPumpLocked forgets pending and the pump, and closes out if the
// handler is stopped. h.mu is held.
func (h *NotificationHandler) endPumpLocked() {
	h.pending = nil
	h.pumpDone = nil
	if h.closed {
		close(h.out)
	}
}

// validationToken finds ?validationToken=… in a raw query. ok reports that
// the parameter is there; valid that it is a single, decodable value of at
// most MaxValidationTokenBytes bytes of UTF-8 text.
func validationToken(rawQuery string) (token string, ok, valid bool) {
	if rawQuery == "" {
		return "", false, false
	}
	q, err := url.ParseQuery(rawQuery)
	vals, ok := q[graphwire.ValidationTokenParam]
	if !ok {
		return "", false, false
	}
	if err != nil || len(vals) != 1 || vals[0] == "" || len(vals[0]) > MaxValidationTokenBytes || !utf8.ValidString(vals[0]) {
		return "", true, false
	}
	return vals[0], true, true
}

// decodeNotifications reads a notification POST body with the shared wire
// codec and turns each notification whose client state states accepts into
// a Notification. rejected counts the others (wrong client state, unknown
// subscription, or neither a change nor a lifecycle event). A check that
// fails makes an *uncheckedError. It checks each subscription and client
// state once, and never panics.
func decodeNotifications(ctx context.Context, body []byte, states ClientStateChecker) (out []Notification, rejected int, err error) {
	coll, err := graphwire.DecodeNotifications(body)
	if err != nil {
		return nil, 0, err
	}
	type key struct{ sub, state string }
	checked := map[key]bool{}
	out = make([]Notification, 0, len(coll.Value))
	for _, cn := range coll.Value {
		n, ok := notificationFromWire(cn)
		if ok {
			k := key{cn.SubscriptionID, cn.ClientState}
			valid, seen := checked[k]
			if !seen {
				if valid, err = states.CheckClientState(ctx, cn.SubscriptionID, cn.ClientState); err != nil {
					return nil, 0, &uncheckedError{err}
				}
				checked[k] = valid
			}
			ok = valid
		}
		if !ok {
			rejected++
			continue
		}
		out = append(out, n)
	}
	return out, rejected, nil
}

// uncheckedError is a ClientStateChecker's failure.
type uncheckedError struct{ err error }

func (e *uncheckedError) Error() string { return "checking a client state: " + e.err.Error() }
func (e *uncheckedError) Unwrap() error { return e.err }

func notificationFromWire(cn graphwire.ChangeNotification) (Notification, bool) {
	if cn.SubscriptionID == "" || len(cn.SubscriptionID) > 256 {
		return Notification{}, false
	}
	n := Notification{
		SubscriptionID:        cn.SubscriptionID,
		SubscriptionExpiresAt: cn.SubscriptionExpirationDateTime.Time,
		TenantID:              cn.TenantID,
		Resource:              cn.Resource,
	}
	switch {
	case cn.LifecycleEvent != "" && cn.ChangeType == "":
		switch k := NotificationKind(cn.LifecycleEvent); k {
		case NotificationReauthorizationRequired, NotificationSubscriptionRemoved, NotificationMissed:
			n.Kind = k
		default:
			return Notification{}, false
		}
	case cn.ChangeType != "" && cn.LifecycleEvent == "":
		// Graph's pages show the change type in lower case as subscribed
		// (teams-changenotifications-chatmessage) and capitalized
		// ("Created": teams-changenotifications-chat and -chatmembership,
		// "Notifications without resource data"): either is read.
		switch k := NotificationKind(strings.ToLower(cn.ChangeType)); k {
		case NotificationCreated, NotificationUpdated, NotificationDeleted:
			n.Kind = k
		default:
			return Notification{}, false
		}
	default:
		return Notification{}, false
	}
	if ids, ok, problem := graphwire.ParsePresenceResource(cn.Resource); ok {
		// communications/presences/{id} (changenotifications-for-presence,
		// "Example: Basic presence notifications")
		n.Type = ResourcePresence
		if problem == "" && len(ids) == 1 {
			n.UserID = ids[0]
		}
		return n, true
	}
	if cn.ResourceData != nil && strings.EqualFold(cn.ResourceData.ODataType, graphwire.TypePresence) && !n.IsLifecycle() {
		n.Type = ResourcePresence
		if uuid.IsGUID(cn.ResourceData.ID) {
			n.UserID = cn.ResourceData.ID
		}
		return n, true
	}
	var last string // the name of the resource's last segment
	if p, ok := graphwire.ParseResource(cn.Resource); ok {
		n.ChatID, _ = p.Key("chats")
		n.TeamID, _ = p.Key("teams")
		n.ChannelID, _ = p.Key("channels")
		n.MessageID, _ = p.Key("messages")
		n.ReplyID, _ = p.Key("replies")
		n.MembershipID, _ = p.Key("members")
		last = strings.ToLower(p[len(p)-1].Name)
	}
	// The resource says what changed: chats('…') a chat
	// (teams-changenotifications-chat), chats('…')/members('…') a
	// membership (teams-changenotifications-chatmembership), …/messages('…')
	// or …/replies('…') a message (teams-changenotifications-chatmessage).
	// A key the resource leaves out is resourceData's id.
	var id *string
	switch {
	case n.ChatID != "" && last == "chats":
		n.Type = ResourceChat
	case n.ChatID != "" && last == "members":
		n.Type, id = ResourceChatMember, &n.MembershipID
	case n.ChatID != "" && last == "messages":
		n.Type, id = ResourceChatMessage, &n.MessageID
	case n.TeamID != "" && n.ChannelID != "" && (last == "messages" || last == "replies"):
		n.Type, id = ResourceChannelMessage, &n.MessageID
	}
	if id != nil && *id == "" && cn.ResourceData != nil && !n.IsLifecycle() {
		*id = cn.ResourceData.ID
	}
	return n, true
}
