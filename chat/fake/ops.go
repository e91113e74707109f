package fake

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// opError is a failure of an operation, as Graph would report it.
type opError struct {
	status     int
	code       string
	msg        string
	retryAfter time.Duration
}

func errBadRequest(msg string) *opError {
	return &opError{status: http.StatusBadRequest, code: gw.CodeBadRequest, msg: msg}
}
func errNotFound(msg string) *opError {
	return &opError{status: http.StatusNotFound, code: gw.CodeNotFound, msg: msg}
}
func errForbidden(msg string) *opError {
	return &opError{status: http.StatusForbidden, code: gw.CodeForbidden, msg: msg}
}
func errUnauthorized(msg string) *opError {
	return &opError{status: http.StatusUnauthorized, code: gw.CodeUnauthorized, msg: msg}
}

// goError turns an opError into the *chat.Error the Go face returns: the
// same fields the client reads from the HTTP face's answer.
func (s *Service) goError(oe *opError, clientRequestID string) error {
	s.mu.Lock()
	rid := s.guidLocked('r')
	s.mu.Unlock()
	return &chat.Error{
		StatusCode:      oe.status,
		Code:            oe.code,
		Message:         oe.msg,
		RequestID:       rid,
		ClientRequestID: clientRequestID,
		Date:            s.now().UTC().Truncate(time.Second),
		RetryAfter:      oe.retryAfter.Truncate(time.Second),
	}
}

// signedIn returns the signed-in user, or 401.
func (s *Service) signedInLocked(userID string) (*User, *opError) {
	u := s.users[userID]
	if u == nil {
		return nil, errUnauthorized("Access token validation failure. Invalid audience or unknown user.")
	}
	return u, nil
}

// chatForLocked returns a chat the user is a member of: 404 if there is no
// such chat, 403 if the user is not a member.
func (s *Service) chatForLocked(u *User, chatID string) (*chatState, *memberState, *opError) {
	c := s.chats[chatID]
	if c == nil {
		return nil, nil, errNotFound("Chat " + quote(chatID) + " was not found.")
	}
	m := c.member(u.ID)
	if m == nil {
		return nil, nil, errForbidden("Forbidden: the signed-in user is not a member of the chat.")
	}
	return c, m, nil
}

// userChatLocked returns the signed-in user and a chat they are a member
// of, with their membership: 401 for an unknown user, then chatForLocked's
// 404 or 403.
func (s *Service) userChatLocked(userID, chatID string) (*User, *chatState, *memberState, *opError) {
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return nil, nil, nil, oe
	}
	c, m, oe := s.chatForLocked(u, chatID)
	return u, c, m, oe
}

func quote(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return "'" + s + "'"
}

// --- chats ---

// chatQuery is a parsed listing of chats.
type chatQuery struct {
	top           int
	typ           chat.ChatType
	memberNames   []string // members/any(o: o/displayName eq '…'), each
	memberIDs     []string // members/any(o: o/…/userId eq '…'), each
	expand        bool     // $expand=members
	preview       bool     // $expand=lastMessagePreview
	byLastMessage bool     // $orderby=lastMessagePreview/createdDateTime desc
	after         *cursor  // at = the last message's time (byLastMessage), num = seq
}

// matches reports whether a chat passes the query's filters.
func (q *chatQuery) matches(c *chatState) bool {
	if q.typ != "" && c.c.Type != q.typ {
		return false
	}
	for _, name := range q.memberNames {
		if !slices.ContainsFunc(c.members, func(m *memberState) bool { return strings.EqualFold(m.m.DisplayName, name) }) {
			return false
		}
	}
	for _, id := range q.memberIDs {
		if !slices.ContainsFunc(c.members, func(m *memberState) bool { return strings.EqualFold(m.m.UserID, id) }) {
			return false
		}
	}
	return true
}

