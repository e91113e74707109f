package chat

import (
	"context"
	"iter"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxPageSize is the largest page Microsoft Graph serves for chats and
// messages ($top ≤ 50); a larger Top is refused before anything is sent.
const MaxPageSize = 50

// Service is Teams chat over Microsoft Graph as one signed-in user sees it.
// The real client in this package implements it, and so does the in-memory
// fake in chat/fake (its Go face), so code written against Service can be
// tested offline. Package chat/chattest checks that an implementation
// behaves like the service.
//
// Bad arguments are refused with an *ArgumentError before anything is sent;
// failures of the service are *Error (see IsNotFound, IsForbidden,
// IsThrottled). Implementations are safe for concurrent use.
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

	// ListChats lists the chats the signed-in user is a member of.
	ListChats(ctx context.Context, opts *ListChatsOptions) iter.Seq2[Chat, error]
	// ListChatsPage reads one page of ListChats; pass the returned NextLink
	// in opts.NextLink to read the next one.
	ListChatsPage(ctx context.Context, opts *ListChatsOptions) (ListChatsPageResponse, error)
	// GetChat reads a chat the signed-in user is a member of.
	GetChat(ctx context.Context, chatID string, opts *GetChatOptions) (GetChatResponse, error)
	// CreateOneOnOneChat returns the one-on-one chat of the signed-in user
	// and another user, creating it if it does not exist yet. otherUserID is
	// an Entra object id or a user principal name.
	CreateOneOnOneChat(ctx context.Context, otherUserID string, opts *CreateOneOnOneChatOptions) (CreateOneOnOneChatResponse, error)
	// CreateGroupChat creates a group chat of the signed-in user (added as an
	// owner) and the given users (Entra object ids or user principal names, at
	// least one, without the signed-in user). topic may be empty.
	CreateGroupChat(ctx context.Context, topic string, userIDs []string, opts *CreateGroupChatOptions) (CreateGroupChatResponse, error)
	// ListMembers lists a chat's members.
	ListMembers(ctx context.Context, chatID string, opts *ListMembersOptions) (ListMembersResponse, error)
	// AddMember adds a user (Entra object id or user principal name) to a
	// group or meeting chat.
	AddMember(ctx context.Context, chatID, userID string, opts *AddMemberOptions) (AddMemberResponse, error)
	// RemoveMember removes a membership (Member.ID, not the user id) from a
	// group or meeting chat.
	RemoveMember(ctx context.Context, chatID, membershipID string, opts *RemoveMemberOptions) (RemoveMemberResponse, error)
	// MarkChatRead marks a chat read for the signed-in user, up to now.
	MarkChatRead(ctx context.Context, chatID string, opts *MarkChatReadOptions) (MarkChatReadResponse, error)
	// MarkChatUnread marks a chat unread for the signed-in user: the
	// messages after opts.LastReadAt, or the last one.
	MarkChatUnread(ctx context.Context, chatID string, opts *MarkChatUnreadOptions) (MarkChatUnreadResponse, error)
	// RenameChat sets the topic of a group chat.
	RenameChat(ctx context.Context, chatID, topic string, opts *RenameChatOptions) (RenameChatResponse, error)
	// HideChat hides a chat for the signed-in user, until UnhideChat or a
	// new message.
	HideChat(ctx context.Context, chatID string, opts *HideChatOptions) (HideChatResponse, error)
	// UnhideChat shows a hidden chat again for the signed-in user.
	UnhideChat(ctx context.Context, chatID string, opts *UnhideChatOptions) (UnhideChatResponse, error)
	// PinMessage pins a message of a chat.
	PinMessage(ctx context.Context, chatID, messageID string, opts *PinMessageOptions) (PinMessageResponse, error)
	// UnpinMessage unpins a pinned message (PinnedMessage.ID).
	UnpinMessage(ctx context.Context, chatID, pinnedMessageID string, opts *UnpinMessageOptions) (UnpinMessageResponse, error)
	// ListPinnedMessages lists a chat's pinned messages.
	ListPinnedMessages(ctx context.Context, chatID string, opts *ListPinnedMessagesOptions) (ListPinnedMessagesResponse, error)

	// GetOnlineMeetingByJoinURL finds an online meeting the signed-in user
	// organizes by its join link, and with it the meeting's chat id. A
	// meeting the user does not organize is not found (IsNotFound).
	GetOnlineMeetingByJoinURL(ctx context.Context, joinURL string, opts *GetOnlineMeetingByJoinURLOptions) (GetOnlineMeetingByJoinURLResponse, error)
	// FindMeetingChat finds, among the meeting chats the signed-in user is a
	// member of, the chat of the meeting with this join link (matched by the
	// thread id in the link). IsNotFound reports that there is none.
	FindMeetingChat(ctx context.Context, joinURL string, opts *FindMeetingChatOptions) (FindMeetingChatResponse, error)
	// CreateOnlineMeeting creates an online meeting organized by the
	// signed-in user, with its meeting chat (the organizer and the attendees
	// are its members).
	CreateOnlineMeeting(ctx context.Context, opts *CreateOnlineMeetingOptions) (CreateOnlineMeetingResponse, error)
	// GetOnlineMeeting reads an online meeting the signed-in user organizes
	// or is invited to by its id (OnlineMeeting.ID).
	GetOnlineMeeting(ctx context.Context, meetingID string, opts *GetOnlineMeetingOptions) (GetOnlineMeetingResponse, error)
	// GetOnlineMeetingByJoinMeetingID finds an online meeting the signed-in
	// user organizes by the numeric meeting id of its invitation (spaces
	// allowed). A meeting the user does not organize is not found.
	GetOnlineMeetingByJoinMeetingID(ctx context.Context, joinMeetingID string, opts *GetOnlineMeetingByJoinMeetingIDOptions) (GetOnlineMeetingByJoinMeetingIDResponse, error)
	// UpdateOnlineMeeting changes an online meeting the signed-in user
	// organizes (its subject, times, attendees or lobby) and returns it.
	UpdateOnlineMeeting(ctx context.Context, meetingID string, update MeetingUpdate, opts *UpdateOnlineMeetingOptions) (UpdateOnlineMeetingResponse, error)
	// DeleteOnlineMeeting deletes an online meeting the signed-in user
	// organizes.
	DeleteOnlineMeeting(ctx context.Context, meetingID string, opts *DeleteOnlineMeetingOptions) (DeleteOnlineMeetingResponse, error)
	// CreateOrGetOnlineMeeting returns the signed-in user's online meeting
	// with this external id (the application's own id for it), creating it
	// when there is none.
	CreateOrGetOnlineMeeting(ctx context.Context, externalID string, opts *CreateOrGetOnlineMeetingOptions) (CreateOrGetOnlineMeetingResponse, error)
	// ListAttendanceReports lists the attendance reports (one per session
	// that ended) of an online meeting the signed-in user organizes,
	// without their records.
	ListAttendanceReports(ctx context.Context, meetingID string, opts *ListAttendanceReportsOptions) (ListAttendanceReportsResponse, error)
	// GetAttendanceReport reads an attendance report of an online meeting
	// the signed-in user organizes, with its records.
	GetAttendanceReport(ctx context.Context, meetingID, reportID string, opts *GetAttendanceReportOptions) (GetAttendanceReportResponse, error)

	// GetPresence reads a user's presence (an Entra object id), or the
	// signed-in user's own when userID is "".
	GetPresence(ctx context.Context, userID string, opts *GetPresenceOptions) (GetPresenceResponse, error)
	// GetPresences reads the presence of several users (Entra object ids) at
	// once, in the order of userIDs, duplicates removed.
	GetPresences(ctx context.Context, userIDs []string, opts *GetPresencesOptions) (GetPresencesResponse, error)
	// SetPresence sets the state of the application's presence session for
	// a user (an Entra object id, "" for the signed-in user).
	SetPresence(ctx context.Context, userID string, availability Availability, activity Activity, opts *SetPresenceOptions) (SetPresenceResponse, error)
	// ClearPresence ends the application's presence session for a user.
	ClearPresence(ctx context.Context, userID string, opts *ClearPresenceOptions) (ClearPresenceResponse, error)
	// SetUserPreferredPresence sets the presence a user prefers, shown
	// while they have a presence session.
	SetUserPreferredPresence(ctx context.Context, userID string, availability Availability, activity Activity, opts *SetUserPreferredPresenceOptions) (SetUserPreferredPresenceResponse, error)
	// ClearUserPreferredPresence removes a user's preferred presence.
	ClearUserPreferredPresence(ctx context.Context, userID string, opts *ClearUserPreferredPresenceOptions) (ClearUserPreferredPresenceResponse, error)
	// SetStatusMessage sets a user's status message ("" clears it).
	SetStatusMessage(ctx context.Context, userID, message string, opts *SetStatusMessageOptions) (SetStatusMessageResponse, error)

	// GetUser reads a user's profile: the signed-in user's when userID is
	// "", otherwise the user with this Entra object id or user principal
	// name, of the signed-in user's tenant.
	GetUser(ctx context.Context, userID string, opts *GetUserOptions) (GetUserResponse, error)

	// SendMessage sends a message to a chat as the signed-in user.
	SendMessage(ctx context.Context, chatID string, msg NewMessage, opts *SendMessageOptions) (SendMessageResponse, error)
	// ListMessages lists a chat's messages, newest first (at most
	// MaxPageSize per request).
	ListMessages(ctx context.Context, chatID string, opts *ListMessagesOptions) iter.Seq2[Message, error]
	// ListMessagesPage reads one page of ListMessages.
	ListMessagesPage(ctx context.Context, chatID string, opts *ListMessagesOptions) (ListMessagesPageResponse, error)
	// GetMessage reads one message of a chat.
	GetMessage(ctx context.Context, chatID, messageID string, opts *GetMessageOptions) (GetMessageResponse, error)
	// GetHostedContent downloads a hosted content of a chat message (an
	// inline image; HostedContentIDs finds them in a body) as a stream with
	// its media type, bounded by opts.MaxBytes. Close the Content.
	GetHostedContent(ctx context.Context, chatID, messageID, hostedContentID string, opts *GetHostedContentOptions) (GetHostedContentResponse, error)
	// EditMessage replaces the body (and mentions) of a message the signed-in
	// user sent.
	EditMessage(ctx context.Context, chatID, messageID string, msg NewMessage, opts *EditMessageOptions) (EditMessageResponse, error)
	// SoftDeleteMessage deletes a message the signed-in user sent, so that it
	// can be restored with UndoSoftDeleteMessage.
	SoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *SoftDeleteMessageOptions) (SoftDeleteMessageResponse, error)
	// UndoSoftDeleteMessage restores a soft-deleted message.
	UndoSoftDeleteMessage(ctx context.Context, chatID, messageID string, opts *UndoSoftDeleteMessageOptions) (UndoSoftDeleteMessageResponse, error)
	// SetReaction sets the signed-in user's reaction (a Unicode emoji or a
	// legacy name such as "like") to a chat message.
	SetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *SetReactionOptions) (SetReactionResponse, error)
	// UnsetReaction removes the signed-in user's reaction from a chat message.
	UnsetReaction(ctx context.Context, chatID, messageID, reactionType string, opts *UnsetReactionOptions) (UnsetReactionResponse, error)

	// SendChannelMessage posts a new message in a channel of a team.
	SendChannelMessage(ctx context.Context, teamID, channelID string, msg NewMessage, opts *SendChannelMessageOptions) (SendChannelMessageResponse, error)
	// ListChannelMessages lists the top-level messages of a channel (without
	// their replies).
	ListChannelMessages(ctx context.Context, teamID, channelID string, opts *ListChannelMessagesOptions) iter.Seq2[Message, error]
	// ListChannelMessagesPage reads one page of ListChannelMessages.
	ListChannelMessagesPage(ctx context.Context, teamID, channelID string, opts *ListChannelMessagesOptions) (ListChannelMessagesPageResponse, error)
	// ReplyToChannelMessage replies to a top-level message of a channel.
	ReplyToChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg NewMessage, opts *ReplyToChannelMessageOptions) (ReplyToChannelMessageResponse, error)
	// ListReplies lists the replies to a top-level channel message.
	ListReplies(ctx context.Context, teamID, channelID, messageID string, opts *ListRepliesOptions) iter.Seq2[Message, error]
	// ListRepliesPage reads one page of ListReplies.
	ListRepliesPage(ctx context.Context, teamID, channelID, messageID string, opts *ListRepliesOptions) (ListRepliesPageResponse, error)
	// EditChannelMessage replaces the body (and mentions) of a channel
	// message the signed-in user sent: a top-level message, or a reply to
	// opts.ReplyToID.
	EditChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg NewMessage, opts *EditChannelMessageOptions) (EditChannelMessageResponse, error)
	// SoftDeleteChannelMessage deletes a channel message or reply the
	// signed-in user sent, so that it can be restored with
	// UndoSoftDeleteChannelMessage.
	SoftDeleteChannelMessage(ctx context.Context, teamID, channelID, messageID string, opts *SoftDeleteChannelMessageOptions) (SoftDeleteChannelMessageResponse, error)
	// UndoSoftDeleteChannelMessage restores a soft-deleted channel message
	// or reply.
	UndoSoftDeleteChannelMessage(ctx context.Context, teamID, channelID, messageID string, opts *UndoSoftDeleteChannelMessageOptions) (UndoSoftDeleteChannelMessageResponse, error)
	// SetChannelMessageReaction sets the signed-in user's reaction to a
	// channel message or reply.
	SetChannelMessageReaction(ctx context.Context, teamID, channelID, messageID, reactionType string, opts *SetChannelMessageReactionOptions) (SetChannelMessageReactionResponse, error)
	// UnsetChannelMessageReaction removes the signed-in user's reaction
	// from a channel message or reply.
	UnsetChannelMessageReaction(ctx context.Context, teamID, channelID, messageID, reactionType string, opts *UnsetChannelMessageReactionOptions) (UnsetChannelMessageReactionResponse, error)
}

