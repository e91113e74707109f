package replicas_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/redis/go-redis/v9"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// A replica is the test binary started again with roleEnv set: it builds
// its own object graph on the shared Redis, prints what it does on stdout
// (one event a line: a kind, then fields) and takes commands on stdin; it
// ends when stdin closes or a signal comes.
//
//	READY <url>                   serving at url
//	SUBSCRIBED <resource> <id>    Subscribe returned
//	NOTE <subscription> <kind> <message id>  a notification accepted
//	RENEWED <token> <subscription>           a renewal written under the leader lease
//	CHANGE <call> <status>        the tracker's OnChange (see statusLine)
//	REFUSED <status>              a handler refused a delivery
//	TOKEN <user> <status>         the token service answered a request
//	ERROR <text>                  a failure the manager reported

// out prints a replica's events, one whole line at a time.
type out struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (o *out) emit(kind string, fields ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintln(o.w, kind, strings.Join(fields, " "))
	_ = o.w.Flush()
}

func replicaMain(raw string) int {
	var cfg replicaConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "replica config:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := &out{w: bufio.NewWriter(os.Stdout)}
	if err := runReplica(ctx, cfg, o); err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	return 0
}

func runReplica(ctx context.Context, cfg replicaConfig, o *out) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	defer rdb.Close()
	store, err := redisstore.New(rdb, &redisstore.Options{Prefix: prefix})
	if err != nil {
		return err
	}
	defer store.Close()
	subs, err := store.ChatSubscriptions(chatName)
	if err != nil {
		return err
	}
	client, err := chat.NewClient(staticToken(cfg.GraphToken), &chat.ClientOptions{BaseURL: cfg.GraphURL, UserID: cfg.UserID})
	if err != nil {
		return err
	}
	const lifetime = 55 * time.Minute
	mgr, err := chat.NewSubscriptionManager(client, cfg.PublicURL+"/graph", &chat.SubscriptionManagerOptions{
		Lifetime:    lifetime,
		RenewBefore: lifetime - cfg.RenewEvery,
		Store:       &watchedStore{ChatSubscriptions: subs, o: o},
		LeaderLease: cfg.LeaderLease,
		OnError:     func(id string, err error) { o.emit("ERROR", strconv.Quote(id+": "+err.Error())) },
	})
	if err != nil {
		return err
	}
	h, err := chat.NewNotificationHandler(mgr, nil)
	if err != nil {
		return err
	}
	cb, err := callTracking(cfg, store, func(st calling.CallStatus) { o.emit("CHANGE", st.CallConnectionID, statusLine(st)) },
		func(err error) { o.emit("ERROR", strconv.Quote(err.Error())) })
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/graph", refusals(h, o))
	mux.Handle("/callbacks", refusals(cb, o))
	tokens, err := tokenService(cfg, store, o)
	if err != nil {
		return err
	}
	defer tokens.Close() // after the server has stopped (the deferred stop below runs first)
	mux.Handle("/api/token", tokens)
	creds, err := credentials(cfg, store)
	if err != nil {
		return err
	}
	defer func() {
		for _, c := range creds {
			_ = c.Close()
		}
	}()
	mux.HandleFunc("/acs-token", func(w http.ResponseWriter, r *http.Request) {
		cred, ok := creds[r.URL.Query().Get("user")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if _, err := cred.GetToken(r.Context(), policy.TokenRequestOptions{}); err != nil {
			o.emit("ERROR", strconv.Quote(err.Error()))
			http.Error(w, "no token", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent) // the token stays here
	})
	srv := httpserver.New("127.0.0.1:0", mux, nil)
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer func() { // stop, and wait for what this replica started
		cancel()
		h.Close()
		wg.Wait()
		_ = cb.Close()
	}()
	wg.Add(3)
	go func() { defer wg.Done(); _ = srv.Run(ctx, ln) }()
	go func() { defer wg.Done(); _ = mgr.Run(ctx) }()
	go func() {
		defer wg.Done()
		for n := range h.Notifications() {
			if n.IsLifecycle() {
				_ = mgr.Handle(ctx, n)
			}
			o.emit("NOTE", n.SubscriptionID, string(n.Kind), n.MessageID)
		}
	}()
	o.emit("READY", srv.URL(ln))

	lines := make(chan string)
	go func() { // ends with stdin, which the test closes, or with the process
		defer close(lines)
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			if line == "subscribe" {
				for _, r := range cfg.Resources {
					s, err := mgr.Subscribe(ctx, r)
					if err != nil {
						return err
					}
					o.emit("SUBSCRIBED", r, s.ID)
				}
			}
		}
	}
}

// watchedStore reports the renewals written under the leader lease.
type watchedStore struct {
	*redisstore.ChatSubscriptions
	o *out
}

func (w *watchedStore) Put(ctx context.Context, rec chat.SubscriptionRecord, replaces string, fence chat.Lease) (bool, error) {
	ok, err := w.ChatSubscriptions.Put(ctx, rec, replaces, fence)
	if ok && fence.Name == "leader" && replaces == rec.Subscription.ID {
		w.o.emit("RENEWED", strconv.FormatUint(fence.Token, 10), rec.Subscription.ID)
	}
	return ok, err
}

// refusals reports the deliveries the handler did not accept.
func refusals(h http.Handler, o *out) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &status{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		if rec.code >= 300 {
			o.emit("REFUSED", strconv.Itoa(rec.code))
		}
	})
}