// listChats lists the user's chats: newest created first, or by the time
// of their last message (byLastMessage), newest first, the chats without a
// message after all others — OData puts nulls after every value in a
// descending order (OData 4.01 Protocol, 11.2.6.2 System Query Option
// $orderby); Graph does not say, so this is a choice that follows it.
// lastMessagePreview is the newest message the user may see; Graph
// documents no permission for it apart from chat-list's, but Chat.ReadBasic
// reads "names and members", no message content, so the fake asks Chat.Read
// or Chat.ReadWrite for it (a choice).
func (s *Service) listChats(userID string, scopes []string, q chatQuery) ([]chat.Chat, *cursor, *opError) {
	if q.preview {
		if oe := checkScopes(scopes, scopesReadMessages); oe != nil {
			return nil, nil, oe
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return nil, nil, oe
	}
	type entry struct {
		c    *chatState
		m    *memberState
		last *msgState // the newest message the user may see, or nil
	}
	var list []entry
	for i := len(s.chatList) - 1; i >= 0; i-- { // newest created first
		c := s.chatList[i]
		m := c.member(u.ID)
		if m == nil || !q.matches(c) {
			continue
		}
		e := entry{c: c, m: m}
		if q.preview || q.byLastMessage {
			for k := len(c.msgs.byCreated) - 1; k >= 0; k-- {
				if st := c.msgs.byCreated[k]; visible(m, st) {
					e.last = st
					break
				}
			}
		}
		list = append(list, e)
	}
	keyOf := func(e entry) cursor {
		if !q.byLastMessage {
			return cursor{num: e.c.seq}
		}
		if e.last == nil {
			return cursor{num: e.c.seq}
		}
		return cursor{at: e.last.m.CreatedAt, num: e.c.seq}
	}
	// before reports whether a comes before b in the listing.
	before := func(a, b cursor) bool {
		if !a.at.Equal(b.at) {
			return a.at.After(b.at) // zero (no message) is last
		}
		return a.num > b.num
	}
	if q.byLastMessage {
		slices.SortStableFunc(list, func(a, b entry) int {
			ka, kb := keyOf(a), keyOf(b)
			switch {
			case before(ka, kb):
				return -1
			case before(kb, ka):
				return 1
			}
			return 0
		})
	}
	out := make([]chat.Chat, 0, min(q.top, len(list)))
	var last cursor
	for _, e := range list {
		k := keyOf(e)
		if q.after != nil && !before(*q.after, k) {
			continue
		}
		if len(out) == q.top {
			return out, &last, nil
		}
		v := e.c.view(q.expand)
		v.Viewpoint = e.m.viewpoint()
		if q.preview && e.last != nil {
			v.LastMessagePreview = previewOf(e.last)
		}
		out = append(out, v)
		last = k
	}
	return out, nil, nil
}

// previewOf is a message's chatMessageInfo
// (https://learn.microsoft.com/graph/api/resources/chatmessageinfo); a
// deleted message shows no content, as its reads do.
func previewOf(st *msgState) *chat.MessagePreview {
	m := st.view()
	return &chat.MessagePreview{
		ID: m.ID, CreatedAt: m.CreatedAt, IsDeleted: m.Deleted(), MessageType: m.MessageType, Body: m.Body, From: m.From,
	}
}

func (s *Service) getChat(userID, chatID string, expand bool) (chat.Chat, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, _, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return chat.Chat{}, oe
	}
	return c.view(expand), nil
}

// newMember is a member in a request to create a chat or add a member.
type newMember struct {
	user  string // object id or UPN
	roles []string
}

