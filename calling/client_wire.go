package calling

// Argument checks and the conversions between this package's types and the
// wire structs of internal/callwire for the client: requests out, responses
// in. The fake's HTTP face converts the other way (calling/fake's
// wire_convert.go), whose tests hold the two directions together.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// checkIdentifier checks an identifier and returns its model, which goes on
// the wire as modelJSON. A new target (dialled, invited, transferred to)
// that is a phone number must be in E.164 form; a participant already in a
// call may carry an asserted id or be anonymous, so it only needs a number.
func checkIdentifier(arg string, id identity.Identifier, newTarget bool) (identity.IdentifierModel, error) {
	if id == nil {
		return identity.IdentifierModel{}, argErr(arg, "nil identifier")
	}
	m := identity.ModelFromIdentifier(id)
	if m.Kind == "" {
		return identity.IdentifierModel{}, argErr(arg, "nil identifier")
	}
	if _, err := m.Identifier(); err != nil {
		var me *identity.IdentifierModelError
		if errors.As(err, &me) {
			if me.Property != "" {
				return identity.IdentifierModel{}, argErr(arg, me.Property+": "+me.Problem)
			}
			return identity.IdentifierModel{}, argErr(arg, me.Problem)
		}
		return identity.IdentifierModel{}, argErr(arg, "not a valid identifier")
	}
	if newTarget && m.PhoneNumber != nil && !callwire.IsE164(m.PhoneNumber.Value) {
		return identity.IdentifierModel{}, argErr(arg, "a phone number to call must be in E.164 form: '+' and up to 15 digits")
	}
	return m, nil
}

// modelJSON is the JSON an identifier's model travels as (what
// identity.MarshalIdentifier writes).
func modelJSON(m identity.IdentifierModel) json.RawMessage {
	b, _ := json.Marshal(m) // a model of strings and bools always encodes
	return b
}

// checkCallerID checks an optional caller id: an E.164 number.
func checkCallerID(arg string, p *identity.PhoneNumberIdentifier) (*callwire.PhoneNumberModel, error) {
	if p == nil {
		return nil, nil
	}
	if !callwire.IsE164(p.PhoneNumber) {
		return nil, argErr(arg, "a caller id must be a phone number in E.164 form: '+' and up to 15 digits")
	}
	return phoneModel(p), nil
}

// phoneModel writes a phone number as the PhoneNumberIdentifierModel that
// caller ids travel as; nil gives nil.
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

func checkCallbackURL(arg, u string, required, loopbackHTTP bool) error {
	if u == "" && !required {
		return nil
	}
	if err := callwire.CheckCallbackURL(u, loopbackHTTP); err != nil {
		return argErr(arg, err.Error())
	}
	return nil
}

func checkIncomingCallContext(s string) error {
	if s == "" {
		return argErr("incomingCallContext", "empty: pass the incomingCallContext of the IncomingCall event")
	}
	return nil
}

func intelligenceWire(o *CallIntelligenceOptions) *callwire.CallIntelligenceOptions {
	if o == nil {
		return nil
	}
	return &callwire.CallIntelligenceOptions{CognitiveServicesEndpoint: o.CognitiveServicesEndpoint}
}

func mediaStreamingWire(arg string, o *MediaStreamingOptions) (*callwire.MediaStreamingOptions, error) {
	if o == nil {
		return nil, nil
	}
	if o.AudioChannelType == "" {
		return nil, argErr(arg+".AudioChannelType", "empty: use \"mixed\" or \"unmixed\"")
	}
	return &callwire.MediaStreamingOptions{
		TransportType:       callwire.TransportWebSocket,
		AudioChannelType:    o.AudioChannelType,
		TransportURL:        o.TransportURL,
		ContentType:         o.ContentType,
		StartMediaStreaming: o.StartMediaStreaming,
		EnableBidirectional: o.EnableBidirectional,
		AudioFormat:         o.AudioFormat,
		EnableDtmfTones:     o.EnableDTMFTones,
	}, nil
}

