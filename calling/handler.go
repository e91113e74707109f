package calling

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
)

// Defaults of CallbackHandlerOptions.
const (
	// DefaultMaxCallbackBodySize is the largest request body a
	// CallbackHandler reads: Event Grid events are at most 1 MB, Call
	// Automation callbacks a few KB.
	DefaultMaxCallbackBodySize = 2 << 20
	// DefaultCallbackWorkers is the most goroutines that run event
	// handlers at once (each runs one call's events at a time).
	DefaultCallbackWorkers = 16
	// DefaultCallbackQueueSize is how many events may be queued or
	// running before deliveries are refused with 503.
	DefaultCallbackQueueSize = 1024
	// DefaultCallbackQueueBytes is how much of the deliveries' bodies the
	// queued and running events may hold before deliveries are refused
	// with 503.
	DefaultCallbackQueueBytes = 32 << 20
	// DefaultCallbackDedupWindow is how many event ids a CallbackHandler
	// remembers to recognise a redelivered event.
	DefaultCallbackDedupWindow = 10000
	// DefaultEventGridSecretParameter is the query parameter that carries
	// CallbackHandlerOptions.EventGridSecret.
	DefaultEventGridSecretParameter = "secret"
	// EventGridOrigin is the WebHook-Request-Origin of Event Grid's
	// CloudEvents validation handshake.
	EventGridOrigin = "eventgrid.azure.net"
)

