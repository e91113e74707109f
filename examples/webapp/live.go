package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

// The live feed: what changes while the page is open reaches it as
// server-sent events (GET /api/events) — new messages in the user's chats,
// a new chat, a colleague's presence, a call's events.
//
// Each signed-in user with a page open has one feed, whatever the number
// of pages. Its sources run while a page listens (and a little longer, so
// that a reload does not start them again):
//
//   - messages: with Graph change notifications (-live notify, the default
//     when the app has a URL Graph can reach: offline, or an https
//     PUBLIC_BASE_URL) one subscription per chat
//     (chat.SubscriptionManager, renewed before it expires, deleted when
//     the feed stops) posts to /graph/notifications/<feed id>, where the
//     feed's chat.NotificationHandler checks the client state, and the
//     feed reads each new message; otherwise chat.Watch polls each chat
//     (-poll, 10 s by default: Graph allows about 20 message reads per
//     second per app and tenant, shared by every user);
//   - the chat list, read again every few polls, to find chats started
//     elsewhere;
//   - presence: the colleagues' presence read in one request
//     (getPresencesByUserId) every -presence interval, changes sent;
//   - calls: the call desk publishes each callback event of the user's
//     calls.

const (
	// feedLinger is how long a feed's sources run after its last page
	// went away.
	feedLinger = 30 * time.Second
	// subscriberBuffer is how many events wait for a slow page; a page
	// that falls further behind is dropped (its EventSource reconnects and
	// the page reloads what it shows).
	subscriberBuffer = 256
	// heartbeat is how often an idle stream sends a comment, which keeps
	// proxies from closing it and notices a gone page.
	heartbeat = 20 * time.Second
	// streamWriteTimeout bounds each write of the stream (the server's
	// write deadline is for whole answers; the stream moves it forward).
	streamWriteTimeout = 30 * time.Second
	// chatListEvery is how many message polls (or presence polls, with
	// notifications) pass between two readings of the chat list.
	chatListEvery = 3
)

// event is one server-sent event.
type event struct {
	name string
	data any
}

type subscriber struct {
	ch     chan event
	closed bool // guarded by the feed's mu
}

// feeds are the live feeds of the signed-in users.
type feeds struct {
	a     *app
	added addedPeople

	mu     sync.Mutex
	byKey  map[string]*feed // by user key
	byID   map[string]*feed // by the random id in the notification URL
	closed bool
	// lingering counts the feeds waiting to stop after their last page
	// left, so that close waits for them.
	lingering sync.WaitGroup
}

func newFeeds(a *app) *feeds {
	return &feeds{a: a, byKey: make(map[string]*feed), byID: make(map[string]*feed)}
}

// feed is one user's live feed.
type feed struct {
	fs  *feeds
	id  string
	key string

	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	run    *feedRun // nil while stopped
	linger *time.Timer
}

// feedRun is a feed's running sources.
type feedRun struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	user    *teamsuser.User
	since   time.Time
	watch   chan string   // a chat to follow now
	people  chan struct{} // the colleagues changed: read their presence now
	handler *chat.NotificationHandler
	mgr     *chat.SubscriptionManager
}

// join subscribes a page to the user's feed, starting its sources.
func (fs *feeds) join(key string, u *teamsuser.User) (*feed, *subscriber, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return nil, nil, context.Canceled
	}
	f := fs.byKey[key]
	if f == nil {
		f = &feed{fs: fs, id: randomID(), key: key, subs: make(map[*subscriber]struct{})}
		fs.byKey[key] = f
		fs.byID[f.id] = f
	}
	sub := &subscriber{ch: make(chan event, subscriberBuffer)}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopLinger()
	f.subs[sub] = struct{}{}
	if f.run == nil {
		run, err := fs.start(f, u)
		if err != nil {
			delete(f.subs, sub)
			return nil, nil, err
		}
		f.run = run
	}
	return f, sub, nil
}

