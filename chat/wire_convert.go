package chat

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// This file is the one place where Graph's JSON (the wire structs of
// internal/graphwire) meets this package's plain types, in both
// directions. The client decodes Graph's answers and encodes its requests
// with these functions, and the fake in chat/fake does the same through
// MarshalGraphJSON and UnmarshalGraphJSON, which call them: a shape the
// two disagree on fails a test on both sides. The readers accept what
// Graph documents it may send (nulls, missing objects, unknown members).

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

// chatToWire converts a chat to its Graph JSON; members are included when
// c.Members is not nil.
func chatToWire(c Chat) gw.Chat {
	w := gw.Chat{
		ID:                  c.ID,
		Topic:               strPtr(c.Topic),
		CreatedDateTime:     gw.TimeOf(c.CreatedAt),
		LastUpdatedDateTime: gw.TimeOf(c.LastUpdatedAt),
		ChatType:            string(c.Type),
		WebURL:              c.WebURL,
		TenantID:            c.TenantID,
	}
	if c.OnlineMeeting != (MeetingInfo{}) {
		mi := &gw.OnlineMeetingInfo{CalendarEventID: c.OnlineMeeting.CalendarEventID, JoinWebURL: c.OnlineMeeting.JoinURL}
		if c.OnlineMeeting.OrganizerID != "" {
			mi.Organizer = &gw.Identity{ODataType: gw.TypeTeamworkUser, ID: c.OnlineMeeting.OrganizerID, UserIdentityType: "aadUser", TenantID: c.OnlineMeeting.OrganizerTenantID}
		}
		w.OnlineMeetingInfo = mi
	}
	if c.Members != nil {
		w.Members = make([]gw.ConversationMember, len(c.Members))
		for i, m := range c.Members {
			w.Members[i] = memberToWire(m)
		}
	}
	if v := c.Viewpoint; v != nil {
		w.Viewpoint = &gw.ChatViewpoint{IsHidden: v.IsHidden, LastMessageReadDateTime: gw.TimeOf(v.LastMessageReadAt)}
	}
	if p := c.LastMessagePreview; p != nil {
		w.LastMessagePreview = &gw.ChatMessageInfo{
			ID:              p.ID,
			CreatedDateTime: gw.TimeOf(p.CreatedAt),
			IsDeleted:       p.IsDeleted,
			MessageType:     string(p.MessageType),
			Body:            &gw.ItemBody{ContentType: string(p.Body.ContentType), Content: p.Body.Content},
			From:            senderToWire(p.From),
		}
		if p.EventDetail != nil && json.Valid([]byte(p.EventDetail.JSON)) {
			w.LastMessagePreview.EventDetail = json.RawMessage(p.EventDetail.JSON)
		}
	}
	return w
}

// previewFromWire converts a chatMessageInfo; a null one is nil.
func previewFromWire(w *gw.ChatMessageInfo) *MessagePreview {
	if w == nil {
		return nil
	}
	p := &MessagePreview{
		ID:          w.ID,
		CreatedAt:   w.CreatedDateTime.Time,
		IsDeleted:   w.IsDeleted,
		MessageType: MessageType(w.MessageType),
		From:        senderFromWire(w.From),
	}
	if w.Body != nil {
		p.Body = Body{ContentType: ContentType(w.Body.ContentType), Content: w.Body.Content}
	}
	if d := bytes.TrimSpace(w.EventDetail); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		var head struct {
			Type string `json:"@odata.type"`
		}
		_ = json.Unmarshal(d, &head) // a detail that is not an object keeps an empty Type
		p.EventDetail = &EventDetail{Type: strings.TrimPrefix(head.Type, "#microsoft.graph."), JSON: string(d)}
	}
	return p
}

