package chat

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/paging"
)

// Change notifications for chat and channel messages, and for chats
// themselves and their members.
//
// A subscription asks Graph to POST a notification to an HTTPS URL of the
// application when messages of a chat or a channel are created, updated or
// deleted, when a chat changes (renamed) or when its members do (added,
// removed). Graph first validates the URL (NotificationHandler answers that),
// sends every notification with the subscription's client state (a secret
// the handler checks), and ends the subscription at its expiration time
// unless it is renewed (SubscriptionManager does that). The notifications of
// this package carry no resource data: they say which message, chat or
// membership changed (Notification.Type), and the application reads it
// with GetMessage, GetChat or ListMembers.

// Subscription lifetimes for chat and channel messages.
const (
	// MaxLifetimeWithoutLifecycleURL is the longest lifetime Graph grants a
	// subscription that has no lifecycle notification URL.
	MaxLifetimeWithoutLifecycleURL = time.Hour
	// MaxSubscriptionLifetime is the longest lifetime Graph grants a
	// subscription to chat or channel messages (under three days), which
	// needs a lifecycle notification URL.
	MaxSubscriptionLifetime = 4320 * time.Minute
	// MinSubscriptionLifetime is the shortest lifetime this package asks for.
	MinSubscriptionLifetime = 2 * time.Minute
)

// ChangeType is a kind of change a subscription reports.
type ChangeType string

// The change types of message subscriptions.
const (
	ChangeCreated ChangeType = "created"
	ChangeUpdated ChangeType = "updated"
	ChangeDeleted ChangeType = "deleted"
)

// ChatMessagesResource is the subscription resource of the messages of a
// chat: /chats/{chatID}/messages.
func ChatMessagesResource(chatID string) string { return "/chats/" + chatID + "/messages" }

// ChannelMessagesResource is the subscription resource of the messages (and
// replies) of a channel: /teams/{teamID}/channels/{channelID}/messages.
func ChannelMessagesResource(teamID, channelID string) string {
	return "/teams/" + teamID + "/channels/" + channelID + "/messages"
}

// ChatResource is the subscription resource of a chat itself: /chats/{chatID}.
// Its notifications (ResourceChat) report the chat's properties changed —
// renamed (updated) — or the chat deleted. Needs Chat.ReadBasic, Chat.Read
// or Chat.ReadWrite. Source:
// https://learn.microsoft.com/graph/teams-changenotifications-chat
// ("Subscribe to changes in a particular chat"); the tenant-wide /chats
// takes application permissions only, and is refused.
func ChatResource(chatID string) string { return "/chats/" + chatID }

// ChatMembersResource is the subscription resource of a chat's members:
// /chats/{chatID}/members. Its notifications (ResourceChatMember) report a
// member added (created) or removed (deleted). Needs ChatMember.Read,
// ChatMember.ReadWrite, Chat.ReadBasic, Chat.Read or Chat.ReadWrite.
// Source: https://learn.microsoft.com/graph/teams-changenotifications-chatmembership
// ("Subscribe to changes in membership of a particular chat"); the
// tenant-wide /chats/getAllMembers takes application permissions only, and
// is refused.
func ChatMembersResource(chatID string) string { return "/chats/" + chatID + "/members" }

// PresencesResource is the subscription resource of the presence of
// users (Entra object ids, at most MaxPresenceSubscriptionUsers):
// /communications/presences?$filter=id in ('…','…'). Its subscriptions
// report "updated" only, last at most MaxPresenceSubscriptionLifetime, need
// Presence.Read.All, and their notifications are ResourcePresence, one per
// user whose availability or activity changed. Graph allows one presence
// subscription per user and application ("A single user can create one
// presence subscription per unique application"): watch everyone in one
// resource (the fake does not refuse a second one; the page does not say
// how Graph does). Source:
// https://learn.microsoft.com/graph/changenotifications-for-presence.
func PresencesResource(userIDs ...string) string { return graphwire.PresenceFilterResource(userIDs) }

