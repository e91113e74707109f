package calling

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// GetCall reads a call connection's properties.
func (c *Client) GetCall(ctx context.Context, callConnectionID string, opts *GetCallOptions) (_ GetCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.GetCall")
	defer func() { endSpan(err) }()
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return GetCallResponse{}, err
	}
	p, err := c.connection(ctx, call{method: http.MethodGet, path: callwire.CallConnectionPath(callConnectionID), ok: statusOK})
	return GetCallResponse{p}, err
}

// ListParticipants lists a call's participants, page after page; an error
// ends the sequence after being yielded. The service leaves recording and
// transcription bots out.
func (c *Client) ListParticipants(ctx context.Context, callConnectionID string, opts *ListParticipantsOptions) iter.Seq2[CallParticipant, error] {
	var o ListParticipantsOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(CallParticipant, error) bool) {
		pages := 0
		paging.Items(o.NextLink, func(link string) ([]CallParticipant, string, error) {
			if pages++; pages > maxParticipantPages {
				return nil, "", errTooManyPages
			}
			p := o
			p.NextLink = link
			resp, err := c.ListParticipantsPage(ctx, callConnectionID, &p)
			return resp.Participants, resp.NextLink, err
		})(yield)
	}
}

// maxParticipantPages bounds the pages one listing follows, so that a
// service that keeps answering with new next links cannot keep a caller
// looping forever.
const maxParticipantPages = 1000

// ListParticipantsPage reads one page of ListParticipants: the first, or
// the one opts.NextLink names. A next link must stay on the client's
// endpoint: the client will not send its credentials to another host.
func (c *Client) ListParticipantsPage(ctx context.Context, callConnectionID string, opts *ListParticipantsOptions) (_ ListParticipantsPageResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.ListParticipantsPage")
	defer func() { endSpan(err) }()
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return ListParticipantsPageResponse{}, err
	}
	k := call{method: http.MethodGet, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionParticipants, ok: statusOK}
	if opts != nil && opts.NextLink != "" {
		u, err := callwire.ResolveNextLink(c.c.Endpoint, opts.NextLink, c.apiVersion)
		if err != nil {
			return ListParticipantsPageResponse{}, argErr("opts.NextLink", err.Error())
		}
		k.rawURL = u
	}
	var w callwire.GetParticipantsResponse
	if err := c.do(ctx, k, &w); err != nil {
		return ListParticipantsPageResponse{}, err
	}
	page, err := participantsFromWire(w)
	if err != nil {
		return ListParticipantsPageResponse{}, fmt.Errorf("calling: decoding the response: %w", err)
	}
	return page, nil
}

// GetParticipant reads one participant of a call, named by its raw id in
// the path.
func (c *Client) GetParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *GetParticipantOptions) (_ GetParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.GetParticipant")
	defer func() { endSpan(err) }()
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return GetParticipantResponse{}, err
	}
	m, err := checkIdentifier("participant", participant, false)
	if err != nil {
		return GetParticipantResponse{}, err
	}
	var w callwire.CallParticipant
	k := call{method: http.MethodGet, path: callwire.ParticipantPath(callConnectionID, m.RawID), ok: statusOK}
	if err := c.do(ctx, k, &w); err != nil {
		return GetParticipantResponse{}, err
	}
	p, err := participantFromWire("participant", w)
	if err != nil {
		return GetParticipantResponse{}, fmt.Errorf("calling: decoding the response: %w", err)
	}
	return GetParticipantResponse{p}, nil
}

// AddParticipant invites a participant into the call: a Teams user, a
// phone number (opts.SourceCallerID required), an ACS user or a Teams app.
// The invitation's outcome arrives as an AddParticipantSucceeded or
// AddParticipantFailed event; CancelAddParticipant withdraws it.
func (c *Client) AddParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *AddParticipantOptions) (_ AddParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.AddParticipant")
	defer func() { endSpan(err) }()
	var o AddParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return AddParticipantResponse{}, err
	}
	req, err := addParticipantWire(participant, o, c.loopback)
	if err != nil {
		return AddParticipantResponse{}, err
	}
	var w callwire.AddParticipantResponse
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionAddParticipant, body: req, repeatable: true, ok: []int{http.StatusAccepted}}
	if err := c.do(ctx, k, &w); err != nil {
		return AddParticipantResponse{}, err
	}
	r := AddParticipantResponse{InvitationID: w.InvitationID, OperationContext: w.OperationContext}
	if w.Participant != nil {
		if r.Participant, err = participantFromWire("participant", *w.Participant); err != nil {
			return AddParticipantResponse{}, fmt.Errorf("calling: decoding the response: %w", err)
		}
	}
	return r, nil
}

