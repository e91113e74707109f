package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// The services of the emulator, as the control API names them: the ACS
// identity API, Call Automation, and Graph.
const (
	svcIdentity = "identity"
	svcCalling  = "calling"
	svcGraph    = "graph"
)

// ops are the operations of each service, as faults and the request log
// name them.
var ops = map[string][]string{
	svcIdentity: {fake.OpCreateUser, fake.OpGetUser, fake.OpIssueToken, fake.OpRevokeTokens, fake.OpDeleteUser,
		fake.OpExchangeTeamsUserToken, fake.OpExchangeTeamsPhoneToken, fake.OpPutTeamsExtensionAssignment,
		fake.OpGetTeamsExtensionAssignment, fake.OpDeleteTeamsExtensionAssignment},
	svcCalling: {callfake.OpCreateCall, callfake.OpAnswerCall, callfake.OpRedirectCall, callfake.OpRejectCall,
		callfake.OpConnectCall, callfake.OpGetCall, callfake.OpListParticipants, callfake.OpGetParticipant,
		callfake.OpAddParticipant, callfake.OpRemoveParticipant, callfake.OpCancelAddParticipant,
		callfake.OpMuteParticipant, callfake.OpTransfer, callfake.OpHold, callfake.OpUnhold, callfake.OpHangUp,
		callfake.OpTerminateCall},
	svcGraph: {chatfake.OpListChats, chatfake.OpGetChat, chatfake.OpCreateChat, chatfake.OpListMembers,
		chatfake.OpGetMember, chatfake.OpAddMember, chatfake.OpRemoveMember, chatfake.OpGetOnlineMeeting,
		chatfake.OpCreateOnlineMeeting, chatfake.OpUpdateOnlineMeeting, chatfake.OpDeleteOnlineMeeting,
		chatfake.OpCreateOrGetMeeting, chatfake.OpListAttendance, chatfake.OpGetAttendance, chatfake.OpGetPresence, chatfake.OpGetPresences, chatfake.OpGetUser, chatfake.OpSendMessage,
		chatfake.OpListMessages, chatfake.OpGetMessage, chatfake.OpEditMessage, chatfake.OpSoftDelete,
		chatfake.OpUndoSoftDelete, chatfake.OpSetReaction, chatfake.OpUnsetReaction, chatfake.OpHostedContents,
		chatfake.OpSendChannelMessage, chatfake.OpListChannelMessages, chatfake.OpGetChannelMessage,
		chatfake.OpReplyToChannelMessage, chatfake.OpListReplies, chatfake.OpCreateSubscription,
		chatfake.OpListSubscriptions, chatfake.OpGetSubscription, chatfake.OpUpdateSubscription,
		chatfake.OpDeleteSubscription,
		chatfake.OpMarkChatRead, chatfake.OpMarkChatUnread,
		chatfake.OpRenameChat, chatfake.OpHideChat, chatfake.OpUnhideChat, chatfake.OpPinMessage, chatfake.OpUnpinMessage,
		chatfake.OpListPinnedMessages,
		chatfake.OpEditChannelMessage, chatfake.OpSoftDeleteChannelMessage, chatfake.OpUndoSoftDeleteChannelMessage,
		chatfake.OpSetChannelMessageReaction, chatfake.OpUnsetChannelMessageReaction,
		chatfake.OpSetPresence, chatfake.OpClearPresence, chatfake.OpSetPreferredPresence, chatfake.OpClearPreferred,
		chatfake.OpSetStatusMessage},
}

// faulty is what the three fakes share for faults and the request log.
type faulty interface {
	InjectFault(fake.Fault)
	ClearFaults()
	FaultsApplied() int
	Requests() []fake.Request
	ResetRequests()
}

func (em *emulator) service(name string) faulty {
	switch name {
	case svcIdentity:
		return em.acs
	case svcCalling:
		return em.sb
	case svcGraph:
		return em.graph
	}
	return nil
}

