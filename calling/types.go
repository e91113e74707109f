package calling

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// DefaultAPIVersion is the Call Automation REST API version the client
// speaks unless ClientOptions.APIVersion says otherwise.
const DefaultAPIVersion = "2026-03-12"

// CallConnectionState is the state of a call connection. Values other than
// the constants may appear as the service adds states.
type CallConnectionState string

// Call connection states.
const (
	StateUnknown          CallConnectionState = "unknown"
	StateConnecting       CallConnectionState = "connecting"
	StateConnected        CallConnectionState = "connected"
	StateTransferring     CallConnectionState = "transferring"
	StateTransferAccepted CallConnectionState = "transferAccepted"
	StateDisconnecting    CallConnectionState = "disconnecting"
	StateDisconnected     CallConnectionState = "disconnected"
)

// CallConnectionProperties describes a call connection: the service's leg
// in a call, which this client controls.
type CallConnectionProperties struct {
	// CallConnectionID identifies the call connection in later operations.
	CallConnectionID string
	// ServerCallID identifies the call itself (for recording, for example).
	ServerCallID string
	// Targets are the callees of an outgoing call, or the callee of an
	// answered one.
	Targets []identity.Identifier
	// State is the connection's state.
	State CallConnectionState
	// CallbackURL is where the service posts the call's events.
	CallbackURL string
	// SourceCallerID is the caller id shown to phone callees; nil if none.
	SourceCallerID *identity.PhoneNumberIdentifier
	// SourceDisplayName is the display name shown to phone callees.
	SourceDisplayName string
	// Source is the caller; nil if the service did not say.
	Source identity.Identifier
	// CorrelationID correlates the call across ACS logs (the chain id).
	CorrelationID string
	// AnsweredBy is the ACS identity that answered the call, when one was
	// given in the answer.
	AnsweredBy *identity.CommunicationUserIdentifier
	// AnsweredFor is the original phone number target of an answered
	// incoming call, when it was a phone number.
	AnsweredFor *identity.PhoneNumberIdentifier
	// MediaStreaming is the media streaming subscription; nil if none.
	MediaStreaming *MediaStreamingSubscription
	// Transcription is the transcription subscription; nil if none.
	Transcription *TranscriptionSubscription
}

// MediaStreamingSubscription is the state of a call's media streaming.
type MediaStreamingSubscription struct {
	// ID is the subscription's id.
	ID string
	// State is "disabled", "inactive" or "active".
	State string
	// ContentTypes are the streamed content types ("audio").
	ContentTypes []string
}

// TranscriptionSubscription is the state of a call's live transcription.
type TranscriptionSubscription struct {
	// ID is the subscription's id.
	ID string
	// State is "disabled", "inactive" or "active".
	State string
	// ResultTypes are the subscribed result types ("final", "intermediate").
	ResultTypes []string
	// Locale is the transcription's locale, such as "en-US".
	Locale string
}

// CallParticipant is a participant of a call.
type CallParticipant struct {
	// Identifier identifies the participant; nil only if the service sent
	// none.
	Identifier identity.Identifier
	// IsMuted is true when the participant is muted.
	IsMuted bool
	// IsOnHold is true when the participant is on hold.
	IsOnHold bool
}

// RejectReason is why an incoming call is rejected.
type RejectReason string

// Reject reasons.
const (
	// RejectReasonNone rejects without a reason.
	RejectReasonNone RejectReason = "none"
	// RejectReasonBusy tells the caller the callee is busy.
	RejectReasonBusy RejectReason = "busy"
	// RejectReasonForbidden tells the caller the call is not allowed.
	RejectReasonForbidden RejectReason = "forbidden"
)

// CallLocatorKind is the kind of an existing call to connect to.
type CallLocatorKind string

