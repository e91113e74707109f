// Package chatconv converts between the Graph JSON of internal/graphwire and
// the public types of package chat. It is the one place where the two meet
// for the fake in chat/fake (the client in chat converts msgraph-sdk-go
// models; package chat cannot import this package, which imports it).
package chatconv

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func timePtr(t time.Time) *gw.Time {
	if t.IsZero() {
		return nil
	}
	return &gw.Time{Time: t}
}

func timeOf(p *gw.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.Time
}

// ChatToWire converts a chat to its Graph JSON; members are included when
// c.Members is not nil.
func ChatToWire(c chat.Chat) gw.Chat {
	w := gw.Chat{
		ID:                  c.ID,
		Topic:               strPtr(c.Topic),
		CreatedDateTime:     gw.TimeOf(c.CreatedAt),
		LastUpdatedDateTime: gw.TimeOf(c.LastUpdatedAt),
		ChatType:            string(c.Type),
		WebURL:              c.WebURL,
		TenantID:            c.TenantID,
	}
	if c.OnlineMeeting != (chat.MeetingInfo{}) {
		mi := &gw.OnlineMeetingInfo{CalendarEventID: c.OnlineMeeting.CalendarEventID, JoinWebURL: c.OnlineMeeting.JoinURL}
		if c.OnlineMeeting.OrganizerID != "" {
			mi.Organizer = &gw.Identity{ODataType: gw.TypeTeamworkUser, ID: c.OnlineMeeting.OrganizerID, UserIdentityType: "aadUser", TenantID: c.OnlineMeeting.OrganizerTenantID}
		}
		w.OnlineMeetingInfo = mi
	}
	if c.Members != nil {
		w.Members = make([]gw.ConversationMember, len(c.Members))
		for i, m := range c.Members {
			w.Members[i] = MemberToWire(m)
		}
	}
	return w
}

// ChatFromWire converts Graph JSON to a chat.
func ChatFromWire(w gw.Chat) chat.Chat {
	c := chat.Chat{
		ID:            w.ID,
		Type:          chat.ChatType(w.ChatType),
		Topic:         deref(w.Topic),
		CreatedAt:     w.CreatedDateTime.Time,
		LastUpdatedAt: w.LastUpdatedDateTime.Time,
		WebURL:        w.WebURL,
		TenantID:      w.TenantID,
	}
	if mi := w.OnlineMeetingInfo; mi != nil {
		c.OnlineMeeting = chat.MeetingInfo{JoinURL: mi.JoinWebURL, CalendarEventID: mi.CalendarEventID}
		if mi.Organizer != nil {
			c.OnlineMeeting.OrganizerID = mi.Organizer.ID
			c.OnlineMeeting.OrganizerTenantID = mi.Organizer.TenantID
		}
	}
	if w.Members != nil {
		c.Members = make([]chat.Member, len(w.Members))
		for i, m := range w.Members {
			c.Members[i] = MemberFromWire(m)
		}
	}
	return c
}

// MemberToWire converts a membership to an aadUserConversationMember.
func MemberToWire(m chat.Member) gw.ConversationMember {
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	w := gw.ConversationMember{
		ODataType:   gw.TypeAADUserMember,
		ID:          m.ID,
		Roles:       roles,
		DisplayName: m.DisplayName,
		UserID:      m.UserID,
		Email:       m.Email,
		TenantID:    m.TenantID,
	}
	w.VisibleHistoryStartDateTime = &gw.FullTime{Time: gw.TimeOf(m.VisibleHistoryStartAt)}
	return w
}

// MemberFromWire converts an aadUserConversationMember to a membership.
// The "share all history" time (year 1) becomes the zero time.
func MemberFromWire(w gw.ConversationMember) chat.Member {
	m := chat.Member{
		ID:          w.ID,
		UserID:      w.UserID,
		DisplayName: w.DisplayName,
		Email:       w.Email,
		Roles:       w.Roles,
		TenantID:    w.TenantID,
	}
	if w.VisibleHistoryStartDateTime != nil && w.VisibleHistoryStartDateTime.Year() > 1 {
		m.VisibleHistoryStartAt = w.VisibleHistoryStartDateTime.Time.Time
	}
	if m.UserID == "" && w.UserBind != "" {
		m.UserID, _ = gw.UserFromBind(w.UserBind)
	}
	return m
}