// ListChatsOptions are the optional parameters of ListChats and ListChatsPage.
type ListChatsOptions struct {
	// Type, when set, lists only chats of this type ($filter=chatType eq '…').
	Type ChatType
	// MemberDisplayName, when set, lists only chats with a member of this
	// display name ($filter=members/any(o: o/displayName eq '…'), the
	// filter chat-list's example shows).
	MemberDisplayName string
	// ExpandMembers fills each Chat's Members ($expand=members).
	ExpandMembers bool
	// ExpandLastMessagePreview fills each Chat's LastMessagePreview
	// ($expand=lastMessagePreview).
	ExpandLastMessagePreview bool
	// OrderByLastMessage lists the chats by the time of their last message,
	// newest first ($orderby=lastMessagePreview/createdDateTime desc, the
	// one order Graph offers); chats without messages come last. Without
	// it the order is the service's.
	OrderByLastMessage bool
	// Top is the page size, 1..MaxPageSize; zero means the service default.
	Top int
	// NextLink continues a listing from the NextLink of an earlier page; the
	// other fields are then ignored (the link carries them).
	NextLink string
}

// ListChatsPageResponse is one page of chats.
type ListChatsPageResponse struct {
	// Chats are the page's chats.
	Chats []Chat
	// NextLink reads the next page; empty on the last page.
	NextLink string
}

