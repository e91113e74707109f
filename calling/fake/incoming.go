package fake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// IncomingCallOptions are the optional parameters of IncomingCall.
type IncomingCallOptions struct {
	// CallerDisplayName is the caller's display name; empty means the
	// caller's number for a phone, or a name made up from the id.
	CallerDisplayName string
	// CustomContext is custom data that comes with the call (SIP headers
	// from a phone, VoIP headers from a client, Teams details).
	CustomContext *calling.CustomCallingContext
	// OnBehalfOfCallee is the user the call is for, when it reached a Teams
	// resource account or a call queue (To) on that user's behalf.
	OnBehalfOfCallee identity.Identifier
	// EventGridURL is where this call's Event Grid event is POSTed instead
	// of Options.EventGridURL, as another Event Grid subscription of the
	// resource would receive it (Options.OnIncomingCall still wins).
	EventGridURL string
}

// IncomingCall makes from call to, an identity or number of the resource,
// and announces the call as a Microsoft.Communication.IncomingCall Event
// Grid event: to Options.OnIncomingCall, or POSTed to Options.EventGridURL.
// A caller added with AddTeamsUser, AddPhoneNumber... hangs up as its
// Script's HangUpAfter says, counted from the answer (its other fields
// are about being called); a caller never added stays until the call ends.
//
// As the service, the switchboard raises IncomingCall only for what the
// resource receives calls for: an ACS user (identity.CommunicationUserIdentifier),
// a phone number of the resource (Options.CallerIDs and AddCallerID; any
// number when there are none) or a Teams resource account of the resource
// (identity.MicrosoftTeamsAppIdentifier, Teams Phone extensibility). A Teams
// user's calls ring their Teams client, not the resource: to is refused.
//
// The returned value carries the incomingCallContext that AnswerCall,
// RedirectCall and RejectCall take. The call rings for the ring timeout;
// after it the caller gives up and the context no longer works.
func (sb *Switchboard) IncomingCall(ctx context.Context, from, to identity.Identifier, opts *IncomingCallOptions) (IncomingCall, error) {
	if ctx == nil {
		return IncomingCall{}, errors.New("fake: nil context")
	}
	if err := ctx.Err(); err != nil {
		return IncomingCall{}, err
	}
	if from == nil || to == nil || from.RawID() == "" || to.RawID() == "" {
		return IncomingCall{}, errors.New("fake: an incoming call needs a caller and a callee")
	}
	if !sb.receivesCalls(to) {
		return IncomingCall{}, errors.New("fake: the resource receives no IncomingCall for the callee: only for its ACS users, its phone numbers (Options.CallerIDs, AddCallerID) and its Teams resource accounts")
	}
	var o IncomingCallOptions
	if opts != nil {
		o = *opts
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.closed {
		return IncomingCall{}, errClosed
	}
	script := Answers()
	if p, ok := sb.parties[from.RawID()]; ok {
		script = p.script
	}
	name := o.CallerDisplayName
	if name == "" {
		if p, ok := from.(identity.PhoneNumberIdentifier); ok {
			name = p.PhoneNumber
		} else {
			name = "Caller " + shortName(from.RawID())
		}
	}
	in := sb.announce(IncomingCall{
		From:              from,
		To:                to,
		CallerDisplayName: name,
		ServerCallID:      serverCallID(),
		CorrelationID:     uuid.New(),
		CustomContext:     o.CustomContext,
		OnBehalfOfCallee:  o.OnBehalfOfCallee,
	}, script, o.EventGridURL)
	return sb.incomingSnapshot(in), nil
}

// receivesCalls reports whether the resource gets an IncomingCall event
// for calls to id. Learn: Call Automation "Incoming call concepts"
// (concepts/call-automation/incoming-call-notification.md): calls to an
// Azure Communication Services identity or to a PSTN number of the
// resource trigger IncomingCall; Teams users are not in its table. Teams
// resource accounts receive them too (the published example
// eventgrid_IncomingCall_TeamsResourceAccount_data.json of
// calling/testdata/events, "to": 28:orgid:...).
func (sb *Switchboard) receivesCalls(id identity.Identifier) bool {
	switch v := id.(type) {
	case identity.CommunicationUserIdentifier, identity.MicrosoftTeamsAppIdentifier:
		return true
	case identity.PhoneNumberIdentifier:
		return sb.ownsNumber(v)
	}
	return false
}

// ownsNumber reports whether p is a number of the resource: one of
// Options.CallerIDs or AddCallerID, or any number when none is configured
// (as a source caller id is then any number: the switchboard does not know
// the resource's numbers).
func (sb *Switchboard) ownsNumber(p identity.PhoneNumberIdentifier) bool {
	sb.numbersMu.Lock()
	defer sb.numbersMu.Unlock()
	return len(sb.callerIDs) == 0 || slices.Contains(sb.callerIDs, p.PhoneNumber)
}

// announce registers a ringing incoming call with the ids of info (and a
// new incoming call context, event id and time) and queues its Event Grid
// delivery, to gridURL (empty: Options.EventGridURL). Call with sb.mu held.
func (sb *Switchboard) announce(info IncomingCall, script Script, gridURL string) *incoming {
	now := sb.clock.Now()
	info.IncomingCallContext = newCallContext()
	info.EventID = uuid.New()
	info.Time = now
	info.State = IncomingRinging
	in := &incoming{script: script, info: info, gridURL: gridURL}
	sb.incoming[in.info.IncomingCallContext] = in
	sb.inOrder = append(sb.inOrder, in)
	in.timeout = sb.sched.at(now.Add(sb.ringFor), func(time.Time) {
		if in.info.State == IncomingRinging {
			in.info.State = IncomingAbandoned
		}
	})
	sb.delivery.enqueue(sb.delivery.grid, &item{in: in})
	return in
}

// AbandonIncomingCall makes the caller of a ringing incoming call hang up
// before the application acted: its context stops working. It reports
// whether the call was still ringing.
func (sb *Switchboard) AbandonIncomingCall(incomingCallContext string) bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	in, ok := sb.incoming[incomingCallContext]
	if !ok || in.info.State != IncomingRinging {
		return false
	}
	in.timeout.cancel()
	in.info.State = IncomingAbandoned
	return true
}

