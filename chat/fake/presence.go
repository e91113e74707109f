package fake

import (
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// ApplicationID is the application (client) id of the tokens TokenFor
// mints and of the Go face's calls: the id of the application's presence
// session. Pass it as chat.ClientOptions.ApplicationID.
const ApplicationID = "5e4f0b2c-8d1a-4c3e-9f6a-2b7d1e0c9a31"

// How presence is aggregated, as
// https://learn.microsoft.com/graph/cloud-communications-manage-presence-state
// describes it ("Presence sessions", "Timeout, expiration, and keep
// alive"), with presence-setpresence, presence-clearpresence and
// presence-setuserpreferredpresence:
//
//   - a user has presence sessions: the Teams client's (what SetPresence,
//     the test control, sets) and one per application (setPresence, named
//     by the application's id), each with its own state;
//   - with no session the user is Offline/Offline, whatever they prefer
//     ("Preferred presence takes effect only when at least one presence
//     session exists for the user. Otherwise, the user's presence shows as
//     Offline");
//   - the preferred presence, while it lasts, overrides the sessions
//     ("User-preferred state > session-level states");
//   - otherwise the sessions' states are ranked "DoNotDisturb > Busy >
//     Available > Away"; the other availabilities a Teams client reports
//     are ranked by the fake (a choice): BusyIdle after Busy,
//     AvailableIdle after Available, BeRightBack before Away;
//   - an application's session ends after its expirationDuration (default
//     5 minutes); an Available one not set again "times out" after 5
//     minutes to Available/AvailableInactive and after 5 more to Away/Away
//     (the page's words; Graph's enums name the first AvailableIdle with
//     activity Inactive, which the fake answers);
//   - a preferred presence ends after its expirationDuration, by default a
//     day for Busy and DoNotDisturb and seven days for the others; a
//     status message at its expiryDateTime.
const (
	presenceTimeout   = 5 * time.Minute
	preferredShortTTL = 24 * time.Hour
	preferredLongTTL  = 7 * 24 * time.Hour
)

var availabilityRank = map[chat.Availability]int{
	chat.AvailabilityDoNotDisturb:  7,
	chat.AvailabilityBusy:          6,
	chat.AvailabilityBusyIdle:      5,
	chat.AvailabilityAvailable:     4,
	chat.AvailabilityAvailableIdle: 3,
	chat.AvailabilityBeRightBack:   2,
	chat.AvailabilityAway:          1,
}

type presenceState struct {
	client    *sessionState            // the Teams client's session (SetPresence); nil when signed out
	sessions  map[string]*sessionState // applications' sessions by session id
	preferred *sessionState            // the preferred presence, expires set
	status    string
	statusExp time.Time // zero: never
	oof       bool
	notified  stateKey // the aggregated state last notified (or first seen)
}

type sessionState struct {
	availability chat.Availability
	activity     chat.Activity
	setAt        time.Time
	expires      time.Time // zero: never
}

type stateKey struct {
	availability chat.Availability
	activity     chat.Activity
}

// stateAt is the session's state at now, after its timeouts; ok is false
// once it has expired.
func (ss *sessionState) stateAt(now time.Time, app bool) (stateKey, bool) {
	if !ss.expires.IsZero() && !now.Before(ss.expires) {
		return stateKey{}, false
	}
	k := stateKey{ss.availability, ss.activity}
	if app && ss.availability == chat.AvailabilityAvailable {
		switch idle := now.Sub(ss.setAt); {
		case idle >= 2*presenceTimeout:
			k = stateKey{chat.AvailabilityAway, chat.ActivityAway}
		case idle >= presenceTimeout:
			k = stateKey{chat.AvailabilityAvailableIdle, chat.ActivityInactive}
		}
	}
	return k, true
}

// aggregate is the user's presence at now (see the rules above).
func (ps *presenceState) aggregate(userID string, now time.Time) chat.Presence {
	p := chat.Presence{UserID: userID, OutOfOffice: ps.oof}
	if ps.status != "" && (ps.statusExp.IsZero() || now.Before(ps.statusExp)) {
		p.StatusMessage = ps.status
	}
	var best stateKey
	have := false
	consider := func(ss *sessionState, app bool) {
		k, ok := ss.stateAt(now, app)
		if ok && (!have || availabilityRank[k.availability] > availabilityRank[best.availability]) {
			best, have = k, true
		}
	}
	if ps.client != nil {
		consider(ps.client, false)
	}
	for _, id := range sortedKeys(ps.sessions) {
		consider(ps.sessions[id], true)
	}
	switch {
	case !have:
		best = stateKey{chat.AvailabilityOffline, chat.ActivityOffline}
	case ps.preferred != nil && now.Before(ps.preferred.expires):
		best = stateKey{ps.preferred.availability, ps.preferred.activity}
	}
	p.Availability, p.Activity = best.availability, best.activity
	return p
}

// presenceStateLocked returns u's presence state, made on first use with
// the state it has now noted as notified.
func (s *Service) presenceStateLocked(u *User) *presenceState {
	ps := s.presence[u.ID]
	if ps == nil {
		ps = &presenceState{sessions: map[string]*sessionState{}}
		ps.notified = stateKey{chat.AvailabilityOffline, chat.ActivityOffline}
		s.presence[u.ID] = ps
	}
	return ps
}

// SetPresence sets the presence of the user's Teams client session (its
// UserID is ignored), as if the user's Teams client reported it; userID is
// the user's object id or principal name. It panics if the user is
// unknown. An empty availability, or Offline with activity Offline or
// none, signs the Teams client out (no session); any other state, Teams'
// "appear offline" (Offline/OffWork) included, is the client session's.
// The status message and out-of-office flag are set as
// given, the status message without expiry. The user's presence is
// aggregated from this session, the applications' sessions (setPresence)
// and the user's preferred presence (setUserPreferredPresence): with no
// other session and no preferred presence it is p as given. Users whose
// presence was never set are Offline. A reader of another tenant sees
// PresenceUnknown (Graph documents no presence across tenants; this is the
// fake's choice), and an id the service does not know is 404 from
// GetPresence and PresenceUnknown from GetPresences. A change of the
// aggregated availability or activity is notified to the presence
// subscriptions that watch the user.
func (s *Service) SetPresence(userID string, p chat.Presence) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(userID)
	if u == nil {
		panic("fake: SetPresence: unknown user " + userID)
	}
	ps := s.presenceStateLocked(u)
	ps.client = nil
	signedOut := p.Availability == "" || p.Availability == chat.AvailabilityOffline && (p.Activity == "" || p.Activity == chat.ActivityOffline)
	if !signedOut {
		ps.client = &sessionState{availability: p.Availability, activity: p.Activity, setAt: s.clock()}
	}
	ps.status, ps.statusExp, ps.oof = p.StatusMessage, time.Time{}, p.OutOfOffice
	s.presenceChangedLocked()
}

