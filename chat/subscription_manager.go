package chat

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// SubscriptionManagerOptions are the optional parameters of
// NewSubscriptionManager.
type SubscriptionManagerOptions struct {
	// LifecycleNotificationURL receives lifecycle notifications; it may be
	// the same URL and handler. Needed for a Lifetime above one hour.
	LifecycleNotificationURL string
	// Lifetime is the lifetime of each subscription and renewal. Zero means
	// 55 minutes without a lifecycle URL, and 24 hours with one.
	Lifetime time.Duration
	// RenewBefore is how long before expiry a subscription is renewed. Zero
	// means a quarter of Lifetime, at most one hour.
	RenewBefore time.Duration
	// ChangeTypes are the changes to report; nil means created, updated and
	// deleted.
	ChangeTypes []ChangeType
	// Clock is the time source of the renewal schedule; nil means the
	// system clock.
	Clock identity.Clock
	// OnError, when set, is called (from Run or Handle) with each renewal or
	// re-creation that failed; the manager tries again later by itself.
	OnError func(subscriptionID string, err error)
}

// SubscriptionManager keeps change-notification subscriptions alive: it
// creates them with a random client state each, renews them before they
// expire (Run), answers lifecycle notifications (Handle: renews on
// reauthorizationRequired, re-creates on subscriptionRemoved), and deletes
// them (Unsubscribe, Close). It is the ClientStateSource of a
// NotificationHandler, which then accepts only notifications of its
// subscriptions. It is safe for concurrent use and starts no goroutine: Run
// does the renewals in the caller's goroutine until its ctx ends.
type SubscriptionManager struct {
	c    *Client
	url  string // the notification URL
	o    SubscriptionManagerOptions
	wake chan struct{}

	mu   sync.Mutex
	subs map[string]*managedSub
}

type managedSub struct {
	sub         Subscription
	clientState string
	failures    int
	retryAt     time.Time // after a failed renewal
}

// NewSubscriptionManager returns a manager that subscribes notificationURL,
// the public https URL of a NotificationHandler, through c. opts may be
// nil.
func NewSubscriptionManager(c *Client, notificationURL string, opts *SubscriptionManagerOptions) (*SubscriptionManager, error) {
	if c == nil {
		return nil, &ArgumentError{Arg: "c", Problem: "is nil"}
	}
	var o SubscriptionManagerOptions
	if opts != nil {
		o = *opts
	}
	if err := checkHookURL("notificationURL", notificationURL); err != nil {
		return nil, err
	}
	hasLifecycle := o.LifecycleNotificationURL != ""
	if hasLifecycle {
		if err := checkHookURL("opts.LifecycleNotificationURL", o.LifecycleNotificationURL); err != nil {
			return nil, err
		}
	}
	if o.Lifetime == 0 {
		o.Lifetime = defaultLifetime
		if hasLifecycle {
			o.Lifetime = 24 * time.Hour
		}
	}
	if err := checkLifetime("opts.Lifetime", o.Lifetime, hasLifecycle); err != nil {
		return nil, err
	}
	if o.RenewBefore == 0 {
		o.RenewBefore = min(o.Lifetime/4, time.Hour)
	}
	if o.RenewBefore < 0 || o.RenewBefore >= o.Lifetime {
		return nil, &ArgumentError{Arg: "opts.RenewBefore", Problem: "must be shorter than Lifetime"}
	}
	if _, err := changeTypes(o.ChangeTypes); err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = c.clock
	}
	return &SubscriptionManager{c: c, url: notificationURL, o: o, wake: make(chan struct{}, 1), subs: map[string]*managedSub{}}, nil
}