// Call locator kinds.
const (
	// GroupCall is an ACS group call, named by its group id.
	GroupCall CallLocatorKind = "groupCallLocator"
	// ServerCall is a call named by its server call id.
	ServerCall CallLocatorKind = "serverCallLocator"
	// RoomCall is the call of an ACS room, named by the room id.
	RoomCall CallLocatorKind = "roomCallLocator"
)

// CallLocator names an existing call for ConnectCall. It is not a Teams
// meeting locator: the service cannot join Teams meetings (see
// MeetingLocator for what a client SDK needs to join one).
type CallLocator struct {
	// Kind is the kind of call.
	Kind CallLocatorKind
	// ID is the group call id, server call id or room id.
	ID string
}

// CallIntelligenceOptions are the AI options of a call.
type CallIntelligenceOptions struct {
	// CognitiveServicesEndpoint is the endpoint of the Azure AI services
	// resource used for speech in the call.
	CognitiveServicesEndpoint string
}

// MediaStreamingOptions ask for a call's audio to be streamed over a
// websocket.
type MediaStreamingOptions struct {
	// TransportURL is the websocket URL the service connects to.
	TransportURL string
	// AudioChannelType is "mixed" or "unmixed" (required).
	AudioChannelType string
	// ContentType is what is streamed; empty means the service default
	// ("audio").
	ContentType string
	// AudioFormat is "pcm16KMono" or "pcm24KMono"; empty means the service
	// default (pcm16KMono).
	AudioFormat string
	// StartMediaStreaming starts streaming as soon as the call connects.
	StartMediaStreaming bool
	// EnableBidirectional lets the application stream audio into the call.
	EnableBidirectional bool
	// EnableDTMFTones streams the DTMF tones too.
	EnableDTMFTones bool
}

// TranscriptionOptions ask for a call's live transcription over a websocket.
type TranscriptionOptions struct {
	// TransportURL is the websocket URL the service connects to.
	TransportURL string
	// Locale is the spoken language, such as "en-US" (required).
	Locale string
	// SpeechModelEndpointID is a custom speech model's endpoint id.
	SpeechModelEndpointID string
	// StartTranscription starts transcribing as soon as the call connects.
	StartTranscription bool
	// EnableIntermediateResults sends intermediate results too.
	EnableIntermediateResults bool
}

// CustomCallingContext is custom data sent to an invitee with the
// invitation: VoIP headers for ACS and Teams callees, SIP headers for phone
// callees (names "User-To-User", or starting "X-MS-Custom-"), and the
// details a Teams client shows a Teams user it rings. In the 2026-03-12
// Call Automation spec, AddParticipant and TransferToParticipant carry it
// (customCallingContext of AddParticipantRequest and
// TransferToParticipantRequest), CreateCall does not.
type CustomCallingContext struct {
	// VoIPHeaders are sent to VoIP callees.
	VoIPHeaders map[string]string
	// SIPHeaders are sent to PSTN callees.
	SIPHeaders map[string]string
	// TeamsPhoneCallDetails, when set, are shown by the Teams client of a
	// Teams user offered the call: its topic in the call notification,
	// its context in a side panel.
	TeamsPhoneCallDetails *TeamsPhoneCallDetails
}

// MaxTeamsCallTopicLength is the most characters of
// TeamsPhoneCallDetails.CallTopic ("a very short description (max 48
// chars) of the reason for the call", the 2026-03-12 spec).
const MaxTeamsCallTopicLength = 48

// MaxTeamsAdditionalCallerInformation is the most entries of
// TeamsPhoneCallerDetails.AdditionalCallerInformation the Teams client
// shows; the service ignores the others (the 2026-03-12 spec), so more is
// refused before sending rather than lost.
const MaxTeamsAdditionalCallerInformation = 10

