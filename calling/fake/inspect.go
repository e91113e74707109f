package fake

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// CallInfo is what the switchboard knows of a call connection, for tests
// to inspect.
type CallInfo struct {
	// CallConnectionProperties are the connection's properties, as GetCall
	// returns them (State is StateDisconnected once it ended).
	calling.CallConnectionProperties
	// Participants is the roster, the application first.
	Participants []calling.CallParticipant
	// Ringing are the callees of CreateCall still ringing.
	Ringing []identity.Identifier
	// Invitations are the pending invitations, by invitation id.
	Invitations map[string]identity.Identifier
	// TransferTarget is the target of a transfer in progress.
	TransferTarget identity.Identifier
	// TransferredTo is where a 1:1 call was transferred, once it was.
	TransferredTo identity.Identifier
	// Ended is true once the connection ended; EndReason says how.
	Ended     bool
	EndReason string
	// Created is when the connection was created.
	Created time.Time
	// Events counts the events raised for the connection.
	Events int
}

// Calls returns every call connection so far, oldest first.
func (sb *Switchboard) Calls() []CallInfo {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	out := make([]CallInfo, len(sb.order))
	for i, c := range sb.order {
		out[i] = c.info()
	}
	return out
}

// Call returns a call connection by id.
func (sb *Switchboard) Call(callConnectionID string) (CallInfo, bool) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, ok := sb.calls[callConnectionID]
	if !ok {
		return CallInfo{}, false
	}
	return c.info(), true
}

func (c *call) info() CallInfo {
	ci := CallInfo{
		CallConnectionProperties: c.snapshot(),
		Participants:             c.roster(),
		TransferredTo:            c.transTo,
		Ended:                    c.ended,
		EndReason:                c.endReason,
		Created:                  c.created,
		Events:                   len(c.events),
		Invitations:              map[string]identity.Identifier{},
	}
	for _, r := range c.rings {
		ci.Ringing = append(ci.Ringing, r.target)
	}
	for id, r := range c.invites {
		ci.Invitations[id] = r.target
	}
	if c.transfer != nil {
		ci.TransferTarget = c.transfer.target
	}
	return ci
}

// Events returns the events raised for a call connection so far, in
// order, with the fate of their delivery.
func (sb *Switchboard) Events(callConnectionID string) []Event {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, ok := sb.calls[callConnectionID]
	if !ok {
		return nil
	}
	return sb.eventsOf(c)
}

// AllEvents returns the events of every call connection, connection by
// connection in the order they were created.
func (sb *Switchboard) AllEvents() []Event {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	var out []Event
	for _, c := range sb.order {
		out = append(out, sb.eventsOf(c)...)
	}
	return out
}

// eventsOf copies the events of c. Call with sb.mu held.
func (sb *Switchboard) eventsOf(c *call) []Event {
	out := make([]Event, len(c.events))
	sb.delivery.mu.Lock()
	defer sb.delivery.mu.Unlock()
	for i, r := range c.events {
		out[i] = r.ev.clone()
		out[i].Delivered, out[i].Attempts, out[i].DeliveryError = r.st.delivered, r.st.attempts, r.st.err
	}
	return out
}