// newClientState returns 32 random bytes in base64url (43 characters).
func newClientState() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (m *SubscriptionManager) create(ctx context.Context, resource string) (*managedSub, error) {
	state := newClientState()
	resp, err := m.c.CreateSubscription(ctx, resource, m.url, state, &CreateSubscriptionOptions{
		ChangeTypes:              m.o.ChangeTypes,
		Lifetime:                 m.o.Lifetime,
		LifecycleNotificationURL: m.o.LifecycleNotificationURL,
	})
	if err != nil {
		return nil, err
	}
	s := resp.Subscription
	if s.Resource == "" {
		s.Resource = resource
	}
	if s.ExpiresAt.IsZero() {
		s.ExpiresAt = m.o.Clock.Now().Add(m.o.Lifetime)
	}
	return &managedSub{sub: s, clientState: state}, nil
}

// Subscribe creates a subscription to resource (ChatMessagesResource or
// ChannelMessagesResource) and keeps it alive from now on.
func (m *SubscriptionManager) Subscribe(ctx context.Context, resource string) (Subscription, error) {
	ms, err := m.create(ctx, resource)
	if err != nil {
		return Subscription{}, err
	}
	m.mu.Lock()
	m.subs[ms.sub.ID] = ms
	m.mu.Unlock()
	m.poke()
	return ms.sub, nil
}

