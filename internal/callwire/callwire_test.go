package callwire_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

func TestRepeatabilityHeaders(t *testing.T) {
	now := time.Date(1994, 11, 6, 8, 49, 37, 123456789, time.FixedZone("CET", 3600))
	r := callwire.NewRepeatability(now)
	h := http.Header{}
	r.Set(h)
	require.Equal(t, "Sun, 06 Nov 1994 07:49:37 GMT", h.Get("Repeatability-First-Sent"), "IMF-fixdate in GMT, as the API's example")
	back, err := callwire.ParseRepeatability(h)
	require.NoError(t, err)
	require.Equal(t, r.RequestID, back.RequestID)
	require.True(t, r.FirstSent.Equal(back.FirstSent))

	_, err = callwire.ParseRepeatability(http.Header{})
	require.True(t, errors.Is(err, callwire.ErrNoRepeatability))
	for _, h := range []http.Header{
		{"Repeatability-Request-Id": {r.RequestID}},
		{"Repeatability-First-Sent": {"Sun, 06 Nov 1994 08:49:37 GMT"}},
		{"Repeatability-Request-Id": {"not-a-uuid"}, "Repeatability-First-Sent": {"Sun, 06 Nov 1994 08:49:37 GMT"}},
		{"Repeatability-Request-Id": {r.RequestID}, "Repeatability-First-Sent": {"1994-11-06T08:49:37Z"}},
	} {
		_, err := callwire.ParseRepeatability(h)
		require.Error(t, err)
		require.False(t, errors.Is(err, callwire.ErrNoRepeatability))
	}
}

func TestEscapeSegment(t *testing.T) {
	require.Equal(t, "8%3Aacs%3Ar_u", callwire.EscapeSegment("8:acs:r_u"))
	require.Equal(t, "4%3A%2B14255550123", callwire.EscapeSegment("4:+14255550123"))
	require.Equal(t, "a%2Fb%3Fc%23d%25e%20f", callwire.EscapeSegment("a/b?c#d%e f"))
	require.Equal(t, "18dea47f-b081-4107-9a5c-4300819d2c6c", callwire.EscapeSegment("18dea47f-b081-4107-9a5c-4300819d2c6c"))
	require.Equal(t, "/calling/callConnections/c%201/participants/8%3Aorgid%3Au", callwire.ParticipantPath("c 1", "8:orgid:u"))
}

func TestResolveNextLink(t *testing.T) {
	const ep = "https://contoso.communication.azure.com"
	cases := []struct{ link, want string }{
		{"/calling/callConnections/c/participants?skip=2", ep + "/calling/callConnections/c/participants?api-version=v&skip=2"},
		{"calling/x?api-version=old", ep + "/calling/x?api-version=old"},
		{ep + "/calling/x?skip=1#frag", ep + "/calling/x?api-version=v&skip=1"},
		{"https://CONTOSO.communication.azure.com/p", "https://CONTOSO.communication.azure.com/p?api-version=v"},
		{"string", ep + "/string?api-version=v"},
	}
	for _, tc := range cases {
		got, err := callwire.ResolveNextLink(ep, tc.link, "v")
		require.NoError(t, err, tc.link)
		require.Equal(t, tc.want, got, tc.link)
	}
	for _, link := range []string{
		"https://evil.example/p", "http://contoso.communication.azure.com/p", "//evil.example/p",
		"https://user@contoso.communication.azure.com/p", "https://contoso.communication.azure.com:444/p", "%zz",
	} {
		_, err := callwire.ResolveNextLink(ep, link, "v")
		require.Error(t, err, link)
	}
}

func TestIsE164(t *testing.T) {
	for _, s := range []string{"+14255550123", "+1", "+123456789012345"} {
		require.True(t, callwire.IsE164(s), s)
	}
	for _, s := range []string{"", "+", "14255550123", "+0123", "+1234567890123456", "+1 425", "anonymous", "+14255550123_77"} {
		require.False(t, callwire.IsE164(s), s)
	}
}

// FuzzEscapeSegment checks that any raw id becomes exactly one path segment
// that unescapes back to it, so no identifier can change the path.
func FuzzEscapeSegment(f *testing.F) {
	for _, s := range []string{"8:acs:r_u", "4:+14255550123", "a/b", "..", ".", "%2F", "?#", " ", "\x00", "é", "28:orgid:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		seg := callwire.EscapeSegment(raw)
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !strings.ContainsRune("-_.!~*'()%", rune(c)) && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				t.Fatalf("%q escaped to %q, which keeps %q", raw, seg, c)
			}
		}
		p := callwire.ParticipantPath("c1", raw)
		u, err := url.Parse("https://h" + p)
		if err != nil {
			t.Fatalf("path %q does not parse: %v", p, err)
		}
		parts := strings.Split(u.EscapedPath(), "/")
		if len(parts) != 6 || parts[5] != seg {
			t.Fatalf("path %q of %q is not one segment", u.EscapedPath(), raw)
		}
		back, err := url.PathUnescape(seg)
		if err != nil || back != raw {
			t.Fatalf("%q -> %q -> %q, %v", raw, seg, back, err)
		}
		if raw == "." || raw == ".." {
			return
		}
		if u.Path != "/calling/callConnections/c1/participants/"+raw && !strings.Contains(raw, "/") {
			t.Fatalf("decoded path %q", u.Path)
		}
	})
}

