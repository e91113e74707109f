package chat

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redact"
)

// ChatType is the kind of a chat: one-on-one, group, or the chat of an
// online meeting.
type ChatType string

// The chat types Microsoft Graph knows.
const (
	ChatTypeOneOnOne ChatType = "oneOnOne"
	ChatTypeGroup    ChatType = "group"
	ChatTypeMeeting  ChatType = "meeting"
)

// Chat is a Teams chat as the signed-in user sees it.
type Chat struct {
	// ID is the chat's id, for example "19:…@thread.v2" (see ParseChatID).
	ID string
	// Type says whether the chat is one-on-one, a group chat or a meeting chat.
	Type ChatType
	// Topic is the chat's title; empty for one-on-one chats and untitled groups.
	Topic string
	// CreatedAt is when the chat was created.
	CreatedAt time.Time
	// LastUpdatedAt is when the chat (its topic or its members) last changed.
	LastUpdatedAt time.Time
	// WebURL opens the chat in the Teams client.
	WebURL string
	// TenantID is the Entra ID tenant in which the chat was created.
	TenantID string
	// Members are the chat's members. They are filled only when asked for
	// (ListChatsOptions.ExpandMembers, GetChatOptions.ExpandMembers) or by
	// the operations that create a chat; otherwise nil.
	Members []Member
	// OnlineMeeting describes the meeting of a meeting chat; its zero value
	// for other chats.
	OnlineMeeting MeetingInfo
	// LastMessagePreview is the chat's last message, when asked for
	// (ListChatsOptions.ExpandLastMessagePreview) and the chat has one;
	// otherwise nil.
	LastMessagePreview *MessagePreview
	// Viewpoint is the signed-in user's read state and visibility of the
	// chat. ListChats fills it (Graph returns it in listings only);
	// otherwise nil.
	Viewpoint *Viewpoint
}

// MessagePreview is a preview of a chat's last message, Graph's
// chatMessageInfo (https://learn.microsoft.com/graph/api/resources/chatmessageinfo):
// only the listing of chats returns it.
type MessagePreview struct {
	// ID is the message's id.
	ID string
	// CreatedAt is when the message was sent.
	CreatedAt time.Time
	// IsDeleted tells that the message was deleted.
	IsDeleted bool
	// MessageType is the kind of message: MessageTypeMessage, or
	// MessageTypeSystemEvent for an event (EventDetail then says which).
	MessageType MessageType
	// Body is the message's content; it keeps the markers of mentions and
	// attachments, which the preview does not list.
	Body Body
	// From is the sender; empty for an event.
	From Sender
	// EventDetail describes the event of a system event message; nil
	// otherwise.
	EventDetail *EventDetail
}

// EventDetail is what happened in a system event message, Graph's
// eventMessageDetail: one of many types (members added, topic changed,
// call ended, …), kept as Graph sent it.
type EventDetail struct {
	// Type is the event's type, Graph's "@odata.type" without its
	// namespace, for example "membersAddedEventMessageDetail".
	Type string
	// JSON is the whole eventDetail object as Graph sent it.
	JSON string
}

// MeetingInfo is what a meeting chat knows of its online meeting. The chat's
// ID is the meeting's thread id.
type MeetingInfo struct {
	// JoinURL is the meeting's join link
	// (https://teams.microsoft.com/l/meetup-join/…). A link's p parameter
	// is the meeting's passcode: fmt, log/slog and encoding/json show it
	// as [REDACTED].
	JoinURL string
	// CalendarEventID is the id of the meeting's calendar event, if any.
	CalendarEventID string
	// OrganizerID is the Entra object id of the meeting's organizer.
	OrganizerID string
	// OrganizerTenantID is the organizer's tenant.
	OrganizerTenantID string
}

// Member roles in a chat.
const (
	// RoleOwner is the role of a full member of a chat.
	RoleOwner = "owner"
	// RoleGuest is the role of a guest member (an account from another tenant
	// invited as guest).
	RoleGuest = "guest"
)

// Member is a user's membership in a chat.
type Member struct {
	// ID is the id of the membership (not of the user); RemoveMember takes it.
	ID string
	// UserID is the member's Entra object id.
	UserID string
	// DisplayName is the member's display name.
	DisplayName string
	// Email is the member's email address (often the user principal name).
	Email string
	// Roles are the member's roles, for example [RoleOwner] or [RoleGuest].
	Roles []string
	// TenantID is the member's home tenant.
	TenantID string
	// VisibleHistoryStartAt is the earliest time from which the member can see
	// the chat's history; the zero time means all of it.
	VisibleHistoryStartAt time.Time
}

