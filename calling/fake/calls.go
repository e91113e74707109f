package fake

import (
	"slices"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// The call model. Everything here runs with sb.mu held: the operations of
// both faces, the scheduler's jobs and the test controls. Events are
// appended to the call's outbox under the same lock, so their order is the
// order in which the state changed.

// member is a participant in a call.
type member struct {
	id     identity.Identifier
	raw    string
	muted  bool
	held   bool
	hangup *job
}

// ringPurpose says why a party is being rung.
type ringPurpose int

const (
	ringCreate ringPurpose = iota + 1
	ringInvite
	ringTransfer
	ringRedirect
)

// ring is a party being rung: a callee of CreateCall, an invitee, a
// transfer target, a redirect target.
type ring struct {
	purpose       ringPurpose
	c             *call
	in            *incoming
	target        identity.Identifier
	raw           string
	script        Script
	invitationID  string
	opContext     string
	opCallbackURL string
	transferee    *member
	offer         *Offer
	job           *job
}

// call is one call connection of the application and the call it is in.
type call struct {
	props     calling.CallConnectionProperties // state kept in props.State
	opContext string
	app       *member
	members   []*member // the application first
	rosterSeq int
	rings     []*ring // callees of CreateCall still ringing
	invites   map[string]*ring
	inviteIDs []string // invitation ids in the order sent
	transfer  *ring
	ob        *outbox
	events    []*record
	ended     bool
	final     bool // the last event (CallDisconnected, CreateCallFailed, ConnectFailed) was raised
	endReason string
	transTo   identity.Identifier
	created   time.Time
}

// incoming is an incoming call announced through Event Grid.
type incoming struct {
	info    IncomingCall
	gridURL string // IncomingCallOptions.EventGridURL
	script  Script // the caller's
	timeout *job
	ring    *ring
	st      status // guarded by the deliverer's lock
}

// reach looks a party up: its script, or the result of a call that cannot
// reach it at all.
func (sb *Switchboard) reach(id identity.Identifier) (Script, *ResultInformation) {
	p, ok := sb.parties[id.RawID()]
	if !ok {
		if sb.opts.Unknown != nil {
			return *sb.opts.Unknown, nil
		}
		r := notFound(id)
		return Script{}, &r
	}
	if p.teams {
		if r := sb.teamsRefusal(p); r != nil {
			return Script{}, r
		}
		if r := p.avail.refusal(); r != nil {
			return Script{}, r
		}
	}
	return p.script, nil
}

// startRing rings r's target from at, for at most timeout, and records
// r.offer (which every ring has) among the switchboard's offers.
func (sb *Switchboard) startRing(r *ring, at time.Time, timeout time.Duration) {
	r.offer.Target, r.offer.InvitationID, r.offer.Time = r.target, r.invitationID, at
	if r.c != nil {
		r.offer.CallConnectionID = r.c.props.CallConnectionID
	}
	sb.offers = append(sb.offers, r.offer)
	script, refused := sb.reach(r.target)
	r.script = script
	if refused != nil {
		res := *refused
		r.job = sb.sched.at(at, func(t time.Time) { sb.ringFailed(r, t, res) })
		return
	}
	switch script.action() {
	case Answer:
		if script.RingFor < timeout {
			r.job = sb.sched.at(at.Add(script.RingFor), func(t time.Time) { sb.ringAnswered(r, t) })
			return
		}
	case Reject, RefuseBusy:
		res := resDeclined
		if script.action() == RefuseBusy {
			res = busy(r.target)
		}
		if script.RingFor < timeout {
			r.job = sb.sched.at(at.Add(script.RingFor), func(t time.Time) { sb.ringFailed(r, t, res) })
			return
		}
	}
	r.job = sb.sched.at(at.Add(timeout), func(t time.Time) { sb.ringFailed(r, t, resTimeout) })
}

// ringAnswered is the target of r picking up at at.
func (sb *Switchboard) ringAnswered(r *ring, at time.Time) {
	r.offer.settle(resAnswered)
	c := r.c
	switch r.purpose {
	case ringCreate:
		c.rings = slices.DeleteFunc(c.rings, func(x *ring) bool { return x == r })
		if c.ended {
			return
		}
		sb.join(c, r.target, r.script, at)
		if c.props.State == calling.StateConnecting {
			c.props.State = calling.StateConnected
			sb.emit(c, at, calling.EventTypeCallConnected, "", func(e *Event) { e.OperationContext = c.opContext })
		}
		sb.emitRoster(c, at)
	case ringInvite:
		delete(c.invites, r.invitationID)
		if c.ended {
			return
		}
		sb.join(c, r.target, r.script, at)
		sb.emitRoster(c, at)
		res := resAdded
		sb.emit(c, at, calling.EventTypeAddParticipantSucceeded, r.opCallbackURL, func(e *Event) {
			e.OperationContext, e.Participant, e.InvitationID, e.Result = r.opContext, r.target, r.invitationID, &res
		})
	case ringTransfer:
		c.transfer = nil
		if c.ended {
			return
		}
		res := resTransferred
		sb.emit(c, at, calling.EventTypeCallTransferAccepted, r.opCallbackURL, func(e *Event) {
			e.OperationContext, e.Transferee, e.TransferTarget, e.Result = r.opContext, r.transferee.id, r.target, &res
		})
		if len(c.others()) <= 1 {
			// The application's leg of a 1:1 call is handed over: the
			// transferee and the target talk on without it.
			c.props.State = calling.StateTransferAccepted
			c.transTo = r.target
			sb.end(c, at, "transferred", &resEndedByTransfer)
			return
		}
		sb.removeMember(c, r.transferee)
		c.props.State = calling.StateConnected
		sb.emitRoster(c, at)
	case ringRedirect:
		res := resAnswered
		r.in.info.RedirectResult = &res
		r.in.ring = nil
	}
}

// ringFailed is the ringing of r ending without an answer.
func (sb *Switchboard) ringFailed(r *ring, at time.Time, res ResultInformation) {
	r.offer.settle(res)
	c := r.c
	switch r.purpose {
	case ringCreate:
		c.rings = slices.DeleteFunc(c.rings, func(x *ring) bool { return x == r })
		if c.ended {
			return
		}
		if c.props.State == calling.StateConnecting {
			if len(c.rings) == 0 {
				sb.emit(c, at, calling.EventTypeCreateCallFailed, "", func(e *Event) { e.OperationContext, e.Result = c.opContext, &res })
				sb.end(c, at, "no callee answered", nil)
			}
			return
		}
		sb.checkEmpty(c, at)
	case ringInvite:
		delete(c.invites, r.invitationID)
		if c.ended {
			return
		}
		sb.emit(c, at, calling.EventTypeAddParticipantFailed, r.opCallbackURL, func(e *Event) {
			e.OperationContext, e.Participant, e.InvitationID, e.Result = r.opContext, r.target, r.invitationID, &res
		})
	case ringTransfer:
		c.transfer = nil
		if c.ended {
			return
		}
		c.props.State = calling.StateConnected
		sb.emit(c, at, calling.EventTypeCallTransferFailed, r.opCallbackURL, func(e *Event) {
			e.OperationContext, e.Transferee, e.TransferTarget, e.Result = r.opContext, r.transferee.id, r.target, &res
		})
	case ringRedirect:
		r.in.info.RedirectResult = &res
		r.in.ring = nil
	}
}

// join adds a party to the call and schedules its scripted hang-up.
func (sb *Switchboard) join(c *call, id identity.Identifier, s Script, at time.Time) *member {
	m := &member{id: id, raw: id.RawID()}
	c.members = append(c.members, m)
	if s.HangUpAfter > 0 {
		m.hangup = sb.sched.at(at.Add(s.HangUpAfter), func(t time.Time) { sb.leave(c, m, t) })
	}
	return m
}

// leave is a participant hanging up.
func (sb *Switchboard) leave(c *call, m *member, at time.Time) {
	if c.ended || !slices.Contains(c.members, m) {
		return
	}
	if t := c.transfer; t != nil && t.transferee == m {
		t.job.cancel()
		t.offer.settle(resGone)
		c.transfer = nil
		c.props.State = calling.StateConnected
		res := resGone
		sb.emit(c, at, calling.EventTypeCallTransferFailed, t.opCallbackURL, func(e *Event) {
			e.OperationContext, e.Transferee, e.TransferTarget, e.Result = t.opContext, m.id, t.target, &res
		})
	}
	sb.removeMember(c, m)
	sb.emitRoster(c, at)
	sb.checkEmpty(c, at)
}

func (sb *Switchboard) removeMember(c *call, m *member) {
	m.hangup.cancel()
	c.members = slices.DeleteFunc(c.members, func(x *member) bool { return x == m })
}

// checkEmpty ends a call that nobody but the application is in, or rings.
func (sb *Switchboard) checkEmpty(c *call, at time.Time) {
	if !c.ended && len(c.others()) == 0 && len(c.rings) == 0 {
		sb.end(c, at, "every other participant left", &resOneLeft)
	}
}

// end ends the call connection: nothing rings or runs for it any more, and
// with a result (disconnected) a CallDisconnected event carrying it is its
// last.
func (sb *Switchboard) end(c *call, at time.Time, reason string, disconnected *ResultInformation) {
	if c.ended {
		return
	}
	c.ended = true
	c.endReason = reason
	for _, r := range c.rings {
		r.job.cancel()
		r.offer.settle(resCallerCanceled)
	}
	c.rings = nil
	for _, r := range c.invites {
		r.job.cancel()
		r.offer.settle(resCallerCanceled)
	}
	clear(c.invites)
	if c.transfer != nil {
		c.transfer.job.cancel()
		c.transfer.offer.settle(resCallerCanceled)
		c.transfer = nil
	}
	for _, m := range c.members {
		m.hangup.cancel()
	}
	if disconnected != nil {
		res := *disconnected
		sb.emit(c, at, calling.EventTypeCallDisconnected, "", func(e *Event) { e.Result = &res })
	}
	c.props.State = calling.StateDisconnected
	c.final = true
}

// others returns the participants other than the application.
func (c *call) others() []*member {
	out := make([]*member, 0, len(c.members))
	for _, m := range c.members {
		if m != c.app {
			out = append(out, m)
		}
	}
	return out
}

func (c *call) member(id identity.Identifier) *member {
	raw := id.RawID()
	for _, m := range c.members {
		if m.raw == raw {
			return m
		}
	}
	return nil
}

func (c *call) roster() []calling.CallParticipant {
	out := make([]calling.CallParticipant, len(c.members))
	for i, m := range c.members {
		out[i] = calling.CallParticipant{Identifier: m.id, IsMuted: m.muted, IsOnHold: m.held}
	}
	return out
}

// emit raises an event for the call connection and queues its delivery.
// url, when not empty, is an operation's own callback URL.
func (sb *Switchboard) emit(c *call, at time.Time, typ, url string, fill func(*Event)) {
	if c.final {
		return
	}
	if url == "" {
		url = c.props.CallbackURL
	}
	rec := &record{}
	e := &rec.ev
	*e = Event{
		Type:             typ,
		ID:               uuid.New(),
		Time:             at,
		Seq:              len(c.events) + 1,
		CallbackURL:      url,
		CallConnectionID: c.props.CallConnectionID,
		ServerCallID:     c.props.ServerCallID,
		CorrelationID:    c.props.CorrelationID,
	}
	if fill != nil {
		fill(e)
	}
	c.events = append(c.events, rec)
	sb.delivery.enqueue(c.ob, &item{rec: rec})
}

// emitRoster raises ParticipantsUpdated with the call's roster.
func (sb *Switchboard) emitRoster(c *call, at time.Time) {
	c.rosterSeq++
	seq, roster := c.rosterSeq, c.roster()
	sb.emit(c, at, calling.EventTypeParticipantsUpdated, "", func(e *Event) { e.Participants, e.SequenceNumber = roster, seq })
}

// newCall registers a call connection. Call with sb.mu held.
func (sb *Switchboard) newCall(callbackURL, opContext string, app identity.Identifier, now time.Time) *call {
	id := uuid.New()
	c := &call{
		props: calling.CallConnectionProperties{
			CallConnectionID: id,
			ServerCallID:     serverCallID(),
			State:            calling.StateConnecting,
			CallbackURL:      callbackURL,
			CorrelationID:    uuid.New(),
		},
		opContext: opContext,
		invites:   map[string]*ring{},
		created:   now,
	}
	c.app = &member{id: app, raw: app.RawID()}
	c.members = []*member{c.app}
	c.ob = sb.delivery.newOutbox()
	sb.calls[id] = c
	sb.order = append(sb.order, c)
	return c
}

// serverCallID returns an id shaped like the service's: base64url of a
// conversation URL.
func serverCallID() string {
	return b64url("https://switchboard.invalid/conv/" + uuid.New())
}

func mediaSubscription(o *calling.MediaStreamingOptions) *calling.MediaStreamingSubscription {
	if o == nil {
		return nil
	}
	state := "inactive"
	if o.StartMediaStreaming {
		state = "active"
	}
	ct := o.ContentType
	if ct == "" {
		ct = "audio"
	}
	return &calling.MediaStreamingSubscription{ID: uuid.New(), State: state, ContentTypes: []string{ct}}
}

func transcriptionSubscription(o *calling.TranscriptionOptions) *calling.TranscriptionSubscription {
	if o == nil {
		return nil
	}
	state := "inactive"
	if o.StartTranscription {
		state = "active"
	}
	types := []string{"final"}
	if o.EnableIntermediateResults {
		types = append(types, "intermediate")
	}
	return &calling.TranscriptionSubscription{ID: uuid.New(), State: state, ResultTypes: types, Locale: o.Locale}
}

// Checks the service makes of what it is asked to call, whichever face the
// request came through (the client checks the same before sending; a raw
// HTTP request may not have).

func (sb *Switchboard) checkTarget(what string, id identity.Identifier, callerID *identity.PhoneNumberIdentifier, needCallerID bool) *apiError {
	if p, ok := id.(identity.PhoneNumberIdentifier); ok {
		if !callwire.IsE164(p.PhoneNumber) {
			return badRequest("The " + what + " phone number is not in E.164 form.")
		}
		if needCallerID && callerID == nil {
			return badRequest("A source caller id (sourceCallerIdNumber) is required to call a phone number.")
		}
	}
	if _, ok := id.(identity.MicrosoftTeamsUserIdentifier); ok && id.(identity.MicrosoftTeamsUserIdentifier).UserID == "" {
		return badRequest("The " + what + " Teams user has no user id.")
	}
	return nil
}

func (sb *Switchboard) checkCallerID(p *identity.PhoneNumberIdentifier) *apiError {
	if p == nil {
		return nil
	}
	if !callwire.IsE164(p.PhoneNumber) {
		return badRequest("The source caller id is not a phone number in E.164 form.")
	}
	if !sb.ownsNumber(*p) {
		return &apiError{status: 403, code: "Forbidden", msg: "The source caller id is not a number of the resource."}
	}
	return nil
}

func checkCallback(u string, required bool) *apiError {
	if u == "" && !required {
		return nil
	}
	if callwire.CheckCallbackURL(u, true) != nil { // the fake serves loopback only
		return badRequest("The field CallbackUri is invalid.")
	}
	return nil
}