// createChat creates a chat as Graph's POST /chats does: every member,
// the caller included, is listed; an existing one-on-one chat is returned.
func (s *Service) createChat(userID string, typ chat.ChatType, topic string, members []newMember) (chat.Chat, bool, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.Chat{}, false, oe
	}
	users := make([]*User, 0, len(members))
	roles := make([][]string, 0, len(members))
	seen := map[string]bool{}
	callerListed := false
	for _, m := range members {
		mu := s.userLocked(m.user)
		if mu == nil {
			return chat.Chat{}, false, errNotFound("User " + quote(m.user) + " was not found.")
		}
		if seen[mu.ID] {
			return chat.Chat{}, false, errBadRequest("Duplicate member " + quote(mu.ID) + " in the request.")
		}
		seen[mu.ID] = true
		for _, r := range m.roles {
			if r != chat.RoleOwner && r != chat.RoleGuest {
				return chat.Chat{}, false, errBadRequest("Invalid role " + quote(r) + ".")
			}
		}
		if mu.ID == u.ID {
			callerListed = true
		}
		users = append(users, mu)
		roles = append(roles, m.roles)
	}
	if !callerListed {
		return chat.Chat{}, false, errBadRequest("The signed-in user must be one of the members of the chat.")
	}
	now := s.clock()
	switch typ {
	case chat.ChatTypeOneOnOne:
		if len(users) != 2 {
			return chat.Chat{}, false, errBadRequest("A oneOnOne chat must have exactly two members.")
		}
		if topic != "" {
			return chat.Chat{}, false, errBadRequest("A oneOnOne chat cannot have a topic.")
		}
		a, b := users[0].ID, users[1].ID
		if a > b {
			a, b = b, a
		}
		if c := s.oneOnOne[[2]string{a, b}]; c != nil {
			return c.view(true), false, nil
		}
		c := s.newChatLocked("19:"+a+"_"+b+"@unq.gbl.spaces", chat.ChatTypeOneOnOne, "", u.TenantID, now)
		for i, mu := range users {
			s.addMemberLocked(c, mu, roles[i], time.Time{}, now)
		}
		s.oneOnOne[[2]string{a, b}] = c
		return c.view(true), true, nil
	case chat.ChatTypeGroup:
		// Graph documents no minimum for a group chat
		// (https://learn.microsoft.com/graph/api/chat-post) and creates one
		// of two members (microsoftgraph/microsoft-graph-docs#19197): the
		// caller and one other user, a chat apart from their one-on-one chat.
		if len(users) < 2 {
			return chat.Chat{}, false, errBadRequest("A group chat must have at least two members.")
		}
		if len(users) > 250 {
			return chat.Chat{}, false, errBadRequest("A group chat can have at most 250 members when created.")
		}
		s.seq++
		id := "19:" + strconv.FormatUint(uint64(s.seq)*0x9e3779b97f4a7c15, 16) + strconv.FormatInt(s.seq, 16) + "@thread.v2"
		c := s.newChatLocked(id, chat.ChatTypeGroup, topic, u.TenantID, now)
		for i, mu := range users {
			s.addMemberLocked(c, mu, roles[i], time.Time{}, now)
		}
		return c.view(true), true, nil
	case chat.ChatTypeMeeting:
		return chat.Chat{}, false, errBadRequest("Meeting chats are created with their online meeting.")
	}
	return chat.Chat{}, false, errBadRequest("Invalid chatType " + quote(string(typ)) + ".")
}

func (s *Service) listMembers(userID, chatID string) ([]chat.Member, *opError) {
	c, oe := s.getChat(userID, chatID, true)
	if oe != nil {
		return nil, oe
	}
	return c.Members, nil
}

// addMember adds a member; visibleFrom nil means "from now", the zero time
// all history.
func (s *Service) addMember(userID, chatID string, nm newMember, visibleFrom *time.Time) (chat.Member, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, _, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return chat.Member{}, oe
	}
	if c.c.Type == chat.ChatTypeOneOnOne {
		return chat.Member{}, errBadRequest("Members cannot be added to a oneOnOne chat.")
	}
	nu := s.userLocked(nm.user)
	if nu == nil {
		return chat.Member{}, errNotFound("User " + quote(nm.user) + " was not found.")
	}
	for _, r := range nm.roles {
		if r != chat.RoleOwner && r != chat.RoleGuest {
			return chat.Member{}, errBadRequest("Invalid role " + quote(r) + ".")
		}
	}
	if c.member(nu.ID) != nil {
		return chat.Member{}, &opError{status: http.StatusConflict, code: gw.CodeConflict, msg: "The user is already a member of the chat."}
	}
	now := s.clock()
	from := now
	if visibleFrom != nil {
		from = *visibleFrom
	}
	m := s.addMemberLocked(c, nu, nm.roles, from, now)
	s.notify.memberLocked(c, m.m.ID, gw.ChangeCreated)
	mm := m.m
	mm.Roles = cloneSlice(m.m.Roles)
	return mm, nil
}

func (s *Service) removeMember(userID, chatID, membershipID string) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, _, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return oe
	}
	if c.c.Type == chat.ChatTypeOneOnOne {
		return errBadRequest("Members cannot be removed from a oneOnOne chat.")
	}
	for i, m := range c.members {
		if m.m.ID == membershipID {
			c.members = append(c.members[:i], c.members[i+1:]...)
			c.c.LastUpdatedAt = s.clock()
			s.notify.memberLocked(c, membershipID, gw.ChangeDeleted)
			return nil
		}
	}
	return errNotFound("Membership " + quote(membershipID) + " was not found.")
}

