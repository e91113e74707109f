package redisstore_test

import (
	"container/heap"
	"container/list"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

// The simulation: many Teams users behind replicas of a service that
// hands out their ACS tokens (as teamsuser/tokenservice does), on fake time
// (a testing/synctest bubble), to measure what the shared token cache and
// the exchange budget give at scale. It answers issue 16's §5: exchanges
// per 30 s per ACS resource (ACS allows 500), users ever handed an expired
// token (must be none), and how long callers wait for a token.
//
// The model (choices, except where a source is named):
//   - A user's Entra token lives 60 to 90 minutes (Entra's default for
//     access tokens, Learn: configurable token lifetimes); the Entra
//     credential (a sign-in cache the replicas share) renews it when less
//     than five minutes are left, as MSAL does.
//   - The exchange returns an ACS token that expires with the Entra token
//     (Learn, REST reference of exchangeTeamsUserAccessToken: "a new
//     Communication Identity access token with a matching expiration
//     time"); it answers in 100 to 300 ms.
//   - Each user's client asks for a token at a random time of the first
//     hour, again when the one it holds has five minutes left (30 s later
//     when it was handed one with less, which the replicas do while they
//     refresh it), and besides every reload interval on average (a page
//     load, a new device); each request goes to a random replica (a
//     round-robin load balancer).
//   - Each replica keeps the credentials of its most recent users (an LRU
//     bounded as teamsuser.Users bounds its own), so most requests start
//     from the shared cache, not from the replica's memory.
//
// The full run is behind -sim=full (100,000 users, 10 replicas, 24 hours, the
// stores in memory); -sim=redis runs a smaller one on a real redis-server.
// Without the flag a small run in memory (a storm of arrivals against a
// budget of 40) checks the same properties in CI.
var simFlag = flag.String("sim", "", `run the token simulation at scale: "full" (100,000 users, 10 replicas, 3 ACS resources, 24 simulated hours, stores in memory), "full1" (the same on one resource), "medium" (20,000 users, 6 hours) or "redis" (2,000 users, 4 replicas, 6 hours, on a real redis-server, restarted half-way)`)

type simConfig struct {
	users, replicas, resources int
	hours                      int
	arrival                    time.Duration // users' first requests spread over it
	credsPerReplica            int
	reloadEvery                time.Duration
	limit                      int
	// stores returns replica r's token cache and budget stores (shared by
	// the replicas, or each a client of the same Redis).
	stores func(r int) (identity.TokenCacheStore, identity.ExchangeBudgetStore)
	// restart, if set, is called half-way through: Redis restarts, empty.
	restart func()
}

type simResult struct {
	requests, errors, expired, exchanges int64
	expiredUsers                         int            // users ever handed an expired token
	unserved                             int            // users never handed a token
	maxPerWindow                         map[string]int // per resource, over every sliding 30 s window
	waits                                []time.Duration
	tooEarly                             int64 // tokens handed with under a minute left
}

func TestSimulation(t *testing.T) {
	switch *simFlag {
	case "":
		// A storm: 500 users arrive within two minutes, 125 exchanges a
		// 30 s window wanted, 40 allowed.
		runSim(t, simConfig{users: 500, replicas: 3, resources: 1, hours: 4, arrival: 2 * time.Minute, credsPerReplica: 100, reloadEvery: 30 * time.Minute, limit: 40}, memStores())
	case "full":
		runSim(t, simConfig{users: 100_000, replicas: 10, resources: 3, hours: 24, arrival: time.Hour, credsPerReplica: 10_000, reloadEvery: time.Hour, limit: identity.DefaultExchangeLimit}, memStores())
	case "full1":
		// The same on one resource: 23 exchanges a second wanted, 16.7
		// allowed.
		runSim(t, simConfig{users: 100_000, replicas: 10, resources: 1, hours: 24, arrival: time.Hour, credsPerReplica: 10_000, reloadEvery: time.Hour, limit: identity.DefaultExchangeLimit}, memStores())
	case "medium":
		runSim(t, simConfig{users: 20_000, replicas: 10, resources: 3, hours: 6, arrival: time.Hour, credsPerReplica: 2_000, reloadEvery: time.Hour, limit: identity.DefaultExchangeLimit}, memStores())
	case "redis":
		t.Skip("run by TestSimulationRedis")
	default:
		t.Fatalf("-sim=%q: want full, full1, medium or redis", *simFlag)
	}
}

// TestSimulationRedis runs the simulation with the stores on a real
// redis-server (each replica its own client and Store): a small storm in
// CI, a larger one with -sim=redis. The
// calls to Redis take no simulated time; a wait for a lease looks again
// every 50 simulated milliseconds (the subscription that ends waits at once
// is checked by TestTokens).
func TestSimulationRedis(t *testing.T) {
	cfg := simConfig{users: 300, replicas: 3, resources: 1, hours: 3, arrival: 2 * time.Minute, credsPerReplica: 60, reloadEvery: 30 * time.Minute, limit: 30}
	switch *simFlag {
	case "", "redis":
	default:
		t.Skip("-sim=" + *simFlag + " runs in memory")
	}
	if *simFlag == "redis" {
		// 2,000 users arriving within ten minutes, 100 exchanges a 30 s
		// window wanted, 50 allowed.
		cfg = simConfig{users: 2_000, replicas: 4, resources: 1, hours: 6, arrival: 10 * time.Minute, credsPerReplica: 400, reloadEvery: time.Hour, limit: 50}
	}
	srv := redistest.Start(t)
	out := newOutside(t, 8)
	stores := make([]*redisstore.Store, cfg.replicas)
	for i := range stores {
		s, err := redisstore.New(srv.Client(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		stores[i] = s
	}
	// Half-way through, Redis restarts, empty: the work resumes, and what
	// is lost (the cached tokens, the budget's window) costs one more
	// exchange per user at most.
	cfg.restart = func() { out.do(func(context.Context) { srv.Restart() }) }
	runSim(t, cfg, func(r int) (identity.TokenCacheStore, identity.ExchangeBudgetStore) {
		return &outsideTokens{out, stores[r].Tokens()}, &outsideBudget{out, stores[r].Budget()}
	})
	if n := srv.Client().DBSize(context.Background()).Val(); n < int64(cfg.users) {
		t.Errorf("Redis holds %d keys for %d users: the run did not go through it", n, cfg.users)
	}
}

// outside runs calls on goroutines outside the synctest bubble, with
// contexts of their own: a bubble's contexts carry fake deadlines, which a
// network connection must not see, and a goroutine of the bubble blocked
// on the network would stop its time. The channels are made outside the
// bubble, so the bubble's goroutines may use them.
type outside struct {
	calls chan outsideCall
	free  chan chan struct{}
}

type outsideCall struct {
	fn   func(context.Context)
	done chan struct{}
}

func newOutside(t *testing.T, workers int) *outside {
	o := &outside{calls: make(chan outsideCall), free: make(chan chan struct{}, 4096)}
	for range cap(o.free) {
		o.free <- make(chan struct{})
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range o.calls {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				c.fn(ctx)
				cancel()
				c.done <- struct{}{}
			}
		})
	}
	t.Cleanup(func() {
		close(o.calls)
		wg.Wait()
	})
	return o
}

func (o *outside) do(fn func(context.Context)) {
	done := <-o.free
	o.calls <- outsideCall{fn, done}
	<-done
	o.free <- done
}

type outsideTokens struct {
	o *outside
	s identity.TokenCacheStore
}

func (x *outsideTokens) Get(_ context.Context, key string) (b []byte, err error) {
	x.o.do(func(ctx context.Context) { b, err = x.s.Get(ctx, key) })
	return
}

func (x *outsideTokens) Lease(_ context.Context, key string, ttl time.Duration) (f uint64, ok bool, err error) {
	x.o.do(func(ctx context.Context) { f, ok, err = x.s.Lease(ctx, key, ttl) })
	return
}

func (x *outsideTokens) Put(_ context.Context, key string, fence uint64, v []byte, ttl time.Duration) (ok bool, err error) {
	x.o.do(func(ctx context.Context) { ok, err = x.s.Put(ctx, key, fence, v, ttl) })
	return
}

func (x *outsideTokens) Release(_ context.Context, key string, fence uint64) (err error) {
	x.o.do(func(ctx context.Context) { err = x.s.Release(ctx, key, fence) })
	return
}

// Wait looks again after 50 simulated milliseconds, which the store's
// contract allows (callers look again).
func (x *outsideTokens) Wait(ctx context.Context, _ string) error {
	select {
	case <-time.After(50 * time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type outsideBudget struct {
	o *outside
	s identity.ExchangeBudgetStore
}

func (x *outsideBudget) Reserve(_ context.Context, key string, limit int, window time.Duration, now time.Time, maxWait time.Duration) (wait time.Duration, ok bool, err error) {
	x.o.do(func(ctx context.Context) { wait, ok, err = x.s.Reserve(ctx, key, limit, window, now, maxWait) })
	return
}

// memStores gives every replica the same in-memory stores: one process's
// memory standing for the shared Redis.
func memStores() func(int) (identity.TokenCacheStore, identity.ExchangeBudgetStore) {
	var once sync.Once
	var tokens identity.TokenCacheStore
	var budget identity.ExchangeBudgetStore
	return func(int) (identity.TokenCacheStore, identity.ExchangeBudgetStore) {
		once.Do(func() {
			tokens, budget = identity.NewMemoryTokenCacheStore(nil), identity.NewMemoryExchangeBudgetStore()
		})
		return tokens, budget
	}
}

func runSim(t *testing.T, cfg simConfig, stores func(int) (identity.TokenCacheStore, identity.ExchangeBudgetStore)) {
	cfg.stores = stores
	var res simResult
	start := time.Now()
	synctest.Test(t, func(t *testing.T) { res = simulate(t, cfg) })
	report(t, cfg, res, time.Since(start))
	if res.expired != 0 {
		t.Errorf("%d requests were handed an expired token", res.expired)
	}
	for r, n := range res.maxPerWindow {
		if n > cfg.limit {
			t.Errorf("resource %s: %d exchanges in a 30 s window, above %d", r, n, cfg.limit)
		}
	}
	if res.unserved != 0 {
		t.Errorf("%d users were never handed a token", res.unserved)
	}
	// One exchange per user per token lifetime, for the cluster: a user's
	// Entra token lives at least 60 minutes and is renewed with five
	// left, so at most one exchange every 55 minutes, and the first.
	lifetimes := float64(cfg.hours)*60/55 + 1
	if cfg.restart != nil {
		lifetimes++ // a Redis that comes back empty has lost every token
	}
	if most := int64(float64(cfg.users) * lifetimes); res.exchanges < int64(cfg.users) || res.exchanges > most {
		t.Errorf("%d exchanges for %d users over %d hours: want between one per user and %d (one per token lifetime)", res.exchanges, cfg.users, cfg.hours, most)
	}
}

func report(t *testing.T, cfg simConfig, r simResult, took time.Duration) {
	slices.Sort(r.waits)
	pct := func(p float64) time.Duration {
		if len(r.waits) == 0 {
			return 0
		}
		return r.waits[min(len(r.waits)-1, int(p*float64(len(r.waits))))]
	}
	waited := 0
	for _, w := range r.waits {
		if w > 0 {
			waited++
		}
	}
	var per []string
	for name, n := range r.maxPerWindow {
		per = append(per, fmt.Sprintf("%s %d", name, n))
	}
	slices.Sort(per)
	hours := float64(cfg.hours)
	t.Logf("simulation: %d users, %d replicas, %d ACS resources, %d simulated hours (%v of real time)", cfg.users, cfg.replicas, cfg.resources, cfg.hours, took.Round(time.Millisecond))
	t.Logf("  requests %d (%d failed, each throttled by the budget; every user served: %v), exchanges %d (%.2f per user per hour, %.1f per second)", r.requests, r.errors, r.unserved == 0, r.exchanges,
		float64(r.exchanges)/float64(cfg.users)/hours, float64(r.exchanges)/hours/3600)
	t.Logf("  most exchanges in any 30 s window, per resource (limit %d): %s", cfg.limit, strings.Join(per, ", "))
	t.Logf("  handed an expired token: %d requests of %d users; with under a minute left: %d requests", r.expired, r.expiredUsers, r.tooEarly)
	t.Logf("  wait for a token: p50 %v, p90 %v, p99 %v, p99.9 %v, max %v; %d requests (%.2f%%) waited at all",
		pct(0.5), pct(0.9), pct(0.99), pct(0.999), pct(1), waited, 100*float64(waited)/float64(max(len(r.waits), 1)))
}

// simEntra is a user's Entra sign-in, shared by the replicas: one token at
// a time, renewed when it has under five minutes left, each living 60 to
// 90 minutes. The token says its user and expiry, for the simulated ACS.
type simEntra struct {
	user string
	mu   sync.Mutex
	rng  *rand.Rand
	tok  azcore.AccessToken
	n    int
}

func (e *simEntra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	if e.tok.ExpiresOn.Sub(now) < 5*time.Minute {
		e.n++
		exp := now.Add(60*time.Minute + time.Duration(e.rng.Int64N(int64(30*time.Minute)))).Truncate(time.Second)
		e.tok = azcore.AccessToken{Token: fmt.Sprintf("entra|%s|%d|%d", e.user, e.n, exp.Unix()), ExpiresOn: exp}
	}
	return e.tok, nil
}

// simACS is one simulated ACS resource: it logs the time of every exchange
// and answers with a token expiring with the Entra token, after 100 to 300
// ms.
type simACS struct {
	name string
	mu   sync.Mutex
	at   []time.Time
}

func (a *simACS) ExchangeTeamsUserToken(ctx context.Context, req identity.TeamsUserTokenRequest, _ *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	a.mu.Lock()
	a.at = append(a.at, time.Now())
	n := len(a.at)
	a.mu.Unlock()
	parts := strings.Split(req.Token, "|")
	unix, _ := strconv.ParseInt(parts[3], 10, 64)
	select {
	case <-time.After(100*time.Millisecond + time.Duration(n%200)*time.Millisecond):
	case <-ctx.Done():
		return identity.ExchangeTeamsUserTokenResponse{}, ctx.Err()
	}
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{
		Token: "acs|" + a.name + "|" + req.Token, ExpiresOn: time.Unix(unix, 0),
	}}, nil
}

// maxInWindow is the most exchanges of at within any 30 s window.
func maxInWindow(at []time.Time) int {
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi := range at {
		for !at[lo].After(at[hi].Add(-30 * time.Second)) {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// simReplica is one replica: its exchange pool and shared cache (on its
// stores), and the credentials of its recent users.
type simReplica struct {
	cache *identity.SharedTokenCache
	pool  *identity.ExchangePool

	mu    sync.Mutex
	creds map[int]*list.Element // of *simCred
	lru   list.List
	max   int
}

type simCred struct {
	user int
	cred *identity.TeamsUserCredential
}

// credential returns the replica's credential for user, and one that it
// dropped to make room (to close), if any.
func (r *simReplica) credential(user int, entra *simEntra) (*identity.TeamsUserCredential, *identity.TeamsUserCredential) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.creds[user]; ok {
		r.lru.MoveToFront(e)
		return e.Value.(*simCred).cred, nil
	}
	id := strconv.Itoa(user)
	cred, err := identity.NewTeamsUserCredential(r.pool, entra, "app", id,
		&identity.TeamsUserCredentialOptions{SharedCache: r.cache, SharedCacheID: r.pool.Resource(id) + "/app/" + id})
	if err != nil {
		panic(err)
	}
	r.creds[user] = r.lru.PushFront(&simCred{user, cred})
	var dropped *identity.TeamsUserCredential
	if r.lru.Len() > r.max {
		old := r.lru.Back()
		r.lru.Remove(old)
		delete(r.creds, old.Value.(*simCred).user)
		dropped = old.Value.(*simCred).cred
	}
	return cred, dropped
}

// event is a user's next request.
type event struct {
	at   time.Time
	user int
}

type events []event

func (e events) Len() int           { return len(e) }
func (e events) Less(i, j int) bool { return e[i].at.Before(e[j].at) }
func (e events) Swap(i, j int)      { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)        { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

func simulate(t *testing.T, cfg simConfig) simResult {
	rng := rand.New(rand.NewPCG(1, 2))
	acs := make([]*simACS, cfg.resources)
	var resources []identity.ExchangeResource
	for i := range acs {
		acs[i] = &simACS{name: fmt.Sprintf("acs-%d", i)}
		resources = append(resources, identity.ExchangeResource{Name: acs[i].name, Exchanger: acs[i]})
	}
	replicas := make([]*simReplica, cfg.replicas)
	for i := range replicas {
		tokens, budget := cfg.stores(i)
		cache, err := identity.NewSharedTokenCache(tokens, []identity.TokenKey{{ID: "k1", Key: make([]byte, 32)}})
		if err != nil {
			t.Fatal(err)
		}
		pool, err := identity.NewExchangePool(resources, &identity.ExchangePoolOptions{Budget: budget, Limit: cfg.limit})
		if err != nil {
			t.Fatal(err)
		}
		replicas[i] = &simReplica{cache: cache, pool: pool, creds: map[int]*list.Element{}, max: cfg.credsPerReplica}
	}
	entras := make([]*simEntra, cfg.users)
	var queue events
	start := time.Now()
	for u := range entras {
		entras[u] = &simEntra{user: strconv.Itoa(u), rng: rand.New(rand.NewPCG(uint64(u), 3))}
		queue = append(queue, event{at: start.Add(time.Duration(rng.Int64N(int64(cfg.arrival)))), user: u})
	}
	heap.Init(&queue)
	end := start.Add(time.Duration(cfg.hours) * time.Hour)

	var (
		res      simResult
		served   = make([]bool, cfg.users)
		expired  = make([]bool, cfg.users)
		mu       sync.Mutex // guards queue (pushed by requests), res, served and expired
		inflight sync.WaitGroup
		requests atomic.Int64
	)
	res.waits = make([]time.Duration, 0, cfg.users*cfg.hours*2)
	request := func(u int, seed uint64) {
		defer inflight.Done()
		r := replicas[seed%uint64(len(replicas))]
		cred, dropped := r.credential(u, entras[u])
		if dropped != nil {
			defer dropped.Close()
		}
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		tok, err := cred.Token(ctx)
		cancel()
		now := time.Now()
		requests.Add(1)
		mu.Lock()
		defer mu.Unlock()
		res.waits = append(res.waits, now.Sub(t0))
		next := now.Add(time.Minute)
		switch {
		case err != nil:
			res.errors++
			if te := (*identity.ExchangeThrottledError)(nil); !errors.As(err, &te) {
				t.Errorf("user %d at %v: %v", u, now.Sub(start), err)
			}
		case !now.Before(tok.ExpiresOn):
			res.expired++
			expired[u] = true
		default:
			served[u] = true
			if tok.ExpiresOn.Sub(now) < time.Minute {
				res.tooEarly++
			}
			// The client asks again when its token has five minutes
			// left; given one with less, 30 s later.
			next = tok.ExpiresOn.Add(-5 * time.Minute)
			if next.Before(now.Add(30 * time.Second)) {
				next = now.Add(30 * time.Second)
			}
		}
		// A reload may come earlier.
		prng := rand.New(rand.NewPCG(seed, uint64(u)))
		if reload := now.Add(time.Duration(prng.ExpFloat64() * float64(cfg.reloadEvery))); reload.Before(next) {
			next = reload
		}
		heap.Push(&queue, event{at: next, user: u})
	}

	// The driver: every simulated second, start the requests that are
	// due.
	var seq uint64
	restartAt := start.Add(time.Duration(cfg.hours) * time.Hour / 2)
	for now := start; now.Before(end); now = now.Add(time.Second) {
		if d := time.Until(now); d > 0 {
			time.Sleep(d)
		}
		if h := now.Sub(start); h > 0 && h%time.Hour == 0 && testing.Verbose() {
			t.Logf("  %v of %d simulated hours, %d requests", h, cfg.hours, requests.Load())
		}
		if cfg.restart != nil && now.Equal(restartAt) {
			cfg.restart()
			t.Logf("  Redis restarted at %v", now.Sub(start))
		}
		mu.Lock()
		var due []int
		for len(queue) > 0 && !queue[0].at.After(now) {
			due = append(due, heap.Pop(&queue).(event).user)
		}
		mu.Unlock()
		for _, u := range due {
			seq++
			inflight.Add(1)
			go request(u, seq*2654435761)
		}
	}
	inflight.Wait()
	for _, r := range replicas {
		for e := r.lru.Front(); e != nil; e = e.Next() {
			_ = e.Value.(*simCred).cred.Close()
		}
	}
	res.requests = requests.Load()
	for u, ok := range served {
		if !ok {
			res.unserved++
		}
		if expired[u] {
			res.expiredUsers++
		}
	}
	res.maxPerWindow = map[string]int{}
	for _, a := range acs {
		res.exchanges += int64(len(a.at))
		res.maxPerWindow[a.name] = maxInWindow(a.at)
	}
	return res
}