// User is a user's profile as Graph returns it by default: the properties
// of user-get's default set (https://learn.microsoft.com/graph/api/user-get).
// A property the directory does not hold is empty.
type User struct {
	// ID is the user's Entra object id.
	ID string
	// DisplayName is the name shown for the user.
	DisplayName string
	// GivenName and Surname are the user's first and last names.
	GivenName, Surname string
	// Mail is the user's email address.
	Mail string
	// UserPrincipalName is the user's sign-in name (name@domain).
	UserPrincipalName string
	// JobTitle is the user's job title.
	JobTitle string
	// BusinessPhones are the user's office telephone numbers (Graph keeps
	// at most one).
	BusinessPhones []string
	// MobilePhone is the user's mobile telephone number.
	MobilePhone string
	// OfficeLocation is where the user's office is.
	OfficeLocation string
	// PreferredLanguage is the user's language, an ISO 639-1 code such as
	// "en-US".
	PreferredLanguage string
}

// ContentType is the format of a message body.
type ContentType string

// The body formats Teams accepts.
const (
	ContentText ContentType = "text"
	ContentHTML ContentType = "html"
)

// Body is the content of a message.
type Body struct {
	// ContentType is ContentText or ContentHTML; empty means ContentText when
	// sending.
	ContentType ContentType
	// Content is the text, or the HTML fragment.
	Content string
}

// MessageType is the kind of a chat message.
type MessageType string

// The message types Microsoft Graph knows.
const (
	// MessageTypeMessage is an ordinary message written by a user or an app.
	MessageTypeMessage MessageType = "message"
	// MessageTypeSystemEvent is an event such as a member being added or the
	// topic changing.
	MessageTypeSystemEvent MessageType = "systemEventMessage"
	// MessageTypeChatEvent is a legacy event message.
	MessageTypeChatEvent MessageType = "chatEvent"
	// MessageTypeTyping is a typing indicator.
	MessageTypeTyping MessageType = "typing"
)

// Importance is the importance of a message.
type Importance string

// The importance levels of a message.
const (
	ImportanceNormal Importance = "normal"
	ImportanceHigh   Importance = "high"
	ImportanceUrgent Importance = "urgent"
)

// Sender is who sent a message: a user or an application. Both are empty for
// system event messages.
type Sender struct {
	// UserID is the sending user's Entra object id.
	UserID string
	// DisplayName is the sending user's display name.
	DisplayName string
	// TenantID is the sending user's tenant.
	TenantID string
	// ApplicationID is the sending application's id, when an app sent it.
	ApplicationID string
	// ApplicationName is the sending application's display name.
	ApplicationName string
}

// Message is a message in a chat, or a message or reply in a channel.
type Message struct {
	// ID is the message's id within its chat or channel.
	ID string
	// ChatID is the chat the message belongs to; empty for channel messages.
	ChatID string
	// TeamID is the team of a channel message; empty for chat messages.
	TeamID string
	// ChannelID is the channel of a channel message; empty for chat messages.
	ChannelID string
	// ReplyToID is the id of the channel message this one replies to; empty
	// for chat messages and top-level channel messages.
	ReplyToID string
	// From is the sender.
	From Sender
	// Body is the message's content.
	Body Body
	// Subject is the message's subject (channel messages); often empty.
	Subject string
	// Summary is a short text for push notifications; often empty.
	Summary string
	// CreatedAt is when the message was sent.
	CreatedAt time.Time
	// LastModifiedAt is when the message last changed in any way, including
	// reactions and deletion.
	LastModifiedAt time.Time
	// LastEditedAt is when the message's content was last edited; zero if never.
	LastEditedAt time.Time
	// DeletedAt is when the message was (soft) deleted; zero if it is not.
	DeletedAt time.Time
	// Mentions are the @mentions in the body.
	Mentions []Mention
	// Reactions are the reactions to the message.
	Reactions []Reaction
	// Attachments are the message's attachments (files, cards, …).
	Attachments []Attachment
	// HostedContents are the images and other content hosted in the message,
	// as far as the reading API returns them (Graph's message GET does not:
	// a read message references its hosted content from Body, with URLs
	// ending in /hostedContents/{id}/$value). Data is never filled in a read
	// message.
	HostedContents []HostedContent
	// MessageType is the kind of message.
	MessageType MessageType
	// Importance is the message's importance.
	Importance Importance
	// WebURL opens the message in the Teams client.
	WebURL string
	// ETag is the version of the message as the service reports it.
	ETag string
	// Replies are the replies to a top-level channel message, newest
	// first, when asked for (ListChannelMessagesOptions.ExpandReplies);
	// RepliesNextLink, when not empty, reads the rest of them (pass it to
	// ListRepliesPage as opts.NextLink).
	Replies         []Message
	RepliesNextLink string
}