// leave unsubscribes a page; the sources stop feedLinger later unless
// another page joins.
func (fs *feeds) leave(f *feed, sub *subscriber) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, sub)
	if len(f.subs) == 0 && f.run != nil && f.linger == nil {
		fs.lingering.Add(1)
		var t *time.Timer
		t = time.AfterFunc(feedLinger, func() {
			defer fs.lingering.Done()
			fs.mu.Lock()
			f.mu.Lock()
			if f.linger != t || len(f.subs) > 0 {
				f.mu.Unlock()
				fs.mu.Unlock()
				return
			}
			run := f.run
			f.run, f.linger = nil, nil
			fs.dropLocked(f)
			f.mu.Unlock()
			fs.mu.Unlock()
			fs.stopRun(run)
		})
		f.linger = t
	}
}

// stopLinger cancels a pending stop; f.mu is held.
func (f *feed) stopLinger() {
	if f.linger != nil && f.linger.Stop() {
		f.fs.lingering.Done()
	}
	f.linger = nil
}

// dropLocked forgets a feed that has no page and no sources; fs.mu and
// f.mu are held (in that order, as join takes them).
func (fs *feeds) dropLocked(f *feed) {
	if fs.byKey[f.key] == f {
		delete(fs.byKey, f.key)
	}
	delete(fs.byID, f.id)
}

// stop ends the user's feed: its pages' streams end and its sources stop
// (the user signed out).
func (fs *feeds) stop(key string) {
	fs.mu.Lock()
	f := fs.byKey[key]
	if f == nil {
		fs.mu.Unlock()
		return
	}
	f.mu.Lock()
	for sub := range f.subs {
		f.closeSub(sub)
	}
	run := f.run
	f.run = nil
	f.stopLinger()
	fs.dropLocked(f)
	f.mu.Unlock()
	fs.mu.Unlock()
	fs.stopRun(run)
}

// close stops every feed, at shutdown.
func (fs *feeds) close() {
	fs.mu.Lock()
	fs.closed = true
	keys := make([]string, 0, len(fs.byKey))
	for k := range fs.byKey {
		keys = append(keys, k)
	}
	fs.mu.Unlock()
	for _, k := range keys {
		fs.stop(k)
	}
	fs.lingering.Wait()
}

// closeSub ends a subscriber's stream; f.mu is held.
func (f *feed) closeSub(sub *subscriber) {
	if !sub.closed {
		sub.closed = true
		close(sub.ch)
	}
	delete(f.subs, sub)
}

// publish sends ev to the feed's pages; a page too far behind is dropped.
func (f *feed) publish(ev event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sub := range f.subs {
		select {
		case sub.ch <- ev:
		default:
			f.closeSub(sub)
		}
	}
}

// publish sends ev to the pages of the user key, if any listens.
func (fs *feeds) publish(key string, ev event) {
	fs.mu.Lock()
	f := fs.byKey[key]
	fs.mu.Unlock()
	if f != nil {
		f.publish(ev)
	}
}

func (fs *feeds) running(key string) *feedRun {
	fs.mu.Lock()
	f := fs.byKey[key]
	fs.mu.Unlock()
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.run
}

// watchChat has the user's feed follow a chat now (one the user just
// started or found), rather than at its next reading of the chat list.
func (fs *feeds) watchChat(key, chatID string) {
	if run := fs.running(key); run != nil {
		select {
		case run.watch <- chatID:
		default: // the next reading of the chat list finds it
		}
	}
}

// peopleChanged has the user's feed read the colleagues' presence now.
func (fs *feeds) peopleChanged(key string) {
	if run := fs.running(key); run != nil {
		select {
		case run.people <- struct{}{}:
		default:
		}
	}
}

// notificationURL is where Graph posts the notifications of a feed.
func (fs *feeds) notificationURL(f *feed) string {
	return fs.a.cfg.publicURL + "/graph/notifications/" + f.id
}