// CallbackHandlerOptions are the optional parameters of
// NewCallbackHandler. The embedded CallbackAuthOptions say how Call
// Automation callbacks are authenticated; the EventGrid options say how
// Event Grid deliveries are. The zero value, or nil, is usable: it accepts
// the callbacks of Call Automation and refuses Event Grid deliveries.
//
// # Event Grid deliveries
//
// Event Grid (IncomingCall, and its subscription validation) does not sign
// its deliveries the way Call Automation does. It authenticates to a
// webhook in one of two ways, and the handler takes either, or both:
//
//   - a secret in the endpoint URL's query, for example
//     https://app.example/acs/events?secret=<random>, configured as
//     EventGridSecret (checked in constant time);
//   - a Microsoft Entra token in "Authorization: Bearer" (a subscription
//     to an Entra-protected endpoint), checked by EventGridValidator, for
//     example with an OpenID Connect library for the application's tenant
//     and app id URI.
//
// When both are set, a delivery must pass both. When neither is set,
// Event Grid deliveries are refused (401): only Call Automation callbacks
// are accepted. A request whose bearer token claims Call Automation's
// issuer is always checked as a callback; any other request is checked
// as an Event Grid delivery, and then may hold only IncomingCall and
// SubscriptionValidation events, their types spelled exactly: a delivery
// with any other event is refused with AuthCallbackEventNeedsToken, so
// that the weaker secret can never forge call events. Subscribe only
// IncomingCall to this endpoint. Nothing that comes by Event Grid routes
// by call connection id or operation context.
type CallbackHandlerOptions struct {
	CallbackAuthOptions

	// EventGridSecret, when set, is the secret the query parameter
	// EventGridSecretParameter of Event Grid deliveries must equal.
	EventGridSecret string
	// EventGridSecretParameter names the query parameter of
	// EventGridSecret; empty means DefaultEventGridSecretParameter.
	EventGridSecretParameter string
	// EventGridValidator, when set, must accept (return nil for) every
	// Event Grid delivery. Its error is kept in the CallbackAuthError
	// passed to OnError. It must not read the body. To accept Event Grid
	// deliveries without any check (for example behind a gateway that
	// checks them), set a validator that returns nil.
	EventGridValidator func(r *http.Request) error
	// WebhookAllowedOrigins are the origins whose CloudEvents webhook
	// validation (an OPTIONS request with WebHook-Request-Origin) is
	// answered; nil means {EventGridOrigin}, "*" any origin.
	WebhookAllowedOrigins []string

	// MaxBodySize is the largest body read; zero means
	// DefaultMaxCallbackBodySize. A larger body gets 413.
	MaxBodySize int64
	// Synchronous runs the event handlers in the request, before the
	// response, with the request's context: the sender waits for them, and
	// the handler starts no goroutine. Delivery is then at least once: a
	// delivery is answered 200 only once the handlers of all its events
	// have returned, so an event whose delivery failed (the process
	// stopped, the sender gave up) is sent again, and runs again unless
	// its handlers had returned in time. By default the handler answers
	// 200 as soon as a delivery is authenticated, read and queued, and
	// workers run the event handlers: delivery is then at most once, as
	// the sender does not resend what was answered 200; what the process
	// holds when it stops is lost, and what Shutdown or Close could not
	// run is reported (ShutdownError, OnDropped).
	Synchronous bool
	// Workers bounds the goroutines that run event handlers, started when
	// events arrive and ended when none wait; zero means
	// DefaultCallbackWorkers. A worker takes a whole call: the events of
	// one call (one call connection id, or one server call id for an
	// IncomingCall) run one at a time, in the order they arrived, so a
	// call whose handler blocks delays its own events only, as long as
	// fewer than Workers calls block at once.
	Workers int
	// QueueSize bounds the events queued or running; zero means
	// DefaultCallbackQueueSize.
	QueueSize int
	// QueueBytes bounds the memory those events hold, counted as their
	// share of their delivery's body; zero means
	// DefaultCallbackQueueBytes. A delivery that would go beyond either
	// bound is refused whole with 503 and Retry-After, unless nothing is
	// queued (a delivery is refused only while it could later fit). Event
	// Grid retries a 503 (it does not retry a webhook's 400, 401 or 413:
	// https://learn.microsoft.com/azure/event-grid/delivery-and-retry);
	// Call Automation's retry of callbacks is not documented, and 503 is
	// the status that asks for one.
	QueueBytes int64
	// CallQueueSize and CallQueueBytes bound what one call may hold of
	// QueueSize and QueueBytes (its events queued or running, and their
	// share of the bodies), so that the backlog of one call whose handler
	// is stuck cannot take the whole queue and have every other call's
	// deliveries refused; zero means a quarter of QueueSize and of
	// QueueBytes (at least 1). A delivery that would take a call beyond
	// either bound is refused whole with 503 and Retry-After, unless that
	// call holds nothing yet; the deliveries of the other calls are
	// admitted as before.
	CallQueueSize  int
	CallQueueBytes int64
	// DedupWindow is how many event ids (with their source) the handler
	// remembers, so that an event delivered again (senders retry, and
	// Event Grid delivers at least once) does not run twice; zero means
	// DefaultCallbackDedupWindow, a negative value remembers none. Each id
	// costs about 200 bytes. Asynchronously, an event is remembered once
	// queued, and the window is never smaller than QueueSize; with
	// Synchronous, once its handlers have returned before the sender gave
	// up (a redelivery while they run is refused with 503). Events
	// without an id are never taken for repeats.
	DedupWindow int
	// OnDropped, when set, receives the events that were answered 200 but
	// that no handler ran because Shutdown's context ended or Close was
	// called first, in the order they arrived. It is called once, by
	// Shutdown or Close, before they return.
	OnDropped func(events []Event)
	// OnError, when set, is told what went wrong: requests refused
	// (*CallbackAuthError, *EventError, *CallbackRequestError) and event
	// handlers that panicked (*HandlerPanicError). It may be called from
	// several goroutines at once. Errors never hold tokens or secrets.
	OnError func(error)
}

// EventHandlerFunc handles an event. The event is shared by all the
// handlers it is dispatched to: do not modify it.
type EventHandlerFunc func(ctx context.Context, ev Event)