func transcriptionWire(arg string, o *TranscriptionOptions) (*callwire.TranscriptionOptions, error) {
	if o == nil {
		return nil, nil
	}
	if o.Locale == "" {
		return nil, argErr(arg+".Locale", "empty: name the spoken language, such as \"en-US\"")
	}
	return &callwire.TranscriptionOptions{
		TransportType:             callwire.TransportWebSocket,
		Locale:                    o.Locale,
		TransportURL:              o.TransportURL,
		SpeechModelEndpointID:     o.SpeechModelEndpointID,
		StartTranscription:        o.StartTranscription,
		EnableIntermediateResults: o.EnableIntermediateResults,
	}, nil
}

// customContextWire checks a custom calling context and writes it; nil, or
// one with nothing set, sends nothing.
func customContextWire(arg string, o *CustomCallingContext) (*callwire.CustomCallingContext, error) {
	if o == nil {
		return nil, nil
	}
	if err := checkTeamsDetails(arg+".TeamsPhoneCallDetails", o.TeamsPhoneCallDetails); err != nil {
		return nil, err
	}
	return customContextToWire(o), nil
}

// customContextToWire writes a custom calling context as it is (an event
// is encoded as it was read); nil when nothing is set.
func customContextToWire(o *CustomCallingContext) *callwire.CustomCallingContext {
	details := teamsDetailsToWire(o.TeamsPhoneCallDetails)
	if len(o.VoIPHeaders) == 0 && len(o.SIPHeaders) == 0 && details == nil {
		return nil
	}
	return &callwire.CustomCallingContext{VoipHeaders: o.VoIPHeaders, SipHeaders: o.SIPHeaders, TeamsPhoneCallDetails: details}
}

// checkTeamsDetails checks the Teams details of a custom calling context
// as the 2026-03-12 spec defines TeamsPhoneCallDetails: the members it
// marks required are required, callTopic is "max 48 chars",
// additionalCallerInformation holds at most 10 entries (the service
// ignores the others: refused here rather than lost). That the URLs be
// absolute http or https URLs is a choice (the spec says "Url").
func checkTeamsDetails(arg string, d *TeamsPhoneCallDetails) error {
	if d == nil {
		return nil
	}
	if n := utf8.RuneCountInString(d.CallTopic); n > MaxTeamsCallTopicLength {
		return argErr(arg+".CallTopic", "at most "+strconv.Itoa(MaxTeamsCallTopicLength)+" characters (the Teams call notification shows it), not "+strconv.Itoa(n))
	}
	if err := checkDetailsURL(arg+".TranscriptURL", d.TranscriptURL); err != nil {
		return err
	}
	if c := d.CallerDetails; c != nil {
		a := arg + ".CallerDetails"
		if _, err := checkIdentifier(a+".Caller", c.Caller, false); err != nil {
			return err
		}
		_, emptyKey := c.AdditionalCallerInformation[""]
		switch {
		case c.Name == "":
			return argErr(a+".Name", "empty: the caller's name is required")
		case c.PhoneNumber == "":
			return argErr(a+".PhoneNumber", "empty: the caller's phone number is required")
		case len(c.AdditionalCallerInformation) > MaxTeamsAdditionalCallerInformation:
			return argErr(a+".AdditionalCallerInformation", "more than "+strconv.Itoa(MaxTeamsAdditionalCallerInformation)+" entries: the service ignores the others")
		case emptyKey:
			return argErr(a+".AdditionalCallerInformation", "an empty key")
		}
		if err := checkDetailsURL(a+".ScreenPopURL", c.ScreenPopURL); err != nil {
			return err
		}
	}
	if src := d.SourceDetails; src != nil {
		a := arg + ".SourceDetails"
		if _, err := checkIdentifier(a+".Source", src.Source, false); err != nil {
			return err
		}
		switch {
		case src.Language == "":
			return argErr(a+".Language", "empty: the source's language (an ISO 639 code, such as \"en\") is required")
		case src.Status == "":
			return argErr(a+".Status", "empty: the source's status is required")
		}
		for _, k := range slices.Sorted(maps.Keys(src.IntendedTargets)) {
			if k == "" {
				return argErr(a+".IntendedTargets", "an empty key")
			}
			if _, err := checkIdentifier(a+".IntendedTargets["+strconv.Quote(k)+"]", src.IntendedTargets[k], false); err != nil {
				return err
			}
		}
	}
	return nil
}

