package fake

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Subscription limits of chat messages, as Graph enforces them. Source:
// the subscription resource, "Subscription lifetime" and the
// lifecycleNotificationUrl property
// (https://learn.microsoft.com/graph/api/resources/subscription): Teams
// chatMessage "4,320 minutes (three days)"; "any request with
// expirationDateTime set to under 45 minutes after the time of the request
// is automatically set to 45 minutes after the request time"; a lifecycle
// URL is "Required for Teams resources if the expirationDateTime value is
// more than 1 hour from now". The Teams overview
// (https://learn.microsoft.com/graph/teams-change-notification-in-microsoft-teams-overview)
// and older copies of the resource page give 60 minutes as the maximum:
// the fake follows the current resource page (a choice between the two).
const (
	// MinExpiry is the nearest expiry Graph grants: an earlier one is
	// raised to it.
	MinExpiry = 45 * time.Minute
	// MaxExpiryWithoutLifecycle is the furthest expiry of a subscription
	// without a lifecycle notification URL.
	MaxExpiryWithoutLifecycle = time.Hour
	// MaxExpiry is the furthest expiry of a chat-message subscription.
	MaxExpiry = 4320 * time.Minute
	// ValidationTimeout is how long the fake waits for a notification URL to
	// answer the validation request.
	ValidationTimeout = 10 * time.Second
)

type subKind int

const (
	subChat subKind = iota
	subAllMyChats
	subChannel
	subChatItself  // /chats/{id}: the chat's properties
	subChatMembers // /chats/{id}/members: its memberships
	subPresence
)

type subscription struct {
	w       gw.Subscription
	creator string
	tenant  string
	kind    subKind
	chatID  string
	teamID  string
	chanID  string
	users   map[string]bool // subPresence: the watched users' ids, lower case
	changes map[string]bool
}

// Subscription is a live subscription, for tests to inspect.
type Subscription struct {
	// ID is the subscription id.
	ID string
	// Resource is the subscribed resource as given.
	Resource string
	// ChangeTypes are the subscribed change types.
	ChangeTypes []string
	// NotificationURL and LifecycleNotificationURL are where notifications go.
	NotificationURL, LifecycleNotificationURL string
	// ClientState is the secret echoed in notifications.
	ClientState string
	// ExpiresAt is when the subscription ends.
	ExpiresAt time.Time
	// CreatorID is the user who created it.
	CreatorID string
}

// Notification is one notification the fake delivered.
type Notification struct {
	// SubscriptionID is the subscription it was delivered for.
	SubscriptionID string
	// ChangeType is created, updated or deleted; empty for a lifecycle
	// notification.
	ChangeType string
	// LifecycleEvent is reauthorizationRequired, subscriptionRemoved or
	// missed; empty for a change notification.
	LifecycleEvent string
	// Resource is the changed resource, for example chats('…')/messages('…').
	Resource string
	// ResourceID is the id of resourceData: the changed message's, the
	// chat's (a subscription to a chat itself), the membership's (to its
	// members) or the user's (to presence).
	ResourceID string
	// ClientState is the subscription's client state.
	ClientState string
}

// Delivery is one POST of notifications to a webhook.
//
// Delivery follows Graph's webhook rules (see SlowResponse, RetryFor): a
// POST that fails is tried again, each try a Delivery of its own.
type Delivery struct {
	// URL is where the notifications were posted.
	URL string
	// Notifications are what the POST carried.
	Notifications []Notification
	// Status is the webhook's answer; 0 if it gave none.
	Status int
	// Err is the transport error, if any.
	Err error
	// Attempt numbers the POSTs of these notifications, from 1.
	Attempt int
	// Elapsed is how long the webhook took to answer, by the service's
	// clock (a test webhook that advances a manual clock by 4s while it
	// answers is a slow one).
	Elapsed time.Duration
	// Slow tells that the answer took longer than SlowResponse.
	Slow bool
	// Dropped tells that nothing was posted: the endpoint was in Graph's
	// "drop" state and the notifications are lost.
	Dropped bool
	// RetryAt is when the notifications are posted again after this try
	// failed; zero when they are not (delivered, dropped, or given up
	// RetryFor after the first try).
	RetryAt time.Time
}