// CallbackHandler is the http.Handler of an application's Call Automation
// callback URL and Event Grid webhook. It
//
//   - authenticates every request (see CallbackHandlerOptions): refused
//     requests get 401 and reach no event handler;
//   - answers Event Grid's subscription validation (200 with
//     {"validationResponse": code}) and the CloudEvents webhook validation
//     (OPTIONS, WebHook-Request-Origin to WebHook-Allowed-Origin);
//   - reads deliveries of either schema (bad ones get 400), answers 200
//     once they are queued (503 while the queue, or the call's share of it,
//     is full; with Synchronous,
//     once they are handled), and dispatches each event to the handlers
//     registered with OnCall (by call connection id), OnOperation (by
//     operation context), OnIncomingCall and OnEvent, in that order.
//
// An event handler that panics is recovered and reported to OnError; the
// handler itself never panics on a request. Deliveries may repeat events
// (Event Grid and Call Automation retry): the handler recognises the ids
// it has seen recently (CallbackHandlerOptions.DedupWindow) and runs each
// event once.
//
// Unless Synchronous is set, workers run the event handlers: call Shutdown
// or Close when done, so that they end. A CallbackHandler is safe for
// concurrent use; handlers may be registered and removed at any time.
type CallbackHandler struct {
	opts     CallbackHandlerOptions
	audience string
	auth     *CallbackAuthenticator
	origins  []string
	secret   [32]byte // sha256 of EventGridSecret
	param    string

	mu        sync.RWMutex
	byCall    map[string][]*registration
	byOp      map[string][]*registration
	incoming  []*registration
	all       []*registration
	nextRegID uint64

	ctx    context.Context // of the event handlers run by workers
	cancel context.CancelFunc
	closed atomic.Bool // set when Shutdown or Close begins

	qmu       sync.Mutex // guards the fields below
	calls     map[string]*callQueue
	ready     []*callQueue // calls with events and no worker, in turn
	workers   int          // worker goroutines running
	queued    int          // events queued or running
	bytes     int64        // what they hold
	seq       uint64       // arrival order of the queued events
	dedup     dedupWindow
	stopped   bool          // no more events are queued
	idle      chan struct{} // closed when stopped and no worker is left
	wg        sync.WaitGroup
	closeOnce sync.Once
}

type registration struct {
	id uint64
	fn EventHandlerFunc
}