// teamsDetailsToWire writes Teams details as they are; details with
// nothing set send nothing (a choice).
func teamsDetailsToWire(d *TeamsPhoneCallDetails) *callwire.TeamsPhoneCallDetails {
	if d == nil || *d == (TeamsPhoneCallDetails{}) {
		return nil
	}
	w := &callwire.TeamsPhoneCallDetails{
		SessionID:        d.SessionID,
		Intent:           d.Intent,
		CallTopic:        d.CallTopic,
		CallContext:      d.CallContext,
		TranscriptURL:    d.TranscriptURL,
		CallSentiment:    d.CallSentiment,
		SuggestedActions: d.SuggestedActions,
	}
	if c := d.CallerDetails; c != nil {
		authenticated := c.IsAuthenticated
		w.TeamsPhoneCallerDetails = &callwire.TeamsPhoneCallerDetails{
			Caller:                      modelOf(c.Caller),
			Name:                        c.Name,
			PhoneNumber:                 c.PhoneNumber,
			RecordID:                    c.RecordID,
			ScreenPopURL:                c.ScreenPopURL,
			IsAuthenticated:             &authenticated,
			AdditionalCallerInformation: c.AdditionalCallerInformation,
		}
	}
	if src := d.SourceDetails; src != nil {
		ws := &callwire.TeamsPhoneSourceDetails{Source: modelOf(src.Source), Language: src.Language, Status: src.Status}
		if len(src.IntendedTargets) > 0 {
			ws.IntendedTargets = make(map[string]json.RawMessage, len(src.IntendedTargets))
			for k, t := range src.IntendedTargets {
				ws.IntendedTargets[k] = modelOf(t)
			}
		}
		w.TeamsPhoneSourceDetails = ws
	}
	return w
}

// checkDetailsURL checks an optional URL of Teams call details: absolute,
// http or https, with a host. The error never repeats the URL.
func checkDetailsURL(arg, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return argErr(arg, "not an absolute http or https url")
	}
	return nil
}

func playSourceWire(arg string, p *PlaySource) (*callwire.PlaySource, error) {
	if p == nil {
		return nil, nil
	}
	w := &callwire.PlaySource{Kind: string(p.Kind), PlaySourceCacheID: p.CacheID}
	switch p.Kind {
	case PlayFile:
		if p.URL == "" {
			return nil, argErr(arg+".URL", "empty: a file source needs the audio file's url")
		}
		w.File = &callwire.FileSource{URI: p.URL}
	case PlayText:
		if p.Text == "" {
			return nil, argErr(arg+".Text", "empty: a text source needs text")
		}
		w.Text = &callwire.TextSource{Text: p.Text, SourceLocale: p.SourceLocale, VoiceKind: p.VoiceKind, VoiceName: p.VoiceName, CustomVoiceEndpointID: p.CustomVoiceEndpointID}
	case PlaySSML:
		if p.Text == "" {
			return nil, argErr(arg+".Text", "empty: an ssml source needs the ssml document")
		}
		w.SSML = &callwire.SSMLSource{SSMLText: p.Text, CustomVoiceEndpointID: p.CustomVoiceEndpointID}
	default:
		return nil, argErr(arg+".Kind", fmt.Sprintf("unknown play source kind %q: use PlayFile, PlayText or PlaySSML", string(p.Kind)))
	}
	return w, nil
}

