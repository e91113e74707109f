package graphwire

import (
	"encoding/json"
	"strings"
)

// OData type names the fake writes and the client may meet.
const (
	TypeAADUserMember      = "#microsoft.graph.aadUserConversationMember"
	TypeTeamworkUser       = "#microsoft.graph.teamworkUserIdentity"
	TypeChatMessage        = "#Microsoft.Graph.chatMessage"
	TypeChangeNotification = "#microsoft.graph.changeNotification"
	TypeSubscription       = "#microsoft.graph.subscription"
)

// Collection is an OData collection page: {"@odata.context", "value",
// "@odata.nextLink"}.
type Collection[T any] struct {
	Context  string `json:"@odata.context,omitempty"`
	Count    *int   `json:"@odata.count,omitempty"`
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink,omitempty"`
}

// Chat is Graph's chat resource.
type Chat struct {
	ID                  string             `json:"id"`
	Topic               *string            `json:"topic"`
	CreatedDateTime     Time               `json:"createdDateTime"`
	LastUpdatedDateTime Time               `json:"lastUpdatedDateTime"`
	ChatType            string             `json:"chatType"`
	WebURL              string             `json:"webUrl,omitempty"`
	TenantID            string             `json:"tenantId,omitempty"`
	OnlineMeetingInfo   *OnlineMeetingInfo `json:"onlineMeetingInfo,omitempty"`
	Viewpoint           *ChatViewpoint     `json:"viewpoint,omitempty"`
	// Members is present with $expand=members, and in the body of POST /chats.
	Members []ConversationMember `json:"members,omitempty"`
	// LastMessagePreview is present with $expand=lastMessagePreview (null
	// for a chat without messages).
	LastMessagePreview *ChatMessageInfo `json:"lastMessagePreview,omitempty"`
}

// ChatMessageInfo is a chat's lastMessagePreview: id, createdDateTime,
// isDeleted, messageType, eventDetail, body, from.
type ChatMessageInfo struct {
	ID              string          `json:"id"`
	CreatedDateTime Time            `json:"createdDateTime"`
	IsDeleted       bool            `json:"isDeleted"`
	MessageType     string          `json:"messageType"`
	EventDetail     json.RawMessage `json:"eventDetail"`
	Body            *ItemBody       `json:"body"`
	From            *IdentitySet    `json:"from"`
}

// NewChat is the body of POST /chats: the chat's type, its topic (group
// chats) and its members, each bound with user@odata.bind.
type NewChat struct {
	ChatType string               `json:"chatType"`
	Topic    *string              `json:"topic,omitempty"`
	Members  []ConversationMember `json:"members"`
}

// ChatViewpoint is the signed-in user's view of a chat.
type ChatViewpoint struct {
	IsHidden                bool `json:"isHidden"`
	LastMessageReadDateTime Time `json:"lastMessageReadDateTime"`
}

// OnlineMeetingInfo is a meeting chat's meeting.
type OnlineMeetingInfo struct {
	CalendarEventID string    `json:"calendarEventId,omitempty"`
	JoinWebURL      string    `json:"joinWebUrl,omitempty"`
	Organizer       *Identity `json:"organizer,omitempty"`
}

// Identity is a teamworkUserIdentity / identity: a user or an application.
type Identity struct {
	ODataType        string `json:"@odata.type,omitempty"`
	ID               string `json:"id"`
	DisplayName      string `json:"displayName,omitempty"`
	UserIdentityType string `json:"userIdentityType,omitempty"`
	TenantID         string `json:"tenantId,omitempty"`
	// ApplicationIdentityType is set for applications ("bot", …).
	ApplicationIdentityType string `json:"applicationIdentityType,omitempty"`
}

// IdentitySet is chatMessageFromIdentitySet / chatMessageMentionedIdentitySet /
// chatMessageReactionIdentitySet: at most one member is set.
type IdentitySet struct {
	Application  *Identity `json:"application"`
	Device       *Identity `json:"device"`
	User         *Identity `json:"user"`
	Conversation *Identity `json:"conversation,omitempty"`
}

// ConversationMember is an aadUserConversationMember. When creating,
// UserBind ("user@odata.bind") names the user as
// https://graph.microsoft.com/v1.0/users('<id or upn>').
type ConversationMember struct {
	ODataType                   string    `json:"@odata.type,omitempty"`
	ID                          string    `json:"id,omitempty"`
	Roles                       []string  `json:"roles"`
	DisplayName                 string    `json:"displayName,omitempty"`
	VisibleHistoryStartDateTime *FullTime `json:"visibleHistoryStartDateTime,omitempty"`
	UserID                      string    `json:"userId,omitempty"`
	Email                       string    `json:"email,omitempty"`
	TenantID                    string    `json:"tenantId,omitempty"`
	UserBind                    string    `json:"user@odata.bind,omitempty"`
}

// UsersBindPrefix starts a user@odata.bind value on Graph v1.0.
const UsersBindPrefix = "https://graph.microsoft.com/v1.0/users('"

