package fake

// The switchboard's side of the Call Automation wire: requests in, decoded
// from internal/callwire's structs into package calling's types; responses
// out. Package calling's client converts the other way (requests out,
// responses in, calling/client_wire.go). wire_convert_test.go sends every
// request through the real client to a server that decodes it here, and
// decodes what this file encodes with the client, so the two directions
// cannot disagree.
//
// Decoders check what the service would refuse with a 400 (a missing
// required property, an identifier model that cannot be read) and return
// a *callwire.PropertyError or a *wireError naming the property.

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// wireError reports a request property the service would refuse.
type wireError struct {
	// Property is the JSON path of the property.
	Property string
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *wireError) Error() string { return e.Property + ": " + e.Problem }

func missing(property string) error {
	return &wireError{Property: property, Problem: "required property is missing or empty"}
}

// createCallReq is a decoded create-call request.
type createCallReq struct {
	// Targets are the callees.
	Targets []identity.Identifier
	// CallbackURL is where the call's events go.
	CallbackURL string
	// Options are the optional parameters.
	Options calling.CreateCallOptions
}

// decodeCreateCall reads a create-call request.
func decodeCreateCall(w callwire.CreateCallRequest) (createCallReq, error) {
	if len(w.Targets) == 0 {
		return createCallReq{}, missing("targets")
	}
	if w.CallbackURI == "" {
		return createCallReq{}, missing("callbackUri")
	}
	targets, err := callwire.DecodeList("targets", w.Targets, identity.UnmarshalIdentifier)
	if err != nil {
		return createCallReq{}, err
	}
	caller, err := phoneFromWire("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return createCallReq{}, err
	}
	source, err := userFromWire("source", w.Source)
	if err != nil {
		return createCallReq{}, err
	}
	app, err := teamsAppFromWire("teamsAppSource", w.TeamsAppSource)
	if err != nil {
		return createCallReq{}, err
	}
	return createCallReq{
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

// answerCallReq is a decoded answer request.
type answerCallReq struct {
	// IncomingCallContext names the incoming call.
	IncomingCallContext string
	// CallbackURL is where the call's events go.
	CallbackURL string
	// Options are the optional parameters.
	Options calling.AnswerCallOptions
}

// decodeAnswerCall reads an answer request.
func decodeAnswerCall(w callwire.AnswerCallRequest) (answerCallReq, error) {
	if w.IncomingCallContext == "" {
		return answerCallReq{}, missing("incomingCallContext")
	}
	if w.CallbackURI == "" {
		return answerCallReq{}, missing("callbackUri")
	}
	by, err := userFromWire("answeredBy", w.AnsweredBy)
	if err != nil {
		return answerCallReq{}, err
	}
	return answerCallReq{
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

// redirectCallReq is a decoded redirect request.
type redirectCallReq struct {
	// IncomingCallContext names the incoming call.
	IncomingCallContext string
	// Target is where the call is sent.
	Target identity.Identifier
}

// decodeRedirectCall reads a redirect request.
func decodeRedirectCall(w callwire.RedirectCallRequest) (redirectCallReq, error) {
	if w.IncomingCallContext == "" {
		return redirectCallReq{}, missing("incomingCallContext")
	}
	t, err := callwire.Decode("target", w.Target, identity.UnmarshalIdentifier)
	if err != nil {
		return redirectCallReq{}, err
	}
	return redirectCallReq{IncomingCallContext: w.IncomingCallContext, Target: t}, nil
}

// rejectCallReq is a decoded reject request.
type rejectCallReq struct {
	// IncomingCallContext names the incoming call.
	IncomingCallContext string
	// Options are the optional parameters.
	Options calling.RejectCallOptions
}

// decodeRejectCall reads a reject request.
func decodeRejectCall(w callwire.RejectCallRequest) (rejectCallReq, error) {
	if w.IncomingCallContext == "" {
		return rejectCallReq{}, missing("incomingCallContext")
	}
	return rejectCallReq{IncomingCallContext: w.IncomingCallContext, Options: calling.RejectCallOptions{Reason: calling.RejectReason(w.CallRejectReason)}}, nil
}

// connectCallReq is a decoded connect request.
type connectCallReq struct {
	// Locator names the call to connect to.
	Locator calling.CallLocator
	// CallbackURL is where the call's events go.
	CallbackURL string
	// Options are the optional parameters.
	Options calling.ConnectCallOptions
}

// decodeConnectCall reads a connect request.
func decodeConnectCall(w callwire.ConnectRequest) (connectCallReq, error) {
	if w.CallbackURI == "" {
		return connectCallReq{}, missing("callbackUri")
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
		return connectCallReq{}, &wireError{Property: "callLocator.kind", Problem: "unknown call locator kind"}
	}
	if loc.ID == "" {
		return connectCallReq{}, missing("callLocator id")
	}
	return connectCallReq{
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

// addParticipantReq is a decoded add-participant request.
type addParticipantReq struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.AddParticipantOptions
}

// decodeAddParticipant reads an add-participant request.
func decodeAddParticipant(w callwire.AddParticipantRequest) (addParticipantReq, error) {
	p, err := callwire.Decode("participantToAdd", w.ParticipantToAdd, identity.UnmarshalIdentifier)
	if err != nil {
		return addParticipantReq{}, err
	}
	caller, err := phoneFromWire("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return addParticipantReq{}, err
	}
	cc, err := customContext(w.CustomCallingContext)
	if err != nil {
		return addParticipantReq{}, err
	}
	o := calling.AddParticipantOptions{
		SourceCallerID:       caller,
		SourceDisplayName:    w.SourceDisplayName,
		OperationContext:     w.OperationContext,
		OperationCallbackURL: w.OperationCallbackURI,
		CustomContext:        cc,
	}
	if t := w.InvitationTimeoutInSeconds; t != nil {
		if *t < 0 || *t > callwire.MaxInvitationTimeoutSeconds {
			return addParticipantReq{}, &wireError{Property: "invitationTimeoutInSeconds", Problem: "outside 0 to 180"}
		}
		o.InvitationTimeout = time.Duration(*t) * time.Second
	}
	return addParticipantReq{Participant: p, Options: o}, nil
}

// removeParticipantReq is a decoded remove-participant request.
type removeParticipantReq struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.RemoveParticipantOptions
}

// decodeRemoveParticipant reads a remove-participant request.
func decodeRemoveParticipant(w callwire.RemoveParticipantRequest) (removeParticipantReq, error) {
	p, err := callwire.Decode("participantToRemove", w.ParticipantToRemove, identity.UnmarshalIdentifier)
	if err != nil {
		return removeParticipantReq{}, err
	}
	return removeParticipantReq{Participant: p, Options: calling.RemoveParticipantOptions{OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

// cancelAddReq is a decoded cancel request.
type cancelAddReq struct {
	// InvitationID names the invitation.
	InvitationID string
	// Options are the optional parameters.
	Options calling.CancelAddParticipantOptions
}

// decodeCancelAddParticipant reads a cancel-add-participant request.
func decodeCancelAddParticipant(w callwire.CancelAddParticipantRequest) (cancelAddReq, error) {
	if w.InvitationID == "" {
		return cancelAddReq{}, missing("invitationId")
	}
	return cancelAddReq{InvitationID: w.InvitationID, Options: calling.CancelAddParticipantOptions{OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

// muteReq is a decoded mute request. The API takes a list; the
// service, like package calling, mutes one participant per request.
type muteReq struct {
	// Participants are the participants to mute.
	Participants []identity.Identifier
	// Options are the optional parameters.
	Options calling.MuteParticipantOptions
}

// decodeMuteParticipants reads a mute request.
func decodeMuteParticipants(w callwire.MuteParticipantsRequest) (muteReq, error) {
	if len(w.TargetParticipants) == 0 {
		return muteReq{}, missing("targetParticipants")
	}
	ps, err := callwire.DecodeList("targetParticipants", w.TargetParticipants, identity.UnmarshalIdentifier)
	if err != nil {
		return muteReq{}, err
	}
	return muteReq{Participants: ps, Options: calling.MuteParticipantOptions{OperationContext: w.OperationContext}}, nil
}

// transferReq is a decoded transfer request.
type transferReq struct {
	// Target is where the call is transferred.
	Target identity.Identifier
	// Options are the optional parameters.
	Options calling.TransferToParticipantOptions
}

// decodeTransferToParticipant reads a transfer request.
func decodeTransferToParticipant(w callwire.TransferToParticipantRequest) (transferReq, error) {
	t, err := callwire.Decode("targetParticipant", w.TargetParticipant, identity.UnmarshalIdentifier)
	if err != nil {
		return transferReq{}, err
	}
	transferee, err := callwire.DecodeOptional("transferee", w.Transferee, identity.UnmarshalIdentifier)
	if err != nil {
		return transferReq{}, err
	}
	caller, err := phoneFromWire("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return transferReq{}, err
	}
	cc, err := customContext(w.CustomCallingContext)
	if err != nil {
		return transferReq{}, err
	}
	return transferReq{Target: t, Options: calling.TransferToParticipantOptions{
		Transferee:           transferee,
		SourceCallerID:       caller,
		OperationContext:     w.OperationContext,
		OperationCallbackURL: w.OperationCallbackURI,
		CustomContext:        cc,
	}}, nil
}

// holdReq is a decoded hold request.
type holdReq struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.HoldParticipantOptions
}

// decodeHold reads a hold request.
func decodeHold(w callwire.HoldRequest) (holdReq, error) {
	p, err := callwire.Decode("targetParticipant", w.TargetParticipant, identity.UnmarshalIdentifier)
	if err != nil {
		return holdReq{}, err
	}
	src, err := playSource("playSourceInfo", w.PlaySourceInfo)
	if err != nil {
		return holdReq{}, err
	}
	return holdReq{Participant: p, Options: calling.HoldParticipantOptions{PlaySource: src, OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
}

// unholdReq is a decoded unhold request.
type unholdReq struct {
	// Participant is the participant acted on.
	Participant identity.Identifier
	// Options are the optional parameters.
	Options calling.UnholdParticipantOptions
}

// decodeUnhold reads an unhold request.
func decodeUnhold(w callwire.UnholdRequest) (unholdReq, error) {
	p, err := callwire.Decode("targetParticipant", w.TargetParticipant, identity.UnmarshalIdentifier)
	if err != nil {
		return unholdReq{}, err
	}
	return unholdReq{Participant: p, Options: calling.UnholdParticipantOptions{OperationContext: w.OperationContext, OperationCallbackURL: w.OperationCallbackURI}}, nil
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

// customContext reads the customCallingContext of a request. Of its Teams
// details, the members the 2026-03-12 spec marks required must be there,
// callTopic may hold at most 48 characters ("max 48 chars") and
// additionalCallerInformation at most 10 entries ("any additional entries
// would be ignored"); what the service answers to more is not documented:
// a 400, as the client refuses it, is a choice.
func customContext(w *callwire.CustomCallingContext) (*calling.CustomCallingContext, error) {
	if w == nil {
		return nil, nil
	}
	cc := &calling.CustomCallingContext{VoIPHeaders: w.VoipHeaders, SIPHeaders: w.SipHeaders}
	d := w.TeamsPhoneCallDetails
	if d == nil || *d == (callwire.TeamsPhoneCallDetails{}) { // nothing to show, as the client sends it
		return cc, nil
	}
	const p = "customCallingContext.teamsPhoneCallDetails"
	if utf8.RuneCountInString(d.CallTopic) > calling.MaxTeamsCallTopicLength {
		return nil, &wireError{Property: p + ".callTopic", Problem: "longer than " + strconv.Itoa(calling.MaxTeamsCallTopicLength) + " characters"}
	}
	cc.TeamsPhoneCallDetails = &calling.TeamsPhoneCallDetails{
		SessionID:        d.SessionID,
		Intent:           d.Intent,
		CallTopic:        d.CallTopic,
		CallContext:      d.CallContext,
		TranscriptURL:    d.TranscriptURL,
		CallSentiment:    d.CallSentiment,
		SuggestedActions: d.SuggestedActions,
	}
	if c := d.TeamsPhoneCallerDetails; c != nil {
		const cp = p + ".teamsPhoneCallerDetails"
		caller, err := callwire.Decode(cp+".caller", c.Caller, identity.UnmarshalIdentifier)
		switch {
		case err != nil:
			return nil, err
		case c.Name == "":
			return nil, missing(cp + ".name")
		case c.PhoneNumber == "":
			return nil, missing(cp + ".phoneNumber")
		case len(c.AdditionalCallerInformation) > calling.MaxTeamsAdditionalCallerInformation:
			return nil, &wireError{Property: cp + ".additionalCallerInformation", Problem: "more than " + strconv.Itoa(calling.MaxTeamsAdditionalCallerInformation) + " entries"}
		}
		cc.TeamsPhoneCallDetails.CallerDetails = &calling.TeamsPhoneCallerDetails{
			Caller:                      caller,
			Name:                        c.Name,
			PhoneNumber:                 c.PhoneNumber,
			RecordID:                    c.RecordID,
			ScreenPopURL:                c.ScreenPopURL,
			IsAuthenticated:             c.IsAuthenticated != nil && *c.IsAuthenticated,
			AdditionalCallerInformation: c.AdditionalCallerInformation,
		}
	}
	if src := d.TeamsPhoneSourceDetails; src != nil {
		const sp = p + ".teamsPhoneSourceDetails"
		source, err := callwire.Decode(sp+".source", src.Source, identity.UnmarshalIdentifier)
		switch {
		case err != nil:
			return nil, err
		case src.Language == "":
			return nil, missing(sp + ".language")
		case src.Status == "":
			return nil, missing(sp + ".status")
		}
		sd := &calling.TeamsPhoneSourceDetails{Source: source, Language: src.Language, Status: src.Status}
		if len(src.IntendedTargets) > 0 {
			sd.IntendedTargets = make(map[string]identity.Identifier, len(src.IntendedTargets))
			for _, k := range slices.Sorted(maps.Keys(src.IntendedTargets)) {
				t, err := callwire.Decode(sp+".intendedTargets."+k, src.IntendedTargets[k], identity.UnmarshalIdentifier)
				if err != nil {
					return nil, err
				}
				sd.IntendedTargets[k] = t
			}
		}
		cc.TeamsPhoneCallDetails.SourceDetails = sd
	}
	return cc, nil
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
		return nil, &wireError{Property: property + ".kind", Problem: "unknown play source kind"}
	}
	return p, nil
}

// Responses.

// propertiesWire writes a call connection's properties.
func propertiesWire(p calling.CallConnectionProperties) callwire.CallConnectionProperties {
	w := callwire.CallConnectionProperties{
		CallConnectionID:     p.CallConnectionID,
		ServerCallID:         p.ServerCallID,
		CallConnectionState:  string(p.State),
		CallbackURI:          p.CallbackURL,
		SourceCallerIDNumber: phoneModel(p.SourceCallerID),
		SourceDisplayName:    p.SourceDisplayName,
		Source:               identifierJSON(p.Source),
		CorrelationID:        p.CorrelationID,
		AnsweredBy:           userModel(p.AnsweredBy),
		AnsweredFor:          phoneModel(p.AnsweredFor),
	}
	if p.Targets != nil {
		w.Targets = make([]json.RawMessage, len(p.Targets))
		for i, t := range p.Targets {
			w.Targets[i] = identifierJSON(t)
		}
	}
	if s := p.MediaStreaming; s != nil {
		w.MediaStreamingSubscription = &callwire.MediaStreamingSubscription{ID: s.ID, State: s.State, SubscribedContentTypes: s.ContentTypes}
	}
	if s := p.Transcription; s != nil {
		w.TranscriptionSubscription = &callwire.TranscriptionSubscription{ID: s.ID, State: s.State, SubscribedResultTypes: s.ResultTypes, Locale: s.Locale}
	}
	return w
}

// participantWire writes a participant.
func participantWire(p calling.CallParticipant) callwire.CallParticipant {
	return callwire.CallParticipant{Identifier: identifierJSON(p.Identifier), IsMuted: p.IsMuted, IsOnHold: p.IsOnHold}
}

// participantsWire writes a page of participants.
func participantsWire(p calling.ListParticipantsPageResponse) callwire.GetParticipantsResponse {
	w := callwire.GetParticipantsResponse{Value: make([]callwire.CallParticipant, len(p.Participants)), NextLink: p.NextLink}
	for i, cp := range p.Participants {
		w.Value[i] = participantWire(cp)
	}
	return w
}

// addResponseWire writes the result of an add.
func addResponseWire(r calling.AddParticipantResponse) callwire.AddParticipantResponse {
	w := callwire.AddParticipantResponse{InvitationID: r.InvitationID, OperationContext: r.OperationContext}
	if r.Participant.Identifier != nil {
		p := participantWire(r.Participant)
		w.Participant = &p
	}
	return w
}

// cancelResponseWire writes the result of a cancel.
func cancelResponseWire(r calling.CancelAddParticipantResponse) callwire.CancelAddParticipantResponse {
	return callwire.CancelAddParticipantResponse{InvitationID: r.InvitationID, OperationContext: r.OperationContext}
}

// operationContextWire writes the result of a remove, mute or transfer.
func operationContextWire(operationContext string) callwire.OperationContextResponse {
	return callwire.OperationContextResponse{OperationContext: operationContext}
}

// Identifiers. A CommunicationIdentifierModel is read and written by package
// identity; the typed models that stand alone (caller ids, a call's source,
// the Teams app a call comes from) are internal/callwire's.

// identifierJSON writes an identifier as its model's JSON; nil gives nil,
// an absent property.
func identifierJSON(id identity.Identifier) json.RawMessage {
	b, err := identity.MarshalIdentifier(id)
	if err != nil { // a nil identifier
		return nil
	}
	return b
}

// phoneModel writes a phone number as a PhoneNumberIdentifierModel; nil
// gives nil.
func phoneModel(p *identity.PhoneNumberIdentifier) *callwire.PhoneNumberModel {
	if p == nil {
		return nil
	}
	m := identity.ModelFromIdentifier(*p).PhoneNumber
	return &callwire.PhoneNumberModel{Value: m.Value, IsAnonymous: m.IsAnonymous, AssertedID: m.AssertedID}
}

// phoneFromWire reads a PhoneNumberIdentifierModel; nil gives nil.
func phoneFromWire(property string, m *callwire.PhoneNumberModel) (*identity.PhoneNumberIdentifier, error) {
	if m == nil {
		return nil, nil
	}
	if err := m.Check(property); err != nil {
		return nil, err
	}
	return &identity.PhoneNumberIdentifier{PhoneNumber: m.Value}, nil
}

// userModel writes an ACS user as a CommunicationUserIdentifierModel; nil
// gives nil.
func userModel(u *identity.CommunicationUserIdentifier) *callwire.CommunicationUserModel {
	if u == nil {
		return nil
	}
	return &callwire.CommunicationUserModel{ID: u.ID}
}

// userFromWire reads a CommunicationUserIdentifierModel; nil gives nil.
func userFromWire(property string, m *callwire.CommunicationUserModel) (*identity.CommunicationUserIdentifier, error) {
	if m == nil {
		return nil, nil
	}
	if err := m.Check(property); err != nil {
		return nil, err
	}
	return &identity.CommunicationUserIdentifier{ID: m.ID}, nil
}

// teamsAppFromWire reads a MicrosoftTeamsAppIdentifierModel; nil gives nil.
func teamsAppFromWire(property string, m *callwire.TeamsAppModel) (*identity.MicrosoftTeamsAppIdentifier, error) {
	if m == nil {
		return nil, nil
	}
	if err := m.Check(property); err != nil {
		return nil, err
	}
	return &identity.MicrosoftTeamsAppIdentifier{AppID: m.AppID, Cloud: identity.CloudEnvironment(m.Cloud)}, nil
}
