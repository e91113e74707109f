package calling

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
)

// FuzzMeetingLocatorOutput checks the public face of join link parsing, whose
// parser internal/meetinglink fuzzes (FuzzParseJoinLink, with the seed corpus
// of real link shapes): that ParseJoinLink accepts exactly what the parser
// accepts, giving the same locator, and refuses the rest with a
// *JoinLinkError holding the parser's problem; that an accepted link becomes
// exactly one client shape; and that no fmt verb, slog handler or
// encoding/json shows the passcode (a short link's p parameter) of an
// accepted link, in the locator or in its client locator's String.
func FuzzMeetingLocatorOutput(f *testing.F) {
	for _, link := range []string{
		"https://teams.microsoft.com/meet/2345678901234?p=Xk3pQ9rT2vW7yZ1aB4",
		" HTTPS://Teams.Microsoft.COM:443/meet/2345678901234?p=Xk3pQ9rT2vW7yZ1aB4#x\n",
		"https://teams.live.com/meet/9398765432109?p=oHd2WXMW9ml3y7oa",
		"https://teams.microsoft.com/meet/2345678901234?p=Xk3pQ9rT%21",
		"https://teams.microsoft.com@evil.com/meet/2345678901234?p=Xk3pQ9rT2vW7yZ1aB4",
		"https://teams.microsoft.com/l/meetup-join/19:meeting_abc@thread.v2/0?context={\"Tid\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"Oid\":\"11111111-2222-4333-8444-555555555555\"}",
	} {
		f.Add(link)
	}
	f.Fuzz(func(t *testing.T, link string) {
		loc, err := ParseJoinLink(link)
		in, ierr := meetinglink.Parse(link)
		if err != nil {
			var jle *JoinLinkError
			var ie *meetinglink.Error
			if !errors.As(err, &jle) || !errors.As(ierr, &ie) || jle.Problem != ie.Problem || loc != (MeetingLocator{}) {
				t.Fatalf("ParseJoinLink(%q): %v, %v; the parser: %v", link, loc, err, ierr)
			}
			return
		}
		if ierr != nil || loc.meetingLink() != in {
			t.Fatalf("ParseJoinLink(%q) accepted %v; the parser: %v", link, loc, ierr)
		}
		data, err := json.Marshal(loc.ClientLocator())
		if err != nil {
			t.Fatal(err)
		}
		var shape map[string]string
		if err := json.Unmarshal(data, &shape); err != nil || len(shape) != 1 || shape["meetingLink"] != loc.JoinURL {
			t.Fatalf("client locator of %q is %s", link, data)
		}
		u, err := url.Parse(loc.JoinURL)
		if err != nil {
			t.Fatal(err)
		}
		if p := u.Query().Get("p"); p != "" {
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "loc", loc, "locs", []MeetingLocator{loc}, "client", loc.ClientLocator())
			slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "loc", loc, "locs", []MeetingLocator{loc}, "client", loc.ClientLocator())
			b, _ := json.Marshal(loc)
			out := fmt.Sprintf("%v %+v %#v %s %q %x %d %v %s", loc, loc, loc, loc, loc, loc, loc, loc.ClientLocator(), loc.ClientLocator().String()) + logged.String() + string(b)
			if strings.Contains(out, "p="+p) || strings.Contains(out, "p="+url.QueryEscape(p)) {
				t.Fatalf("the passcode of %q shows: %s", link, out)
			}
		}
	})
}
