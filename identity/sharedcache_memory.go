package identity

import (
	"context"
	"sync"
	"time"
)

// NewMemoryTokenCacheStore returns a TokenCacheStore in the process's
// memory, on clock (nil means SystemClock): for a single process, for
// tests, and for simulations on a manual clock. Expired entries and leases
// are dropped as they are found, and every expired entry whenever the
// entries have doubled since the last sweep, so the users who left are not
// kept; an entry lives at most the ttl it was put with.
func NewMemoryTokenCacheStore(clock Clock) TokenCacheStore {
	if clock == nil {
		clock = SystemClock()
	}
	return &memTokenStore{clock: clock, entries: map[string]memTokenEntry{}, leases: map[string]*memLease{}}
}

type memTokenEntry struct {
	value []byte
	until time.Time
}

type memLease struct {
	fence uint64
	until time.Time
	done  chan struct{} // closed when the lease ends by Put or Release
}

type memTokenStore struct {
	clock Clock

	mu      sync.Mutex
	fence   uint64
	entries map[string]memTokenEntry
	leases  map[string]*memLease
	sweepAt int // Put sweeps the expired entries when there are this many
}

// minSweep is the fewest entries a sweep waits for.
const minSweep = 1024

// sweepLocked drops the expired entries once they have doubled since the
// last sweep: amortized, a constant cost per Put.
func (m *memTokenStore) sweepLocked(now time.Time) {
	if len(m.entries) < max(m.sweepAt, minSweep) {
		return
	}
	for k, e := range m.entries {
		if !now.Before(e.until) {
			delete(m.entries, k)
		}
	}
	m.sweepAt = 2 * len(m.entries)
}

// leaseLocked returns the live lease of key, dropping an expired one.
func (m *memTokenStore) leaseLocked(key string, now time.Time) *memLease {
	l := m.leases[key]
	if l != nil && !now.Before(l.until) {
		close(l.done)
		delete(m.leases, key)
		return nil
	}
	return l
}

func (m *memTokenStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, nil
	}
	if !m.clock.Now().Before(e.until) {
		delete(m.entries, key)
		return nil, nil
	}
	return append([]byte(nil), e.value...), nil
}

func (m *memTokenStore) Lease(ctx context.Context, key string, ttl time.Duration) (uint64, bool, error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	if m.leaseLocked(key, now) != nil {
		return 0, false, nil
	}
	m.fence++
	m.leases[key] = &memLease{fence: m.fence, until: now.Add(ttl), done: make(chan struct{})}
	return m.fence, true, nil
}

// endLocked ends fence's lease of key; false when it is not the live one.
func (m *memTokenStore) endLocked(key string, fence uint64) bool {
	l := m.leaseLocked(key, m.clock.Now())
	if l == nil || l.fence != fence {
		return false
	}
	close(l.done)
	delete(m.leases, key)
	return true
}

func (m *memTokenStore) Put(ctx context.Context, key string, fence uint64, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.endLocked(key, fence) {
		return false, nil
	}
	now := m.clock.Now()
	m.sweepLocked(now)
	m.entries[key] = memTokenEntry{value: append([]byte(nil), value...), until: now.Add(ttl)}
	return true, nil
}

func (m *memTokenStore) Release(ctx context.Context, key string, fence uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.endLocked(key, fence)
	return nil
}

func (m *memTokenStore) Wait(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	now := m.clock.Now()
	l := m.leaseLocked(key, now)
	if l == nil {
		m.mu.Unlock()
		return nil
	}
	done, left := l.done, l.until.Sub(now)
	m.mu.Unlock()
	t := m.clock.NewTimer(left)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C(): // expired: the next look drops it
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}
