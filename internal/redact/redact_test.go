package redact_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redact"
)

func TestLink(t *testing.T) {
	for in, want := range map[string]string{
		"":                                     "",
		"https://teams.microsoft.com/meet/123": "https://teams.microsoft.com/meet/123",
		"https://teams.microsoft.com/meet/123?p=s": "https://teams.microsoft.com/meet/123?p=[REDACTED]",
		"https://x/meet/1?a=1&P=s&b=2":             "https://x/meet/1?a=1&P=[REDACTED]&b=2",
		"https://x/meet/1?%70=s":                   "https://x/meet/1?%70=[REDACTED]",
		"https://x/meet/1?%zz=s":                   "https://x/meet/1?%zz=[REDACTED]",
		"https://x/meet/1?p=s#frag":                "https://x/meet/1?p=[REDACTED]#[REDACTED]",
		"https://x/meet/1#p=s":                     "https://x/meet/1#[REDACTED]",
		"https://x/meet/1?context=%7B%7D&p":        "https://x/meet/1?context=%7B%7D&p=[REDACTED]",
	} {
		assert.Equal(t, want, redact.Link(in), in)
	}
}

type plain struct {
	Name   string
	Secret string
	N      int
}

type thing plain

func (t thing) Format(f fmt.State, verb rune) {
	p := plain(t)
	p.Secret = redact.Marker
	redact.Format(f, verb, "pkg.Thing", p)
}

func TestFormat(t *testing.T) {
	v := thing{Name: "n", Secret: "s3cr3t-value", N: 7}
	for verb, want := range map[string]string{
		"%v":  "{n [REDACTED] 7}",
		"%+v": "{Name:n Secret:[REDACTED] N:7}",
		"%#v": `pkg.Thing{Name:"n", Secret:"[REDACTED]", N:7}`,
		"%s":  "{Name:n Secret:[REDACTED] N:7}",
		"%q":  "{Name:n Secret:[REDACTED] N:7}",
		"%x":  "{Name:n Secret:[REDACTED] N:7}",
		"%d":  "{Name:n Secret:[REDACTED] N:7}",
	} {
		got := fmt.Sprintf(verb, v)
		assert.Equal(t, want, got, verb)
		assert.False(t, strings.Contains(got, "s3cr3t"), verb)
	}
}

func TestFormatString(t *testing.T) {
	for verb, want := range map[string]string{"%v": "x", "%s": "x", "%q": `"x"`, "%#v": "x", "%x": "x", "%d": "x"} {
		assert.Equal(t, want, fmt.Sprintf(verb, stringer{}), verb)
	}
}

type stringer struct{}

func (stringer) Format(f fmt.State, verb rune) { redact.FormatString(f, verb, "x") }

func TestJSON(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	for want, v := range map[string]slog.Value{
		`{"token":"[REDACTED]","at":"2030-01-02T03:04:05.000000006Z","n":3,"inner":{"ok":true}}`: slog.GroupValue(
			slog.String("token", redact.Marker), slog.Time("at", at), slog.Int("n", 3), slog.Group("inner", slog.Bool("ok", true))),
		`{}`:           slog.GroupValue(),
		`"a<b"`:        slog.StringValue("a<b"),
		`{"Name":"n"}`: slog.AnyValue(struct{ Name string }{"n"}),
		`[1,2]`:        slog.AnyValue([]int{1, 2}),
		`"resolved"`:   slog.AnyValue(valuer{}),
	} {
		got, err := redact.JSON(v)
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
		assert.True(t, json.Valid(got), want)
	}
}

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.StringValue("resolved") }
