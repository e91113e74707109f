package calling

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// CallStatus is what a Tracker knows of a call connection.
type CallStatus struct {
	// CallConnectionID identifies the call connection.
	CallConnectionID string
	// ServerCallID and CorrelationID identify the call, when known.
	ServerCallID  string
	CorrelationID string
	// State is the connection's state: StateConnecting, StateConnected,
	// StateTransferring, StateTransferAccepted, StateDisconnected, or a
	// state the service reported when the status was read from it.
	State CallConnectionState
	// Participants are the call's participants, from the latest
	// ParticipantsUpdated event (by sequence number) or the service.
	Participants []CallParticipant
	// ParticipantsSequence is the SequenceNumber of the ParticipantsUpdated
	// event Participants came from; -1 when they came from the service or
	// no such event was seen.
	ParticipantsSequence int
	// EndReason is the result of the event that ended the connection
	// (CallDisconnected, CreateCallFailed, AnswerFailed, ConnectFailed),
	// nil while it lasts or when the service gave no reason.
	EndReason *ResultInformation
	// TransferTarget is the target of an accepted transfer, if any.
	TransferTarget CallParticipant
	// UpdatedAt is when the status last changed.
	UpdatedAt time.Time
	// FromService is true when the status was last read from the service
	// (GetCall and the participant list) rather than built from events.
	FromService bool

	// seen are the ids of the latest events applied, for de-duplication.
	seen []string
}

// Ended reports whether the call connection is over.
func (s CallStatus) Ended() bool { return s.State == StateDisconnected }

// TrackerStore keeps call statuses for a Tracker. The in-memory store
// (NewMemoryTrackerStore) serves one process; a store shared by every replica
// of a service lets each replica see the events the others received:
// NewSharedTrackerStore builds one on any VersionedStore (compare-and-set of
// bytes; teamsuser/redisstore has one on Redis), keeping each status whole
// in its versioned JSON form. Implementations must be safe for concurrent
// use.
type TrackerStore interface {
	// Update atomically applies fn to the status of the call connection id
	// (the zero CallStatus with that id when none is stored) and stores the
	// result when fn returns true. It returns the status as stored after.
	Update(ctx context.Context, id string, fn func(*CallStatus) bool) (CallStatus, error)
	// Get returns the stored status of id, and false when there is none.
	Get(ctx context.Context, id string) (CallStatus, bool, error)
}

// TrackerOptions are the optional parameters of NewTracker.
type TrackerOptions struct {
	// Store keeps the statuses; nil means NewMemoryTrackerStore(10000).
	Store TrackerStore
	// SharedStore says that Store is shared by every replica that receives
	// this application's callbacks, so a status built from events is
	// complete. When false (the default), Status confirms a call that is
	// not over with the service, because another replica may have received
	// the later events.
	SharedStore bool
	// OnChange, when set, is called after an event changed a status.
	OnChange func(CallStatus)
	// Clock dates the statuses; nil means the system clock.
	Clock identity.Clock
}

// Tracker follows the state of call connections from their callback
// events: feed it every event (Handle fits CallbackHandler.OnEvent) and ask
// Status. Events may arrive twice and out of order; the tracker keeps the
// latest participants by sequence number, never leaves a disconnected state,
// and ignores an event id it has applied.
//
// Correctness does not depend on one process seeing every event: with the
// default store, Status confirms a call that is not over with the service
// (GetCall and the participant list), so a replica that received only some
// of the events still answers right; with a store shared by all replicas
// (TrackerOptions.SharedStore) the events alone suffice.
//
// A Tracker is safe for concurrent use.
type Tracker struct {
	svc   Service
	store TrackerStore
	opts  TrackerOptions
}

// NewTracker returns a Tracker that reads from svc (the Call Automation
// client, or a fake) what the events cannot tell it.
func NewTracker(svc Service, opts *TrackerOptions) (*Tracker, error) {
	if svc == nil {
		return nil, &ArgumentError{Arg: "svc", Problem: "is nil"}
	}
	t := &Tracker{svc: svc}
	if opts != nil {
		t.opts = *opts
	}
	t.store = t.opts.Store
	if t.store == nil {
		t.store = NewMemoryTrackerStore(10000)
	}
	if t.opts.Clock == nil {
		t.opts.Clock = identity.SystemClock()
	}
	return t, nil
}