// TeamsPhoneCallDetails are the details of a call that a Teams client shows
// the Teams user it rings (TeamsPhoneCallDetails of the 2026-03-12 Call
// Automation spec, teamsPhoneCallDetails of its CustomCallingContext; the
// JavaScript SDK's TeamsPhoneCallDetails). Every field is optional; a
// value with none set sends nothing.
type TeamsPhoneCallDetails struct {
	// CallerDetails describe the original caller.
	CallerDetails *TeamsPhoneCallerDetails
	// SourceDetails describe the entity that made these details, such as
	// a call queue or an auto attendant.
	SourceDetails *TeamsPhoneSourceDetails
	// SessionID identifies the call session, for telemetry and reporting.
	SessionID string
	// Intent is the intent of the call.
	Intent string
	// CallTopic is a very short description of the reason for the call,
	// at most MaxTeamsCallTopicLength characters, shown in the Teams call
	// notification.
	CallTopic string
	// CallContext is a summary of the call so far, shown in a side panel
	// of the Teams client.
	CallContext string
	// TranscriptURL is where the call's transcript can be fetched: an
	// absolute http or https URL.
	TranscriptURL string
	// CallSentiment is the sentiment of the call so far.
	CallSentiment string
	// SuggestedActions are recommendations for resolving the caller's
	// issue.
	SuggestedActions string
}

// TeamsPhoneCallerDetails describe the original caller of a call
// (TeamsPhoneCallerDetails of the 2026-03-12 spec, where Caller, Name and
// PhoneNumber are required).
type TeamsPhoneCallerDetails struct {
	// Caller identifies the caller (required).
	Caller identity.Identifier
	// Name is the caller's name (required).
	Name string
	// PhoneNumber is the caller's phone number (required).
	PhoneNumber string
	// RecordID is the caller's record id, for example in a CRM.
	RecordID string
	// ScreenPopURL is the caller's screen pop URL: an absolute http or
	// https URL.
	ScreenPopURL string
	// IsAuthenticated says whether the caller was authenticated.
	IsAuthenticated bool
	// AdditionalCallerInformation are key-value pairs shown to the Teams
	// user, at most MaxTeamsAdditionalCallerInformation.
	AdditionalCallerInformation map[string]string
}

// TeamsPhoneSourceDetails describe the entity that made a call's details
// (TeamsPhoneSourceDetails of the 2026-03-12 spec, where Source, Language
// and Status are required).
type TeamsPhoneSourceDetails struct {
	// Source identifies the entity, for example the Teams resource account
	// of a call queue (required).
	Source identity.Identifier
	// Language is the entity's language as an ISO 639 code, such as "en"
	// (required).
	Language string
	// Status is the entity's status (required).
	Status string
	// IntendedTargets are the targets the entity intended, by name.
	IntendedTargets map[string]identity.Identifier
}

// PlaySourceKind is the kind of a PlaySource.
type PlaySourceKind string

// Play source kinds.
const (
	// PlayFile plays an audio file (WAV, 16 kHz mono) from a URL.
	PlayFile PlaySourceKind = "file"
	// PlayText speaks text with Azure AI speech.
	PlayText PlaySourceKind = "text"
	// PlaySSML speaks SSML with Azure AI speech.
	PlaySSML PlaySourceKind = "ssml"
)

// PlaySource is audio played in a call, for example to a participant on
// hold.
type PlaySource struct {
	// Kind says which of the fields below apply.
	Kind PlaySourceKind
	// URL is the audio file's URL (PlayFile).
	URL string
	// Text is the text to speak (PlayText), or the SSML document (PlaySSML).
	Text string
	// SourceLocale is the text's locale (PlayText).
	SourceLocale string
	// VoiceName is the speech voice (PlayText), such as "en-US-JennyNeural".
	VoiceName string
	// VoiceKind is "male" or "female" (PlayText).
	VoiceKind string
	// CustomVoiceEndpointID is a custom voice's endpoint id (PlayText, PlaySSML).
	CustomVoiceEndpointID string
	// CacheID lets the service cache the audio under this id.
	CacheID string
}

// MaxInvitationTimeout is the longest time an invitee may take to answer
// an add-participant invitation.
const MaxInvitationTimeout = 180 * time.Second