// NewCallbackHandler returns the handler of the callbacks of the ACS
// resource whose immutable resource id is audience (see
// NewCallbackAuthenticator), configured by opts, which may be nil. Errors
// are *ArgumentError.
func NewCallbackHandler(audience string, opts *CallbackHandlerOptions) (*CallbackHandler, error) {
	var o CallbackHandlerOptions
	if opts != nil {
		o = *opts
	}
	auth, err := NewCallbackAuthenticator(audience, &o.CallbackAuthOptions)
	if err != nil {
		return nil, err
	}
	switch {
	case o.MaxBodySize < 0:
		return nil, &ArgumentError{Arg: "opts.MaxBodySize", Problem: "must not be negative"}
	case o.Workers < 0:
		return nil, &ArgumentError{Arg: "opts.Workers", Problem: "must not be negative"}
	case o.QueueSize < 0:
		return nil, &ArgumentError{Arg: "opts.QueueSize", Problem: "must not be negative"}
	case o.QueueBytes < 0:
		return nil, &ArgumentError{Arg: "opts.QueueBytes", Problem: "must not be negative"}
	case o.CallQueueSize < 0:
		return nil, &ArgumentError{Arg: "opts.CallQueueSize", Problem: "must not be negative"}
	case o.CallQueueBytes < 0:
		return nil, &ArgumentError{Arg: "opts.CallQueueBytes", Problem: "must not be negative"}
	}
	if o.MaxBodySize == 0 {
		o.MaxBodySize = DefaultMaxCallbackBodySize
	}
	if o.Workers == 0 {
		o.Workers = DefaultCallbackWorkers
	}
	if o.QueueSize == 0 {
		o.QueueSize = DefaultCallbackQueueSize
	}
	if o.QueueBytes == 0 {
		o.QueueBytes = DefaultCallbackQueueBytes
	}
	if o.CallQueueSize == 0 {
		o.CallQueueSize = max(1, o.QueueSize/4)
	}
	if o.CallQueueBytes == 0 {
		o.CallQueueBytes = max(1, o.QueueBytes/4)
	}
	switch {
	case o.DedupWindow == 0:
		o.DedupWindow = DefaultCallbackDedupWindow
	case o.DedupWindow < 0:
		o.DedupWindow = 0
	}
	if o.DedupWindow > 0 && !o.Synchronous {
		// An event still queued must not be forgotten.
		o.DedupWindow = max(o.DedupWindow, o.QueueSize)
	}
	h := &CallbackHandler{
		opts:     o,
		audience: audience,
		auth:     auth,
		param:    o.EventGridSecretParameter,
		byCall:   map[string][]*registration{},
		byOp:     map[string][]*registration{},
		calls:    map[string]*callQueue{},
		dedup:    newDedupWindow(o.DedupWindow),
		idle:     make(chan struct{}),
	}
	if h.param == "" {
		h.param = DefaultEventGridSecretParameter
	}
	if o.EventGridSecret != "" {
		h.secret = sha256.Sum256([]byte(o.EventGridSecret))
		// Only the hash is kept: no copy of the secret to print or leak.
		h.opts.EventGridSecret = ""
	}
	h.origins = o.WebhookAllowedOrigins
	if h.origins == nil {
		h.origins = []string{EventGridOrigin}
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	return h, nil
}

// OnCall registers fn for the events of one call connection (those whose
// CallConnectionID is callConnectionID), and returns the function that
// removes it; call it after CallDisconnected. An empty id or a nil fn
// registers nothing.
func (h *CallbackHandler) OnCall(callConnectionID string, fn EventHandlerFunc) (remove func()) {
	return h.register(h.byCall, callConnectionID, fn)
}

// OnOperation registers fn for the events of an operation: those whose
// OperationContext is operationContext (the OperationContext option of
// the request, for example of AddParticipant). It returns the function
// that removes it. An empty context or a nil fn registers nothing.
func (h *CallbackHandler) OnOperation(operationContext string, fn EventHandlerFunc) (remove func()) {
	return h.register(h.byOp, operationContext, fn)
}

// OnIncomingCall registers fn for IncomingCall events, and returns the
// function that removes it. A nil fn registers nothing.
func (h *CallbackHandler) OnIncomingCall(fn func(ctx context.Context, call *IncomingCall)) (remove func()) {
	if fn == nil {
		return func() {}
	}
	return h.registerList(&h.incoming, func(ctx context.Context, ev Event) {
		if ic, ok := ev.(*IncomingCall); ok {
			fn(ctx, ic)
		}
	})
}

// OnEvent registers fn for every event (after the handlers of OnCall,
// OnOperation and OnIncomingCall), and returns the function that removes
// it. A nil fn registers nothing.
func (h *CallbackHandler) OnEvent(fn EventHandlerFunc) (remove func()) {
	if fn == nil {
		return func() {}
	}
	return h.registerList(&h.all, fn)
}

func (h *CallbackHandler) register(m map[string][]*registration, key string, fn EventHandlerFunc) func() {
	if key == "" || fn == nil {
		return func() {}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextRegID++
	r := &registration{id: h.nextRegID, fn: fn}
	// A new slice each time: dispatch reads the old one without the lock.
	m[key] = append(slices.Clip(m[key]), r)
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		regs := m[key]
		if i := slices.Index(regs, r); i >= 0 {
			regs = slices.Delete(slices.Clone(regs), i, i+1)
			if len(regs) == 0 {
				delete(m, key)
			} else {
				m[key] = regs
			}
		}
	}
}

func (h *CallbackHandler) registerList(list *[]*registration, fn EventHandlerFunc) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextRegID++
	r := &registration{id: h.nextRegID, fn: fn}
	*list = append(slices.Clip(*list), r)
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if i := slices.Index(*list, r); i >= 0 {
			*list = slices.Delete(slices.Clone(*list), i, i+1)
		}
	}
}

// handlersFor returns the handlers of ev, in dispatch order.
func (h *CallbackHandler) handlersFor(ev Event, buf []*registration) []*registration {
	info := ev.Info()
	h.mu.RLock()
	defer h.mu.RUnlock()
	if info.CallConnectionID != "" {
		buf = append(buf, h.byCall[info.CallConnectionID]...)
	}
	if info.OperationContext != "" {
		buf = append(buf, h.byOp[info.OperationContext]...)
	}
	if _, ok := ev.(*IncomingCall); ok {
		buf = append(buf, h.incoming...)
	}
	return append(buf, h.all...)
}

