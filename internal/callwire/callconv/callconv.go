// Package callconv converts between the Call Automation wire structs of
// internal/callwire and the public types of package calling in the
// direction a service needs: requests in, responses out. The in-memory
// switchboard's HTTP face in calling/fake decodes requests and encodes
// responses with it; package calling's client converts the other way (it
// cannot import this package, which imports it). The tests here send every
// request through the real client to a loopback server that decodes it with
// this package, and decode this package's responses with the client, so the
// two directions cannot disagree.
//
// Decoders check what the service would refuse with a 400 (a missing
// required property, an identifier model that cannot be read) and return
// a *callwire.PropertyError or an *Error naming the property.
package callconv

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// Error reports a request property the service would refuse.
type Error struct {
	// Property is the JSON path of the property.
	Property string
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *Error) Error() string { return e.Property + ": " + e.Problem }

func missing(property string) error {
	return &Error{Property: property, Problem: "required property is missing or empty"}
}

// CreateCall is a decoded create-call request.
type CreateCall struct {
	// Targets are the callees.
	Targets []identity.Identifier
	// CallbackURL is where the call's events go.
	CallbackURL string
	// Options are the optional parameters.
	Options calling.CreateCallOptions
}

// DecodeCreateCall reads a create-call request.
func DecodeCreateCall(w callwire.CreateCallRequest) (CreateCall, error) {
	if len(w.Targets) == 0 {
		return CreateCall{}, missing("targets")
	}
	if w.CallbackURI == "" {
		return CreateCall{}, missing("callbackUri")
	}
	targets, err := callwire.Identifiers("targets", w.Targets)
	if err != nil {
		return CreateCall{}, err
	}
	caller, err := callwire.Phone("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return CreateCall{}, err
	}
	source, err := callwire.User("source", w.Source)
	if err != nil {
		return CreateCall{}, err
	}
	app, err := callwire.TeamsApp("teamsAppSource", w.TeamsAppSource)
	if err != nil {
		return CreateCall{}, err
	}
	return CreateCall{
		Targets:     targets,
		CallbackURL: w.CallbackURI,
		Options: calling.CreateCallOptions{
			SourceCallerID:    caller,
			SourceDisplayName: w.SourceDisplayName,
			Source:            source,
			TeamsAppSource:    app,
			OperationContext:  w.OperationContext,
			CallIntelligence:  intelligence(w.CallIntelligenceOptions),
			MediaStreaming:    mediaStreaming(w.MediaStreamingOptions),
			Transcription:     transcription(w.TranscriptionOptions),
		},
	}, nil
}

// AnswerCall is a decoded answer request.
type AnswerCall struct {
	// IncomingCallContext names the incoming call.
	IncomingCallContext string
	// CallbackURL is where the call's events go.
	CallbackURL string
	// Options are the optional parameters.
	Options calling.AnswerCallOptions
}

// DecodeAnswerCall reads an answer request.
func DecodeAnswerCall(w callwire.AnswerCallRequest) (AnswerCall, error) {
	if w.IncomingCallContext == "" {
		return AnswerCall{}, missing("incomingCallContext")
	}
	if w.CallbackURI == "" {
		return AnswerCall{}, missing("callbackUri")
	}
	by, err := callwire.User("answeredBy", w.AnsweredBy)
	if err != nil {
		return AnswerCall{}, err
	}
	return AnswerCall{
		IncomingCallContext: w.IncomingCallContext,
		CallbackURL:         w.CallbackURI,
		Options: calling.AnswerCallOptions{
			AnsweredBy:       by,
			OperationContext: w.OperationContext,
			CallIntelligence: intelligence(w.CallIntelligenceOptions),
			MediaStreaming:   mediaStreaming(w.MediaStreamingOptions),
			Transcription:    transcription(w.TranscriptionOptions),
		},
	}, nil
}

// RedirectCall is a decoded redirect request.
type RedirectCall struct {
	// IncomingCallContext names the incoming call.
	IncomingCallContext string
	// Target is where the call is sent.
	Target identity.Identifier
}

// DecodeRedirectCall reads a redirect request.
func DecodeRedirectCall(w callwire.RedirectCallRequest) (RedirectCall, error) {
	if w.IncomingCallContext == "" {
		return RedirectCall{}, missing("incomingCallContext")
	}
	t, err := callwire.Identifier("target", w.Target)
	if err != nil {
		return RedirectCall{}, err
	}
	return RedirectCall{IncomingCallContext: w.IncomingCallContext, Target: t}, nil
}

