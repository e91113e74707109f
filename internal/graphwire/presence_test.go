package graphwire

import (
	"strings"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

func TestDurations(t *testing.T) {
	for _, c := range []struct {
		d time.Duration
		s string
	}{
		{time.Hour, "PT1H"}, {5 * time.Minute, "PT5M"}, {8 * time.Hour, "PT8H"}, {90 * time.Minute, "PT1H30M"},
		{4*time.Hour + 59*time.Second, "PT4H59S"}, {25 * time.Hour, "PT25H"}, {1500 * time.Millisecond, "PT1S"},
	} {
		if got := FormatDuration(c.d); got != c.s {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.s)
		}
		if d, ok := ParseDuration(c.s); !ok || d != c.d.Truncate(time.Second) {
			t.Errorf("ParseDuration(%q) = %v, %v", c.s, d, ok)
		}
	}
	for s, want := range map[string]time.Duration{"P1D": 24 * time.Hour, "P1DT2H": 26 * time.Hour, "PT0.5S": 500 * time.Millisecond, "PT0S": 0} {
		if d, ok := ParseDuration(s); !ok || d != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", s, d, ok, want)
		}
	}
	for _, s := range []string{"", "P", "PT", "1h", "PT1", "PT1M1H", "P1H", "PT1D", "P1Y", "P1W", "PT-1M", "PT1.5M", "P400D", "PTT1M", "PT1H1H"} {
		if d, ok := ParseDuration(s); ok {
			t.Errorf("ParseDuration(%q) = %v, want refused", s, d)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT1H", "PT5M", "P1DT2H3M4.5S", "PT", "P", "PT1e9S", "PT99999999999H", "PT.S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDuration(s)
		if !ok {
			return
		}
		if d < 0 || d > MaxDuration {
			t.Fatalf("ParseDuration(%q) = %v out of range", s, d)
		}
		if d == d.Truncate(time.Second) {
			if back, ok := ParseDuration(FormatDuration(d)); !ok || back != d {
				t.Fatalf("%q = %v, formatted %q reads %v %v", s, d, FormatDuration(d), back, ok)
			}
		}
	})
}

func TestPresenceResources(t *testing.T) {
	ids := []string{oidA, oidB}
	res := PresenceFilterResource(ids)
	if res != "/communications/presences?$filter=id in ('"+oidA+"','"+oidB+"')" {
		t.Fatalf("resource %q", res)
	}
	for _, r := range []string{res, strings.TrimPrefix(res, "/"), "communications/presences?$filter=id%20in%20('" + oidA + "'%2C%20'" + oidB + "')",
		"/communications/presences?$filter=id in ( '" + oidA + "' , '" + oidB + "' )"} {
		got, ok, problem := ParsePresenceResource(r)
		if !ok || problem != "" || len(got) != 2 || got[0] != oidA || got[1] != oidB {
			t.Errorf("ParsePresenceResource(%q) = %q, %v, %q", r, got, ok, problem)
		}
	}
	if got, ok, problem := ParsePresenceResource("communications/presences/" + oidA); !ok || problem != "" || len(got) != 1 {
		t.Errorf("single user: %q %v %q", got, ok, problem)
	}
	for _, r := range []string{"/chats/x/messages", "communications/presencesX", "communications/callRecords"} {
		if _, ok, _ := ParsePresenceResource(r); ok {
			t.Errorf("%q read as a presence resource", r)
		}
	}
	many := make([]string, MaxPresenceSubscriptionIDs+1)
	for i := range many {
		many[i] = oidA
	}
	for _, r := range []string{
		PresenceFilterResource(nil), PresenceFilterResource([]string{"adele@contoso.com"}), PresenceFilterResource(many),
		"communications/presences?$select=id", "communications/presences?$filter=id eq '" + oidA + "'",
		"communications/presences/adele", "communications/presences?$filter=id in (" + oidA + ")",
	} {
		if _, ok, problem := ParsePresenceResource(r); !ok || problem == "" {
			t.Errorf("ParsePresenceResource(%.80q): ok %v, problem %q; want a problem", r, ok, problem)
		}
	}
}