// --- meetings ---

// meetingsByJoinURL returns the meetings the user organizes with this join
// URL (as /me/onlineMeetings?$filter=JoinWebUrl eq '…').
func (s *Service) meetingsByJoinURL(userID, joinURL string) ([]chat.OnlineMeeting, *opError) {
	return s.organizedMeetings(userID, func(m *Meeting) bool { return sameJoinURL(m.JoinURL, joinURL) })
}

// organizedMeetings returns, in id order, the meetings the user organizes
// that match.
func (s *Service) organizedMeetings(userID string, match func(*Meeting) bool) ([]chat.OnlineMeeting, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return nil, oe
	}
	var out []chat.OnlineMeeting
	for _, id := range sortedKeys(s.meetings) {
		m := s.meetings[id]
		if m.m.OrganizerID == u.ID && match(&m.m) {
			out = append(out, m.view())
		}
	}
	return out, nil
}

func (s *Service) meetingByID(userID, id string) (chat.OnlineMeeting, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.OnlineMeeting{}, oe
	}
	m := s.meetings[id]
	// GET /me/onlineMeetings/{meetingId} "accept[s] both the organizer's
	// and the invited attendee's user token"
	// (https://learn.microsoft.com/graph/api/onlinemeeting-get, "HTTP
	// request"). Anyone else is told the meeting is not there (the status
	// Graph gives them is not documented: a choice).
	if m == nil || (m.m.OrganizerID != u.ID && !invited(&m.m, u)) {
		return chat.OnlineMeeting{}, errNotFound("The online meeting was not found.")
	}
	return m.view(), nil
}

// invited reports whether u is among a meeting's attendees, named by
// object id or by user principal name.
func invited(m *Meeting, u *User) bool {
	for _, a := range m.Attendees {
		if strings.EqualFold(a, u.ID) || (u.UPN != "" && strings.EqualFold(a, u.UPN)) {
			return true
		}
	}
	return false
}

// sameJoinURL compares join links as Teams does in practice: the escapes of
// the thread id and the context are case-insensitive.
func sameJoinURL(a, b string) bool {
	return a == b || strings.EqualFold(a, b)
}

// --- messages ---

// rewriteHosted gives hosted contents their service ids and points the
// body's references at them.
func (s *Service) rewriteHostedLocked(base string, msg chat.NewMessage, body string) (string, []hostedState) {
	if len(msg.HostedContents) == 0 {
		return body, nil
	}
	hs := make([]hostedState, len(msg.HostedContents))
	for i, h := range msg.HostedContents {
		s.seq++
		id := base64.RawURLEncoding.EncodeToString([]byte("id=x_" + strconv.FormatInt(s.seq, 10) + ",type=1"))
		hs[i] = hostedState{id: id, contentType: h.ContentType, data: append([]byte(nil), h.Data...)}
		body = strings.ReplaceAll(body, chat.HostedContentRef(h.ID), base+"/hostedContents/"+id+"/$value")
	}
	return body, hs
}

// buildMessageLocked makes the stored form of a new message.
func (s *Service) buildMessageLocked(u *User, l *msgList, msgURL func(id string) string, msg chat.NewMessage, now time.Time) (*msgState, *opError) {
	msg.Mentions = cloneSlice(msg.Mentions)
	for i, mn := range msg.Mentions {
		mu := s.userLocked(mn.UserID)
		if mu == nil {
			return nil, errBadRequest("Mentioned user " + quote(mn.UserID) + " was not found.")
		}
		msg.Mentions[i].UserID = mu.ID
		if msg.Mentions[i].DisplayName == "" {
			msg.Mentions[i].DisplayName = mu.DisplayName
		}
	}
	num := l.nextID(now)
	id := strconv.FormatInt(num, 10)
	ct := msg.Body.ContentType
	if ct == "" {
		ct = chat.ContentText
	}
	imp := msg.Importance
	if imp == "" {
		imp = chat.ImportanceNormal
	}
	body, hosted := s.rewriteHostedLocked(msgURL(id), msg, msg.Body.Content)
	st := &msgState{num: num, hosted: hosted}
	st.m = chat.Message{
		ID:             id,
		From:           chat.Sender{UserID: u.ID, DisplayName: u.DisplayName, TenantID: u.TenantID},
		Body:           chat.Body{ContentType: ct, Content: body},
		Subject:        msg.Subject,
		CreatedAt:      now,
		LastModifiedAt: now,
		Mentions:       cloneSlice(msg.Mentions),
		Attachments:    cloneSlice(msg.Attachments),
		MessageType:    chat.MessageTypeMessage,
		Importance:     imp,
		ETag:           strconv.FormatInt(now.UnixMilli(), 10),
	}
	return st, nil
}