func locatorWire(l CallLocator) (callwire.CallLocator, error) {
	if l.ID == "" {
		return callwire.CallLocator{}, argErr("locator.ID", "empty")
	}
	w := callwire.CallLocator{Kind: string(l.Kind)}
	switch l.Kind {
	case GroupCall:
		w.GroupCallID = l.ID
	case ServerCall:
		w.ServerCallID = l.ID
	case RoomCall:
		w.RoomID = l.ID
	default:
		return callwire.CallLocator{}, argErr("locator.Kind", fmt.Sprintf("unknown call locator kind %q: use GroupCall, ServerCall or RoomCall", string(l.Kind)))
	}
	return w, nil
}

func invitationTimeout(d time.Duration) (*int, error) {
	if d == 0 {
		return nil, nil
	}
	if d < time.Second || d > MaxInvitationTimeout || d%time.Second != 0 {
		return nil, argErr("opts.InvitationTimeout", fmt.Sprintf("%v: use whole seconds from 1s to %v, or zero for the service default", d, MaxInvitationTimeout))
	}
	s := int(d / time.Second)
	return &s, nil
}

func rejectReason(r RejectReason) (string, error) {
	switch r {
	case "", RejectReasonNone, RejectReasonBusy, RejectReasonForbidden:
		return string(r), nil
	}
	return "", argErr("opts.Reason", fmt.Sprintf("unknown reject reason %q: use none, busy or forbidden", string(r)))
}

// createCallWire checks CreateCall's arguments and builds its body.
func createCallWire(targets []identity.Identifier, callbackURL string, o CreateCallOptions, loopbackHTTP bool) (*callwire.CreateCallRequest, error) {
	if len(targets) == 0 {
		return nil, argErr("targets", "no target: pass at least one identifier to call")
	}
	req := &callwire.CreateCallRequest{
		Targets:           make([]json.RawMessage, len(targets)),
		SourceDisplayName: o.SourceDisplayName,
		Source:            userModel(o.Source),
		OperationContext:  o.OperationContext,
		CallbackURI:       callbackURL,
	}
	phone := false
	for i, t := range targets {
		m, err := checkIdentifier(fmt.Sprintf("targets[%d]", i), t, true)
		if err != nil {
			return nil, err
		}
		phone = phone || m.Kind == identity.KindPhoneNumber
		req.Targets[i] = modelJSON(m)
	}
	if err := checkCallbackURL("callbackURL", callbackURL, true, loopbackHTTP); err != nil {
		return nil, err
	}
	var err error
	if req.SourceCallerIDNumber, err = checkCallerID("opts.SourceCallerID", o.SourceCallerID); err != nil {
		return nil, err
	}
	// Which sources go together is not documented: CreateCallRequest
	// (CallAutomation/stable/2026-03-12) has source (an ACS user),
	// teamsAppSource (a Teams resource account) and sourceCallerIdNumber,
	// all optional, with no rule between them. The client refuses source
	// with teamsAppSource, two callers for one call (choice), and needs a
	// caller id for a phone target unless the call comes from a Teams
	// resource account, whose own number is shown (Learn: "Place
	// server-initiated outbound calls with Teams Phone extensibility"
	// calls a phone with no caller id and TeamsAppSource set; the
	// troubleshooting tip requires SourceCallerId for phone targets
	// otherwise).
	if o.Source != nil && o.TeamsAppSource != nil {
		return nil, &ArgumentError{Arg: "opts.TeamsAppSource", Problem: ErrTwoSources.Error(), Err: ErrTwoSources}
	}
	if phone && req.SourceCallerIDNumber == nil && o.TeamsAppSource == nil {
		return nil, missingCallerID("opts.SourceCallerID")
	}
	if o.Source != nil && o.Source.ID == "" {
		return nil, argErr("opts.Source", "empty id")
	}
	if o.TeamsAppSource != nil {
		if o.TeamsAppSource.AppID == "" {
			return nil, argErr("opts.TeamsAppSource", "empty app id")
		}
		a := identity.ModelFromIdentifier(*o.TeamsAppSource).MicrosoftTeamsApp
		req.TeamsAppSource = &callwire.TeamsAppModel{AppID: a.AppID, Cloud: string(a.Cloud)}
	}
	req.CallIntelligenceOptions = intelligenceWire(o.CallIntelligence)
	if req.MediaStreamingOptions, err = mediaStreamingWire("opts.MediaStreaming", o.MediaStreaming); err != nil {
		return nil, err
	}
	if req.TranscriptionOptions, err = transcriptionWire("opts.Transcription", o.Transcription); err != nil {
		return nil, err
	}
	return req, nil
}