func senderToWire(s chat.Sender) *gw.IdentitySet {
	if s == (chat.Sender{}) {
		return nil
	}
	set := &gw.IdentitySet{}
	if s.ApplicationID != "" {
		set.Application = &gw.Identity{ID: s.ApplicationID, DisplayName: s.ApplicationName, ApplicationIdentityType: "bot"}
	} else {
		set.User = &gw.Identity{ODataType: gw.TypeTeamworkUser, ID: s.UserID, DisplayName: s.DisplayName, UserIdentityType: "aadUser", TenantID: s.TenantID}
	}
	return set
}

func senderFromWire(set *gw.IdentitySet) chat.Sender {
	if set == nil {
		return chat.Sender{}
	}
	var s chat.Sender
	if u := set.User; u != nil {
		s.UserID, s.DisplayName, s.TenantID = u.ID, u.DisplayName, u.TenantID
	}
	if a := set.Application; a != nil {
		s.ApplicationID, s.ApplicationName = a.ID, a.DisplayName
	}
	return s
}

// MessageToWire converts a message to Graph's chatMessage.
func MessageToWire(m chat.Message) gw.ChatMessage {
	w := gw.ChatMessage{
		ID:                   m.ID,
		ReplyToID:            strPtr(m.ReplyToID),
		ETag:                 m.ETag,
		MessageType:          string(m.MessageType),
		CreatedDateTime:      gw.TimeOf(m.CreatedAt),
		LastModifiedDateTime: gw.TimeOf(m.LastModifiedAt),
		LastEditedDateTime:   timePtr(m.LastEditedAt),
		DeletedDateTime:      timePtr(m.DeletedAt),
		Subject:              strPtr(m.Subject),
		Summary:              strPtr(m.Summary),
		ChatID:               m.ChatID,
		Importance:           string(m.Importance),
		Locale:               "en-us",
		WebURL:               m.WebURL,
		From:                 senderToWire(m.From),
		Body:                 &gw.ItemBody{ContentType: string(m.Body.ContentType), Content: m.Body.Content},
		Attachments:          AttachmentsToWire(m.Attachments),
		Mentions:             MentionsToWire(m.Mentions),
		HostedContents:       nil,
	}
	if w.Attachments == nil {
		w.Attachments = []gw.Attachment{}
	}
	if w.Mentions == nil {
		w.Mentions = []gw.Mention{}
	}
	w.Reactions = make([]gw.Reaction, len(m.Reactions))
	for i, r := range m.Reactions {
		w.Reactions[i] = gw.Reaction{
			ReactionType:    r.Type,
			DisplayName:     r.DisplayName,
			CreatedDateTime: gw.TimeOf(r.CreatedAt),
			User:            &gw.IdentitySet{User: &gw.Identity{ID: r.UserID, UserIdentityType: "aadUser"}},
		}
	}
	if m.TeamID != "" || m.ChannelID != "" {
		w.ChannelIdentity = &gw.ChannelIdentity{TeamID: m.TeamID, ChannelID: m.ChannelID}
	}
	return w
}

// MessageFromWire converts Graph's chatMessage to a message.
func MessageFromWire(w gw.ChatMessage) chat.Message {
	m := chat.Message{
		ID:             w.ID,
		ReplyToID:      deref(w.ReplyToID),
		ETag:           w.ETag,
		MessageType:    chat.MessageType(w.MessageType),
		CreatedAt:      w.CreatedDateTime.Time,
		LastModifiedAt: w.LastModifiedDateTime.Time,
		LastEditedAt:   timeOf(w.LastEditedDateTime),
		DeletedAt:      timeOf(w.DeletedDateTime),
		Subject:        deref(w.Subject),
		Summary:        deref(w.Summary),
		ChatID:         w.ChatID,
		Importance:     chat.Importance(w.Importance),
		WebURL:         w.WebURL,
		From:           senderFromWire(w.From),
		Mentions:       MentionsFromWire(w.Mentions),
		Attachments:    AttachmentsFromWire(w.Attachments),
		HostedContents: HostedContentsFromWire(w.HostedContents),
	}
	if w.Body != nil {
		m.Body = chat.Body{ContentType: chat.ContentType(w.Body.ContentType), Content: w.Body.Content}
	}
	if ci := w.ChannelIdentity; ci != nil {
		m.TeamID, m.ChannelID = ci.TeamID, ci.ChannelID
	}
	if len(w.Reactions) > 0 {
		m.Reactions = make([]chat.Reaction, len(w.Reactions))
		for i, r := range w.Reactions {
			m.Reactions[i] = chat.Reaction{Type: r.ReactionType, DisplayName: r.DisplayName, CreatedAt: r.CreatedDateTime.Time}
			if r.User != nil && r.User.User != nil {
				m.Reactions[i].UserID = r.User.User.ID
			}
		}
	}
	return m
}