// sendMessage stores a message in a chat; it is the one path of SendMessage
// on both faces and of Post.
func (s *Service) sendMessage(userID, chatID string, msg chat.NewMessage) (chat.Message, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, c, _, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return chat.Message{}, oe
	}
	now := s.clock()
	st, oe := s.buildMessageLocked(u, c.msgs, func(id string) string { return DefaultBaseURL + "/chats/" + chatID + "/messages/" + id }, msg, now)
	if oe != nil {
		return chat.Message{}, oe
	}
	st.m.ChatID = chatID
	c.msgs.add(st)
	c.showAll() // a hidden chat shows again (manage.go)
	s.notify.chatMessageLocked(c, st, gw.ChangeCreated)
	return st.view(), nil
}

// visible reports whether a member may see a message (history sharing).
func visible(m *memberState, st *msgState) bool {
	from := m.m.VisibleHistoryStartAt
	return from.IsZero() || !st.m.CreatedAt.Before(from)
}

func (s *Service) listMessages(userID, chatID string, q listQuery) ([]chat.Message, *cursor, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, m, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return nil, nil, oe
	}
	var keep func(*msgState) bool
	if !m.m.VisibleHistoryStartAt.IsZero() {
		keep = func(st *msgState) bool { return visible(m, st) }
	}
	items, next := c.msgs.page(q, keep)
	return items, next, nil
}

// messageLocked finds a message of a chat the user may see.
func (s *Service) messageLocked(userID, chatID, messageID string) (*User, *chatState, *msgState, *opError) {
	u, c, m, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return nil, nil, nil, oe
	}
	st := c.msgs.byID[messageID]
	if st == nil || !visible(m, st) {
		return nil, nil, nil, errNotFound("Message " + quote(messageID) + " was not found.")
	}
	return u, c, st, nil
}

func (s *Service) getMessage(userID, chatID, messageID string) (chat.Message, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, st, oe := s.messageLocked(userID, chatID, messageID)
	if oe != nil {
		return chat.Message{}, oe
	}
	return st.view(), nil
}

// msgRef names a message of the service: a chat's, or a channel's
// top-level message or reply. Edits, soft deletes and reactions are the
// same operations on either ("in a channel or a chat", chatmessage-update,
// chatmessage-softdelete, chatmessage-setreaction): one code path, which
// msgRef points.
type msgRef = gw.MessageRef

var (
	chatMsg    = gw.ChatMessageRef
	channelMsg = gw.ChannelMessageRef
)

// refOf reads a msgRef from a route's params: {chat-id}/{message-id}, or
// {team-id}/{channel-id}/{message-id}[/{reply-id}].
func refOf(p params) msgRef {
	if p["chat-id"] != "" {
		return chatMsg(p["chat-id"], p["message-id"])
	}
	if p["reply-id"] != "" {
		return channelMsg(p["team-id"], p["channel-id"], p["reply-id"], p["message-id"])
	}
	return channelMsg(p["team-id"], p["channel-id"], p["message-id"], "")
}

// target is a message found for an operation, and what to do once it
// changed: move it in its listing's modification order and notify the
// subscriptions of its chat or channel.
type target struct {
	u       *User
	st      *msgState
	changed func(change string, now time.Time)
}

