package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
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
		chatfake.OpCreateOnlineMeeting, chatfake.OpGetPresence, chatfake.OpGetPresences, chatfake.OpGetUser, chatfake.OpSendMessage,
		chatfake.OpListMessages, chatfake.OpGetMessage, chatfake.OpEditMessage, chatfake.OpSoftDelete,
		chatfake.OpUndoSoftDelete, chatfake.OpSetReaction, chatfake.OpUnsetReaction, chatfake.OpHostedContents,
		chatfake.OpSendChannelMessage, chatfake.OpListChannelMessages, chatfake.OpGetChannelMessage,
		chatfake.OpReplyToChannelMessage, chatfake.OpListReplies, chatfake.OpCreateSubscription,
		chatfake.OpListSubscriptions, chatfake.OpGetSubscription, chatfake.OpUpdateSubscription,
		chatfake.OpDeleteSubscription},
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

// --- tenants, users, parties, numbers ---

type tenantView struct {
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Domain string     `json:"domain"`
	Users  []userView `json:"users"`
}

type userView struct {
	ObjectID    string       `json:"objectId"`
	UPN         string       `json:"upn"`
	DisplayName string       `json:"displayName"`
	TenantID    string       `json:"tenantId"`
	TeamsUserID string       `json:"teamsUserId"`
	Presence    presenceView `json:"presence"`
	// BusyOnBusy is the user's calling policy BusyOnBusyEnabledType
	// Enabled.
	BusyOnBusy bool `json:"busyOnBusy"`
	// Reachable is what a call to the user meets now: "rings",
	// "busy (486)" or "unavailable (480)".
	Reachable string `json:"reachable"`
	// Script is what the user's client does once it rings.
	Script string `json:"script"`
}

type presenceView struct {
	Availability  string `json:"availability"`
	Activity      string `json:"activity"`
	StatusMessage string `json:"statusMessage,omitempty"`
	OutOfOffice   bool   `json:"outOfOffice,omitempty"`
}

func (em *emulator) userView(u *user) userView {
	r := "rings"
	switch reachability(u.presence, u.busyOnBusy) {
	case callfake.Busy:
		r = "busy (486)"
	case callfake.DoNotDisturb, callfake.Offline:
		r = "unavailable (480)"
	}
	return userView{ObjectID: u.ObjectID, UPN: u.UPN, DisplayName: u.DisplayName, TenantID: u.TenantID,
		TeamsUserID: "8:orgid:" + u.ObjectID, BusyOnBusy: u.busyOnBusy, Reachable: r, Script: u.script.String(),
		Presence: presenceView{Availability: string(u.presence.Availability), Activity: string(u.presence.Activity),
			StatusMessage: u.presence.StatusMessage, OutOfOffice: u.presence.OutOfOffice}}
}

// tenantViews returns every tenant with its users.
func (em *emulator) tenantViews() []tenantView {
	em.mu.Lock()
	defer em.mu.Unlock()
	out := make([]tenantView, 0, len(em.tenants))
	for _, t := range em.tenants {
		tv := tenantView{ID: t.ID, Name: t.Name, Domain: t.Domain, Users: []userView{}}
		for _, u := range t.users {
			tv.Users = append(tv.Users, em.userView(u))
		}
		out = append(out, tv)
	}
	return out
}

func (em *emulator) handleAddTenant(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name  string   `json:"name"`
		Users []string `json:"users"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	t, err := em.addTenant(req.Name)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	for _, name := range req.Users {
		if _, err := em.addUser(t.ID, name); err != nil {
			apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
			return
		}
	}
	for _, tv := range em.tenantViews() {
		if tv.ID == t.ID {
			writeJSON(w, http.StatusCreated, tv)
			return
		}
	}
}

func (em *emulator) handleAddUser(w http.ResponseWriter, r *http.Request) {
	var req struct {
		DisplayName string `json:"displayName"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if _, ok := em.findTenant(r.PathValue("tenant")); !ok {
		apiError(w, http.StatusNotFound, "NotFound", "no tenant "+r.PathValue("tenant"))
		return
	}
	u, err := em.addUser(r.PathValue("tenant"), req.DisplayName)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	em.mu.Lock()
	v := em.userView(u)
	em.mu.Unlock()
	writeJSON(w, http.StatusCreated, v)
}

