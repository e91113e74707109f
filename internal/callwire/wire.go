// Package callwire is the one JSON codec of the ACS Call Automation REST API
// for this module: the request and response bodies, paths, headers and the
// rules both sides of the wire must agree on (repeatability headers, callback
// URL checks, participant paging). Package calling's client encodes requests
// and decodes responses with it, and the in-memory switchboard's HTTP face in
// calling/fake decodes requests and encodes responses with it, so the two
// cannot drift apart.
//
// Identifiers travel as their JSON, which package identity reads and writes
// (see ids.go): this package imports no public package of the module.
// Conversion between these structs and package calling's
// public types is done in package calling for the client (requests out,
// responses in) and in calling/fake for its HTTP face (requests in,
// responses out); calling/fake's tests check that the two are inverses.
package callwire

import "encoding/json"

// Paths of the Call Automation REST API, relative to the endpoint.
const (
	PathCallConnections = "/calling/callConnections"
	PathAnswer          = PathCallConnections + ":answer"
	PathRedirect        = PathCallConnections + ":redirect"
	PathReject          = PathCallConnections + ":reject"
	PathConnect         = PathCallConnections + ":connect"
)

// Actions on one call connection, appended to CallConnectionPath.
const (
	ActionTerminate            = ":terminate"
	ActionTransfer             = ":transferToParticipant"
	ActionHold                 = ":hold"
	ActionUnhold               = ":unhold"
	ActionParticipants         = "/participants"
	ActionAddParticipant       = "/participants:add"
	ActionRemoveParticipant    = "/participants:remove"
	ActionMuteParticipants     = "/participants:mute"
	ActionCancelAddParticipant = "/participants:cancelAddParticipant"
)

// CallConnectionPath is the path of one call connection; the id is
// percent-encoded as one path segment.
func CallConnectionPath(callConnectionID string) string {
	return PathCallConnections + "/" + EscapeSegment(callConnectionID)
}

// ParticipantPath is the path of one participant of a call connection, named
// by its raw id ("8:acs:...", "4:+1425...") percent-encoded as one segment.
func ParticipantPath(callConnectionID, rawID string) string {
	return CallConnectionPath(callConnectionID) + ActionParticipants + "/" + EscapeSegment(rawID)
}

// Reject reasons of the wire.
const (
	RejectNone      = "none"
	RejectBusy      = "busy"
	RejectForbidden = "forbidden"
)

// Call locator kinds of the wire.
const (
	LocatorGroupCall  = "groupCallLocator"
	LocatorServerCall = "serverCallLocator"
	LocatorRoomCall   = "roomCallLocator"
)

// TransportWebSocket is the only streaming transport type of the API.
const TransportWebSocket = "websocket"

// Play source kinds of the wire.
const (
	PlaySourceFile = "file"
	PlaySourceText = "text"
	PlaySourceSSML = "ssml"
)

// MaxInvitationTimeoutSeconds is the longest invitation timeout of an add.
const MaxInvitationTimeoutSeconds = 180

// CreateCallRequest is the body of POST /calling/callConnections.
type CreateCallRequest struct {
	Targets                 []json.RawMessage        `json:"targets"`
	SourceCallerIDNumber    *PhoneNumberModel        `json:"sourceCallerIdNumber,omitempty"`
	SourceDisplayName       string                   `json:"sourceDisplayName,omitempty"`
	Source                  *CommunicationUserModel  `json:"source,omitempty"`
	OperationContext        string                   `json:"operationContext,omitempty"`
	CallbackURI             string                   `json:"callbackUri"`
	CallIntelligenceOptions *CallIntelligenceOptions `json:"callIntelligenceOptions,omitempty"`
	MediaStreamingOptions   *MediaStreamingOptions   `json:"mediaStreamingOptions,omitempty"`
	TranscriptionOptions    *TranscriptionOptions    `json:"transcriptionOptions,omitempty"`
	TeamsAppSource          *TeamsAppModel           `json:"teamsAppSource,omitempty"`
}

// AnswerCallRequest is the body of POST /calling/callConnections:answer.
type AnswerCallRequest struct {
	IncomingCallContext     string                   `json:"incomingCallContext"`
	CallbackURI             string                   `json:"callbackUri"`
	OperationContext        string                   `json:"operationContext,omitempty"`
	CallIntelligenceOptions *CallIntelligenceOptions `json:"callIntelligenceOptions,omitempty"`
	AnsweredBy              *CommunicationUserModel  `json:"answeredBy,omitempty"`
	MediaStreamingOptions   *MediaStreamingOptions   `json:"mediaStreamingOptions,omitempty"`
	TranscriptionOptions    *TranscriptionOptions    `json:"transcriptionOptions,omitempty"`
}