// Subscriptions returns the live (unexpired) subscriptions.
func (s *Service) Subscriptions() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	var out []Subscription
	for _, id := range sortedKeys(s.subs) {
		sub := s.subs[id]
		if !sub.w.ExpirationDateTime.After(now) {
			continue
		}
		out = append(out, Subscription{
			ID: sub.w.ID, Resource: sub.w.Resource, ChangeTypes: strings.Split(sub.w.ChangeType, ","),
			NotificationURL: sub.w.NotificationURL, LifecycleNotificationURL: sub.w.LifecycleNotificationURL,
			ClientState: sub.w.ClientState, ExpiresAt: sub.w.ExpirationDateTime.Time, CreatorID: sub.creator,
		})
	}
	return out
}

// SendLifecycleNotification sends a lifecycle notification (for example
// graphwire's "reauthorizationRequired", "subscriptionRemoved" or
// "missed") for a subscription to its lifecycle URL. A subscriptionRemoved
// event also ends the subscription.
func (s *Service) SendLifecycleNotification(subscriptionID, event string) error {
	switch event {
	case gw.LifecycleReauthorizationRequired, gw.LifecycleSubscriptionRemoved, gw.LifecycleMissed:
	default:
		return errors.New("fake: unknown lifecycle event " + event)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subs[subscriptionID]
	if sub == nil {
		return errors.New("fake: no subscription " + subscriptionID)
	}
	if sub.w.LifecycleNotificationURL == "" {
		return errors.New("fake: subscription " + subscriptionID + " has no lifecycle notification url")
	}
	s.notify.enqueue([]queued{{url: sub.w.LifecycleNotificationURL, n: gw.ChangeNotification{
		SubscriptionID:                 sub.w.ID,
		SubscriptionExpirationDateTime: sub.w.ExpirationDateTime,
		ClientState:                    sub.w.ClientState,
		LifecycleEvent:                 event,
		TenantID:                       sub.tenant,
	}}})
	if event == gw.LifecycleSubscriptionRemoved {
		delete(s.subs, subscriptionID)
	}
	return nil
}

// Deliveries returns the notification POSTs made so far, oldest first.
func (s *Service) Deliveries() []Delivery {
	n := &s.notify
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Delivery(nil), n.log...)
}

// Flush waits until every notification queued so far has been posted (or
// dropped), and every retry or delayed post due by the service's clock has
// been made, or ctx ends. Posts due later (a retry, the delay of a slow
// endpoint) do not hold it: move the clock and Flush again.
//
// Presence changes that come from the clock alone (a presence session or
// a preferred presence expiring) are queued first.
func (s *Service) Flush(ctx context.Context) error {
	s.mu.Lock()
	s.presenceChangedLocked()
	s.mu.Unlock()
	return s.notify.flush(ctx)
}

// --- matching changes to subscriptions (called with s.mu held) ---

func (n *notifier) chatMessageLocked(c *chatState, st *msgState, change string) {
	s := n.s
	if len(s.subs) == 0 {
		return
	}
	now := s.clock()
	res := gw.MessageResource(c.c.ID, st.m.ID)
	var out []queued
	for _, id := range sortedKeys(s.subs) {
		sub := s.subs[id]
		if !sub.changes[change] || !sub.w.ExpirationDateTime.After(now) {
			continue
		}
		switch sub.kind {
		case subChat:
			if sub.chatID != c.c.ID {
				continue
			}
		case subAllMyChats:
			if c.member(sub.creator) == nil {
				continue
			}
		default:
			continue
		}
		out = append(out, queued{url: sub.w.NotificationURL, n: changeOf(sub, change, res, gw.TypeChatMessage, st.m.ID)})
	}
	n.enqueue(out)
}