// knownAvailability are the availabilities Graph reports.
var knownAvailability = map[chat.Availability]bool{
	chat.AvailabilityAvailable: true, chat.AvailabilityAvailableIdle: true, chat.AvailabilityAway: true,
	chat.AvailabilityBeRightBack: true, chat.AvailabilityBusy: true, chat.AvailabilityBusyIdle: true,
	chat.AvailabilityDoNotDisturb: true, chat.AvailabilityOffline: true, chat.AvailabilityPresenceUnknown: true,
}

// pathUser finds the {user} of the path, or answers 404.
func (em *emulator) pathUser(w http.ResponseWriter, r *http.Request) (*user, bool) {
	u, ok := em.findUser(r.PathValue("user"))
	if !ok {
		apiError(w, http.StatusNotFound, "NotFound", "no user "+r.PathValue("user"))
	}
	return u, ok
}

// handlePresence sets a user's Teams presence, as Graph then reports it
// and as it decides whether their client rings (see reachability).
func (em *emulator) handlePresence(w http.ResponseWriter, r *http.Request) {
	u, ok := em.pathUser(w, r)
	if !ok {
		return
	}
	var req presenceView
	if !readJSON(w, r, &req) {
		return
	}
	p := chat.Presence{Availability: chat.Availability(req.Availability), Activity: chat.Activity(req.Activity),
		StatusMessage: req.StatusMessage, OutOfOffice: req.OutOfOffice}
	if !knownAvailability[p.Availability] {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "availability is one of Graph's: Available, AvailableIdle, Away, BeRightBack, Busy, BusyIdle, DoNotDisturb, Offline, PresenceUnknown")
		return
	}
	if p.Activity == "" {
		p.Activity = chat.Activity(p.Availability)
	}
	em.setPresence(u, p)
	w.WriteHeader(http.StatusNoContent)
}

// handleCallingPolicy sets a user's Teams calling policy: only
// busyOnBusyEnabledType, Enabled or Disabled (Unanswered, which applies
// the user's unanswered-call settings, is not modelled).
func (em *emulator) handleCallingPolicy(w http.ResponseWriter, r *http.Request) {
	u, ok := em.pathUser(w, r)
	if !ok {
		return
	}
	var req struct {
		BusyOnBusyEnabledType string `json:"busyOnBusyEnabledType"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	switch req.BusyOnBusyEnabledType {
	case "Enabled", "Disabled":
	default:
		apiError(w, http.StatusBadRequest, "InvalidRequest", "busyOnBusyEnabledType is Enabled or Disabled")
		return
	}
	em.setBusyOnBusy(u, req.BusyOnBusyEnabledType == "Enabled")
	w.WriteHeader(http.StatusNoContent)
}

// scriptRequest is how a party acts when called, invited or transferred
// to, and as the caller of an incoming call (hangUpAfterSeconds).
type scriptRequest struct {
	// Action is answer (the default), decline (SIP 603), noAnswer (it rings
	// until the ring timeout: 487, subcode 10004) or busy (486).
	Action string `json:"action"`
	// RingSeconds is how long it rings before the party acts.
	RingSeconds float64 `json:"ringSeconds"`
	// HangUpAfterSeconds, when positive, makes the party leave this long
	// after joining.
	HangUpAfterSeconds float64 `json:"hangUpAfterSeconds"`
}

func (s scriptRequest) script() (callfake.Script, error) {
	var out callfake.Script
	switch s.Action {
	case "", "answer":
		out = callfake.Answers()
	case "decline":
		out = callfake.Rejects()
	case "noAnswer":
		out = callfake.NoAnswer()
	case "busy":
		out = callfake.IsBusy()
	default:
		return callfake.Script{}, errors.New("action is answer, decline, noAnswer or busy")
	}
	if s.RingSeconds < 0 || s.HangUpAfterSeconds < 0 {
		return callfake.Script{}, errors.New("ringSeconds and hangUpAfterSeconds are not negative")
	}
	out = out.After(seconds(s.RingSeconds))
	out.HangUpAfter = seconds(s.HangUpAfterSeconds)
	return out, nil
}

func (em *emulator) handleScript(w http.ResponseWriter, r *http.Request) {
	id, err := em.party(r.PathValue("party"))
	if err != nil {
		apiError(w, http.StatusNotFound, "NotFound", err.Error())
		return
	}
	var req scriptRequest
	if !readJSON(w, r, &req) {
		return
	}
	s, err := req.script()
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	em.setScript(id, s)
	writeJSON(w, http.StatusOK, map[string]string{"party": id.RawID(), "script": s.String()})
}

// handleAddPhoneNumber makes the resource own a number, as buying one does.
func (em *emulator) handleAddPhoneNumber(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Number string `json:"number"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if !callwire.IsE164(req.Number) {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "number is a phone number in E.164 form (+14255550123)")
		return
	}
	em.sb.AddCallerID(req.Number)
	writeJSON(w, http.StatusCreated, map[string][]string{"phoneNumbers": em.sb.CallerIDs()})
}