// RedirectCallRequest is the body of POST /calling/callConnections:redirect.
type RedirectCallRequest struct {
	IncomingCallContext string          `json:"incomingCallContext"`
	Target              json.RawMessage `json:"target"`
}

// RejectCallRequest is the body of POST /calling/callConnections:reject.
type RejectCallRequest struct {
	IncomingCallContext string `json:"incomingCallContext"`
	CallRejectReason    string `json:"callRejectReason,omitempty"`
}

// ConnectRequest is the body of POST /calling/callConnections:connect.
type ConnectRequest struct {
	CallLocator             CallLocator              `json:"callLocator"`
	CallbackURI             string                   `json:"callbackUri"`
	OperationContext        string                   `json:"operationContext,omitempty"`
	CallIntelligenceOptions *CallIntelligenceOptions `json:"callIntelligenceOptions,omitempty"`
	MediaStreamingOptions   *MediaStreamingOptions   `json:"mediaStreamingOptions,omitempty"`
	TranscriptionOptions    *TranscriptionOptions    `json:"transcriptionOptions,omitempty"`
}

// CallLocator names an existing call: a group call, a server call or a room.
type CallLocator struct {
	Kind         string `json:"kind,omitempty"`
	GroupCallID  string `json:"groupCallId,omitempty"`
	ServerCallID string `json:"serverCallId,omitempty"`
	RoomID       string `json:"roomId,omitempty"`
}

// CallIntelligenceOptions are the AI options of a call.
type CallIntelligenceOptions struct {
	CognitiveServicesEndpoint string `json:"cognitiveServicesEndpoint,omitempty"`
}

// MediaStreamingOptions are the media streaming options of a call; the
// properties after AudioChannelType are those of the websocket transport.
type MediaStreamingOptions struct {
	TransportType       string `json:"transportType"`
	AudioChannelType    string `json:"audioChannelType"`
	TransportURL        string `json:"transportUrl,omitempty"`
	ContentType         string `json:"contentType,omitempty"`
	StartMediaStreaming bool   `json:"startMediaStreaming,omitempty"`
	EnableBidirectional bool   `json:"enableBidirectional,omitempty"`
	AudioFormat         string `json:"audioFormat,omitempty"`
	EnableDtmfTones     bool   `json:"enableDtmfTones,omitempty"`
}

// TranscriptionOptions are the live transcription options of a call; the
// properties after Locale are those of the websocket transport.
type TranscriptionOptions struct {
	TransportType             string `json:"transportType"`
	Locale                    string `json:"locale"`
	TransportURL              string `json:"transportUrl,omitempty"`
	SpeechModelEndpointID     string `json:"speechModelEndpointId,omitempty"`
	StartTranscription        bool   `json:"startTranscription,omitempty"`
	EnableIntermediateResults bool   `json:"enableIntermediateResults,omitempty"`
}

// CallConnectionProperties is the body of the create, answer, connect and
// get-call responses.
type CallConnectionProperties struct {
	CallConnectionID           string                      `json:"callConnectionId,omitempty"`
	ServerCallID               string                      `json:"serverCallId,omitempty"`
	Targets                    []json.RawMessage           `json:"targets,omitempty"`
	CallConnectionState        string                      `json:"callConnectionState,omitempty"`
	CallbackURI                string                      `json:"callbackUri,omitempty"`
	SourceCallerIDNumber       *PhoneNumberModel           `json:"sourceCallerIdNumber,omitempty"`
	SourceDisplayName          string                      `json:"sourceDisplayName,omitempty"`
	Source                     json.RawMessage             `json:"source,omitempty"`
	CorrelationID              string                      `json:"correlationId,omitempty"`
	AnsweredBy                 *CommunicationUserModel     `json:"answeredBy,omitempty"`
	MediaStreamingSubscription *MediaStreamingSubscription `json:"mediaStreamingSubscription,omitempty"`
	TranscriptionSubscription  *TranscriptionSubscription  `json:"transcriptionSubscription,omitempty"`
	AnsweredFor                *PhoneNumberModel           `json:"answeredFor,omitempty"`
}