// UserBind returns the user@odata.bind value for a user id or UPN.
func UserBind(user string) string {
	return UsersBindPrefix + strings.ReplaceAll(user, "'", "''") + "')"
}

// UserFromBind returns the user id or UPN of a user@odata.bind value. It
// accepts any Graph host and version, users('x') and users/x forms.
func UserFromBind(bind string) (string, bool) {
	i := strings.Index(bind, "/users")
	if i < 0 {
		return "", false
	}
	rest := bind[i+len("/users"):]
	switch {
	case len(rest) >= len("('')") && strings.HasPrefix(rest, "('") && strings.HasSuffix(rest, "')"):
		rest = strings.ReplaceAll(rest[2:len(rest)-2], "''", "'")
	case strings.HasPrefix(rest, "/"):
		rest = rest[1:]
	default:
		return "", false
	}
	if rest == "" || strings.ContainsAny(rest, "/?#()") {
		return "", false
	}
	return rest, true
}

// ItemBody is a message body.
type ItemBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

// ChannelIdentity names the team and channel of a channel message.
type ChannelIdentity struct {
	TeamID    string `json:"teamId"`
	ChannelID string `json:"channelId"`
}

// ChatMessage is Graph's chatMessage resource.
type ChatMessage struct {
	ODataType            string           `json:"@odata.type,omitempty"`
	ID                   string           `json:"id,omitempty"`
	ReplyToID            *string          `json:"replyToId,omitempty"`
	ETag                 string           `json:"etag,omitempty"`
	MessageType          string           `json:"messageType,omitempty"`
	CreatedDateTime      Time             `json:"createdDateTime,omitzero"`
	LastModifiedDateTime Time             `json:"lastModifiedDateTime,omitzero"`
	LastEditedDateTime   *Time            `json:"lastEditedDateTime,omitempty"`
	DeletedDateTime      *Time            `json:"deletedDateTime,omitempty"`
	Subject              *string          `json:"subject,omitempty"`
	Summary              *string          `json:"summary,omitempty"`
	ChatID               string           `json:"chatId,omitempty"`
	Importance           string           `json:"importance,omitempty"`
	Locale               string           `json:"locale,omitempty"`
	WebURL               string           `json:"webUrl,omitempty"`
	ChannelIdentity      *ChannelIdentity `json:"channelIdentity,omitempty"`
	From                 *IdentitySet     `json:"from,omitempty"`
	Body                 *ItemBody        `json:"body,omitempty"`
	Attachments          []Attachment     `json:"attachments,omitempty"`
	Mentions             []Mention        `json:"mentions,omitempty"`
	Reactions            []Reaction       `json:"reactions,omitempty"`
	HostedContents       []HostedContent  `json:"hostedContents,omitempty"`
	EventDetail          map[string]any   `json:"eventDetail,omitempty"`
	// Replies are a channel message's replies, with $expand=replies, and
	// RepliesNextLink the rest of them.
	Replies         []ChatMessage `json:"replies,omitempty"`
	RepliesNextLink string        `json:"replies@odata.nextLink,omitempty"`
}

// Attachment is a chatMessageAttachment.
type Attachment struct {
	ID           string `json:"id"`
	ContentType  string `json:"contentType"`
	ContentURL   string `json:"contentUrl,omitempty"`
	Content      string `json:"content,omitempty"`
	Name         string `json:"name,omitempty"`
	ThumbnailURL string `json:"thumbnailUrl,omitempty"`
	TeamsAppID   string `json:"teamsAppId,omitempty"`
}

// Mention is a chatMessageMention.
type Mention struct {
	ID          int          `json:"id"`
	MentionText string       `json:"mentionText"`
	Mentioned   *IdentitySet `json:"mentioned"`
}

// Reaction is a chatMessageReaction.
type Reaction struct {
	ReactionType    string       `json:"reactionType"`
	DisplayName     string       `json:"displayName,omitempty"`
	CreatedDateTime Time         `json:"createdDateTime"`
	User            *IdentitySet `json:"user"`
}

// HostedContent is a chatMessageHostedContent. When sending, TemporaryID
// ("@microsoft.graph.temporaryId") names it in the body; ContentBytes is
// base64 in JSON ([]byte encodes as standard base64).
type HostedContent struct {
	ID           string `json:"id,omitempty"`
	TemporaryID  string `json:"@microsoft.graph.temporaryId,omitempty"`
	ContentBytes []byte `json:"contentBytes,omitempty"`
	ContentType  string `json:"contentType,omitempty"`
}

// ReactionRequest is the body of setReaction and unsetReaction.
type ReactionRequest struct {
	ReactionType string `json:"reactionType"`
}

