package main

import (
	"context"
	"errors"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// The JSON API of the page. Every answer is built from plain values the
// page renders as text (never as HTML): a message's body is reduced to
// text and mentions here.

// user is the session's Teams user, acting on behalf of the user's token.
func (a *app) user(ctx context.Context, s *session) (*teamsuser.User, error) {
	c, token, _ := s.tokens()
	return a.users.Get(ctx, c, token)
}

// withUser runs h with the session's user, answering for a failure.
func (a *app) withUser(w http.ResponseWriter, r *http.Request, s *session, h func(u *teamsuser.User)) {
	u, err := a.user(r.Context(), s)
	if err != nil {
		a.writeServiceError(w, "acting as you", err)
		return
	}
	h(u)
}

type meView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Username  string `json:"username"`
	TenantID  string `json:"tenantId"`
	CSRFToken string `json:"csrfToken"`
	Offline   bool   `json:"offline"`
	// ServerCalls says whether the call button rings through Call
	// Automation (offline, or with a public URL and the resource id).
	ServerCalls bool `json:"serverCalls"`
	// CallingSDK says whether the page has ACS's web calling SDK.
	CallingSDK bool   `json:"callingSdk"`
	Live       string `json:"live"` // notify or poll
}

func (a *app) serveMe(w http.ResponseWriter, r *http.Request, s *session) {
	c, _, _ := s.tokens()
	writeJSON(w, http.StatusOK, meView{
		ID: c.ObjectID, Name: c.Name, Username: c.Username, TenantID: c.TenantID, CSRFToken: s.csrf,
		Offline: a.cfg.offline, ServerCalls: a.calls.available(), CallingSDK: a.cfg.callingSDK != "", Live: a.cfg.live,
	})
}

// person is a user as the page shows them.
type person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type previewView struct {
	From    person    `json:"from"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
	Deleted bool      `json:"deleted,omitempty"`
}

type chatView struct {
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	Title        string       `json:"title"`
	Members      []person     `json:"members"`
	Preview      *previewView `json:"preview,omitempty"`
	LastActivity time.Time    `json:"lastActivity"`
	// Unread counts the messages the user has not read (Graph's read
	// state: chat.CountUnread), at most chat.DefaultMaxUnread; UnreadMore
	// tells there are more.
	Unread     int  `json:"unread"`
	UnreadMore bool `json:"unreadMore,omitempty"`
}

// chatViewOf is how the page shows a chat to the user me.
func chatViewOf(c chat.Chat, me string) chatView {
	v := chatView{ID: c.ID, Type: string(c.Type), Title: c.Topic, LastActivity: c.LastUpdatedAt, Members: []person{}}
	var others []string
	for _, m := range c.Members {
		v.Members = append(v.Members, person{ID: m.UserID, Name: m.DisplayName})
		if !strings.EqualFold(m.UserID, me) {
			others = append(others, m.DisplayName)
		}
	}
	if v.Title == "" {
		v.Title = strings.Join(others, ", ")
	}
	if v.Title == "" {
		v.Title = "Chat"
	}
	if p := c.LastMessagePreview; p != nil {
		v.Preview = &previewView{From: person{ID: p.From.UserID, Name: p.From.DisplayName}, Text: plainText(p.Body), At: p.CreatedAt, Deleted: p.IsDeleted}
		if p.CreatedAt.After(v.LastActivity) {
			v.LastActivity = p.CreatedAt
		}
	}
	return v
}

// maxChats is how many chats the list shows and the live feed follows:
// one page, the most recently active first.
const maxChats = chat.MaxPageSize

// listChats is the user's chats, the most recently active first, with
// their members and last message.
func listChats(ctx context.Context, u *teamsuser.User) ([]chat.Chat, error) {
	page, err := u.Chat().ListChatsPage(ctx, &chat.ListChatsOptions{
		ExpandMembers: true, ExpandLastMessagePreview: true, OrderByLastMessage: true, Top: maxChats,
	})
	return page.Chats, err
}

func (a *app) serveChats(w http.ResponseWriter, r *http.Request, s *session) {
	a.withUser(w, r, s, func(u *teamsuser.User) {
		chats, err := listChats(r.Context(), u)
		if err != nil {
			a.writeServiceError(w, "listing your chats", err)
			return
		}
		me := u.ID().UserID
		out := make([]chatView, 0, len(chats))
		for _, c := range chats {
			v := chatViewOf(c, me)
			// Only a chat whose last message is unread costs a request
			// (CountUnread reads back to the first read message).
			if c.HasUnread(me) {
				n, err := chat.CountUnread(r.Context(), u.Chat(), c, &chat.CountUnreadOptions{UserID: me})
				if err != nil {
					a.writeServiceError(w, "counting the unread messages", err)
					return
				}
				v.Unread, v.UnreadMore = n.Count, n.More
			}
			out = append(out, v)
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].LastActivity.After(out[j].LastActivity) })
		writeJSON(w, http.StatusOK, map[string]any{"chats": out})
	})
}

// part is a piece of a message: text, or a mention of a user.
type part struct {
	Text    string `json:"text"`
	Mention string `json:"mention,omitempty"` // the mentioned user's id
}

type messageView struct {
	ID      string    `json:"id"`
	ChatID  string    `json:"chatId"`
	From    person    `json:"from"`
	At      time.Time `json:"at"`
	Parts   []part    `json:"parts"`
	Deleted bool      `json:"deleted,omitempty"`
	Edited  bool      `json:"edited,omitempty"`
	System  bool      `json:"system,omitempty"`
}

func messageViewOf(m chat.Message) messageView {
	v := messageView{
		ID: m.ID, ChatID: m.ChatID, From: person{ID: m.From.UserID, Name: m.From.DisplayName}, At: m.CreatedAt,
		Deleted: m.Deleted(), Edited: !m.LastEditedAt.IsZero(), System: m.MessageType != "" && m.MessageType != chat.MessageTypeMessage,
	}
	if v.From.Name == "" {
		v.From.Name = m.From.ApplicationName
	}
	switch {
	case v.Deleted:
		v.Parts = []part{{Text: "This message was deleted."}}
	default:
		v.Parts = messageParts(m)
	}
	return v
}

var (
	atTag    = regexp.MustCompile(`(?is)<at\s+id="(\d+)"\s*>(.*?)</at>`)
	breakTag = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>`)
	anyTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// htmlText reduces an HTML fragment to its text.
