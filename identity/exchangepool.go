package identity

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// ACS allows 500 exchanges of Teams users' tokens per 30 seconds per
// resource and answers 429 beyond (Learn: Azure Communication Services
// service limits, "Identity": ExchangeTeamsUserAccessToken, 500 requests per
// 30 seconds; DESIGN.md's wire facts). An ExchangePool keeps under it for
// the whole cluster.
const (
	// DefaultExchangeLimit is the exchanges an ExchangePool allows per
	// DefaultExchangeWindow per resource unless told otherwise.
	DefaultExchangeLimit = 500
	// DefaultExchangeWindow is the window of DefaultExchangeLimit.
	DefaultExchangeWindow = 30 * time.Second
)

// ExchangeBudgetStore counts the exchanges made with each ACS resource, for
// an ExchangePool: a sliding window per resource, in which exchanges are
// reserved, now or at the earliest time later that keeps within the limit,
// so that callers who must wait are served in the order they came, with no
// herd at the end of the window. NewMemoryExchangeBudgetStore counts one
// process's; a store shared by every replica of a service
// (teamsuser/redisstore's Budget) counts the cluster's.
// identitytest.TestExchangeBudgetStore checks an implementation, which must
// be safe for concurrent use and reserve atomically.
type ExchangeBudgetStore interface {
	// Reserve records one exchange against the budget named key at the
	// earliest time t, not before now, such that every window of length
	// window (every (s-window, s]) holds at most limit of the recorded
	// exchanges, if t-now is at most maxWait, and returns t-now;
	// otherwise it records nothing and returns false and what t-now would
	// have been.
	Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time, maxWait time.Duration) (wait time.Duration, ok bool, err error)
}

// ExchangeResource is one ACS resource of an ExchangePool.
type ExchangeResource struct {
	// Name identifies the resource, the same on every replica and across
	// restarts (its endpoint's host, say): users are spread over the
	// resources by their names, and each has a budget under its name.
	Name string
	// Exchanger exchanges with the resource: its identity Client.
	Exchanger TokenExchanger
}

// ExchangePoolOptions are the optional parameters of NewExchangePool.
type ExchangePoolOptions struct {
	// Budget counts the exchanges; nil means NewMemoryExchangeBudgetStore,
	// which counts only this process's. When it fails, the pool counts in
	// its own memory until it works again: the replicas together may then
	// exceed the limit, and ACS answers 429, which the credentials honour.
	Budget ExchangeBudgetStore
	// Limit is the exchanges allowed per Window per resource; zero means
	// DefaultExchangeLimit.
	Limit int
	// Window is the window of Limit; zero means DefaultExchangeWindow.
	Window time.Duration
	// Clock is the source of time; nil means SystemClock.
	Clock Clock
}

// ExchangePool is a TokenExchanger over one or more ACS resources that
// keeps the exchanges with each under its limit, for the whole cluster when
// the replicas share a Budget store. Each Teams user is exchanged on one
// resource, chosen from the user's id by rendezvous hashing: users spread
// evenly over the resources, and a user moves only when their resource is
// removed from the pool (or resources are added, each taking its share).
// Resource tells which one; a shared token cache's id should name it (see
// TeamsUserCredentialOptions.SharedCacheID).
//
// An exchange first reserves its turn in its resource's budget: at once
// while the budget has room, otherwise at the earliest time that keeps
// within the limit, after the turns reserved before it, and waits for it.
// When that turn would come too late for ctx's deadline (less five seconds
// for the exchange), it reserves nothing and returns an
// *ExchangeThrottledError at once; the credentials hold off their next
// attempt for its RetryAfter. 100,000 users whose tokens live about an hour need about 28
// exchanges a second; one resource allows 16.7.
//
// An ExchangePool is safe for concurrent use.
type ExchangePool struct {
	resources []ExchangeResource
	budget    ExchangeBudgetStore
	fallback  ExchangeBudgetStore // nil when budget is the memory store
	limit     int
	window    time.Duration
	clock     Clock
}

var _ TokenExchanger = (*ExchangePool)(nil)

// NewExchangePool returns a pool over resources. It fails with an
// *ArgumentError when there is no resource, a resource has no name or no
// exchanger, two have one name, or Limit or Window is negative.
func NewExchangePool(resources []ExchangeResource, opts *ExchangePoolOptions) (*ExchangePool, error) {
	var o ExchangePoolOptions
	if opts != nil {
		o = *opts
	}
	if len(resources) == 0 {
		return nil, argErr("resources", "at least one resource is required")
	}
	seen := map[string]bool{}
	for i, r := range resources {
		switch {
		case strings.TrimSpace(r.Name) == "":
			return nil, argErr(fmt.Sprintf("resources[%d].Name", i), "is empty")
		case r.Exchanger == nil:
			return nil, argErr(fmt.Sprintf("resources[%d].Exchanger", i), "is nil")
		case seen[r.Name]:
			return nil, argErr(fmt.Sprintf("resources[%d].Name", i), "is the name of an earlier resource")
		}
		seen[r.Name] = true
	}
	switch {
	case o.Limit < 0:
		return nil, argErr("opts.Limit", "must not be negative")
	case o.Window < 0:
		return nil, argErr("opts.Window", "must not be negative")
	}
	p := &ExchangePool{resources: append([]ExchangeResource(nil), resources...), budget: o.Budget, limit: o.Limit, window: o.Window, clock: o.Clock}
	if p.limit == 0 {
		p.limit = DefaultExchangeLimit
	}
	if p.window == 0 {
		p.window = DefaultExchangeWindow
	}
	if p.clock == nil {
		p.clock = SystemClock()
	}
	mem := NewMemoryExchangeBudgetStore()
	if p.budget == nil {
		p.budget = mem
	} else {
		p.fallback = mem
	}
	return p, nil
}