// chatFromWire converts Graph's chat.
func chatFromWire(w *gw.Chat) Chat {
	c := Chat{
		ID:            w.ID,
		Type:          ChatType(w.ChatType),
		Topic:         deref(w.Topic),
		CreatedAt:     w.CreatedDateTime.Time,
		LastUpdatedAt: w.LastUpdatedDateTime.Time,
		WebURL:        w.WebURL,
		TenantID:      w.TenantID,
	}
	if mi := w.OnlineMeetingInfo; mi != nil {
		c.OnlineMeeting = MeetingInfo{JoinURL: mi.JoinWebURL, CalendarEventID: mi.CalendarEventID}
		if mi.Organizer != nil {
			c.OnlineMeeting.OrganizerID = mi.Organizer.ID
			c.OnlineMeeting.OrganizerTenantID = mi.Organizer.TenantID
		}
	}
	if w.Members != nil {
		c.Members = make([]Member, len(w.Members))
		for i := range w.Members {
			c.Members[i] = memberFromWire(&w.Members[i])
		}
	}
	c.LastMessagePreview = previewFromWire(w.LastMessagePreview)
	if v := w.Viewpoint; v != nil {
		c.Viewpoint = &Viewpoint{IsHidden: v.IsHidden, LastMessageReadAt: v.LastMessageReadDateTime.Time}
	}
	return c
}

// memberToWire converts a membership to an aadUserConversationMember.
func memberToWire(m Member) gw.ConversationMember {
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	return gw.ConversationMember{
		ODataType:                   gw.TypeAADUserMember,
		ID:                          m.ID,
		Roles:                       roles,
		DisplayName:                 m.DisplayName,
		UserID:                      m.UserID,
		Email:                       m.Email,
		TenantID:                    m.TenantID,
		VisibleHistoryStartDateTime: &gw.FullTime{Time: gw.TimeOf(m.VisibleHistoryStartAt)},
	}
}

