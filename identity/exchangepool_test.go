package identity_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
)

func TestMemoryExchangeBudgetStore(t *testing.T) {
	identitytest.TestExchangeBudgetStore(t, identity.NewMemoryExchangeBudgetStore())
}

func pool(t *testing.T, names []string, ex identity.TokenExchanger, opts *identity.ExchangePoolOptions) *identity.ExchangePool {
	t.Helper()
	var rs []identity.ExchangeResource
	for _, n := range names {
		rs = append(rs, identity.ExchangeResource{Name: n, Exchanger: ex})
	}
	p, err := identity.NewExchangePool(rs, opts)
	require.NoError(t, err)
	return p
}

// TestExchangePoolSpreadsUsers: users spread evenly over the resources,
// removing a resource moves only its users, adding one moves only the
// users it takes.
func TestExchangePoolSpreadsUsers(t *testing.T) {
	ex := &fakeExchanger{clock: fake.NewClock(t0)}
	three := pool(t, []string{"res-a", "res-b", "res-c"}, ex, nil)
	two := pool(t, []string{"res-c", "res-a"}, ex, nil) // res-b removed; order does not matter
	four := pool(t, []string{"res-a", "res-b", "res-c", "res-d"}, ex, nil)
	const users = 30000
	per := map[string]int{}
	movedAdd := 0
	for i := range users {
		u := fmt.Sprintf("user-%d", i)
		r := three.Resource(u)
		per[r]++
		if r != "res-b" {
			require.Equal(t, r, two.Resource(u), "a user of a resource that stays does not move")
		}
		if r4 := four.Resource(u); r4 != r {
			require.Equal(t, "res-d", r4, "a user moves only to the new resource")
			movedAdd++
		}
	}
	for _, n := range per {
		require.InDelta(t, users/3, n, users/3*0.05, "%v", per)
	}
	require.InDelta(t, users/4, movedAdd, users/4*0.05)
}

// TestExchangePoolBudget: replicas (pools) sharing a budget store make at
// most Limit exchanges per Window together; callers beyond it wait for
// room; a caller whose deadline comes first gets an ExchangeThrottledError
// at once.
func TestExchangePoolBudget(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	ex := &fakeExchanger{clock: clk}
	called := make(chan int, 16)
	ex.setHook(func(_ context.Context, n int, _ identity.TeamsUserTokenRequest) error {
		called <- n
		return nil
	})
	shared := identity.NewMemoryExchangeBudgetStore()
	opts := &identity.ExchangePoolOptions{Budget: shared, Limit: 5, Window: 30 * time.Second, Clock: clk}
	replicas := []*identity.ExchangePool{pool(t, []string{"res"}, ex, opts), pool(t, []string{"res"}, ex, opts), pool(t, []string{"res"}, ex, opts)}
	noDeadline, cancelAll := context.WithCancel(context.Background()) // guard's deadline is shorter than a window
	defer cancelAll()
	var wg sync.WaitGroup
	for i := range 7 {
		wg.Go(func() {
			_, err := replicas[i%3].ExchangeTeamsUserToken(noDeadline, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: fmt.Sprint(i)}, nil)
			assert.NoError(t, err)
		})
	}
	for range 5 {
		recv(t, ctx, called)
	}
	waitTimers(t, ctx, clk, 2) // two callers wait for room
	require.Equal(t, 5, ex.calls())

	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err := replicas[0].ExchangeTeamsUserToken(short, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: "x"}, nil)
	var te *identity.ExchangeThrottledError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "res", te.Resource)
	require.Equal(t, 30*time.Second, te.RetryAfter)
	require.Contains(t, err.Error(), `resource "res"`)

	clk.Advance(30 * time.Second)
	wg.Wait()
	require.Equal(t, 7, ex.calls())

	// A caller cancelled while it waits gets the error with its context's.
	cctx, stop := context.WithCancel(noDeadline)
	errc := make(chan error, 1)
	for range 3 {
		_, err := replicas[1].ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: "y"}, nil)
		require.NoError(t, err)
	}
	go func() {
		_, err := replicas[2].ExchangeTeamsUserToken(cctx, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: "z"}, nil)
		errc <- err
	}()
	waitTimers(t, ctx, clk, 1)
	stop()
	err = recv(t, ctx, errc)
	require.ErrorAs(t, err, &te)
	require.ErrorIs(t, err, context.Canceled)
}