// dispatch runs the handlers of ev, each protected from its own panic.
func (h *CallbackHandler) dispatch(ctx context.Context, ev Event) {
	var arr [8]*registration
	for _, r := range h.handlersFor(ev, arr[:0]) {
		h.call(ctx, r.fn, ev)
	}
}

func (h *CallbackHandler) call(ctx context.Context, fn EventHandlerFunc, ev Event) {
	defer func() {
		if v := recover(); v != nil {
			h.report(&HandlerPanicError{EventType: ev.EventType(), EventID: ev.Info().ID, Value: v, Stack: debug.Stack()})
		}
	}()
	fn(ctx, ev)
}

func (h *CallbackHandler) report(err error) {
	if h.opts.OnError == nil {
		return
	}
	defer func() { _ = recover() }() // a panicking OnError must not take the server down
	h.opts.OnError(err)
}

// ServeHTTP implements http.Handler.
func (h *CallbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			h.report(&CallbackRequestError{Status: http.StatusInternalServerError, Problem: "internal error"})
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	switch r.Method {
	case http.MethodOptions:
		h.serveOptions(w, r)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		h.fail(w, &CallbackRequestError{Status: http.StatusMethodNotAllowed, Problem: "method not allowed"})
		return
	}
	if h.closed.Load() {
		h.unavailable(w, &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "handler is closed"})
		return
	}

	channel, err := h.authenticate(r)
	if err != nil {
		var ae *CallbackAuthError
		if !errors.As(err, &ae) || ae.Reason == AuthKeysUnavailable {
			// Not the request's fault: the keys cannot be fetched (or the
			// sender left while they were fetched).
			h.report(err)
			h.unavailable(w, &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "cannot authenticate now"})
			return
		}
		h.unauthorized(w, err)
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodySize))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.fail(w, &CallbackRequestError{Status: http.StatusRequestEntityTooLarge, Problem: "body too large"})
			return
		}
		h.fail(w, &CallbackRequestError{Status: http.StatusBadRequest, Problem: "cannot read body"})
		return
	}
	events, err := ParseEvents(body)
	if err != nil {
		h.report(err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if channel == channelEventGrid {
		if err := eventGridOnly(events); err != nil {
			h.unauthorized(w, err)
			return
		}
	}
	for _, ev := range events {
		if u, ok := ev.(*UnknownEvent); ok && u.Err != nil {
			h.report(u.Err) // delivered all the same, as an UnknownEvent
		}
	}

	var validation *SubscriptionValidation
	rest := events[:0:0]
	for _, ev := range events {
		if v, ok := ev.(*SubscriptionValidation); ok {
			if validation == nil {
				validation = v
			}
			continue
		}
		rest = append(rest, ev)
	}
	if len(rest) > 0 {
		var err *CallbackRequestError
		if h.opts.Synchronous {
			err = h.runNow(r.Context(), channel, rest)
		} else {
			err = h.enqueue(channel, rest, len(body)/len(events))
		}
		if err != nil {
			if err != errSenderLeft { // nobody is waiting for that answer
				h.report(err)
			}
			h.unavailable(w, err)
			return
		}
	}
	if validation != nil {
		b, _ := json.Marshal(eventwire.ValidationResponse{ValidationResponse: validation.ValidationCode})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
		return
	}
	w.WriteHeader(http.StatusOK)
}

type channel int

const (
	channelCallback channel = iota + 1
	channelEventGrid
)

// authenticate decides which channel a request came by and checks it.
func (h *CallbackHandler) authenticate(r *http.Request) (channel, error) {
	if tok, ok := bearerToken(r); ok && h.auth.issuedHere(tok) {
		if err := h.auth.AuthenticateToken(r.Context(), tok); err != nil {
			return 0, err
		}
		return channelCallback, nil
	}
	secretSet := h.secret != [32]byte{} // set iff a secret was given
	if !secretSet && h.opts.EventGridValidator == nil {
		return 0, &CallbackAuthError{Reason: AuthMissingCredentials}
	}
	if secretSet {
		got := r.URL.Query().Get(h.param)
		sum := sha256.Sum256([]byte(got))
		if got == "" || subtle.ConstantTimeCompare(sum[:], h.secret[:]) != 1 {
			return 0, &CallbackAuthError{Reason: AuthEventGridRefused, Detail: "the secret does not match"}
		}
	}
	if v := h.opts.EventGridValidator; v != nil {
		if err := callValidator(v, r); err != nil {
			return 0, &CallbackAuthError{Reason: AuthEventGridRefused, Detail: "the validator refused it", Err: err}
		}
	}
	return channelEventGrid, nil
}

var errValidatorPanicked = errors.New("event grid validator panicked")

func callValidator(v func(*http.Request) error, r *http.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errValidatorPanicked
		}
	}()
	return v(r)
}

