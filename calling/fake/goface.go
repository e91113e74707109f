package fake

import (
	"context"
	"encoding/base64"
	"errors"
	"iter"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// The Go face: calling.Service on the switchboard's state.
//
// Arguments are checked by the real client's own code, not a copy of it:
// every method first runs the same method of a calling.Client whose
// pipeline stops at its first policy, after the client checked the
// arguments and built the request and before anything is signed, logged or
// sent. So the Go face returns exactly the *calling.ArgumentError the
// client would, for the same arguments, and nothing can drift. Only when
// the client would have sent the request does the switchboard act.
//
// Service failures are the *azcore.ResponseError the real client returns
// for the service's error response (internal/callwire.ResponseError).

// errChecked ends the validator's pipeline: the arguments were good.
var errChecked = errors.New("fake: arguments checked")

type stopPolicy struct{}

func (stopPolicy) Do(*policy.Request) (*http.Response, error) { return nil, errChecked }

func newValidator() *calling.Client {
	key := base64.StdEncoding.EncodeToString([]byte("switchboard argument validator"))
	// A loopback endpoint, like the HTTP face's: its client accepts plain
	// http callbacks to a loopback host, as a client of the HTTP face does.
	// Nothing is sent (stopPolicy).
	c, err := calling.NewClientWithAccessKey("https://127.0.0.1:1", key, &calling.ClientOptions{ClientOptions: azcore.ClientOptions{
		PerCallPolicies: []policy.Policy{stopPolicy{}},
		Retry:           policy.RetryOptions{MaxRetries: -1},
		Telemetry:       policy.TelemetryOptions{Disabled: true},
	}})
	if err != nil {
		panic("fake: building the argument validator: " + err.Error())
	}
	return c
}

// checked turns the validator's result into the Go face's: nil when the
// client would have sent the request, else the client's error.
func checked[T any](_ T, err error) error {
	if errors.Is(err, errChecked) {
		return nil
	}
	if err == nil {
		return errors.New("fake: the argument validator sent a request")
	}
	return err
}

// goOp runs one operation of the Go face as one request of the HTTP face
// runs: refused after Close (503), under the injected fault that applies, logged
// as the request the client would have sent (method, path), a service
// error returned as the client's *azcore.ResponseError.
func (sb *Switchboard) goOp(ctx context.Context, op, method, path string, okStatus int, run func() *apiError) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rq := Request{Op: op, Face: "go", Method: method, Path: fakekit.UnescapedPath(path), At: sb.clock.Now()}
	var e *apiError
	if sb.isClosed() {
		e = errServiceClosed
	} else {
		f := sb.faults.Take(op)
		rq.Injected = f != nil
		switch fakekit.Apply(ctx, f, func() { e = run() }) {
		case fakekit.Gone:
			sb.logRequest(rq)
			return ctx.Err()
		case fakekit.Drop:
			sb.logRequest(rq)
			return ErrDropped
		case fakekit.Fail:
			e = faultError(f)
		}
	}
	rq.Status = okStatus
	if e != nil {
		rq.Status = e.status
	}
	sb.logRequest(rq)
	if e != nil {
		return e.responseError(ctx, method, path)
	}
	return nil
}

// CreateCall implements calling.Service.
func (sb *Switchboard) CreateCall(ctx context.Context, targets []identity.Identifier, callbackURL string, opts *calling.CreateCallOptions) (calling.CreateCallResponse, error) {
	if err := checked(sb.validator.CreateCall(ctx, targets, callbackURL, opts)); err != nil {
		return calling.CreateCallResponse{}, err
	}
	var o calling.CreateCallOptions
	if opts != nil {
		o = *opts
	}
	var p calling.CallConnectionProperties
	err := sb.goOp(ctx, OpCreateCall, http.MethodPost, callwire.PathCallConnections, http.StatusCreated, func() (e *apiError) {
		p, e = sb.createCall(targets, callbackURL, o)
		return e
	})
	return calling.CreateCallResponse{CallConnectionProperties: p}, err
}

