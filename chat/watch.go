package chat

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"sort"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// WatchOptions are the optional parameters of Watch and WatchTo.
type WatchOptions struct {
	// Interval is the time between two polls; zero means 10 s, and less
	// than one second is refused. Graph allows about 20 message reads per
	// second per app and tenant: many watchers share that.
	Interval time.Duration
	// Since yields only messages created (or, with IncludeChanges, changed)
	// from this time on; zero means the time of the first poll less Overlap
	// (the service's clock may be a little behind this machine's).
	Since time.Time
	// IncludeChanges yields a message again each time it changes (edited,
	// reacted to, soft-deleted, restored); by default only new messages
	// are yielded, once each.
	IncludeChanges bool
	// Overlap is how far before the newest change already seen each poll
	// looks again, to catch messages that became visible a little after
	// their timestamp, or a clock skew at the start; zero means 5 s.
	// Messages seen twice are yielded once.
	Overlap time.Duration
	// MaxBackoff bounds the wait after failed polls (the wait doubles from
	// Interval with each failure); zero means 5 minutes. A Retry-After of the
	// service is honoured even when it is longer.
	MaxBackoff time.Duration
	// Clock is the time source of the waits; nil means the system clock.
	Clock identity.Clock
}

// Watch polls a chat for new messages and yields them, oldest first, as
// they arrive, until ctx is done (it then ends without an error) or a
// failure that polling again cannot mend (a chat that does not exist or
// that the user left, a refused token: yielded once, then it ends). It is
// polite under throttling: each poll reads only what changed since the last
// one (newest first, $filter on lastModifiedDateTime, pages of 50), a
// throttled or failed poll waits for the service's Retry-After or a
// doubling backoff, and the client's own retries honour Retry-After too.
//
// svc is any Service: a Client, or the fake in chat/fake in tests. Change
// notifications (CreateSubscription, NotificationHandler) reach a public
// HTTPS endpoint sooner and at lower cost; Watch needs none.
func Watch(ctx context.Context, svc Service, chatID string, opts *WatchOptions) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		w, err := newWatcher(svc, chatID, opts)
		if err != nil {
			yield(Message{}, err)
			return
		}
		stopped := false
		err = w.run(ctx, func(m Message) bool {
			if !yield(m, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped && ctx.Err() == nil {
			yield(Message{}, err)
		}
	}
}

// WatchTo is Watch sending to a channel: it sends each new message to out
// (waiting for a reader, or for ctx) and returns ctx's error when ctx is
// done, or the failure that ended the polling. It does not close out.
func WatchTo(ctx context.Context, svc Service, chatID string, out chan<- Message, opts *WatchOptions) error {
	if out == nil {
		return &ArgumentError{Arg: "out", Problem: "is nil"}
	}
	w, err := newWatcher(svc, chatID, opts)
	if err != nil {
		return err
	}
	err = w.run(ctx, func(m Message) bool {
		select {
		case out <- m:
			return true
		case <-ctx.Done():
			return false
		}
	})
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return err
}

type watcher struct {
	svc    Service
	chatID string
	o      WatchOptions

	since     time.Time
	watermark time.Time            // newest LastModifiedAt seen
	horizon   time.Time            // what is older is forgotten
	seen      map[string]time.Time // message id → LastModifiedAt yielded
}

func newWatcher(svc Service, chatID string, opts *WatchOptions) (*watcher, error) {
	if svc == nil {
		return nil, &ArgumentError{Arg: "svc", Problem: "is nil"}
	}
	if err := checkChatID(chatID); err != nil {
		return nil, err
	}
	var o WatchOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Interval == 0:
		o.Interval = 10 * time.Second
	case o.Interval < time.Second:
		return nil, &ArgumentError{Arg: "opts.Interval", Problem: "must be at least 1s"}
	}
	if o.Overlap == 0 {
		o.Overlap = 5 * time.Second
	} else if o.Overlap < 0 {
		return nil, &ArgumentError{Arg: "opts.Overlap", Problem: "is negative"}
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 5 * time.Minute
	} else if o.MaxBackoff < o.Interval {
		o.MaxBackoff = o.Interval
	}
	if o.Clock == nil {
		o.Clock = identity.SystemClock()
	}
	return &watcher{svc: svc, chatID: chatID, o: o, seen: map[string]time.Time{}}, nil
}