// Deleted reports whether the message is soft-deleted.
func (m Message) Deleted() bool { return !m.DeletedAt.IsZero() }

// Mention is an @mention of a user in a message. In an HTML body the mention
// appears as <at id="ID">Text</at>; see MentionTag.
type Mention struct {
	// ID is the mention's index in the message, matching the id attribute of
	// its <at> tag.
	ID int
	// Text is the text shown for the mention, usually the display name.
	Text string
	// UserID is the mentioned user's Entra object id.
	UserID string
	// DisplayName is the mentioned user's display name.
	DisplayName string
}

// MentionTag returns the HTML tag that places m in a message body,
// <at id="ID">Text</at>, with Text escaped.
func MentionTag(m Mention) string {
	return `<at id="` + strconv.Itoa(m.ID) + `">` + html.EscapeString(m.Text) + `</at>`
}

// Reaction is one user's reaction to a message.
type Reaction struct {
	// Type is the reaction: a Unicode emoji such as "👍", or a legacy name
	// (like, angry, sad, laugh, heart, surprised).
	Type string
	// DisplayName is the reaction's name, when the service gives one.
	DisplayName string
	// UserID is the reacting user's Entra object id.
	UserID string
	// CreatedAt is when the user reacted.
	CreatedAt time.Time
}

// Attachment is an attachment of a message: a file reference, a card, or a
// quoted message.
type Attachment struct {
	// ID is the attachment's id, referenced in the body as
	// <attachment id="ID"></attachment>.
	ID string
	// ContentType is the attachment's media type, for example "reference"
	// (a file) or "application/vnd.microsoft.card.adaptive".
	ContentType string
	// ContentURL is the URL of the content (for file references).
	ContentURL string
	// Content is the inline content (for cards), as JSON text.
	Content string
	// Name is the file name.
	Name string
	// ThumbnailURL is the URL of a thumbnail.
	ThumbnailURL string
	// TeamsAppID is the Teams app that created the attachment, if any.
	TeamsAppID string
}

// HostedContent is content, usually an image, hosted in a message.
//
// To send an inline image, give it an ID of your choosing (for example "1"),
// put its bytes and media type here, and reference it from the HTML body
// with <img src="HostedContentRef(ID)">. The service then assigns the
// content its own id.
type HostedContent struct {
	// ID is the content's id: a temporary id of the caller's choosing when
	// sending, the service's id when read.
	ID string
	// ContentType is the media type, for example "image/png".
	ContentType string
	// Data holds the bytes when sending; empty when read from a message.
	Data []byte
}

// HostedContentRef returns the URL by which an HTML message body references
// the hosted content with the given temporary id: "../hostedContents/ID/$value".
func HostedContentRef(id string) string { return "../hostedContents/" + id + "/$value" }

// NewMessage is a message to send, or the new content of a message being
// edited.
type NewMessage struct {
	// Body is the content. Mentions and hosted contents need an HTML body.
	Body Body
	// Subject is an optional subject (channel messages).
	Subject string
	// Importance is the optional importance; empty means normal.
	Importance Importance
	// Mentions are the @mentions placed in the body with MentionTag; each
	// needs a UserID and an ID used exactly once in the body.
	Mentions []Mention
	// HostedContents are inline images referenced from the body with
	// HostedContentRef.
	HostedContents []HostedContent
	// Attachments are attachments referenced from the body.
	Attachments []Attachment
}

// TextMessage returns a NewMessage with a plain text body.
func TextMessage(text string) NewMessage {
	return NewMessage{Body: Body{ContentType: ContentText, Content: text}}
}

// HTMLMessage returns a NewMessage with an HTML body.
func HTMLMessage(fragment string) NewMessage {
	return NewMessage{Body: Body{ContentType: ContentHTML, Content: fragment}}
}