// maxSeen bounds the event ids remembered per call for de-duplication.
const maxSeen = 32

// Handle applies an event. Events without a call connection id (an
// IncomingCall) and events that say nothing about a call's state are
// ignored. It has the signature of an EventHandlerFunc.
func (t *Tracker) Handle(ctx context.Context, ev Event) {
	_, _ = t.Apply(ctx, ev)
}

// Apply applies an event and returns the call's status after it, and
// whether the event changed it.
func (t *Tracker) Apply(ctx context.Context, ev Event) (CallStatus, error) {
	if ev == nil {
		return CallStatus{}, &ArgumentError{Arg: "ev", Problem: "is nil"}
	}
	info := ev.Info()
	if info == nil || info.CallConnectionID == "" {
		return CallStatus{}, nil
	}
	now := t.opts.Clock.Now()
	var changed bool
	st, err := t.store.Update(ctx, info.CallConnectionID, func(s *CallStatus) bool {
		var store bool
		store, changed = apply(s, ev, now)
		return store
	})
	if err == nil && changed && t.opts.OnChange != nil {
		t.opts.OnChange(st)
	}
	return st, err
}

// apply changes s by ev; it reports whether s must be stored (its state
// or its list of seen events changed) and whether the call's status changed.
func apply(s *CallStatus, ev Event, now time.Time) (store, changed bool) {
	info := ev.Info()
	if info.ID != "" && slices.Contains(s.seen, info.ID) {
		return false, false
	}
	before := s.State
	beforeSeq := s.ParticipantsSequence
	if s.CallConnectionID == "" {
		s.CallConnectionID = info.CallConnectionID
		s.State = StateConnecting
		s.ParticipantsSequence = -1
	}
	if s.ServerCallID == "" {
		s.ServerCallID = info.ServerCallID
	}
	if s.CorrelationID == "" {
		s.CorrelationID = info.CorrelationID
	}
	ended := s.State == StateDisconnected
	stateChanged := false
	setState := func(st CallConnectionState) {
		if !ended && s.State != st {
			s.State = st
			stateChanged = true
		}
	}
	switch e := ev.(type) {
	case *CallConnected:
		if s.State == StateConnecting || s.State == StateUnknown || s.State == "" {
			setState(StateConnected)
		}
	case *CallTransferAccepted:
		setState(StateTransferAccepted)
		s.TransferTarget = CallParticipant{Identifier: e.TransferTarget}
	case *CallTransferFailed:
		if s.State == StateTransferring || s.State == StateTransferAccepted {
			setState(StateConnected)
		}
	case *ParticipantsUpdated:
		if !ended && e.SequenceNumber > s.ParticipantsSequence {
			s.Participants = slices.Clone(e.Participants)
			s.ParticipantsSequence = e.SequenceNumber
			if s.State == StateConnecting {
				setState(StateConnected)
			}
		}
	case *CallDisconnected, *CreateCallFailed, *AnswerFailed, *ConnectFailed:
		if !ended {
			s.State = StateDisconnected
			stateChanged = true
			if r := info.ResultInformation; r != nil {
				rc := *r
				s.EndReason = &rc
			}
		}
	}
	changed = stateChanged || s.State != before || s.ParticipantsSequence != beforeSeq
	if info.ID != "" {
		s.seen = append(s.seen, info.ID)
		if len(s.seen) > maxSeen {
			s.seen = slices.Delete(s.seen, 0, len(s.seen)-maxSeen)
		}
	}
	if changed {
		s.UpdatedAt = now
		s.FromService = false
	}
	// The seen list changed even when nothing else did: store it.
	return changed || info.ID != "", changed
}