// Leave makes a participant of a call hang up now, as a scripted
// HangsUpAfter would: the others get a ParticipantsUpdated event, and the
// call ends when nobody but the application is left. It reports whether
// the participant was in the call.
func (sb *Switchboard) Leave(callConnectionID string, participant identity.Identifier) bool {
	if participant == nil {
		return false
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	c, ok := sb.calls[callConnectionID]
	if !ok || c.ended {
		return false
	}
	m := c.member(participant)
	if m == nil || m == c.app {
		return false
	}
	sb.leave(c, m, sb.clock.Now())
	return true
}

// Flush waits until every event raised so far was delivered or given up,
// or ctx ends. Events raised later by the clock (a ring timeout, a
// scripted hang-up) are not waited for: advance the clock first.
func (sb *Switchboard) Flush(ctx context.Context) error { return sb.delivery.flush(ctx) }

// Settle waits until every timed step due at the clock's current time has
// run (a party that answers at once has answered) and every event raised
// has been delivered or given up, or ctx ends. It does not move the clock.
func (sb *Switchboard) Settle(ctx context.Context) error {
	for {
		sb.mu.Lock()
		if sb.closed {
			sb.mu.Unlock()
			return errClosed
		}
		due := sb.sched.due(sb.clock.Now())
		passed := sb.sched.passed
		sb.mu.Unlock()
		if due {
			sb.sched.poke()
			select {
			case <-passed:
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := sb.delivery.flush(ctx); err != nil {
			return err
		}
		sb.mu.Lock()
		due = sb.sched.due(sb.clock.Now())
		sb.mu.Unlock()
		if !due {
			return nil
		}
	}
}

// Pending returns the number of timed steps waiting for the clock: rings,
// ring timeouts and scripted hang-ups.
func (sb *Switchboard) Pending() int {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.sched.pending()
}

// Deadlines returns when the timed steps waiting for the clock are due,
// earliest first.
func (sb *Switchboard) Deadlines() []time.Time {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	var out []time.Time
	for _, j := range sb.sched.jobs {
		if !j.canceled {
			out = append(out, j.at)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// Offer kinds: why the switchboard rang a party.
const (
	OfferCall       = "call"       // a target of CreateCall
	OfferInvitation = "invitation" // AddParticipant
	OfferTransfer   = "transfer"   // the target of TransferToParticipant
	OfferRedirect   = "redirect"   // the target of RedirectCall
)

// Offer is a call the switchboard offered a party, with what the party's
// client was shown: the caller id, the display name and the custom
// calling context the request carried. In the 2026-03-12 spec
// sourceDisplayName is in CreateCallRequest ("Display name of the call if
// dialing out to a pstn number") and AddParticipantRequest ("when adding a
// PSTN participant or teams user"), shown to a Teams callee too ("Set
// custom display name for the callee when making a call offer to a
// Microsoft Teams user", Learn: Call Automation Teams interop concepts);
// customCallingContext is in AddParticipantRequest and
// TransferToParticipantRequest only (not in CreateCallRequest nor
// RedirectCallRequest).
type Offer struct {
	// Kind is OfferCall, OfferInvitation, OfferTransfer or OfferRedirect.
	Kind string
	// CallConnectionID is the call connection that made the offer; empty
	// for a redirect.
	CallConnectionID string
	// InvitationID is the id of an invitation.
	InvitationID string
	// Target is the party offered the call.
	Target identity.Identifier
	// SourceCallerID is the caller id sent (for a phone target).
	SourceCallerID *identity.PhoneNumberIdentifier
	// SourceDisplayName is the display name sent (CreateCall,
	// AddParticipant).
	SourceDisplayName string
	// CustomContext is the custom calling context sent (AddParticipant,
	// TransferToParticipant), with the Teams details a Teams client shows
	// (TeamsPhoneCallDetails); nil if none.
	CustomContext *calling.CustomCallingContext
	// Time is when the party started ringing.
	Time time.Time
	// Result is what became of the offer: nil while it rings, 200 when
	// the party answered, the failure otherwise (603 declined, 487/10004
	// not answered in time, 487/0 withdrawn...).
	Result *ResultInformation
}

// Offers returns every call the switchboard offered a party so far,
// oldest first.
func (sb *Switchboard) Offers() []Offer {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	out := make([]Offer, len(sb.offers))
	for i, o := range sb.offers {
		out[i] = *o
		out[i].CustomContext = cloneContext(o.CustomContext)
		if o.Result != nil {
			r := *o.Result
			out[i].Result = &r
		}
	}
	return out
}

// newOffer returns the offer of a request's options, with a copy of its
// custom context (the caller may reuse its maps).
func newOffer(kind string, callerID *identity.PhoneNumberIdentifier, displayName string, cc *calling.CustomCallingContext) *Offer {
	return &Offer{Kind: kind, SourceCallerID: callerID, SourceDisplayName: displayName, CustomContext: cloneContext(cc)}
}

// cloneContext returns a deep copy of a custom calling context, so that
// neither the request's sender nor a reader of Offers shares its maps with
// the switchboard.
func cloneContext(cc *calling.CustomCallingContext) *calling.CustomCallingContext {
	if cc == nil {
		return nil
	}
	c := &calling.CustomCallingContext{VoIPHeaders: maps.Clone(cc.VoIPHeaders), SIPHeaders: maps.Clone(cc.SIPHeaders)}
	if d := cc.TeamsPhoneCallDetails; d != nil {
		dc := *d
		if d.CallerDetails != nil {
			cd := *d.CallerDetails
			cd.AdditionalCallerInformation = maps.Clone(cd.AdditionalCallerInformation)
			dc.CallerDetails = &cd
		}
		if d.SourceDetails != nil {
			sd := *d.SourceDetails
			sd.IntendedTargets = maps.Clone(sd.IntendedTargets)
			dc.SourceDetails = &sd
		}
		c.TeamsPhoneCallDetails = &dc
	}
	return c
}

// settle records what became of the offer, once. Call with sb.mu held.
func (o *Offer) settle(r ResultInformation) {
	if o != nil && o.Result == nil {
		o.Result = &r
	}
}
