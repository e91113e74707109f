package tokenservice

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
)

func TestLimiterBoundedLRU(t *testing.T) {
	l := NewMemoryRateLimitStore(3).(*limiter)
	allow := func(k string, now time.Time) (bool, time.Duration) { return l.allow(k, 1, time.Hour, now) }
	now := time.Unix(1_800_000_000, 0)
	for _, k := range []string{"a", "b", "c"} {
		ok, _ := allow(k, now)
		assert.True(t, ok, k)
	}
	ok, wait := allow("a", now) // a is now the most recently used, and empty
	assert.False(t, ok)
	assert.Equal(t, time.Hour, wait)
	ok, _ = allow("d", now) // evicts b, the least recently used
	assert.True(t, ok)
	assert.Equal(t, 3, l.size())
	ok, _ = allow("a", now)
	assert.False(t, ok, "a was kept")
	ok, _ = allow("b", now)
	assert.True(t, ok, "b was dropped and starts afresh")
	for i := range 1000 {
		allow(strings.Repeat("x", i%50)+"k", now)
	}
	assert.LessOrEqual(t, l.size(), 3)
	assert.Equal(t, DefaultRateLimitMaxUsers, NewMemoryRateLimitStore(0).(*limiter).maxUsers)
}

func TestBearerToken(t *testing.T) {
	cases := []struct {
		in     []string
		tok    string
		status int
	}{
		{[]string{"Bearer abc.def.ghi"}, "abc.def.ghi", 0},
		{[]string{"bearer   abc.def.ghi"}, "abc.def.ghi", 0},
		{[]string{"BEARER abc~+/=="}, "abc~+/==", 0},
		{nil, "", 401},
		{[]string{"Bearer"}, "", 401},
		{[]string{"Bearer "}, "", 401},
		{[]string{"Basic abc"}, "", 401},
		{[]string{"Bearer a=b"}, "", 401},
		{[]string{"Bearer abc def"}, "", 401},
		{[]string{"Bearer abc\tdef"}, "", 401},
		{[]string{"Bearer =="}, "", 401},
		{[]string{"Bearer " + strings.Repeat("a", 17<<10)}, "", 401},
		{[]string{"Bearer a", "Bearer b"}, "", 400},
	}
	for _, tc := range cases {
		h := http.Header{}
		for _, v := range tc.in {
			h.Add("Authorization", v)
		}
		tok, e := bearerToken(h)
		if tc.status == 0 {
			assert.Nil(t, e, "%q", tc.in)
			assert.Equal(t, tc.tok, tok)
			continue
		}
		if assert.NotNil(t, e, "%q", tc.in) {
			assert.Equal(t, tc.status, e.Status, "%q", tc.in)
		}
	}
}

func TestScrub(t *testing.T) {
	s := scrub("a secret-token-1 and eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl and short", []string{"secret-token-1", "short"})
	assert.Equal(t, "a [REDACTED] and [REDACTED JWT] and short", s)
}

func TestErrorText(t *testing.T) {
	e := svcErr(http.StatusForbidden, CodeTenantNotAllowed, "the caller's tenant is not allowed", assert.AnError)
	assert.Equal(t, "tokenservice: tenant_not_allowed: the caller's tenant is not allowed", e.Error())
	assert.ErrorIs(t, e, assert.AnError)
}

// countingCredential counts its tokens and remembers the tenant asked for.
type countingCredential struct {
	calls  int
	tenant string
}

func (c *countingCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls++
	c.tenant = o.TenantID
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Unix(1_900_000_000, 0)}, nil
}

// TestOnBehalfOfCachePerCaller: one credential per caller, kept while the
// caller's token is valid and dropped at its expiry, at most maxCallers of
// them (the least recently used goes first); no tenant in the request.
func TestOnBehalfOfCachePerCaller(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var built []*countingCredential
	obo := onBehalfOf(func(c Caller, _ string) (azcore.TokenCredential, error) {
		cred := &countingCredential{}
		built = append(built, cred)
		return cred, nil
	}, 2, func() time.Time { return now })
	caller := func(oid string) Caller {
		return Caller{TenantID: "T", ObjectID: oid, ExpiresOn: now.Add(time.Hour)}
	}
	ctx := context.Background()
	for range 3 {
		_, err := obo(ctx, caller("a"), "token-a")
		assert.NoError(t, err)
	}
	assert.Len(t, built, 1)
	assert.Equal(t, 3, built[0].calls)
	assert.Empty(t, built[0].tenant, "the credential's own tenant, never a respelled one")
	a := caller("a")
	a.TenantID = "t" // the same caller, spelled otherwise
	_, _ = obo(ctx, a, "token-a")
	assert.Len(t, built, 1)

	_, _ = obo(ctx, caller("b"), "token-b")
	_, _ = obo(ctx, caller("a"), "token-a") // a is the most recently used
	_, _ = obo(ctx, caller("c"), "token-c") // evicts b
	assert.Len(t, built, 3)
	_, _ = obo(ctx, caller("a"), "token-a")
	assert.Len(t, built, 3, "a was kept")
	_, _ = obo(ctx, caller("b"), "token-b")
	assert.Len(t, built, 4, "b was evicted and is built again")

	// At the expiry of the caller's token, the credential goes.
	now = now.Add(time.Hour)
	later := caller("a")
	_, _ = obo(ctx, later, "token-a2")
	assert.Len(t, built, 5)

	_, err := onBehalfOf(func(Caller, string) (azcore.TokenCredential, error) { return nil, nil }, 2, time.Now)(ctx, caller("x"), "t")
	assert.ErrorContains(t, err, "returned nil")
	_, err = OnBehalfOfCredential(nil)(ctx, caller("x"), "t")
	assert.Error(t, err)
}