// Presence subscription limits (changenotifications-for-presence): "A
// maximum of 650 users can be subscribed in a single subscription";
// "Subscriptions have a maximum expiration time of an hour".
const (
	MaxPresenceSubscriptionUsers    = 650
	MaxPresenceSubscriptionLifetime = time.Hour
)

// isPresenceResource reports a presence subscription resource (valid or not).
func isPresenceResource(resource string) bool {
	_, ok, _ := graphwire.ParsePresenceResource(resource)
	return ok
}

// checkResource accepts the resource forms above.
func checkResource(resource string) error {
	if _, ok, problem := graphwire.ParsePresenceResource(resource); ok {
		if problem != "" {
			return &ArgumentError{Arg: "resource", Problem: problem}
		}
		return nil
	}
	bad := &ArgumentError{Arg: "resource", Problem: "must be /chats/{chat id}/messages, /chats/{chat id}, /chats/{chat id}/members, /teams/{team id}/channels/{channel id}/messages or PresencesResource(…)"}
	parts := strings.Split(strings.TrimPrefix(resource, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "chats", len(parts) == 2 && parts[0] == "chats" && (parts[1] == "getAllMembers" || parts[1] == "getAllMessages"):
		// teams-changenotifications-chat, -chatmembership, -chatmessage:
		// "Delegated (work or school account): Not supported".
		return &ArgumentError{Arg: "resource", Problem: "is tenant-wide, which graph serves with application permissions only, not for a signed-in user"}
	case len(parts) == 2 && parts[0] == "chats", len(parts) == 3 && parts[0] == "chats" && parts[2] == "members",
		len(parts) == 3 && parts[0] == "chats" && parts[2] == "messages":
		if _, p := graphwire.ParseChatID(parts[1]); p != "" {
			return &ArgumentError{Arg: "resource", Problem: "chat id " + p}
		}
		return nil
	case len(parts) == 5 && parts[0] == "teams" && parts[2] == "channels" && parts[4] == "messages":
		if p := graphwire.CheckTeamID(parts[1]); p != "" {
			return &ArgumentError{Arg: "resource", Problem: "team id " + p}
		}
		if p := graphwire.CheckChannelID(parts[3]); p != "" {
			return &ArgumentError{Arg: "resource", Problem: "channel id " + p}
		}
		return nil
	}
	return bad
}

// checkHookURL checks a notification or lifecycle URL: absolute https (http
// only on a loopback address, for tests), without fragment or user info.
func checkHookURL(arg, raw string) error {
	bad := func(p string) error { return &ArgumentError{Arg: arg, Problem: p} }
	if raw == "" {
		return bad("is empty")
	}
	if len(raw) > 2048 {
		return bad("is longer than 2048 bytes")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return bad("is not an absolute url")
	}
	if u.User != nil || u.Fragment != "" {
		return bad("must not have user info or a fragment")
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return bad("must be https")
	}
	return nil
}

// checkClientState checks a client state: 1 to 128 printable ASCII
// characters. Its value is never quoted in errors.
func checkClientState(arg, s string) error {
	if s == "" {
		return &ArgumentError{Arg: arg, Problem: "is empty: a client state lets the notification handler tell Graph's notifications from forged ones"}
	}
	if len(s) > graphwire.MaxClientStateLen {
		return &ArgumentError{Arg: arg, Problem: "is longer than 128 characters"}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return &ArgumentError{Arg: arg, Problem: "must be printable ascii without spaces"}
		}
	}
	return nil
}

// Subscription is a change-notification subscription. It does not hold the
// client state, which is a secret.
type Subscription struct {
	// ID is the subscription's id.
	ID string
	// Resource is what the subscription watches, for example
	// /chats/19:…@thread.v2/messages.
	Resource string
	// ChangeTypes are the changes it reports.
	ChangeTypes []ChangeType
	// NotificationURL receives the change notifications.
	NotificationURL string
	// LifecycleNotificationURL receives the lifecycle notifications; empty if
	// none.
	LifecycleNotificationURL string
	// ExpiresAt is when Graph ends the subscription unless it is renewed.
	ExpiresAt time.Time
	// ApplicationID is the application that created the subscription.
	ApplicationID string
	// CreatorID is the user (or service principal) that created it.
	CreatorID string
}

