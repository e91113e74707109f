package chat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

func TestMemorySubscriptionStore(t *testing.T) {
	chattest.TestSubscriptionStore(t, func(*testing.T) chat.SubscriptionStore { return chat.NewMemorySubscriptionStore(nil) })
}

// downStore is a replica's view of a shared store, which it can lose: while
// down, every call fails as with a store out of reach (or a replica that
// died: its last release never arrives).
type downStore struct {
	chat.SubscriptionStore
	down    atomic.Bool
	leading atomic.Uint64 // the token of the leader lease it last took
}

var errStoreDown = errors.New("store unreachable")

func (s *downStore) Lease(ctx context.Context, name, holder string, ttl time.Duration) (chat.Lease, bool, error) {
	if s.down.Load() {
		return chat.Lease{}, false, errStoreDown
	}
	l, ok, err := s.SubscriptionStore.Lease(ctx, name, holder, ttl)
	if ok && name == "leader" {
		s.leading.Store(l.Token)
	}
	return l, ok, err
}

func (s *downStore) ReleaseLease(ctx context.Context, l chat.Lease) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.SubscriptionStore.ReleaseLease(ctx, l)
}

func (s *downStore) Subscription(ctx context.Context, id string) (chat.SubscriptionRecord, bool, error) {
	if s.down.Load() {
		return chat.SubscriptionRecord{}, false, errStoreDown
	}
	return s.SubscriptionStore.Subscription(ctx, id)
}

func (s *downStore) Resource(ctx context.Context, res string) (chat.SubscriptionRecord, bool, error) {
	if s.down.Load() {
		return chat.SubscriptionRecord{}, false, errStoreDown
	}
	return s.SubscriptionStore.Resource(ctx, res)
}

func (s *downStore) Subscriptions(ctx context.Context) ([]chat.SubscriptionRecord, error) {
	if s.down.Load() {
		return nil, errStoreDown
	}
	return s.SubscriptionStore.Subscriptions(ctx)
}

func (s *downStore) Put(ctx context.Context, rec chat.SubscriptionRecord, replaces string, fence chat.Lease) (bool, error) {
	if s.down.Load() {
		return false, errStoreDown
	}
	return s.SubscriptionStore.Put(ctx, rec, replaces, fence)
}

func (s *downStore) Delete(ctx context.Context, res, id string, fence chat.Lease) (bool, error) {
	if s.down.Load() {
		return false, errStoreDown
	}
	return s.SubscriptionStore.Delete(ctx, res, id, fence)
}

// replica is one replica's chat side: its own client, manager and handler.
type replica struct {
	mgr   *chat.SubscriptionManager
	h     *chat.NotificationHandler
	store *downStore
}

// roundRobin is a load balancer in front of the replicas' handlers.
type roundRobin struct {
	mu   sync.Mutex
	next int
	to   []http.Handler
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rr.mu.Lock()
	h := rr.to[rr.next%len(rr.to)]
	rr.next++
	rr.mu.Unlock()
	h.ServeHTTP(w, r)
}

// replicas starts n replicas of Alice's chat side behind one round-robin
// URL; with shared set they share one store, otherwise each has its own
// (as every replica had before stores).
func replicas(t *testing.T, g *fakeGraph, n int, shared bool, o chat.SubscriptionManagerOptions) []*replica {
	t.Helper()
	rr := &roundRobin{}
	srv := httptest.NewServer(rr)
	t.Cleanup(srv.Close)
	common := chat.NewMemorySubscriptionStore(g.clock)
	var out []*replica
	for range n {
		store := common
		if !shared {
			store = chat.NewMemorySubscriptionStore(g.clock)
		}
		r := &replica{store: &downStore{SubscriptionStore: store}}
		opts := o
		opts.Clock, opts.Store = g.clock, r.store
		var err error
		r.mgr, err = chat.NewSubscriptionManager(g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock }), srv.URL+"/hook", &opts)
		require.NoError(t, err)
		r.h, err = chat.NewNotificationHandler(r.mgr, nil)
		require.NoError(t, err)
		rr.to = append(rr.to, r.h)
		out = append(out, r)
	}
	return out
}

// statuses counts the webhook's answers to the fake's deliveries.
func statuses(g *fakeGraph) map[int]int {
	out := map[int]int{}
	for _, d := range g.svc.Deliveries() {
		out[d.Status]++
	}
	return out
}

