package calling_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
)

var allowedHosts = map[string]string{
	calling.HostTeams:      "public",
	calling.HostTeamsCloud: "public",
	calling.HostTeamsLive:  "public",
	calling.HostTeamsGCCH:  "gcch",
	calling.HostTeamsDoD:   "dod",
}

// FuzzParseJoinLink checks that ParseJoinLink never panics; that a link it
// accepts is on an allowed host, is served by that host in https, gives a
// locator that validates and whose normal form parses back to the same
// locator, and becomes exactly one client shape; and that a link it refuses
// gives a *JoinLinkError whose message is short and holds no p parameter
// (passcode) of the link; and that no fmt verb, slog handler or
// encoding/json shows an accepted link's passcode. The seed corpus is in
// testdata/fuzz/FuzzParseJoinLink.
func FuzzParseJoinLink(f *testing.F) {
	f.Add(classicURL)
	f.Add("https://teams.microsoft.com/meet/" + shortID + "?p=" + hashedPass)
	f.Add("https://teams.microsoft.com@evil.com/meet/" + shortID + "?p=" + hashedPass)
	f.Fuzz(func(t *testing.T, link string) {
		loc, err := calling.ParseJoinLink(link)
		if err != nil {
			checkRefusal(t, link, loc, err)
			return
		}
		cloud, ok := allowedHosts[loc.Host]
		if !ok || loc.Cloud != cloud {
			t.Fatalf("accepted host %q cloud %q", loc.Host, loc.Cloud)
		}
		if loc.Kind != calling.MeetingByLink || !strings.HasPrefix(loc.JoinURL, "https://"+loc.Host+"/") {
			t.Fatalf("accepted %q as %v", link, loc)
		}
		u, err := url.Parse(loc.JoinURL)
		if err != nil || u.Host != loc.Host || u.User != nil || u.Fragment != "" {
			t.Fatalf("normal form %q of %q: host %q, err %v", loc.JoinURL, link, u.Host, err)
		}
		if err := loc.Validate(); err != nil {
			t.Fatalf("locator of %q does not validate: %v", link, err)
		}
		again, err := calling.ParseJoinLink(loc.JoinURL)
		if err != nil || again != loc {
			t.Fatalf("normal form %q of %q: %v, %v != %v", loc.JoinURL, link, err, again, loc)
		}
		if (loc.ThreadID == "") == (loc.MeetingID == "") {
			t.Fatalf("%q gave both or neither a thread id and a meeting id: %v", link, loc)
		}
		if loc.ThreadID != "" {
			if _, err := calling.CoordinatesLocator(loc.ThreadID, loc.OrganizerID, loc.TenantID, loc.MessageID); err != nil {
				t.Fatalf("coordinates of %q do not validate: %v", link, err)
			}
		}
		data, err := json.Marshal(loc.ClientLocator())
		if err != nil {
			t.Fatal(err)
		}
		var shape map[string]string
		if err := json.Unmarshal(data, &shape); err != nil || len(shape) != 1 || shape["meetingLink"] != loc.JoinURL {
			t.Fatalf("client locator of %q is %s", link, data)
		}
		if p := u.Query().Get("p"); p != "" {
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "loc", loc, "locs", []calling.MeetingLocator{loc})
			slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "loc", loc, "locs", []calling.MeetingLocator{loc})
			b, _ := json.Marshal(loc)
			out := fmt.Sprintf("%v %+v %#v %s %q %x %d %v", loc, loc, loc, loc, loc, loc, loc, loc.ClientLocator()) + logged.String() + string(b)
			if strings.Contains(out, "p="+p) || strings.Contains(out, "p="+url.QueryEscape(p)) {
				t.Fatalf("the passcode of %q shows: %s", link, out)
			}
		}
	})
}

func checkRefusal(t *testing.T, link string, loc calling.MeetingLocator, err error) {
	t.Helper()
	var jle *calling.JoinLinkError
	if !errors.As(err, &jle) {
		t.Fatalf("ParseJoinLink(%q) error %T %v is not a *JoinLinkError", link, err, err)
	}
	if loc != (calling.MeetingLocator{}) {
		t.Fatalf("ParseJoinLink(%q) refused but returned %v", link, loc)
	}
	msg := err.Error()
	if len(msg) > 200 {
		t.Fatalf("error for %q is %d bytes: %s", link, len(msg), msg)
	}
	if jle.Problem == "" || strings.ToLower(jle.Problem[:1]) != jle.Problem[:1] {
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
