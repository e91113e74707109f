package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

var (
	keysOnce sync.Once
	keyA     *rsa.PrivateKey
	keyB     *rsa.PrivateKey
)

func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if keyA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return keyA, keyB
}

const (
	testIssuer   = "https://issuer.example/"
	testAudience = "api://contoso-token-service"
)

// issuer is an OpenID issuer on loopback whose keys a test can change.
type issuer struct {
	srv       *httptest.Server
	mu        sync.Mutex
	keys      jwt.JWKS
	issuerID  string
	jwksURI   string        // empty: the server's own /keys
	fail      int           // status to answer with, 0 for none
	gate      chan struct{} // when set, /keys answers once it is closed
	discovery atomic.Int32
	keyGets   atomic.Int32
}

func newIssuer(t *testing.T, pubs map[string]*rsa.PublicKey) *issuer {
	is := &issuer{issuerID: testIssuer}
	is.setKeys(pubs)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.discovery.Add(1)
		is.mu.Lock()
		fail, id, ju := is.fail, is.issuerID, is.jwksURI
		is.mu.Unlock()
		if fail != 0 {
			http.Error(w, "down", fail)
			return
		}
		if ju == "" {
			ju = "http://" + r.Host + "/keys"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": id, "jwks_uri": ju, "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.keyGets.Add(1)
		is.mu.Lock()
		gate := is.gate
		is.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		is.mu.Lock()
		defer is.mu.Unlock()
		if is.fail != 0 {
			http.Error(w, "down", is.fail)
			return
		}
		_ = json.NewEncoder(w).Encode(is.keys)
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func (is *issuer) setKeys(pubs map[string]*rsa.PublicKey) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = jwt.JWKS{}
	for kid, pub := range pubs {
		is.keys.Keys = append(is.keys.Keys, jwt.JWKFromPublicKey(kid, pub))
	}
}

// slow makes /keys wait until the returned function is called.
func (is *issuer) slow() (release func()) {
	gate := make(chan struct{})
	is.mu.Lock()
	is.gate = gate
	is.mu.Unlock()
	return sync.OnceFunc(func() { close(gate) })
}

func (is *issuer) setFail(status int) { is.mu.Lock(); is.fail = status; is.mu.Unlock() }

func (is *issuer) url() string { return is.srv.URL + "/.well-known/openid-configuration" }

func sign(t testing.TB, key *rsa.PrivateKey, kid string, now time.Time, mod func(map[string]any)) string {
	t.Helper()
	c := map[string]any{
		"iss": testIssuer,
		"aud": testAudience,
		"sub": "caller",
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	if mod != nil {
		mod(c)
	}
	tok, err := jwt.SignRS256(c, kid, key)
	require.NoError(t, err)
	return tok
}

func newProvider(t *testing.T, is *issuer, clk *fakekit.Clock) *Provider {
	t.Helper()
	p, err := NewProvider(is.url(), &ProviderOptions{HTTPClient: is.srv.Client(), Now: clk.Now})
	require.NoError(t, err)
	return p
}

var checks = &Checks{Audiences: []string{testAudience}}

func problem(t *testing.T, err error) Problem {
	t.Helper()
	var e *Error
	require.ErrorAs(t, err, &e)
	return e.Problem
}

func TestValidateHappyPathFetchesOnce(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	ctx := context.Background()

	for range 3 {
		tok, err := p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
		require.NoError(t, err)
		sub, _ := tok.StringClaim("sub")
		assert.Equal(t, "caller", sub)
	}
	assert.EqualValues(t, 1, is.discovery.Load())
	assert.EqualValues(t, 1, is.keyGets.Load())
	md, err := p.Metadata(ctx)
	require.NoError(t, err)
	assert.Equal(t, testIssuer, md.Issuer)
	assert.Equal(t, []string{"RS256"}, md.SigningAlgs)
}

func TestValidateRefusals(t *testing.T) {
	a, b := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	ctx := context.Background()
	now := clk.Now()

	cases := []struct {
		name string
		tok  string
		want Problem
	}{
		{"forged with the issuer's kid", sign(t, b, "a", now, nil), Untrusted},
		{"expired beyond skew", sign(t, a, "a", now, func(c map[string]any) { c["exp"] = now.Add(-DefaultClockSkew - time.Second).Unix() }), Expired},
		{"not yet valid beyond skew", sign(t, a, "a", now, func(c map[string]any) { c["nbf"] = now.Add(DefaultClockSkew + time.Second).Unix() }), NotYetValid},
		{"no exp", sign(t, a, "a", now, func(c map[string]any) { delete(c, "exp") }), Malformed},
		{"exp a string", sign(t, a, "a", now, func(c map[string]any) { c["exp"] = "soon" }), Malformed},
		{"wrong audience", sign(t, a, "a", now, func(c map[string]any) { c["aud"] = "api://other" }), WrongAudience},
		{"audience array without ours", sign(t, a, "a", now, func(c map[string]any) { c["aud"] = []string{"x", "y"} }), WrongAudience},
		{"audience number", sign(t, a, "a", now, func(c map[string]any) { c["aud"] = 7 }), Malformed},
		{"wrong issuer", sign(t, a, "a", now, func(c map[string]any) { c["iss"] = "https://evil.example/" }), WrongIssuer},
		{"no issuer", sign(t, a, "a", now, func(c map[string]any) { delete(c, "iss") }), WrongIssuer},
		{"not a jwt", "not-a-token", Malformed},
		{"empty", "", Malformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Validate(ctx, tc.tok, checks)
			require.Error(t, err)
			assert.Equal(t, tc.want, problem(t, err), "%v", err)
			if len(tc.tok) > 10 {
				assert.NotContains(t, err.Error(), tc.tok)
				assert.NotContains(t, err.Error(), tc.tok[strings.LastIndexByte(tc.tok, '.')+1:])
			}
		})
	}
	// None of the refusals caused a refresh: they all named a known key.
	assert.EqualValues(t, 1, is.keyGets.Load())

	// Within the skew, times pass.
	_, err := p.Validate(ctx, sign(t, a, "a", now, func(c map[string]any) {
		c["exp"] = now.Add(-DefaultClockSkew + time.Second).Unix()
		c["nbf"] = now.Add(DefaultClockSkew - time.Second).Unix()
	}), checks)
	require.NoError(t, err)
	// An audience array holding ours passes.
	_, err = p.Validate(ctx, sign(t, a, "a", now, func(c map[string]any) { c["aud"] = []string{"x", testAudience} }), checks)
	require.NoError(t, err)
	// No audience configured is refused, whatever the token.
	_, err = p.Validate(ctx, sign(t, a, "a", now, nil), &Checks{})
	assert.Equal(t, WrongAudience, problem(t, err))
	_, err = p.Validate(ctx, sign(t, a, "a", now, nil), nil)
	assert.Equal(t, WrongAudience, problem(t, err))
}

func TestIssuerCallback(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	is.issuerID = "https://login.example/{tenantid}/v2.0"
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	mine := errors.New("tenant not allowed")
	c := &Checks{Audiences: []string{testAudience}, Issuer: func(iss string, md Metadata, tok *jwt.Token) error {
		tid, _ := tok.StringClaim("tid")
		if tid != "t1" {
			return mine
		}
		if iss != strings.ReplaceAll(md.Issuer, "{tenantid}", tid) {
			return &Error{Problem: WrongIssuer}
		}
		return nil
	}}
	ok := sign(t, a, "a", clk.Now(), func(m map[string]any) { m["iss"] = "https://login.example/t1/v2.0"; m["tid"] = "t1" })
	_, err := p.Validate(context.Background(), ok, c)
	require.NoError(t, err)
	other := sign(t, a, "a", clk.Now(), func(m map[string]any) { m["iss"] = "https://login.example/t2/v2.0"; m["tid"] = "t2" })
	_, err = p.Validate(context.Background(), other, c)
	assert.Same(t, mine, err)
	mixed := sign(t, a, "a", clk.Now(), func(m map[string]any) { m["iss"] = "https://login.example/t2/v2.0"; m["tid"] = "t1" })
	_, err = p.Validate(context.Background(), mixed, c)
	assert.Equal(t, WrongIssuer, problem(t, err))
}

func TestKeyRotationRefreshesAtMostOncePerInterval(t *testing.T) {
	a, b := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	ctx := context.Background()

	_, err := p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	require.NoError(t, err)
	require.EqualValues(t, 1, is.keyGets.Load())

	// The issuer rotates: b is published. A token signed with b right
	// after the first fetch is refused without a refetch (rate limited).
	is.setKeys(map[string]*rsa.PublicKey{"a": &a.PublicKey, "b": &b.PublicKey})
	_, err = p.Validate(ctx, sign(t, b, "b", clk.Now(), nil), checks)
	assert.Equal(t, Untrusted, problem(t, err))
	assert.EqualValues(t, 1, is.keyGets.Load())

	// Once the interval has passed, the unknown kid makes it refetch.
	clk.Advance(DefaultMinRefreshInterval)
	_, err = p.Validate(ctx, sign(t, b, "b", clk.Now(), nil), checks)
	require.NoError(t, err)
	assert.EqualValues(t, 2, is.keyGets.Load())
	assert.EqualValues(t, 2, is.discovery.Load())

	// Forged kids cannot make it refetch more than once per interval.
	for i := range 20 {
		_, err = p.Validate(ctx, sign(t, a, "forged-"+string(rune('a'+i)), clk.Now(), nil), checks)
		assert.Equal(t, Untrusted, problem(t, err))
	}
	assert.EqualValues(t, 2, is.keyGets.Load())
	clk.Advance(DefaultMinRefreshInterval)
	for i := range 5 {
		_, err = p.Validate(ctx, sign(t, a, "forged2-"+string(rune('a'+i)), clk.Now(), nil), checks)
		assert.Equal(t, Untrusted, problem(t, err))
	}
	assert.EqualValues(t, 3, is.keyGets.Load())
	assert.Equal(t, 3, p.Fetches())

	// A retired key stops working after the next refresh.
	is.setKeys(map[string]*rsa.PublicKey{"b": &b.PublicKey})
	clk.Advance(DefaultMaxAge)
	_, err = p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	assert.Equal(t, Untrusted, problem(t, err))
	_, err = p.Validate(ctx, sign(t, b, "b", clk.Now(), nil), checks)
	require.NoError(t, err)
}

func TestUnavailableAndStaleKeys(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	ctx := context.Background()

	is.setFail(http.StatusInternalServerError)
	_, err := p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	assert.Equal(t, Unavailable, problem(t, err))
	assert.Contains(t, err.Error(), "status 500")
	// Within the back-off, no new attempt.
	_, err = p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	assert.Equal(t, Unavailable, problem(t, err))
	assert.EqualValues(t, 1, is.discovery.Load())

	is.setFail(0)
	clk.Advance(failureBackoff)
	_, err = p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	require.NoError(t, err)

	// After MaxAge the keys are stale; if the refresh fails, they stay in use.
	is.setFail(http.StatusServiceUnavailable)
	clk.Advance(DefaultMaxAge)
	_, err = p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	require.NoError(t, err)
	before := is.discovery.Load()
	_, err = p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	require.NoError(t, err)
	assert.Equal(t, before, is.discovery.Load(), "a failed refresh is not retried within the back-off")
}

func TestBadDocuments(t *testing.T) {
	a, _ := testKeys(t)
	ctx := context.Background()
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))

	t.Run("jwks_uri not https", func(t *testing.T) {
		is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
		is.jwksURI = "http://keys.example/keys"
		_, err := newProvider(t, is, clk).Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
		assert.Equal(t, Unavailable, problem(t, err))
		assert.Contains(t, err.Error(), "https")
		assert.EqualValues(t, 0, is.keyGets.Load())
	})
	t.Run("no usable keys", func(t *testing.T) {
		is := newIssuer(t, nil)
		_, err := newProvider(t, is, clk).Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
		assert.Equal(t, Unavailable, problem(t, err))
	})
	t.Run("not json, too large", func(t *testing.T) {
		for _, body := range []string{"<html>", strings.Repeat(" ", maxDocumentSize+10)} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
			p, err := NewProvider(srv.URL+"/.well-known/openid-configuration", &ProviderOptions{Now: clk.Now})
			require.NoError(t, err)
			_, err = p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
			assert.Equal(t, Unavailable, problem(t, err))
			srv.Close()
		}
	})
	t.Run("urls", func(t *testing.T) {
		for _, u := range []string{"http://login.example/x", "ftp://x/y", "/relative", "https://user:pw@x/", ""} {
			_, err := NewProvider(u, nil)
			assert.Error(t, err, u)
		}
		for _, u := range []string{"https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", "http://127.0.0.1:1/x", "http://[::1]:2/x", "http://localhost/x"} {
			_, err := NewProvider(u, nil)
			assert.NoError(t, err, u)
		}
	})
}