// presenceLocked is u's presence as a user of tenant sees it: users of
// other tenants are PresenceUnknown.
func (s *Service) presenceLocked(u *User, tenant string) chat.Presence {
	if u.TenantID != tenant {
		return unknownPresence(u.ID)
	}
	if ps, ok := s.presence[u.ID]; ok {
		return ps.aggregate(u.ID, s.clock())
	}
	return chat.Presence{UserID: u.ID, Availability: chat.AvailabilityOffline, Activity: chat.ActivityOffline}
}

// presenceChangedLocked notifies the presence subscriptions of every user
// whose aggregated availability or activity differs from what was last
// notified: after a change, and for what the clock changed (a session, a
// preferred presence expiring; an Available session fading) whenever the
// fake next serves a presence request or Flush runs.
func (s *Service) presenceChangedLocked() {
	now := s.clock()
	for _, id := range sortedKeys(s.presence) {
		ps := s.presence[id]
		p := ps.aggregate(id, now)
		k := stateKey{p.Availability, p.Activity}
		if k == ps.notified {
			continue
		}
		ps.notified = k
		if u := s.users[id]; u != nil {
			s.notify.presenceLocked(u)
		}
	}
}

// presenceAction runs a presence operation of the signed-in user on
// target's presence ("" for their own): delegated, a user acts only for
// themselves (403 otherwise; a user's report shows Graph answering "Cannot
// set the presence of another user" with 401 to setStatusMessage,
// microsoftgraph/microsoft-graph-explorer-v4#3096: the fake answers 403,
// as to every delegated request for another user, a choice), and an
// unknown target is 404.
func (s *Service) presenceAction(userID, target string, act func(u *User, ps *presenceState, now time.Time) *opError) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	me, oe := s.signedInLocked(userID)
	if oe != nil {
		return oe
	}
	if target != "" {
		u := s.userLocked(target)
		if u == nil {
			return errNotFound("User " + quote(target) + " was not found.")
		}
		if u != me {
			return errForbidden("Delegated requests can act only for the signed-in user.")
		}
	}
	if oe := act(me, s.presenceStateLocked(me), s.clock()); oe != nil {
		return oe
	}
	s.presenceChangedLocked()
	return nil
}

// setSessionPresence is setPresence: sessionId must be the calling
// application's id ("Provide the ID of the application as sessionId in
// the request"; what Graph answers to another is not documented: the fake
// answers 400, a choice), the pair one of gw.SessionPresences, the
// duration PT5M to PT4H.
func (s *Service) setSessionPresence(userID, appID, target string, in gw.SetPresenceRequest) *opError {
	if in.SessionID == "" || !strings.EqualFold(in.SessionID, appID) {
		return errBadRequest("sessionId must be the id of the calling application.")
	}
	if p := gw.CheckPresencePair(gw.SessionPresences, in.Availability, in.Activity); p != "" {
		return errBadRequest("Invalid presence: " + p + ".")
	}
	ttl := gw.DefaultSessionExpiration
	if in.ExpirationDuration != "" {
		d, ok := gw.ParseDuration(in.ExpirationDuration)
		if !ok || d < gw.MinSessionExpiration || d > gw.MaxSessionExpiration {
			return errBadRequest("expirationDuration must be between PT5M and PT4H.")
		}
		ttl = d
	}
	return s.presenceAction(userID, target, func(_ *User, ps *presenceState, now time.Time) *opError {
		ps.sessions[strings.ToLower(in.SessionID)] = &sessionState{
			availability: chat.Availability(in.Availability), activity: chat.Activity(in.Activity),
			setAt: now, expires: now.Add(ttl),
		}
		return nil
	})
}