// RemoveParticipant removes a participant from the call. The outcome
// arrives as a RemoveParticipantSucceeded or RemoveParticipantFailed event.
func (c *Client) RemoveParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *RemoveParticipantOptions) (_ RemoveParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.RemoveParticipant")
	defer func() { endSpan(err) }()
	var o RemoveParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return RemoveParticipantResponse{}, err
	}
	m, err := checkIdentifier("participant", participant, false)
	if err != nil {
		return RemoveParticipantResponse{}, err
	}
	if err := checkCallbackURL("opts.OperationCallbackURL", o.OperationCallbackURL, false, c.loopback); err != nil {
		return RemoveParticipantResponse{}, err
	}
	req := &callwire.RemoveParticipantRequest{ParticipantToRemove: modelJSON(m), OperationContext: o.OperationContext, OperationCallbackURI: o.OperationCallbackURL}
	var w callwire.OperationContextResponse
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionRemoveParticipant, body: req, repeatable: true, ok: []int{http.StatusAccepted}}
	if err := c.do(ctx, k, &w); err != nil {
		return RemoveParticipantResponse{}, err
	}
	return RemoveParticipantResponse{OperationContext: w.OperationContext}, nil
}

// CancelAddParticipant withdraws an invitation of AddParticipant that was
// not answered yet, named by its invitation id.
func (c *Client) CancelAddParticipant(ctx context.Context, callConnectionID, invitationID string, opts *CancelAddParticipantOptions) (_ CancelAddParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.CancelAddParticipant")
	defer func() { endSpan(err) }()
	var o CancelAddParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return CancelAddParticipantResponse{}, err
	}
	if err := checkID("invitationID", invitationID); err != nil {
		return CancelAddParticipantResponse{}, err
	}
	if err := checkCallbackURL("opts.OperationCallbackURL", o.OperationCallbackURL, false, c.loopback); err != nil {
		return CancelAddParticipantResponse{}, err
	}
	req := &callwire.CancelAddParticipantRequest{InvitationID: invitationID, OperationContext: o.OperationContext, OperationCallbackURI: o.OperationCallbackURL}
	var w callwire.CancelAddParticipantResponse
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionCancelAddParticipant, body: req, repeatable: true, ok: []int{http.StatusAccepted}}
	if err := c.do(ctx, k, &w); err != nil {
		return CancelAddParticipantResponse{}, err
	}
	return CancelAddParticipantResponse{InvitationID: w.InvitationID, OperationContext: w.OperationContext}, nil
}

// MuteParticipant mutes a participant. The service mutes ACS users; it
// refuses other kinds with an error.
func (c *Client) MuteParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *MuteParticipantOptions) (_ MuteParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.MuteParticipant")
	defer func() { endSpan(err) }()
	var o MuteParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return MuteParticipantResponse{}, err
	}
	m, err := checkIdentifier("participant", participant, false)
	if err != nil {
		return MuteParticipantResponse{}, err
	}
	req := &callwire.MuteParticipantsRequest{TargetParticipants: []json.RawMessage{modelJSON(m)}, OperationContext: o.OperationContext}
	var w callwire.OperationContextResponse
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionMuteParticipants, body: req, repeatable: true, ok: statusOK}
	if err := c.do(ctx, k, &w); err != nil {
		return MuteParticipantResponse{}, err
	}
	return MuteParticipantResponse{OperationContext: w.OperationContext}, nil
}

