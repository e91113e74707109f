package calling

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// CreateCallOptions are the optional parameters of CreateCall.
type CreateCallOptions struct {
	// SourceCallerID is the number of the ACS resource shown to phone
	// callees. It is required when a target is a phone number, unless
	// TeamsAppSource is set.
	SourceCallerID *identity.PhoneNumberIdentifier
	// SourceDisplayName is the display name shown to phone callees.
	SourceDisplayName string
	// Source is the ACS identity the call comes from; nil lets the service
	// use the resource's own.
	Source *identity.CommunicationUserIdentifier
	// TeamsAppSource makes the call come from a Teams resource account
	// (a Teams app identity, Teams Phone extensibility) instead; it
	// cannot be set with Source (ErrTwoSources).
	TeamsAppSource *identity.MicrosoftTeamsAppIdentifier
	// OperationContext is echoed in the call's events.
	OperationContext string
	// CallIntelligence are the AI options of the call.
	CallIntelligence *CallIntelligenceOptions
	// MediaStreaming asks for the call's audio to be streamed.
	MediaStreaming *MediaStreamingOptions
	// Transcription asks for the call's live transcription.
	Transcription *TranscriptionOptions
}

// CreateCallResponse is the result of CreateCall: the new call connection,
// usually still connecting (a CallConnected event follows).
type CreateCallResponse struct {
	CallConnectionProperties
}

// AnswerCallOptions are the optional parameters of AnswerCall.
type AnswerCallOptions struct {
	// AnsweredBy is the ACS identity that answers; nil lets the service use
	// the resource's own.
	AnsweredBy *identity.CommunicationUserIdentifier
	// OperationContext is echoed in the call's events.
	OperationContext string
	// CallIntelligence are the AI options of the call.
	CallIntelligence *CallIntelligenceOptions
	// MediaStreaming asks for the call's audio to be streamed.
	MediaStreaming *MediaStreamingOptions
	// Transcription asks for the call's live transcription.
	Transcription *TranscriptionOptions
}

// AnswerCallResponse is the result of AnswerCall.
type AnswerCallResponse struct {
	CallConnectionProperties
}

// RedirectCallOptions are the optional parameters of RedirectCall.
type RedirectCallOptions struct{}

// RedirectCallResponse is the result of RedirectCall.
type RedirectCallResponse struct{}

// RejectCallOptions are the optional parameters of RejectCall.
type RejectCallOptions struct {
	// Reason is told to the caller; empty sends none.
	Reason RejectReason
}

// RejectCallResponse is the result of RejectCall.
type RejectCallResponse struct{}

// ConnectCallOptions are the optional parameters of ConnectCall.
type ConnectCallOptions struct {
	// OperationContext is echoed in the call's events.
	OperationContext string
	// CallIntelligence are the AI options of the call.
	CallIntelligence *CallIntelligenceOptions
	// MediaStreaming asks for the call's audio to be streamed.
	MediaStreaming *MediaStreamingOptions
	// Transcription asks for the call's live transcription.
	Transcription *TranscriptionOptions
}

// ConnectCallResponse is the result of ConnectCall.
type ConnectCallResponse struct {
	CallConnectionProperties
}

// GetCallOptions are the optional parameters of GetCall.
type GetCallOptions struct{}

// GetCallResponse is the result of GetCall.
type GetCallResponse struct {
	CallConnectionProperties
}

// ListParticipantsOptions are the optional parameters of ListParticipants
// and ListParticipantsPage.
type ListParticipantsOptions struct {
	// NextLink continues a listing from the NextLink of an earlier page;
	// empty means the first page.
	NextLink string
}

// ListParticipantsPageResponse is one page of a call's participants.
type ListParticipantsPageResponse struct {
	// Participants are the page's participants.
	Participants []CallParticipant
	// NextLink reads the next page (in ListParticipantsOptions.NextLink);
	// empty on the last page.
	NextLink string
}

// GetParticipantOptions are the optional parameters of GetParticipant.
type GetParticipantOptions struct{}

// GetParticipantResponse is the result of GetParticipant.
type GetParticipantResponse struct {
	CallParticipant
}