// TestReplicasShareSubscriptions: replicas that share a store subscribe to
// a resource at the same time and make one subscription, and each replica
// accepts the notifications of the subscription another one created. With
// a store per replica — how every replica worked before — each replica
// makes a subscription of its own and refuses the notifications of the
// others' (a delivery of nothing but those gets 403), which is what the
// second half shows.
func TestReplicasShareSubscriptions(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, shared bool) (creates int, st map[int]int, sent, got int) {
		g := newFakeGraph(t)
		rs := replicas(t, g, 3, shared, chat.SubscriptionManagerOptions{})
		chatID := g.seeded.Meeting.ChatID
		ids := make(chan string, len(rs))
		var wg sync.WaitGroup
		for _, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := r.mgr.Subscribe(ctx, chat.ChatMessagesResource(chatID))
				require.NoError(t, err)
				ids <- s.ID
			}()
		}
		wg.Wait()
		close(ids)
		if shared {
			first := <-ids
			for id := range ids {
				require.Equal(t, first, id, "every replica has the one subscription")
			}
		}
		for i := range 6 {
			_, err := g.svc.Post(g.seeded.Bob.ID, chatID, "message "+string(rune('a'+i)))
			require.NoError(t, err)
			require.NoError(t, g.svc.Flush(ctx)) // one delivery per message
		}
		for _, r := range rs {
			got += len(r.h.Notifications())
		}
		for _, d := range g.svc.Deliveries() {
			sent += len(d.Notifications)
		}
		creates, _ = g.svc.CountRequests(fake.OpCreateSubscription)
		return creates, statuses(g), sent, got
	}
	t.Run("shared store", func(t *testing.T) {
		creates, st, sent, got := run(t, true)
		require.Equal(t, 1, creates, "one subscription for the resource")
		require.Equal(t, map[int]int{http.StatusAccepted: 6}, st, "every delivery accepted, whichever replica it reached")
		require.Equal(t, 6, sent)
		require.Equal(t, 6, got)
	})
	t.Run("a store per replica", func(t *testing.T) {
		creates, _, sent, got := run(t, false)
		require.Equal(t, 3, creates, "a subscription per replica")
		require.Equal(t, 18, sent, "each message notified three times")
		require.Equal(t, 6, got, "each replica refused the notifications of the others' subscriptions")
	})
}

