package calling

import (
	"context"
	"iter"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Service is ACS Call Automation as this package's users see it: calls
// created, answered, redirected and rejected, and the operations on a call
// connection. The real [*Client] implements it, and so does the in-memory
// switchboard in calling/fake, so code written against Service can be
// tested offline.
//
// The operations on one call connection take its id; [NewCallConnection]
// (or [Client.CallConnection]) binds an id to a Service for a shorter call
// site.
//
// Listings are read as in package chat: ListParticipants iterates over the
// participants, page after page, and ListParticipantsPage reads one page,
// the one ListParticipantsOptions.NextLink names, for a caller that keeps
// its place between requests.
//
// Implementations check their arguments before acting and return an
// *[ArgumentError] for bad input; service failures are
// *azcore.ResponseError, which [IsNotFound] and its siblings classify.
//
// # Extending Service
//
// Service grows when the service does: a new operation is a new method, in
// a minor release. So that this breaks nobody, a type outside this module
// implements Service only by embedding one — the Service it decorates
// (logging, metrics, a cache), or for a test double the fake's Go face or a
// nil Service — and overriding the methods it changes; a method added later
// then reaches the embedded value. An unexported method enforces this.
// Code that needs only a few operations declares its own small interface
// instead, which nobody will grow. See DESIGN.md, "Extending the
// interfaces".
type Service interface {
	// service makes Service implementable outside this module only by
	// embedding one.
	service()

	// CreateCall calls one target, or several for a group call, from the
	// ACS resource. A phone target needs opts.SourceCallerID. The service
	// posts the call's events to callbackURL (https).
	CreateCall(ctx context.Context, targets []identity.Identifier, callbackURL string, opts *CreateCallOptions) (CreateCallResponse, error)
	// AnswerCall answers an incoming call, named by the incomingCallContext
	// of its IncomingCall event; events go to callbackURL (https).
	AnswerCall(ctx context.Context, incomingCallContext, callbackURL string, opts *AnswerCallOptions) (AnswerCallResponse, error)
	// RedirectCall sends an incoming call on to target (a Teams user, a
	// phone number, an ACS user) without answering it.
	RedirectCall(ctx context.Context, incomingCallContext string, target identity.Identifier, opts *RedirectCallOptions) (RedirectCallResponse, error)
	// RejectCall rejects an incoming call.
	RejectCall(ctx context.Context, incomingCallContext string, opts *RejectCallOptions) (RejectCallResponse, error)
	// ConnectCall connects the resource to an existing ACS group call,
	// server call or room call; events go to callbackURL (https).
	ConnectCall(ctx context.Context, locator CallLocator, callbackURL string, opts *ConnectCallOptions) (ConnectCallResponse, error)

	// GetCall reads a call connection's properties.
	GetCall(ctx context.Context, callConnectionID string, opts *GetCallOptions) (GetCallResponse, error)
	// ListParticipants lists a call's participants, page after page. It
	// stops at the first error, which it yields once.
	ListParticipants(ctx context.Context, callConnectionID string, opts *ListParticipantsOptions) iter.Seq2[CallParticipant, error]
	// ListParticipantsPage reads one page of ListParticipants; pass the
	// returned NextLink in opts.NextLink to read the next one.
	ListParticipantsPage(ctx context.Context, callConnectionID string, opts *ListParticipantsOptions) (ListParticipantsPageResponse, error)
	// GetParticipant reads one participant of a call.
	GetParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *GetParticipantOptions) (GetParticipantResponse, error)
	// AddParticipant invites a participant into the call. A phone
	// participant needs opts.SourceCallerID.
	AddParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *AddParticipantOptions) (AddParticipantResponse, error)
	// RemoveParticipant removes a participant from the call.
	RemoveParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *RemoveParticipantOptions) (RemoveParticipantResponse, error)
	// CancelAddParticipant withdraws an invitation not yet answered.
	CancelAddParticipant(ctx context.Context, callConnectionID, invitationID string, opts *CancelAddParticipantOptions) (CancelAddParticipantResponse, error)
	// MuteParticipant mutes a participant (the service supports ACS users).
	MuteParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *MuteParticipantOptions) (MuteParticipantResponse, error)
	// TransferToParticipant transfers the call (or opts.Transferee's leg of
	// it) to target, a Teams user, a phone number or an ACS user.
	TransferToParticipant(ctx context.Context, callConnectionID string, target identity.Identifier, opts *TransferToParticipantOptions) (TransferToParticipantResponse, error)
	// HoldParticipant puts a participant on hold, optionally with music.
	HoldParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *HoldParticipantOptions) (HoldParticipantResponse, error)
	// UnholdParticipant takes a participant off hold.
	UnholdParticipant(ctx context.Context, callConnectionID string, participant identity.Identifier, opts *UnholdParticipantOptions) (UnholdParticipantResponse, error)
	// HangUp makes the service leave the call; the call goes on for the
	// others when more than one other participant remains.
	HangUp(ctx context.Context, callConnectionID string, opts *HangUpOptions) (HangUpResponse, error)
	// TerminateCall ends the call for every participant.
	TerminateCall(ctx context.Context, callConnectionID string, opts *TerminateCallOptions) (TerminateCallResponse, error)
}