func TestFetchOutlivesTheCallerThatStartedIt(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	t.Cleanup(p.Close)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	p.fetchHook = func() { cancel(); close(started) } // the caller gives up as the fetch starts
	_, err := p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	assert.ErrorIs(t, err, context.Canceled)
	<-started

	_, err = p.Validate(context.Background(), sign(t, a, "a", clk.Now(), nil), checks)
	require.NoError(t, err, "the next caller gets the keys of that fetch")
	assert.Equal(t, 1, p.Fetches())
	assert.EqualValues(t, 1, is.keyGets.Load())
}

func TestCloseEndsTheFetchInFlight(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	release := is.slow()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	p.fetchHook = cancel
	_, err := p.Validate(ctx, sign(t, a, "a", clk.Now(), nil), checks)
	assert.ErrorIs(t, err, context.Canceled)

	p.Close() // returns only once the fetch goroutine has: the issuer never answered
	p.Close()
	_, err = p.Validate(context.Background(), sign(t, a, "a", clk.Now(), nil), checks)
	assert.Equal(t, Unavailable, problem(t, err))
	assert.ErrorIs(t, err, errClosed)
	assert.Equal(t, 1, p.Fetches(), "a closed provider fetches nothing")
	NewStaticProvider(Metadata{}, nil, nil).Close()
}