// run polls until emit refuses a message, ctx ends or a poll fails for
// good.
func (w *watcher) run(ctx context.Context, emit func(Message) bool) error {
	if w.o.Since.IsZero() {
		// The service's clock may be behind this one: look back by the
		// overlap, so a message sent just after Watch began is not lost.
		w.since = w.o.Clock.Now().Add(-w.o.Overlap)
	} else {
		w.since = w.o.Since
	}
	w.watermark = w.since
	w.horizon = w.since.Add(-2 * w.o.Overlap)
	failures := 0
	for {
		msgs, err := w.poll(ctx)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			if !transient(err) {
				return err
			}
			failures++
			if err := sleep(ctx, w.o.Clock, w.backoff(failures, retryAfterOf(err))); err != nil {
				return err
			}
			continue
		}
		failures = 0
		for _, m := range msgs {
			if !emit(m) {
				return nil
			}
		}
		if err := sleep(ctx, w.o.Clock, w.o.Interval); err != nil {
			return err
		}
	}
}

// poll reads what changed since the watermark (less the overlap) and
// returns what is to be yielded, oldest first.
func (w *watcher) poll(ctx context.Context) ([]Message, error) {
	opts := &ListMessagesOptions{OrderBy: OrderByLastModified, ModifiedAfter: w.watermark.Add(-w.o.Overlap), Top: MaxPageSize}
	var got []Message
	for m, err := range w.svc.ListMessages(ctx, w.chatID, opts) {
		if err != nil {
			return nil, err
		}
		got = append(got, m)
	}
	sort.SliceStable(got, func(i, j int) bool {
		if !got[i].LastModifiedAt.Equal(got[j].LastModifiedAt) {
			return got[i].LastModifiedAt.Before(got[j].LastModifiedAt)
		}
		return got[i].ID < got[j].ID
	})
	out := got[:0]
	for _, m := range got {
		if m.LastModifiedAt.After(w.watermark) {
			w.watermark = m.LastModifiedAt
		}
		if w.take(m) {
			out = append(out, m)
		}
	}
	w.prune()
	return out, nil
}

// take decides whether m is yielded and remembers it.
func (w *watcher) take(m Message) bool {
	prev, known := w.seen[m.ID]
	if w.o.IncludeChanges {
		if m.LastModifiedAt.Before(w.since) || (known && !m.LastModifiedAt.After(prev)) {
			return false
		}
		w.seen[m.ID] = m.LastModifiedAt
		return true
	}
	if known || m.CreatedAt.Before(w.since) || !m.CreatedAt.After(w.horizon) {
		return false
	}
	w.seen[m.ID] = m.LastModifiedAt
	return true
}

// prune forgets messages too old to be returned by the next poll unless
// they change (which, with IncludeChanges, is then yielded as a change; and
// without, is not new).
func (w *watcher) prune() {
	h := w.watermark.Add(-2 * w.o.Overlap)
	if !h.After(w.horizon) {
		return
	}
	w.horizon = h
	for id, t := range w.seen {
		if !t.After(h) {
			delete(w.seen, id)
		}
	}
}

// backoff is the wait after the failures-th failed poll in a row.
func (w *watcher) backoff(failures int, retryAfter time.Duration) time.Duration {
	d := w.o.Interval
	for i := 1; i < failures && d < w.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.o.MaxBackoff)
	return max(d, retryAfter)
}

// transient reports a failure that polling again later may mend:
// throttling, a server error, a timeout or a transport error.
func transient(err error) bool {
	var ae *ArgumentError
	if errors.As(err, &ae) {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusRequestTimeout || e.StatusCode >= 500
	}
	return !errors.Is(err, context.Canceled)
}