// GetChatOptions are the optional parameters of GetChat.
type GetChatOptions struct {
	// ExpandMembers fills the Chat's Members ($expand=members).
	ExpandMembers bool
}

// GetChatResponse is the result of GetChat.
type GetChatResponse struct {
	// Chat is the chat.
	Chat Chat
}

// CreateOneOnOneChatOptions are the optional parameters of CreateOneOnOneChat.
type CreateOneOnOneChatOptions struct{}

// CreateOneOnOneChatResponse is the result of CreateOneOnOneChat.
type CreateOneOnOneChatResponse struct {
	// Chat is the one-on-one chat, new or existing, with its members.
	Chat Chat
}

// CreateGroupChatOptions are the optional parameters of CreateGroupChat.
type CreateGroupChatOptions struct{}

// CreateGroupChatResponse is the result of CreateGroupChat.
type CreateGroupChatResponse struct {
	// Chat is the new chat, with its members.
	Chat Chat
}

// ListMembersOptions are the optional parameters of ListMembers.
type ListMembersOptions struct{}

// ListMembersResponse is the result of ListMembers.
type ListMembersResponse struct {
	// Members are the chat's members.
	Members []Member
}

// AddMemberOptions are the optional parameters of AddMember.
type AddMemberOptions struct {
	// Roles are the new member's roles; nil means [RoleOwner].
	Roles []string
	// VisibleHistoryStartAt lets the new member see the chat's history from
	// this time on; the zero time means none of it (unless ShareAllHistory).
	VisibleHistoryStartAt time.Time
	// ShareAllHistory lets the new member see all of the chat's history.
	ShareAllHistory bool
}

