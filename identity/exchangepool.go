package identity

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
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
// an ExchangePool: a sliding window per resource. NewMemoryExchangeBudgetStore
// counts one process's; a store shared by every replica of a service
// (teamsuser/redisstore's Budget) counts the cluster's.
// identitytest.TestExchangeBudgetStore checks an implementation, which must
// be safe for concurrent use and take each exchange atomically.
type ExchangeBudgetStore interface {
	// Take records one exchange against the budget named key at now if
	// fewer than limit were recorded in the window before it, (now-window,
	// now]; otherwise it records nothing and returns false and how long
	// until the oldest of them leaves the window.
	Take(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (ok bool, wait time.Duration, err error)
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
// An exchange first takes one from its resource's budget. When the budget
// is spent, the call waits until it has room, within ctx: if ctx's deadline
// comes before, it returns an *ExchangeThrottledError at once, without
// waiting, and the credentials hold off their next attempt for its
// RetryAfter. 100,000 users whose tokens live about an hour need about 28
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

// take takes one exchange from the budget of resource, waiting for room
// within ctx.
func (p *ExchangePool) take(ctx context.Context, resource string) error {
	for {
		now := p.clock.Now()
		ok, wait, err := p.budget.Take(ctx, resource, p.limit, p.window, now)
		if err != nil && ctx.Err() == nil && p.fallback != nil {
			ok, wait, err = p.fallback.Take(ctx, resource, p.limit, p.window, now)
		}
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if dl, has := ctx.Deadline(); has && wait > time.Until(dl) {
			return &ExchangeThrottledError{Resource: resource, RetryAfter: wait}
		}
		t := p.clock.NewTimer(wait)
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return &ExchangeThrottledError{Resource: resource, RetryAfter: wait, Err: ctx.Err()}
		}
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

func (e *ExchangeThrottledError) Error() string {
	return fmt.Sprintf("identity: the exchange budget of resource %q is spent for %v", e.Resource, e.RetryAfter)
}

// Unwrap returns Err.
func (e *ExchangeThrottledError) Unwrap() error { return e.Err }

// NewMemoryExchangeBudgetStore returns an ExchangeBudgetStore in the
// process's memory: the exchanges of the last window, per key.
func NewMemoryExchangeBudgetStore() ExchangeBudgetStore {
	return &memBudget{logs: map[string][]time.Time{}}
}

type memBudget struct {
	mu   sync.Mutex
	logs map[string][]time.Time
}

func (m *memBudget) Take(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (bool, time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return false, 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	from := now.Add(-window)
	log := m.logs[key][:0]
	var oldest time.Time
	for _, t := range m.logs[key] {
		if t.After(from) {
			log = append(log, t)
			if oldest.IsZero() || t.Before(oldest) {
				oldest = t
			}
		}
	}
	if len(log) < limit {
		m.logs[key] = append(log, now)
		return true, 0, nil
	}
	m.logs[key] = log
	return false, oldest.Add(window).Sub(now), nil
}