func htmlText(s string) string {
	s = breakTag.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	return strings.TrimSpace(html.UnescapeString(s))
}

// plainText is a body as text.
func plainText(b chat.Body) string {
	if b.ContentType == chat.ContentHTML {
		return htmlText(b.Content)
	}
	return b.Content
}

// messageParts splits a message's body into text and its mentions.
func messageParts(m chat.Message) []part {
	if m.Body.ContentType != chat.ContentHTML {
		return []part{{Text: m.Body.Content}}
	}
	byID := make(map[int]chat.Mention, len(m.Mentions))
	for _, mn := range m.Mentions {
		byID[mn.ID] = mn
	}
	var parts []part
	body := m.Body.Content
	for _, loc := range atTag.FindAllStringSubmatchIndex(body, -1) {
		if t := htmlText(body[:loc[0]]); t != "" || len(parts) > 0 {
			parts = append(parts, part{Text: keepSpace(body[:loc[0]], t)})
		}
		id, _ := strconv.Atoi(body[loc[2]:loc[3]])
		text := htmlText(body[loc[4]:loc[5]])
		parts = append(parts, part{Text: text, Mention: byID[id].UserID})
		body = body[loc[1]:]
	}
	if t := htmlText(body); t != "" {
		parts = append(parts, part{Text: keepSpace(body, t)})
	}
	if len(parts) == 0 {
		parts = []part{{Text: ""}}
	}
	return parts
}

// keepSpace puts back the spaces around text that trimming took from the
// fragment it came from, so that mentions and words stay apart.
func keepSpace(fragment, text string) string {
	if text == "" {
		return " "
	}
	// Any space htmlText trimmed (strings.TrimSpace: a tab, a newline, a
	// vertical tab…) keeps the words apart, as one space.
	f := html.UnescapeString(anyTag.ReplaceAllString(fragment, ""))
	if r, _ := utf8.DecodeRuneInString(f); unicode.IsSpace(r) {
		text = " " + text
	}
	if r, _ := utf8.DecodeLastRuneInString(f); unicode.IsSpace(r) {
		text += " "
	}
	return text
}

// chatIDOf checks the {chat} of the path.
func chatIDOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("chat")
	if _, err := chat.ParseChatID(id); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "not a chat id: "+err.Error())
		return "", false
	}
	return id, true
}

// messagesPage is how many messages a page of a chat holds by default.
const messagesPage = 30