// memberFromWire converts an aadUserConversationMember. Graph's "all of
// the history" time (year 1) becomes the zero time; a member being added
// (user@odata.bind, no userId) gets the bound user's id or principal name.
func memberFromWire(w *gw.ConversationMember) Member {
	m := Member{
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

// memberBind is the body that adds userID (an object id or a user
// principal name) to a chat: an aadUserConversationMember that binds the
// user under baseURL.
func memberBind(baseURL, userID string, roles []string, historyFrom time.Time, allHistory bool) gw.ConversationMember {
	if roles == nil {
		roles = []string{RoleOwner}
	}
	w := gw.ConversationMember{ODataType: gw.TypeAADUserMember, Roles: roles, UserBind: userBind(baseURL, userID)}
	switch {
	case allHistory:
		w.VisibleHistoryStartDateTime = &gw.FullTime{} // 0001-01-01T00:00:00Z
	case !historyFrom.IsZero():
		w.VisibleHistoryStartDateTime = &gw.FullTime{Time: gw.TimeOf(historyFrom.UTC())}
	}
	return w
}

// userBind is the OData reference to a user: <base>/users('<id>'), with a
// quote in a user principal name doubled as OData wants.
func userBind(baseURL, userID string) string {
	return baseURL + "/users('" + odataQuote(userID) + "')"
}

func senderToWire(s Sender) *gw.IdentitySet {
	if s == (Sender{}) {
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

func senderFromWire(set *gw.IdentitySet) Sender {
	if set == nil {
		return Sender{}
	}
	var s Sender
	if u := set.User; u != nil {
		s.UserID, s.DisplayName, s.TenantID = u.ID, u.DisplayName, u.TenantID
	}
	if a := set.Application; a != nil {
		s.ApplicationID, s.ApplicationName = a.ID, a.DisplayName
	}
	return s
}

// messageToWire converts a message to Graph's chatMessage.
func messageToWire(m Message) gw.ChatMessage {
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
		Attachments:          attachmentsToWire(m.Attachments),
		Mentions:             mentionsToWire(m.Mentions, false),
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
	// Graph's message reads carry no hostedContents (the body references
	// them), so none are written.
	if m.TeamID != "" || m.ChannelID != "" {
		w.ChannelIdentity = &gw.ChannelIdentity{TeamID: m.TeamID, ChannelID: m.ChannelID}
	}
	if m.Replies != nil {
		w.Replies = messagesToWire(m.Replies)
	}
	w.RepliesNextLink = m.RepliesNextLink
	return w
}

// messageFromWire converts Graph's chatMessage. It is on the hot path of
// every listing: one pass, no maps, slices only when the message has them.
func messageFromWire(w *gw.ChatMessage) Message {
	m := Message{
		ID:             w.ID,
		ReplyToID:      deref(w.ReplyToID),
		ETag:           w.ETag,
		MessageType:    MessageType(w.MessageType),
		CreatedAt:      w.CreatedDateTime.Time,
		LastModifiedAt: w.LastModifiedDateTime.Time,
		LastEditedAt:   timeOf(w.LastEditedDateTime),
		DeletedAt:      timeOf(w.DeletedDateTime),
		Subject:        deref(w.Subject),
		Summary:        deref(w.Summary),
		ChatID:         w.ChatID,
		Importance:     Importance(w.Importance),
		WebURL:         w.WebURL,
		From:           senderFromWire(w.From),
		Mentions:       mentionsFromWire(w.Mentions),
		Attachments:    attachmentsFromWire(w.Attachments),
		HostedContents: hostedContentsFromWire(w.HostedContents),
	}
	if w.Body != nil {
		m.Body = Body{ContentType: ContentType(w.Body.ContentType), Content: w.Body.Content}
	}
	if ci := w.ChannelIdentity; ci != nil {
		m.TeamID, m.ChannelID = ci.TeamID, ci.ChannelID
	}
	if w.Replies != nil {
		m.Replies = convertAll(w.Replies, messageFromWire)
	}
	m.RepliesNextLink = w.RepliesNextLink
	if len(w.Reactions) > 0 {
		m.Reactions = make([]Reaction, len(w.Reactions))
		for i, r := range w.Reactions {
			m.Reactions[i] = Reaction{Type: r.ReactionType, DisplayName: r.DisplayName, CreatedAt: r.CreatedDateTime.Time}
			if r.User != nil && r.User.User != nil {
				m.Reactions[i].UserID = r.User.User.ID
			}
		}
	}
	return m
}

// mentionsToWire converts mentions of users. For a message being sent
// (sending), a mention without DisplayName names the user by its Text.
func mentionsToWire(ms []Mention, sending bool) []gw.Mention {
	if len(ms) == 0 {
		return nil
	}
	out := make([]gw.Mention, len(ms))
	for i, m := range ms {
		name := m.DisplayName
		if sending && name == "" {
			name = m.Text
		}
		out[i] = gw.Mention{ID: m.ID, MentionText: m.Text, Mentioned: &gw.IdentitySet{
			User: &gw.Identity{ID: m.UserID, DisplayName: name, UserIdentityType: "aadUser"},
		}}
	}
	return out
}

// mentionsFromWire converts mentions; mentions of something other than a
// user keep their text with an empty UserID.
func mentionsFromWire(ws []gw.Mention) []Mention {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Mention, len(ws))
	for i, w := range ws {
		out[i] = Mention{ID: w.ID, Text: w.MentionText}
		if w.Mentioned != nil && w.Mentioned.User != nil {
			out[i].UserID = w.Mentioned.User.ID
			out[i].DisplayName = w.Mentioned.User.DisplayName
		}
	}
	return out
}

func attachmentsToWire(as []Attachment) []gw.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]gw.Attachment, len(as))
	for i, a := range as {
		out[i] = gw.Attachment(a)
	}
	return out
}

func attachmentsFromWire(ws []gw.Attachment) []Attachment {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Attachment, len(ws))
	for i, w := range ws {
		out[i] = Attachment(w)
	}
	return out
}

// hostedContentsFromWire converts hosted contents; a temporary id stands
// in for a missing id (a message being sent).
func hostedContentsFromWire(ws []gw.HostedContent) []HostedContent {
	if len(ws) == 0 {
		return nil
	}
	out := make([]HostedContent, len(ws))
	for i, w := range ws {
		id := w.ID
		if id == "" {
			id = w.TemporaryID
		}
		out[i] = HostedContent{ID: id, ContentType: w.ContentType, Data: w.ContentBytes}
	}
	return out
}