// FuzzResolveNextLink checks that a next link never leads off the endpoint
// and never panics.
func FuzzResolveNextLink(f *testing.F) {
	for _, s := range []string{"/p?skip=1", "string", "https://contoso.communication.azure.com/p", "//evil/p", "https://evil/p", "http://contoso.communication.azure.com/", "../../x", "?a=b", "#f", "%", "https://contoso.communication.azure.com@evil/"} {
		f.Add(s)
	}
	const ep = "https://contoso.communication.azure.com"
	f.Fuzz(func(t *testing.T, link string) {
		got, err := callwire.ResolveNextLink(ep, link, "2026-03-12")
		if err != nil {
			return
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("%q resolved to unparsable %q", link, got)
		}
		if u.Scheme != "https" || !strings.EqualFold(u.Host, "contoso.communication.azure.com") || u.User != nil {
			t.Fatalf("%q resolved off the endpoint: %q", link, got)
		}
		if u.Query().Get("api-version") == "" {
			t.Fatalf("%q resolved without api-version: %q", link, got)
		}
	})
}

// TestTeamsPhoneCallDetailsRoundTrip: the customCallingContext of
// AddParticipant and TransferToParticipant, with every member the
// 2026-03-12 spec defines for TeamsPhoneCallDetails, TeamsPhoneCallerDetails
// and TeamsPhoneSourceDetails
// (specification/communication/data-plane/CallAutomation/stable/2026-03-12/communicationservicescallautomation.json,
// definitions), reads into the wire structs without an unknown member and
// writes back the same JSON. The spec's examples of these requests carry no
// customCallingContext, so the body is written from the definitions.
func TestTeamsPhoneCallDetailsRoundTrip(t *testing.T) {
	const custom = `{
		"voipHeaders": {"x-case": "4711"},
		"sipHeaders": {"X-MS-Custom-Case": "4711"},
		"teamsPhoneCallDetails": {
			"teamsPhoneCallerDetails": {
				"caller": {"kind": "phoneNumber", "phoneNumber": {"value": "+14255550123"}},
				"name": "Megan Bowen",
				"phoneNumber": "+14255550123",
				"recordId": "crm-4711",
				"screenPopUrl": "https://crm.contoso.com/customers/4711",
				"isAuthenticated": false,
				"additionalCallerInformation": {"Tier": "Gold"}
			},
			"teamsPhoneSourceDetails": {
				"source": {"kind": "microsoftTeamsApp", "microsoftTeamsApp": {"appId": "00000000-0000-4000-8000-0000000000cq", "cloud": "public"}},
				"language": "en",
				"status": "transferred",
				"intendedTargets": {"billing": {"kind": "microsoftTeamsUser", "microsoftTeamsUser": {"userId": "00000000-0000-4000-8000-000000000001", "cloud": "public"}}}
			},
			"sessionId": "session-4711",
			"intent": "billing dispute",
			"callTopic": "Invoice 4711 charged twice",
			"callContext": "The customer was charged twice.",
			"transcriptUrl": "https://crm.contoso.com/calls/4711/transcript",
			"callSentiment": "negative",
			"suggestedActions": "Refund the second charge."
		}
	}`
	target := `{"kind": "microsoftTeamsUser", "microsoftTeamsUser": {"userId": "00000000-0000-4000-8000-000000000002", "cloud": "public"}}`
	check := func(t *testing.T, body string, into any) {
		t.Helper()
		dec := json.NewDecoder(strings.NewReader(body))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(into))
		out, err := json.Marshal(into)
		require.NoError(t, err)
		require.JSONEq(t, body, string(out))
	}
	t.Run("AddParticipant", func(t *testing.T) {
		var r callwire.AddParticipantRequest
		check(t, `{"participantToAdd": `+target+`, "sourceDisplayName": "Contoso Billing", "customCallingContext": `+custom+`}`, &r)
		d := r.CustomCallingContext.TeamsPhoneCallDetails
		require.Equal(t, "Invoice 4711 charged twice", d.CallTopic)
		require.NotNil(t, d.TeamsPhoneCallerDetails.IsAuthenticated, "false is kept, not dropped")
	})
	t.Run("TransferToParticipant", func(t *testing.T) {
		var r callwire.TransferToParticipantRequest
		check(t, `{"targetParticipant": `+target+`, "customCallingContext": `+custom+`}`, &r)
	})
}