// MediaStreamingSubscription is the media streaming state of a call.
type MediaStreamingSubscription struct {
	ID                     string   `json:"id,omitempty"`
	State                  string   `json:"state,omitempty"`
	SubscribedContentTypes []string `json:"subscribedContentTypes,omitempty"`
}

// TranscriptionSubscription is the transcription state of a call.
type TranscriptionSubscription struct {
	ID                    string   `json:"id,omitempty"`
	State                 string   `json:"state,omitempty"`
	SubscribedResultTypes []string `json:"subscribedResultTypes,omitempty"`
	Locale                string   `json:"locale,omitempty"`
}

// CallParticipant is one participant of a call.
type CallParticipant struct {
	Identifier json.RawMessage `json:"identifier,omitempty"`
	IsMuted    bool            `json:"isMuted"`
	IsOnHold   bool            `json:"isOnHold,omitempty"`
}

// GetParticipantsResponse is one page of GET .../participants.
type GetParticipantsResponse struct {
	Value    []CallParticipant `json:"value"`
	NextLink string            `json:"nextLink,omitempty"`
}

// CustomCallingContext carries custom VoIP or SIP headers, and the details
// a Teams client shows, to an invitee (CustomCallingContext of the
// 2026-03-12 spec).
type CustomCallingContext struct {
	VoipHeaders           map[string]string      `json:"voipHeaders,omitempty"`
	SipHeaders            map[string]string      `json:"sipHeaders,omitempty"`
	TeamsPhoneCallDetails *TeamsPhoneCallDetails `json:"teamsPhoneCallDetails,omitempty"`
}

// TeamsPhoneCallDetails is the TeamsPhoneCallDetails of the 2026-03-12
// spec: what a Teams client shows of a call it rings.
type TeamsPhoneCallDetails struct {
	TeamsPhoneCallerDetails *TeamsPhoneCallerDetails `json:"teamsPhoneCallerDetails,omitempty"`
	TeamsPhoneSourceDetails *TeamsPhoneSourceDetails `json:"teamsPhoneSourceDetails,omitempty"`
	SessionID               string                   `json:"sessionId,omitempty"`
	Intent                  string                   `json:"intent,omitempty"`
	CallTopic               string                   `json:"callTopic,omitempty"`
	CallContext             string                   `json:"callContext,omitempty"`
	TranscriptURL           string                   `json:"transcriptUrl,omitempty"`
	CallSentiment           string                   `json:"callSentiment,omitempty"`
	SuggestedActions        string                   `json:"suggestedActions,omitempty"`
}

// TeamsPhoneCallerDetails is the TeamsPhoneCallerDetails of the 2026-03-12
// spec; caller, name and phoneNumber are required.
type TeamsPhoneCallerDetails struct {
	Caller                      json.RawMessage   `json:"caller"`
	Name                        string            `json:"name"`
	PhoneNumber                 string            `json:"phoneNumber"`
	RecordID                    string            `json:"recordId,omitempty"`
	ScreenPopURL                string            `json:"screenPopUrl,omitempty"`
	IsAuthenticated             *bool             `json:"isAuthenticated,omitempty"`
	AdditionalCallerInformation map[string]string `json:"additionalCallerInformation,omitempty"`
}

// TeamsPhoneSourceDetails is the TeamsPhoneSourceDetails of the 2026-03-12
// spec; source, language and status are required.
type TeamsPhoneSourceDetails struct {
	Source          json.RawMessage            `json:"source"`
	Language        string                     `json:"language"`
	Status          string                     `json:"status"`
	IntendedTargets map[string]json.RawMessage `json:"intendedTargets,omitempty"`
}

// AddParticipantRequest is the body of POST .../participants:add.
type AddParticipantRequest struct {
	SourceCallerIDNumber       *PhoneNumberModel     `json:"sourceCallerIdNumber,omitempty"`
	SourceDisplayName          string                `json:"sourceDisplayName,omitempty"`
	ParticipantToAdd           json.RawMessage       `json:"participantToAdd"`
	InvitationTimeoutInSeconds *int                  `json:"invitationTimeoutInSeconds,omitempty"`
	OperationContext           string                `json:"operationContext,omitempty"`
	OperationCallbackURI       string                `json:"operationCallbackUri,omitempty"`
	CustomCallingContext       *CustomCallingContext `json:"customCallingContext,omitempty"`
}