// newMessageToWire is the body of a message POST (or PATCH) from a message
// NewMessage.Validate accepted.
func newMessageToWire(m NewMessage) gw.ChatMessage {
	ct := m.Body.ContentType
	if ct == "" {
		ct = ContentText
	}
	w := gw.ChatMessage{
		Body:        &gw.ItemBody{ContentType: string(ct), Content: m.Body.Content},
		Subject:     strPtr(m.Subject),
		Importance:  string(m.Importance),
		Mentions:    mentionsToWire(m.Mentions, true),
		Attachments: attachmentsToWire(m.Attachments),
	}
	if len(m.HostedContents) > 0 {
		w.HostedContents = make([]gw.HostedContent, len(m.HostedContents))
		for i, h := range m.HostedContents {
			w.HostedContents[i] = gw.HostedContent{TemporaryID: h.ID, ContentBytes: h.Data, ContentType: h.ContentType}
		}
	}
	return w
}

// newMessageFromWire reads the body of a message POST (or PATCH).
func newMessageFromWire(w *gw.ChatMessage) NewMessage {
	m := NewMessage{
		Subject:        deref(w.Subject),
		Importance:     Importance(w.Importance),
		Mentions:       mentionsFromWire(w.Mentions),
		Attachments:    attachmentsFromWire(w.Attachments),
		HostedContents: hostedContentsFromWire(w.HostedContents),
	}
	if w.Body != nil {
		m.Body = Body{ContentType: ContentType(w.Body.ContentType), Content: w.Body.Content}
	}
	return m
}

// meetingToWire converts an online meeting.
func meetingToWire(m OnlineMeeting) gw.OnlineMeeting {
	w := gw.OnlineMeeting{
		ID:               m.ID,
		CreationDateTime: gw.TimeOf(m.CreatedAt),
		StartDateTime:    gw.TimeOf(m.StartAt),
		EndDateTime:      gw.TimeOf(m.EndAt),
		JoinWebURL:       m.JoinURL,
		Subject:          m.Subject,
		ExternalID:       m.ExternalID,
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
		w.Participants.Attendees = attendeesToWire(m.Attendees)
	}
	if m.JoinMeetingID != "" {
		w.JoinMeetingIDSettings = &gw.JoinMeetingIDSettings{JoinMeetingID: m.JoinMeetingID, Passcode: string(m.Passcode), IsPasscodeRequired: m.IsPasscodeRequired}
	}
	if m.LobbyBypass != "" {
		w.LobbyBypassSettings = &gw.LobbyBypassSettings{Scope: string(m.LobbyBypass)}
	}
	return w
}

// attendeesToWire names each attendee by object id (identity.user.id) or
// by user principal name (upn).
func attendeesToWire(as []string) []gw.MeetingParticipantInfo {
	if len(as) == 0 {
		return nil
	}
	out := make([]gw.MeetingParticipantInfo, len(as))
	for i, a := range as {
		if uuid.IsGUID(a) {
			out[i] = gw.MeetingParticipantInfo{Identity: &gw.IdentitySet{User: &gw.Identity{ID: a}}, Role: "attendee"}
		} else {
			out[i] = gw.MeetingParticipantInfo{UPN: a, Role: "attendee"}
		}
	}
	return out
}

// attendeeFromWire is the object id of an attendee, or its user principal
// name when Graph gives no id.
func attendeeFromWire(w *gw.MeetingParticipantInfo) string {
	if w.Identity != nil && w.Identity.User != nil && w.Identity.User.ID != "" {
		return w.Identity.User.ID
	}
	return w.UPN
}

// meetingFromWire converts Graph's onlineMeeting.
func meetingFromWire(w *gw.OnlineMeeting) OnlineMeeting {
	m := OnlineMeeting{
		ID:         w.ID,
		Subject:    w.Subject,
		JoinURL:    w.JoinWebURL,
		StartAt:    w.StartDateTime.Time,
		EndAt:      w.EndDateTime.Time,
		CreatedAt:  w.CreationDateTime.Time,
		ExternalID: w.ExternalID,
	}
	if w.ChatInfo != nil {
		m.ChatID = w.ChatInfo.ThreadID
	}
	if p := w.Participants; p != nil {
		if p.Organizer != nil && p.Organizer.Identity != nil && p.Organizer.Identity.User != nil {
			m.OrganizerID = p.Organizer.Identity.User.ID
			m.OrganizerTenantID = p.Organizer.Identity.User.TenantID
		}
		for i := range p.Attendees {
			if who := attendeeFromWire(&p.Attendees[i]); who != "" {
				m.Attendees = append(m.Attendees, who)
			}
		}
	}
	if s := w.JoinMeetingIDSettings; s != nil {
		m.JoinMeetingID = s.JoinMeetingID
		m.Passcode = Passcode(s.Passcode)
		m.IsPasscodeRequired = s.IsPasscodeRequired
	}
	if w.LobbyBypassSettings != nil {
		m.LobbyBypass = LobbyBypassScope(w.LobbyBypassSettings.Scope)
	}
	return m
}

