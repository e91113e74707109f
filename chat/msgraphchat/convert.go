package msgraphchat

import (
	"fmt"
	"strings"
	"time"

	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	kjson "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// Conversions between chat's plain types and msgraph-sdk-go's models.
// From a model: read directly through its getters (every getter returns a
// pointer that may be nil; nothing here panics on any model). To a model:
// chat.MarshalGraphJSON writes Graph's JSON, which kiota's JSON parse node
// reads into the model, so the model holds what Graph would send.

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

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

// ChatFromGraph converts a msgraph chat (nil gives the zero Chat).
func ChatFromGraph(c models.Chatable) chat.Chat {
	if c == nil {
		return chat.Chat{}
	}
	out := chat.Chat{
		ID:            str(c.GetId()),
		Topic:         str(c.GetTopic()),
		CreatedAt:     tm(c.GetCreatedDateTime()),
		LastUpdatedAt: tm(c.GetLastUpdatedDateTime()),
		WebURL:        str(c.GetWebUrl()),
		TenantID:      str(c.GetTenantId()),
	}
	if t := c.GetChatType(); t != nil {
		out.Type = chat.ChatType(t.String())
	}
	if ms := c.GetMembers(); ms != nil {
		out.Members = make([]chat.Member, 0, len(ms))
		for _, m := range ms {
			out.Members = append(out.Members, MemberFromGraph(m))
		}
	}
	if mi := c.GetOnlineMeetingInfo(); mi != nil {
		out.OnlineMeeting = chat.MeetingInfo{
			JoinURL:         str(mi.GetJoinWebUrl()),
			CalendarEventID: str(mi.GetCalendarEventId()),
		}
		if org := mi.GetOrganizer(); org != nil {
			out.OnlineMeeting.OrganizerID = str(org.GetId())
			out.OnlineMeeting.OrganizerTenantID = extra(org.GetAdditionalData(), "tenantId")
		}
	}
	out.LastMessagePreview = previewFromGraph(c.GetLastMessagePreview())
	if v := c.GetViewpoint(); v != nil {
		out.Viewpoint = &chat.Viewpoint{LastMessageReadAt: tm(v.GetLastMessageReadDateTime())}
		if h := v.GetIsHidden(); h != nil {
			out.Viewpoint.IsHidden = *h
		}
	}
	return out
}

// previewFromGraph converts a chat's lastMessagePreview (a
// chatMessageInfo); nil gives nil. The event detail of a system event
// message is kept as the JSON kiota writes of it.
func previewFromGraph(p models.ChatMessageInfoable) *chat.MessagePreview {
	if p == nil {
		return nil
	}
	out := &chat.MessagePreview{
		ID:        str(p.GetId()),
		CreatedAt: tm(p.GetCreatedDateTime()),
		From:      senderFromGraph(p.GetFrom()),
		Body:      bodyFromGraph(p.GetBody()),
	}
	if d := p.GetIsDeleted(); d != nil {
		out.IsDeleted = *d
	}
	if t := p.GetMessageType(); t != nil {
		out.MessageType = chat.MessageType(t.String())
	}
	if d := p.GetEventDetail(); d != nil {
		w := kjson.NewJsonSerializationWriter()
		defer w.Close()
		if err := w.WriteObjectValue("", d); err == nil {
			if b, err := w.GetSerializedContent(); err == nil {
				out.EventDetail = &chat.EventDetail{Type: strings.TrimPrefix(str(d.GetOdataType()), "#microsoft.graph."), JSON: string(b)}
			}
		}
	}
	return out
}

// senderFromGraph converts who sent a message (nil gives no sender).
func senderFromGraph(f models.ChatMessageFromIdentitySetable) chat.Sender {
	var out chat.Sender
	if f == nil {
		return out
	}
	if u := f.GetUser(); u != nil {
		out.UserID = str(u.GetId())
		out.DisplayName = str(u.GetDisplayName())
		out.TenantID = extra(u.GetAdditionalData(), "tenantId")
	}
	if a := f.GetApplication(); a != nil {
		out.ApplicationID = str(a.GetId())
		out.ApplicationName = str(a.GetDisplayName())
	}
	return out
}

// bodyFromGraph converts a message body (nil gives the empty Body).
func bodyFromGraph(b models.ItemBodyable) chat.Body {
	if b == nil {
		return chat.Body{}
	}
	out := chat.Body{Content: str(b.GetContent())}
	if ct := b.GetContentType(); ct != nil {
		out.ContentType = chat.ContentType(ct.String())
	}
	return out
}

// MemberFromGraph converts a msgraph conversationMember (nil gives the
// zero Member).
func MemberFromGraph(m models.ConversationMemberable) chat.Member {
	if m == nil {
		return chat.Member{}
	}
	out := chat.Member{
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

// MessageFromGraph converts a msgraph chatMessage (nil gives the zero
// Message).
func MessageFromGraph(m models.ChatMessageable) chat.Message {
	if m == nil {
		return chat.Message{}
	}
	out := chat.Message{
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
	out.From = senderFromGraph(m.GetFrom())
	out.Body = bodyFromGraph(m.GetBody())
	if t := m.GetMessageType(); t != nil {
		out.MessageType = chat.MessageType(t.String())
	}
	if i := m.GetImportance(); i != nil {
		out.Importance = chat.Importance(i.String())
	}
	if ms := m.GetMentions(); len(ms) > 0 {
		out.Mentions = make([]chat.Mention, 0, len(ms))
		for _, mn := range ms {
			if mn == nil {
				continue
			}
			x := chat.Mention{Text: str(mn.GetMentionText())}
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
		out.Reactions = make([]chat.Reaction, 0, len(rs))
		for _, r := range rs {
			if r == nil {
				continue
			}
			x := chat.Reaction{Type: str(r.GetReactionType()), DisplayName: str(r.GetDisplayName()), CreatedAt: tm(r.GetCreatedDateTime())}
			if who := r.GetUser(); who != nil {
				if u := who.GetUser(); u != nil {
					x.UserID = str(u.GetId())
				}
			}
			out.Reactions = append(out.Reactions, x)
		}
	}
	if as := m.GetAttachments(); len(as) > 0 {
		out.Attachments = make([]chat.Attachment, 0, len(as))
		for _, a := range as {
			if a == nil {
				continue
			}
			out.Attachments = append(out.Attachments, chat.Attachment{
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
		out.HostedContents = make([]chat.HostedContent, 0, len(hs))
		for _, h := range hs {
			if h == nil {
				continue
			}
			out.HostedContents = append(out.HostedContents, chat.HostedContent{ID: str(h.GetId()), ContentType: str(h.GetContentType())})
		}
	}
	return out
}

// OnlineMeetingFromGraph converts a msgraph onlineMeeting (nil gives the
// zero OnlineMeeting).
func OnlineMeetingFromGraph(m models.OnlineMeetingable) chat.OnlineMeeting {
	if m == nil {
		return chat.OnlineMeeting{}
	}
	out := chat.OnlineMeeting{
		ID:         str(m.GetId()),
		Subject:    str(m.GetSubject()),
		JoinURL:    str(m.GetJoinWebUrl()),
		StartAt:    tm(m.GetStartDateTime()),
		EndAt:      tm(m.GetEndDateTime()),
		CreatedAt:  tm(m.GetCreationDateTime()),
		ExternalID: str(m.GetExternalId()),
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
		out.LobbyBypass = chat.LobbyBypassScope(lb.GetScope().String())
	}
	if s := m.GetJoinMeetingIdSettings(); s != nil {
		out.JoinMeetingID = str(s.GetJoinMeetingId())
		out.Passcode = chat.Passcode(str(s.GetPasscode()))
		if r := s.GetIsPasscodeRequired(); r != nil {
			out.IsPasscodeRequired = *r
		}
	}
	return out
}

// PresenceFromGraph converts a msgraph presence (nil gives the zero
// Presence).
func PresenceFromGraph(p models.Presenceable) chat.Presence {
	if p == nil {
		return chat.Presence{}
	}
	out := chat.Presence{
		UserID:       str(p.GetId()),
		Availability: chat.Availability(str(p.GetAvailability())),
		Activity:     chat.Activity(str(p.GetActivity())),
	}
	if sm := p.GetStatusMessage(); sm != nil && sm.GetMessage() != nil {
		out.StatusMessage = str(sm.GetMessage().GetContent())
	}
	if oof := p.GetOutOfOfficeSettings(); oof != nil && oof.GetIsOutOfOffice() != nil {
		out.OutOfOffice = *oof.GetIsOutOfOffice()
	}
	return out
}

// AttendanceReportFromGraph converts a msgraph meetingAttendanceReport
// (nil gives the zero AttendanceReport); its records are nil when the
// model has none, as in a listing.
func AttendanceReportFromGraph(r models.MeetingAttendanceReportable) chat.AttendanceReport {
	if r == nil {
		return chat.AttendanceReport{}
	}
	out := chat.AttendanceReport{
		ID:             str(r.GetId()),
		MeetingStartAt: tm(r.GetMeetingStartDateTime()),
		MeetingEndAt:   tm(r.GetMeetingEndDateTime()),
	}
	if n := r.GetTotalParticipantCount(); n != nil {
		out.ParticipantCount = int(*n)
	}
	for _, rec := range r.GetAttendanceRecords() {
		if rec == nil {
			continue
		}
		o := chat.AttendanceRecord{Email: str(rec.GetEmailAddress()), Role: chat.AttendanceRole(str(rec.GetRole()))}
		if s := rec.GetTotalAttendanceInSeconds(); s != nil {
			o.Total = time.Duration(*s) * time.Second
		}
		if id := rec.GetIdentity(); id != nil {
			o.UserID, o.DisplayName = str(id.GetId()), str(id.GetDisplayName())
			o.TenantID = extra(id.GetAdditionalData(), "tenantId")
		}
		for _, iv := range rec.GetAttendanceIntervals() {
			if iv == nil {
				continue
			}
			i := chat.AttendanceInterval{JoinAt: tm(iv.GetJoinDateTime()), LeaveAt: tm(iv.GetLeaveDateTime())}
			if d := iv.GetDurationInSeconds(); d != nil {
				i.Duration = time.Duration(*d) * time.Second
			}
			o.Intervals = append(o.Intervals, i)
		}
		out.Records = append(out.Records, o)
	}
	return out
}

// AttendanceReportToGraph converts an attendance report into a msgraph
// meetingAttendanceReport model.
func AttendanceReportToGraph(r chat.AttendanceReport) (models.MeetingAttendanceReportable, error) {
	return toGraph[models.MeetingAttendanceReportable](r, models.CreateMeetingAttendanceReportFromDiscriminatorValue)
}

// ChatToGraph converts a chat into a msgraph chat model (its members
// included when c.Members is not nil).
func ChatToGraph(c chat.Chat) (models.Chatable, error) {
	return toGraph[models.Chatable](c, models.CreateChatFromDiscriminatorValue)
}

// MemberToGraph converts a membership into a msgraph
// aadUserConversationMember model.
func MemberToGraph(m chat.Member) (models.ConversationMemberable, error) {
	return toGraph[models.ConversationMemberable](m, models.CreateConversationMemberFromDiscriminatorValue)
}

// MessageToGraph converts a message into a msgraph chatMessage model.
func MessageToGraph(m chat.Message) (models.ChatMessageable, error) {
	return toGraph[models.ChatMessageable](m, models.CreateChatMessageFromDiscriminatorValue)
}

// NewMessageToGraph converts a message to send into the msgraph
// chatMessage model a POST of msgraph-sdk-go takes (hosted contents with
// their temporary ids and bytes, mentions, attachments).
func NewMessageToGraph(m chat.NewMessage) (models.ChatMessageable, error) {
	return toGraph[models.ChatMessageable](m, models.CreateChatMessageFromDiscriminatorValue)
}

// OnlineMeetingToGraph converts an online meeting into a msgraph
// onlineMeeting model, passcode included.
func OnlineMeetingToGraph(m chat.OnlineMeeting) (models.OnlineMeetingable, error) {
	return toGraph[models.OnlineMeetingable](m, models.CreateOnlineMeetingFromDiscriminatorValue)
}

// PresenceToGraph converts a presence into a msgraph presence model.
func PresenceToGraph(p chat.Presence) (models.Presenceable, error) {
	return toGraph[models.Presenceable](p, models.CreatePresenceFromDiscriminatorValue)
}

// toGraph writes v as Graph's JSON with chat's codec and reads it with
// kiota's JSON parse node into the model factory makes.
func toGraph[M absser.Parsable](v any, factory absser.ParsableFactory) (M, error) {
	var zero M
	b, err := chat.MarshalGraphJSON(v)
	if err != nil {
		return zero, err
	}
	node, err := kjson.NewJsonParseNode(b)
	if err != nil {
		return zero, fmt.Errorf("msgraphchat: reading %T as a msgraph model: %w", v, err)
	}
	p, err := node.GetObjectValue(factory)
	if err != nil {
		return zero, fmt.Errorf("msgraphchat: reading %T as a msgraph model: %w", v, err)
	}
	m, ok := p.(M)
	if !ok {
		return zero, fmt.Errorf("msgraphchat: %T became %T, not %T", v, p, zero)
	}
	return m, nil
}
