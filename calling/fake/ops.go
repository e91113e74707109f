package fake

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// The operations of the service, shared by both faces: arguments in plain
// calling types (the HTTP face decodes them in wire_convert.go), failures as
// *apiError. Each takes sb.mu.

// DefaultParticipantPageSize is the number of participants per page of a
// listing.
const DefaultParticipantPageSize = 100

func (sb *Switchboard) createCall(targets []identity.Identifier, callbackURL string, o calling.CreateCallOptions) (calling.CallConnectionProperties, *apiError) {
	if len(targets) == 0 {
		return calling.CallConnectionProperties{}, badRequest("At least one target is required.")
	}
	if e := checkCallback(callbackURL, true); e != nil {
		return calling.CallConnectionProperties{}, e
	}
	if e := sb.checkCallerID(o.SourceCallerID); e != nil {
		return calling.CallConnectionProperties{}, e
	}
	// The client's rules (calling's createCallWire): one source, and a
	// caller id for a phone target unless a Teams resource account calls.
	if o.Source != nil && o.TeamsAppSource != nil {
		return calling.CallConnectionProperties{}, badRequest("A call has one source: source and teamsAppSource cannot both be set.")
	}
	for _, t := range targets {
		if e := sb.checkTarget("target", t, o.SourceCallerID, o.TeamsAppSource == nil); e != nil {
			return calling.CallConnectionProperties{}, e
		}
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	var source identity.Identifier = sb.appID
	switch {
	case o.Source != nil:
		source = *o.Source
	case o.TeamsAppSource != nil:
		source = *o.TeamsAppSource
	}
	c := sb.newCall(callbackURL, o.OperationContext, source, now)
	c.props.Targets = append([]identity.Identifier(nil), targets...)
	c.props.Source = source
	c.props.SourceCallerID = o.SourceCallerID
	c.props.SourceDisplayName = o.SourceDisplayName
	c.props.MediaStreaming = mediaSubscription(o.MediaStreaming)
	c.props.Transcription = transcriptionSubscription(o.Transcription)
	for _, t := range targets {
		r := &ring{purpose: ringCreate, c: c, target: t, raw: t.RawID(), offer: newOffer(OfferCall, o.SourceCallerID, o.SourceDisplayName, nil)}
		c.rings = append(c.rings, r)
		sb.startRing(r, now, sb.ringFor)
	}
	return c.snapshot(), nil
}

func (sb *Switchboard) answerCall(icc, callbackURL string, o calling.AnswerCallOptions) (calling.CallConnectionProperties, *apiError) {
	if e := checkCallback(callbackURL, true); e != nil {
		return calling.CallConnectionProperties{}, e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	in, e := sb.ringingCall(icc)
	if e != nil {
		return calling.CallConnectionProperties{}, e
	}
	now := sb.clock.Now()
	var app identity.Identifier = sb.appID
	if o.AnsweredBy != nil {
		app = *o.AnsweredBy
	}
	in.timeout.cancel()
	c := sb.newCall(callbackURL, o.OperationContext, app, now)
	c.props.ServerCallID = in.info.ServerCallID
	c.props.CorrelationID = in.info.CorrelationID
	c.props.Targets = []identity.Identifier{in.info.To}
	c.props.Source = in.info.From
	c.props.AnsweredBy = o.AnsweredBy
	if p, ok := in.info.To.(identity.PhoneNumberIdentifier); ok {
		c.props.AnsweredFor = &p
	}
	c.props.MediaStreaming = mediaSubscription(o.MediaStreaming)
	c.props.Transcription = transcriptionSubscription(o.Transcription)
	in.info.State = IncomingAnswered
	in.info.CallConnectionID = c.props.CallConnectionID
	sb.join(c, in.info.From, in.script, now)
	sb.sched.at(now, func(at time.Time) {
		if c.ended {
			return
		}
		c.props.State = calling.StateConnected
		sb.emit(c, at, calling.EventTypeCallConnected, "", func(e *Event) { e.OperationContext = c.opContext })
		sb.emitRoster(c, at)
	})
	return c.snapshot(), nil
}

func (sb *Switchboard) redirectCall(icc string, target identity.Identifier) *apiError {
	if e := sb.checkTarget("target", target, nil, false); e != nil {
		return e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	in, e := sb.ringingCall(icc)
	if e != nil {
		return e
	}
	in.timeout.cancel()
	in.info.State = IncomingRedirected
	in.info.RedirectedTo = target
	// "No events are published for redirect. If the target is a
	// Communication Services user or a phone number owned by your
	// resource, it generates a new IncomingCall event with 'to' field set
	// to the target you specified." (Learn: Call Automation "Actions for
	// call control", Redirect a call; how-tos/call-automation/
	// actions-for-call-control.md). The new event is of the same call: it
	// keeps the server call id and the correlation id (choice), with a new
	// incoming call context. Other targets (Teams users, other numbers)
	// are rung.
	switch t := target.(type) {
	case identity.CommunicationUserIdentifier:
		sb.redirectIncoming(in, t)
		return nil
	case identity.PhoneNumberIdentifier:
		if sb.ownsNumber(t) {
			sb.redirectIncoming(in, t)
			return nil
		}
	}
	in.ring = &ring{purpose: ringRedirect, in: in, target: target, raw: target.RawID(), offer: newOffer(OfferRedirect, nil, "", nil)}
	sb.startRing(in.ring, sb.clock.Now(), sb.ringFor)
	return nil
}

// redirectIncoming announces the incoming call in anew, to target. Call
// with sb.mu held.
func (sb *Switchboard) redirectIncoming(in *incoming, target identity.Identifier) {
	next := in.info
	next.To = target
	next.RedirectedFrom = in.info.IncomingCallContext
	next.RedirectedTo, next.RedirectResult, next.RejectReason, next.CallConnectionID = nil, nil, "", ""
	in.info.RedirectedCall = sb.announce(next, in.script, in.gridURL).info.IncomingCallContext
}

func (sb *Switchboard) rejectCall(icc string, reason calling.RejectReason) *apiError {
	switch reason {
	case "", calling.RejectReasonNone, calling.RejectReasonBusy, calling.RejectReasonForbidden:
	default:
		return badRequest("The call reject reason is not one of none, busy, forbidden.")
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	in, e := sb.ringingCall(icc)
	if e != nil {
		return e
	}
	in.timeout.cancel()
	in.info.State = IncomingRejected
	in.info.RejectReason = reason
	return nil
}

// ringingCall finds an incoming call the application may still act on.
// Call with sb.mu held.
func (sb *Switchboard) ringingCall(icc string) (*incoming, *apiError) {
	in, ok := sb.incoming[icc]
	switch {
	case !ok:
		return nil, badRequest("The incoming call context is not valid.")
	case in.info.State == IncomingAbandoned:
		return nil, callNotFound()
	case in.info.State != IncomingRinging:
		return nil, conflict("IncomingCallAlreadyHandled", "The incoming call was already answered, redirected or rejected.")
	}
	return in, nil
}

func (sb *Switchboard) connectCall(loc calling.CallLocator, callbackURL string, o calling.ConnectCallOptions) (calling.CallConnectionProperties, *apiError) {
	switch loc.Kind {
	case calling.GroupCall, calling.ServerCall, calling.RoomCall:
	default:
		return calling.CallConnectionProperties{}, badRequest("The call locator kind is not valid.")
	}
	if loc.ID == "" {
		return calling.CallConnectionProperties{}, badRequest("The call locator has no id.")
	}
	if e := checkCallback(callbackURL, true); e != nil {
		return calling.CallConnectionProperties{}, e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	c := sb.newCall(callbackURL, o.OperationContext, sb.appID, now)
	c.props.MediaStreaming = mediaSubscription(o.MediaStreaming)
	c.props.Transcription = transcriptionSubscription(o.Transcription)
	people, known := sb.groups[string(loc.Kind)+"/"+loc.ID]
	people = append([]identity.Identifier(nil), people...)
	sb.sched.at(now, func(at time.Time) {
		if c.ended {
			return
		}
		if !known {
			res := resNoCall
			sb.emit(c, at, calling.EventTypeConnectFailed, "", func(e *Event) { e.OperationContext, e.Result = c.opContext, &res })
			sb.end(c, at, "the call to connect to was not found", nil)
			return
		}
		for _, p := range people {
			s, _ := sb.reach(p)
			sb.join(c, p, Script{HangUpAfter: s.HangUpAfter}, at)
		}
		c.props.State = calling.StateConnected
		sb.emit(c, at, calling.EventTypeCallConnected, "", func(e *Event) { e.OperationContext = c.opContext })
		sb.emitRoster(c, at)
	})
	return c.snapshot(), nil
}

// live finds a call connection that has not ended. Call with sb.mu held.
func (sb *Switchboard) live(id string) (*call, *apiError) {
	c, ok := sb.calls[id]
	if !ok || c.ended {
		return nil, callNotFound()
	}
	return c, nil
}

// connected finds a call connection in the connected state.
func (sb *Switchboard) connected(id string) (*call, *apiError) {
	c, e := sb.live(id)
	if e != nil {
		return nil, e
	}
	if c.props.State != calling.StateConnected {
		return nil, conflict("CallNotConnected", "The action is not allowed in the call's state ("+string(c.props.State)+").")
	}
	return c, nil
}

func (sb *Switchboard) getCall(id string) (calling.CallConnectionProperties, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return calling.CallConnectionProperties{}, e
	}
	return c.snapshot(), nil
}

// participantsPage returns the page of the roster that starts at skip.
// nextLink is built by link from the next page's skip.
func (sb *Switchboard) participantsPage(id string, skip int, link func(skip int) string) (calling.ListParticipantsPageResponse, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return calling.ListParticipantsPageResponse{}, e
	}
	roster := c.roster()
	if skip > len(roster) {
		skip = len(roster)
	}
	end := min(skip+sb.pageSize(), len(roster))
	page := calling.ListParticipantsPageResponse{Participants: roster[skip:end]}
	if end < len(roster) {
		page.NextLink = link(end)
	}
	return page, nil
}

func (sb *Switchboard) pageSize() int {
	if sb.opts.ParticipantPageSize > 0 {
		return sb.opts.ParticipantPageSize
	}
	return DefaultParticipantPageSize
}

// nextLinkPath is the path and query of a participants page after the
// first; the HTTP face makes it absolute.
func nextLinkPath(id string, skip int) string {
	return callwire.CallConnectionPath(id) + callwire.ActionParticipants + "?skip=" + strconv.Itoa(skip)
}

// parseNextLink reads the skip of a next link of call id; ok is false for
// a link that is not one of the switchboard's for that call.
func parseNextLink(id, link string) (skip int, ok bool) {
	u, err := url.Parse(link)
	if err != nil || u.EscapedPath() != callwire.CallConnectionPath(id)+callwire.ActionParticipants {
		return 0, false
	}
	skip, err = strconv.Atoi(u.Query().Get("skip"))
	if err != nil || skip < 0 {
		return 0, false
	}
	return skip, true
}

func (sb *Switchboard) getParticipant(id string, p identity.Identifier) (calling.CallParticipant, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return calling.CallParticipant{}, e
	}
	m := c.member(p)
	if m == nil {
		return calling.CallParticipant{}, participantNotFound()
	}
	return calling.CallParticipant{Identifier: m.id, IsMuted: m.muted, IsOnHold: m.held}, nil
}

func (sb *Switchboard) addParticipant(id string, p identity.Identifier, o calling.AddParticipantOptions) (calling.AddParticipantResponse, *apiError) {
	if e := sb.checkCallerID(o.SourceCallerID); e != nil {
		return calling.AddParticipantResponse{}, e
	}
	if e := sb.checkTarget("participant", p, o.SourceCallerID, true); e != nil {
		return calling.AddParticipantResponse{}, e
	}
	if e := checkCallback(o.OperationCallbackURL, false); e != nil {
		return calling.AddParticipantResponse{}, e
	}
	timeout := sb.ringFor
	if o.InvitationTimeout != 0 {
		if o.InvitationTimeout < time.Second || o.InvitationTimeout > calling.MaxInvitationTimeout {
			return calling.AddParticipantResponse{}, badRequest("The invitation timeout must be between 1 and 180 seconds.")
		}
		timeout = o.InvitationTimeout
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.connected(id)
	if e != nil {
		return calling.AddParticipantResponse{}, e
	}
	raw := p.RawID()
	if c.member(p) != nil {
		return calling.AddParticipantResponse{}, conflict("ParticipantAlreadyInCall", "The participant is already in the call.")
	}
	for _, r := range c.invites {
		if r.raw == raw {
			return calling.AddParticipantResponse{}, conflict("InvitationPending", "The participant is already being invited.")
		}
	}
	r := &ring{purpose: ringInvite, c: c, target: p, raw: raw, invitationID: uuid.New(), opContext: o.OperationContext, opCallbackURL: o.OperationCallbackURL,
		offer: newOffer(OfferInvitation, o.SourceCallerID, o.SourceDisplayName, o.CustomContext)}
	c.invites[r.invitationID] = r
	c.inviteIDs = append(c.inviteIDs, r.invitationID)
	sb.startRing(r, sb.clock.Now(), timeout)
	return calling.AddParticipantResponse{
		Participant:      calling.CallParticipant{Identifier: p},
		InvitationID:     r.invitationID,
		OperationContext: o.OperationContext,
	}, nil
}

func (sb *Switchboard) removeParticipant(id string, p identity.Identifier, o calling.RemoveParticipantOptions) (calling.RemoveParticipantResponse, *apiError) {
	if e := checkCallback(o.OperationCallbackURL, false); e != nil {
		return calling.RemoveParticipantResponse{}, e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.connected(id)
	if e != nil {
		return calling.RemoveParticipantResponse{}, e
	}
	m := c.member(p)
	if m == nil {
		return calling.RemoveParticipantResponse{}, participantNotFound()
	}
	if m == c.app {
		return calling.RemoveParticipantResponse{}, badRequest("The application cannot remove itself; hang up instead.")
	}
	now := sb.clock.Now()
	sb.removeMember(c, m)
	sb.emitRoster(c, now)
	res := resRemoved
	sb.emit(c, now, calling.EventTypeRemoveParticipantSucceeded, o.OperationCallbackURL, func(e *Event) {
		e.OperationContext, e.Participant, e.Result = o.OperationContext, m.id, &res
	})
	sb.checkEmpty(c, now)
	return calling.RemoveParticipantResponse{OperationContext: o.OperationContext}, nil
}

func (sb *Switchboard) cancelAddParticipant(id, invitationID string, o calling.CancelAddParticipantOptions) (calling.CancelAddParticipantResponse, *apiError) {
	if invitationID == "" {
		return calling.CancelAddParticipantResponse{}, badRequest("The invitation id is required.")
	}
	if e := checkCallback(o.OperationCallbackURL, false); e != nil {
		return calling.CancelAddParticipantResponse{}, e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return calling.CancelAddParticipantResponse{}, e
	}
	now := sb.clock.Now()
	r, ok := c.invites[invitationID]
	if ok {
		r.job.cancel()
		r.offer.settle(resCallerCanceled)
		delete(c.invites, invitationID)
		res := resCanceled
		sb.emit(c, now, calling.EventTypeCancelAddParticipantSucceeded, o.OperationCallbackURL, func(e *Event) {
			e.OperationContext, e.InvitationID, e.Participant, e.Result = o.OperationContext, invitationID, r.target, &res
		})
	} else {
		res := resNoInvite
		sb.emit(c, now, calling.EventTypeCancelAddParticipantFailed, o.OperationCallbackURL, func(e *Event) {
			e.OperationContext, e.InvitationID, e.Result = o.OperationContext, invitationID, &res
		})
	}
	return calling.CancelAddParticipantResponse{InvitationID: invitationID, OperationContext: o.OperationContext}, nil
}

func (sb *Switchboard) muteParticipants(id string, ps []identity.Identifier, o calling.MuteParticipantOptions) (calling.MuteParticipantResponse, *apiError) {
	if len(ps) != 1 {
		return calling.MuteParticipantResponse{}, badRequest("Exactly one participant can be muted per request.")
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.connected(id)
	if e != nil {
		return calling.MuteParticipantResponse{}, e
	}
	m := c.member(ps[0])
	if m == nil {
		return calling.MuteParticipantResponse{}, participantNotFound()
	}
	if _, ok := m.id.(identity.CommunicationUserIdentifier); !ok {
		return calling.MuteParticipantResponse{}, badRequest("Only ACS users can be muted.")
	}
	if !m.muted {
		m.muted = true
		sb.emitRoster(c, sb.clock.Now())
	}
	//lint:ignore S1016 an options struct is not a response: the two may grow apart
	return calling.MuteParticipantResponse{OperationContext: o.OperationContext}, nil
}

func (sb *Switchboard) transferCall(id string, target identity.Identifier, o calling.TransferToParticipantOptions) (calling.TransferToParticipantResponse, *apiError) {
	if e := sb.checkCallerID(o.SourceCallerID); e != nil {
		return calling.TransferToParticipantResponse{}, e
	}
	if e := sb.checkTarget("target", target, nil, false); e != nil {
		return calling.TransferToParticipantResponse{}, e
	}
	if e := checkCallback(o.OperationCallbackURL, false); e != nil {
		return calling.TransferToParticipantResponse{}, e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return calling.TransferToParticipantResponse{}, e
	}
	if c.transfer != nil {
		return calling.TransferToParticipantResponse{}, conflict("TransferInProgress", "A transfer of the call is in progress.")
	}
	if c.props.State != calling.StateConnected {
		return calling.TransferToParticipantResponse{}, conflict("CallNotConnected", "The action is not allowed in the call's state ("+string(c.props.State)+").")
	}
	if c.member(target) != nil {
		return calling.TransferToParticipantResponse{}, badRequest("The transfer target is already in the call.")
	}
	others := c.others()
	var transferee *member
	switch {
	case o.Transferee != nil:
		transferee = c.member(o.Transferee)
		if transferee == nil || transferee == c.app {
			return calling.TransferToParticipantResponse{}, participantNotFound()
		}
	case len(others) == 1:
		transferee = others[0]
	default:
		return calling.TransferToParticipantResponse{}, badRequest("The transferee is required in a call with more than two participants.")
	}
	c.props.State = calling.StateTransferring
	r := &ring{purpose: ringTransfer, c: c, target: target, raw: target.RawID(), transferee: transferee, opContext: o.OperationContext, opCallbackURL: o.OperationCallbackURL,
		offer: newOffer(OfferTransfer, o.SourceCallerID, "", o.CustomContext)}
	c.transfer = r
	sb.startRing(r, sb.clock.Now(), sb.transferFor)
	return calling.TransferToParticipantResponse{OperationContext: o.OperationContext}, nil
}

func (sb *Switchboard) setHold(id string, p identity.Identifier, hold bool, callbackURL string) *apiError {
	if e := checkCallback(callbackURL, false); e != nil {
		return e
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.connected(id)
	if e != nil {
		return e
	}
	m := c.member(p)
	if m == nil {
		return participantNotFound()
	}
	if m == c.app {
		return badRequest("The application cannot hold itself.")
	}
	if m.held != hold {
		m.held = hold
		sb.emitRoster(c, sb.clock.Now())
	}
	return nil
}

func (sb *Switchboard) hangUp(id string) *apiError {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return e
	}
	reason := "the application hung up; the call ended"
	if len(c.others()) > 1 {
		reason = "the application hung up; the call goes on for the others"
	}
	sb.end(c, sb.clock.Now(), reason, &resEndedByApp)
	return nil
}

func (sb *Switchboard) terminate(id string) *apiError {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, e := sb.live(id)
	if e != nil {
		return e
	}
	sb.end(c, sb.clock.Now(), "terminated for everyone", &resEndedByApp)
	return nil
}

// snapshot copies the call's properties.
func (c *call) snapshot() calling.CallConnectionProperties {
	p := c.props
	p.Targets = append([]identity.Identifier(nil), c.props.Targets...)
	return p
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