// CreateSubscriptionOptions are the optional parameters of
// CreateSubscription.
type CreateSubscriptionOptions struct {
	// ChangeTypes are the changes to report; nil means created, updated and
	// deleted for messages, updated for presence (its only one).
	ChangeTypes []ChangeType
	// Lifetime is how long the subscription lasts; 0 means
	// MaxLifetimeWithoutLifecycleURL less five minutes. Above
	// MaxLifetimeWithoutLifecycleURL it needs LifecycleNotificationURL; it
	// cannot exceed MaxSubscriptionLifetime.
	Lifetime time.Duration
	// LifecycleNotificationURL receives lifecycle notifications
	// (reauthorization required, subscription removed, missed
	// notifications). Graph validates it like the notification URL.
	LifecycleNotificationURL string
}

// CreateSubscriptionResponse is the result of CreateSubscription.
type CreateSubscriptionResponse struct {
	// Subscription is the new subscription.
	Subscription Subscription
}

// defaultLifetime stays clear of Graph's one-hour limit even when this
// machine's clock is a little ahead of Graph's.
const defaultLifetime = MaxLifetimeWithoutLifecycleURL - 5*time.Minute

// checkLifetime applies Graph's limits to a requested lifetime.
func checkLifetime(arg string, d time.Duration, hasLifecycleURL bool) error {
	switch {
	case d < MinSubscriptionLifetime:
		return &ArgumentError{Arg: arg, Problem: "must be at least " + MinSubscriptionLifetime.String()}
	case d > MaxSubscriptionLifetime:
		return &ArgumentError{Arg: arg, Problem: "must be at most " + MaxSubscriptionLifetime.String()}
	case d > MaxLifetimeWithoutLifecycleURL && !hasLifecycleURL:
		return &ArgumentError{Arg: arg, Problem: "above 1h needs a LifecycleNotificationURL (graph refuses longer subscriptions without one)"}
	}
	return nil
}

// CreateSubscription subscribes notificationURL to the changes of resource
// (ChatMessagesResource, ChannelMessagesResource, ChatResource,
// ChatMembersResource or PresencesResource) with POST /subscriptions.
// clientState is a secret of 1 to 128 printable ASCII characters that Graph
// sends with every notification, and NotificationHandler checks
// (SubscriptionManager makes a random one per subscription). Graph
// validates notificationURL (and LifecycleNotificationURL) before it
// answers: serve a NotificationHandler there first. Everything is checked
// before anything is sent: the resource, https URLs, the client state, and
// the lifetime (above one hour only with a lifecycle URL, and never for
// presence). Needs Chat.Read (chat messages), ChannelMessage.Read.All
// (channel messages), Presence.Read.All (PresencesResource), or those of
// ChatResource and ChatMembersResource.
func (c *Client) CreateSubscription(ctx context.Context, resource, notificationURL, clientState string, opts *CreateSubscriptionOptions) (_ CreateSubscriptionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.CreateSubscription")
	defer func() { endSpan(err) }()
	var o CreateSubscriptionOptions
	if opts != nil {
		o = *opts
	}
	if err := checkResource(resource); err != nil {
		return CreateSubscriptionResponse{}, err
	}
	if err := checkHookURL("notificationURL", notificationURL); err != nil {
		return CreateSubscriptionResponse{}, err
	}
	if o.LifecycleNotificationURL != "" {
		if err := checkHookURL("opts.LifecycleNotificationURL", o.LifecycleNotificationURL); err != nil {
			return CreateSubscriptionResponse{}, err
		}
	}
	if err := checkClientState("clientState", clientState); err != nil {
		return CreateSubscriptionResponse{}, err
	}
	if o.Lifetime == 0 {
		o.Lifetime = defaultLifetime
	}
	if err := checkLifetime("opts.Lifetime", o.Lifetime, o.LifecycleNotificationURL != ""); err != nil {
		return CreateSubscriptionResponse{}, err
	}
	presence := isPresenceResource(resource)
	if presence && o.Lifetime > MaxPresenceSubscriptionLifetime {
		return CreateSubscriptionResponse{}, &ArgumentError{Arg: "opts.Lifetime", Problem: "must be at most 1h0m0s for a presence subscription"}
	}
	changes, err := changeTypes(o.ChangeTypes, presence)
	if err != nil {
		return CreateSubscriptionResponse{}, err
	}
	body := graphwire.Subscription{
		Resource:                 resource,
		ChangeType:               changes,
		NotificationURL:          notificationURL,
		LifecycleNotificationURL: o.LifecycleNotificationURL,
		ClientState:              clientState,
		ExpirationDateTime:       graphwire.TimeOf(c.clock.Now().Add(o.Lifetime).UTC().Truncate(time.Second)),
	}
	var w graphwire.Subscription
	if err := c.do(ctx, "create subscription", http.MethodPost, c.path("subscriptions"), body, &w); err != nil {
		return CreateSubscriptionResponse{}, err
	}
	return CreateSubscriptionResponse{Subscription: subscriptionFromWire(&w)}, nil
}

