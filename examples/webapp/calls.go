package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// Calls. A Teams user's own calls run in the browser, in ACS's web calling
// SDK (its Teams call agent, with the ACS token of POST /api/acs-token):
// see the README for adding it to the page. Without it — offline, where no
// media can run — the call button rings the colleague through Call
// Automation instead: the ACS resource calls the colleague's Teams
// account, and the page shows the call's state and its events as the
// callbacks report them (CallbackHandler, each callback's token checked
// against the resource's keys; Tracker, the call's state), live. Once
// connected, the call can be transferred to another colleague, or hung up.

const (
	// maxCalls bounds the calls kept for the pages (the oldest go first).
	maxCalls = 1000
	// callTimeout bounds each Call Automation request.
	callTimeout = 30 * time.Second
)

type callEventView struct {
	Type   string    `json:"type"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
}

type callView struct {
	ID            string          `json:"id"`
	Target        person          `json:"target"`
	State         string          `json:"state"`
	TransferredTo *person         `json:"transferredTo,omitempty"`
	Ended         bool            `json:"ended"`
	Started       time.Time       `json:"started"`
	Events        []callEventView `json:"events"`
}

type callRecord struct {
	owner string // user key
	op    string // the call's operation context
	view  callView
}

// callDesk places the users' calls and follows them.
type callDesk struct {
	a       *app
	svc     calling.Service
	cb      *calling.CallbackHandler
	tracker *calling.Tracker
	handler http.Handler
	// changed, when set, is told of each change of a call (offline: the
	// callee is shown in a call).
	changed func(v callView)

	mu    sync.Mutex
	calls map[string]*callRecord // by call connection id
	byOp  map[string]*callRecord // by operation context, until the id is known
	order []*callRecord
	names map[string]string // user id → name, of the calls' parties
}

func newCallDesk(a *app) (*callDesk, error) {
	d := &callDesk{a: a, svc: a.cfg.calling, calls: make(map[string]*callRecord), byOp: make(map[string]*callRecord), names: make(map[string]string)}
	d.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "this deployment takes no Call Automation callbacks", http.StatusNotFound)
	})
	if !d.available() {
		return d, nil
	}
	cb, err := calling.NewCallbackHandler(a.cfg.resourceID, &calling.CallbackHandlerOptions{
		CallbackAuthOptions: a.cfg.callbackAuth,
		OnError:             func(err error) { a.cfg.logger.Warn("call callback", "err", err) },
	})
	if err != nil {
		return nil, err
	}
	tracker, err := calling.NewTracker(d.svc, nil)
	if err != nil {
		cb.Close()
		return nil, err
	}
	d.cb, d.tracker, d.handler = cb, tracker, cb
	cb.OnEvent(d.onEvent)
	return d, nil
}

// available says whether the app places calls itself: it has a Call
// Automation client, the resource's id and a URL the callbacks reach.
func (d *callDesk) available() bool {
	return d.svc != nil && d.a.cfg.resourceID != "" && d.a.cfg.publicURL != ""
}

func (d *callDesk) close() {
	if d.cb != nil {
		_ = d.cb.Close()
	}
}

// onEvent records a callback event of a call the app placed and sends the
// call to its owner's pages.
func (d *callDesk) onEvent(ctx context.Context, ev calling.Event) {
	info := ev.Info()
	st, err := d.tracker.Apply(ctx, ev)
	if err != nil {
		d.a.cfg.logger.Warn("following a call", "err", err)
	}
	d.mu.Lock()
	rec := d.calls[info.CallConnectionID]
	if rec == nil && info.CallConnectionID != "" {
		// The call's first events may come before CreateCall's answer:
		// they carry the operation context the call was created with.
		if rec = d.byOp[info.OperationContext]; rec != nil {
			d.bindLocked(rec, info.CallConnectionID)
		}
	}
	if rec == nil {
		d.mu.Unlock()
		return // not a call of this app's pages
	}
	v := &rec.view
	e := callEventView{Type: strings.TrimPrefix(ev.EventType(), "Microsoft.Communication."), At: time.Now()}
	if r := info.ResultInformation; r != nil && r.Message != "" {
		e.Detail = r.Message
	}
	if err == nil && st.State != "" {
		v.State = string(st.State)
		v.Ended = st.Ended()
		if t := st.TransferTarget.Identifier; t != nil {
			if tu, ok := t.(identity.MicrosoftTeamsUserIdentifier); ok {
				v.TransferredTo = &person{ID: tu.UserID, Name: d.names[strings.ToLower(tu.UserID)]}
			}
		}
	}
	switch ev.(type) {
	case *calling.CallTransferAccepted:
		if v.TransferredTo != nil {
			e.Detail = "transferred to " + v.TransferredTo.Name
		}
	case *calling.CallDisconnected:
		v.Ended = true
	}
	v.Events = append(v.Events, e)
	out := cloneCall(*v)
	owner := rec.owner
	d.mu.Unlock()
	d.a.feeds.publish(owner, event{"call", out})
	if d.changed != nil {
		d.changed(out)
	}
}

func cloneCall(v callView) callView {
	v.Events = append([]callEventView(nil), v.Events...)
	if v.TransferredTo != nil {
		t := *v.TransferredTo
		v.TransferredTo = &t
	}
	return v
}

// expect records a call owner is about to place, under its operation
// context.
func (d *callDesk) expect(owner, op string, v callView) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.order) >= maxCalls {
		old := d.order[0]
		d.order = d.order[1:]
		delete(d.byOp, old.op)
		if old.view.ID != "" {
			delete(d.calls, old.view.ID)
		}
	}
	rec := &callRecord{owner: owner, op: op, view: v}
	d.byOp[op] = rec
	d.order = append(d.order, rec)
}

// bindLocked gives a call its connection id; d.mu is held.
func (d *callDesk) bindLocked(rec *callRecord, id string) {
	rec.view.ID = id
	d.calls[id] = rec
	delete(d.byOp, rec.op)
}

// placed gives the call of op its connection id and returns it.
func (d *callDesk) placed(op, id string) callView {
	d.mu.Lock()
	defer d.mu.Unlock()
	rec := d.byOp[op]
	if rec == nil {
		rec = d.calls[id] // an event bound it already
	} else {
		d.bindLocked(rec, id)
	}
	if rec == nil {
		return callView{ID: id}
	}
	return cloneCall(rec.view)
}

// forget drops the call of op, which could not be placed.
func (d *callDesk) forget(op string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if rec := d.byOp[op]; rec != nil {
		delete(d.byOp, op)
		for i, r := range d.order {
			if r == rec {
				d.order = append(d.order[:i], d.order[i+1:]...)
				break
			}
		}
	}
}

// call returns a call of owner's.
func (d *callDesk) call(owner, id string) (callView, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	rec := d.calls[id]
	if rec == nil || rec.owner != owner {
		return callView{}, false
	}
	return cloneCall(rec.view), true
}

// colleague reads a user of the caller's tenant by object id, for calling
// them: it checks they exist and gives their name.
func (d *callDesk) colleague(ctx context.Context, u *teamsuser.User, id string) (person, error) {
	res, err := u.Chat().GetUser(ctx, id, nil)
	if err != nil {
		return person{}, err
	}
	p := person{ID: strings.ToLower(res.User.ID), Name: res.User.DisplayName}
	d.mu.Lock()
	d.names[p.ID] = p.Name
	d.mu.Unlock()
	return p, nil
}

type callRequest struct {
	UserID string `json:"userId"`
}

// readCallTarget reads and checks the request's {"userId"}.
func readCallTarget(w http.ResponseWriter, r *http.Request) (string, bool) {
	var req callRequest
	if !readJSON(w, r, &req) {
		return "", false
	}
	if !uuid.IsGUID(req.UserID) {
		writeError(w, http.StatusBadRequest, "bad_request", "userId is the colleague's object id (a GUID)")
		return "", false
	}
	return strings.ToLower(req.UserID), true
}

var errNoServerCalls = errors.New("this deployment places no calls itself: add the ACS web calling SDK to the page, or set ACS_RESOURCE_ID and an https PUBLIC_BASE_URL (see the README)")

func (a *app) servePlaceCall(w http.ResponseWriter, r *http.Request, s *session) {
	if !a.calls.available() {
		writeError(w, http.StatusNotImplemented, "calls_unavailable", errNoServerCalls.Error())
		return
	}
	target, ok := readCallTarget(w, r)
	if !ok {
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		if target == strings.ToLower(u.ID().UserID) {
			writeError(w, http.StatusBadRequest, "bad_request", "you cannot call yourself")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
		defer cancel()
		who, err := a.calls.colleague(ctx, u, target)
		if err != nil {
			a.writeServiceError(w, "finding the colleague", err)
			return
		}
		op := "webapp-" + randomID()[:22]
		a.calls.expect(s.userKey(), op, callView{Target: who, State: string(calling.StateConnecting), Started: time.Now(),
			Events: []callEventView{{Type: "CallPlaced", At: time.Now(), Detail: "ringing " + who.Name}}})
		res, err := u.Calling().CreateCall(ctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: who.ID}},
			a.cfg.publicURL+"/acs/callbacks", &calling.CreateCallOptions{OperationContext: op})
		if err != nil {
			a.calls.forget(op)
			a.writeServiceError(w, "placing the call", err)
			return
		}
		v := a.calls.placed(op, res.CallConnectionID)
		a.feeds.publish(s.userKey(), event{"call", v})
		writeJSON(w, http.StatusCreated, v)
	})
}

func (a *app) serveTransfer(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("call")
	if _, ok := a.calls.call(s.userKey(), id); !ok {
		writeError(w, http.StatusNotFound, "not_found", "no call of yours has this id")
		return
	}
	target, ok := readCallTarget(w, r)
	if !ok {
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
		defer cancel()
		who, err := a.calls.colleague(ctx, u, target)
		if err != nil {
			a.writeServiceError(w, "finding the colleague", err)
			return
		}
		if _, err := calling.NewCallConnection(u.Calling(), id).TransferToParticipant(ctx, identity.MicrosoftTeamsUserIdentifier{UserID: who.ID}, nil); err != nil {
			a.writeServiceError(w, "transferring the call", err)
			return
		}
		v, _ := a.calls.call(s.userKey(), id)
		writeJSON(w, http.StatusAccepted, v)
	})
}

func (a *app) serveHangUp(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("call")
	v, ok := a.calls.call(s.userKey(), id)
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no call of yours has this id")
		return
	}
	if v.Ended {
		writeJSON(w, http.StatusOK, v)
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
		defer cancel()
		if _, err := calling.NewCallConnection(u.Calling(), id).HangUp(ctx, nil); err != nil {
			a.writeServiceError(w, "hanging up", err)
			return
		}
		v, _ := a.calls.call(s.userKey(), id)
		writeJSON(w, http.StatusAccepted, v)
	})
}

// serveCalls lists the user's recent calls, newest first.
func (a *app) serveCalls(w http.ResponseWriter, r *http.Request, s *session) {
	key := s.userKey()
	d := a.calls
	d.mu.Lock()
	out := []callView{}
	for i := len(d.order) - 1; i >= 0 && len(out) < 20; i-- {
		if rec := d.order[i]; rec.owner == key && rec.view.ID != "" {
			out = append(out, cloneCall(rec.view))
		}
	}
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"calls": out})
}