// RejectCall is a decoded reject request.
type RejectCall struct {
	// IncomingCallContext names the incoming call.
	IncomingCallContext string
	// Options are the optional parameters.
	Options calling.RejectCallOptions
}

// DecodeRejectCall reads a reject request.
func DecodeRejectCall(w callwire.RejectCallRequest) (RejectCall, error) {
	if w.IncomingCallContext == "" {
		return RejectCall{}, missing("incomingCallContext")
	}
	return RejectCall{IncomingCallContext: w.IncomingCallContext, Options: calling.RejectCallOptions{Reason: calling.RejectReason(w.CallRejectReason)}}, nil
}

// ConnectCall is a decoded connect request.
type ConnectCall struct {
	// Locator names the call to connect to.
	Locator calling.CallLocator
	// CallbackURL is where the call's events go.
	CallbackURL string
	// Options are the optional parameters.
	Options calling.ConnectCallOptions
}

// DecodeConnectCall reads a connect request.
func DecodeConnectCall(w callwire.ConnectRequest) (ConnectCall, error) {
	if w.CallbackURI == "" {
		return ConnectCall{}, missing("callbackUri")
	}
	loc := calling.CallLocator{Kind: calling.CallLocatorKind(w.CallLocator.Kind)}
	switch w.CallLocator.Kind {
	case callwire.LocatorGroupCall:
		loc.ID = w.CallLocator.GroupCallID
	case callwire.LocatorServerCall:
		loc.ID = w.CallLocator.ServerCallID
	case callwire.LocatorRoomCall:
		loc.ID = w.CallLocator.RoomID
	default:
		return ConnectCall{}, &Error{Property: "callLocator.kind", Problem: "unknown call locator kind"}
	}
	if loc.ID == "" {
		return ConnectCall{}, missing("callLocator id")
	}
	return ConnectCall{
		Locator:     loc,
		CallbackURL: w.CallbackURI,
		Options: calling.ConnectCallOptions{
			OperationContext: w.OperationContext,
			CallIntelligence: intelligence(w.CallIntelligenceOptions),
			MediaStreaming:   mediaStreaming(w.MediaStreamingOptions),
			Transcription:    transcription(w.TranscriptionOptions),
		},
	}, nil
}

// AddParticipant is a decoded add-participant request.
type AddParticipant struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.AddParticipantOptions
}

// DecodeAddParticipant reads an add-participant request.
func DecodeAddParticipant(w callwire.AddParticipantRequest) (AddParticipant, error) {
	p, err := callwire.Identifier("participantToAdd", w.ParticipantToAdd)
	if err != nil {
		return AddParticipant{}, err
	}
	caller, err := callwire.Phone("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return AddParticipant{}, err
	}
	o := calling.AddParticipantOptions{
		SourceCallerID:       caller,
		SourceDisplayName:    w.SourceDisplayName,
		OperationContext:     w.OperationContext,
		OperationCallbackURL: w.OperationCallbackURI,
		CustomContext:        customContext(w.CustomCallingContext),
	}
	if t := w.InvitationTimeoutInSeconds; t != nil {
		if *t < 0 || *t > callwire.MaxInvitationTimeoutSeconds {
			return AddParticipant{}, &Error{Property: "invitationTimeoutInSeconds", Problem: "outside 0 to 180"}
		}
		o.InvitationTimeout = time.Duration(*t) * time.Second
	}
	return AddParticipant{Participant: p, Options: o}, nil
}

// RemoveParticipant is a decoded remove-participant request.
type RemoveParticipant struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.RemoveParticipantOptions
}