// AddParticipantOptions are the optional parameters of AddParticipant.
type AddParticipantOptions struct {
	// SourceCallerID is the number of the ACS resource shown to a phone
	// invitee. It is required when the participant is a phone number.
	SourceCallerID *identity.PhoneNumberIdentifier
	// SourceDisplayName is the display name shown to a phone or Teams
	// invitee (it does not change the roster).
	SourceDisplayName string
	// InvitationTimeout is how long the invitee has to answer, in whole
	// seconds up to MaxInvitationTimeout; zero means the service default.
	InvitationTimeout time.Duration
	// OperationContext is echoed in the AddParticipantSucceeded or
	// AddParticipantFailed event.
	OperationContext string
	// OperationCallbackURL overrides the call's callback URL for this
	// operation's events.
	OperationCallbackURL string
	// CustomContext is custom data sent with the invitation.
	CustomContext *CustomCallingContext
}

// AddParticipantResponse is the result of AddParticipant: the invitation
// was accepted for processing; its outcome arrives as an event.
type AddParticipantResponse struct {
	// Participant is the invitee as the service sees it.
	Participant CallParticipant
	// InvitationID identifies the invitation for CancelAddParticipant.
	InvitationID string
	// OperationContext is the operation context sent.
	OperationContext string
}

// RemoveParticipantOptions are the optional parameters of RemoveParticipant.
type RemoveParticipantOptions struct {
	// OperationContext is echoed in the operation's event.
	OperationContext string
	// OperationCallbackURL overrides the call's callback URL for this
	// operation's events.
	OperationCallbackURL string
}

// RemoveParticipantResponse is the result of RemoveParticipant.
type RemoveParticipantResponse struct {
	// OperationContext is the operation context sent.
	OperationContext string
}

// CancelAddParticipantOptions are the optional parameters of
// CancelAddParticipant.
type CancelAddParticipantOptions struct {
	// OperationContext is echoed in the operation's event.
	OperationContext string
	// OperationCallbackURL overrides the call's callback URL for this
	// operation's events.
	OperationCallbackURL string
}

// CancelAddParticipantResponse is the result of CancelAddParticipant.
type CancelAddParticipantResponse struct {
	// InvitationID is the cancelled invitation.
	InvitationID string
	// OperationContext is the operation context sent.
	OperationContext string
}

// MuteParticipantOptions are the optional parameters of MuteParticipant.
type MuteParticipantOptions struct {
	// OperationContext is echoed in the response.
	OperationContext string
}

// MuteParticipantResponse is the result of MuteParticipant.
type MuteParticipantResponse struct {
	// OperationContext is the operation context sent.
	OperationContext string
}

// TransferToParticipantOptions are the optional parameters of
// TransferToParticipant.
type TransferToParticipantOptions struct {
	// Transferee is the participant transferred away, in a call with more
	// than two participants; nil means the other party of a 1:1 call.
	Transferee identity.Identifier
	// SourceCallerID is the transferor's caller id shown when transferring
	// to a phone number.
	SourceCallerID *identity.PhoneNumberIdentifier
	// OperationContext is echoed in the CallTransferAccepted or
	// CallTransferFailed event.
	OperationContext string
	// OperationCallbackURL overrides the call's callback URL for this
	// operation's events.
	OperationCallbackURL string
	// CustomContext is custom data sent to the target.
	CustomContext *CustomCallingContext
}

// TransferToParticipantResponse is the result of TransferToParticipant:
// the transfer was accepted for processing; its outcome arrives as an event.
type TransferToParticipantResponse struct {
	// OperationContext is the operation context sent.
	OperationContext string
}

// HoldParticipantOptions are the optional parameters of HoldParticipant.
type HoldParticipantOptions struct {
	// PlaySource is played to the participant while on hold.
	PlaySource *PlaySource
	// OperationContext is echoed in the operation's events.
	OperationContext string
	// OperationCallbackURL overrides the call's callback URL for this
	// operation's events.
	OperationCallbackURL string
}

// HoldParticipantResponse is the result of HoldParticipant.
type HoldParticipantResponse struct{}

// UnholdParticipantOptions are the optional parameters of UnholdParticipant.
type UnholdParticipantOptions struct {
	// OperationContext is echoed in the operation's events.
	OperationContext string
	// OperationCallbackURL overrides the call's callback URL for this
	// operation's events.
	OperationCallbackURL string
}

// UnholdParticipantResponse is the result of UnholdParticipant.
type UnholdParticipantResponse struct{}

// HangUpOptions are the optional parameters of HangUp.
type HangUpOptions struct{}

// HangUpResponse is the result of HangUp.
type HangUpResponse struct{}

// TerminateCallOptions are the optional parameters of TerminateCall.
type TerminateCallOptions struct{}

// TerminateCallResponse is the result of TerminateCall.
type TerminateCallResponse struct{}