func TestConcurrentFirstUseSharesTheKeys(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	tok := sign(t, a, "a", clk.Now(), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := p.Validate(context.Background(), tok, checks)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.EqualValues(t, 1, is.keyGets.Load())
}

func TestStaticProvider(t *testing.T) {
	a, b := testKeys(t)
	now := time.Unix(1_800_000_000, 0)
	p := NewStaticProvider(Metadata{Issuer: testIssuer}, jwt.JWKS{Keys: []jwt.JWK{jwt.JWKFromPublicKey("a", &a.PublicKey)}}, func() time.Time { return now })
	_, err := p.Validate(context.Background(), sign(t, a, "a", now, nil), checks)
	require.NoError(t, err)
	_, err = p.Validate(context.Background(), sign(t, b, "b", now, nil), checks)
	assert.Equal(t, Untrusted, problem(t, err))
	md, err := p.Metadata(context.Background())
	require.NoError(t, err)
	assert.Equal(t, testIssuer, md.Issuer)
	_, err = NewStaticProvider(Metadata{}, nil, nil).Key(context.Background(), "a")
	assert.Equal(t, Untrusted, problem(t, err))
}

func TestProblemString(t *testing.T) {
	assert.Equal(t, "expired", Expired.String())
	assert.Equal(t, "problem(99)", Problem(99).String())
	e := &Error{Problem: Unavailable, Detail: "x", Err: errors.New("down")}
	assert.Equal(t, "oidc: token unavailable: x: down", e.Error())
}

func TestMetadataFetchesOnFirstUse(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	md, err := p.Metadata(context.Background())
	require.NoError(t, err)
	assert.Equal(t, testIssuer, md.Issuer)
	assert.EqualValues(t, 1, is.keyGets.Load())

	is2 := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	is2.setFail(http.StatusBadGateway)
	_, err = newProvider(t, is2, clk).Metadata(context.Background())
	assert.Equal(t, Unavailable, problem(t, err))
}

// TestCallersThatHangUpShareOneFetchPerInterval is the attack of issue 11
// §3: once the refresh interval has passed, 200 unauthenticated requests
// with unknown key ids each give up after 20 ms while the issuer is slow.
// The fetch is everybody's: it goes on without them, and the issuer sees
// exactly one per interval. (Every caller ends by its own deadline because
// the issuer answers only after all have returned, so timing decides
// nothing.)
func TestCallersThatHangUpShareOneFetchPerInterval(t *testing.T) {
	a, _ := testKeys(t)
	is := newIssuer(t, map[string]*rsa.PublicKey{"a": &a.PublicKey})
	clk := fakekit.NewClock(time.Unix(1_800_000_000, 0))
	p := newProvider(t, is, clk)
	t.Cleanup(p.Close)
	_, err := p.Validate(context.Background(), sign(t, a, "a", clk.Now(), nil), checks)
	require.NoError(t, err)
	require.EqualValues(t, 1, is.keyGets.Load())

	const callers = 200
	forged := make([]string, callers)
	for i := range forged {
		forged[i] = sign(t, a, "forged-"+strconv.Itoa(i), clk.Now(), nil)
	}
	for interval := 1; interval <= 2; interval++ {
		clk.Advance(DefaultMinRefreshInterval)
		release := is.slow()
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for _, tok := range forged {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
				defer cancel()
				_, err := p.Validate(ctx, tok, checks)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.ErrorIs(t, err, context.DeadlineExceeded)
		}
		release()
		// The next caller waits for the fetch in flight, and starts none.
		_, err := p.Validate(context.Background(), forged[0], checks)
		assert.Equal(t, Untrusted, problem(t, err))
		assert.EqualValues(t, 1+interval, is.keyGets.Load(), "interval %d", interval)
		assert.EqualValues(t, 1+interval, is.discovery.Load(), "interval %d", interval)
		assert.Equal(t, 1+interval, p.Fetches())
	}
}