// AddParticipantResponse is the 202 body of an add.
type AddParticipantResponse struct {
	Participant      *CallParticipant `json:"participant,omitempty"`
	OperationContext string           `json:"operationContext,omitempty"`
	InvitationID     string           `json:"invitationId,omitempty"`
}

// RemoveParticipantRequest is the body of POST .../participants:remove.
type RemoveParticipantRequest struct {
	ParticipantToRemove  json.RawMessage `json:"participantToRemove"`
	OperationContext     string          `json:"operationContext,omitempty"`
	OperationCallbackURI string          `json:"operationCallbackUri,omitempty"`
}

// OperationContextResponse is the body of the responses that carry only the
// caller's operation context back: remove, mute and transfer.
type OperationContextResponse struct {
	OperationContext string `json:"operationContext,omitempty"`
}

// MuteParticipantsRequest is the body of POST .../participants:mute.
type MuteParticipantsRequest struct {
	TargetParticipants []json.RawMessage `json:"targetParticipants"`
	OperationContext   string            `json:"operationContext,omitempty"`
}

// CancelAddParticipantRequest is the body of POST
// .../participants:cancelAddParticipant.
type CancelAddParticipantRequest struct {
	InvitationID         string `json:"invitationId"`
	OperationContext     string `json:"operationContext,omitempty"`
	OperationCallbackURI string `json:"operationCallbackUri,omitempty"`
}

// CancelAddParticipantResponse is the 202 body of a cancel.
type CancelAddParticipantResponse struct {
	InvitationID     string `json:"invitationId,omitempty"`
	OperationContext string `json:"operationContext,omitempty"`
}

// TransferToParticipantRequest is the body of POST .../{id}:transferToParticipant.
type TransferToParticipantRequest struct {
	TargetParticipant    json.RawMessage       `json:"targetParticipant"`
	OperationContext     string                `json:"operationContext,omitempty"`
	Transferee           json.RawMessage       `json:"transferee,omitempty"`
	OperationCallbackURI string                `json:"operationCallbackUri,omitempty"`
	CustomCallingContext *CustomCallingContext `json:"customCallingContext,omitempty"`
	SourceCallerIDNumber *PhoneNumberModel     `json:"sourceCallerIdNumber,omitempty"`
}

// HoldRequest is the body of POST .../{id}:hold.
type HoldRequest struct {
	TargetParticipant    json.RawMessage `json:"targetParticipant"`
	PlaySourceInfo       *PlaySource     `json:"playSourceInfo,omitempty"`
	OperationContext     string          `json:"operationContext,omitempty"`
	OperationCallbackURI string          `json:"operationCallbackUri,omitempty"`
}

// UnholdRequest is the body of POST .../{id}:unhold.
type UnholdRequest struct {
	TargetParticipant    json.RawMessage `json:"targetParticipant"`
	OperationContext     string          `json:"operationContext,omitempty"`
	OperationCallbackURI string          `json:"operationCallbackUri,omitempty"`
}

// PlaySource is audio to play: a file, text to speak, or SSML.
type PlaySource struct {
	Kind              string      `json:"kind"`
	PlaySourceCacheID string      `json:"playSourceCacheId,omitempty"`
	File              *FileSource `json:"file,omitempty"`
	Text              *TextSource `json:"text,omitempty"`
	SSML              *SSMLSource `json:"ssml,omitempty"`
}

// FileSource is an audio file to play.
type FileSource struct {
	URI string `json:"uri"`
}

// TextSource is text to speak.
type TextSource struct {
	Text                  string `json:"text"`
	SourceLocale          string `json:"sourceLocale,omitempty"`
	VoiceKind             string `json:"voiceKind,omitempty"`
	VoiceName             string `json:"voiceName,omitempty"`
	CustomVoiceEndpointID string `json:"customVoiceEndpointId,omitempty"`
}

// SSMLSource is SSML to speak.
type SSMLSource struct {
	SSMLText              string `json:"ssmlText"`
	CustomVoiceEndpointID string `json:"customVoiceEndpointId,omitempty"`
}

// ErrorResponse is the service's error body (CommunicationErrorResponse).
type ErrorResponse struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error object of an ErrorResponse.
type ErrorDetail struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Target  string        `json:"target,omitempty"`
	Details []ErrorDetail `json:"details,omitempty"`
}
