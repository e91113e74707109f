package main

// The control API's chats and messages, and the whole state at once.

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// --- chats ---

type chatView struct {
	ID           string        `json:"id"`
	Type         string        `json:"type"`
	Topic        string        `json:"topic,omitempty"`
	TenantID     string        `json:"tenantId"`
	CreatedAt    time.Time     `json:"createdAt"`
	Members      []partyView   `json:"members"`
	MessageCount int           `json:"messageCount"`
	Messages     []messageView `json:"messages,omitempty"`
}

type messageView struct {
	ID          string    `json:"id"`
	From        partyView `json:"from"`
	ContentType string    `json:"contentType"`
	Content     string    `json:"content"`
	CreatedAt   time.Time `json:"createdAt"`
	Edited      bool      `json:"edited,omitempty"`
	Deleted     bool      `json:"deleted,omitempty"`
}

func messageViews(ms []chat.Message) []messageView {
	out := make([]messageView, 0, len(ms))
	for _, m := range ms {
		ct := string(m.Body.ContentType)
		if ct == "" {
			ct = string(chat.ContentText)
		}
		out = append(out, messageView{ID: m.ID, From: partyView{ID: m.From.UserID, Name: m.From.DisplayName},
			ContentType: ct, Content: m.Body.Content, CreatedAt: m.CreatedAt,
			Edited: !m.LastEditedAt.IsZero(), Deleted: !m.DeletedAt.IsZero()})
	}
	return out
}

// chatViews returns every chat, with its last lastMessages messages.
func (em *emulator) chatViews(lastMessages int) []chatView {
	out := []chatView{}
	for _, c := range em.graph.Chats() {
		v := chatView{ID: c.ID, Type: string(c.Type), Topic: c.Topic, TenantID: c.TenantID, CreatedAt: c.CreatedAt, Members: []partyView{}}
		for _, m := range c.Members {
			v.Members = append(v.Members, partyView{ID: m.UserID, Name: m.DisplayName})
		}
		ms := em.graph.Messages(c.ID)
		v.MessageCount = len(ms)
		if lastMessages > 0 {
			v.Messages = messageViews(ms[max(0, len(ms)-lastMessages):])
		}
		out = append(out, v)
	}
	return out
}

func (em *emulator) handleChats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"chats": em.chatViews(0)})
}

func (em *emulator) handleMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !slices.ContainsFunc(em.graph.Chats(), func(c chat.Chat) bool { return c.ID == id }) {
		apiError(w, http.StatusNotFound, "NotFound", "no chat "+id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": messageViews(em.graph.Messages(id))})
}

// handlePost makes a user post a message to a chat, as from their Teams
// client: the other side of a conversation.
func (em *emulator) handlePost(w http.ResponseWriter, r *http.Request) {
	var req struct {
		From        string `json:"from"`
		Content     string `json:"content"`
		ContentType string `json:"contentType"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	u, ok := em.findUser(req.From)
	if !ok {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "from: no user "+req.From)
		return
	}
	ct := chat.ContentType(cmp.Or(req.ContentType, string(chat.ContentText)))
	m, err := em.graph.PostMessage(u.ObjectID, r.PathValue("id"), chat.NewMessage{Body: chat.Body{ContentType: ct, Content: req.Content}})
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, messageViews([]chat.Message{m})[0])
}

// --- everything at once ---

// stateView is everything the emulator holds, for the dashboard and for
// tests that look at it all.
type stateView struct {
	Clock         clockView      `json:"clock"`
	Tenants       []tenantView   `json:"tenants"`
	PhoneNumbers  []string       `json:"phoneNumbers"`
	Parties       []scriptView   `json:"parties"`
	EventGridURL  string         `json:"eventGridUrl,omitempty"`
	Chats         []chatView     `json:"chats"`
	Calls         []callView     `json:"calls"`
	IncomingCalls []incomingView `json:"incomingCalls"`
	Requests      []requestView  `json:"requests"`
	Faults        faultsView     `json:"faults"`
}

// scriptView is a party other than a user that a test scripted.
type scriptView struct {
	partyView
	Script string `json:"script"`
}

// handleState answers the whole state: ?messages=N messages per chat
// (default 20), ?requests=N requests (default 200).
func (em *emulator) handleState(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	count := func(k string, def int) (int, bool) {
		s := q.Get(k)
		if s == "" {
			return def, true
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			apiError(w, http.StatusBadRequest, "InvalidRequest", k+" is a count")
			return 0, false
		}
		return n, true
	}
	nm, ok := count("messages", 20)
	if !ok {
		return
	}
	nr, ok := count("requests", 200)
	if !ok {
		return
	}
	reqs, _ := em.requests(map[string][]string{"limit": {strconv.Itoa(nr)}})
	v := stateView{Clock: em.clockView(0), Tenants: em.tenantViews(), PhoneNumbers: em.sb.CallerIDs(),
		Parties: []scriptView{}, EventGridURL: em.eventGridURL(""), Chats: em.chatViews(nm), Calls: em.callViews(),
		IncomingCalls: em.incomingViews(), Requests: reqs, Faults: faultsView{Applied: map[string]int{}}}
	for name := range ops {
		v.Faults.Applied[name] = em.service(name).FaultsApplied()
	}
	em.mu.Lock()
	var parties []scripted
	for _, s := range em.scripts {
		parties = append(parties, s)
	}
	em.mu.Unlock()
	slices.SortFunc(parties, func(a, b scripted) int { return strings.Compare(a.id.RawID(), b.id.RawID()) })
	for _, s := range parties {
		v.Parties = append(v.Parties, scriptView{partyView: em.partyView(s.id), Script: s.script.String()})
	}
	if v.Requests == nil {
		v.Requests = []requestView{}
	}
	writeJSON(w, http.StatusOK, v)
}