// serveMessages answers a chat's messages, oldest first, a page at a
// time back from the newest: the answer's "older" cursor (kept in the
// session, naming Graph's next link) reads the page before it, with
// ?older=<cursor>.
func (a *app) serveMessages(w http.ResponseWriter, r *http.Request, s *session) {
	chatID, ok := chatIDOf(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	opts := &chat.ListMessagesOptions{OrderBy: chat.OrderByCreated, Top: messagesPage}
	if t := q.Get("top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > chat.MaxPageSize {
			writeError(w, http.StatusBadRequest, "bad_request", "top is 1 to "+strconv.Itoa(chat.MaxPageSize))
			return
		}
		opts.Top = n
	}
	if c := q.Get("older"); c != "" {
		link, ok := s.cursor(c, chatID)
		if !ok {
			writeError(w, http.StatusBadRequest, "bad_request", "older is not a cursor of this chat from this session (open the chat again)")
			return
		}
		opts = &chat.ListMessagesOptions{NextLink: link}
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		page, err := u.Chat().ListMessagesPage(r.Context(), chatID, opts)
		if err != nil {
			a.writeServiceError(w, "reading the chat", err)
			return
		}
		out := make([]messageView, 0, len(page.Messages))
		for i := len(page.Messages) - 1; i >= 0; i-- { // oldest first, as a chat reads
			m := page.Messages[i]
			if m.ChatID == "" {
				m.ChatID = chatID
			}
			out = append(out, messageViewOf(m))
		}
		ans := map[string]any{"messages": out}
		if page.NextLink != "" {
			ans["older"] = s.keepCursor(chatID, page.NextLink)
		}
		writeJSON(w, http.StatusOK, ans)
	})
}

// serveMarkRead marks a chat read for the user (Graph's
// markChatReadForUser), as the page does when the user opens it or reads
// a new message in it.
func (a *app) serveMarkRead(w http.ResponseWriter, r *http.Request, s *session) {
	chatID, ok := chatIDOf(w, r)
	if !ok {
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		if _, err := u.Chat().MarkChatRead(r.Context(), chatID, nil); err != nil {
			a.writeServiceError(w, "marking the chat read", err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// sendRequest is what the page sends: text, in which each mention's
// "@<name>" appears in order.
type sendRequest struct {
	Text     string `json:"text"`
	Mentions []struct {
		UserID string `json:"userId"`
		Name   string `json:"name"`
	} `json:"mentions"`
}

// maxMentions bounds the mentions of a message (a choice; Teams allows
// many, a person types few).
const maxMentions = 20

// newMessage builds the message to send: text as is, or with mentions an
// HTML body with each "@name" replaced by its <at> tag.
func (req sendRequest) newMessage() (chat.NewMessage, error) {
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		return chat.NewMessage{}, errors.New("the message is empty")
	case !utf8.ValidString(text):
		return chat.NewMessage{}, errors.New("the message is not UTF-8")
	case len(req.Mentions) > maxMentions:
		return chat.NewMessage{}, errors.New("a message mentions at most " + strconv.Itoa(maxMentions) + " people")
	}
	if len(req.Mentions) == 0 {
		return chat.TextMessage(text), nil
	}
	var b strings.Builder
	msg := chat.NewMessage{}
	rest := text
	for i, m := range req.Mentions {
		name := strings.TrimSpace(m.Name)
		if m.UserID == "" || name == "" {
			return chat.NewMessage{}, errors.New("each mention needs a userId and a name")
		}
		at := strings.Index(rest, "@"+name)
		if at < 0 {
			return chat.NewMessage{}, errors.New("the text has no @" + name + " for its mention (mentions come in the order of the text)")
		}
		b.WriteString(textHTML(rest[:at]))
		mn := chat.Mention{ID: i, Text: name, UserID: m.UserID, DisplayName: name}
		b.WriteString(chat.MentionTag(mn))
		msg.Mentions = append(msg.Mentions, mn)
		rest = rest[at+1+len(name):]
	}
	b.WriteString(textHTML(rest))
	msg.Body = chat.Body{ContentType: chat.ContentHTML, Content: b.String()}
	return msg, nil
}

// textHTML is text as an HTML fragment (escaped, line breaks kept).
func textHTML(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}

func (a *app) serveSend(w http.ResponseWriter, r *http.Request, s *session) {
	chatID, ok := chatIDOf(w, r)
	if !ok {
		return
	}
	var req sendRequest
	if !readJSON(w, r, &req) {
		return
	}
	msg, err := req.newMessage()
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	if err := msg.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		res, err := u.Chat().SendMessage(r.Context(), chatID, msg, nil)
		if err != nil {
			a.writeServiceError(w, "sending the message", err)
			return
		}
		m := res.Message
		if m.ChatID == "" {
			m.ChatID = chatID
		}
		if a.sent != nil {
			a.sent(chatID, u.ID().UserID, plainText(msg.Body))
		}
		writeJSON(w, http.StatusCreated, messageViewOf(m))
	})
}

type createChatRequest struct {
	Members []string `json:"members"`
	Topic   string   `json:"topic"`
}

// maxGroupMembers bounds a group chat started from the page (a choice;
// Graph allows 250 members).
const maxGroupMembers = 50

func (a *app) serveCreateChat(w http.ResponseWriter, r *http.Request, s *session) {
	var req createChatRequest
	if !readJSON(w, r, &req) {
		return
	}
	req.Topic = strings.TrimSpace(req.Topic)
	c, _, _ := s.tokens()
	me := strings.ToLower(c.ObjectID)
	seen := make(map[string]bool)
	var members []string
	for _, m := range req.Members {
		m = strings.ToLower(strings.TrimSpace(m))
		if !uuid.IsGUID(m) {
			writeError(w, http.StatusBadRequest, "bad_request", "members are the users' object ids (GUIDs)")
			return
		}
		if !seen[m] && m != me {
			seen[m] = true
			members = append(members, m)
		}
	}
	switch {
	case len(members) == 0:
		writeError(w, http.StatusBadRequest, "bad_request", "name at least one other member")
		return
	case len(members) > maxGroupMembers:
		writeError(w, http.StatusBadRequest, "bad_request", "a chat started here has at most "+strconv.Itoa(maxGroupMembers)+" other members")
		return
	case utf8.RuneCountInString(req.Topic) > 250:
		writeError(w, http.StatusBadRequest, "bad_request", "the topic is at most 250 characters")
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		var c chat.Chat
		if len(members) == 1 && req.Topic == "" {
			res, err := u.Chat().CreateOneOnOneChat(r.Context(), members[0], nil)
			if err != nil {
				a.writeServiceError(w, "starting the chat", err)
				return
			}
			c = res.Chat
		} else {
			res, err := u.Chat().CreateGroupChat(r.Context(), req.Topic, members, nil)
			if err != nil {
				a.writeServiceError(w, "starting the group chat", err)
				return
			}
			c = res.Chat
		}
		if len(c.Members) == 0 {
			// POST /chats may answer without the members (chat-post's
			// example does): read them.
			if got, err := u.Chat().GetChat(r.Context(), c.ID, &chat.GetChatOptions{ExpandMembers: true}); err == nil {
				c = got.Chat
			}
		}
		a.feeds.watchChat(s.userKey(), c.ID)
		writeJSON(w, http.StatusOK, chatViewOf(c, u.ID().UserID))
	})
}