// targetLocked finds the message r names, of a chat the user is a member
// of (and may see, history sharing) or of a channel of a team the user is
// a member of: 404 for a missing one, 403 outside.
func (s *Service) targetLocked(userID string, r msgRef) (target, *opError) {
	if !r.Channel {
		u, c, st, oe := s.messageLocked(userID, r.ChatID, r.ID)
		if oe != nil {
			return target{}, oe
		}
		return target{u: u, st: st, changed: func(change string, now time.Time) {
			c.msgs.touch(st, now)
			s.notify.chatMessageLocked(c, st, change)
		}}, nil
	}
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return target{}, oe
	}
	ch, oe := s.channelLocked(u, r.TeamID, r.ChannelID)
	if oe != nil {
		return target{}, oe
	}
	list := ch.msgs
	if r.ReplyTo != "" {
		root := ch.msgs.byID[r.ReplyTo]
		if root == nil || root.replies == nil {
			return target{}, errNotFound("Message " + quote(r.ReplyTo) + " was not found.")
		}
		list = root.replies
	}
	st := list.byID[r.ID]
	if st == nil {
		return target{}, errNotFound("Message " + quote(r.ID) + " was not found.")
	}
	return target{u: u, st: st, changed: func(change string, now time.Time) {
		list.touch(st, now)
		s.notify.channelMessageLocked(ch, st, change)
	}}, nil
}

func (s *Service) editMessage(userID string, r msgRef, msg chat.NewMessage) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, oe := s.targetLocked(userID, r)
	if oe != nil {
		return oe
	}
	st := t.st
	if st.m.From.UserID != t.u.ID {
		return errForbidden("Only the sender of a message can edit it.")
	}
	if !st.m.DeletedAt.IsZero() {
		return errBadRequest("A deleted message cannot be edited.")
	}
	now := s.clock()
	tmp, oe := s.buildMessageLocked(t.u, newMsgList(), func(string) string { return DefaultBaseURL + escapePath(r.Segments()...) }, msg, now)
	if oe != nil {
		return oe
	}
	st.m.Body = tmp.m.Body
	st.m.Mentions = tmp.m.Mentions
	st.m.Attachments = tmp.m.Attachments
	if msg.Subject != "" {
		st.m.Subject = msg.Subject
	}
	if msg.Importance != "" {
		st.m.Importance = msg.Importance
	}
	st.hosted = append(st.hosted, tmp.hosted...)
	st.m.LastEditedAt = now
	t.changed(gw.ChangeUpdated, now)
	return nil
}

// softDelete deletes (undo false) or restores (undo true) a message; both
// are idempotent. Only the sender may: Graph does not say who else can
// (a team owner can delete others' channel messages in Teams, which the
// fake does not model: a choice).
func (s *Service) softDelete(userID string, r msgRef, undo bool) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, oe := s.targetLocked(userID, r)
	if oe != nil {
		return oe
	}
	st := t.st
	if st.m.From.UserID != t.u.ID {
		return errForbidden("Only the sender of a message can delete or restore it.")
	}
	if st.m.DeletedAt.IsZero() == undo {
		return nil
	}
	now := s.clock()
	change := gw.ChangeDeleted
	if undo {
		st.m.DeletedAt = time.Time{}
		change = gw.ChangeUpdated
	} else {
		st.m.DeletedAt = now
	}
	t.changed(change, now)
	return nil
}

func (s *Service) setReaction(userID string, r msgRef, reaction string, unset bool) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, oe := s.targetLocked(userID, r)
	if oe != nil {
		return oe
	}
	st := t.st
	if !st.m.DeletedAt.IsZero() {
		return errBadRequest("A deleted message cannot be reacted to.")
	}
	idx := -1
	for i, x := range st.m.Reactions {
		if x.UserID == t.u.ID && x.Type == reaction {
			idx = i
			break
		}
	}
	now := s.clock()
	switch {
	case unset && idx >= 0:
		st.m.Reactions = append(st.m.Reactions[:idx:idx], st.m.Reactions[idx+1:]...)
	case !unset && idx < 0:
		st.m.Reactions = append(st.m.Reactions, chat.Reaction{Type: reaction, UserID: t.u.ID, CreatedAt: now})
	default:
		return nil
	}
	t.changed(gw.ChangeUpdated, now)
	return nil
}

func (s *Service) hostedContents(userID, chatID, messageID string) ([]hostedState, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, st, oe := s.messageLocked(userID, chatID, messageID)
	if oe != nil {
		return nil, oe
	}
	return cloneSlice(st.hosted), nil
}

// --- channels ---

func (s *Service) channelLocked(u *User, teamID, channelID string) (*channelState, *opError) {
	t := s.teams[teamID]
	if t == nil {
		return nil, errNotFound("Team " + quote(teamID) + " was not found.")
	}
	if !t.members[u.ID] {
		return nil, errForbidden("Forbidden: the signed-in user is not a member of the team.")
	}
	ch := t.channels[channelID]
	if ch == nil {
		return nil, errNotFound("Channel " + quote(channelID) + " was not found.")
	}
	return ch, nil
}