// AnswerCall implements calling.Service.
func (sb *Switchboard) AnswerCall(ctx context.Context, incomingCallContext, callbackURL string, opts *calling.AnswerCallOptions) (calling.AnswerCallResponse, error) {
	if err := checked(sb.validator.AnswerCall(ctx, incomingCallContext, callbackURL, opts)); err != nil {
		return calling.AnswerCallResponse{}, err
	}
	var o calling.AnswerCallOptions
	if opts != nil {
		o = *opts
	}
	var p calling.CallConnectionProperties
	err := sb.goOp(ctx, OpAnswerCall, http.MethodPost, callwire.PathAnswer, http.StatusOK, func() (e *apiError) {
		p, e = sb.answerCall(incomingCallContext, callbackURL, o)
		return e
	})
	return calling.AnswerCallResponse{CallConnectionProperties: p}, err
}

// RedirectCall implements calling.Service.
func (sb *Switchboard) RedirectCall(ctx context.Context, incomingCallContext string, target identity.Identifier, opts *calling.RedirectCallOptions) (calling.RedirectCallResponse, error) {
	if err := checked(sb.validator.RedirectCall(ctx, incomingCallContext, target, opts)); err != nil {
		return calling.RedirectCallResponse{}, err
	}
	err := sb.goOp(ctx, OpRedirectCall, http.MethodPost, callwire.PathRedirect, http.StatusNoContent, func() *apiError {
		return sb.redirectCall(incomingCallContext, target)
	})
	return calling.RedirectCallResponse{}, err
}

// RejectCall implements calling.Service.
func (sb *Switchboard) RejectCall(ctx context.Context, incomingCallContext string, opts *calling.RejectCallOptions) (calling.RejectCallResponse, error) {
	if err := checked(sb.validator.RejectCall(ctx, incomingCallContext, opts)); err != nil {
		return calling.RejectCallResponse{}, err
	}
	var o calling.RejectCallOptions
	if opts != nil {
		o = *opts
	}
	err := sb.goOp(ctx, OpRejectCall, http.MethodPost, callwire.PathReject, http.StatusNoContent, func() *apiError {
		return sb.rejectCall(incomingCallContext, o.Reason)
	})
	return calling.RejectCallResponse{}, err
}

// ConnectCall implements calling.Service. The switchboard connects to the
// calls registered with AddGroupCall; for any other locator the call
// fails with a ConnectFailed event.
func (sb *Switchboard) ConnectCall(ctx context.Context, locator calling.CallLocator, callbackURL string, opts *calling.ConnectCallOptions) (calling.ConnectCallResponse, error) {
	if err := checked(sb.validator.ConnectCall(ctx, locator, callbackURL, opts)); err != nil {
		return calling.ConnectCallResponse{}, err
	}
	var o calling.ConnectCallOptions
	if opts != nil {
		o = *opts
	}
	var p calling.CallConnectionProperties
	err := sb.goOp(ctx, OpConnectCall, http.MethodPost, callwire.PathConnect, http.StatusOK, func() (e *apiError) {
		p, e = sb.connectCall(locator, callbackURL, o)
		return e
	})
	return calling.ConnectCallResponse{CallConnectionProperties: p}, err
}

// GetCall implements calling.Service.
func (sb *Switchboard) GetCall(ctx context.Context, callConnectionID string, opts *calling.GetCallOptions) (calling.GetCallResponse, error) {
	if err := checked(sb.validator.GetCall(ctx, callConnectionID, opts)); err != nil {
		return calling.GetCallResponse{}, err
	}
	var p calling.CallConnectionProperties
	err := sb.goOp(ctx, OpGetCall, http.MethodGet, callwire.CallConnectionPath(callConnectionID), http.StatusOK, func() (e *apiError) {
		p, e = sb.getCall(callConnectionID)
		return e
	})
	return calling.GetCallResponse{CallConnectionProperties: p}, err
}

// ListParticipantsPage implements calling.Service. The Go face's next
// links are relative ("/calling/callConnections/{id}/participants?skip=n").
func (sb *Switchboard) ListParticipantsPage(ctx context.Context, callConnectionID string, opts *calling.ListParticipantsOptions) (calling.ListParticipantsPageResponse, error) {
	if err := checked(sb.validator.ListParticipantsPage(ctx, callConnectionID, opts)); err != nil {
		return calling.ListParticipantsPageResponse{}, err
	}
	skip := 0
	if opts != nil && opts.NextLink != "" {
		var ok bool
		if skip, ok = parseNextLink(callConnectionID, opts.NextLink); !ok {
			return calling.ListParticipantsPageResponse{}, &calling.ArgumentError{Arg: "opts.NextLink", Problem: "not a next link of this call connection"}
		}
	}
	var page calling.ListParticipantsPageResponse
	err := sb.goOp(ctx, OpListParticipants, http.MethodGet, callwire.CallConnectionPath(callConnectionID)+callwire.ActionParticipants, http.StatusOK, func() (e *apiError) {
		page, e = sb.participantsPage(callConnectionID, skip, func(skip int) string { return nextLinkPath(callConnectionID, skip) })
		return e
	})
	return page, err
}