// AddMemberResponse is the result of AddMember.
type AddMemberResponse struct {
	// Member is the new membership.
	Member Member
}

// RemoveMemberOptions are the optional parameters of RemoveMember.
type RemoveMemberOptions struct{}

// RemoveMemberResponse is the result of RemoveMember.
type RemoveMemberResponse struct{}

// GetOnlineMeetingByJoinURLOptions are the optional parameters of
// GetOnlineMeetingByJoinURL.
type GetOnlineMeetingByJoinURLOptions struct{}

// GetOnlineMeetingByJoinURLResponse is the result of GetOnlineMeetingByJoinURL.
type GetOnlineMeetingByJoinURLResponse struct {
	// Meeting is the meeting; Meeting.ChatID is its chat.
	Meeting OnlineMeeting
}

// FindMeetingChatOptions are the optional parameters of FindMeetingChat.
type FindMeetingChatOptions struct{}

// FindMeetingChatResponse is the result of FindMeetingChat.
type FindMeetingChatResponse struct {
	// Chat is the meeting's chat.
	Chat Chat
}

// CreateOnlineMeetingOptions are the optional parameters of
// CreateOnlineMeeting. A nil *CreateOnlineMeetingOptions creates a meeting
// without subject or attendees, starting now and lasting an hour (Graph's
// defaults).
type CreateOnlineMeetingOptions struct {
	// Subject is the meeting's subject (and its chat's topic).
	Subject string
	// StartAt and EndAt are the meeting's scheduled times; zero means now
	// and an hour after the start. EndAt must be after StartAt.
	StartAt, EndAt time.Time
	// Attendees are the invited users (Entra object ids or user principal
	// names), without the organizer.
	Attendees []string
	// LobbyBypass says who joins without waiting in the lobby; empty
	// leaves it to the organizer's meeting policy.
	LobbyBypass LobbyBypassScope
}