func answerCallWire(incomingCallContext, callbackURL string, o AnswerCallOptions, loopbackHTTP bool) (*callwire.AnswerCallRequest, error) {
	if err := checkIncomingCallContext(incomingCallContext); err != nil {
		return nil, err
	}
	if err := checkCallbackURL("callbackURL", callbackURL, true, loopbackHTTP); err != nil {
		return nil, err
	}
	if o.AnsweredBy != nil && o.AnsweredBy.ID == "" {
		return nil, argErr("opts.AnsweredBy", "empty id")
	}
	req := &callwire.AnswerCallRequest{
		IncomingCallContext:     incomingCallContext,
		CallbackURI:             callbackURL,
		OperationContext:        o.OperationContext,
		CallIntelligenceOptions: intelligenceWire(o.CallIntelligence),
		AnsweredBy:              userModel(o.AnsweredBy),
	}
	var err error
	if req.MediaStreamingOptions, err = mediaStreamingWire("opts.MediaStreaming", o.MediaStreaming); err != nil {
		return nil, err
	}
	if req.TranscriptionOptions, err = transcriptionWire("opts.Transcription", o.Transcription); err != nil {
		return nil, err
	}
	return req, nil
}

func connectWire(locator CallLocator, callbackURL string, o ConnectCallOptions, loopbackHTTP bool) (*callwire.ConnectRequest, error) {
	loc, err := locatorWire(locator)
	if err != nil {
		return nil, err
	}
	if err := checkCallbackURL("callbackURL", callbackURL, true, loopbackHTTP); err != nil {
		return nil, err
	}
	req := &callwire.ConnectRequest{
		CallLocator:             loc,
		CallbackURI:             callbackURL,
		OperationContext:        o.OperationContext,
		CallIntelligenceOptions: intelligenceWire(o.CallIntelligence),
	}
	if req.MediaStreamingOptions, err = mediaStreamingWire("opts.MediaStreaming", o.MediaStreaming); err != nil {
		return nil, err
	}
	if req.TranscriptionOptions, err = transcriptionWire("opts.Transcription", o.Transcription); err != nil {
		return nil, err
	}
	return req, nil
}

func addParticipantWire(participant identity.Identifier, o AddParticipantOptions, loopbackHTTP bool) (*callwire.AddParticipantRequest, error) {
	m, err := checkIdentifier("participant", participant, true)
	if err != nil {
		return nil, err
	}
	caller, err := checkCallerID("opts.SourceCallerID", o.SourceCallerID)
	if err != nil {
		return nil, err
	}
	if m.Kind == identity.KindPhoneNumber && caller == nil {
		return nil, missingCallerID("opts.SourceCallerID")
	}
	timeout, err := invitationTimeout(o.InvitationTimeout)
	if err != nil {
		return nil, err
	}
	if err := checkCallbackURL("opts.OperationCallbackURL", o.OperationCallbackURL, false, loopbackHTTP); err != nil {
		return nil, err
	}
	cc, err := customContextWire("opts.CustomContext", o.CustomContext)
	if err != nil {
		return nil, err
	}
	return &callwire.AddParticipantRequest{
		SourceCallerIDNumber:       caller,
		SourceDisplayName:          o.SourceDisplayName,
		ParticipantToAdd:           modelJSON(m),
		InvitationTimeoutInSeconds: timeout,
		OperationContext:           o.OperationContext,
		OperationCallbackURI:       o.OperationCallbackURL,
		CustomCallingContext:       cc,
	}, nil
}