// failingBudget is a budget store that is down.
type failingBudget struct{}

func (failingBudget) Reserve(context.Context, string, int, time.Duration, time.Time, time.Duration) (time.Duration, bool, error) {
	return 0, false, errors.New("store unreachable")
}

func TestExchangePoolBudgetStoreDown(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	ex := &fakeExchanger{clock: clk}
	p := pool(t, []string{"res"}, ex, &identity.ExchangePoolOptions{Budget: failingBudget{}, Limit: 2, Clock: clk})
	for range 2 {
		_, err := p.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: "u"}, nil)
		require.NoError(t, err, "the pool counts in its own memory")
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err := p.ExchangeTeamsUserToken(short, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: "u"}, nil)
	var te *identity.ExchangeThrottledError
	require.ErrorAs(t, err, &te, "and keeps the limit there")
}

// TestCredentialHonoursExchangeBudget: a credential whose exchange was
// throttled by the pool makes no new attempt before the budget has room.
func TestCredentialHonoursExchangeBudget(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	ex := &fakeExchanger{clock: clk}
	p := pool(t, []string{"res"}, ex, &identity.ExchangePoolOptions{Limit: 1, Window: time.Minute, Clock: clk})
	_, err := p.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: "t", AppID: testAppID, UserID: "other"}, nil)
	require.NoError(t, err) // the budget is spent for a minute
	cred, err := identity.NewTeamsUserCredential(p, &fakeEntra{clock: clk}, testAppID, testUserID,
		&identity.TeamsUserCredentialOptions{Clock: clk, RefreshTimeout: time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cred.Close() })
	_, err = cred.Token(ctx)
	var te *identity.ExchangeThrottledError
	require.ErrorAs(t, err, &te)
	clk.Advance(59 * time.Second)
	_, err = cred.Token(ctx)
	require.ErrorAs(t, err, &te, "still backing off: the last error, no attempt")
	require.Equal(t, 1, ex.calls())
	clk.Advance(time.Second)
	tok, err := cred.Token(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tok.Token)
	require.Equal(t, 2, ex.calls())
}

func TestNewExchangePoolArguments(t *testing.T) {
	ex := &fakeExchanger{clock: fake.NewClock(t0)}
	var ae *identity.ArgumentError
	for _, tc := range []struct {
		rs   []identity.ExchangeResource
		opts *identity.ExchangePoolOptions
		arg  string
	}{
		{nil, nil, "resources"},
		{[]identity.ExchangeResource{{Name: " ", Exchanger: ex}}, nil, "resources[0].Name"},
		{[]identity.ExchangeResource{{Name: "a"}}, nil, "resources[0].Exchanger"},
		{[]identity.ExchangeResource{{Name: "a", Exchanger: ex}, {Name: "a", Exchanger: ex}}, nil, "resources[1].Name"},
		{[]identity.ExchangeResource{{Name: "a", Exchanger: ex}}, &identity.ExchangePoolOptions{Limit: -1}, "opts.Limit"},
		{[]identity.ExchangeResource{{Name: "a", Exchanger: ex}}, &identity.ExchangePoolOptions{Window: -1}, "opts.Window"},
	} {
		_, err := identity.NewExchangePool(tc.rs, tc.opts)
		require.ErrorAs(t, err, &ae, tc.arg)
		require.Equal(t, tc.arg, ae.Arg)
	}
}