// createMeetingToWire is the body of POST /me/onlineMeetings from options
// that Validate accepted.
func createMeetingToWire(o CreateOnlineMeetingOptions) gw.NewOnlineMeeting {
	w := gw.NewOnlineMeeting{Subject: o.Subject, StartDateTime: timePtr(o.StartAt.UTC()), EndDateTime: timePtr(o.EndAt.UTC())}
	if len(o.Attendees) > 0 {
		w.Participants = &gw.MeetingParticipants{Attendees: attendeesToWire(o.Attendees)}
	}
	if o.LobbyBypass != "" {
		w.LobbyBypassSettings = &gw.LobbyBypassSettings{Scope: string(o.LobbyBypass)}
	}
	return w
}

// createMeetingFromWire reads the body of POST /me/onlineMeetings. An
// attendee with neither id nor principal name is kept as "", which
// Validate refuses.
func createMeetingFromWire(w *gw.NewOnlineMeeting) CreateOnlineMeetingOptions {
	o := CreateOnlineMeetingOptions{Subject: w.Subject, StartAt: timeOf(w.StartDateTime), EndAt: timeOf(w.EndDateTime)}
	if w.Participants != nil {
		for i := range w.Participants.Attendees {
			o.Attendees = append(o.Attendees, attendeeFromWire(&w.Participants.Attendees[i]))
		}
	}
	if w.LobbyBypassSettings != nil {
		o.LobbyBypass = LobbyBypassScope(w.LobbyBypassSettings.Scope)
	}
	return o
}

// userToWire converts a user's profile; businessPhones is always an
// array, as Graph writes it.
func userToWire(u User) gw.User {
	phones := u.BusinessPhones
	if phones == nil {
		phones = []string{}
	}
	return gw.User{
		ID:                u.ID,
		BusinessPhones:    phones,
		DisplayName:       strPtr(u.DisplayName),
		GivenName:         strPtr(u.GivenName),
		JobTitle:          strPtr(u.JobTitle),
		Mail:              strPtr(u.Mail),
		MobilePhone:       strPtr(u.MobilePhone),
		OfficeLocation:    strPtr(u.OfficeLocation),
		PreferredLanguage: strPtr(u.PreferredLanguage),
		Surname:           strPtr(u.Surname),
		UserPrincipalName: strPtr(u.UserPrincipalName),
	}
}

// userFromWire converts Graph's user.
func userFromWire(w *gw.User) User {
	u := User{
		ID:                w.ID,
		DisplayName:       deref(w.DisplayName),
		GivenName:         deref(w.GivenName),
		JobTitle:          deref(w.JobTitle),
		Mail:              deref(w.Mail),
		MobilePhone:       deref(w.MobilePhone),
		OfficeLocation:    deref(w.OfficeLocation),
		PreferredLanguage: deref(w.PreferredLanguage),
		Surname:           deref(w.Surname),
		UserPrincipalName: deref(w.UserPrincipalName),
	}
	if len(w.BusinessPhones) > 0 {
		u.BusinessPhones = w.BusinessPhones
	}
	return u
}

// presenceToWire converts a presence.
func presenceToWire(p Presence) gw.Presence {
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

// presenceFromWire converts Graph's presence.
func presenceFromWire(w *gw.Presence) Presence {
	p := Presence{UserID: w.ID, Availability: Availability(w.Availability), Activity: Activity(w.Activity)}
	if w.StatusMessage != nil && w.StatusMessage.Message != nil {
		p.StatusMessage = w.StatusMessage.Message.Content
	}
	if w.OutOfOfficeSettings != nil {
		p.OutOfOffice = w.OutOfOfficeSettings.IsOutOfOffice
	}
	return p
}