// MentionsToWire converts mentions of users.
func MentionsToWire(ms []chat.Mention) []gw.Mention {
	if len(ms) == 0 {
		return nil
	}
	out := make([]gw.Mention, len(ms))
	for i, m := range ms {
		out[i] = gw.Mention{ID: m.ID, MentionText: m.Text, Mentioned: &gw.IdentitySet{
			User: &gw.Identity{ID: m.UserID, DisplayName: m.DisplayName, UserIdentityType: "aadUser"},
		}}
	}
	return out
}

// MentionsFromWire converts mentions; mentions of something other than a
// user keep their text with an empty UserID.
func MentionsFromWire(ws []gw.Mention) []chat.Mention {
	if len(ws) == 0 {
		return nil
	}
	out := make([]chat.Mention, len(ws))
	for i, w := range ws {
		out[i] = chat.Mention{ID: w.ID, Text: w.MentionText}
		if w.Mentioned != nil && w.Mentioned.User != nil {
			out[i].UserID = w.Mentioned.User.ID
			out[i].DisplayName = w.Mentioned.User.DisplayName
		}
	}
	return out
}

// AttachmentsToWire converts attachments.
func AttachmentsToWire(as []chat.Attachment) []gw.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]gw.Attachment, len(as))
	for i, a := range as {
		out[i] = gw.Attachment(a)
	}
	return out
}

// AttachmentsFromWire converts attachments.
func AttachmentsFromWire(ws []gw.Attachment) []chat.Attachment {
	if len(ws) == 0 {
		return nil
	}
	out := make([]chat.Attachment, len(ws))
	for i, w := range ws {
		out[i] = chat.Attachment(w)
	}
	return out
}

// HostedContentsFromWire converts hosted contents; a temporary id stands
// in for a missing id (a message being sent).
func HostedContentsFromWire(ws []gw.HostedContent) []chat.HostedContent {
	if len(ws) == 0 {
		return nil
	}
	out := make([]chat.HostedContent, len(ws))
	for i, w := range ws {
		id := w.ID
		if id == "" {
			id = w.TemporaryID
		}
		out[i] = chat.HostedContent{ID: id, ContentType: w.ContentType, Data: w.ContentBytes}
	}
	return out
}

// NewMessageToWire converts a message to send into the body of a POST (or
// PATCH) of a chatMessage.
func NewMessageToWire(m chat.NewMessage) gw.ChatMessage {
	ct := m.Body.ContentType
	if ct == "" {
		ct = chat.ContentText
	}
	w := gw.ChatMessage{
		Body:        &gw.ItemBody{ContentType: string(ct), Content: m.Body.Content},
		Subject:     strPtr(m.Subject),
		Importance:  string(m.Importance),
		Mentions:    MentionsToWire(m.Mentions),
		Attachments: AttachmentsToWire(m.Attachments),
	}
	if len(m.HostedContents) > 0 {
		w.HostedContents = make([]gw.HostedContent, len(m.HostedContents))
		for i, h := range m.HostedContents {
			w.HostedContents[i] = gw.HostedContent{TemporaryID: h.ID, ContentBytes: h.Data, ContentType: h.ContentType}
		}
	}
	return w
}

// NewMessageFromWire reads the body of a POST (or PATCH) of a chatMessage.
func NewMessageFromWire(w gw.ChatMessage) chat.NewMessage {
	m := chat.NewMessage{
		Subject:        deref(w.Subject),
		Importance:     chat.Importance(w.Importance),
		Mentions:       MentionsFromWire(w.Mentions),
		Attachments:    AttachmentsFromWire(w.Attachments),
		HostedContents: HostedContentsFromWire(w.HostedContents),
	}
	if w.Body != nil {
		m.Body = chat.Body{ContentType: chat.ContentType(w.Body.ContentType), Content: w.Body.Content}
	}
	return m
}