// --- incoming calls ---

// handleEventGrid sets the Event Grid URL of incoming calls, after Event
// Grid's validation handshake with it.
func (em *emulator) handleEventGrid(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL string `json:"url"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if callwire.CheckCallbackURL(req.URL, true) != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "url is an absolute https URL, or http on loopback")
		return
	}
	if err := em.setEventGridURL(r.Context(), req.URL); err != nil {
		apiError(w, http.StatusBadGateway, "ValidationFailed", err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// incomingRequest is a call to trigger.
type incomingRequest struct {
	// From is the caller and To the callee: a phone number the resource
	// owns, or a user or raw id (see party).
	From string `json:"from"`
	To   string `json:"to"`
	// EventGridURL is where the IncomingCall event goes; empty means the
	// emulator's (-event-grid-url, PUT /api/event-grid).
	EventGridURL      string            `json:"eventGridUrl"`
	CallerDisplayName string            `json:"callerDisplayName"`
	SIPHeaders        map[string]string `json:"sipHeaders"`
	VoIPHeaders       map[string]string `json:"voipHeaders"`
}

func (em *emulator) handleIncomingCall(w http.ResponseWriter, r *http.Request) {
	var req incomingRequest
	if !readJSON(w, r, &req) {
		return
	}
	from, err := em.party(req.From)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "from: "+err.Error())
		return
	}
	to, err := em.party(req.To)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "to: "+err.Error())
		return
	}
	if req.EventGridURL != "" && callwire.CheckCallbackURL(req.EventGridURL, true) != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "eventGridUrl is an absolute https URL, or http on loopback")
		return
	}
	o := callfake.IncomingCallOptions{CallerDisplayName: req.CallerDisplayName}
	if req.SIPHeaders != nil || req.VoIPHeaders != nil {
		o.CustomContext = &calling.CustomCallingContext{SIPHeaders: req.SIPHeaders, VoIPHeaders: req.VoIPHeaders}
	}
	in, err := em.incomingCall(r.Context(), from, to, req.EventGridURL, o)
	switch {
	case errors.Is(err, errNoEventGrid):
		apiError(w, http.StatusConflict, "NoEventGridSubscription", err.Error())
		return
	case err != nil:
		apiError(w, http.StatusBadGateway, "ValidationFailed", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, em.incomingView(in))
}

type incomingView struct {
	From                partyView  `json:"from"`
	To                  partyView  `json:"to"`
	CallerDisplayName   string     `json:"callerDisplayName"`
	ServerCallID        string     `json:"serverCallId"`
	CorrelationID       string     `json:"correlationId"`
	IncomingCallContext string     `json:"incomingCallContext"`
	Time                time.Time  `json:"time"`
	State               string     `json:"state"`
	CallConnectionID    string     `json:"callConnectionId,omitempty"`
	RedirectedTo        *partyView `json:"redirectedTo,omitempty"`
	RedirectResult      *result    `json:"redirectResult,omitempty"`
	RejectReason        string     `json:"rejectReason,omitempty"`
	Delivered           bool       `json:"delivered"`
	Attempts            int        `json:"attempts"`
	DeliveryError       string     `json:"deliveryError,omitempty"`
}

func (em *emulator) incomingView(in callfake.IncomingCall) incomingView {
	v := incomingView{From: em.partyView(in.From), To: em.partyView(in.To), CallerDisplayName: in.CallerDisplayName,
		ServerCallID: in.ServerCallID, CorrelationID: in.CorrelationID, IncomingCallContext: in.IncomingCallContext,
		Time: in.Time, State: in.State, CallConnectionID: in.CallConnectionID, RedirectResult: resultOf(in.RedirectResult),
		RejectReason: string(in.RejectReason), Delivered: in.Delivered, Attempts: in.Attempts, DeliveryError: in.DeliveryError}
	if in.RedirectedTo != nil {
		p := em.partyView(in.RedirectedTo)
		v.RedirectedTo = &p
	}
	return v
}

func (em *emulator) handleIncomingCalls(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"incomingCalls": em.incomingViews()})
}

func (em *emulator) incomingViews() []incomingView {
	out := []incomingView{}
	for _, in := range em.sb.IncomingCalls() {
		out = append(out, em.incomingView(in))
	}
	return out
}

// --- calls ---

// partyView is a party of a call: its raw id and, when the emulator knows
// it, its name.
type partyView struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

func (em *emulator) partyView(id identity.Identifier) partyView {
	if id == nil {
		return partyView{}
	}
	return partyView{ID: id.RawID(), Name: em.nameOf(id)}
}

func (em *emulator) partyViews(ids []identity.Identifier) []partyView {
	out := []partyView{}
	for _, id := range ids {
		out = append(out, em.partyView(id))
	}
	return out
}

type result struct {
	Code    int    `json:"code"`
	SubCode int    `json:"subCode,omitempty"`
	Message string `json:"message,omitempty"`
}

func resultOf(r *callfake.ResultInformation) *result {
	if r == nil {
		return nil
	}
	return &result{Code: r.Code, SubCode: r.SubCode, Message: r.Message}
}

type participantView struct {
	partyView
	Muted  bool `json:"muted,omitempty"`
	OnHold bool `json:"onHold,omitempty"`
}

type callView struct {
	CallConnectionID string            `json:"callConnectionId"`
	ServerCallID     string            `json:"serverCallId"`
	CorrelationID    string            `json:"correlationId"`
	State            string            `json:"state"`
	Source           *partyView        `json:"source,omitempty"`
	SourceCallerID   string            `json:"sourceCallerId,omitempty"`
	Targets          []partyView       `json:"targets"`
	Participants     []participantView `json:"participants"`
	Ringing          []partyView       `json:"ringing"`
	Invitations      map[string]string `json:"invitations,omitempty"`
	TransferTarget   *partyView        `json:"transferTarget,omitempty"`
	TransferredTo    *partyView        `json:"transferredTo,omitempty"`
	Ended            bool              `json:"ended"`
	EndReason        string            `json:"endReason,omitempty"`
	Created          time.Time         `json:"created"`
	CallbackURL      string            `json:"callbackUrl"`
	Events           []eventView       `json:"events"`
}

// eventView is a callback event with the fate of its delivery.
type eventView struct {
	Seq              int         `json:"seq"`
	Type             string      `json:"type"`
	Time             time.Time   `json:"time"`
	ID               string      `json:"id"`
	OperationContext string      `json:"operationContext,omitempty"`
	Result           *result     `json:"result,omitempty"`
	Participant      *partyView  `json:"participant,omitempty"`
	Participants     []partyView `json:"participants,omitempty"`
	Transferee       *partyView  `json:"transferee,omitempty"`
	TransferTarget   *partyView  `json:"transferTarget,omitempty"`
	Delivered        bool        `json:"delivered"`
	Attempts         int         `json:"attempts"`
	DeliveryError    string      `json:"deliveryError,omitempty"`
}

func (em *emulator) optParty(id identity.Identifier) *partyView {
	if id == nil {
		return nil
	}
	p := em.partyView(id)
	return &p
}

func (em *emulator) callView(c callfake.CallInfo) callView {
	v := callView{CallConnectionID: c.CallConnectionID, ServerCallID: c.ServerCallID, CorrelationID: c.CorrelationID,
		State: string(c.State), Source: em.optParty(c.Source), Targets: em.partyViews(c.Targets),
		Ringing: em.partyViews(c.Ringing), TransferTarget: em.optParty(c.TransferTarget),
		TransferredTo: em.optParty(c.TransferredTo), Ended: c.Ended, EndReason: c.EndReason, Created: c.Created,
		CallbackURL: c.CallbackURL, Participants: []participantView{}, Events: []eventView{}}
	if c.SourceCallerID != nil {
		v.SourceCallerID = c.SourceCallerID.PhoneNumber
	}
	for _, p := range c.Participants {
		v.Participants = append(v.Participants, participantView{partyView: em.partyView(p.Identifier), Muted: p.IsMuted, OnHold: p.IsOnHold})
	}
	if len(c.Invitations) > 0 {
		v.Invitations = map[string]string{}
		for k, id := range c.Invitations {
			v.Invitations[k] = id.RawID()
		}
	}
	for _, e := range em.sb.Events(c.CallConnectionID) {
		ev := eventView{Seq: e.Seq, Type: strings.TrimPrefix(e.Type, "Microsoft.Communication."), Time: e.Time, ID: e.ID,
			OperationContext: e.OperationContext, Result: resultOf(e.Result), Participant: em.optParty(e.Participant),
			Transferee: em.optParty(e.Transferee), TransferTarget: em.optParty(e.TransferTarget),
			Delivered: e.Delivered, Attempts: e.Attempts, DeliveryError: e.DeliveryError}
		for _, p := range e.Participants {
			ev.Participants = append(ev.Participants, em.partyView(p.Identifier))
		}
		v.Events = append(v.Events, ev)
	}
	return v
}

func (em *emulator) callViews() []callView {
	out := []callView{}
	for _, c := range em.sb.Calls() {
		out = append(out, em.callView(c))
	}
	return out
}

func (em *emulator) handleCalls(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"calls": em.callViews()})
}

func (em *emulator) handleCall(w http.ResponseWriter, r *http.Request) {
	c, ok := em.sb.Call(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "NotFound", "no call connection "+r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, em.callView(c))
}

// handleLeave makes a participant of a call hang up now.
func (em *emulator) handleLeave(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Participant string `json:"participant"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	id, err := em.party(req.Participant)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	if !em.sb.Leave(r.PathValue("id"), id) {
		apiError(w, http.StatusNotFound, "NotFound", id.RawID()+" is not in call "+r.PathValue("id"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- chats ---

type chatView struct {
	ID           string        `json:"id"`
	Type         string        `json:"type"`
	Topic        string        `json:"topic,omitempty"`
	TenantID     string        `json:"tenantId"`
	CreatedAt    time.Time     `json:"createdAt"`
	Members      []partyView   `json:"members"`
	MessageCount int           `json:"messageCount"`
	Messages     []messageView `json:"messages,omitempty"`
}

type messageView struct {
	ID          string    `json:"id"`
	From        partyView `json:"from"`
	ContentType string    `json:"contentType"`
	Content     string    `json:"content"`
	CreatedAt   time.Time `json:"createdAt"`
	Edited      bool      `json:"edited,omitempty"`
	Deleted     bool      `json:"deleted,omitempty"`
}

func messageViews(ms []chat.Message) []messageView {
	out := make([]messageView, 0, len(ms))
	for _, m := range ms {
		ct := string(m.Body.ContentType)
		if ct == "" {
			ct = string(chat.ContentText)
		}
		out = append(out, messageView{ID: m.ID, From: partyView{ID: m.From.UserID, Name: m.From.DisplayName},
			ContentType: ct, Content: m.Body.Content, CreatedAt: m.CreatedAt,
			Edited: !m.LastEditedAt.IsZero(), Deleted: !m.DeletedAt.IsZero()})
	}
	return out
}

// chatViews returns every chat, with its last lastMessages messages.
func (em *emulator) chatViews(lastMessages int) []chatView {
	out := []chatView{}
	for _, c := range em.graph.Chats() {
		v := chatView{ID: c.ID, Type: string(c.Type), Topic: c.Topic, TenantID: c.TenantID, CreatedAt: c.CreatedAt, Members: []partyView{}}
		for _, m := range c.Members {
			v.Members = append(v.Members, partyView{ID: m.UserID, Name: m.DisplayName})
		}
		ms := em.graph.Messages(c.ID)
		v.MessageCount = len(ms)
		if lastMessages > 0 {
			v.Messages = messageViews(ms[max(0, len(ms)-lastMessages):])
		}
		out = append(out, v)
	}
	return out
}

func (em *emulator) handleChats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"chats": em.chatViews(0)})
}

func (em *emulator) handleMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !slices.ContainsFunc(em.graph.Chats(), func(c chat.Chat) bool { return c.ID == id }) {
		apiError(w, http.StatusNotFound, "NotFound", "no chat "+id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": messageViews(em.graph.Messages(id))})
}

// handlePost makes a user post a message to a chat, as from their Teams
// client: the other side of a conversation.
func (em *emulator) handlePost(w http.ResponseWriter, r *http.Request) {
	var req struct {
		From        string `json:"from"`
		Content     string `json:"content"`
		ContentType string `json:"contentType"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	u, ok := em.findUser(req.From)
	if !ok {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "from: no user "+req.From)
		return
	}
	ct := chat.ContentType(cmp.Or(req.ContentType, string(chat.ContentText)))
	m, err := em.graph.PostMessage(u.ObjectID, r.PathValue("id"), chat.NewMessage{Body: chat.Body{ContentType: ct, Content: req.Content}})
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, messageViews([]chat.Message{m})[0])
}

// --- everything at once ---

// stateView is everything the emulator holds, for the dashboard and for
// tests that look at it all.
type stateView struct {
	Clock         clockView      `json:"clock"`
	Tenants       []tenantView   `json:"tenants"`
	PhoneNumbers  []string       `json:"phoneNumbers"`
	Parties       []scriptView   `json:"parties"`
	EventGridURL  string         `json:"eventGridUrl,omitempty"`
	Chats         []chatView     `json:"chats"`
	Calls         []callView     `json:"calls"`
	IncomingCalls []incomingView `json:"incomingCalls"`
	Requests      []requestView  `json:"requests"`
	Faults        faultsView     `json:"faults"`
}

// scriptView is a party other than a user that a test scripted.
type scriptView struct {
	partyView
	Script string `json:"script"`
}

// handleState answers the whole state: ?messages=N messages per chat
// (default 20), ?requests=N requests (default 200).
func (em *emulator) handleState(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	count := func(k string, def int) (int, bool) {
		s := q.Get(k)
		if s == "" {
			return def, true
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			apiError(w, http.StatusBadRequest, "InvalidRequest", k+" is a count")
			return 0, false
		}
		return n, true
	}
	nm, ok := count("messages", 20)
	if !ok {
		return
	}
	nr, ok := count("requests", 200)
	if !ok {
		return
	}
	reqs, _ := em.requests(map[string][]string{"limit": {strconv.Itoa(nr)}})
	v := stateView{Clock: em.clockView(0), Tenants: em.tenantViews(), PhoneNumbers: em.sb.CallerIDs(),
		Parties: []scriptView{}, EventGridURL: em.eventGridURL(""), Chats: em.chatViews(nm), Calls: em.callViews(),
		IncomingCalls: em.incomingViews(), Requests: reqs, Faults: faultsView{Applied: map[string]int{}}}
	for name := range ops {
		v.Faults.Applied[name] = em.service(name).FaultsApplied()
	}
	em.mu.Lock()
	var parties []scripted
	for _, s := range em.scripts {
		parties = append(parties, s)
	}
	em.mu.Unlock()
	slices.SortFunc(parties, func(a, b scripted) int { return strings.Compare(a.id.RawID(), b.id.RawID()) })
	for _, s := range parties {
		v.Parties = append(v.Parties, scriptView{partyView: em.partyView(s.id), Script: s.script.String()})
	}
	if v.Requests == nil {
		v.Requests = []requestView{}
	}
	writeJSON(w, http.StatusOK, v)
}