// changeTypes writes the change types of a subscription: those of in,
// or by default all three for messages and "updated" for presence, which
// supports no other.
func changeTypes(in []ChangeType, presence bool) (string, error) {
	if presence {
		for _, ct := range in {
			if ct != ChangeUpdated {
				return "", &ArgumentError{Arg: "opts.ChangeTypes", Problem: `a presence subscription reports only "updated"`}
			}
		}
		return string(ChangeUpdated), nil
	}
	if len(in) == 0 {
		return "created,updated,deleted", nil
	}
	seen := map[ChangeType]bool{}
	parts := make([]string, 0, len(in))
	for _, ct := range in {
		switch ct {
		case ChangeCreated, ChangeUpdated, ChangeDeleted:
		default:
			return "", &ArgumentError{Arg: "opts.ChangeTypes", Problem: `must hold only "created", "updated" or "deleted"`}
		}
		if !seen[ct] {
			seen[ct] = true
			parts = append(parts, string(ct))
		}
	}
	return strings.Join(parts, ","), nil
}

// subscriptionFromWire converts Graph's subscription; its client state,
// a secret, is not kept.
func subscriptionFromWire(s *graphwire.Subscription) Subscription {
	out := Subscription{
		ID:                       s.ID,
		Resource:                 s.Resource,
		NotificationURL:          s.NotificationURL,
		LifecycleNotificationURL: s.LifecycleNotificationURL,
		ExpiresAt:                s.ExpirationDateTime.Time,
		ApplicationID:            s.ApplicationID,
		CreatorID:                s.CreatorID,
	}
	for _, ct := range strings.Split(s.ChangeType, ",") {
		if ct = strings.TrimSpace(ct); ct != "" {
			out.ChangeTypes = append(out.ChangeTypes, ChangeType(ct))
		}
	}
	return out
}

// RenewSubscriptionOptions are the optional parameters of RenewSubscription.
type RenewSubscriptionOptions struct {
	// HasLifecycleURL tells that the subscription has a lifecycle
	// notification URL, which Graph needs for a lifetime above one hour.
	HasLifecycleURL bool
}

// RenewSubscriptionResponse is the result of RenewSubscription.
type RenewSubscriptionResponse struct {
	// Subscription is the renewed subscription.
	Subscription Subscription
}