// Status returns what is known of the call connection id. A call the
// tracker has no events for is read from the service; with a store that is
// not shared (see TrackerOptions.SharedStore), so is a call that is not
// over. A call the service no longer knows (404) is reported ended.
func (t *Tracker) Status(ctx context.Context, id string) (CallStatus, error) {
	if id == "" {
		return CallStatus{}, &ArgumentError{Arg: "callConnectionID", Problem: "is empty"}
	}
	st, ok, err := t.store.Get(ctx, id)
	if err != nil {
		return CallStatus{}, err
	}
	if ok && (st.Ended() || t.opts.SharedStore) {
		return st, nil
	}
	return t.Refresh(ctx, id)
}

// Refresh reads the call connection from the service (GetCall and its
// participants), merges it into the stored status and returns the result.
func (t *Tracker) Refresh(ctx context.Context, id string) (CallStatus, error) {
	if id == "" {
		return CallStatus{}, &ArgumentError{Arg: "callConnectionID", Problem: "is empty"}
	}
	call, err := t.svc.GetCall(ctx, id, nil)
	gone := IsNotFound(err)
	if err != nil && !gone {
		return CallStatus{}, err
	}
	var parts []CallParticipant
	if !gone && call.State != StateDisconnected {
		for p, err := range t.svc.ListParticipants(ctx, id, nil) {
			if IsNotFound(err) {
				gone = true
				break
			}
			if err != nil {
				return CallStatus{}, err
			}
			parts = append(parts, p)
		}
	}
	now := t.opts.Clock.Now()
	return t.store.Update(ctx, id, func(s *CallStatus) bool {
		if s.CallConnectionID == "" {
			s.CallConnectionID = id
			s.ParticipantsSequence = -1
		}
		if s.State == StateDisconnected {
			return false // events already said it ended; that is final
		}
		if gone || call.State == StateDisconnected {
			s.State = StateDisconnected
			s.Participants = nil
		} else {
			s.State = call.State
			s.Participants = parts
			s.ParticipantsSequence = -1
			if s.ServerCallID == "" {
				s.ServerCallID = call.ServerCallID
			}
			if s.CorrelationID == "" {
				s.CorrelationID = call.CorrelationID
			}
		}
		s.FromService = true
		s.UpdatedAt = now
		return true
	})
}

// NewMemoryTrackerStore returns a TrackerStore in this process's memory that
// keeps at most max calls (at least 1), forgetting ended calls first and
// then the least recently updated ones.
func NewMemoryTrackerStore(max int) TrackerStore {
	if max < 1 {
		max = 1
	}
	return &memoryStore{max: max, m: map[string]*memEntry{}}
}

type memEntry struct {
	st   CallStatus
	tick uint64
}

type memoryStore struct {
	mu   sync.Mutex
	max  int
	tick uint64
	m    map[string]*memEntry
}

func (m *memoryStore) Update(ctx context.Context, id string, fn func(*CallStatus) bool) (CallStatus, error) {
	if err := ctx.Err(); err != nil {
		return CallStatus{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[id]
	var st CallStatus
	if ok {
		st = e.st
		st.Participants = slices.Clone(e.st.Participants)
		st.seen = slices.Clone(e.st.seen)
	}
	if !fn(&st) {
		return publicCopy(st), nil
	}
	m.tick++
	if !ok {
		if len(m.m) >= m.max {
			m.evict()
		}
		e = &memEntry{}
		m.m[id] = e
	}
	e.st, e.tick = st, m.tick
	return publicCopy(st), nil
}

func (m *memoryStore) Get(ctx context.Context, id string) (CallStatus, bool, error) {
	if err := ctx.Err(); err != nil {
		return CallStatus{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[id]
	if !ok {
		return CallStatus{}, false, nil
	}
	return publicCopy(e.st), true, nil
}

// evict removes the oldest ended call, or the least recently updated one.
func (m *memoryStore) evict() {
	var victim string
	var best uint64
	bestEnded := false
	for id, e := range m.m {
		ended := e.st.Ended()
		switch {
		case victim == "",
			ended && !bestEnded,
			ended == bestEnded && e.tick < best:
			victim, best, bestEnded = id, e.tick, ended
		}
	}
	delete(m.m, victim)
}

// publicCopy returns s with its slices copied, so callers cannot change the
// stored value.
func publicCopy(s CallStatus) CallStatus {
	s.Participants = slices.Clone(s.Participants)
	s.seen = slices.Clone(s.seen)
	return s
}