// TestLeaderRenewsAndHandsOver: of the replicas running Run, one — the
// leader — renews every subscription, those another replica created
// included, once each; when the leader dies without a word (its release
// never reaches the store), another replica takes the lease once it has
// ended and renews them all.
func TestLeaderRenewsAndHandsOver(t *testing.T) {
	g := newFakeGraph(t)
	ctx := context.Background()
	rs := replicas(t, g, 2, true, chat.SubscriptionManagerOptions{})
	_, err := rs[0].mgr.Subscribe(ctx, chat.ChatMessagesResource(g.seeded.Meeting.ChatID))
	require.NoError(t, err)
	_, err = rs[1].mgr.Subscribe(ctx, chat.ChannelMessagesResource(g.seeded.Team.ID, g.seeded.Channel.ID))
	require.NoError(t, err)

	stops := make([]context.CancelFunc, len(rs))
	done := make(chan error, len(rs))
	for i, r := range rs {
		var runCtx context.Context
		runCtx, stops[i] = context.WithCancel(ctx)
		go func() { done <- r.mgr.Run(runCtx) }()
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	wait, stopWait := context.WithTimeout(ctx, 10*time.Second)
	defer stopWait()
	updates := func() int { n, _ := g.svc.CountRequests(fake.OpUpdateSubscription); return n }
	running := len(rs)
	set := func(at time.Time) {
		t.Helper()
		require.NoError(t, g.clock.BlockUntil(wait, running))
		g.clock.Set(at)
		require.NoError(t, g.clock.BlockUntil(wait, running))
	}
	due := func() time.Time {
		first := g.svc.Subscriptions()[0].ExpiresAt
		for _, s := range g.svc.Subscriptions() {
			if s.ExpiresAt.Before(first) {
				first = s.ExpiresAt
			}
		}
		return first.Add(-55 * time.Minute / 4)
	}

	before := updates()
	set(due())
	require.Equal(t, before+2, updates(), "both subscriptions renewed once, by one replica")
	leader, other := rs[0], rs[1]
	if other.store.leading.Load() > leader.store.leading.Load() {
		leader, other = other, leader
	}
	for _, s := range g.svc.Subscriptions() {
		require.Equal(t, g.clock.Now().Add(55*time.Minute), s.ExpiresAt)
	}

	// The leader dies: its store calls fail from now on, so its lease is
	// never released and ends on its own.
	leader.store.down.Store(true)
	for i, r := range rs {
		if r == leader {
			stops[i]()
		}
	}
	require.ErrorIs(t, <-done, context.Canceled)
	running--
	term := leader.store.leading.Load()
	before = updates()
	set(due())
	require.Equal(t, before+2, updates(), "the other replica renewed both")
	require.Greater(t, other.store.leading.Load(), term, "under a lease of its own, with a greater token")
	for _, s := range g.svc.Subscriptions() {
		require.Equal(t, g.clock.Now().Add(55*time.Minute), s.ExpiresAt)
	}
}

// TestStoreOutage: while the store is out of reach, a replica still checks
// the notifications of the subscriptions it saw (from their digests, up to
// their expiry) and answers 503 for the others, which Graph delivers again
// later; Subscribe fails without creating anything; once the store is back,
// everything works again.
func TestStoreOutage(t *testing.T) {
	g := newFakeGraph(t)
	ctx := context.Background()
	rs := replicas(t, g, 2, true, chat.SubscriptionManagerOptions{})
	a, b := rs[0], rs[1]
	chatID := g.seeded.Meeting.ChatID
	sub, err := a.mgr.Subscribe(ctx, chat.ChatMessagesResource(chatID))
	require.NoError(t, err)
	state := g.svc.Subscriptions()[0].ClientState

	a.store.down.Store(true)
	b.store.down.Store(true)
	ok, err := a.mgr.CheckClientState(ctx, sub.ID, state)
	require.NoError(t, err)
	require.True(t, ok, "the replica that subscribed knows the digest")
	ok, err = a.mgr.CheckClientState(ctx, sub.ID, state+"x")
	require.NoError(t, err)
	require.False(t, ok)
	_, err = b.mgr.CheckClientState(ctx, sub.ID, state)
	require.ErrorIs(t, err, errStoreDown, "the other replica never saw it: it cannot tell")
	creates, _ := g.svc.CountRequests(fake.OpCreateSubscription)
	_, err = a.mgr.Subscribe(ctx, chat.ChannelMessagesResource(g.seeded.Team.ID, g.seeded.Channel.ID))
	require.ErrorIs(t, err, errStoreDown)
	after, _ := g.svc.CountRequests(fake.OpCreateSubscription)
	require.Equal(t, creates, after, "nothing created while the store is out of reach")

	// Two messages: one delivery reaches each replica.
	for _, text := range []string{"one", "two"} {
		_, err := g.svc.Post(g.seeded.Bob.ID, chatID, text)
		require.NoError(t, err)
		require.NoError(t, g.svc.Flush(ctx))
	}
	require.Equal(t, map[int]int{http.StatusAccepted: 1, http.StatusServiceUnavailable: 1}, statuses(g))

	// Back: the replica that could not tell accepts now.
	a.store.down.Store(false)
	b.store.down.Store(false)
	for _, text := range []string{"three", "four"} {
		_, err := g.svc.Post(g.seeded.Bob.ID, chatID, text)
		require.NoError(t, err)
		require.NoError(t, g.svc.Flush(ctx))
	}
	require.Equal(t, map[int]int{http.StatusAccepted: 3, http.StatusServiceUnavailable: 1}, statuses(g))
	require.Len(t, a.h.Notifications(), 2)
	require.Len(t, b.h.Notifications(), 1)
}

// losable is a shared store that can come back empty, as a Redis without
// persistence does after a restart.
type losable struct {
	mu sync.Mutex
	chat.SubscriptionStore
}

func (l *losable) inner() chat.SubscriptionStore {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.SubscriptionStore
}

func (l *losable) lose(fresh chat.SubscriptionStore) {
	l.mu.Lock()
	l.SubscriptionStore = fresh
	l.mu.Unlock()
}

func (l *losable) Lease(ctx context.Context, name, holder string, ttl time.Duration) (chat.Lease, bool, error) {
	return l.inner().Lease(ctx, name, holder, ttl)
}
func (l *losable) ReleaseLease(ctx context.Context, le chat.Lease) error {
	return l.inner().ReleaseLease(ctx, le)
}
func (l *losable) Subscription(ctx context.Context, id string) (chat.SubscriptionRecord, bool, error) {
	return l.inner().Subscription(ctx, id)
}
func (l *losable) Resource(ctx context.Context, res string) (chat.SubscriptionRecord, bool, error) {
	return l.inner().Resource(ctx, res)
}
func (l *losable) Subscriptions(ctx context.Context) ([]chat.SubscriptionRecord, error) {
	return l.inner().Subscriptions(ctx)
}
func (l *losable) Put(ctx context.Context, rec chat.SubscriptionRecord, replaces string, fence chat.Lease) (bool, error) {
	return l.inner().Put(ctx, rec, replaces, fence)
}
func (l *losable) Delete(ctx context.Context, res, id string, fence chat.Lease) (bool, error) {
	return l.inner().Delete(ctx, res, id, fence)
}

// TestStoreComesBackEmpty: when the shared store loses everything (a Redis
// restarted without persistence), the leader finds the subscriptions again
// at Graph and records them from the digests the replicas kept — same ids,
// same client states, so Graph's notifications are accepted as before and
// no subscription is made twice. A replica that kept no digest (it started
// after the loss) replaces each subscription with a new one instead, and
// deletes the old.
func TestStoreComesBackEmpty(t *testing.T) {
	g := newFakeGraph(t)
	ctx := context.Background()
	shared := &losable{SubscriptionStore: chat.NewMemorySubscriptionStore(g.clock)}
	rr := &roundRobin{}
	hooks := httptest.NewServer(rr)
	t.Cleanup(hooks.Close)
	newReplica := func() (*chat.SubscriptionManager, *chat.NotificationHandler) {
		mgr, err := chat.NewSubscriptionManager(g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock }), hooks.URL+"/hook",
			&chat.SubscriptionManagerOptions{Clock: g.clock, Store: shared})
		require.NoError(t, err)
		h, err := chat.NewNotificationHandler(mgr, nil)
		require.NoError(t, err)
		return mgr, h
	}
	a, ha := newReplica()
	b, hb := newReplica()
	rr.to = []http.Handler{ha, hb}
	subA, err := a.Subscribe(ctx, chat.ChatMessagesResource(g.seeded.Meeting.ChatID))
	require.NoError(t, err)
	subB, err := b.Subscribe(ctx, chat.ChannelMessagesResource(g.seeded.Team.ID, g.seeded.Channel.ID))
	require.NoError(t, err)

	wait, stopWait := context.WithTimeout(ctx, 10*time.Second)
	defer stopWait()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 2)
	go func() { done <- a.Run(runCtx) }()
	go func() { done <- b.Run(runCtx) }()
	stopBoth := sync.OnceFunc(func() { stop(); <-done; <-done })
	defer stopBoth()
	// Both have read the store once: each knows both digests.
	require.NoError(t, g.clock.BlockUntil(wait, 2))

	shared.lose(chat.NewMemorySubscriptionStore(g.clock))
	g.clock.Advance(10 * time.Second)
	require.NoError(t, g.clock.BlockUntil(wait, 2))
	got, err := a.Subscriptions(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{subA.ID, subB.ID}, []string{got[0].ID, got[1].ID}, "recorded again, same ids")
	require.Len(t, g.svc.Subscriptions(), 2)
	creates, _ := g.svc.CountRequests(fake.OpCreateSubscription)
	require.Equal(t, 2, creates, "nothing made twice")
	for _, text := range []string{"one", "two"} {
		_, err := g.svc.Post(g.seeded.Bob.ID, g.seeded.Meeting.ChatID, text)
		require.NoError(t, err)
		require.NoError(t, g.svc.Flush(ctx))
	}
	require.Equal(t, map[int]int{http.StatusAccepted: 2}, statuses(g), "each replica accepts the notifications again")

	// Lost again, with only a replica that never saw the digests running.
	stopBoth()
	c, hc := newReplica()
	rr.to = []http.Handler{hc}
	shared.lose(chat.NewMemorySubscriptionStore(g.clock))
	runC, stopC := context.WithCancel(ctx)
	doneC := make(chan error, 1)
	go func() { doneC <- c.Run(runC) }()
	defer func() { stopC(); <-doneC }()
	require.NoError(t, g.clock.BlockUntil(wait, 1))
	now, err := c.Subscriptions(ctx)
	require.NoError(t, err)
	require.Len(t, now, 2)
	live := g.svc.Subscriptions()
	require.Len(t, live, 2, "the old ones deleted")
	for _, s := range live {
		require.NotContains(t, []string{subA.ID, subB.ID}, s.ID, "replaced: nobody could check the old ones' client states")
	}
	_, err = g.svc.Post(g.seeded.Bob.ID, g.seeded.Meeting.ChatID, "three")
	require.NoError(t, err)
	require.NoError(t, g.svc.Flush(ctx))
	require.Equal(t, map[int]int{http.StatusAccepted: 3}, statuses(g))
}