// eventGridOnly checks the events of a delivery that came by the Event
// Grid channel (the secret or the validator, weaker than Call Automation's
// signed token): only Event Grid's own types are accepted there, the types
// compared exactly, so that no spelling of a callback type gets through as
// an UnknownEvent. And what is accepted never routes by call connection id
// or operation context (a real IncomingCall has neither), so it cannot
// reach a call's handlers or a Tracker.
func eventGridOnly(events []Event) error {
	for i, ev := range events {
		switch t := ev.EventType(); t {
		case EventTypeIncomingCall, EventTypeSubscriptionValidation:
			info := ev.Info()
			info.CallConnectionID, info.OperationContext = "", ""
		default:
			return &CallbackAuthError{Reason: AuthCallbackEventNeedsToken, Detail: "event " + strconv.Itoa(i) + " (" + appendTypeNameString(t) + ") is not an IncomingCall"}
		}
	}
	return nil
}

// serveOptions answers the CloudEvents webhook validation handshake.
func (h *CallbackHandler) serveOptions(w http.ResponseWriter, r *http.Request) {
	origin := strings.TrimSpace(r.Header.Get("WebHook-Request-Origin"))
	w.Header().Set("Allow", "POST, OPTIONS")
	if origin == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	if !slices.Contains(h.origins, "*") && !slices.ContainsFunc(h.origins, func(o string) bool { return strings.EqualFold(o, origin) }) {
		h.fail(w, &CallbackRequestError{Status: http.StatusForbidden, Problem: "webhook origin not allowed"})
		return
	}
	w.Header().Set("WebHook-Allowed-Origin", origin)
	w.Header().Set("WebHook-Allowed-Rate", "*")
	w.WriteHeader(http.StatusOK)
}

func (h *CallbackHandler) fail(w http.ResponseWriter, e *CallbackRequestError) {
	h.report(e)
	http.Error(w, e.Problem, e.Status)
}

func (h *CallbackHandler) unavailable(w http.ResponseWriter, e *CallbackRequestError) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, e.Problem, e.Status)
}

func (h *CallbackHandler) unauthorized(w http.ResponseWriter, err error) {
	h.report(err)
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// CallbackRequestError reports a request a CallbackHandler refused for
// other reasons than authentication or event decoding.
type CallbackRequestError struct {
	// Status is the HTTP status the request got.
	Status int
	// Problem says what was wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *CallbackRequestError) Error() string {
	return fmt.Sprintf("calling: callback request refused (%d): %s", e.Status, e.Problem)
}

// HandlerPanicError reports an event handler that panicked. The panic was
// recovered: the other handlers of the event, and the following events,
// still ran.
type HandlerPanicError struct {
	// EventType and EventID identify the event.
	EventType, EventID string
	// Value is the value the handler panicked with.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error implements error. It does not print Value, which may hold
// anything the handler had.
func (e *HandlerPanicError) Error() string {
	return "calling: event handler panicked on " + appendTypeNameString(e.EventType)
}

func appendTypeNameString(t string) string { return string(appendTypeName(nil, t)) }
