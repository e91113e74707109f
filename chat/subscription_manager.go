package chat

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
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
	// 55 minutes without a lifecycle URL, and 24 hours with one. A presence
	// subscription lasts at most MaxPresenceSubscriptionLifetime: above
	// that, 55 minutes.
	Lifetime time.Duration
	// RenewBefore is how long before expiry a subscription is renewed. Zero
	// means a quarter of Lifetime, at most one hour (for a presence
	// subscription, at most a quarter of its own lifetime).
	RenewBefore time.Duration
	// ChangeTypes are the changes to report; nil means created, updated and
	// deleted. Presence subscriptions report updated, their only change
	// type, whatever ChangeTypes says.
	ChangeTypes []ChangeType
	// Clock is the time source of the renewal schedule; nil means the
	// system clock.
	Clock identity.Clock
	// OnError, when set, is called (from Run or Handle) with each renewal,
	// re-creation or store access that failed (subscriptionID is empty for
	// a store access that concerns no one subscription); the manager tries
	// again later by itself.
	OnError func(subscriptionID string, err error)
	// Store keeps the subscriptions, and the digests of their client
	// states, where every replica of the service finds them (see
	// SubscriptionStore); nil means NewMemorySubscriptionStore(Clock): a
	// service of one replica.
	Store SubscriptionStore
	// LeaderLease is how long the renewal lease of Run lasts unless it is
	// extended (Run extends it a third of the way): how long renewals wait
	// for another replica after the leader died. Zero means
	// DefaultLeaderLease.
	LeaderLease time.Duration
}

// SubscriptionManager keeps change-notification subscriptions alive: it
// creates them with a random client state each, one per resource, renews
// them before they expire (Run), answers lifecycle notifications (Handle:
// renews on reauthorizationRequired, re-creates on subscriptionRemoved),
// and deletes them (Unsubscribe, UnsubscribeAll). It is the
// ClientStateChecker of a NotificationHandler, which then accepts only
// notifications of its subscriptions.
//
// The subscriptions live in a SubscriptionStore, which the managers of
// every replica of a service share (SubscriptionManagerOptions.Store): a
// notification is accepted by any replica, Subscribe on several replicas
// makes one subscription per resource, and the Run of one replica at a
// time, the leader, renews them all — those of a replica that crashed
// included. A replica that stops just ends its Run, which hands the
// renewals over at once.
//
// It is safe for concurrent use and starts no goroutine: Run does the
// renewals in the caller's goroutine until its ctx ends.
type SubscriptionManager struct {
	c     *Client
	url   string // the notification URL
	o     SubscriptionManagerOptions
	store SubscriptionStore
	id    string // this manager, as a lease holder
	wake  chan struct{}

	mu    sync.Mutex
	known map[string]knownSub // by subscription id: the digests this manager saw last
	sched map[string]retry    // by subscription id: failed renewals, while leader
}

// knownSub is what a manager remembers of a subscription it saw in its
// store, to check notifications while the store cannot be reached.
type knownSub struct {
	hash    [32]byte
	expires time.Time
}

// retry is the schedule of a failed renewal.
type retry struct {
	failures int
	at       time.Time
}

const (
	// leaderLease names the lease of the renewals; resourceLease prefixes
	// the lease of a resource, which a creation, a re-creation, a deletion
	// or a mend holds, for resourceHold at most (Graph validates the URL
	// of a creation within 10 s).
	leaderLease   = "leader"
	resourceLease = "resource:"
	resourceHold  = time.Minute
	// maxKnown bounds the digests a manager keeps for outages.
	maxKnown = 1 << 16
	// DefaultLeaderLease is SubscriptionManagerOptions.LeaderLease's
	// default.
	DefaultLeaderLease = 30 * time.Second
)

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
	if _, err := changeTypes(o.ChangeTypes, false); err != nil {
		return nil, err
	}
	switch {
	case o.LeaderLease == 0:
		o.LeaderLease = DefaultLeaderLease
	case o.LeaderLease < 10*time.Millisecond:
		return nil, &ArgumentError{Arg: "opts.LeaderLease", Problem: "must be at least 10ms"}
	}
	if o.Clock == nil {
		o.Clock = c.clock
	}
	store := o.Store
	if store == nil {
		store = NewMemorySubscriptionStore(o.Clock)
	}
	return &SubscriptionManager{
		c: c, url: notificationURL, o: o, store: store, id: newClientState()[:22],
		wake: make(chan struct{}, 1), known: map[string]knownSub{}, sched: map[string]retry{},
	}, nil
}