// MaxMeetingSubjectBytes is the longest subject CreateOnlineMeeting sends.
const MaxMeetingSubjectBytes = 255

// Validate reports, as an *ArgumentError, options that cannot work: an
// over-long subject or one with control characters, EndAt not after
// StartAt, an empty, malformed or repeated attendee, an unknown
// LobbyBypass. A nil
// *CreateOnlineMeetingOptions is valid.
func (o *CreateOnlineMeetingOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := checkMeetingSubject("opts.Subject", o.Subject); err != nil {
		return err
	}
	if err := checkTimes("opts.", o.StartAt, o.EndAt); err != nil {
		return err
	}
	if !o.StartAt.IsZero() && !o.EndAt.IsZero() && !o.EndAt.After(o.StartAt) {
		return &ArgumentError{Arg: "opts.EndAt", Problem: "must be after StartAt"}
	}
	if o.LobbyBypass != "" && !o.LobbyBypass.Valid() {
		return &ArgumentError{Arg: "opts.LobbyBypass", Problem: "is not a lobby bypass scope graph defines"}
	}
	return checkAttendees("opts.Attendees", o.Attendees)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// CreateOnlineMeetingResponse is the result of CreateOnlineMeeting.
type CreateOnlineMeetingResponse struct {
	// Meeting is the new meeting: its join link, meeting id and passcode,
	// and its chat (Meeting.ChatID).
	Meeting OnlineMeeting
}

// GetOnlineMeetingOptions are the optional parameters of GetOnlineMeeting.
type GetOnlineMeetingOptions struct{}

// GetOnlineMeetingResponse is the result of GetOnlineMeeting.
type GetOnlineMeetingResponse struct {
	// Meeting is the meeting.
	Meeting OnlineMeeting
}

// GetOnlineMeetingByJoinMeetingIDOptions are the optional parameters of
// GetOnlineMeetingByJoinMeetingID.
type GetOnlineMeetingByJoinMeetingIDOptions struct{}

// GetOnlineMeetingByJoinMeetingIDResponse is the result of
// GetOnlineMeetingByJoinMeetingID.
type GetOnlineMeetingByJoinMeetingIDResponse struct {
	// Meeting is the meeting.
	Meeting OnlineMeeting
}

// GetPresenceOptions are the optional parameters of GetPresence.
type GetPresenceOptions struct{}

// GetPresenceResponse is the result of GetPresence.
type GetPresenceResponse struct {
	// Presence is the user's presence.
	Presence Presence
}

// GetPresencesOptions are the optional parameters of GetPresences.
type GetPresencesOptions struct{}

// GetPresencesResponse is the result of GetPresences.
type GetPresencesResponse struct {
	// Presences are the users' presences, in the order they were asked
	// for. A user Graph does not know comes back with availability and
	// activity PresenceUnknown.
	Presences []Presence
}

// GetUserOptions are the optional parameters of GetUser.
type GetUserOptions struct{}

// GetUserResponse is the result of GetUser.
type GetUserResponse struct {
	// User is the user's profile.
	User User
}

// MaxPresencesPerRequest is the most user ids Graph's getPresencesByUserId
// takes in one request; GetPresences splits longer lists.
const MaxPresencesPerRequest = 650

// SendMessageOptions are the optional parameters of SendMessage.
type SendMessageOptions struct{}

// SendMessageResponse is the result of SendMessage.
type SendMessageResponse struct {
	// Message is the message as the service stored it.
	Message Message
}

// MessageOrder is the order of ListMessages: always newest first, by one of
// two times.
type MessageOrder string

// The orders of ListMessages.
const (
	// OrderByLastModified orders by LastModifiedAt, newest first (the
	// service's default).
	OrderByLastModified MessageOrder = "lastModifiedDateTime"
	// OrderByCreated orders by CreatedAt, newest first.
	OrderByCreated MessageOrder = "createdDateTime"
)

// ListMessagesOptions are the optional parameters of ListMessages and
// ListMessagesPage.
//
// Graph applies a date filter only when the listing is ordered by the same
// time, and ignores it silently otherwise; these options make that mistake
// impossible: ModifiedAfter and ModifiedBefore need OrderBy
// OrderByLastModified (or empty), CreatedBefore needs OrderByCreated, and the
// two kinds cannot be mixed.
type ListMessagesOptions struct {
	// OrderBy is the order, newest first; empty means OrderByLastModified.
	OrderBy MessageOrder
	// ModifiedAfter, when set, lists only messages changed after it.
	ModifiedAfter time.Time
	// ModifiedBefore, when set, lists only messages changed before it.
	ModifiedBefore time.Time
	// CreatedBefore, when set, lists only messages created before it.
	CreatedBefore time.Time
	// Top is the page size, 1..MaxPageSize; zero means the service default.
	Top int
	// NextLink continues a listing from the NextLink of an earlier page; the
	// other fields are then ignored.
	NextLink string
}

// ListMessagesPageResponse is one page of chat messages.
type ListMessagesPageResponse struct {
	// Messages are the page's messages.
	Messages []Message
	// NextLink reads the next page; empty on the last page.
	NextLink string
}

// GetMessageOptions are the optional parameters of GetMessage.
type GetMessageOptions struct{}

// GetMessageResponse is the result of GetMessage.
type GetMessageResponse struct {
	// Message is the message.
	Message Message
}

// EditMessageOptions are the optional parameters of EditMessage.
type EditMessageOptions struct{}

// EditMessageResponse is the result of EditMessage.
type EditMessageResponse struct{}

// SoftDeleteMessageOptions are the optional parameters of SoftDeleteMessage.
type SoftDeleteMessageOptions struct{}

// SoftDeleteMessageResponse is the result of SoftDeleteMessage.
type SoftDeleteMessageResponse struct{}

// UndoSoftDeleteMessageOptions are the optional parameters of
// UndoSoftDeleteMessage.
type UndoSoftDeleteMessageOptions struct{}

// UndoSoftDeleteMessageResponse is the result of UndoSoftDeleteMessage.
type UndoSoftDeleteMessageResponse struct{}

// SetReactionOptions are the optional parameters of SetReaction.
type SetReactionOptions struct{}

// SetReactionResponse is the result of SetReaction.
type SetReactionResponse struct{}

// UnsetReactionOptions are the optional parameters of UnsetReaction.
type UnsetReactionOptions struct{}

// UnsetReactionResponse is the result of UnsetReaction.
type UnsetReactionResponse struct{}

// SendChannelMessageOptions are the optional parameters of SendChannelMessage.
type SendChannelMessageOptions struct{}

// SendChannelMessageResponse is the result of SendChannelMessage.
type SendChannelMessageResponse struct {
	// Message is the message as the service stored it.
	Message Message
}

// ListChannelMessagesOptions are the optional parameters of
// ListChannelMessages and ListChannelMessagesPage.
type ListChannelMessagesOptions struct {
	// ExpandReplies fills each message's Replies ($expand=replies): up to
	// MaxInlineReplies of them, the rest behind Message.RepliesNextLink.
	ExpandReplies bool
	// Top is the page size, 1..MaxPageSize; zero means the service default.
	Top int
	// NextLink continues a listing from the NextLink of an earlier page.
	NextLink string
}

// MaxInlineReplies is the most replies Graph returns inline in a channel
// message with ExpandReplies: "By default, a response can include up to
// 200 replies" (https://learn.microsoft.com/graph/api/channel-list-messages;
// older copies said 1,000).
const MaxInlineReplies = 200

// ListChannelMessagesPageResponse is one page of channel messages.
type ListChannelMessagesPageResponse struct {
	// Messages are the page's messages.
	Messages []Message
	// NextLink reads the next page; empty on the last page.
	NextLink string
}

// ReplyToChannelMessageOptions are the optional parameters of
// ReplyToChannelMessage.
type ReplyToChannelMessageOptions struct{}

// ReplyToChannelMessageResponse is the result of ReplyToChannelMessage.
type ReplyToChannelMessageResponse struct {
	// Message is the reply as the service stored it.
	Message Message
}

// ListRepliesOptions are the optional parameters of ListReplies and
// ListRepliesPage.
type ListRepliesOptions struct {
	// Top is the page size, 1..MaxPageSize; zero means the service default.
	Top int
	// NextLink continues a listing from the NextLink of an earlier page.
	NextLink string
}

// ListRepliesPageResponse is one page of replies.
type ListRepliesPageResponse struct {
	// Messages are the page's replies.
	Messages []Message
	// NextLink reads the next page; empty on the last page.
	NextLink string
}

func checkTop(top int) error {
	if top < 0 || top > MaxPageSize {
		return &ArgumentError{Arg: "opts.Top", Problem: "must be between 1 and " + strconv.Itoa(MaxPageSize) + " (or 0 for the default)"}
	}
	return nil
}

func checkNextLink(link string) error {
	if link == "" {
		return nil
	}
	if len(link) > 8192 || !utf8.ValidString(link) || !(strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://")) {
		return &ArgumentError{Arg: "opts.NextLink", Problem: "must be the absolute link of an earlier page"}
	}
	return nil
}

// Validate reports, as an *ArgumentError, options that cannot work. A nil
// *ListChatsOptions is valid.
func (o *ListChatsOptions) Validate() error {
	if o == nil {
		return nil
	}
	switch o.Type {
	case "", ChatTypeOneOnOne, ChatTypeGroup, ChatTypeMeeting:
	default:
		return &ArgumentError{Arg: "opts.Type", Problem: `must be "oneOnOne", "group" or "meeting"`}
	}
	if len(o.MemberDisplayName) > 256 || !utf8.ValidString(o.MemberDisplayName) || strings.ContainsFunc(o.MemberDisplayName, isControl) {
		return &ArgumentError{Arg: "opts.MemberDisplayName", Problem: "must be valid text of at most 256 bytes without control characters"}
	}
	if err := checkTop(o.Top); err != nil {
		return err
	}
	return checkNextLink(o.NextLink)
}

// Validate reports, as an *ArgumentError, options that cannot work: a Top
// out of range, an unknown order, or a date filter Graph would silently
// ignore because the listing is not ordered by the same time. A nil
// *ListMessagesOptions is valid.
func (o *ListMessagesOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := checkTop(o.Top); err != nil {
		return err
	}
	if err := checkNextLink(o.NextLink); err != nil {
		return err
	}
	switch o.OrderBy {
	case "", OrderByLastModified:
		if !o.CreatedBefore.IsZero() {
			return &ArgumentError{Arg: "opts.CreatedBefore", Problem: "needs OrderBy OrderByCreated (graph ignores a createdDateTime filter otherwise)"}
		}
	case OrderByCreated:
		if !o.ModifiedAfter.IsZero() || !o.ModifiedBefore.IsZero() {
			return &ArgumentError{Arg: "opts.ModifiedAfter", Problem: "needs OrderBy OrderByLastModified (graph ignores a lastModifiedDateTime filter otherwise)"}
		}
	default:
		return &ArgumentError{Arg: "opts.OrderBy", Problem: `must be "lastModifiedDateTime" or "createdDateTime"`}
	}
	if !o.ModifiedAfter.IsZero() && !o.ModifiedBefore.IsZero() && !o.ModifiedAfter.Before(o.ModifiedBefore) {
		return &ArgumentError{Arg: "opts.ModifiedBefore", Problem: "must be after ModifiedAfter"}
	}
	return nil
}

// Validate reports, as an *ArgumentError, options that cannot work. A nil
// *ListChannelMessagesOptions is valid.
func (o *ListChannelMessagesOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := checkTop(o.Top); err != nil {
		return err
	}
	return checkNextLink(o.NextLink)
}

// Validate reports, as an *ArgumentError, options that cannot work. A nil
// *ListRepliesOptions is valid.
func (o *ListRepliesOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := checkTop(o.Top); err != nil {
		return err
	}
	return checkNextLink(o.NextLink)
}

// Validate reports, as an *ArgumentError, options that cannot work: an
// unknown role, or both VisibleHistoryStartAt and ShareAllHistory. A nil
// *AddMemberOptions is valid.
func (o *AddMemberOptions) Validate() error {
	if o == nil {
		return nil
	}
	for _, r := range o.Roles {
		if r != RoleOwner && r != RoleGuest {
			return &ArgumentError{Arg: "opts.Roles", Problem: `must hold only "owner" or "guest"`}
		}
	}
	if o.ShareAllHistory && !o.VisibleHistoryStartAt.IsZero() {
		return &ArgumentError{Arg: "opts.VisibleHistoryStartAt", Problem: "cannot be set together with ShareAllHistory"}
	}
	return nil
}