// start starts a feed's sources for the user u.
func (fs *feeds) start(f *feed, u *teamsuser.User) (*feedRun, error) {
	a := fs.a
	ctx, cancel := context.WithCancel(a.ctx)
	run := &feedRun{cancel: cancel, user: u, since: time.Now(), watch: make(chan string, 16), people: make(chan struct{}, 1)}
	if a.cfg.live == "notify" {
		mgr, err := chat.NewSubscriptionManager(u.Chat(), fs.notificationURL(f), &chat.SubscriptionManagerOptions{
			OnError: func(id string, err error) { a.cfg.logger.Warn("chat subscription", "subscription", id, "err", err) },
		})
		if err == nil {
			run.mgr = mgr
			run.handler, err = chat.NewNotificationHandler(mgr, nil)
		}
		if err != nil {
			cancel()
			return nil, err
		}
		run.wg.Add(2)
		go func() {
			defer run.wg.Done()
			_ = mgr.Run(ctx)
		}()
		go func() {
			defer run.wg.Done()
			fs.readNotifications(ctx, f, run)
		}()
	}
	run.wg.Add(2)
	go func() {
		defer run.wg.Done()
		fs.followChats(ctx, f, run)
	}()
	go func() {
		defer run.wg.Done()
		fs.followPresence(ctx, f, run)
	}()
	return run, nil
}

// stopRun stops a feed's sources and, with notifications, deletes its
// subscriptions.
func (fs *feeds) stopRun(run *feedRun) {
	if run == nil {
		return
	}
	run.cancel()
	run.wg.Wait()
	if run.mgr != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := run.mgr.UnsubscribeAll(ctx); err != nil {
			fs.a.cfg.logger.Warn("deleting the chat subscriptions", "err", err)
		}
		cancel()
		// Nobody reads the feed's notifications any more: Close drops
		// those not yet handed over, and says how many.
		if err := run.handler.Close(); err != nil {
			fs.a.cfg.logger.Warn("closing the notification handler", "err", err)
		}
	}
}

// serveNotification is the notification URL of every feed.
func (fs *feeds) serveNotification(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	f := fs.byID[r.PathValue("feed")]
	fs.mu.Unlock()
	var run *feedRun
	if f != nil {
		f.mu.Lock()
		run = f.run
		f.mu.Unlock()
	}
	if run == nil || run.handler == nil {
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	run.handler.ServeHTTP(w, r)
}

// pollInterval is the time between two polls of a chat.
func (fs *feeds) pollInterval() time.Duration { return fs.a.cfg.pollInterval }

// followChats reads the chat list now and then, follows each chat's new
// messages, and tells the pages of new chats.
func (fs *feeds) followChats(ctx context.Context, f *feed, run *feedRun) {
	a := fs.a
	followed := make(map[string]bool)
	follow := func(id string) {
		if followed[id] {
			return
		}
		followed[id] = true
		if run.mgr != nil {
			if _, err := run.mgr.Subscribe(ctx, chat.ChatMessagesResource(id)); err == nil {
				return
			} else if ctx.Err() == nil {
				// Without a subscription the chat is polled instead.
				a.cfg.logger.Warn("subscribing to a chat failed; polling it", "err", err)
			}
		}
		run.wg.Add(1)
		go func() {
			defer run.wg.Done()
			fs.pollChat(ctx, f, run, id)
		}()
	}
	every := fs.pollInterval() * chatListEvery
	if run.mgr != nil {
		every = a.cfg.presenceInterval * chatListEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	first := true
	for {
		chats, err := listChats(ctx, run.user)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			a.cfg.logger.Warn("reading the chat list", "err", err)
			if chat.IsUnauthorized(err) {
				f.publish(event{"session", map[string]string{"state": "expired"}})
			}
		default:
			added := false
			for _, c := range chats {
				if !followed[c.ID] {
					added = true
					follow(c.ID)
				}
			}
			if added && !first {
				f.publish(event{"chats", map[string]string{"reason": "new chat"}})
			}
			first = false
		}
		select {
		case <-ctx.Done():
			return
		case id := <-run.watch:
			if !followed[id] {
				follow(id)
				f.publish(event{"chats", map[string]string{"reason": "new chat"}})
			}
		case <-t.C:
		}
	}
}

// pollChat follows one chat with chat.Watch.
func (fs *feeds) pollChat(ctx context.Context, f *feed, run *feedRun, chatID string) {
	for m, err := range chat.Watch(ctx, run.user.Chat(), chatID, &chat.WatchOptions{Interval: fs.pollInterval(), Since: run.since}) {
		if err != nil {
			// A failure polling cannot mend (the chat is gone, or the
			// user left it): Watch has ended.
			fs.a.cfg.logger.Info("no longer following a chat", "err", err)
			return
		}
		if m.ChatID == "" {
			m.ChatID = chatID
		}
		f.publish(event{"message", messageViewOf(m)})
	}
}

// readNotifications reads each message the feed's notifications name and
// sends it to the pages.
func (fs *feeds) readNotifications(ctx context.Context, f *feed, run *feedRun) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-run.handler.Notifications():
			if n.IsLifecycle() {
				if err := run.mgr.Handle(ctx, n); err != nil && ctx.Err() == nil {
					fs.a.cfg.logger.Warn("lifecycle notification", "err", err)
				}
				continue
			}
			if n.ChatID == "" || n.MessageID == "" {
				continue
			}
			res, err := run.user.Chat().GetMessage(ctx, n.ChatID, n.MessageID, nil)
			if err != nil {
				if ctx.Err() == nil && !chat.IsNotFound(err) {
					fs.a.cfg.logger.Warn("reading a notified message", "err", err)
				}
				continue
			}
			m := res.Message
			if m.ChatID == "" {
				m.ChatID = n.ChatID
			}
			f.publish(event{"message", messageViewOf(m)})
		}
	}
}