func (n *notifier) channelMessageLocked(ch *channelState, st *msgState, change string) {
	s := n.s
	if len(s.subs) == 0 {
		return
	}
	now := s.clock()
	root, reply := st.m.ID, ""
	if st.m.ReplyToID != "" {
		root, reply = st.m.ReplyToID, st.m.ID
	}
	res := gw.ChannelMessageResource(ch.ch.TeamID, ch.ch.ID, root, reply)
	var out []queued
	for _, id := range sortedKeys(s.subs) {
		sub := s.subs[id]
		if sub.kind != subChannel || sub.teamID != ch.ch.TeamID || sub.chanID != ch.ch.ID ||
			!sub.changes[change] || !sub.w.ExpirationDateTime.After(now) {
			continue
		}
		out = append(out, queued{url: sub.w.NotificationURL, n: changeOf(sub, change, res, gw.TypeChatMessage, st.m.ID)})
	}
	n.enqueue(out)
}

// chatLocked notifies the subscriptions to a chat itself (/chats/{id}) of
// a change of its properties: "updated" when it is renamed
// (teams-changenotifications-chat: "any change in chat's property"; the
// fake has no operation that deletes a chat, so it sends no "deleted").
// resourceData is the chat's id and type, as the page's "Notifications
// without resource data" shows.
func (n *notifier) chatLocked(c *chatState, change string) {
	res := gw.ChatResource(c.c.ID)
	n.chatSubsLocked(subChatItself, c, change, func(sub *subscription) gw.ChangeNotification {
		return changeOf(sub, change, res, gw.TypeChat, c.c.ID)
	})
}

// memberLocked notifies the subscriptions to a chat's members
// (/chats/{id}/members) of a membership added ("created") or removed
// ("deleted"), with the resource and resourceData of
// teams-changenotifications-chatmembership's "Notifications without
// resource data" (changeType in lower case, as the subscription asked it
// and as every other notification the fake sends: the page's example
// writes "Created", which NotificationHandler reads too).
func (n *notifier) memberLocked(c *chatState, membershipID, change string) {
	res := gw.ChatMemberResource(c.c.ID, membershipID)
	n.chatSubsLocked(subChatMembers, c, change, func(sub *subscription) gw.ChangeNotification {
		return changeOf(sub, change, res, gw.TypeAADUserMember, membershipID)
	})
}

// chatSubsLocked queues a notification of change for each live
// subscription of kind to chat c that asked for it.
func (n *notifier) chatSubsLocked(kind subKind, c *chatState, change string, of func(*subscription) gw.ChangeNotification) {
	s := n.s
	now := s.clock()
	var out []queued
	for _, id := range sortedKeys(s.subs) {
		sub := s.subs[id]
		if sub.kind != kind || sub.chatID != c.c.ID || !sub.changes[change] || !sub.w.ExpirationDateTime.After(now) {
			continue
		}
		out = append(out, queued{url: sub.w.NotificationURL, n: of(sub)})
	}
	n.enqueue(out)
}

func changeOf(sub *subscription, change, res, odataType, id string) gw.ChangeNotification {
	return gw.ChangeNotification{
		SubscriptionID:                 sub.w.ID,
		SubscriptionExpirationDateTime: sub.w.ExpirationDateTime,
		ClientState:                    sub.w.ClientState,
		ChangeType:                     change,
		Resource:                       res,
		ResourceData:                   &gw.ResourceData{ODataType: odataType, ODataID: res, ID: id},
		TenantID:                       sub.tenant,
	}
}

func (s *Service) webhookClient() *http.Client {
	if s.opts.WebhookClient != nil {
		return s.opts.WebhookClient
	}
	return defaultWebhookClient
}

var defaultWebhookClient = &http.Client{Timeout: ValidationTimeout}

