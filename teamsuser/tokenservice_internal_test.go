package teamsuser

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLimiterBoundedLRU(t *testing.T) {
	l := newLimiter(RateLimit{Burst: 1, Every: time.Hour, MaxUsers: 3})
	now := time.Unix(1_800_000_000, 0)
	for _, k := range []string{"a", "b", "c"} {
		ok, _ := l.allow(k, now)
		assert.True(t, ok, k)
	}
	ok, wait := l.allow("a", now) // a is now the most recently used, and empty
	assert.False(t, ok)
	assert.Equal(t, time.Hour, wait)
	ok, _ = l.allow("d", now) // evicts b, the least recently used
	assert.True(t, ok)
	assert.Equal(t, 3, l.size())
	ok, _ = l.allow("a", now)
	assert.False(t, ok, "a was kept")
	ok, _ = l.allow("b", now)
	assert.True(t, ok, "b was dropped and starts afresh")
	for i := range 1000 {
		l.allow(strings.Repeat("x", i%50)+"k", now)
	}
	assert.LessOrEqual(t, l.size(), 3)
}

func TestLimiterRefillAndClockBackwards(t *testing.T) {
	l := newLimiter(RateLimit{Burst: 2, Every: 10 * time.Second})
	now := time.Unix(1_800_000_000, 0)
	l.allow("a", now)
	l.allow("a", now)
	ok, wait := l.allow("a", now)
	assert.False(t, ok)
	assert.Equal(t, 10*time.Second, wait)
	ok, _ = l.allow("a", now.Add(-time.Hour)) // a clock that jumps back gives nothing
	assert.False(t, ok)
	ok, _ = l.allow("a", now.Add(10*time.Second))
	assert.True(t, ok)
	ok, _ = l.allow("a", now.Add(time.Hour)) // capped at the burst
	assert.True(t, ok)
	ok, _ = l.allow("a", now.Add(time.Hour))
	assert.True(t, ok)
	ok, _ = l.allow("a", now.Add(time.Hour))
	assert.False(t, ok)
	d := newLimiter(RateLimit{})
	assert.Equal(t, float64(DefaultRateLimitBurst), d.burst)
	assert.Equal(t, DefaultRateLimitEvery, d.every)
	assert.Equal(t, DefaultRateLimitMaxUsers, d.maxUsers)
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

func TestParseRetryAfter(t *testing.T) {
	assert.Equal(t, 7*time.Second, parseRetryAfter("7"))
	assert.Zero(t, parseRetryAfter(""))
	assert.Zero(t, parseRetryAfter("soon"))
	assert.Zero(t, parseRetryAfter("-3"))
	d := parseRetryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
	assert.Greater(t, d, 50*time.Minute)
}

func TestIsGUID(t *testing.T) {
	assert.True(t, isGUID("72f988bf-86f1-41af-91ab-2d7cd011db47"))
	assert.True(t, isGUID("72F988BF-86F1-41AF-91AB-2D7CD011DB47"))
	for _, s := range []string{"", "72f988bf86f141af91ab2d7cd011db47", "72f988bf-86f1-41af-91ab-2d7cd011db4g", "{72f988bf-86f1-41af-91ab-2d7cd011db47}", "72f988bf-86f1-41af-91ab+2d7cd011db47"} {
		assert.False(t, isGUID(s), s)
	}
}

func TestTokenServiceErrorText(t *testing.T) {
	e := svcErr(http.StatusForbidden, CodeTenantNotAllowed, "the caller's tenant is not allowed", assert.AnError)
	assert.Equal(t, "teamsuser: tenant_not_allowed: the caller's tenant is not allowed", e.Error())
	assert.ErrorIs(t, e, assert.AnError)
}
