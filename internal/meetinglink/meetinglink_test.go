package meetinglink

import (
	"strings"
	"testing"
)

// The parser's cases (every host and link shape accepted, every look-alike
// refused, locators by id and by coordinates, Validate) are in package
// calling's tests, through its public face; these cover what package chat
// uses directly.

const (
	tenant    = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	organizer = "11111111-2222-4333-8444-555555555555"
	classic   = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZmFicmlrYW0%40thread.v2/0?context=%7b%22Tid%22%3a%22" +
		tenant + "%22%2c%22Oid%22%3a%22" + organizer + "%22%7d"
)

func TestNormalMeetingID(t *testing.T) {
	id, p := NormalMeetingID(" 123 456 789 012 ")
	if p != "" || id != "123456789012" {
		t.Fatalf("got %q, %q", id, p)
	}
	for bad, want := range map[string]string{
		"":                      "is empty",
		"   ":                   "is empty",
		"123":                   "is not 10 to 20 digits",
		"123456789x12":          "is not 10 to 20 digits",
		"1234567890'":           "is not 10 to 20 digits",
		strings.Repeat("1", 21): "is not 10 to 20 digits",
		strings.Repeat("1", 70): "is too long",
	} {
		if out, p := NormalMeetingID(bad); p != want || out != "" {
			t.Errorf("%q: %q, %q; want the problem %q", bad, out, p, want)
		}
	}
}

func FuzzNormalMeetingID(f *testing.F) {
	for _, s := range []string{"123 456 789 012", "1234567890", "", "12ab", "１２３４５６７８９０", strings.Repeat("9", 21)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		out, problem := NormalMeetingID(id)
		if problem != "" {
			if out != "" {
				t.Fatalf("%q: a problem (%s) and a result %q", id, problem, out)
			}
			return
		}
		if len(out) < 10 || len(out) > 20 || strings.Trim(out, "0123456789") != "" {
			t.Fatalf("%q: accepted as %q", id, out)
		}
		if again, p := NormalMeetingID(out); p != "" || again != out {
			t.Fatalf("%q: %q is not stable (%q, %s)", id, out, again, p)
		}
		if _, err := ByMeetingID(id, ""); err != nil {
			t.Fatalf("%q: a meeting id, but no locator: %v", id, err)
		}
	})
}

func TestSameMeetingAndChatThread(t *testing.T) {
	a, err := Parse(classic)
	if err != nil {
		t.Fatal(err)
	}
	// The same link with other escapes, other query parameters and a
	// fragment is the same meeting.
	b, err := Parse(strings.ReplaceAll(classic, "%3a", "%3A") + "&anon=true#x")
	if err != nil {
		t.Fatal(err)
	}
	if !SameMeeting(a, b) || a.ChatThreadID() != "19:meeting_ZmFicmlrYW0@thread.v2" {
		t.Fatalf("%+v and %+v: same %v, thread %q", a, b, SameMeeting(a, b), a.ChatThreadID())
	}
	short, _ := Parse("https://teams.microsoft.com/meet/2345678901234?p=Xk3pQ9rT2vW7yZ1aB4")
	free, _ := Parse("https://teams.live.com/meet/2345678901234")
	if !SameMeeting(short, free) || SameMeeting(a, short) || SameMeeting(Locator{}, Locator{}) {
		t.Fatal("short links with one meeting id are one meeting; a classic link is another; empty locators none")
	}
	if short.ChatThreadID() != "" {
		t.Fatalf("a short link carries no thread: %q", short.ChatThreadID())
	}
	byID, _ := ByMeetingID("234 567 890 123 4", "Ab3dE7fg")
	if !SameMeeting(short, byID) || byID.ChatThreadID() != "" {
		t.Fatal("a meeting id locator is the meeting of its id and has no thread")
	}
}

func TestErrorsSayWhatWasRefused(t *testing.T) {
	_, err := Parse("https://example.com/meet/2345678901234")
	if e, ok := err.(*Error); !ok || e.Field != "" || !strings.HasPrefix(err.Error(), "invalid teams meeting join link: ") {
		t.Fatalf("Parse: %T %v", err, err)
	}
	_, err = ByMeetingID("2345678901234", "not a passcode!")
	if e, ok := err.(*Error); !ok || e.Field != "passcode" || strings.Contains(err.Error(), "not a passcode!") {
		t.Fatalf("ByMeetingID: %T %v", err, err)
	}
}