// Unsubscribe deletes a subscription and stops renewing it. A subscription
// Graph no longer has is forgotten without error.
func (m *SubscriptionManager) Unsubscribe(ctx context.Context, subscriptionID string) error {
	m.mu.Lock()
	_, ok := m.subs[subscriptionID]
	delete(m.subs, subscriptionID)
	m.mu.Unlock()
	if !ok {
		return &ArgumentError{Arg: "subscriptionID", Problem: "is not a subscription of this manager"}
	}
	m.poke()
	_, err := m.c.DeleteSubscription(ctx, subscriptionID, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// Subscriptions returns the managed subscriptions, by id.
func (m *SubscriptionManager) Subscriptions() []Subscription {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Subscription, 0, len(m.subs))
	for _, s := range m.subs {
		out = append(out, s.sub)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ClientState returns the client state of a managed subscription; it makes
// the manager a ClientStateSource.
func (m *SubscriptionManager) ClientState(subscriptionID string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.subs[subscriptionID]
	if !ok {
		return "", false
	}
	return s.clientState, true
}

// Handle acts on a lifecycle notification of a managed subscription:
// reauthorizationRequired renews it now, subscriptionRemoved creates it
// again (with a new id and client state), and missed needs nothing from the
// manager (the application should read the resource again to catch up).
// Change notifications and notifications of other subscriptions are
// ignored. Pass every Notification of a NotificationHandler through Handle.
func (m *SubscriptionManager) Handle(ctx context.Context, n Notification) error {
	switch n.Kind {
	case NotificationReauthorizationRequired:
		m.mu.Lock()
		_, ok := m.subs[n.SubscriptionID]
		m.mu.Unlock()
		if !ok {
			return nil
		}
		return m.renew(ctx, n.SubscriptionID)
	case NotificationSubscriptionRemoved:
		return m.recreate(ctx, n.SubscriptionID)
	}
	return nil
}

// renew extends one subscription; a subscription Graph no longer has is
// created again.
func (m *SubscriptionManager) renew(ctx context.Context, id string) error {
	resp, err := m.c.RenewSubscription(ctx, id, m.o.Lifetime, &RenewSubscriptionOptions{HasLifecycleURL: m.o.LifecycleNotificationURL != ""})
	if IsNotFound(err) {
		return m.recreate(ctx, id)
	}
	m.mu.Lock()
	s, ok := m.subs[id]
	switch {
	case !ok:
		// Unsubscribed meanwhile.
	case err != nil:
		m.failedLocked(s, err)
	default:
		s.failures, s.retryAt = 0, time.Time{}
		s.sub.ExpiresAt = resp.Subscription.ExpiresAt
		if s.sub.ExpiresAt.IsZero() {
			s.sub.ExpiresAt = m.o.Clock.Now().Add(m.o.Lifetime)
		}
	}
	m.mu.Unlock()
	if err != nil && ok {
		m.report(id, err)
	}
	return err
}

// recreate replaces a subscription Graph removed by a new one on the same
// resource.
func (m *SubscriptionManager) recreate(ctx context.Context, oldID string) error {
	m.mu.Lock()
	old, ok := m.subs[oldID]
	m.mu.Unlock()
	if !ok {
		return nil
	}
	ms, err := m.create(ctx, old.sub.Resource)
	m.mu.Lock()
	old, still := m.subs[oldID]
	switch {
	case !still:
	case err != nil:
		m.failedLocked(old, err)
	default:
		delete(m.subs, oldID)
		m.subs[ms.sub.ID] = ms
	}
	m.mu.Unlock()
	switch {
	case !still && err == nil:
		// Unsubscribed while it was being created again: do not keep it.
		_, _ = m.c.DeleteSubscription(ctx, ms.sub.ID, nil)
	case still && err != nil:
		m.report(oldID, err)
	case still:
		m.poke()
	}
	return err
}

// failedLocked schedules the next try of a failed renewal: after the
// service's Retry-After if any, else with a growing backoff (15 s doubling
// up to 16 min), and no later than 30 s before the subscription expires.
func (m *SubscriptionManager) failedLocked(s *managedSub, err error) {
	s.failures++
	d := time.Duration(1<<min(s.failures-1, 6)) * 15 * time.Second
	if ra := retryAfterOf(err); ra > d {
		d = ra
	}
	now := m.o.Clock.Now()
	at := now.Add(d)
	if exp := s.sub.ExpiresAt.Add(-30 * time.Second); at.After(exp) && exp.After(now) {
		at = exp
	}
	s.retryAt = at
}

// report hands a failure to OnError, without the lock held.
func (m *SubscriptionManager) report(id string, err error) {
	if m.o.OnError != nil {
		m.o.OnError(id, err)
	}
}

// poke wakes Run to look at the schedule again.
func (m *SubscriptionManager) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// dueAt is when a subscription next needs a renewal.
func (m *SubscriptionManager) dueAt(s *managedSub) time.Time {
	if !s.retryAt.IsZero() {
		return s.retryAt
	}
	return s.sub.ExpiresAt.Add(-m.o.RenewBefore)
}

// Run renews the managed subscriptions before they expire, until ctx ends;
// it then returns ctx's error. Failed renewals are reported to OnError and
// tried again. Run it in one goroutine (it owns the schedule); Subscribe,
// Unsubscribe and Handle may be called meanwhile from others.
func (m *SubscriptionManager) Run(ctx context.Context) error {
	for {
		now := m.o.Clock.Now()
		var due []string
		var next time.Time
		m.mu.Lock()
		for id, s := range m.subs {
			at := m.dueAt(s)
			if !at.After(now) {
				due = append(due, id)
			} else if next.IsZero() || at.Before(next) {
				next = at
			}
		}
		m.mu.Unlock()
		sort.Strings(due)
		for _, id := range due {
			if err := ctx.Err(); err != nil {
				return err
			}
			_ = m.renew(ctx, id) // failures are scheduled and reported
		}
		if len(due) > 0 {
			continue
		}
		var timer identity.Timer
		var fire <-chan time.Time
		if !next.IsZero() {
			timer = m.o.Clock.NewTimer(next.Sub(now))
			fire = timer.C()
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return ctx.Err()
		case <-m.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// Close deletes every managed subscription and forgets them. It returns the
// deletions' errors joined (a subscription Graph no longer has is not an
// error).
func (m *SubscriptionManager) Close(ctx context.Context) error {
	m.mu.Lock()
	ids := make([]string, 0, len(m.subs))
	for id := range m.subs {
		ids = append(ids, id)
	}
	m.subs = map[string]*managedSub{}
	m.mu.Unlock()
	m.poke()
	sort.Strings(ids)
	var errs []error
	for _, id := range ids {
		if _, err := m.c.DeleteSubscription(ctx, id, nil); err != nil && !IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