// clearSessionPresence is clearPresence: "If the presence session doesn't
// exist, this method returns a 404 NotFound response code".
func (s *Service) clearSessionPresence(userID, appID, target string, in gw.ClearPresenceRequest) *opError {
	if in.SessionID == "" || !strings.EqualFold(in.SessionID, appID) {
		return errBadRequest("sessionId must be the id of the calling application.")
	}
	return s.presenceAction(userID, target, func(_ *User, ps *presenceState, now time.Time) *opError {
		k := strings.ToLower(in.SessionID)
		ss := ps.sessions[k]
		delete(ps.sessions, k)
		if ss == nil {
			return errNotFound("The presence session was not found.")
		}
		if _, live := ss.stateAt(now, true); !live {
			return errNotFound("The presence session was not found.")
		}
		return nil
	})
}

// setPreferredPresence is setUserPreferredPresence.
func (s *Service) setPreferredPresence(userID, target string, in gw.PreferredPresenceRequest) *opError {
	if p := gw.CheckPresencePair(gw.PreferredPresences, in.Availability, in.Activity); p != "" {
		return errBadRequest("Invalid presence: " + p + ".")
	}
	ttl := preferredLongTTL
	if in.Availability == string(chat.AvailabilityBusy) || in.Availability == string(chat.AvailabilityDoNotDisturb) {
		ttl = preferredShortTTL
	}
	if in.ExpirationDuration != "" {
		d, ok := gw.ParseDuration(in.ExpirationDuration)
		if !ok || d <= 0 {
			return errBadRequest("Invalid expirationDuration.")
		}
		ttl = d
	}
	return s.presenceAction(userID, target, func(_ *User, ps *presenceState, now time.Time) *opError {
		ps.preferred = &sessionState{availability: chat.Availability(in.Availability), activity: chat.Activity(in.Activity), setAt: now, expires: now.Add(ttl)}
		return nil
	})
}

// clearPreferredPresence is clearUserPreferredPresence (Graph documents
// 200 whether or not a preferred presence was set; so does the fake).
func (s *Service) clearPreferredPresence(userID, target string) *opError {
	return s.presenceAction(userID, target, func(_ *User, ps *presenceState, _ time.Time) *opError {
		ps.preferred = nil
		return nil
	})
}

// setStatusMessage is setStatusMessage: a text message, with an optional
// expiry in a Windows zone (as the page's example: "Pacific Standard
// Time"), UTC or an IANA zone; 400 for a zone the fake does not know.
func (s *Service) setStatusMessage(userID, target string, in gw.StatusMessageRequest) *opError {
	if in.StatusMessage == nil || in.StatusMessage.Message == nil {
		return errBadRequest("statusMessage.message is required.")
	}
	if ct := in.StatusMessage.Message.ContentType; ct != "" && !strings.EqualFold(ct, "text") {
		return errBadRequest("statusMessage.message.contentType must be text.")
	}
	var exp time.Time
	if e := in.StatusMessage.ExpiryDateTime; e != nil {
		t, ok := gw.ParseDateTime(*e)
		if !ok {
			return errBadRequest("Invalid statusMessage.expiryDateTime.")
		}
		exp = t.UTC()
	}
	return s.presenceAction(userID, target, func(_ *User, ps *presenceState, _ time.Time) *opError {
		ps.status, ps.statusExp = in.StatusMessage.Message.Content, exp
		return nil
	})
}

// --- presence subscriptions ---

// presenceLocked queues a notification of u's presence change to every
// live presence subscription that watches u from u's tenant
// (changenotifications-for-presence, "Example: Basic presence
// notifications": changeType updated, resource
// communications/presences/{id}, resourceData users/{id}/presence).
func (n *notifier) presenceLocked(u *User) {
	s := n.s
	now := s.clock()
	res, odataID := gw.PresenceNotificationResource(u.ID)
	var out []queued
	for _, id := range sortedKeys(s.subs) {
		sub := s.subs[id]
		if sub.kind != subPresence || !sub.users[strings.ToLower(u.ID)] || sub.tenant != u.TenantID ||
			!sub.w.ExpirationDateTime.After(now) {
			continue
		}
		cn := changeOf(sub, gw.ChangeUpdated, res, gw.TypePresence, u.ID)
		cn.ResourceData.ODataID = odataID
		out = append(out, queued{url: sub.w.NotificationURL, n: cn})
	}
	n.enqueue(out)
}

// presenceUsers is the set of (lower-case) ids a presence subscription
// resource names.
func presenceUsers(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[strings.ToLower(id)] = true
	}
	return m
}
