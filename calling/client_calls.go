package calling

import (
	"context"
	"fmt"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// CreateCall calls one target, or several for a group call: Teams users
// (identity.MicrosoftTeamsUserIdentifier), phone numbers, ACS users or
// Teams apps. A phone target needs opts.SourceCallerID, a number of the
// resource; without one CreateCall returns an *ArgumentError wrapping
// ErrMissingCallerID and sends nothing. callbackURL must be https (http only
// for a loopback host, from a client of a loopback endpoint). The call is usually still connecting when
// CreateCall returns; a CallConnected or CreateCallFailed event follows.
func (c *Client) CreateCall(ctx context.Context, targets []identity.Identifier, callbackURL string, opts *CreateCallOptions) (_ CreateCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.CreateCall")
	defer func() { endSpan(err) }()
	var o CreateCallOptions
	if opts != nil {
		o = *opts
	}
	req, err := createCallWire(targets, callbackURL, o, c.loopback)
	if err != nil {
		return CreateCallResponse{}, err
	}
	p, err := c.connection(ctx, call{method: http.MethodPost, path: callwire.PathCallConnections, body: req, repeatable: true, ok: []int{http.StatusCreated}})
	return CreateCallResponse{p}, err
}

// AnswerCall answers an incoming call. incomingCallContext is the
// incomingCallContext of the call's IncomingCall event (Event Grid);
// callbackURL must be https (http only for a loopback host, from a client
// of a loopback endpoint).
func (c *Client) AnswerCall(ctx context.Context, incomingCallContext, callbackURL string, opts *AnswerCallOptions) (_ AnswerCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.AnswerCall")
	defer func() { endSpan(err) }()
	var o AnswerCallOptions
	if opts != nil {
		o = *opts
	}
	req, err := answerCallWire(incomingCallContext, callbackURL, o, c.loopback)
	if err != nil {
		return AnswerCallResponse{}, err
	}
	p, err := c.connection(ctx, call{method: http.MethodPost, path: callwire.PathAnswer, body: req, repeatable: true, ok: statusOK})
	return AnswerCallResponse{p}, err
}

// RedirectCall sends an incoming call on to target, for example a Teams
// user or a phone number, without answering it.
func (c *Client) RedirectCall(ctx context.Context, incomingCallContext string, target identity.Identifier, opts *RedirectCallOptions) (_ RedirectCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.RedirectCall")
	defer func() { endSpan(err) }()
	if err := checkIncomingCallContext(incomingCallContext); err != nil {
		return RedirectCallResponse{}, err
	}
	m, err := checkIdentifier("target", target, true)
	if err != nil {
		return RedirectCallResponse{}, err
	}
	req := &callwire.RedirectCallRequest{IncomingCallContext: incomingCallContext, Target: modelJSON(m)}
	err = c.do(ctx, call{method: http.MethodPost, path: callwire.PathRedirect, body: req, repeatable: true, ok: []int{http.StatusNoContent}}, nil)
	return RedirectCallResponse{}, err
}

// RejectCall rejects an incoming call, telling the caller opts.Reason.
func (c *Client) RejectCall(ctx context.Context, incomingCallContext string, opts *RejectCallOptions) (_ RejectCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.RejectCall")
	defer func() { endSpan(err) }()
	var o RejectCallOptions
	if opts != nil {
		o = *opts
	}
	if err := checkIncomingCallContext(incomingCallContext); err != nil {
		return RejectCallResponse{}, err
	}
	reason, err := rejectReason(o.Reason)
	if err != nil {
		return RejectCallResponse{}, err
	}
	req := &callwire.RejectCallRequest{IncomingCallContext: incomingCallContext, CallRejectReason: reason}
	err = c.do(ctx, call{method: http.MethodPost, path: callwire.PathReject, body: req, repeatable: true, ok: []int{http.StatusNoContent}}, nil)
	return RejectCallResponse{}, err
}

// ConnectCall connects the resource to an existing ACS group call, server
// call or room call, to control it; callbackURL must be https (http only
// for a loopback host, from a client of a loopback endpoint).
func (c *Client) ConnectCall(ctx context.Context, locator CallLocator, callbackURL string, opts *ConnectCallOptions) (_ ConnectCallResponse, err error) {
	ctx, endSpan := c.c.StartSpan(ctx, "Client.ConnectCall")
	defer func() { endSpan(err) }()
	var o ConnectCallOptions
	if opts != nil {
		o = *opts
	}
	req, err := connectWire(locator, callbackURL, o, c.loopback)
	if err != nil {
		return ConnectCallResponse{}, err
	}
	p, err := c.connection(ctx, call{method: http.MethodPost, path: callwire.PathConnect, body: req, repeatable: true, ok: statusOK})
	return ConnectCallResponse{p}, err
}

// connection sends a request whose response is a call connection's
// properties, which must name the connection.
func (c *Client) connection(ctx context.Context, k call) (CallConnectionProperties, error) {
	var w callwire.CallConnectionProperties
	if err := c.do(ctx, k, &w); err != nil {
		return CallConnectionProperties{}, err
	}
	if w.CallConnectionID == "" {
		return CallConnectionProperties{}, errNoConnectionID
	}
	p, err := propertiesFromWire(w)
	if err != nil {
		return CallConnectionProperties{}, fmt.Errorf("calling: decoding the response: %w", err)
	}
	return p, nil
}