// newClientState returns 32 random bytes in base64url (43 characters).
func newClientState() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// lifetime is how long the subscriptions to resource last: Lifetime, but
// for presence at most MaxPresenceSubscriptionLifetime (55 minutes when
// Lifetime is longer, clear of the limit when this machine's clock is a
// little ahead of Graph's).
func (m *SubscriptionManager) lifetime(resource string) time.Duration {
	if m.o.Lifetime > MaxPresenceSubscriptionLifetime && isPresenceResource(resource) {
		return defaultLifetime
	}
	return m.o.Lifetime
}

// renewBefore is how long before its expiry a subscription to resource is
// renewed: RenewBefore, but at most a quarter of a presence subscription's
// shorter lifetime.
func (m *SubscriptionManager) renewBefore(resource string) time.Duration {
	if lt := m.lifetime(resource); lt < m.o.Lifetime {
		return min(m.o.RenewBefore, lt/4)
	}
	return m.o.RenewBefore
}

// create makes a subscription at Graph; the caller records it.
func (m *SubscriptionManager) create(ctx context.Context, resource string) (SubscriptionRecord, error) {
	state := newClientState()
	changes := m.o.ChangeTypes
	if isPresenceResource(resource) {
		changes = nil // updated, presence's only change type
	}
	resp, err := m.c.CreateSubscription(ctx, resource, m.url, state, &CreateSubscriptionOptions{
		ChangeTypes:              changes,
		Lifetime:                 m.lifetime(resource),
		LifecycleNotificationURL: m.o.LifecycleNotificationURL,
	})
	if err != nil {
		return SubscriptionRecord{}, err
	}
	s := resp.Subscription
	if s.Resource == "" {
		s.Resource = resource
	}
	if s.ExpiresAt.IsZero() {
		s.ExpiresAt = m.o.Clock.Now().Add(m.lifetime(resource))
	}
	return SubscriptionRecord{Subscription: s, ClientStateHash: hashClientState(state)}, nil
}