// checkWebhookURL checks a notification or lifecycle URL.
func (s *Service) checkWebhookURL(field, raw string) *opError {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errBadRequest("Invalid " + field + ": it must be an absolute https URL.")
	}
	loop := isLoopback(u.Hostname())
	if u.Scheme == "http" && !loop {
		return errBadRequest("Invalid " + field + ": it must use https.")
	}
	if !loop && !s.opts.AllowRemoteWebhooks {
		return errBadRequest("Invalid " + field + ": the fake delivers only to loopback hosts (see Options.AllowRemoteWebhooks).")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateWebhook performs Graph's validation handshake: POST
// url?validationToken=<token>, expecting 200 with the token as text.
func (s *Service) validateWebhook(ctx context.Context, raw, token string) *opError {
	u, _ := url.Parse(raw)
	q := u.Query()
	q.Set(gw.ValidationTokenParam, token)
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, ValidationTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return errBadRequest("Subscription validation request failed: invalid URL.")
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := s.webhookClient().Do(req)
	if err != nil {
		return errBadRequest("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return errBadRequest("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
	}
	if strings.TrimSpace(string(b)) != token {
		return errBadRequest("Subscription validation request failed. Response must exactly match validationToken query parameter.")
	}
	return nil
}

// parseSubResource reads a subscription resource, in the path form
// (/chats/{id}/messages) or the key form (chats('{id}')/messages).
func parseSubResource(res string) (subscription, *opError) {
	var sub subscription
	if ids, ok, problem := gw.ParsePresenceResource(res); ok {
		if problem != "" {
			return sub, errBadRequest("Invalid presence subscription resource: " + problem + ".")
		}
		sub.kind, sub.users = subPresence, presenceUsers(ids)
		return sub, nil
	}
	bad := errBadRequest("Unsupported resource " + quote(res) + " for chat message subscriptions.")
	var parts []string
	if strings.Contains(res, "('") {
		p, ok := gw.ParseResource(res)
		if !ok {
			return sub, bad
		}
		for _, seg := range p {
			parts = append(parts, seg.Name)
			if seg.Key != "" {
				parts = append(parts, seg.Key)
			}
		}
	} else {
		parts = strings.Split(strings.Trim(res, "/"), "/")
	}
	for _, p := range parts {
		if p == "" {
			return sub, bad
		}
	}
	is := func(i int, name string) bool { return strings.EqualFold(parts[i], name) }
	switch {
	case len(parts) == 2 && is(0, "chats") && is(1, "getAllMessages"):
		return sub, errForbidden("/chats/getAllMessages needs application permissions.")
	// teams-changenotifications-chat and -chatmembership: the tenant-wide
	// /chats and /chats/getAllMembers take application permissions only
	// ("Delegated (work or school account): Not supported").
	case len(parts) == 1 && is(0, "chats"):
		return sub, errForbidden("/chats needs application permissions.")
	case len(parts) == 2 && is(0, "chats") && is(1, "getAllMembers"):
		return sub, errForbidden("/chats/getAllMembers needs application permissions.")
	case len(parts) == 2 && is(0, "chats"):
		sub.kind, sub.chatID = subChatItself, parts[1]
	case len(parts) == 3 && is(0, "chats") && is(2, "members"):
		sub.kind, sub.chatID = subChatMembers, parts[1]
	case len(parts) == 3 && is(0, "chats") && is(2, "messages"):
		sub.kind, sub.chatID = subChat, parts[1]
	case len(parts) == 3 && is(0, "me") && is(1, "chats") && is(2, "getAllMessages"):
		sub.kind = subAllMyChats
	case len(parts) == 4 && is(0, "users") && is(2, "chats") && is(3, "getAllMessages"):
		sub.kind, sub.chatID = subAllMyChats, parts[1] // chatID holds the user until checked
	case len(parts) == 5 && is(0, "teams") && is(2, "channels") && is(4, "messages"):
		sub.kind, sub.teamID, sub.chanID = subChannel, parts[1], parts[3]
	default:
		return sub, bad
	}
	return sub, nil
}

// createSubscription is POST /subscriptions.
func (s *Service) createSubscription(ctx context.Context, userID, appID string, scopes []string, in gw.Subscription) (gw.Subscription, *opError) {
	sub, oe := parseSubResource(in.Resource)
	if oe != nil {
		return gw.Subscription{}, oe
	}
	if oe := checkScopes(scopes, sub.scopes()); oe != nil {
		return gw.Subscription{}, oe
	}
	sub.changes = map[string]bool{}
	for _, c := range strings.Split(in.ChangeType, ",") {
		c = strings.TrimSpace(c)
		switch c {
		case gw.ChangeCreated, gw.ChangeUpdated, gw.ChangeDeleted:
			if sub.kind == subPresence && c != gw.ChangeUpdated {
				// changenotifications-for-presence: "Supported change types: Updated".
				return gw.Subscription{}, errBadRequest("Invalid changeType " + quote(c) + ": presence subscriptions support only updated.")
			}
			sub.changes[c] = true
		default:
			return gw.Subscription{}, errBadRequest("Invalid changeType " + quote(c) + ".")
		}
	}
	if len(in.ClientState) > gw.MaxClientStateLen {
		return gw.Subscription{}, errBadRequest("clientState is longer than 128 characters.")
	}
	if in.IncludeResourceData {
		return gw.Subscription{}, errBadRequest("includeResourceData needs an encryptionCertificate; the fake does not encrypt resource data.")
	}
	if oe := s.checkWebhookURL("notificationUrl", in.NotificationURL); oe != nil {
		return gw.Subscription{}, oe
	}
	if in.LifecycleNotificationURL != "" {
		if oe := s.checkWebhookURL("lifecycleNotificationUrl", in.LifecycleNotificationURL); oe != nil {
			return gw.Subscription{}, oe
		}
	}
	s.mu.Lock()
	u, oe := s.signedInLocked(userID)
	var exp time.Time
	if oe == nil {
		exp, oe = s.expiryLocked(in.ExpirationDateTime.Time, in.LifecycleNotificationURL != "", sub.kind)
	}
	if oe == nil {
		oe = s.checkSubAccessLocked(u, &sub)
	}
	token := "Validation: Testing client application reachability for subscription Request-Id: " + s.guidLocked('v')
	s.mu.Unlock()
	if oe != nil {
		return gw.Subscription{}, oe
	}
	if oe := s.validateWebhook(ctx, in.NotificationURL, token); oe != nil {
		return gw.Subscription{}, oe
	}
	if in.LifecycleNotificationURL != "" && in.LifecycleNotificationURL != in.NotificationURL {
		if oe := s.validateWebhook(ctx, in.LifecycleNotificationURL, token); oe != nil {
			return gw.Subscription{}, oe
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub.w = gw.Subscription{
		ID:                        s.guidLocked('s'),
		Resource:                  in.Resource,
		ChangeType:                in.ChangeType,
		NotificationURL:           in.NotificationURL,
		LifecycleNotificationURL:  in.LifecycleNotificationURL,
		ExpirationDateTime:        gw.TimeOf(exp),
		ClientState:               in.ClientState,
		ApplicationID:             appID,
		CreatorID:                 u.ID,
		LatestSupportedTLSVersion: "v1_2",
	}
	sub.creator, sub.tenant = u.ID, u.TenantID
	s.subs[sub.w.ID] = &sub
	return sub.w, nil
}

// expiryLocked returns the expiry Graph grants for a requested one (see
// MinExpiry): one under 45 minutes from now, in the past included ("any
// request", says the page), is raised to 45 minutes; one further than
// MaxExpiry, or than MaxExpiryWithoutLifecycle without a lifecycle URL, is
// refused. expirationDateTime is required, so a missing one is 400. A
// presence subscription lasts at most gw.MaxPresenceSubscriptionLifetime,
// with or without a lifecycle URL.
func (s *Service) expiryLocked(exp time.Time, lifecycle bool, kind subKind) (time.Time, *opError) {
	now := s.clock()
	if exp.IsZero() {
		return time.Time{}, errBadRequest("expirationDateTime is required.")
	}
	exp = exp.UTC().Truncate(time.Millisecond)
	if exp.Before(now.Add(MinExpiry)) {
		exp = now.Add(MinExpiry)
	}
	if kind == subPresence && exp.Sub(now) > gw.MaxPresenceSubscriptionLifetime {
		return time.Time{}, errBadRequest("Subscription expiration can only be 60 minutes in the future for presence.")
	}
	if !lifecycle && exp.Sub(now) > MaxExpiryWithoutLifecycle {
		return time.Time{}, errBadRequest("lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.")
	}
	if exp.Sub(now) > MaxExpiry {
		return time.Time{}, errBadRequest("Subscription expiration can only be 4320 minutes in the future.")
	}
	return exp, nil
}

func (s *Service) checkSubAccessLocked(u *User, sub *subscription) *opError {
	switch sub.kind {
	case subChat, subChatItself, subChatMembers:
		_, _, oe := s.chatForLocked(u, sub.chatID)
		return oe
	case subAllMyChats:
		if sub.chatID != "" && s.userLocked(sub.chatID) != u {
			return errForbidden("A user can subscribe only to their own chats.")
		}
		sub.chatID = ""
	case subChannel:
		_, oe := s.channelLocked(u, sub.teamID, sub.chanID)
		return oe
	}
	return nil
}

// scopes are the delegated permissions of which a request on the
// subscription needs one: those of its resource (teams-changenotifications-chatmessage;
// the tables of subscription-get, -update and -delete list the
// permissions per resource).
func (sub *subscription) scopes() []string {
	switch sub.kind {
	case subChannel:
		return scopesReadChannel
	case subChatItself:
		return scopesReadChats
	case subChatMembers:
		return scopesSubscribeMembers
	case subPresence:
		return scopesOtherPresence // changenotifications-for-presence: Presence.Read.All
	}
	return scopesSubscribeChat
}

// subForLocked returns a live subscription of the user, who holds one of
// the permissions of its resource: 404 if there is none, 403 otherwise.
func (s *Service) subForLocked(userID string, scopes []string, id string) (*subscription, *opError) {
	sub := s.subs[id]
	if sub == nil || !sub.w.ExpirationDateTime.After(s.clock()) {
		return nil, errNotFound("The subscription " + quote(id) + " was not found.")
	}
	if sub.creator != userID {
		return nil, errForbidden("The subscription was created by another user.")
	}
	if oe := checkScopes(scopes, sub.scopes()); oe != nil {
		return nil, oe
	}
	return sub, nil
}

func (s *Service) getSubscription(userID string, scopes []string, id string) (gw.Subscription, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, oe := s.subForLocked(userID, scopes, id)
	if oe != nil {
		return gw.Subscription{}, oe
	}
	return sub.w, nil
}

func (s *Service) listSubscriptions(userID string) []gw.Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []gw.Subscription{}
	for _, id := range sortedKeys(s.subs) {
		// subscription-list needs no permission of its own beyond those
		// that created the subscriptions listed (a choice: its table is
		// not in the copies read).
		if sub := s.subs[id]; sub.creator == userID && sub.w.ExpirationDateTime.After(s.clock()) {
			out = append(out, sub.w)
		}
	}
	return out
}

// updateSubscription renews a subscription (PATCH expirationDateTime, and
// optionally notificationUrl).
func (s *Service) updateSubscription(userID string, scopes []string, id string, in gw.Subscription) (gw.Subscription, *opError) {
	if in.NotificationURL != "" {
		if oe := s.checkWebhookURL("notificationUrl", in.NotificationURL); oe != nil {
			return gw.Subscription{}, oe
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, oe := s.subForLocked(userID, scopes, id)
	if oe != nil {
		return gw.Subscription{}, oe
	}
	if !in.ExpirationDateTime.IsZero() {
		exp, oe := s.expiryLocked(in.ExpirationDateTime.Time, sub.w.LifecycleNotificationURL != "", sub.kind)
		if oe != nil {
			return gw.Subscription{}, oe
		}
		sub.w.ExpirationDateTime = gw.TimeOf(exp)
	}
	if in.NotificationURL != "" {
		sub.w.NotificationURL = in.NotificationURL
	}
	return sub.w, nil
}

func (s *Service) deleteSubscription(userID string, scopes []string, id string) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, oe := s.subForLocked(userID, scopes, id); oe != nil {
		return oe
	}
	delete(s.subs, id)
	return nil
}

func (s *Service) reauthorizeSubscription(userID string, scopes []string, id string) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, oe := s.subForLocked(userID, scopes, id)
	return oe
}