// OnlineMeeting is an online meeting as its organizer reads it.
type OnlineMeeting struct {
	// ID is the meeting's id.
	ID string
	// Subject is the meeting's subject.
	Subject string
	// JoinURL is the meeting's join link. Its p parameter, if any, is the
	// meeting's passcode: fmt, log/slog and encoding/json show it as
	// [REDACTED].
	JoinURL string
	// ChatID is the id of the meeting's chat (its thread id).
	ChatID string
	// StartAt and EndAt are the meeting's scheduled times.
	StartAt, EndAt time.Time
	// CreatedAt is when the meeting was created.
	CreatedAt time.Time
	// OrganizerID is the organizer's Entra object id.
	OrganizerID string
	// OrganizerTenantID is the organizer's tenant, when Graph says it.
	OrganizerTenantID string
	// Attendees are the invited attendees (Entra object ids, or user
	// principal names where Graph gives no id).
	Attendees []string
	// JoinMeetingID is the numeric meeting id of the invitation, digits
	// without spaces ("123456789012"), for joining by id and passcode.
	JoinMeetingID string
	// Passcode is the invitation's passcode; formatting, logging or
	// encoding it never shows it.
	Passcode Passcode
	// IsPasscodeRequired says whether joining by id needs the passcode.
	IsPasscodeRequired bool
	// LobbyBypass says who joins without waiting in the lobby; empty when
	// Graph does not say.
	LobbyBypass LobbyBypassScope
	// ExternalID is the application's own id of a meeting made by
	// CreateOrGetOnlineMeeting; empty for other meetings.
	ExternalID string
}

// LobbyBypassScope says which participants of an online meeting join it
// directly rather than waiting in its lobby (Graph's
// lobbyBypassSettings.scope).
type LobbyBypassScope string

// The lobby bypass scopes Graph defines.
const (
	// LobbyBypassOrganizer: only the organizer.
	LobbyBypassOrganizer LobbyBypassScope = "organizer"
	// LobbyBypassOrganization: people of the organizer's organization.
	LobbyBypassOrganization LobbyBypassScope = "organization"
	// LobbyBypassOrganizationAndFederated: the organization and federated
	// organizations.
	LobbyBypassOrganizationAndFederated LobbyBypassScope = "organizationAndFederated"
	// LobbyBypassEveryone: everyone, anonymous users included.
	LobbyBypassEveryone LobbyBypassScope = "everyone"
	// LobbyBypassInvited: the people invited.
	LobbyBypassInvited LobbyBypassScope = "invited"
	// LobbyBypassOrganizationExcludingGuests: the organization's members,
	// not its guests.
	LobbyBypassOrganizationExcludingGuests LobbyBypassScope = "organizationExcludingGuests"
)

// Valid reports whether s is one of the scopes Graph defines.
func (s LobbyBypassScope) Valid() bool {
	switch s {
	case LobbyBypassOrganizer, LobbyBypassOrganization, LobbyBypassOrganizationAndFederated,
		LobbyBypassEveryone, LobbyBypassInvited, LobbyBypassOrganizationExcludingGuests:
		return true
	}
	return false
}

// LogValue implements slog.LogValuer: the meeting's ids, subject, times and
// link, without the passcode or the link's p parameter.
func (m OnlineMeeting) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", m.ID),
		slog.String("subject", m.Subject),
		slog.String("joinURL", redact.Link(m.JoinURL)),
		slog.String("chatID", m.ChatID),
		slog.Time("startAt", m.StartAt),
		slog.Time("endAt", m.EndAt),
		slog.String("organizerID", m.OrganizerID),
		slog.String("joinMeetingID", m.JoinMeetingID),
		slog.Any("passcode", m.Passcode),
	)
}

// Passcode is a meeting passcode. The fmt verbs, log/slog and
// encoding/json print "[REDACTED]" for a non-empty one; string(p) is the
// passcode itself.
type Passcode string

const redactedText = redact.Marker

// String returns "[REDACTED]", or "" for no passcode.
func (p Passcode) String() string {
	if p == "" {
		return ""
	}
	return redactedText
}

// GoString is String, so that %#v does not show the passcode either.
func (p Passcode) GoString() string { return strconv.Quote(p.String()) }

