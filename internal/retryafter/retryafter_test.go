package retryafter

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	assert.Equal(t, 5*time.Second, Parse("5", now))
	assert.Equal(t, 5*time.Second, Parse(" 5 ", now))
	assert.Equal(t, time.Duration(0), Parse("", now))
	assert.Equal(t, time.Duration(0), Parse("-3", now))
	assert.Equal(t, time.Duration(0), Parse("soon", now))
	assert.Equal(t, 30*time.Second, Parse(now.Add(30*time.Second).Format(http.TimeFormat), now))
	assert.Equal(t, time.Duration(0), Parse(now.Add(-time.Hour).Format(http.TimeFormat), now))
	assert.Positive(t, Parse("99999999999999999", now), "huge values saturate, never overflow")
}
