package graphwire

import (
	"bytes"
	"errors"
	"time"
)

// Time is a Graph DateTimeOffset: RFC 3339 in UTC with milliseconds when
// encoded; null or "" decode to the zero time, and the zero time encodes as
// null. Use it with the `omitzero` option to leave unset times out.
type Time struct{ time.Time }

// TimeOf wraps t.
func TimeOf(t time.Time) Time { return Time{t} }

// Layout is how Graph writes times, for example 2021-03-29T03:53:52.035Z.
const Layout = "2006-01-02T15:04:05.000Z07:00"

// String formats t in Layout (UTC), or "" for the zero time.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(Layout)
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(Layout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, Layout)
	return append(b, '"'), nil
}

var errBadTime = errors.New("graphwire: time is not a json string")

// UnmarshalJSON implements json.Unmarshaler. It accepts RFC 3339 with or
// without fraction and, like Graph's own output, a time without zone as UTC.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errBadTime
	}
	v, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// ParseTime parses a Graph time ("" gives the zero time) into UTC. A time
// whose UTC year is outside 0000–9999 (possible with an offset, as in
// 9999-12-31T23:30:00-05:00) is refused: RFC 3339 cannot write it, so it
// could not be sent on or stored as Graph JSON.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		v, err = time.Parse("2006-01-02T15:04:05.999999999", s)
	}
	if err != nil {
		return time.Time{}, errors.New("graphwire: time " + quoteShort(s) + " is not rfc 3339")
	}
	v = v.UTC()
	if y := v.Year(); y < 0 || y > 9999 {
		return time.Time{}, errors.New("graphwire: time " + quoteShort(s) + " is outside the years 0000-9999 in utc")
	}
	return v, nil
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// FullTime is a DateTimeOffset that encodes the zero time as
// "0001-01-01T00:00:00Z" instead of null, as Graph writes
// visibleHistoryStartDateTime ("all history").
type FullTime struct{ Time }

// MarshalJSON implements json.Marshaler.
func (t FullTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`"0001-01-01T00:00:00Z"`), nil
	}
	return t.Time.MarshalJSON()
}