// CallConnection is one call connection of a Service: the operations that
// take a call connection id, bound to one. It is a small value, safe for
// concurrent use when its Service is.
type CallConnection struct {
	svc Service
	id  string
}

// NewCallConnection binds the call connection callConnectionID of s.
func NewCallConnection(s Service, callConnectionID string) CallConnection {
	return CallConnection{svc: s, id: callConnectionID}
}

// ID returns the call connection id.
func (c CallConnection) ID() string { return c.id }

// GetCall reads the call connection's properties.
func (c CallConnection) GetCall(ctx context.Context, opts *GetCallOptions) (GetCallResponse, error) {
	return c.svc.GetCall(ctx, c.id, opts)
}

// ListParticipants lists the call's participants, page after page. An
// error ends the sequence after being yielded.
func (c CallConnection) ListParticipants(ctx context.Context, opts *ListParticipantsOptions) iter.Seq2[CallParticipant, error] {
	return c.svc.ListParticipants(ctx, c.id, opts)
}

// ListParticipantsPage reads one page of ListParticipants.
func (c CallConnection) ListParticipantsPage(ctx context.Context, opts *ListParticipantsOptions) (ListParticipantsPageResponse, error) {
	return c.svc.ListParticipantsPage(ctx, c.id, opts)
}

// GetParticipant reads one participant of the call.
func (c CallConnection) GetParticipant(ctx context.Context, participant identity.Identifier, opts *GetParticipantOptions) (GetParticipantResponse, error) {
	return c.svc.GetParticipant(ctx, c.id, participant, opts)
}

// AddParticipant invites a participant into the call.
func (c CallConnection) AddParticipant(ctx context.Context, participant identity.Identifier, opts *AddParticipantOptions) (AddParticipantResponse, error) {
	return c.svc.AddParticipant(ctx, c.id, participant, opts)
}

// RemoveParticipant removes a participant from the call.
func (c CallConnection) RemoveParticipant(ctx context.Context, participant identity.Identifier, opts *RemoveParticipantOptions) (RemoveParticipantResponse, error) {
	return c.svc.RemoveParticipant(ctx, c.id, participant, opts)
}

// CancelAddParticipant withdraws an invitation not yet answered.
func (c CallConnection) CancelAddParticipant(ctx context.Context, invitationID string, opts *CancelAddParticipantOptions) (CancelAddParticipantResponse, error) {
	return c.svc.CancelAddParticipant(ctx, c.id, invitationID, opts)
}

// MuteParticipant mutes a participant.
func (c CallConnection) MuteParticipant(ctx context.Context, participant identity.Identifier, opts *MuteParticipantOptions) (MuteParticipantResponse, error) {
	return c.svc.MuteParticipant(ctx, c.id, participant, opts)
}

// TransferToParticipant transfers the call to target.
func (c CallConnection) TransferToParticipant(ctx context.Context, target identity.Identifier, opts *TransferToParticipantOptions) (TransferToParticipantResponse, error) {
	return c.svc.TransferToParticipant(ctx, c.id, target, opts)
}

// HoldParticipant puts a participant on hold.
func (c CallConnection) HoldParticipant(ctx context.Context, participant identity.Identifier, opts *HoldParticipantOptions) (HoldParticipantResponse, error) {
	return c.svc.HoldParticipant(ctx, c.id, participant, opts)
}

// UnholdParticipant takes a participant off hold.
func (c CallConnection) UnholdParticipant(ctx context.Context, participant identity.Identifier, opts *UnholdParticipantOptions) (UnholdParticipantResponse, error) {
	return c.svc.UnholdParticipant(ctx, c.id, participant, opts)
}

// HangUp makes the service leave the call (DELETE); the others stay.
func (c CallConnection) HangUp(ctx context.Context, opts *HangUpOptions) (HangUpResponse, error) {
	return c.svc.HangUp(ctx, c.id, opts)
}

// TerminateCall ends the call for every participant (POST :terminate).
func (c CallConnection) TerminateCall(ctx context.Context, opts *TerminateCallOptions) (TerminateCallResponse, error) {
	return c.svc.TerminateCall(ctx, c.id, opts)
}
