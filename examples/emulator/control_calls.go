package main

// The control API's incoming calls and call connections.

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

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