// DecodeRemoveParticipant reads a remove-participant request.
func DecodeRemoveParticipant(w callwire.RemoveParticipantRequest) (RemoveParticipant, error) {
	p, err := callwire.Identifier("participantToRemove", w.ParticipantToRemove)
	if err != nil {
		return RemoveParticipant{}, err
	}
	return RemoveParticipant{Participant: p, Options: calling.RemoveParticipantOptions{OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

// CancelAddParticipant is a decoded cancel request.
type CancelAddParticipant struct {
	// InvitationID names the invitation.
	InvitationID string
	// Options are the optional parameters.
	Options calling.CancelAddParticipantOptions
}

// DecodeCancelAddParticipant reads a cancel-add-participant request.
func DecodeCancelAddParticipant(w callwire.CancelAddParticipantRequest) (CancelAddParticipant, error) {
	if w.InvitationID == "" {
		return CancelAddParticipant{}, missing("invitationId")
	}
	return CancelAddParticipant{InvitationID: w.InvitationID, Options: calling.CancelAddParticipantOptions{OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

// MuteParticipants is a decoded mute request. The API takes a list; the
// service, like package calling, mutes one participant per request.
type MuteParticipants struct {
	// Participants are the participants to mute.
	Participants []identity.Identifier
	// Options are the optional parameters.
	Options calling.MuteParticipantOptions
}

// DecodeMuteParticipants reads a mute request.
func DecodeMuteParticipants(w callwire.MuteParticipantsRequest) (MuteParticipants, error) {
	if len(w.TargetParticipants) == 0 {
		return MuteParticipants{}, missing("targetParticipants")
	}
	ps, err := callwire.Identifiers("targetParticipants", w.TargetParticipants)
	if err != nil {
		return MuteParticipants{}, err
	}
	return MuteParticipants{Participants: ps, Options: calling.MuteParticipantOptions{OperationContext: w.OperationContext}}, nil
}

// TransferToParticipant is a decoded transfer request.
type TransferToParticipant struct {
	// Target is where the call is transferred.
	Target identity.Identifier
	// Options are the optional parameters.
	Options calling.TransferToParticipantOptions
}

// DecodeTransferToParticipant reads a transfer request.
func DecodeTransferToParticipant(w callwire.TransferToParticipantRequest) (TransferToParticipant, error) {
	t, err := callwire.Identifier("targetParticipant", w.TargetParticipant)
	if err != nil {
		return TransferToParticipant{}, err
	}
	transferee, err := callwire.OptionalIdentifier("transferee", w.Transferee)
	if err != nil {
		return TransferToParticipant{}, err
	}
	caller, err := callwire.Phone("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return TransferToParticipant{}, err
	}
	return TransferToParticipant{Target: t, Options: calling.TransferToParticipantOptions{
		Transferee:           transferee,
		SourceCallerID:       caller,
		OperationContext:     w.OperationContext,
		OperationCallbackURL: w.OperationCallbackURI,
		CustomContext:        customContext(w.CustomCallingContext),
	}}, nil
}

// HoldParticipant is a decoded hold request.
type HoldParticipant struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.HoldParticipantOptions
}

// DecodeHold reads a hold request.
func DecodeHold(w callwire.HoldRequest) (HoldParticipant, error) {
	p, err := callwire.Identifier("targetParticipant", w.TargetParticipant)
	if err != nil {
		return HoldParticipant{}, err
	}
	src, err := playSource("playSourceInfo", w.PlaySourceInfo)
	if err != nil {
		return HoldParticipant{}, err
	}
	return HoldParticipant{Participant: p, Options: calling.HoldParticipantOptions{PlaySource: src, OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

// UnholdParticipant is a decoded unhold request.
type UnholdParticipant struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.UnholdParticipantOptions
}

// DecodeUnhold reads an unhold request.
func DecodeUnhold(w callwire.UnholdRequest) (UnholdParticipant, error) {
	p, err := callwire.Identifier("targetParticipant", w.TargetParticipant)
	if err != nil {
		return UnholdParticipant{}, err
	}
	return UnholdParticipant{Participant: p, Options: calling.UnholdParticipantOptions{OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

func intelligence(w *callwire.CallIntelligenceOptions) *calling.CallIntelligenceOptions {
	if w == nil {
		return nil
	}
	return &calling.CallIntelligenceOptions{CognitiveServicesEndpoint: w.CognitiveServicesEndpoint}
}

func mediaStreaming(w *callwire.MediaStreamingOptions) *calling.MediaStreamingOptions {
	if w == nil {
		return nil
	}
	return &calling.MediaStreamingOptions{
		TransportURL:        w.TransportURL,
		AudioChannelType:    w.AudioChannelType,
		ContentType:         w.ContentType,
		AudioFormat:         w.AudioFormat,
		StartMediaStreaming: w.StartMediaStreaming,
		EnableBidirectional: w.EnableBidirectional,
		EnableDTMFTones:     w.EnableDtmfTones,
	}
}

func transcription(w *callwire.TranscriptionOptions) *calling.TranscriptionOptions {
	if w == nil {
		return nil
	}
	return &calling.TranscriptionOptions{
		TransportURL:              w.TransportURL,
		Locale:                    w.Locale,
		SpeechModelEndpointID:     w.SpeechModelEndpointID,
		StartTranscription:        w.StartTranscription,
		EnableIntermediateResults: w.EnableIntermediateResults,
	}
}

func customContext(w *callwire.CustomCallingContext) *calling.CustomCallingContext {
	if w == nil {
		return nil
	}
	return &calling.CustomCallingContext{VoIPHeaders: w.VoipHeaders, SIPHeaders: w.SipHeaders}
}

func playSource(property string, w *callwire.PlaySource) (*calling.PlaySource, error) {
	if w == nil {
		return nil, nil
	}
	p := &calling.PlaySource{Kind: calling.PlaySourceKind(w.Kind), CacheID: w.PlaySourceCacheID}
	switch w.Kind {
	case callwire.PlaySourceFile:
		if w.File == nil || w.File.URI == "" {
			return nil, missing(property + ".file.uri")
		}
		p.URL = w.File.URI
	case callwire.PlaySourceText:
		if w.Text == nil || w.Text.Text == "" {
			return nil, missing(property + ".text.text")
		}
		p.Text, p.SourceLocale, p.VoiceKind, p.VoiceName, p.CustomVoiceEndpointID = w.Text.Text, w.Text.SourceLocale, w.Text.VoiceKind, w.Text.VoiceName, w.Text.CustomVoiceEndpointID
	case callwire.PlaySourceSSML:
		if w.SSML == nil || w.SSML.SSMLText == "" {
			return nil, missing(property + ".ssml.ssmlText")
		}
		p.Text, p.CustomVoiceEndpointID = w.SSML.SSMLText, w.SSML.CustomVoiceEndpointID
	default:
		return nil, &Error{Property: property + ".kind", Problem: "unknown play source kind"}
	}
	return p, nil
}

// Responses.

// Properties writes a call connection's properties.
func Properties(p calling.CallConnectionProperties) callwire.CallConnectionProperties {
	w := callwire.CallConnectionProperties{
		CallConnectionID:     p.CallConnectionID,
		ServerCallID:         p.ServerCallID,
		CallConnectionState:  string(p.State),
		CallbackURI:          p.CallbackURL,
		SourceCallerIDNumber: callwire.PhoneModel(p.SourceCallerID),
		SourceDisplayName:    p.SourceDisplayName,
		Source:               callwire.OptionalModel(p.Source),
		CorrelationID:        p.CorrelationID,
		AnsweredBy:           callwire.UserModel(p.AnsweredBy),
		AnsweredFor:          callwire.PhoneModel(p.AnsweredFor),
	}
	if p.Targets != nil {
		w.Targets = callwire.Models(p.Targets)
	}
	if s := p.MediaStreaming; s != nil {
		w.MediaStreamingSubscription = &callwire.MediaStreamingSubscription{ID: s.ID, State: s.State, SubscribedContentTypes: s.ContentTypes}
	}
	if s := p.Transcription; s != nil {
		w.TranscriptionSubscription = &callwire.TranscriptionSubscription{ID: s.ID, State: s.State, SubscribedResultTypes: s.ResultTypes, Locale: s.Locale}
	}
	return w
}

// Participant writes a participant.
func Participant(p calling.CallParticipant) callwire.CallParticipant {
	return callwire.CallParticipant{Identifier: callwire.OptionalModel(p.Identifier), IsMuted: p.IsMuted, IsOnHold: p.IsOnHold}
}

// Participants writes a page of participants.
func Participants(p calling.ParticipantsPage) callwire.GetParticipantsResponse {
	w := callwire.GetParticipantsResponse{Value: make([]callwire.CallParticipant, len(p.Participants)), NextLink: p.NextLink}
	for i, cp := range p.Participants {
		w.Value[i] = Participant(cp)
	}
	return w
}

// AddParticipantResponse writes the result of an add.
func AddParticipantResponse(r calling.AddParticipantResponse) callwire.AddParticipantResponse {
	w := callwire.AddParticipantResponse{InvitationID: r.InvitationID, OperationContext: r.OperationContext}
	if r.Participant.Identifier != nil {
		p := Participant(r.Participant)
		w.Participant = &p
	}
	return w
}

// CancelAddParticipantResponse writes the result of a cancel.
func CancelAddParticipantResponse(r calling.CancelAddParticipantResponse) callwire.CancelAddParticipantResponse {
	return callwire.CancelAddParticipantResponse{InvitationID: r.InvitationID, OperationContext: r.OperationContext}
}

// OperationContext writes the result of a remove, mute or transfer.
func OperationContext(operationContext string) callwire.OperationContextResponse {
	return callwire.OperationContextResponse{OperationContext: operationContext}
}