func FuzzParsePresenceResource(f *testing.F) {
	f.Add(PresenceFilterResource([]string{oidA, oidB}))
	f.Add("communications/presences/" + oidA)
	f.Add("communications/presences?$filter=id%20in%20('x')")
	f.Add("communications/presences?")
	f.Fuzz(func(t *testing.T, res string) {
		ids, ok, problem := ParsePresenceResource(res)
		if !ok || problem != "" {
			if len(ids) != 0 && problem != "" {
				t.Fatalf("%q: ids %q with problem %q", res, ids, problem)
			}
			return
		}
		if len(ids) == 0 || len(ids) > MaxPresenceSubscriptionIDs {
			t.Fatalf("%q: %d ids", res, len(ids))
		}
		for _, id := range ids {
			if !uuid.IsGUID(id) {
				t.Fatalf("%q: id %q", res, id)
			}
		}
		again, ok, problem := ParsePresenceResource(PresenceFilterResource(ids))
		if !ok || problem != "" || len(again) != len(ids) {
			t.Fatalf("%q: rebuilt resource reads %q %v %q", res, again, ok, problem)
		}
	})
}

// FuzzParseDateTime checks that any dateTimeTimeZone (the fake's HTTP face
// reads a status message's expiry) is read without a panic, and that a
// time read, written back in UTC, reads as the same instant to the 100 ns
// DateTimeLayout writes (Go's parser takes more fraction digits than the
// layout has, and a comma for the point: 0001-10-01T0:00:00,00000001 was
// the first input to show it).
func FuzzParseDateTime(f *testing.F) {
	f.Add("2022-10-18T17:05:33.2079781", "UTC")
	f.Add("2026-03-01T09:00:00", "Europe/Berlin")
	f.Add("2026-03-01T09:00:00", "Pacific Standard Time")
	f.Add("2026-03-01T09:00:00Z", "UTC")
	f.Add("9999-12-31T23:59:59.9999999", "America/Los_Angeles")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, dateTime, zone string) {
		got, ok := ParseDateTime(DateTimeTimeZone{DateTime: dateTime, TimeZone: zone})
		if !ok {
			return
		}
		if y := got.UTC().Year(); y < 1 || y > 9999 {
			return // UTC carries it in five digits or none: not written back
		}
		back, ok := ParseDateTime(*UTCDateTime(got))
		if !ok || !back.Equal(got.Truncate(100*time.Nanosecond)) {
			t.Fatalf("%q in %q: %v written back as %+v reads %v, %v", dateTime, zone, got, *UTCDateTime(got), back, ok)
		}
	})
}

// TestParseDateTime: presence-setstatusmessage's example expiry, in the
// Windows zone it names, and the same time in UTC and in IANA's name;
// zones Graph does not know, "Local" (this machine's) and a time with an
// offset are refused.
func TestParseDateTime(t *testing.T) {
	want := time.Date(2022, 10, 19, 0, 5, 33, 207978100, time.UTC) // PDT is UTC-7
	for _, d := range []DateTimeTimeZone{
		{DateTime: "2022-10-18T17:05:33.2079781", TimeZone: "Pacific Standard Time"},
		{DateTime: "2022-10-18T17:05:33.2079781", TimeZone: "America/Los_Angeles"},
		{DateTime: "2022-10-19T00:05:33.2079781", TimeZone: "UTC"},
	} {
		got, ok := ParseDateTime(d)
		if !ok || !got.Equal(want) {
			t.Errorf("%+v reads %v, %v; want %v", d, got, ok, want)
		}
	}
	for _, d := range []DateTimeTimeZone{
		{DateTime: "2022-10-18T17:05:33", TimeZone: "Mars Standard Time"},
		{DateTime: "2022-10-18T17:05:33", TimeZone: "Local"},
		{DateTime: "2022-10-18T17:05:33", TimeZone: ""},
		{DateTime: "2022-10-18T17:05:33Z", TimeZone: "UTC"},
	} {
		if got, ok := ParseDateTime(d); ok {
			t.Errorf("%+v accepted as %v", d, got)
		}
	}
}