// followPresence reads the colleagues' presence every presence interval,
// and at once when they changed, and sends the changes.
func (fs *feeds) followPresence(ctx context.Context, f *feed, run *feedRun) {
	a := fs.a
	last := make(map[string]presenceView)
	t := time.NewTicker(a.cfg.presenceInterval)
	defer t.Stop()
	for {
		people, err := a.colleagues(ctx, run.user, f.key)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			a.cfg.logger.Warn("reading the colleagues' presence", "err", err)
		}
		for _, p := range people {
			if p.Presence == nil {
				continue
			}
			id := strings.ToLower(p.ID)
			if old, ok := last[id]; !ok || old != *p.Presence {
				last[id] = *p.Presence
				f.publish(event{"presence", p})
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-run.people:
		case <-t.C:
		}
	}
}

// serveEvents streams the user's feed as server-sent events. The server's
// write deadline is for whole answers (internal/httpserver's
// WriteTimeout): the stream moves it forward before each write
// (http.ResponseController), so a stream lasts as long as the page listens
// while a write that stalls still ends it. (The read deadline does not
// matter: once a request without a body is read, net/http clears it for
// the read that notices a client going away.)
func (a *app) serveEvents(w http.ResponseWriter, r *http.Request, s *session) {
	u, err := a.user(r.Context(), s)
	if err != nil {
		a.writeServiceError(w, "acting as you", err)
		return
	}
	rc := http.NewResponseController(w)
	f, sub, err := a.feeds.join(s.userKey(), u)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "shutting_down", "the app is stopping")
		return
	}
	defer a.feeds.leave(f, sub)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	send := func(format string, args ...any) bool {
		if rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)) != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 3000\nevent: ready\ndata: {}\n\n") {
		return
	}
	t := time.NewTicker(heartbeat)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.ctx.Done():
			return
		case ev, ok := <-sub.ch:
			if !ok {
				send("event: session\ndata: {\"state\":\"ended\"}\n\n")
				return
			}
			b, err := json.Marshal(ev.data)
			if err != nil {
				continue
			}
			if !send("event: %s\ndata: %s\n\n", ev.name, b) {
				return
			}
		case <-t.C:
			// A page that only listens keeps its session's token fresh,
			// and so its user's (teamsuser.Users keeps a user while a
			// later token of theirs comes).
			if !a.sessions.alive(s) || a.fresh(r.Context(), s) != nil {
				send("event: session\ndata: {\"state\":\"ended\"}\n\n")
				return
			}
			if _, err := a.user(r.Context(), s); err != nil {
				a.cfg.logger.Warn("keeping the user of a stream", "err", err)
			}
			if !send(": ping\n\n") {
				return
			}
		}
	}
}