// Format implements fmt.Formatter: every verb prints String.
func (p Passcode) Format(f fmt.State, verb rune) {
	s := p.String()
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// LogValue implements slog.LogValuer.
func (p Passcode) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MaxMessageBytes is the largest message body this package sends: Teams
// refuses messages of about 28 KB and more.
const MaxMessageBytes = 28 * 1024

// Validate reports, as an *ArgumentError, what keeps m from being sent: an
// empty or oversized body, an unknown content type or importance, mentions
// or hosted contents in a text body, mentions without a user or whose
// <at id="…"> tag is missing from the body, hosted contents without data or
// not referenced from the body, attachments not placed in an HTML body with
// AttachmentTag, a file reference without an https URL, a card whose
// content is not a JSON object, duplicate ids, text that is not valid UTF-8
// (JSON would send U+FFFD in its place, not what was given). Service
// implementations call it before sending anything.
func (m NewMessage) Validate() error {
	bad := func(arg, problem string) error { return &ArgumentError{Arg: "msg." + arg, Problem: problem} }
	switch m.Body.ContentType {
	case "", ContentText, ContentHTML:
	default:
		return bad("Body.ContentType", `must be "text" or "html"`)
	}
	if strings.TrimSpace(m.Body.Content) == "" {
		return bad("Body.Content", "is empty")
	}
	if len(m.Body.Content) > MaxMessageBytes {
		return bad("Body.Content", "is larger than "+strconv.Itoa(MaxMessageBytes)+" bytes")
	}
	if !utf8.ValidString(m.Body.Content) {
		return bad("Body.Content", "is not valid utf-8")
	}
	if !utf8.ValidString(m.Subject) {
		return bad("Subject", "is not valid utf-8")
	}
	switch m.Importance {
	case "", ImportanceNormal, ImportanceHigh, ImportanceUrgent:
	default:
		return bad("Importance", `must be "normal", "high" or "urgent"`)
	}
	isHTML := m.Body.ContentType == ContentHTML
	if len(m.Mentions) > 0 && !isHTML {
		return bad("Mentions", "need an html body")
	}
	seenMention := make(map[int]bool, len(m.Mentions))
	for i, mn := range m.Mentions {
		arg := "Mentions[" + strconv.Itoa(i) + "]"
		if mn.ID < 0 {
			return bad(arg+".ID", "is negative")
		}
		if seenMention[mn.ID] {
			return bad(arg+".ID", "is used twice")
		}
		seenMention[mn.ID] = true
		if p := graphwire.CheckUserID(mn.UserID); p != "" {
			return bad(arg+".UserID", p)
		}
		if mn.Text == "" {
			return bad(arg+".Text", "is empty")
		}
		if f := notUTF8("Text", mn.Text, "DisplayName", mn.DisplayName); f != "" {
			return bad(arg+"."+f, "is not valid utf-8")
		}
		if !strings.Contains(m.Body.Content, `<at id="`+strconv.Itoa(mn.ID)+`">`) {
			return bad(arg, "has no <at id=\""+strconv.Itoa(mn.ID)+"\"> tag in the body")
		}
	}
	if len(m.HostedContents) > 0 && !isHTML {
		return bad("HostedContents", "need an html body")
	}
	seenHosted := make(map[string]bool, len(m.HostedContents))
	for i, hc := range m.HostedContents {
		arg := "HostedContents[" + strconv.Itoa(i) + "]"
		if p := graphwire.CheckID(hc.ID); p != "" {
			return bad(arg+".ID", p)
		}
		if seenHosted[hc.ID] {
			return bad(arg+".ID", "is used twice")
		}
		seenHosted[hc.ID] = true
		if hc.ContentType == "" {
			return bad(arg+".ContentType", "is empty")
		}
		if !utf8.ValidString(hc.ContentType) {
			return bad(arg+".ContentType", "is not valid utf-8")
		}
		if len(hc.Data) == 0 {
			return bad(arg+".Data", "is empty")
		}
		if !strings.Contains(m.Body.Content, HostedContentRef(hc.ID)) {
			return bad(arg, "is not referenced from the body as "+HostedContentRef(hc.ID))
		}
	}
	seenAtt := make(map[string]bool, len(m.Attachments))
	for i, a := range m.Attachments {
		arg := "Attachments[" + strconv.Itoa(i) + "]"
		if p := graphwire.CheckID(a.ID); p != "" {
			return bad(arg+".ID", p)
		}
		if seenAtt[a.ID] {
			return bad(arg+".ID", "is used twice")
		}
		seenAtt[a.ID] = true
		if a.ContentType == "" {
			return bad(arg+".ContentType", "is empty")
		}
		if f := notUTF8("ContentType", a.ContentType, "ContentURL", a.ContentURL, "Content", a.Content,
			"Name", a.Name, "ThumbnailURL", a.ThumbnailURL, "TeamsAppID", a.TeamsAppID); f != "" {
			return bad(arg+"."+f, "is not valid utf-8")
		}
		if err := checkAttachment(arg, a, m.Body); err != nil {
			return err
		}
	}
	return nil
}

// notUTF8 returns the name of the first of the (name, value) pairs whose
// value is not valid UTF-8, or "".
func notUTF8(namesAndValues ...string) string {
	for i := 0; i+1 < len(namesAndValues); i += 2 {
		if !utf8.ValidString(namesAndValues[i+1]) {
			return namesAndValues[i]
		}
	}
	return ""
}