// TransferToParticipant transfers the call to target, a Teams user, a
// phone number or an ACS user. In a call with more than two participants,
// opts.Transferee names the participant whose leg is transferred. The
// outcome arrives as a CallTransferAccepted or CallTransferFailed event.
func (c *Client) TransferToParticipant(ctx context.Context, callConnectionID string, target identity.Identifier, opts *TransferToParticipantOptions) (_ TransferToParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.TransferToParticipant")
	defer func() { endSpan(err) }()
	var o TransferToParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return TransferToParticipantResponse{}, err
	}
	req, err := transferWire(target, o, c.loopback)
	if err != nil {
		return TransferToParticipantResponse{}, err
	}
	var w callwire.OperationContextResponse
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionTransfer, body: req, repeatable: true, ok: []int{http.StatusAccepted}}
	if err := c.do(ctx, k, &w); err != nil {
		return TransferToParticipantResponse{}, err
	}
	return TransferToParticipantResponse{OperationContext: w.OperationContext}, nil
}

// HoldParticipant puts a participant on hold, playing opts.PlaySource to
// it if set.
//
// The API does not declare repeatability headers for hold and unhold, so
// none are sent; both are idempotent, which makes a retry harmless.
func (c *Client) HoldParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *HoldParticipantOptions) (_ HoldParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.HoldParticipant")
	defer func() { endSpan(err) }()
	var o HoldParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return HoldParticipantResponse{}, err
	}
	m, err := checkIdentifier("participant", participant, false)
	if err != nil {
		return HoldParticipantResponse{}, err
	}
	src, err := playSourceWire("opts.PlaySource", o.PlaySource)
	if err != nil {
		return HoldParticipantResponse{}, err
	}
	if err := checkCallbackURL("opts.OperationCallbackURL", o.OperationCallbackURL, false, c.loopback); err != nil {
		return HoldParticipantResponse{}, err
	}
	req := &callwire.HoldRequest{TargetParticipant: modelJSON(m), PlaySourceInfo: src, OperationContext: o.OperationContext, OperationCallbackURI: o.OperationCallbackURL}
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionHold, body: req, ok: statusOK}
	return HoldParticipantResponse{}, c.do(ctx, k, nil)
}

// UnholdParticipant takes a participant off hold.
func (c *Client) UnholdParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *UnholdParticipantOptions) (_ UnholdParticipantResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.UnholdParticipant")
	defer func() { endSpan(err) }()
	var o UnholdParticipantOptions
	if opts != nil {
		o = *opts
	}
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return UnholdParticipantResponse{}, err
	}
	m, err := checkIdentifier("participant", participant, false)
	if err != nil {
		return UnholdParticipantResponse{}, err
	}
	if err := checkCallbackURL("opts.OperationCallbackURL", o.OperationCallbackURL, false, c.loopback); err != nil {
		return UnholdParticipantResponse{}, err
	}
	req := &callwire.UnholdRequest{TargetParticipant: modelJSON(m), OperationContext: o.OperationContext, OperationCallbackURI: o.OperationCallbackURL}
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionUnhold, body: req, ok: statusOK}
	return UnholdParticipantResponse{}, c.do(ctx, k, nil)
}

// HangUp makes the service leave the call (DELETE on the call connection).
// The call goes on for the others when more than one other participant
// remains; TerminateCall ends it for everyone.
func (c *Client) HangUp(ctx context.Context, callConnectionID string, opts *HangUpOptions) (_ HangUpResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.HangUp")
	defer func() { endSpan(err) }()
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return HangUpResponse{}, err
	}
	k := call{method: http.MethodDelete, path: callwire.CallConnectionPath(callConnectionID), ok: []int{http.StatusNoContent}}
	return HangUpResponse{}, c.do(ctx, k, nil)
}

// TerminateCall ends the call for every participant (POST :terminate).
func (c *Client) TerminateCall(ctx context.Context, callConnectionID string, opts *TerminateCallOptions) (_ TerminateCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.TerminateCall")
	defer func() { endSpan(err) }()
	if err := checkID("callConnectionID", callConnectionID); err != nil {
		return TerminateCallResponse{}, err
	}
	k := call{method: http.MethodPost, path: callwire.CallConnectionPath(callConnectionID) + callwire.ActionTerminate, repeatable: true, ok: []int{http.StatusNoContent}}
	return TerminateCallResponse{}, c.do(ctx, k, nil)
}