// MeetingToWire converts an online meeting.
func MeetingToWire(m chat.OnlineMeeting) gw.OnlineMeeting {
	w := gw.OnlineMeeting{
		ID:               m.ID,
		CreationDateTime: gw.TimeOf(m.CreatedAt),
		StartDateTime:    gw.TimeOf(m.StartAt),
		EndDateTime:      gw.TimeOf(m.EndAt),
		JoinWebURL:       m.JoinURL,
		Subject:          m.Subject,
	}
	if m.ChatID != "" {
		w.ChatInfo = &gw.ChatInfo{ThreadID: m.ChatID, MessageID: "0"}
	}
	if m.OrganizerID != "" || len(m.Attendees) > 0 {
		w.Participants = &gw.MeetingParticipants{}
		if m.OrganizerID != "" {
			w.Participants.Organizer = &gw.MeetingParticipantInfo{
				Identity: &gw.IdentitySet{User: &gw.Identity{ID: m.OrganizerID, TenantID: m.OrganizerTenantID}}, Role: "presenter",
			}
		}
		for _, a := range m.Attendees {
			w.Participants.Attendees = append(w.Participants.Attendees, AttendeeToWire(a))
		}
	}
	if m.JoinMeetingID != "" {
		w.JoinMeetingIDSettings = &gw.JoinMeetingIDSettings{JoinMeetingID: m.JoinMeetingID, Passcode: string(m.Passcode), IsPasscodeRequired: m.IsPasscodeRequired}
	}
	if m.LobbyBypass != "" {
		w.LobbyBypassSettings = &gw.LobbyBypassSettings{Scope: string(m.LobbyBypass)}
	}
	return w
}

// AttendeeToWire names an attendee by object id (identity.user.id) or by
// user principal name (upn).
func AttendeeToWire(idOrUPN string) gw.MeetingParticipantInfo {
	if gw.IsGUID(idOrUPN) {
		return gw.MeetingParticipantInfo{Identity: &gw.IdentitySet{User: &gw.Identity{ID: idOrUPN}}, Role: "attendee"}
	}
	return gw.MeetingParticipantInfo{UPN: idOrUPN, Role: "attendee"}
}

// AttendeeFromWire is the object id of an attendee, or its user principal
// name when there is no id.
func AttendeeFromWire(w gw.MeetingParticipantInfo) string {
	if w.Identity != nil && w.Identity.User != nil && w.Identity.User.ID != "" {
		return w.Identity.User.ID
	}
	return w.UPN
}

// MeetingFromWire converts an online meeting.
func MeetingFromWire(w gw.OnlineMeeting) chat.OnlineMeeting {
	m := chat.OnlineMeeting{
		ID:        w.ID,
		Subject:   w.Subject,
		JoinURL:   w.JoinWebURL,
		StartAt:   w.StartDateTime.Time,
		EndAt:     w.EndDateTime.Time,
		CreatedAt: w.CreationDateTime.Time,
	}
	if w.ChatInfo != nil {
		m.ChatID = w.ChatInfo.ThreadID
	}
	if p := w.Participants; p != nil {
		if p.Organizer != nil && p.Organizer.Identity != nil && p.Organizer.Identity.User != nil {
			m.OrganizerID = p.Organizer.Identity.User.ID
			m.OrganizerTenantID = p.Organizer.Identity.User.TenantID
		}
		for _, a := range p.Attendees {
			if who := AttendeeFromWire(a); who != "" {
				m.Attendees = append(m.Attendees, who)
			}
		}
	}
	if s := w.JoinMeetingIDSettings; s != nil {
		m.JoinMeetingID = s.JoinMeetingID
		m.Passcode = chat.Passcode(s.Passcode)
		m.IsPasscodeRequired = s.IsPasscodeRequired
	}
	if w.LobbyBypassSettings != nil {
		m.LobbyBypass = chat.LobbyBypassScope(w.LobbyBypassSettings.Scope)
	}
	return m
}

// PresenceToWire converts a presence.
func PresenceToWire(p chat.Presence) gw.Presence {
	w := gw.Presence{
		ID:                  p.UserID,
		Availability:        string(p.Availability),
		Activity:            string(p.Activity),
		OutOfOfficeSettings: &gw.OutOfOfficeSettings{IsOutOfOffice: p.OutOfOffice},
	}
	if p.StatusMessage != "" {
		w.StatusMessage = &gw.PresenceStatusMessage{Message: &gw.ItemBody{Content: p.StatusMessage, ContentType: "text"}}
	}
	return w
}

// PresenceFromWire converts a presence.
func PresenceFromWire(w gw.Presence) chat.Presence {
	p := chat.Presence{UserID: w.ID, Availability: chat.Availability(w.Availability), Activity: chat.Activity(w.Activity)}
	if w.StatusMessage != nil && w.StatusMessage.Message != nil {
		p.StatusMessage = w.StatusMessage.Message.Content
	}
	if w.OutOfOfficeSettings != nil {
		p.OutOfOffice = w.OutOfOfficeSettings.IsOutOfOffice
	}
	return p
}