// holdResource takes the lease of a resource, waiting while another
// replica (or another call of this one) holds it, until ctx ends. The
// wait is in real time: it waits for other processes, not for the
// renewal schedule.
func (m *SubscriptionManager) holdResource(ctx context.Context, resource string) (Lease, error) {
	holder := m.id + "/" + newClientState()[:11]
	wait := 10 * time.Millisecond
	for {
		l, ok, err := m.store.Lease(ctx, resourceLease+resource, holder, resourceHold)
		if err != nil || ok {
			return l, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return Lease{}, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// release gives a lease back, even when ctx has ended: a lease left held
// only delays the next holder until it ends.
func (m *SubscriptionManager) release(ctx context.Context, l Lease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = m.store.ReleaseLease(ctx, l)
}

// Subscribe returns the subscription to resource (ChatMessagesResource,
// ChannelMessagesResource, ChatResource, ChatMembersResource or
// PresencesResource), and creates it when the manager's store has none;
// from then on it is kept alive. Subscribing to a resource on several
// replicas at once makes one subscription.
func (m *SubscriptionManager) Subscribe(ctx context.Context, resource string) (Subscription, error) {
	if err := checkResource(resource); err != nil {
		return Subscription{}, err
	}
	for {
		if rec, ok, err := m.store.Resource(ctx, resource); err != nil || ok {
			m.remember(rec)
			return rec.Subscription, err
		}
		hold, err := m.holdResource(ctx, resource)
		if err != nil {
			return Subscription{}, err
		}
		sub, done, err := m.subscribeHolding(ctx, resource, hold)
		m.release(ctx, hold)
		if done || err != nil {
			return sub, err
		}
		// The hold ended before the record was written: another replica
		// may have subscribed meanwhile. Look again.
	}
}

// subscribeHolding creates the subscription of resource under the
// resource's lease, unless it exists. done is false when the lease ended
// before the new subscription could be recorded (the subscription is then
// deleted again).
func (m *SubscriptionManager) subscribeHolding(ctx context.Context, resource string, hold Lease) (_ Subscription, done bool, _ error) {
	if rec, ok, err := m.store.Resource(ctx, resource); err != nil || ok {
		m.remember(rec)
		return rec.Subscription, true, err
	}
	rec, err := m.create(ctx, resource)
	if err != nil {
		return Subscription{}, true, err
	}
	ok, err := m.store.Put(ctx, rec, "", hold)
	if err != nil || !ok {
		// Unrecorded, it would be renewed by no one and refused by every
		// replica: delete it.
		_, _ = m.c.DeleteSubscription(context.WithoutCancel(ctx), rec.Subscription.ID, nil)
		return Subscription{}, err != nil, err
	}
	m.remember(rec)
	m.poke()
	return rec.Subscription, true, nil
}

// Unsubscribe deletes a subscription and stops renewing it. A subscription
// Graph no longer has is forgotten without error.
func (m *SubscriptionManager) Unsubscribe(ctx context.Context, subscriptionID string) error {
	rec, ok, err := m.store.Subscription(ctx, subscriptionID)
	if err != nil {
		return err
	}
	if !ok {
		return &ArgumentError{Arg: "subscriptionID", Problem: "is not a subscription of this manager"}
	}
	return m.unsubscribe(ctx, rec.Subscription)
}

func (m *SubscriptionManager) unsubscribe(ctx context.Context, s Subscription) error {
	hold, err := m.holdResource(ctx, s.Resource)
	if err != nil {
		return err
	}
	defer m.release(ctx, hold)
	ok, err := m.store.Delete(ctx, s.Resource, s.ID, hold)
	if err != nil || !ok {
		return err // !ok: unsubscribed or replaced meanwhile
	}
	m.forget(s.ID)
	_, err = m.c.DeleteSubscription(ctx, s.ID, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// Subscriptions returns the subscriptions of the manager's store, by id.
func (m *SubscriptionManager) Subscriptions(ctx context.Context) ([]Subscription, error) {
	recs, err := m.store.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.Subscription)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// CheckClientState reports whether clientState is the client state of
// subscriptionID, a subscription of the manager's store; it makes the
// manager a ClientStateChecker. It compares digests in constant time.
// While the store cannot be reached, it answers from the digests it saw
// last, up to each subscription's expiry, and otherwise returns the
// store's error.
func (m *SubscriptionManager) CheckClientState(ctx context.Context, subscriptionID, clientState string) (bool, error) {
	got := hashClientState(clientState)
	rec, ok, err := m.store.Subscription(ctx, subscriptionID)
	if err != nil {
		m.mu.Lock()
		k, seen := m.known[subscriptionID]
		m.mu.Unlock()
		if seen && m.o.Clock.Now().Before(k.expires) {
			return subtle.ConstantTimeCompare(got[:], k.hash[:]) == 1, nil
		}
		return false, err
	}
	if !ok {
		m.forget(subscriptionID)
		return false, nil
	}
	m.remember(rec)
	return subtle.ConstantTimeCompare(got[:], rec.ClientStateHash[:]) == 1, nil
}

// remember keeps a record's digest for the times the store is out of
// reach; forget drops it.
func (m *SubscriptionManager) remember(rec SubscriptionRecord) {
	if rec.Subscription.ID == "" {
		return
	}
	now := m.o.Clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.known) >= maxKnown {
		for id, k := range m.known {
			if !now.Before(k.expires) {
				delete(m.known, id)
			}
		}
		if len(m.known) >= maxKnown {
			clear(m.known)
		}
	}
	m.known[rec.Subscription.ID] = knownSub{hash: rec.ClientStateHash, expires: rec.Subscription.ExpiresAt}
}

func (m *SubscriptionManager) forget(id string) {
	m.mu.Lock()
	delete(m.known, id)
	delete(m.sched, id)
	m.mu.Unlock()
}

// Handle acts on a lifecycle notification of a subscription of the
// manager's store, on whichever replica it arrives: reauthorizationRequired
// renews it now, subscriptionRemoved creates it again (with a new id and
// client state), and missed needs nothing from the manager (the
// application should read the resource again to catch up). Change
// notifications and notifications of other subscriptions are ignored. Pass
// every Notification of a NotificationHandler through Handle.
func (m *SubscriptionManager) Handle(ctx context.Context, n Notification) error {
	switch n.Kind {
	case NotificationReauthorizationRequired, NotificationSubscriptionRemoved:
	default:
		return nil
	}
	rec, ok, err := m.store.Subscription(ctx, n.SubscriptionID)
	if err != nil || !ok {
		return err
	}
	hold, err := m.holdResource(ctx, rec.Subscription.Resource)
	if err != nil {
		return err
	}
	defer m.release(ctx, hold)
	if n.Kind == NotificationSubscriptionRemoved {
		return m.recreate(ctx, rec, hold)
	}
	return m.renew(ctx, rec, hold)
}

// renew extends one subscription and records its new expiry under fence;
// a subscription Graph no longer has is created again.
func (m *SubscriptionManager) renew(ctx context.Context, rec SubscriptionRecord, fence Lease) error {
	id := rec.Subscription.ID
	resp, err := m.c.RenewSubscription(ctx, id, m.lifetime(rec.Subscription.Resource), &RenewSubscriptionOptions{HasLifecycleURL: m.o.LifecycleNotificationURL != ""})
	if IsNotFound(err) {
		if fence.Name == leaderLease {
			hold, herr := m.holdResource(ctx, rec.Subscription.Resource)
			if herr != nil {
				return herr
			}
			defer m.release(ctx, hold)
			fence = hold
		}
		return m.recreate(ctx, rec, fence)
	}
	if err != nil {
		m.failed(id, rec.Subscription.ExpiresAt, err)
		m.report(id, err)
		return err
	}
	m.mu.Lock()
	delete(m.sched, id)
	m.mu.Unlock()
	rec.Subscription.ExpiresAt = resp.Subscription.ExpiresAt
	if rec.Subscription.ExpiresAt.IsZero() {
		rec.Subscription.ExpiresAt = m.o.Clock.Now().Add(m.lifetime(rec.Subscription.Resource))
	}
	// Not written (false): unsubscribed or replaced meanwhile, or the
	// fence ended; either way the record is someone else's now.
	if ok, err := m.store.Put(ctx, rec, id, fence); err != nil {
		m.report(id, err)
		return err
	} else if ok {
		m.remember(rec)
	}
	return nil
}

// recreate replaces a subscription Graph removed by a new one on the same
// resource, under hold, the resource's lease. A subscription unsubscribed
// or already replaced meanwhile is left alone.
func (m *SubscriptionManager) recreate(ctx context.Context, old SubscriptionRecord, hold Lease) error {
	oldID := old.Subscription.ID
	cur, ok, err := m.store.Resource(ctx, old.Subscription.Resource)
	if err != nil || !ok || cur.Subscription.ID != oldID {
		return err
	}
	rec, err := m.create(ctx, old.Subscription.Resource)
	if err != nil {
		m.failed(oldID, old.Subscription.ExpiresAt, err)
		m.report(oldID, err)
		return err
	}
	ok, err = m.store.Put(ctx, rec, oldID, hold)
	if err != nil || !ok {
		_, _ = m.c.DeleteSubscription(context.WithoutCancel(ctx), rec.Subscription.ID, nil)
		if err != nil {
			m.report(oldID, err)
		}
		return err
	}
	m.forget(oldID)
	m.remember(rec)
	m.poke()
	return nil
}

// failed schedules the next try of a failed renewal: after the service's
// Retry-After if any, else with a growing backoff (15 s doubling up to 16
// min), and no later than 30 s before the subscription expires.
func (m *SubscriptionManager) failed(id string, expires time.Time, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.sched[id]
	r.failures++
	d := time.Duration(1<<min(r.failures-1, 6)) * 15 * time.Second
	if ra := retryAfterOf(err); ra > d {
		d = ra
	}
	now := m.o.Clock.Now()
	r.at = now.Add(d)
	if exp := expires.Add(-30 * time.Second); r.at.After(exp) && exp.After(now) {
		r.at = exp
	}
	m.sched[id] = r
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
func (m *SubscriptionManager) dueAt(rec SubscriptionRecord) time.Time {
	m.mu.Lock()
	r, ok := m.sched[rec.Subscription.ID]
	m.mu.Unlock()
	if ok {
		return r.at
	}
	return rec.Subscription.ExpiresAt.Add(-m.renewBefore(rec.Subscription.Resource))
}

// Run renews the subscriptions of the manager's store before they expire,
// until ctx ends; it then gives up the leader lease and returns ctx's
// error. Run it on every replica, in one goroutine each: one of them at a
// time holds the store's leader lease and renews every subscription, and
// when it stops or dies, another takes over within LeaderLease. Failed
// renewals are reported to OnError and tried again. Subscribe, Unsubscribe
// and Handle may be called meanwhile from other goroutines.
//
// Every replica reads the store a third of LeaderLease apart and keeps the
// digests it finds, so that it can check notifications while the store is
// out of reach. The leader also compares the store with the subscriptions
// Graph lists for the notification URL — when its term starts, when a
// subscription it saw is gone from the store, and ten times LeaderLease
// apart — and mends what differs: a subscription whose record is gone (the
// store came back empty, or the replica that created it died before it
// wrote it) is recorded again from the digest a replica kept, or replaced
// by a new one when no digest is left; one beside the resource's recorded
// subscription is deleted. So every manager of one user and notification
// URL must share one store: the leader takes a subscription its store does
// not hold for one to mend.
func (m *SubscriptionManager) Run(ctx context.Context) error {
	var lease Lease
	defer func() {
		if lease.Token != 0 {
			m.release(ctx, lease)
		}
	}()
	var listed map[string]bool // the ids of the last reading
	var reconciled time.Time
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := m.o.Clock.Now()
		next := now.Add(m.o.LeaderLease / 3)
		l, leader, err := m.store.Lease(ctx, leaderLease, m.id, m.o.LeaderLease)
		if err != nil && ctx.Err() == nil {
			m.report("", err)
		}
		newTerm := leader && l.Token != lease.Token
		if !leader || newTerm {
			// What an earlier term scheduled is stale.
			m.mu.Lock()
			clear(m.sched)
			m.mu.Unlock()
		}
		lease = Lease{}
		if leader {
			lease = l
		}
		recs, err := m.store.Subscriptions(ctx)
		if err != nil && ctx.Err() == nil {
			m.report("", err)
		}
		if err == nil {
			seen := make(map[string]bool, len(recs))
			vanished := false
			for _, rec := range recs {
				seen[rec.Subscription.ID] = true
				m.remember(rec)
			}
			for id := range listed {
				vanished = vanished || !seen[id]
			}
			listed = seen
			if leader && (newTerm || vanished || !now.Before(reconciled.Add(10*m.o.LeaderLease))) {
				reconciled = now
				if err := m.reconcile(ctx); err != nil && ctx.Err() == nil {
					m.report("", err)
				}
			}
			if leader {
				due, at := m.dueRenewals(recs, now)
				if m.renewAll(ctx, due, lease) {
					continue // look at the store again
				}
				if !at.IsZero() && at.Before(next) {
					next = at
				}
			}
		}
		timer := m.o.Clock.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
		case <-m.wake:
		case <-timer.C():
		}
		timer.Stop()
	}
}

// dueRenewals picks the records that need a renewal at now, and says when
// the next one will.
func (m *SubscriptionManager) dueRenewals(recs []SubscriptionRecord, now time.Time) (due []SubscriptionRecord, next time.Time) {
	live := make(map[string]bool, len(recs))
	for _, rec := range recs {
		live[rec.Subscription.ID] = true
		if at := m.dueAt(rec); !at.After(now) {
			due = append(due, rec)
		} else if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	m.mu.Lock()
	for id := range m.sched {
		if !live[id] {
			delete(m.sched, id)
		}
	}
	m.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].Subscription.ID < due[j].Subscription.ID })
	return due, next
}

// reconcile mends the store from the subscriptions Graph lists for the
// notification URL (see Run).
func (m *SubscriptionManager) reconcile(ctx context.Context) error {
	var unknown []Subscription
	for s, err := range m.c.ListSubscriptions(ctx, nil) {
		if err != nil {
			return err
		}
		if s.NotificationURL != m.url || checkResource(s.Resource) != nil {
			continue
		}
		if _, ok, err := m.store.Subscription(ctx, s.ID); err != nil {
			return err
		} else if !ok {
			unknown = append(unknown, s)
		}
	}
	var errs []error
	for _, s := range unknown {
		if err := m.mend(ctx, s); err != nil {
			m.report(s.ID, err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// mend deals with s, a subscription at Graph without a record, under its
// resource's lease.
func (m *SubscriptionManager) mend(ctx context.Context, s Subscription) error {
	hold, err := m.holdResource(ctx, s.Resource)
	if err != nil {
		return err
	}
	defer m.release(ctx, hold)
	cur, ok, err := m.store.Resource(ctx, s.Resource)
	switch {
	case err != nil:
		return err
	case ok && cur.Subscription.ID == s.ID:
		return nil // recorded meanwhile
	case ok:
		// A second subscription to the resource: its creator died
		// between creating it and finding the resource taken.
		_, err := m.c.DeleteSubscription(ctx, s.ID, nil)
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	// The renewal says whether it still exists (an Unsubscribe deletes the
	// record first, then the subscription, under this same lease).
	resp, err := m.c.RenewSubscription(ctx, s.ID, m.lifetime(s.Resource), &RenewSubscriptionOptions{HasLifecycleURL: m.o.LifecycleNotificationURL != ""})
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !resp.Subscription.ExpiresAt.IsZero() {
		s.ExpiresAt = resp.Subscription.ExpiresAt
	}
	m.mu.Lock()
	k, known := m.known[s.ID]
	m.mu.Unlock()
	if known { // it exists, so the digest is still its client state's
		rec := SubscriptionRecord{Subscription: s, ClientStateHash: k.hash}
		if _, err := m.store.Put(ctx, rec, "", hold); err != nil {
			return err
		}
		m.remember(rec)
		return nil
	}
	// Nobody kept its client state, so nobody can check its notifications:
	// replace it.
	rec, err := m.create(ctx, s.Resource)
	if err != nil {
		return err
	}
	if ok, err := m.store.Put(ctx, rec, "", hold); err != nil || !ok {
		_, _ = m.c.DeleteSubscription(context.WithoutCancel(ctx), rec.Subscription.ID, nil)
		return err
	}
	m.remember(rec)
	if _, err := m.c.DeleteSubscription(ctx, s.ID, nil); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// renewAll renews due under lease, extending the lease before each
// renewal; it stops when ctx ends or the lease is lost. It reports whether
// it renewed anything.
func (m *SubscriptionManager) renewAll(ctx context.Context, due []SubscriptionRecord, lease Lease) bool {
	for i, rec := range due {
		if ctx.Err() != nil {
			return i > 0
		}
		if i > 0 {
			l, ok, err := m.store.Lease(ctx, leaderLease, m.id, m.o.LeaderLease)
			if err != nil || !ok || l.Token != lease.Token {
				return true
			}
		}
		_ = m.renew(ctx, rec, lease) // failures are scheduled and reported
	}
	return len(due) > 0
}

// UnsubscribeAll deletes every subscription of the manager's store — with
// a store shared by replicas, those of every replica: call it when the
// service as a whole stops listening, not when one replica stops (that
// replica just ends its Run). It returns the deletions' errors joined (a
// subscription Graph no longer has is not an error).
func (m *SubscriptionManager) UnsubscribeAll(ctx context.Context) error {
	recs, err := m.store.Subscriptions(ctx)
	if err != nil {
		return err
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Subscription.ID < recs[j].Subscription.ID })
	var errs []error
	for _, rec := range recs {
		if err := m.unsubscribe(ctx, rec.Subscription); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