// ListParticipants implements calling.Service: the pages of
// ListParticipantsPage, one after the other.
func (sb *Switchboard) ListParticipants(ctx context.Context, callConnectionID string, opts *calling.ListParticipantsOptions) iter.Seq2[calling.CallParticipant, error] {
	var o calling.ListParticipantsOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]calling.CallParticipant, string, error) {
		o.NextLink = link
		p, err := sb.ListParticipantsPage(ctx, callConnectionID, &o)
		return p.Participants, p.NextLink, err
	})
}

// CallConnection binds a call connection id to the switchboard, like
// calling.Client.CallConnection.
func (sb *Switchboard) CallConnection(callConnectionID string) calling.CallConnection {
	return calling.NewCallConnection(sb, callConnectionID)
}

// GetParticipant implements calling.Service.
func (sb *Switchboard) GetParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *calling.GetParticipantOptions) (calling.GetParticipantResponse, error) {
	if err := checked(sb.validator.GetParticipant(ctx, callConnectionID, participant, opts)); err != nil {
		return calling.GetParticipantResponse{}, err
	}
	var p calling.CallParticipant
	err := sb.goOp(ctx, OpGetParticipant, http.MethodGet, callwire.ParticipantPath(callConnectionID, participant.RawID()), http.StatusOK, func() (e *apiError) {
		p, e = sb.getParticipant(callConnectionID, participant)
		return e
	})
	return calling.GetParticipantResponse{CallParticipant: p}, err
}

// AddParticipant implements calling.Service.
func (sb *Switchboard) AddParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *calling.AddParticipantOptions) (calling.AddParticipantResponse, error) {
	if err := checked(sb.validator.AddParticipant(ctx, callConnectionID, participant, opts)); err != nil {
		return calling.AddParticipantResponse{}, err
	}
	var o calling.AddParticipantOptions
	if opts != nil {
		o = *opts
	}
	var r calling.AddParticipantResponse
	err := sb.goOp(ctx, OpAddParticipant, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionAddParticipant, http.StatusAccepted, func() (e *apiError) {
		r, e = sb.addParticipant(callConnectionID, participant, o)
		return e
	})
	return r, err
}

// RemoveParticipant implements calling.Service.
func (sb *Switchboard) RemoveParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *calling.RemoveParticipantOptions) (calling.RemoveParticipantResponse, error) {
	if err := checked(sb.validator.RemoveParticipant(ctx, callConnectionID, participant, opts)); err != nil {
		return calling.RemoveParticipantResponse{}, err
	}
	var o calling.RemoveParticipantOptions
	if opts != nil {
		o = *opts
	}
	var r calling.RemoveParticipantResponse
	err := sb.goOp(ctx, OpRemoveParticipant, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionRemoveParticipant, http.StatusAccepted, func() (e *apiError) {
		r, e = sb.removeParticipant(callConnectionID, participant, o)
		return e
	})
	return r, err
}

// CancelAddParticipant implements calling.Service.
func (sb *Switchboard) CancelAddParticipant(ctx context.Context, callConnectionID, invitationID string, opts *calling.CancelAddParticipantOptions) (calling.CancelAddParticipantResponse, error) {
	if err := checked(sb.validator.CancelAddParticipant(ctx, callConnectionID, invitationID, opts)); err != nil {
		return calling.CancelAddParticipantResponse{}, err
	}
	var o calling.CancelAddParticipantOptions
	if opts != nil {
		o = *opts
	}
	var r calling.CancelAddParticipantResponse
	err := sb.goOp(ctx, OpCancelAddParticipant, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionCancelAddParticipant, http.StatusAccepted, func() (e *apiError) {
		r, e = sb.cancelAddParticipant(callConnectionID, invitationID, o)
		return e
	})
	return r, err
}