// controlHandler serves the control API under /api/ and the dashboard.
// See README.md for the API.
func (em *emulator) controlHandler() http.Handler {
	mux := http.NewServeMux()
	em.dashboard(mux)
	mux.HandleFunc("POST /api/token", em.handleToken)
	mux.HandleFunc("GET /api/state", em.handleState)
	mux.HandleFunc("GET /api/clock", em.handleClock)
	mux.HandleFunc("POST /api/clock", em.handleAdvance)
	mux.HandleFunc("POST /api/settle", em.handleSettle)
	mux.HandleFunc("GET /api/faults", em.handleFaults)
	mux.HandleFunc("POST /api/faults", em.handleInjectFault)
	mux.HandleFunc("DELETE /api/faults", em.handleClearFaults)
	mux.HandleFunc("GET /api/requests", em.handleRequests)
	mux.HandleFunc("DELETE /api/requests", em.handleResetRequests)
	mux.HandleFunc("POST /api/tenants", em.handleAddTenant)
	mux.HandleFunc("POST /api/tenants/{tenant}/users", em.handleAddUser)
	mux.HandleFunc("PUT /api/users/{user}/presence", em.handlePresence)
	mux.HandleFunc("PUT /api/users/{user}/calling-policy", em.handleCallingPolicy)
	mux.HandleFunc("PUT /api/parties/{party}/script", em.handleScript)
	mux.HandleFunc("POST /api/phone-numbers", em.handleAddPhoneNumber)
	mux.HandleFunc("PUT /api/event-grid", em.handleEventGrid)
	mux.HandleFunc("POST /api/incoming-calls", em.handleIncomingCall)
	mux.HandleFunc("GET /api/incoming-calls", em.handleIncomingCalls)
	mux.HandleFunc("GET /api/calls", em.handleCalls)
	mux.HandleFunc("GET /api/calls/{id}", em.handleCall)
	mux.HandleFunc("POST /api/calls/{id}/leave", em.handleLeave)
	mux.HandleFunc("GET /api/chats", em.handleChats)
	mux.HandleFunc("GET /api/chats/{id}/messages", em.handleMessages)
	mux.HandleFunc("POST /api/chats/{id}/messages", em.handlePost)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "NotFound", "no such control API operation: "+r.Method+" "+r.URL.Path)
	})
	return mux
}

// --- JSON in and out ---

// maxControlBody bounds a control API request body.
const maxControlBody = 1 << 20

// readJSON decodes the request body into v, strictly (an unknown field is
// a mistake in the test), or answers 400 and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "the body is not the expected JSON: "+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// apiError answers {"error":{"code","message"}}, the shape of the ACS
// and Graph errors.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// --- clock ---

type clockView struct {
	Now           time.Time `json:"now"`
	OffsetSeconds float64   `json:"offsetSeconds"`
	// Deadlines are when the timers waiting for the clock fire: rings,
	// ring timeouts, scripted answers and hang-ups.
	Deadlines []time.Time `json:"deadlines"`
	// Fired is how many timers the advance fired.
	Fired int `json:"fired"`
}

func (em *emulator) clockView(fired int) clockView {
	return clockView{Now: em.clock.Now(), OffsetSeconds: em.clock.Offset().Seconds(), Deadlines: em.clock.Deadlines(), Fired: fired}
}

func (em *emulator) handleClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, em.clockView(0))
}