type findMeetingRequest struct {
	JoinURL   string `json:"joinUrl"`
	MeetingID string `json:"meetingId"`
	Passcode  string `json:"passcode"`
}

type meetingView struct {
	Subject string `json:"subject"`
	ChatID  string `json:"chatId"`
	// Locator is what the calling SDK joins with (it may hold the
	// passcode: it goes to the user's own browser only).
	Locator any `json:"locator"`
}

func (a *app) serveFindMeeting(w http.ResponseWriter, r *http.Request, s *session) {
	var req findMeetingRequest
	if !readJSON(w, r, &req) {
		return
	}
	if (req.JoinURL == "") == (req.MeetingID == "") {
		writeError(w, http.StatusBadRequest, "bad_request", "give a meeting's joinUrl, or its meetingId and passcode")
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		var (
			m   teamsuser.Meeting
			err error
		)
		if req.JoinURL != "" {
			m, err = u.FindMeeting(r.Context(), strings.TrimSpace(req.JoinURL))
		} else {
			m, err = u.FindMeetingByID(r.Context(), req.MeetingID, req.Passcode)
		}
		if err != nil && (m.ChatID == "" || !errors.Is(err, teamsuser.ErrMeetingNotFound)) {
			a.writeServiceError(w, "finding the meeting", err)
			return
		}
		if m.ChatID != "" {
			a.feeds.watchChat(s.userKey(), m.ChatID)
		}
		writeJSON(w, http.StatusOK, meetingView{Subject: m.Meeting.Subject, ChatID: m.ChatID, Locator: m.ClientLocator()})
	})
}

// serveACSToken is the token service for the browser's calling client:
// the session's user token goes in as the caller's bearer token (the
// browser never holds it), and the ACS token, exchanged on behalf of the
// user, comes back as the token service answers it.
func (a *app) serveACSToken(w http.ResponseWriter, r *http.Request, s *session) {
	_, token, _ := s.tokens()
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, r.URL.String(), http.NoBody)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot make the token request")
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	a.tokens.ServeHTTP(w, req)
}