type status struct {
	http.ResponseWriter
	code int
}

func (s *status) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

// staticToken is a replica's Graph credential: the token the test minted
// for the fake.
type staticToken string

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// callTracking is a replica's call side: a Tracker on the store shared by
// every replica, fed by a CallbackHandler that checks the switchboard's
// tokens. The reference tracker of the test is made the same way on a
// store of its own.
func callTracking(cfg replicaConfig, store *redisstore.Store, onChange func(calling.CallStatus), onError func(error)) (*calling.CallbackHandler, error) {
	var ts calling.TrackerStore
	if store != nil {
		var err error
		if ts, err = calling.NewSharedTrackerStore(store.Calls(), nil); err != nil {
			return nil, err
		}
	}
	client, err := calling.NewClientFromConnectionString(cfg.ACSConnectionString,
		&calling.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return nil, err
	}
	tr, err := calling.NewTracker(client, &calling.TrackerOptions{Store: ts, SharedStore: store != nil, OnChange: onChange})
	if err != nil {
		return nil, err
	}
	cb, err := calling.NewCallbackHandler(cfg.ACSResourceID, &calling.CallbackHandlerOptions{
		CallbackAuthOptions: calling.CallbackAuthOptions{OpenIDConfigurationURL: cfg.ACSURL + callfake.PathOpenIDConfiguration},
		Synchronous:         true, // answered once tracked: nothing acknowledged is lost with a replica
	})
	if err != nil {
		return nil, err
	}
	cb.OnEvent(func(ctx context.Context, ev calling.Event) {
		if _, err := tr.Apply(ctx, ev); err != nil {
			onError(err)
		}
	})
	return cb, nil
}

// statusLine is what the test compares of a status.
func statusLine(st calling.CallStatus) string {
	target, reason := "-", "-"
	if st.TransferTarget.Identifier != nil {
		target = st.TransferTarget.Identifier.RawID()
	}
	if st.EndReason != nil {
		reason = fmt.Sprintf("%d/%d", st.EndReason.Code, st.EndReason.SubCode)
	}
	return fmt.Sprintf("%s %d %s %s", st.State, st.ParticipantsSequence, target, reason)
}

// tokenService is a replica's token service: callers forward their Teams
// token, which it exchanges at identity/fake's ACS; the per-user rate
// limits and the ACS tokens it hands out (sealed with the key every
// replica has) are on the shared store. It reports each request as a TOKEN
// event.
func tokenService(cfg replicaConfig, store *redisstore.Store, o *out) (*tokenservice.Service, error) {
	client, err := identity.NewClientFromConnectionString(cfg.IdentityConnectionString,
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return nil, err
	}
	cache, err := identity.NewSharedTokenCache(store.Tokens(), []identity.TokenKey{{ID: "test-1", Key: cfg.TokenKey}})
	if err != nil {
		return nil, err
	}
	return tokenservice.New(tokenservice.Config{
		Exchanger: client,
		AppID:     cfg.TokenServiceAppID,
		Audiences: []string{cfg.TokenServiceAppID},
		Tenants:   []string{cfg.TenantID},
	}, &tokenservice.Options{
		ForwardedAppID: cfg.ForwardedAppID,
		AuthorityHost:  cfg.EntraURL,
		RateLimit:      tokenservice.RateLimit{Store: store.RateLimits(), Burst: tokenBurst, Every: time.Hour},
		SharedCache:    cache,
		// Not the credentials' ids: the test counts their exchanges apart.
		SharedCacheID: func(appID, userID string) string { return "test/tokenservice/" + appID + "/" + userID },
		Logger:        slog.New(tokenEvents{o}),
	})
}

// tokenEvents turns the token service's record of a request into the
// event TOKEN <user> <status>.
type tokenEvents struct{ o *out }

func (tokenEvents) Enabled(context.Context, slog.Level) bool { return true }

func (h tokenEvents) Handle(_ context.Context, r slog.Record) error {
	user, status := "-", "-"
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "user":
			user = a.Value.String()
		case "status":
			status = a.Value.String()
		}
		return true
	})
	h.o.emit("TOKEN", user, status)
	return nil
}

func (h tokenEvents) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h tokenEvents) WithGroup(string) slog.Handler      { return h }

// credentials are a replica's refreshing credentials of the token users,
// sharing their ACS tokens with the other replicas through Redis, sealed
// with the key every replica has.
func credentials(cfg replicaConfig, store *redisstore.Store) (map[string]*identity.TeamsUserCredential, error) {
	client, err := identity.NewClientFromConnectionString(cfg.IdentityConnectionString,
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return nil, err
	}
	cache, err := identity.NewSharedTokenCache(store.Tokens(), []identity.TokenKey{{ID: "test-1", Key: cfg.TokenKey}})
	if err != nil {
		return nil, err
	}
	out := map[string]*identity.TeamsUserCredential{}
	for oid, entraToken := range cfg.EntraTokens {
		cred, err := identity.NewTeamsUserCredential(client, staticToken(entraToken), cfg.ForwardedAppID, oid, &identity.TeamsUserCredentialOptions{
			SharedCache: cache, SharedCacheID: "test/" + cfg.ForwardedAppID + "/" + oid,
		})
		if err != nil {
			return nil, err
		}
		out[oid] = cred
	}
	return out, nil
}