// OnlineMeeting is Graph's onlineMeeting resource (the parts chat needs).
type OnlineMeeting struct {
	ID               string               `json:"id"`
	CreationDateTime Time                 `json:"creationDateTime"`
	StartDateTime    Time                 `json:"startDateTime"`
	EndDateTime      Time                 `json:"endDateTime"`
	JoinWebURL       string               `json:"joinWebUrl"`
	Subject          string               `json:"subject,omitempty"`
	ChatInfo         *ChatInfo            `json:"chatInfo,omitempty"`
	Participants     *MeetingParticipants `json:"participants,omitempty"`
	// JoinMeetingIDSettings are the meeting id and passcode of the
	// meeting's invitation.
	JoinMeetingIDSettings *JoinMeetingIDSettings `json:"joinMeetingIdSettings,omitempty"`
	LobbyBypassSettings   *LobbyBypassSettings   `json:"lobbyBypassSettings,omitempty"`
	// ExternalID is the caller's id of a meeting made by createOrGet.
	ExternalID string `json:"externalId,omitempty"`
}

// LobbyBypassSettings say who joins an online meeting without waiting in
// its lobby.
type LobbyBypassSettings struct {
	Scope                 string `json:"scope,omitempty"`
	IsDialInBypassEnabled bool   `json:"isDialInBypassEnabled"`
}

// JoinMeetingIDSettings is the numeric meeting id of an online meeting and
// its passcode.
type JoinMeetingIDSettings struct {
	JoinMeetingID      string `json:"joinMeetingId,omitempty"`
	Passcode           string `json:"passcode,omitempty"`
	IsPasscodeRequired bool   `json:"isPasscodeRequired"`
}

// NewOnlineMeeting is the body of POST /me/onlineMeetings.
type NewOnlineMeeting struct {
	Subject       string               `json:"subject,omitempty"`
	StartDateTime *Time                `json:"startDateTime,omitempty"`
	EndDateTime   *Time                `json:"endDateTime,omitempty"`
	Participants  *MeetingParticipants `json:"participants,omitempty"`
	// LobbyBypassSettings are set when the creator chose a scope.
	LobbyBypassSettings *LobbyBypassSettings `json:"lobbyBypassSettings,omitempty"`
	// ExternalID names the meeting in POST /me/onlineMeetings/createOrGet
	// (required there, absent from a plain create).
	ExternalID string `json:"externalId,omitempty"`
}

// User is Graph's user resource with the properties user-get returns by
// default; an unset one is null.
type User struct {
	ID                string   `json:"id"`
	BusinessPhones    []string `json:"businessPhones"`
	DisplayName       *string  `json:"displayName"`
	GivenName         *string  `json:"givenName"`
	JobTitle          *string  `json:"jobTitle"`
	Mail              *string  `json:"mail"`
	MobilePhone       *string  `json:"mobilePhone"`
	OfficeLocation    *string  `json:"officeLocation"`
	PreferredLanguage *string  `json:"preferredLanguage"`
	Surname           *string  `json:"surname"`
	UserPrincipalName *string  `json:"userPrincipalName"`
}

// Presence is Graph's presence resource.
type Presence struct {
	ID                  string                 `json:"id"`
	Availability        string                 `json:"availability"`
	Activity            string                 `json:"activity"`
	StatusMessage       *PresenceStatusMessage `json:"statusMessage,omitempty"`
	OutOfOfficeSettings *OutOfOfficeSettings   `json:"outOfOfficeSettings,omitempty"`
}

// PresenceStatusMessage is the status message a user set, and when it
// expires (presencestatusmessage; setStatusMessage sends it, and only the
// user themselves reads the expiry back).
type PresenceStatusMessage struct {
	Message        *ItemBody         `json:"message,omitempty"`
	ExpiryDateTime *DateTimeTimeZone `json:"expiryDateTime,omitempty"`
}

// OutOfOfficeSettings says whether a user is out of office.
type OutOfOfficeSettings struct {
	Message       string `json:"message,omitempty"`
	IsOutOfOffice bool   `json:"isOutOfOffice"`
}

// PresencesByUserIDRequest is the body of POST
// /communications/getPresencesByUserId.
type PresencesByUserIDRequest struct {
	IDs []string `json:"ids"`
}

// MaxPresenceIDs is the most user ids one getPresencesByUserId request
// takes.
const MaxPresenceIDs = 650

// ChatInfo is an online meeting's chat.
type ChatInfo struct {
	ThreadID            string `json:"threadId"`
	MessageID           string `json:"messageId,omitempty"`
	ReplyChainMessageID string `json:"replyChainMessageId,omitempty"`
}

// MeetingParticipants are an online meeting's organizer and attendees.
type MeetingParticipants struct {
	Organizer *MeetingParticipantInfo  `json:"organizer,omitempty"`
	Attendees []MeetingParticipantInfo `json:"attendees,omitempty"`
}

// MeetingParticipantInfo is one participant of a meeting.
type MeetingParticipantInfo struct {
	Identity *IdentitySet `json:"identity,omitempty"`
	UPN      string       `json:"upn,omitempty"`
	Role     string       `json:"role,omitempty"`
}