// sendChannelMessage posts a top-level message (replyTo "") or a reply.
func (s *Service) sendChannelMessage(userID, teamID, channelID, replyTo string, msg chat.NewMessage) (chat.Message, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.Message{}, oe
	}
	ch, oe := s.channelLocked(u, teamID, channelID)
	if oe != nil {
		return chat.Message{}, oe
	}
	list := ch.msgs
	base := DefaultBaseURL + "/teams/" + teamID + "/channels/" + channelID
	var root *msgState
	if replyTo != "" {
		root = ch.msgs.byID[replyTo]
		if root == nil {
			return chat.Message{}, errNotFound("Message " + quote(replyTo) + " was not found.")
		}
		if !root.m.DeletedAt.IsZero() {
			return chat.Message{}, errBadRequest("A deleted message cannot be replied to.")
		}
		if root.replies == nil {
			root.replies = newMsgList()
		}
		list = root.replies
		base += "/messages/" + replyTo + "/replies/"
	} else {
		base += "/messages/"
	}
	now := s.clock()
	// The ids come from the channel's one sequence, replies' too: a reply
	// is addressed by its own id (chatmessage-get's …/replies/{reply-id})
	// and Teams gives it a creation-time id of its own; two messages of a
	// channel never share one.
	st, oe := s.buildMessageLocked(u, ch.msgs, func(id string) string { return base + id }, msg, now)
	if oe != nil {
		return chat.Message{}, oe
	}
	st.m.TeamID, st.m.ChannelID, st.m.ReplyToID = teamID, channelID, replyTo
	if replyTo == "" {
		st.m.WebURL = "https://teams.microsoft.com/l/message/" + channelID + "/" + st.m.ID + "?groupId=" + teamID + "&tenantId=" + u.TenantID
	} else {
		st.m.WebURL = "https://teams.microsoft.com/l/message/" + channelID + "/" + st.m.ID + "?groupId=" + teamID + "&tenantId=" + u.TenantID + "&parentMessageId=" + replyTo
	}
	list.add(st)
	if root != nil {
		ch.msgs.touch(root, now)
	}
	s.notify.channelMessageLocked(ch, st, gw.ChangeCreated)
	return st.view(), nil
}

// listChannelMessages lists a channel's top-level messages (replyTo "") or
// the replies to replyTo. With q.expandReplies each top-level message
// carries its replies, newest first as ListReplies lists them: at most
// chat.MaxInlineReplies, the rest behind a replies@odata.nextLink under base
// (channel-list-messages: "By default, a response can include up to 200
// replies. … use the request URL returned in replies@odata.nextLink"; the
// current page says 200, older copies 1,000: the current one is followed).
func (s *Service) listChannelMessages(userID, teamID, channelID, replyTo string, q listQuery, base string) ([]chat.Message, *cursor, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, oe := s.signedInLocked(userID)
	if oe != nil {
		return nil, nil, oe
	}
	ch, oe := s.channelLocked(u, teamID, channelID)
	if oe != nil {
		return nil, nil, oe
	}
	list := ch.msgs
	if replyTo != "" {
		root := ch.msgs.byID[replyTo]
		if root == nil {
			return nil, nil, errNotFound("Message " + quote(replyTo) + " was not found.")
		}
		if root.replies == nil {
			return []chat.Message{}, nil, nil
		}
		list = root.replies
	}
	items, next := list.page(q, nil)
	if q.expandReplies {
		for i := range items {
			root := ch.msgs.byID[items[i].ID]
			items[i].Replies = []chat.Message{}
			if root == nil || root.replies == nil {
				continue
			}
			replies, more := root.replies.page(listQuery{top: chat.MaxInlineReplies, order: orderCreated}, nil)
			items[i].Replies = replies
			items[i].RepliesNextLink = nextLink(base, escapePath("teams", teamID, "channels", channelID, "messages", root.m.ID, "replies"), url.Values{}, more)
		}
	}
	return items, next, nil
}

func (s *Service) getChannelMessage(userID string, r msgRef) (chat.Message, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, oe := s.targetLocked(userID, r)
	if oe != nil {
		return chat.Message{}, oe
	}
	return t.st.view(), nil
}