// MuteParticipant implements calling.Service. As the service does, the
// switchboard mutes ACS users only.
func (sb *Switchboard) MuteParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *calling.MuteParticipantOptions) (calling.MuteParticipantResponse, error) {
	if err := checked(sb.validator.MuteParticipant(ctx, callConnectionID, participant, opts)); err != nil {
		return calling.MuteParticipantResponse{}, err
	}
	var o calling.MuteParticipantOptions
	if opts != nil {
		o = *opts
	}
	var r calling.MuteParticipantResponse
	err := sb.goOp(ctx, OpMuteParticipant, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionMuteParticipants, http.StatusOK, func() (e *apiError) {
		r, e = sb.muteParticipants(callConnectionID, []identity.Identifier{participant}, o)
		return e
	})
	return r, err
}

// TransferToParticipant implements calling.Service.
func (sb *Switchboard) TransferToParticipant(ctx context.Context, callConnectionID string, target identity.Identifier, opts *calling.TransferToParticipantOptions) (calling.TransferToParticipantResponse, error) {
	if err := checked(sb.validator.TransferToParticipant(ctx, callConnectionID, target, opts)); err != nil {
		return calling.TransferToParticipantResponse{}, err
	}
	var o calling.TransferToParticipantOptions
	if opts != nil {
		o = *opts
	}
	var r calling.TransferToParticipantResponse
	err := sb.goOp(ctx, OpTransfer, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionTransfer, http.StatusAccepted, func() (e *apiError) {
		r, e = sb.transferCall(callConnectionID, target, o)
		return e
	})
	return r, err
}

// HoldParticipant implements calling.Service.
func (sb *Switchboard) HoldParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *calling.HoldParticipantOptions) (calling.HoldParticipantResponse, error) {
	if err := checked(sb.validator.HoldParticipant(ctx, callConnectionID, participant, opts)); err != nil {
		return calling.HoldParticipantResponse{}, err
	}
	var o calling.HoldParticipantOptions
	if opts != nil {
		o = *opts
	}
	err := sb.goOp(ctx, OpHold, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionHold, http.StatusOK, func() *apiError {
		return sb.setHold(callConnectionID, participant, true, o.OperationCallbackURL)
	})
	return calling.HoldParticipantResponse{}, err
}

// UnholdParticipant implements calling.Service.
func (sb *Switchboard) UnholdParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *calling.UnholdParticipantOptions) (calling.UnholdParticipantResponse, error) {
	if err := checked(sb.validator.UnholdParticipant(ctx, callConnectionID, participant, opts)); err != nil {
		return calling.UnholdParticipantResponse{}, err
	}
	var o calling.UnholdParticipantOptions
	if opts != nil {
		o = *opts
	}
	err := sb.goOp(ctx, OpUnhold, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionUnhold, http.StatusOK, func() *apiError {
		return sb.setHold(callConnectionID, participant, false, o.OperationCallbackURL)
	})
	return calling.UnholdParticipantResponse{}, err
}

// HangUp implements calling.Service.
func (sb *Switchboard) HangUp(ctx context.Context, callConnectionID string, opts *calling.HangUpOptions) (calling.HangUpResponse, error) {
	if err := checked(sb.validator.HangUp(ctx, callConnectionID, opts)); err != nil {
		return calling.HangUpResponse{}, err
	}
	err := sb.goOp(ctx, OpHangUp, http.MethodDelete, callwire.CallConnectionPath(callConnectionID), http.StatusNoContent, func() *apiError {
		return sb.hangUp(callConnectionID)
	})
	return calling.HangUpResponse{}, err
}

// TerminateCall implements calling.Service.
func (sb *Switchboard) TerminateCall(ctx context.Context, callConnectionID string, opts *calling.TerminateCallOptions) (calling.TerminateCallResponse, error) {
	if err := checked(sb.validator.TerminateCall(ctx, callConnectionID, opts)); err != nil {
		return calling.TerminateCallResponse{}, err
	}
	err := sb.goOp(ctx, OpTerminateCall, http.MethodPost, callwire.CallConnectionPath(callConnectionID)+callwire.ActionTerminate, http.StatusNoContent, func() *apiError {
		return sb.terminate(callConnectionID)
	})
	return calling.TerminateCallResponse{}, err
}