func transferWire(target identity.Identifier, o TransferToParticipantOptions, loopbackHTTP bool) (*callwire.TransferToParticipantRequest, error) {
	m, err := checkIdentifier("target", target, true)
	if err != nil {
		return nil, err
	}
	cc, err := customContextWire("opts.CustomContext", o.CustomContext)
	if err != nil {
		return nil, err
	}
	req := &callwire.TransferToParticipantRequest{
		TargetParticipant:    modelJSON(m),
		OperationContext:     o.OperationContext,
		OperationCallbackURI: o.OperationCallbackURL,
		CustomCallingContext: cc,
	}
	if o.Transferee != nil {
		t, err := checkIdentifier("opts.Transferee", o.Transferee, false)
		if err != nil {
			return nil, err
		}
		req.Transferee = modelJSON(t)
	}
	if req.SourceCallerIDNumber, err = checkCallerID("opts.SourceCallerID", o.SourceCallerID); err != nil {
		return nil, err
	}
	if err := checkCallbackURL("opts.OperationCallbackURL", o.OperationCallbackURL, false, loopbackHTTP); err != nil {
		return nil, err
	}
	return req, nil
}

// Responses.

func propertiesFromWire(w callwire.CallConnectionProperties) (CallConnectionProperties, error) {
	targets, err := callwire.DecodeList("targets", w.Targets, identity.UnmarshalIdentifier)
	if err != nil {
		return CallConnectionProperties{}, err
	}
	source, err := callwire.DecodeOptional("source", w.Source, identity.UnmarshalIdentifier)
	if err != nil {
		return CallConnectionProperties{}, err
	}
	caller, err := phoneFromWire("sourceCallerIdNumber", w.SourceCallerIDNumber)
	if err != nil {
		return CallConnectionProperties{}, err
	}
	answeredBy, err := userFromWire("answeredBy", w.AnsweredBy)
	if err != nil {
		return CallConnectionProperties{}, err
	}
	answeredFor, err := phoneFromWire("answeredFor", w.AnsweredFor)
	if err != nil {
		return CallConnectionProperties{}, err
	}
	p := CallConnectionProperties{
		CallConnectionID:  w.CallConnectionID,
		ServerCallID:      w.ServerCallID,
		Targets:           targets,
		State:             CallConnectionState(w.CallConnectionState),
		CallbackURL:       w.CallbackURI,
		SourceCallerID:    caller,
		SourceDisplayName: w.SourceDisplayName,
		Source:            source,
		CorrelationID:     w.CorrelationID,
		AnsweredBy:        answeredBy,
		AnsweredFor:       answeredFor,
	}
	if s := w.MediaStreamingSubscription; s != nil {
		p.MediaStreaming = &MediaStreamingSubscription{ID: s.ID, State: s.State, ContentTypes: nonEmpty(s.SubscribedContentTypes)}
	}
	if s := w.TranscriptionSubscription; s != nil {
		p.Transcription = &TranscriptionSubscription{ID: s.ID, State: s.State, ResultTypes: nonEmpty(s.SubscribedResultTypes), Locale: s.Locale}
	}
	return p, nil
}

// nonEmpty returns nil for an empty list, so that an absent and an empty
// list read the same.
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func participantFromWire(property string, w callwire.CallParticipant) (CallParticipant, error) {
	id, err := callwire.DecodeOptional(property+".identifier", w.Identifier, identity.UnmarshalIdentifier)
	if err != nil {
		return CallParticipant{}, err
	}
	return CallParticipant{Identifier: id, IsMuted: w.IsMuted, IsOnHold: w.IsOnHold}, nil
}

func participantsFromWire(w callwire.GetParticipantsResponse) (ListParticipantsPageResponse, error) {
	page := ListParticipantsPageResponse{Participants: make([]CallParticipant, len(w.Value)), NextLink: w.NextLink}
	for i, p := range w.Value {
		cp, err := participantFromWire(fmt.Sprintf("value[%d]", i), p)
		if err != nil {
			return ListParticipantsPageResponse{}, err
		}
		page.Participants[i] = cp
	}
	return page, nil
}