// RenewSubscription extends a subscription to lifetime from now
// (PATCH /subscriptions/{id} with a new expirationDateTime); a renewal also
// answers a reauthorizationRequired lifecycle notification.
func (c *Client) RenewSubscription(ctx context.Context, subscriptionID string, lifetime time.Duration, opts *RenewSubscriptionOptions) (_ RenewSubscriptionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.RenewSubscription")
	defer func() { endSpan(err) }()
	if err := checkArg("subscriptionID", graphwire.CheckID(subscriptionID)); err != nil {
		return RenewSubscriptionResponse{}, err
	}
	hasLifecycle := opts != nil && opts.HasLifecycleURL
	if err := checkLifetime("lifetime", lifetime, hasLifecycle); err != nil {
		return RenewSubscriptionResponse{}, err
	}
	body := graphwire.SubscriptionRenewal{ExpirationDateTime: graphwire.TimeOf(c.clock.Now().Add(lifetime).UTC().Truncate(time.Second))}
	var w graphwire.Subscription
	if err := c.do(ctx, "renew subscription", http.MethodPatch, c.path("subscriptions", subscriptionID), body, &w); err != nil {
		return RenewSubscriptionResponse{}, err
	}
	out := subscriptionFromWire(&w)
	if out.ID == "" {
		out.ID = subscriptionID
	}
	return RenewSubscriptionResponse{Subscription: out}, nil
}

// DeleteSubscriptionOptions are the optional parameters of DeleteSubscription.
type DeleteSubscriptionOptions struct{}

// DeleteSubscriptionResponse is the result of DeleteSubscription.
type DeleteSubscriptionResponse struct{}

// DeleteSubscription ends a subscription (DELETE /subscriptions/{id}).
func (c *Client) DeleteSubscription(ctx context.Context, subscriptionID string, opts *DeleteSubscriptionOptions) (_ DeleteSubscriptionResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.DeleteSubscription")
	defer func() { endSpan(err) }()
	if err := checkArg("subscriptionID", graphwire.CheckID(subscriptionID)); err != nil {
		return DeleteSubscriptionResponse{}, err
	}
	err = c.do(ctx, "delete subscription", http.MethodDelete, c.path("subscriptions", subscriptionID), nil, nil)
	return DeleteSubscriptionResponse{}, err
}

// ListSubscriptionsOptions are the optional parameters of
// ListSubscriptions and ListSubscriptionsPage.
type ListSubscriptionsOptions struct {
	// NextLink continues a listing from the NextLink of a page.
	NextLink string
}

// ListSubscriptionsPageResponse is one page of subscriptions.
type ListSubscriptionsPageResponse struct {
	// Subscriptions are the page's subscriptions.
	Subscriptions []Subscription
	// NextLink reads the next page; empty on the last one.
	NextLink string
}

// ListSubscriptions lists the subscriptions Graph shows the caller, across
// pages (GET /subscriptions,
// https://learn.microsoft.com/graph/api/subscription-list: "based on the
// app ID, the user, and the user's role with a tenant" — with a delegated
// token, the subscriptions the application made for the signed-in user).
// Their client states are not returned.
func (c *Client) ListSubscriptions(ctx context.Context, opts *ListSubscriptionsOptions) iter.Seq2[Subscription, error] {
	var o ListSubscriptionsOptions
	if opts != nil {
		o = *opts
	}
	return paging.Items(o.NextLink, func(link string) ([]Subscription, string, error) {
		resp, err := c.ListSubscriptionsPage(ctx, &ListSubscriptionsOptions{NextLink: link})
		return resp.Subscriptions, resp.NextLink, err
	})
}

// ListSubscriptionsPage reads one page of ListSubscriptions.
func (c *Client) ListSubscriptionsPage(ctx context.Context, opts *ListSubscriptionsOptions) (_ ListSubscriptionsPageResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListSubscriptionsPage")
	defer func() { endSpan(err) }()
	target := c.path("subscriptions")
	if opts != nil && opts.NextLink != "" {
		if err := c.checkLink("opts.NextLink", opts.NextLink); err != nil {
			return ListSubscriptionsPageResponse{}, err
		}
		target = opts.NextLink
	}
	var page graphwire.Collection[graphwire.Subscription]
	if err := c.do(ctx, "list subscriptions", http.MethodGet, target, nil, &page); err != nil {
		return ListSubscriptionsPageResponse{}, err
	}
	return ListSubscriptionsPageResponse{Subscriptions: convertAll(page.Value, subscriptionFromWire), NextLink: page.NextLink}, nil
}
