package main

// The control API's tenants, users, presence, calling policies, scripted
// parties and phone numbers.

import (
	"errors"
	"net/http"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

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