// Resource returns the name of the resource the user userID is exchanged
// on: the resource whose name hashes highest with the user's id.
func (p *ExchangePool) Resource(userID string) string { return p.pick(userID).Name }

func (p *ExchangePool) pick(userID string) ExchangeResource {
	best, bestScore := 0, uint64(0)
	for i, r := range p.resources {
		h := sha256.Sum256([]byte(r.Name + "\x00" + userID))
		if s := binary.BigEndian.Uint64(h[:8]); i == 0 || s > bestScore {
			best, bestScore = i, s
		}
	}
	return p.resources[best]
}

// ExchangeTeamsUserToken implements TokenExchanger: it exchanges on the
// user's resource once its budget has room.
func (p *ExchangePool) ExchangeTeamsUserToken(ctx context.Context, req TeamsUserTokenRequest, opts *ExchangeTeamsUserTokenOptions) (ExchangeTeamsUserTokenResponse, error) {
	r := p.pick(req.UserID)
	if err := p.take(ctx, r.Name); err != nil {
		return ExchangeTeamsUserTokenResponse{}, err
	}
	return r.Exchanger.ExchangeTeamsUserToken(ctx, req, opts)
}

// exchangeAllowance is the part of a caller's remaining time kept for the
// exchange itself when it reserves a later turn: it reserves no turn later
// than its deadline less this (a choice: an exchange answers in well under
// a second; the ACS client's own retries take more).
const exchangeAllowance = 5 * time.Second

// take reserves one exchange in the budget of resource and waits for its
// turn, within ctx.
func (p *ExchangePool) take(ctx context.Context, resource string) error {
	maxWait := time.Duration(math.MaxInt64)
	if dl, has := ctx.Deadline(); has {
		maxWait = max(time.Until(dl)-exchangeAllowance, 0)
	}
	now := p.clock.Now()
	wait, ok, err := p.budget.Reserve(ctx, resource, p.limit, p.window, now, maxWait)
	if err != nil && ctx.Err() == nil && p.fallback != nil {
		wait, ok, err = p.fallback.Reserve(ctx, resource, p.limit, p.window, now, maxWait)
	}
	switch {
	case err != nil:
		return err
	case !ok:
		return &ExchangeThrottledError{Resource: resource, RetryAfter: wait}
	case wait <= 0:
		return nil
	}
	t := p.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		// The turn is lost; the budget is spent as if it had been used.
		return &ExchangeThrottledError{Resource: resource, RetryAfter: wait, Err: ctx.Err()}
	}
}

// ExchangeThrottledError is the error of an exchange that an ExchangePool
// did not send: the resource's budget was spent and had no room before the
// caller's context ended. The credentials make no new attempt for
// RetryAfter.
type ExchangeThrottledError struct {
	// Resource is the name of the user's resource.
	Resource string
	// RetryAfter is how long, from when the error was made, until the
	// budget has room.
	RetryAfter time.Duration
	// Err is the context's error when the caller's context ended while it
	// waited, nil when it would have ended before the budget had room.
	Err error
}

// Error implements error; it names the resource and the wait.
func (e *ExchangeThrottledError) Error() string {
	return fmt.Sprintf("identity: the exchange budget of resource %q is spent for %v", e.Resource, e.RetryAfter)
}

// Unwrap returns Err.
func (e *ExchangeThrottledError) Unwrap() error { return e.Err }

// NewMemoryExchangeBudgetStore returns an ExchangeBudgetStore in the
// process's memory: the exchanges of the last window and those reserved
// later, per key.
func NewMemoryExchangeBudgetStore() ExchangeBudgetStore {
	return &memBudget{logs: map[string][]time.Time{}}
}

type memBudget struct {
	mu   sync.Mutex
	logs map[string][]time.Time // sorted
}

func (m *memBudget) Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time, maxWait time.Duration) (time.Duration, bool, error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	log := m.logs[key]
	from := now.Add(-window)
	drop := 0
	for drop < len(log) && !log[drop].After(from) {
		drop++
	}
	log = log[drop:]
	at := now
	if n := len(log); n >= limit {
		// The new one must come a window after the limit-th latest.
		at = log[n-limit].Add(window)
	}
	wait := at.Sub(now)
	if wait > maxWait {
		m.logs[key] = log
		return wait, false, nil
	}
	i, _ := slices.BinarySearchFunc(log, at, func(a, b time.Time) int { return a.Compare(b) })
	m.logs[key] = slices.Insert(log, i, at)
	return wait, true, nil
}