// IncomingCalls returns every incoming call so far, oldest first.
func (sb *Switchboard) IncomingCalls() []IncomingCall {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	out := make([]IncomingCall, len(sb.inOrder))
	for i, in := range sb.inOrder {
		out[i] = sb.incomingSnapshot(in)
	}
	return out
}

// incomingSnapshot copies the incoming call with its delivery state. Call
// with sb.mu held.
func (sb *Switchboard) incomingSnapshot(in *incoming) IncomingCall {
	c := in.info
	if in.info.RedirectResult != nil {
		r := *in.info.RedirectResult
		c.RedirectResult = &r
	}
	sb.delivery.mu.Lock()
	c.Delivered, c.Attempts, c.DeliveryError = in.st.delivered, in.st.attempts, in.st.err
	sb.delivery.mu.Unlock()
	return c
}

// newCallContext returns an opaque incoming call context.
func newCallContext() string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return "fake." + base64.RawURLEncoding.EncodeToString(b[:])
}

func shortName(raw string) string {
	if len(raw) > 12 {
		return raw[len(raw)-12:]
	}
	return raw
}

// ValidateEventGridSubscription performs Event Grid's subscription
// validation handshake with url (empty means Options.EventGridURL), as Event
// Grid does when a webhook subscription is created: it POSTs a
// Microsoft.EventGrid.SubscriptionValidationEvent with a fresh validation
// code and checks that the endpoint answers 200 with
// {"validationResponse": code}.
func (sb *Switchboard) ValidateEventGridSubscription(ctx context.Context, url string) error {
	if ctx == nil {
		return errors.New("fake: nil context")
	}
	target := url
	if target == "" {
		target = sb.opts.EventGridURL
	}
	if target == "" {
		return errNoEventGrid
	}
	code := uuid.New()
	ev, err := eventwire.NewSubscriptionValidationEvent(Topic, code, "https://switchboard.invalid/eventgrid/validate?code="+code, "", sb.clock.Now())
	if err != nil {
		return err
	}
	body, err := eventwire.MarshalEventGridEvents([]eventwire.EventGridEvent{ev})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return errors.New("fake: the Event Grid url is not usable")
	}
	for k, vs := range sb.opts.EventGridHeader {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("aeg-event-type", "SubscriptionValidation")
	resp, err := sb.delivery.client.Do(req)
	if err != nil {
		return fmt.Errorf("fake: the validation request failed: %w", unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fake: the endpoint answered the validation with %d", resp.StatusCode)
	}
	var answer eventwire.ValidationResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&answer); err != nil || answer.ValidationResponse != code {
		return errors.New("fake: the endpoint did not echo the validation code")
	}
	return nil
}
