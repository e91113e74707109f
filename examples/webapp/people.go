package main

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// upnRE is an email address or user principal name.
var upnRE = regexp.MustCompile(`^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// People: the user's colleagues are the members of their chats and the
// people they added from the people picker, which finds a user of their
// tenant by email address (user principal name) or object id — the SDK
// reads one user's profile (GET /users/{id}); it has no directory search.

type presenceView struct {
	Availability string `json:"availability"`
	Activity     string `json:"activity"`
}

type personView struct {
	person
	Username string        `json:"username,omitempty"`
	JobTitle string        `json:"jobTitle,omitempty"`
	Presence *presenceView `json:"presence,omitempty"`
}

func presenceOf(p chat.Presence) *presenceView {
	return &presenceView{Availability: string(p.Availability), Activity: string(p.Activity)}
}

// maxAdded bounds the people a user adds from the picker (a choice).
const maxAdded = 200

// addedPeople are the people each user added from the picker, in memory.
type addedPeople struct {
	mu sync.Mutex
	by map[string]map[string]string // user key → id → name
}

func (p *addedPeople) add(key, id, name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = make(map[string]map[string]string)
	}
	m := p.by[key]
	if m == nil {
		if len(p.by) >= maxSessions {
			// As many users as sessions have added people: one's list
			// goes (a choice; sessions are bounded the same way).
			for k := range p.by {
				delete(p.by, k)
				break
			}
		}
		m = make(map[string]string)
		p.by[key] = m
	}
	if _, ok := m[id]; !ok && len(m) >= maxAdded {
		return false
	}
	m[id] = name
	return true
}

func (p *addedPeople) of(key string) map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]string, len(p.by[key]))
	for k, v := range p.by[key] {
		out[k] = v
	}
	return out
}

// colleaguesOf are the members of chats and the added people, without
// the user, by id.
func colleaguesOf(chats []chat.Chat, added map[string]string, me string) map[string]string {
	out := make(map[string]string)
	for _, c := range chats {
		for _, m := range c.Members {
			if m.UserID != "" && !strings.EqualFold(m.UserID, me) {
				out[strings.ToLower(m.UserID)] = m.DisplayName
			}
		}
	}
	for id, name := range added {
		out[id] = name
	}
	return out
}

// colleagues lists the user's colleagues with their presence, by name.
func (a *app) colleagues(ctx context.Context, u *teamsuser.User, key string) ([]personView, error) {
	chats, err := listChats(ctx, u)
	if err != nil {
		return nil, err
	}
	byID := colleaguesOf(chats, a.feeds.added.of(key), u.ID().UserID)
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]personView, 0, len(ids))
	presences := map[string]chat.Presence{}
	if len(ids) > 0 {
		ps, err := u.Presences(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			presences[strings.ToLower(p.UserID)] = p
		}
	}
	for _, id := range ids {
		v := personView{person: person{ID: id, Name: byID[id]}}
		if p, ok := presences[id]; ok {
			v.Presence = presenceOf(p)
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

func (a *app) servePeople(w http.ResponseWriter, r *http.Request, s *session) {
	a.withUser(w, r, s, func(u *teamsuser.User) {
		people, err := a.colleagues(r.Context(), u, s.userKey())
		if err != nil {
			a.writeServiceError(w, "listing your colleagues", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"people": people})
	})
}

// serveSearchPeople finds a user of the tenant by email address (user
// principal name) or object id: ?q=megan.bowen@fabrikam.com.
func (a *app) serveSearchPeople(w http.ResponseWriter, r *http.Request, s *session) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 256 || (!uuid.IsGUID(q) && !upnRE.MatchString(q)) {
		writeError(w, http.StatusBadRequest, "bad_request", "search by email address (name@domain) or object id")
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		res, err := u.Chat().GetUser(r.Context(), q, nil)
		if chat.IsNotFound(err) {
			writeJSON(w, http.StatusOK, map[string]any{"people": []personView{}})
			return
		}
		if err != nil {
			a.writeServiceError(w, "finding the person", err)
			return
		}
		p := res.User
		writeJSON(w, http.StatusOK, map[string]any{"people": []personView{{person: person{ID: strings.ToLower(p.ID), Name: p.DisplayName}, Username: p.UserPrincipalName, JobTitle: p.JobTitle}}})
	})
}

type addPersonRequest struct {
	UserID string `json:"userId"`
}

// serveAddPerson adds a user found by the picker to the colleagues, whose
// presence the live feed then follows.
func (a *app) serveAddPerson(w http.ResponseWriter, r *http.Request, s *session) {
	var req addPersonRequest
	if !readJSON(w, r, &req) {
		return
	}
	if !uuid.IsGUID(req.UserID) {
		writeError(w, http.StatusBadRequest, "bad_request", "userId is the person's object id (a GUID)")
		return
	}
	a.withUser(w, r, s, func(u *teamsuser.User) {
		res, err := u.Chat().GetUser(r.Context(), req.UserID, nil)
		if err != nil {
			a.writeServiceError(w, "finding the person", err)
			return
		}
		id := strings.ToLower(res.User.ID)
		if strings.EqualFold(id, u.ID().UserID) {
			writeError(w, http.StatusBadRequest, "bad_request", "you are not your own colleague")
			return
		}
		if !a.feeds.added.add(s.userKey(), id, res.User.DisplayName) {
			writeError(w, http.StatusConflict, "too_many", "you have added as many people as the app keeps")
			return
		}
		a.feeds.peopleChanged(s.userKey())
		writeJSON(w, http.StatusOK, personView{person: person{ID: id, Name: res.User.DisplayName}, Username: res.User.UserPrincipalName})
	})
}
