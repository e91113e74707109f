package replicas_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// roleEnv, set, makes the test binary a replica: its value is the
// replica's configuration (a replicaConfig in JSON).
const roleEnv = "TEAMSUSER_REPLICA_CONFIG"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(roleEnv); cfg != "" {
		os.Exit(replicaMain(cfg))
	}
	os.Exit(m.Run())
}

// The keys of every replica's store, and the name of the chat
// subscriptions' store.
const (
	prefix   = "replicas:"
	chatName = "alice"
)

// waitLimit bounds each wait for the cluster to reach a state: a limit on
// waiting for processes, not an assertion on their speed.
const waitLimit = 30 * time.Second

// cluster is the test's view of the replicas: their processes, the
// round-robin proxy in front of them, and what they reported.
type cluster struct {
	t     *testing.T
	proxy *httptest.Server
	// reference receives a copy of every callback delivery before the
	// replica the proxy picks: a tracker of its own that sees every event
	// once, in order, which says what the replicas' trackers should report.
	reference http.Handler

	mu       sync.Mutex
	live     []*replicaProc // in the proxy's rotation
	next     int
	proxyErr int     // requests the proxy could not forward
	refErr   int     // callback deliveries the reference refused
	events   []event // what the replicas printed, in arrival order
	changed  chan struct{}
	readers  sync.WaitGroup
	replicas []*replicaProc
}

type replicaProc struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	url   *url.URL
	done  chan struct{} // closed when the process has exited and its output is read
}

// event is one line a replica printed: a kind and its fields.
type event struct {
	replica string
	kind    string
	fields  []string
}

func newCluster(t *testing.T, reference http.Handler) *cluster {
	c := &cluster{t: t, reference: reference, changed: make(chan struct{})}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			c.mu.Lock()
			var to *url.URL
			if len(c.live) > 0 {
				to = c.live[c.next%len(c.live)].url
				c.next++
			}
			c.mu.Unlock()
			if to == nil {
				to = &url.URL{Scheme: "http", Host: "127.0.0.1:1"} // nobody: a 502
			}
			r.SetURL(to)
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			c.mu.Lock()
			c.proxyErr++
			c.mu.Unlock()
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	c.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/callbacks" {
			body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
			_ = r.Body.Close()
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			ref := r.Clone(r.Context())
			ref.Body = io.NopCloser(bytes.NewReader(body))
			rec := httptest.NewRecorder()
			c.reference.ServeHTTP(rec, ref)
			if rec.Code != http.StatusOK {
				c.mu.Lock()
				c.refErr++
				c.mu.Unlock()
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(c.proxy.Close)
	t.Cleanup(c.stopAll)
	return c
}

// start runs a replica process of cfg and waits for its READY line.
func (c *cluster) start(cfg replicaConfig) *replicaProc {
	c.t.Helper()
	cfg.PublicURL = c.proxy.URL
	b, err := json.Marshal(cfg)
	require.NoError(c.t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), roleEnv+"="+string(b))
	cmd.Stderr = &prefixWriter{t: c.t, name: cfg.Name}
	stdout, err := cmd.StdoutPipe()
	require.NoError(c.t, err)
	stdin, err := cmd.StdinPipe()
	require.NoError(c.t, err)
	require.NoError(c.t, cmd.Start())
	p := &replicaProc{name: cfg.Name, cmd: cmd, stdin: stdin, done: make(chan struct{})}
	c.mu.Lock()
	c.replicas = append(c.replicas, p)
	c.mu.Unlock()
	c.readers.Add(1)
	go func() {
		defer c.readers.Done()
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 0 {
				continue
			}
			c.mu.Lock()
			c.events = append(c.events, event{replica: p.name, kind: f[0], fields: f[1:]})
			close(c.changed)
			c.changed = make(chan struct{})
			c.mu.Unlock()
		}
		_ = cmd.Wait()
	}()
	ready := c.waitEvent(func(e event) bool { return e.replica == p.name && e.kind == "READY" }, p.name+" ready")
	p.url, err = url.Parse(ready.fields[0])
	require.NoError(c.t, err)
	c.mu.Lock()
	c.live = append(c.live, p)
	c.mu.Unlock()
	return p
}

