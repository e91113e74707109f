package chat

import (
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// This file is the one place where the Graph SDK's models meet this
// package's plain types, in both directions. Every getter of a kiota model
// returns a pointer that may be nil; the helpers below read them without
// panicking on any response.

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func tm(p *time.Time) time.Time {
	if p == nil || p.IsZero() {
		return time.Time{}
	}
	return p.UTC()
}

// extra reads a string the model kept in its additional data (properties
// the SDK's model does not declare, such as a user identity's tenantId).
func extra(m map[string]any, key string) string {
	if m == nil {
		return ""
	}
	switch v := m[key].(type) {
	case *string:
		return str(v)
	case string:
		return v
	}
	return ""
}

func chatFromGraph(c models.Chatable) Chat {
	if c == nil {
		return Chat{}
	}
	out := Chat{
		ID:            str(c.GetId()),
		Topic:         str(c.GetTopic()),
		CreatedAt:     tm(c.GetCreatedDateTime()),
		LastUpdatedAt: tm(c.GetLastUpdatedDateTime()),
		WebURL:        str(c.GetWebUrl()),
		TenantID:      str(c.GetTenantId()),
	}
	if t := c.GetChatType(); t != nil {
		out.Type = ChatType(t.String())
	}
	if ms := c.GetMembers(); ms != nil {
		out.Members = make([]Member, 0, len(ms))
		for _, m := range ms {
			out.Members = append(out.Members, memberFromGraph(m))
		}
	}
	if mi := c.GetOnlineMeetingInfo(); mi != nil {
		out.OnlineMeeting = MeetingInfo{
			JoinURL:         str(mi.GetJoinWebUrl()),
			CalendarEventID: str(mi.GetCalendarEventId()),
		}
		if org := mi.GetOrganizer(); org != nil {
			out.OnlineMeeting.OrganizerID = str(org.GetId())
			out.OnlineMeeting.OrganizerTenantID = extra(org.GetAdditionalData(), "tenantId")
		}
	}
	return out
}

func memberFromGraph(m models.ConversationMemberable) Member {
	if m == nil {
		return Member{}
	}
	out := Member{
		ID:                    str(m.GetId()),
		DisplayName:           str(m.GetDisplayName()),
		Roles:                 append([]string(nil), m.GetRoles()...),
		VisibleHistoryStartAt: tm(m.GetVisibleHistoryStartDateTime()),
	}
	if a, ok := m.(models.AadUserConversationMemberable); ok {
		out.UserID = str(a.GetUserId())
		out.Email = str(a.GetEmail())
		out.TenantID = str(a.GetTenantId())
	} else {
		ad := m.GetAdditionalData()
		out.UserID = extra(ad, "userId")
		out.Email = extra(ad, "email")
		out.TenantID = extra(ad, "tenantId")
	}
	if out.VisibleHistoryStartAt.Year() <= 1 {
		// Graph writes "0001-01-01T00:00:00Z" for "all of the history".
		out.VisibleHistoryStartAt = time.Time{}
	}
	return out
}

func messageFromGraph(m models.ChatMessageable) Message {
	if m == nil {
		return Message{}
	}
	out := Message{
		ID:             str(m.GetId()),
		ChatID:         str(m.GetChatId()),
		ReplyToID:      str(m.GetReplyToId()),
		Subject:        str(m.GetSubject()),
		Summary:        str(m.GetSummary()),
		CreatedAt:      tm(m.GetCreatedDateTime()),
		LastModifiedAt: tm(m.GetLastModifiedDateTime()),
		LastEditedAt:   tm(m.GetLastEditedDateTime()),
		DeletedAt:      tm(m.GetDeletedDateTime()),
		WebURL:         str(m.GetWebUrl()),
		ETag:           str(m.GetEtag()),
	}
	if ci := m.GetChannelIdentity(); ci != nil {
		out.TeamID = str(ci.GetTeamId())
		out.ChannelID = str(ci.GetChannelId())
	}
	if f := m.GetFrom(); f != nil {
		if u := f.GetUser(); u != nil {
			out.From.UserID = str(u.GetId())
			out.From.DisplayName = str(u.GetDisplayName())
			out.From.TenantID = extra(u.GetAdditionalData(), "tenantId")
		}
		if a := f.GetApplication(); a != nil {
			out.From.ApplicationID = str(a.GetId())
			out.From.ApplicationName = str(a.GetDisplayName())
		}
	}
	if b := m.GetBody(); b != nil {
		out.Body.Content = str(b.GetContent())
		if ct := b.GetContentType(); ct != nil {
			out.Body.ContentType = ContentType(ct.String())
		}
	}
	if t := m.GetMessageType(); t != nil {
		out.MessageType = MessageType(t.String())
	}
	if i := m.GetImportance(); i != nil {
		out.Importance = Importance(i.String())
	}
	if ms := m.GetMentions(); len(ms) > 0 {
		out.Mentions = make([]Mention, 0, len(ms))
		for _, mn := range ms {
			if mn == nil {
				continue
			}
			x := Mention{Text: str(mn.GetMentionText())}
			if id := mn.GetId(); id != nil {
				x.ID = int(*id)
			}
			if who := mn.GetMentioned(); who != nil {
				if u := who.GetUser(); u != nil {
					x.UserID = str(u.GetId())
					x.DisplayName = str(u.GetDisplayName())
				}
			}
			out.Mentions = append(out.Mentions, x)
		}
	}
	if rs := m.GetReactions(); len(rs) > 0 {
		out.Reactions = make([]Reaction, 0, len(rs))
		for _, r := range rs {
			if r == nil {
				continue
			}
			x := Reaction{Type: str(r.GetReactionType()), DisplayName: str(r.GetDisplayName()), CreatedAt: tm(r.GetCreatedDateTime())}
			if who := r.GetUser(); who != nil {
				if u := who.GetUser(); u != nil {
					x.UserID = str(u.GetId())
				}
			}
			out.Reactions = append(out.Reactions, x)
		}
	}
	if as := m.GetAttachments(); len(as) > 0 {
		out.Attachments = make([]Attachment, 0, len(as))
		for _, a := range as {
			if a == nil {
				continue
			}
			out.Attachments = append(out.Attachments, Attachment{
				ID:           str(a.GetId()),
				ContentType:  str(a.GetContentType()),
				ContentURL:   str(a.GetContentUrl()),
				Content:      str(a.GetContent()),
				Name:         str(a.GetName()),
				ThumbnailURL: str(a.GetThumbnailUrl()),
				TeamsAppID:   str(a.GetTeamsAppId()),
			})
		}
	}
	if hs := m.GetHostedContents(); len(hs) > 0 {
		out.HostedContents = make([]HostedContent, 0, len(hs))
		for _, h := range hs {
			if h == nil {
				continue
			}
			out.HostedContents = append(out.HostedContents, HostedContent{ID: str(h.GetId()), ContentType: str(h.GetContentType())})
		}
	}
	return out
}

func onlineMeetingFromGraph(m models.OnlineMeetingable) OnlineMeeting {
	if m == nil {
		return OnlineMeeting{}
	}
	out := OnlineMeeting{
		ID:        str(m.GetId()),
		Subject:   str(m.GetSubject()),
		JoinURL:   str(m.GetJoinWebUrl()),
		StartAt:   tm(m.GetStartDateTime()),
		EndAt:     tm(m.GetEndDateTime()),
		CreatedAt: tm(m.GetCreationDateTime()),
	}
	if ci := m.GetChatInfo(); ci != nil {
		out.ChatID = str(ci.GetThreadId())
	}
	if p := m.GetParticipants(); p != nil {
		if org := p.GetOrganizer(); org != nil {
			if id := org.GetIdentity(); id != nil {
				if u := id.GetUser(); u != nil {
					out.OrganizerID = str(u.GetId())
					out.OrganizerTenantID = extra(u.GetAdditionalData(), "tenantId")
				}
			}
		}
		for _, a := range p.GetAttendees() {
			if a == nil {
				continue
			}
			who := ""
			if id := a.GetIdentity(); id != nil && id.GetUser() != nil {
				who = str(id.GetUser().GetId())
			}
			if who == "" {
				who = str(a.GetUpn())
			}
			if who != "" {
				out.Attendees = append(out.Attendees, who)
			}
		}
	}
	if lb := m.GetLobbyBypassSettings(); lb != nil && lb.GetScope() != nil {
		out.LobbyBypass = LobbyBypassScope(lb.GetScope().String())
	}
	if s := m.GetJoinMeetingIdSettings(); s != nil {
		out.JoinMeetingID = str(s.GetJoinMeetingId())
		out.Passcode = Passcode(str(s.GetPasscode()))
		if r := s.GetIsPasscodeRequired(); r != nil {
			out.IsPasscodeRequired = *r
		}
	}
	return out
}

// onlineMeetingToGraph builds the body of POST /me/onlineMeetings from
// options that Validate accepted.
func onlineMeetingToGraph(o *CreateOnlineMeetingOptions) models.OnlineMeetingable {
	m := models.NewOnlineMeeting()
	if o == nil {
		return m
	}
	if o.Subject != "" {
		m.SetSubject(ptr(o.Subject))
	}
	if !o.StartAt.IsZero() {
		m.SetStartDateTime(ptr(o.StartAt.UTC()))
	}
	if !o.EndAt.IsZero() {
		m.SetEndDateTime(ptr(o.EndAt.UTC()))
	}
	if len(o.Attendees) > 0 {
		attendees := make([]models.MeetingParticipantInfoable, len(o.Attendees))
		for i, a := range o.Attendees {
			info := models.NewMeetingParticipantInfo()
			if graphwire.IsGUID(a) {
				u := models.NewIdentity()
				u.SetId(ptr(a))
				set := models.NewIdentitySet()
				set.SetUser(u)
				info.SetIdentity(set)
			} else {
				info.SetUpn(ptr(a))
			}
			attendees[i] = info
		}
		p := models.NewMeetingParticipants()
		p.SetAttendees(attendees)
		m.SetParticipants(p)
	}
	if o.LobbyBypass != "" {
		// Validate has checked it is one of the scopes msgraph knows.
		if v, err := models.ParseLobbyBypassScope(string(o.LobbyBypass)); err == nil && v != nil {
			lb := models.NewLobbyBypassSettings()
			lb.SetScope(v.(*models.LobbyBypassScope))
			m.SetLobbyBypassSettings(lb)
		}
	}
	return m
}

// presenceFromGraph converts a presence.
func presenceFromGraph(p models.Presenceable) Presence {
	if p == nil {
		return Presence{}
	}
	out := Presence{
		UserID:       str(p.GetId()),
		Availability: Availability(str(p.GetAvailability())),
		Activity:     Activity(str(p.GetActivity())),
	}
	if sm := p.GetStatusMessage(); sm != nil && sm.GetMessage() != nil {
		out.StatusMessage = str(sm.GetMessage().GetContent())
	}
	if oof := p.GetOutOfOfficeSettings(); oof != nil && oof.GetIsOutOfOffice() != nil {
		out.OutOfOffice = *oof.GetIsOutOfOffice()
	}
	return out
}

// messageToGraph builds the body of a message POST or PATCH from a message
// that NewMessage.Validate accepted.
func messageToGraph(msg NewMessage) models.ChatMessageable {
	m := models.NewChatMessage()
	body := models.NewItemBody()
	bt := models.TEXT_BODYTYPE
	if msg.Body.ContentType == ContentHTML {
		bt = models.HTML_BODYTYPE
	}
	body.SetContentType(&bt)
	body.SetContent(ptr(msg.Body.Content))
	m.SetBody(body)
	if msg.Subject != "" {
		m.SetSubject(ptr(msg.Subject))
	}
	switch msg.Importance {
	case ImportanceHigh:
		m.SetImportance(ptr(models.HIGH_CHATMESSAGEIMPORTANCE))
	case ImportanceUrgent:
		m.SetImportance(ptr(models.URGENT_CHATMESSAGEIMPORTANCE))
	case ImportanceNormal:
		m.SetImportance(ptr(models.NORMAL_CHATMESSAGEIMPORTANCE))
	}
	if len(msg.Mentions) > 0 {
		ms := make([]models.ChatMessageMentionable, 0, len(msg.Mentions))
		for _, mn := range msg.Mentions {
			x := models.NewChatMessageMention()
			x.SetId(ptr(int32(mn.ID)))
			x.SetMentionText(ptr(mn.Text))
			who := models.NewChatMessageMentionedIdentitySet()
			u := models.NewTeamworkUserIdentity()
			u.SetId(ptr(mn.UserID))
			name := mn.DisplayName
			if name == "" {
				name = mn.Text
			}
			u.SetDisplayName(ptr(name))
			u.SetUserIdentityType(ptr(models.AADUSER_TEAMWORKUSERIDENTITYTYPE))
			who.SetUser(u)
			x.SetMentioned(who)
			ms = append(ms, x)
		}
		m.SetMentions(ms)
	}
	if len(msg.HostedContents) > 0 {
		hs := make([]models.ChatMessageHostedContentable, 0, len(msg.HostedContents))
		for _, hc := range msg.HostedContents {
			x := models.NewChatMessageHostedContent()
			x.SetContentBytes(hc.Data)
			x.SetContentType(ptr(hc.ContentType))
			x.SetAdditionalData(map[string]any{"@microsoft.graph.temporaryId": ptr(hc.ID)})
			hs = append(hs, x)
		}
		m.SetHostedContents(hs)
	}
	if len(msg.Attachments) > 0 {
		as := make([]models.ChatMessageAttachmentable, 0, len(msg.Attachments))
		for _, a := range msg.Attachments {
			x := models.NewChatMessageAttachment()
			x.SetId(ptr(a.ID))
			x.SetContentType(ptr(a.ContentType))
			if a.ContentURL != "" {
				x.SetContentUrl(ptr(a.ContentURL))
			}
			if a.Content != "" {
				x.SetContent(ptr(a.Content))
			}
			if a.Name != "" {
				x.SetName(ptr(a.Name))
			}
			if a.ThumbnailURL != "" {
				x.SetThumbnailUrl(ptr(a.ThumbnailURL))
			}
			if a.TeamsAppID != "" {
				x.SetTeamsAppId(ptr(a.TeamsAppID))
			}
			as = append(as, x)
		}
		m.SetAttachments(as)
	}
	return m
}

// memberToGraph builds an aadUserConversationMember that binds userID (an
// object id or a user principal name) under baseURL.
func memberToGraph(baseURL, userID string, roles []string, historyFrom time.Time, allHistory bool) models.ConversationMemberable {
	m := models.NewAadUserConversationMember()
	if roles == nil {
		roles = []string{RoleOwner}
	}
	m.SetRoles(roles)
	switch {
	case allHistory:
		m.SetVisibleHistoryStartDateTime(ptr(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)))
	case !historyFrom.IsZero():
		m.SetVisibleHistoryStartDateTime(ptr(historyFrom.UTC()))
	}
	m.SetAdditionalData(map[string]any{"user@odata.bind": ptr(userBind(baseURL, userID))})
	return m
}

// timeZero is the zero time, for arguments that take none.
var timeZero time.Time