// handleAdvance moves the clock forward and answers once what it set off
// has run and its events were delivered (settle).
func (em *emulator) handleAdvance(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AdvanceSeconds float64 `json:"advanceSeconds"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if req.AdvanceSeconds < 0 {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "the clock only moves forward: advanceSeconds is negative")
		return
	}
	_, fired := em.clock.Advance(seconds(req.AdvanceSeconds))
	if !em.settle(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, em.clockView(fired))
}

func (em *emulator) handleSettle(w http.ResponseWriter, r *http.Request) {
	if em.settle(w, r) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// settleTimeout bounds how long settle waits for deliveries.
const settleTimeout = 30 * time.Second

// settle waits until what is due has run and every callback, Event Grid
// event and change notification raised so far was delivered or given up;
// it answers 504 and returns false if that takes longer than
// settleTimeout.
func (em *emulator) settle(w http.ResponseWriter, r *http.Request) bool {
	ctx, cancel := context.WithTimeout(r.Context(), settleTimeout)
	defer cancel()
	if err := errors.Join(em.sb.Settle(ctx), em.graph.Flush(ctx)); err != nil {
		apiError(w, http.StatusGatewayTimeout, "Timeout", "deliveries still in flight after "+settleTimeout.String())
		return false
	}
	return true
}

// --- faults and the request log ---

// faultRequest is a fault to inject: the fakes' Fault, with durations in
// seconds.
type faultRequest struct {
	// Service is identity, calling or graph; empty means the service of Op.
	Service           string  `json:"service"`
	Op                string  `json:"op"`
	Status            int     `json:"status"`
	Code              string  `json:"code"`
	Message           string  `json:"message"`
	RetryAfterSeconds float64 `json:"retryAfterSeconds"`
	DelaySeconds      float64 `json:"delaySeconds"`
	Hang              bool    `json:"hang"`
	Drop              bool    `json:"drop"`
	AfterProcessing   bool    `json:"afterProcessing"`
	Times             int     `json:"times"`
	Skip              int     `json:"skip"`
	Ratio             float64 `json:"ratio"`
}

// maxFaultDelay bounds an injected delay: past the servers' write timeout
// the answer would be cut anyway.
const maxFaultDelay = 50 * time.Second

func (em *emulator) handleInjectFault(w http.ResponseWriter, r *http.Request) {
	var req faultRequest
	if !readJSON(w, r, &req) {
		return
	}
	if req.Service == "" {
		for name, list := range ops {
			if slices.Contains(list, req.Op) {
				req.Service = name
			}
		}
	}
	list, ok := ops[req.Service]
	switch {
	case !ok:
		apiError(w, http.StatusBadRequest, "InvalidRequest", "service is identity, calling or graph (or give a known op)")
		return
	case req.Op != "" && !slices.Contains(list, req.Op):
		apiError(w, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf("%s has no operation %q: GET /api/faults lists them", req.Service, req.Op))
		return
	case req.Status != 0 && (req.Status < 400 || req.Status > 599):
		apiError(w, http.StatusBadRequest, "InvalidRequest", "status is an error status, 400 to 599")
		return
	case req.Ratio < 0 || req.Ratio > 1 || req.Times < 0 || req.Skip < 0 || req.RetryAfterSeconds < 0:
		apiError(w, http.StatusBadRequest, "InvalidRequest", "ratio is between 0 and 1; times, skip and retryAfterSeconds are not negative")
		return
	case req.DelaySeconds < 0 || seconds(req.DelaySeconds) > maxFaultDelay:
		apiError(w, http.StatusBadRequest, "InvalidRequest", "delaySeconds is between 0 and "+strconv.Itoa(int(maxFaultDelay.Seconds())))
		return
	}
	em.service(req.Service).InjectFault(fake.Fault{
		Op: req.Op, Status: req.Status, Code: req.Code, Message: req.Message,
		RetryAfter: seconds(req.RetryAfterSeconds), Delay: seconds(req.DelaySeconds),
		Hang: req.Hang, Drop: req.Drop, AfterProcessing: req.AfterProcessing,
		Times: req.Times, Skip: req.Skip, Ratio: req.Ratio,
	})
	writeJSON(w, http.StatusCreated, req)
}

type faultsView struct {
	// Applied counts the requests faults applied to, per service, since
	// they were last cleared.
	Applied map[string]int `json:"applied"`
	// Ops are the operations of each service that a fault may name.
	Ops map[string][]string `json:"ops,omitempty"`
}

func (em *emulator) handleFaults(w http.ResponseWriter, _ *http.Request) {
	v := faultsView{Applied: map[string]int{}, Ops: ops}
	for name := range ops {
		v.Applied[name] = em.service(name).FaultsApplied()
	}
	writeJSON(w, http.StatusOK, v)
}

func (em *emulator) handleClearFaults(w http.ResponseWriter, _ *http.Request) {
	for name := range ops {
		em.service(name).ClearFaults()
	}
	w.WriteHeader(http.StatusNoContent)
}

// requestView is one request a service answered.
type requestView struct {
	Service string    `json:"service"`
	Op      string    `json:"op"`
	Method  string    `json:"method"`
	Path    string    `json:"path"`
	Query   string    `json:"query,omitempty"`
	Status  int       `json:"status"`
	At      time.Time `json:"at"`
	// Failed is true for an error status, no answer (dropped, or the
	// client gave up), or an injected fault.
	Failed          bool   `json:"failed"`
	Injected        bool   `json:"injected,omitempty"`
	UserID          string `json:"userId,omitempty"`
	RepeatabilityID string `json:"repeatabilityId,omitempty"`
	Replayed        bool   `json:"replayed,omitempty"`
	// Body is Graph's request body, with ?body=true.
	Body string `json:"body,omitempty"`
}

// requests returns the three services' request logs merged in the order
// the requests arrived, filtered by the query: service, op, failed=true,
// body=true, limit (the newest that many; default 1000).
func (em *emulator) requests(q map[string][]string) ([]requestView, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	limit := 1000
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, errors.New("limit is a count")
		}
		limit = n
	}
	svc, op, failedOnly, body := get("service"), get("op"), get("failed") == "true", get("body") == "true"
	if _, ok := ops[svc]; svc != "" && !ok {
		return nil, errors.New("service is identity, calling or graph")
	}
	var out []requestView
	for name := range ops {
		if svc != "" && svc != name {
			continue
		}
		for _, rq := range em.service(name).Requests() {
			v := requestView{Service: name, Op: rq.Op, Method: rq.Method, Path: rq.Path, Query: rq.Query, Status: rq.Status,
				At: rq.At, Injected: rq.Injected, UserID: rq.UserID, RepeatabilityID: rq.RepeatabilityID, Replayed: rq.Replayed,
				Failed: rq.Status == 0 || rq.Status >= 400 || rq.Injected}
			if body {
				v.Body = string(rq.Body)
			}
			if (op == "" || op == v.Op) && (!failedOnly || v.Failed) {
				out = append(out, v)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b requestView) int { return a.At.Compare(b.At) })
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}

func (em *emulator) handleRequests(w http.ResponseWriter, r *http.Request) {
	out, err := em.requests(r.URL.Query())
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
}

func (em *emulator) handleResetRequests(w http.ResponseWriter, _ *http.Request) {
	for name := range ops {
		em.service(name).ResetRequests()
	}
	w.WriteHeader(http.StatusNoContent)
}