// send writes a command line to a replica.
func (c *cluster) send(p *replicaProc, cmd string) {
	c.t.Helper()
	_, err := io.WriteString(p.stdin, cmd+"\n")
	require.NoError(c.t, err)
}

// kill takes a replica out of the rotation, as a load balancer's health
// check does, and kills it without warning.
func (c *cluster) kill(p *replicaProc) {
	c.mu.Lock()
	for i, q := range c.live {
		if q == p {
			c.live = append(c.live[:i], c.live[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
	_ = p.cmd.Process.Kill()
	<-p.done
}

// stopAll ends the replicas still running: SIGTERM, then a kill after a
// while; it waits for their output readers.
func (c *cluster) stopAll() {
	c.mu.Lock()
	all := append([]*replicaProc(nil), c.replicas...)
	c.mu.Unlock()
	for _, p := range all {
		select {
		case <-p.done:
			continue
		default:
		}
		_ = p.stdin.Close() // a replica ends when its stdin does
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	c.readers.Wait()
}

// snapshot returns the events so far and a channel closed at the next.
func (c *cluster) snapshot() ([]event, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.events, c.changed
}

// waitEvent waits for an event that match accepts and returns it.
func (c *cluster) waitEvent(match func(event) bool, what string) event {
	c.t.Helper()
	var found event
	c.waitFor(func(evs []event) bool {
		for _, e := range evs {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	}, what)
	return found
}

// waitFor waits until cond holds of the events, or polls something else
// (then cond is called again at the next event or every 20 ms).
func (c *cluster) waitFor(cond func([]event) bool, what string) {
	c.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		evs, changed := c.snapshot()
		if cond(evs) {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			c.t.Fatalf("waited %v for %s; the replicas said:\n%s", waitLimit, what, c.describe())
		}
	}
}

func (c *cluster) describe() string {
	evs, _ := c.snapshot()
	var b strings.Builder
	for _, e := range evs[max(0, len(evs)-40):] {
		fmt.Fprintf(&b, "  %s: %s %s\n", e.replica, e.kind, strings.Join(e.fields, " "))
	}
	return b.String()
}

// count counts the events of a kind.
func count(evs []event, kind string) int {
	n := 0
	for _, e := range evs {
		if e.kind == kind {
			n++
		}
	}
	return n
}

// prefixWriter passes a replica's stderr to the test log.
type prefixWriter struct {
	t    *testing.T
	name string
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		w.t.Logf("%s: %s", w.name, line)
	}
	return len(b), nil
}

// TestReplicas runs three replicas in separate processes that share
// nothing but a real redis-server, behind a round-robin reverse proxy on
// loopback, against chat/fake's HTTP face, which delivers the change
// notifications to the proxy. Every replica subscribes to every resource;
// one replica (the leader) is killed mid-run, and Redis restarts empty
// once. It checks: one subscription per resource, every notification
// accepted (none refused, none lost, none twice), renewals by one leader at
// a time and by another after the leader died, the subscriptions found
// again after Redis lost them, each tracker change reported once, the token
// service's rate limit and the ACS tokens shared (one exchange per user,
// whichever replicas answer), and one exchange per user for the
// credentials.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server and three replica processes")
	}
	ctx := context.Background()
	began := time.Now()
	rsrv := redistest.Start(t)
	raw := rsrv.Client()

	graph, sd := chatfake.NewSeeded(nil)
	t.Cleanup(func() { _ = graph.Close() })
	gsrv := httptest.NewServer(graph.Handler())
	t.Cleanup(gsrv.Close)
	oneOnOne, err := graph.As(sd.Alice.ID).CreateOneOnOneChat(ctx, sd.Bob.ID, nil)
	require.NoError(t, err)
	resources := []string{
		chat.ChatMessagesResource(sd.Meeting.ChatID),
		chat.ChatMessagesResource(oneOnOne.Chat.ID),
		chat.ChannelMessagesResource(sd.Team.ID, sd.Channel.ID),
	}
	// Calls: the switchboard's HTTP face, its parties, and the calls' callbacks
	// through the proxy.
	const resourceNumber = "+18005550100"
	sb := callfake.New(&callfake.Options{CallerIDs: []string{resourceNumber}})
	t.Cleanup(func() { _ = sb.Close() })
	acs := sb.NewServer()
	t.Cleanup(acs.Close)
	expert := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", callfake.Answers())

	// Tokens: a fake Entra ID and ACS identity service, and Fabrikam's users.
	const apiAppID, webAppID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	entra := identityfake.NewEntra(nil)
	fabrikam := entra.AddTenant("Fabrikam")
	var tokenUsers []identityfake.TestUser
	for _, name := range []string{"Adele Vance", "Alex Wilber", "Megan Bowen"} {
		tokenUsers = append(tokenUsers, entra.AddUser(fabrikam.ID, name))
	}
	entraSrv := httptest.NewServer(entra.Handler())
	t.Cleanup(entraSrv.Close)
	acsIdentity := identityfake.New(&identityfake.Options{Entra: entra})
	acsIdentitySrv := acsIdentity.NewServer()
	t.Cleanup(acsIdentitySrv.Close)

	cfg := replicaConfig{
		RedisAddr: rsrv.Addr(), GraphURL: gsrv.URL + "/v1.0", GraphToken: graph.TokenFor(sd.Alice.ID), UserID: sd.Alice.ID,
		Resources: resources, LeaderLease: 300 * time.Millisecond, RenewEvery: 2 * time.Second,
		ACSConnectionString: sb.ConnectionString(acs.URL), ACSURL: acs.URL, ACSResourceID: sb.ResourceID(),
		IdentityConnectionString: acsIdentity.ConnectionString(acsIdentitySrv.URL), EntraURL: entraSrv.URL, TenantID: fabrikam.ID,
		TokenServiceAppID: apiAppID, ForwardedAppID: webAppID,
		EntraTokens: map[string]string{}, TokenKey: make([]byte, 32),
	}
	_, _ = rand.Read(cfg.TokenKey)
	for _, u := range tokenUsers {
		tok, _, err := entra.TeamsUserToken(u, webAppID)
		require.NoError(t, err)
		cfg.EntraTokens[u.ObjectID] = tok
	}
	var refMu sync.Mutex
	refChanges := map[string][]string{} // call -> statusLine of each OnChange
	reference, err := callTracking(cfg, nil, func(st calling.CallStatus) {
		refMu.Lock()
		refChanges[st.CallConnectionID] = append(refChanges[st.CallConnectionID], statusLine(st))
		refMu.Unlock()
	}, func(err error) { t.Errorf("reference tracker: %v", err) })
	require.NoError(t, err)
	t.Cleanup(func() { _ = reference.Close() })
	c := newCluster(t, reference)
	var procs []*replicaProc
	for i := range 3 {
		cfg.Name = "replica-" + strconv.Itoa(i+1)
		procs = append(procs, c.start(cfg))
	}
	t.Logf("%v: Every replica subscribes to every res", time.Since(began).Round(time.Millisecond))
	// Every replica subscribes to every resource, all at once.
	for _, p := range procs {
		c.send(p, "subscribe")
	}
	c.waitFor(func(evs []event) bool { return count(evs, "SUBSCRIBED") == 3*len(resources) }, "every replica subscribed")
	live := graph.Subscriptions()
	require.Len(t, live, len(resources), "one subscription per resource")
	creates, _ := graph.CountRequests(chatfake.OpCreateSubscription)
	require.Equal(t, len(resources), creates, "none made and deleted again")
	subIDs := map[string]string{} // resource -> id
	for _, s := range live {
		subIDs[s.Resource] = s.ID
	}
	evs, _ := c.snapshot()
	for _, e := range evs {
		if e.kind == "SUBSCRIBED" {
			require.Equal(t, subIDs[e.fields[0]], e.fields[1], "%s has the one subscription of %s", e.replica, e.fields[0])
		}
	}

	t.Logf("%v: Changes: every notification accepted", time.Since(began).Round(time.Millisecond))
	// Changes: every notification accepted by whichever replica it reached.
	sent := 0
	post := func(round string) {
		t.Helper()
		for i := range 3 {
			text := fmt.Sprintf("%s %d", round, i)
			_, err := graph.Post(sd.Bob.ID, sd.Meeting.ChatID, text)
			require.NoError(t, err)
			_, err = graph.Post(sd.Bob.ID, oneOnOne.Chat.ID, text)
			require.NoError(t, err)
			_, err = graph.As(sd.Bob.ID).SendChannelMessage(ctx, sd.Team.ID, sd.Channel.ID, chat.TextMessage(text), nil)
			require.NoError(t, err)
			require.NoError(t, graph.Flush(ctx))
			sent += len(resources)
		}
		c.waitFor(func(evs []event) bool { return count(evs, "NOTE") >= sent }, fmt.Sprintf("%d notifications", sent))
	}
	post("before")

	// Calls: each event reaches one replica; their trackers share the
	// statuses, so each change is reported once, by the replica that made it.
	var calls []string
	call := func(i int) string {
		t.Helper()
		callee := sb.AddPhoneNumber(fmt.Sprintf("+1425555%04d", i), callfake.Answers())
		resp, err := sb.CreateCall(ctx, []identity.Identifier{callee}, c.proxy.URL+"/callbacks",
			&calling.CreateCallOptions{SourceCallerID: &identity.PhoneNumberIdentifier{PhoneNumber: resourceNumber}})
		require.NoError(t, err)
		calls = append(calls, resp.CallConnectionID)
		return resp.CallConnectionID
	}
	settle := func() {
		t.Helper()
		require.NoError(t, sb.Settle(ctx))
		refMu.Lock()
		want := 0
		for _, ch := range refChanges {
			want += len(ch)
		}
		refMu.Unlock()
		c.waitFor(func(evs []event) bool { return count(evs, "CHANGE") >= want }, fmt.Sprintf("%d tracker changes", want))
	}
	for i := range 4 {
		call(i)
	}
	settle()
	for _, id := range calls[:2] {
		_, err := sb.TransferToParticipant(ctx, id, expert, nil)
		require.NoError(t, err)
	}
	settle()

	t.Logf("%v: Renewals: by one replica", time.Since(began).Round(time.Millisecond))
	// Tokens: each user's requests go round the replicas; the rate limit
	// holds across them.
	askToken := func(caller, teams string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.proxy.URL+"/api/token", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+caller)
		req.Header.Set(tokenservice.TeamsTokenHeader, teams)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	type heldTokens struct{ caller, teams string }
	held := map[string]heldTokens{}
	for _, u := range tokenUsers {
		// What the user's client holds: a token for the service's API, and
		// a Teams token it forwards.
		caller, _, err := entra.TeamsUserToken(u, webAppID, identityfake.V2(), identityfake.WithAudience(apiAppID))
		require.NoError(t, err)
		teams, _, err := entra.TeamsUserToken(u, webAppID)
		require.NoError(t, err)
		held[u.ObjectID] = heldTokens{caller, teams}
		answers := map[int]int{}
		for range 3 * tokenBurst {
			answers[askToken(caller, teams)]++
		}
		require.Equal(t, map[int]int{http.StatusOK: tokenBurst, http.StatusTooManyRequests: 2 * tokenBurst}, answers,
			"%s: the burst is the limit, not replicas × the limit", u.DisplayName)
	}
	// The replicas share the ACS tokens they hand out: each user's answers
	// came from several replicas, and cost one exchange.
	evs, _ = c.snapshot()
	servedBy := map[string]map[string]bool{} // user -> replicas that answered 200
	for _, e := range evs {
		if e.kind == "TOKEN" && e.fields[1] == strconv.Itoa(http.StatusOK) {
			if servedBy[e.fields[0]] == nil {
				servedBy[e.fields[0]] = map[string]bool{}
			}
			servedBy[e.fields[0]][e.replica] = true
		}
	}
	for _, u := range tokenUsers {
		t.Logf("the token service: %s answered by %d replicas", u.DisplayName, len(servedBy[u.ObjectID]))
		require.Greater(t, len(servedBy[u.ObjectID]), 1, "%s's requests went round the replicas", u.DisplayName)
	}
	exchanges, _ := acsIdentity.CountRequests(identityfake.OpExchangeTeamsUserToken)
	require.Equal(t, len(tokenUsers), exchanges, "the token service: one exchange per user across the replicas")

	// Refreshing credentials: each replica has one per user, sharing the
	// users' ACS tokens through Redis. Every replica asks for every user's
	// token at once, twice over: one exchange per user for the cluster.
	credTokens := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, u := range tokenUsers {
			for range 2 * len(procs) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := http.Get(c.proxy.URL + "/acs-token?user=" + u.ObjectID)
					if !assert.NoError(t, err) {
						return
					}
					resp.Body.Close()
					assert.Equal(t, http.StatusNoContent, resp.StatusCode)
				}()
			}
		}
		wg.Wait()
	}
	credTokens()
	afterCreds, _ := acsIdentity.CountRequests(identityfake.OpExchangeTeamsUserToken)
	require.Equal(t, len(tokenUsers), afterCreds-exchanges, "one exchange per user across the replicas")

	// Renewals: by one replica, the leader, under its lease.
	leaderWrites := func(evs []event) map[string]string { // token -> replica
		out := map[string]string{}
		for _, e := range evs {
			if e.kind == "RENEWED" {
				out[e.fields[0]] = e.replica
			}
		}
		return out
	}
	c.waitFor(func(evs []event) bool { return count(evs, "RENEWED") >= 2*len(resources) }, "renewals")
	evs, _ = c.snapshot()
	var leader *replicaProc
	var leaderToken uint64
	for tok, name := range leaderWrites(evs) {
		n, _ := strconv.ParseUint(tok, 10, 64)
		if n > leaderToken {
			leaderToken = n
			for _, p := range procs {
				if p.name == name {
					leader = p
				}
			}
		}
	}
	require.NotNil(t, leader)

	t.Logf("%v: The leader dies mid-run", time.Since(began).Round(time.Millisecond))
	// The leader dies mid-run: another replica renews from then on, under a
	// lease with a greater token, and nothing is refused meanwhile.
	c.kill(leader)
	killedAt := len(evs)
	c.waitFor(func(evs []event) bool {
		for _, e := range evs[killedAt:] {
			n, _ := strconv.ParseUint(e.fields[0], 10, 64)
			if e.kind == "RENEWED" && e.replica != leader.name && n > leaderToken {
				return true
			}
		}
		return false
	}, "a renewal by a new leader")
	post("after the kill")
	credTokens()
	n, _ := acsIdentity.CountRequests(identityfake.OpExchangeTeamsUserToken)
	require.Equal(t, afterCreds, n, "the survivors have the tokens: no exchange")
	for _, id := range calls[2:] { // calls that began before the kill end after it
		_, err := sb.HangUp(ctx, id, nil)
		require.NoError(t, err)
	}
	settle()
	checkCalls := func(ids []string) {
		t.Helper()
		evs, _ := c.snapshot()
		got := map[string][]string{}
		for _, e := range evs {
			if e.kind == "CHANGE" {
				got[e.fields[0]] = append(got[e.fields[0]], strings.Join(e.fields[1:], " "))
			}
		}
		refMu.Lock()
		defer refMu.Unlock()
		for _, id := range ids {
			want := refChanges[id]
			require.NotEmpty(t, want, "call %s", id)
			require.ElementsMatch(t, want, got[id], "call %s: each change reported once, as one tracker that saw every event reports them", id)
			require.True(t, strings.HasPrefix(want[len(want)-1], string(calling.StateDisconnected)+" "), "call %s ended: %v", id, want)
		}
	}
	checkCalls(calls)
	for _, id := range calls[:2] {
		require.Contains(t, strings.Join(refChanges[id], ","), string(calling.StateTransferAccepted)+" ", "call %s transferred", id)
	}

	t.Logf("%v: Redis restarts empty", time.Since(began).Round(time.Millisecond))
	// Redis restarts empty: the leader finds the subscriptions again at
	// Graph and records them from the digests the replicas kept.
	rsrv.Restart()
	c.waitFor(func([]event) bool {
		n, err := raw.Exists(ctx, resourceKeys(resources)...).Result()
		return err == nil && int(n) == len(resources)
	}, "the records written again")
	post("after the restart")
	// The rate limits' buckets were lost with the rest: full again (what
	// the README says an empty restart loses).
	first := held[tokenUsers[0].ObjectID]
	require.Equal(t, http.StatusOK, askToken(first.caller, first.teams), "a user who had used up the burst")
	afterRestart, _ := acsIdentity.CountRequests(identityfake.OpExchangeTeamsUserToken)
	credTokens()
	n, _ = acsIdentity.CountRequests(identityfake.OpExchangeTeamsUserToken)
	require.Equal(t, afterRestart, n, "each credential keeps its own copy: the lost cache costs no exchange while the tokens last")
	last := call(9)
	settle()
	_, err = sb.HangUp(ctx, last, nil)
	require.NoError(t, err)
	settle()
	checkCalls([]string{last})

	t.Logf("%v: What held throughout.", time.Since(began).Round(time.Millisecond))
	// What held throughout.
	live = graph.Subscriptions()
	require.Len(t, live, len(resources), "still one subscription per resource")
	for _, s := range live {
		require.Equal(t, subIDs[s.Resource], s.ID, "the same subscription: its record came back from a kept digest")
	}
	creates, _ = graph.CountRequests(chatfake.OpCreateSubscription)
	require.Equal(t, len(resources), creates)
	notified := 0
	for _, d := range graph.Deliveries() {
		require.Equal(t, http.StatusAccepted, d.Status, "delivery to %s: %v", d.URL, d.Err)
		notified += len(d.Notifications)
	}
	require.Equal(t, sent, notified)
	evs, _ = c.snapshot()
	got := map[string]int{}
	for _, e := range evs {
		if e.kind == "NOTE" {
			got[strings.Join(e.fields, " ")]++
		}
	}
	require.Len(t, got, sent, "every notification received")
	for k, n := range got {
		require.Equal(t, 1, n, "%s received %d times", k, n)
	}
	owners := map[string]string{}
	for _, e := range evs {
		if e.kind == "RENEWED" {
			if o, ok := owners[e.fields[0]]; ok {
				require.Equal(t, o, e.replica, "lease token %s used by two replicas", e.fields[0])
			}
			owners[e.fields[0]] = e.replica
		}
	}
	c.mu.Lock()
	require.Zero(t, c.proxyErr, "the proxy forwarded every request")
	require.Zero(t, c.refErr, "the reference tracker took every callback")
	c.mu.Unlock()
	require.Zero(t, count(evs, "REFUSED"))

	// Nothing the cluster wrote grows without bound: every key is under
	// the prefix and has a TTL, whichever store wrote it.
	keys, err := raw.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		require.True(t, strings.HasPrefix(k, prefix), "key %s outside the prefix", k)
		ttl, err := raw.PTTL(ctx, k).Result()
		require.NoError(t, err)
		require.Positive(t, ttl, "key %s has no TTL", k)
	}
}

// resourceKeys are the Redis keys of the chat records of resources (see
// redisstore.ChatSubscriptions).
func resourceKeys(resources []string) []string {
	var keys []string
	for _, r := range resources {
		keys = append(keys, prefix+"chat:{"+chatName+"}:res:"+r)
	}
	return keys
}

// replicaConfig is what the test hands a replica process.
type replicaConfig struct {
	Name        string
	RedisAddr   string
	GraphURL    string
	GraphToken  string
	UserID      string
	PublicURL   string // the proxy
	Resources   []string
	LeaderLease time.Duration
	RenewEvery  time.Duration // how often the leader renews each subscription

	ACSConnectionString string // calling/fake's HTTP face
	ACSURL              string
	ACSResourceID       string

	IdentityConnectionString string // identity/fake's HTTP face
	EntraURL                 string
	TenantID                 string
	TokenServiceAppID        string
	ForwardedAppID           string            // the client app that gets the Teams tokens
	EntraTokens              map[string]string // the token users' Teams Entra tokens, by object id
	TokenKey                 []byte            // seals the shared ACS tokens
}

// tokenBurst is each user's burst at the token service; the test's
// requests come faster than one refill.
const tokenBurst = 3
