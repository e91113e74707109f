package meetinglink

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

var allowedHosts = map[string]string{
	HostTeams:      CloudPublic,
	HostTeamsCloud: CloudPublic,
	HostTeamsLive:  CloudPublic,
	HostTeamsGCCH:  CloudGCCH,
	HostTeamsDoD:   CloudDoD,
}

const (
	fuzzShortID    = "2345678901234"
	fuzzHashedPass = "Xk3pQ9rT2vW7yZ1aB4" // a short link's p (a hashed passcode)
)

// FuzzParseJoinLink checks that Parse never panics; that a link it accepts
// is on an allowed host, is served by that host in https, gives a locator
// that validates and whose normal form parses back to the same locator,
// with either a thread id (whose coordinates validate) or a meeting id; and
// that a link it refuses gives an *Error with no Field whose message is
// short, lowercase and holds no p parameter (passcode) of the link. That no
// fmt verb, slog handler or encoding/json shows the passcode of a locator
// is checked on calling.MeetingLocator, the type users format
// (calling's FuzzMeetingLocatorOutput). The seed corpus is in
// testdata/fuzz/FuzzParseJoinLink.
func FuzzParseJoinLink(f *testing.F) {
	f.Add("https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZmFicmlrYW0tbWVldGluZy0wMDAxLWFiY2RlZjAxMjM0NTY3%40thread.v2/0" +
		"?context=%7b%22Tid%22%3a%220a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d%22%2c%22Oid%22%3a%2211111111-2222-4333-8444-555555555555%22%7d")
	f.Add("https://teams.microsoft.com/meet/" + fuzzShortID + "?p=" + fuzzHashedPass)
	f.Add("https://teams.microsoft.com@evil.com/meet/" + fuzzShortID + "?p=" + fuzzHashedPass)
	f.Fuzz(func(t *testing.T, link string) {
		loc, err := Parse(link)
		if err != nil {
			checkRefusal(t, link, loc, err)
			return
		}
		cloud, ok := allowedHosts[loc.Host]
		if !ok || loc.Cloud != cloud {
			t.Fatalf("accepted host %q cloud %q", loc.Host, loc.Cloud)
		}
		if loc.Kind != ByLink || !strings.HasPrefix(loc.JoinURL, "https://"+loc.Host+"/") {
			t.Fatalf("accepted %q as kind %q, link %q", link, loc.Kind, loc.JoinURL)
		}
		u, err := url.Parse(loc.JoinURL)
		if err != nil || u.Host != loc.Host || u.User != nil || u.Fragment != "" {
			t.Fatalf("normal form %q of %q: host %q, err %v", loc.JoinURL, link, u.Host, err)
		}
		if err := loc.Validate(); err != nil {
			t.Fatalf("locator of %q does not validate: %v", link, err)
		}
		again, err := Parse(loc.JoinURL)
		if err != nil || again != loc {
			t.Fatalf("normal form %q of %q: %v, %+v != %+v", loc.JoinURL, link, err, again, loc)
		}
		if !SameMeeting(loc, again) {
			t.Fatalf("%q and its normal form are not the same meeting", link)
		}
		if (loc.ThreadID == "") == (loc.MeetingID == "") {
			t.Fatalf("%q gave both or neither a thread id and a meeting id: %+v", link, loc)
		}
		if loc.ThreadID != "" {
			if loc.ChatThreadID() != loc.ThreadID {
				t.Fatalf("%q: chat thread %q, thread %q", link, loc.ChatThreadID(), loc.ThreadID)
			}
			if _, err := ByThread(loc.ThreadID, loc.OrganizerID, loc.TenantID, loc.MessageID); err != nil {
				t.Fatalf("coordinates of %q do not validate: %v", link, err)
			}
		}
		if loc.MeetingID != "" {
			if id, problem := NormalMeetingID(loc.MeetingID); problem != "" || id != loc.MeetingID {
				t.Fatalf("meeting id of %q: %q, %s", link, id, problem)
			}
		}
	})
}

func checkRefusal(t *testing.T, link string, loc Locator, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Field != "" {
		t.Fatalf("Parse(%q) error %T %v is not an *Error about the link", link, err, err)
	}
	if loc != (Locator{}) {
		t.Fatalf("Parse(%q) refused but returned %+v", link, loc)
	}
	msg := err.Error()
	if len(msg) > 200 {
		t.Fatalf("error for %q is %d bytes: %s", link, len(msg), msg)
	}
	if e.Problem == "" || strings.ToLower(e.Problem[:1]) != e.Problem[:1] {
		t.Fatalf("problem is empty or not lowercase: %s", msg)
	}
	// No passcode of the link in the message. The message may quote the
	// host, so that part is cut first; and the check is for passcodes with
	// an upper-case letter that are not one of the context keys the messages
	// name, since a lowercase p such as "link" can be a word of the message.
	if i := strings.Index(msg, `host "`); i >= 0 {
		if j := strings.LastIndex(msg, `" is not`); j > i {
			msg = msg[:i] + msg[j:]
		}
	}
	u, perr := url.Parse(strings.TrimSpace(link))
	if perr != nil {
		return
	}
	for _, p := range u.Query()["p"] {
		if len(p) < 4 || strings.ToLower(p) == p || strings.Contains("Tid Oid MessageId IsBroadcastMeeting", p) {
			continue
		}
		if strings.Contains(msg, p) {
			t.Fatalf("error for %q holds its passcode: %s", link, err)
		}
	}
}
