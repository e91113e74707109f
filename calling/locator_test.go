package calling_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
)

// Invented ids in the shapes Teams uses; none is a real tenant or meeting.
const (
	tenant      = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	organizer   = "11111111-2222-4333-8444-555555555555"
	meetingBody = "meeting_ZmFicmlrYW0tbWVldGluZy0wMDAxLWFiY2RlZjAxMjM0NTY3"
	meetingThr  = "19:" + meetingBody + "@thread.v2"
	channelThr  = "19:3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b@thread.tacv2"
	oldChannel  = "19:c0ffeec0ffeec0ffeec0ffeec0ffee00@thread.skype"
	postID      = "1712345678901"

	// escaped pieces, written the way Teams writes them
	meetingPath = "19%3a" + meetingBody + "%40thread.v2"
	ctxTidOid   = "%7b%22Tid%22%3a%22" + tenant + "%22%2c%22Oid%22%3a%22" + organizer + "%22%7d"
	classicURL  = "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/0?context=" + ctxTidOid

	shortID    = "2345678901234"
	hashedPass = "Xk3pQ9rT2vW7yZ1aB4" // a short link's p (a hashed passcode)
	typedPass  = "Ab3dE7fg"
)

func classicWant(host, cloud string) calling.MeetingLocator {
	return calling.MeetingLocator{
		Kind:        calling.MeetingByLink,
		JoinURL:     "https://" + host + "/l/meetup-join/" + meetingPath + "/0?context=" + ctxTidOid,
		Host:        host,
		Cloud:       cloud,
		ThreadID:    meetingThr,
		MessageID:   "0",
		TenantID:    tenant,
		OrganizerID: organizer,
	}
}

func shortWant(host, id, p string) calling.MeetingLocator {
	join := "https://" + host + "/meet/" + id
	if p != "" {
		join += "?p=" + p
	}
	return calling.MeetingLocator{
		Kind:      calling.MeetingByLink,
		JoinURL:   join,
		Host:      host,
		Cloud:     "public",
		MeetingID: id,
	}
}

func with(l calling.MeetingLocator, f func(*calling.MeetingLocator)) calling.MeetingLocator {
	f(&l)
	return l
}

func TestParseJoinLinkAccepts(t *testing.T) {
	channelCtx := "%7b%22Tid%22%3a%22" + tenant + "%22%2c%22Oid%22%3a%22" + organizer + "%22%2c%22MessageId%22%3a%22" + postID + "%22%7d"
	broadcastCtx := "%7b%22Tid%22%3a%22" + tenant + "%22%2c%22Oid%22%3a%22" + organizer + "%22%2c%22IsBroadcastMeeting%22%3atrue%7d"

	tests := []struct {
		name string
		link string
		want calling.MeetingLocator
	}{
		{
			name: "classic scheduled meeting",
			link: classicURL,
			want: classicWant("teams.microsoft.com", "public"),
		},
		{
			name: "classic with upper-case escapes, extra parameters, a fragment and surrounding white space",
			link: " \t" + strings.ReplaceAll(strings.ReplaceAll(classicURL, "%3a", "%3A"), "%7b", "%7B") + "&anon=true&deeplinkId=abc#x\r\n",
			want: classicWant("teams.microsoft.com", "public"),
		},
		{
			name: "classic pasted decoded",
			link: "https://teams.microsoft.com/l/meetup-join/" + meetingThr + `/0?context={"Tid":"` + tenant + `","Oid":"` + organizer + `"}`,
			want: classicWant("teams.microsoft.com", "public"),
		},
		{
			name: "classic with upper-case host and scheme, port 443 and upper-case guids",
			link: "HTTPS://Teams.Microsoft.COM:443/l/meetup-join/" + meetingPath + "/0?context=" + strings.ToUpper(ctxTidOid),
			want: classicWant("teams.microsoft.com", "public"),
		},
		{
			name: "classic with context keys in another case and order, and an unknown key",
			link: "https://teams.microsoft.com/l/meetup-join/" + meetingPath + `/0?context={"oid":"` + organizer + `","TID":"` + tenant + `","Theme":{"a":[1]}}`,
			want: classicWant("teams.microsoft.com", "public"),
		},
		{
			name: "classic old meeting on thread.skype",
			link: "https://teams.microsoft.com/l/meetup-join/19%3a" + meetingBody + "%40thread.skype/0?context=" + ctxTidOid,
			want: with(classicWant("teams.microsoft.com", "public"), func(l *calling.MeetingLocator) {
				l.ThreadID = "19:" + meetingBody + "@thread.skype"
				l.JoinURL = "https://teams.microsoft.com/l/meetup-join/19%3a" + meetingBody + "%40thread.skype/0?context=" + ctxTidOid
			}),
		},
		{
			name: "channel meeting",
			link: "https://teams.microsoft.com/l/meetup-join/19%3a3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b%40thread.tacv2/" + postID + "?context=" + channelCtx,
			want: calling.MeetingLocator{
				Kind:             calling.MeetingByLink,
				JoinURL:          "https://teams.microsoft.com/l/meetup-join/19%3a3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b%40thread.tacv2/" + postID + "?context=" + channelCtx,
				Host:             "teams.microsoft.com",
				Cloud:            "public",
				ThreadID:         channelThr,
				MessageID:        postID,
				TenantID:         tenant,
				OrganizerID:      organizer,
				IsChannelMeeting: true,
			},
		},
		{
			name: "channel meeting with the post id only in the context, given as a number",
			link: "https://teams.microsoft.com/l/meetup-join/19%3ac0ffeec0ffeec0ffeec0ffeec0ffee00%40thread.skype/0?context=" +
				`{"Tid":"` + tenant + `","Oid":"` + organizer + `","MessageId":` + postID + `}`,
			want: calling.MeetingLocator{
				Kind:             calling.MeetingByLink,
				JoinURL:          "https://teams.microsoft.com/l/meetup-join/19%3ac0ffeec0ffeec0ffeec0ffeec0ffee00%40thread.skype/0?context=" + channelCtx,
				Host:             "teams.microsoft.com",
				Cloud:            "public",
				ThreadID:         oldChannel,
				MessageID:        postID,
				TenantID:         tenant,
				OrganizerID:      organizer,
				IsChannelMeeting: true,
			},
		},
		{
			name: "live event",
			link: "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/0?context=" + broadcastCtx,
			want: with(classicWant("teams.microsoft.com", "public"), func(l *calling.MeetingLocator) {
				l.IsBroadcast = true
				l.JoinURL = "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/0?context=" + broadcastCtx
			}),
		},
		{
			name: "webinar with IsBroadcastMeeting as a string false",
			link: "https://teams.microsoft.com/l/meetup-join/" + meetingPath + `/0?context={"Tid":"` + tenant + `","Oid":"` + organizer + `","IsBroadcastMeeting":"false"}`,
			want: classicWant("teams.microsoft.com", "public"),
		},
		{
			name: "classic on teams.cloud.microsoft",
			link: "https://teams.cloud.microsoft/l/meetup-join/" + meetingPath + "/0?context=" + ctxTidOid,
			want: classicWant("teams.cloud.microsoft", "public"),
		},
		{
			name: "classic on gcc high",
			link: "https://gov.teams.microsoft.us/l/meetup-join/" + meetingPath + "/0?context=" + ctxTidOid,
			want: classicWant("gov.teams.microsoft.us", "gcch"),
		},
		{
			name: "classic on dod",
			link: "https://dod.teams.microsoft.us/l/meetup-join/" + meetingPath + "/0?context=" + ctxTidOid,
			want: classicWant("dod.teams.microsoft.us", "dod"),
		},
		{
			name: "short link",
			link: "https://teams.microsoft.com/meet/" + shortID + "?p=" + hashedPass,
			want: shortWant("teams.microsoft.com", shortID, hashedPass),
		},
		{
			name: "short link without a passcode",
			link: "https://teams.microsoft.com/meet/" + shortID,
			want: shortWant("teams.microsoft.com", shortID, ""),
		},
		{
			name: "short link with an extra parameter and a 12-digit id",
			link: "https://teams.microsoft.com/meet/234567890123?anon=true&p=" + hashedPass,
			want: shortWant("teams.microsoft.com", "234567890123", hashedPass),
		},
		{
			name: "short link on teams.cloud.microsoft",
			link: "https://teams.cloud.microsoft/meet/" + shortID + "?p=" + hashedPass,
			want: shortWant("teams.cloud.microsoft", shortID, hashedPass),
		},
		{
			name: "teams free",
			link: "https://teams.live.com/meet/9398765432109?p=oHd2WXMW9ml3y7oa",
			want: shortWant("teams.live.com", "9398765432109", "oHd2WXMW9ml3y7oa"),
		},
		{
			name: "short link on gcc high",
			link: "https://gov.teams.microsoft.us/meet/" + shortID + "?p=" + hashedPass,
			want: with(shortWant("gov.teams.microsoft.us", shortID, hashedPass), func(l *calling.MeetingLocator) { l.Cloud = "gcch" }),
		},
		{
			name: "short link on dod",
			link: "https://dod.teams.microsoft.us/meet/" + shortID,
			want: with(shortWant("dod.teams.microsoft.us", shortID, ""), func(l *calling.MeetingLocator) { l.Cloud = "dod" }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calling.ParseJoinLink(tt.link)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			// The normal form parses to the same locator, and validates.
			again, err := calling.ParseJoinLink(got.JoinURL)
			require.NoError(t, err)
			assert.Equal(t, got, again)
			assert.NoError(t, got.Validate())

			// A link becomes a meetingLink and nothing else.
			data, err := json.Marshal(got.ClientLocator())
			require.NoError(t, err)
			wantJSON, _ := json.Marshal(map[string]string{"meetingLink": got.JoinURL})
			assert.JSONEq(t, string(wantJSON), string(data))

			assert.Equal(t, tt.want.ThreadID, got.ChatThreadID())
		})
	}
}

func TestParseJoinLinkRejects(t *testing.T) {
	const secret = "Zq8Secret77"
	path := "/l/meetup-join/" + meetingPath + "/0?context=" + ctxTidOid
	classicOn := func(host string) string { return "https://" + host + path }
	ctxLink := func(ctx string) string {
		return "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/0?context=" + ctx
	}
	tests := []struct {
		name    string
		link    string
		problem string // a part of JoinLinkError.Problem
	}{
		{"empty", "", "empty"},
		{"only white space", " \n\t ", "empty"},
		{"too long", classicURL + "&x=" + strings.Repeat("a", calling.MaxJoinLinkLength), "longer than 4096"},
		{"http", "http://teams.microsoft.com" + path, "not https"},
		{"ftp", "ftp://teams.microsoft.com" + path, "not https"},
		{"javascript", "javascript:alert(1)//teams.microsoft.com" + path, "not an absolute https url"},
		{"no scheme", "teams.microsoft.com" + path, "not an absolute https url"},
		{"scheme-relative", "//teams.microsoft.com" + path, "not an absolute https url"},
		{"one slash", "https:/teams.microsoft.com" + path, "not an absolute https url"},
		{"no host", "https:///l/meetup-join/x", "no host"},
		{"suffix look-alike", classicOn("teams.microsoft.com.evil.com"), `"teams.microsoft.com.evil.com" is not a microsoft teams`},
		{"prefix look-alike", classicOn("evilteams.microsoft.com"), "not a microsoft teams"},
		{"hyphen look-alike", classicOn("teams-microsoft.com"), "not a microsoft teams"},
		{"other tld", classicOn("teams.microsoft.co"), "not a microsoft teams"},
		{"subdomain", classicOn("www.teams.microsoft.com"), "not a microsoft teams"},
		{"parent domain", classicOn("microsoft.com"), "not a microsoft teams"},
		{"trailing dot", classicOn("teams.microsoft.com."), "not a microsoft teams"},
		{"gov look-alike", classicOn("gov.teams.microsoft.us.evil.com"), "not a microsoft teams"},
		{"us without gov", classicOn("teams.microsoft.us"), "not a microsoft teams"},
		{"live look-alike", "https://teams.live.com.evil.net/meet/" + shortID, "not a microsoft teams"},
		{"punycode", classicOn("teams.xn--micrsoft-u2a.com"), "not a microsoft teams"},
		{"unicode omicron", classicOn("teams.micros\u03bfft.com"), "non-ascii"},
		{"fullwidth dot", classicOn("teams\uff0emicrosoft.com"), "non-ascii"},
		{"ip address", classicOn("13.107.64.1"), "not a microsoft teams"},
		{"ipv6", classicOn("[::1]"), "not a microsoft teams"},
		{"percent-encoded host", classicOn("%74eams.microsoft.com"), "percent-encoded host"},
		{"userinfo trick", "https://teams.microsoft.com@evil.com" + path, "userinfo"},
		{"userinfo with password", "https://user:pw@teams.microsoft.com" + path, "userinfo"},
		{"port 8443", classicOn("teams.microsoft.com:8443"), "port"},
		{"port 80", classicOn("teams.microsoft.com:80"), "port"},
		{"empty port", classicOn("teams.microsoft.com:"), "port"},
		{"port 0443", classicOn("teams.microsoft.com:0443"), "port"},
		{"backslash before userinfo", `https://evil.com\@teams.microsoft.com` + path, "backslash"},
		{"backslash path", `https://teams.microsoft.com\l\meetup-join\x`, "backslash"},
		{"space inside", "https://teams.microsoft.com/meet/" + shortID + "?p=a b", "spaces"},
		{"newline inside", "https://teams.microsoft.com/meet/\n" + shortID, "control"},
		{"nul", "https://teams.microsoft.com/meet/" + shortID + "\x00", "control"},
		{"root path", "https://teams.microsoft.com/", "not a meeting join path"},
		{"launcher wrapper", "https://teams.microsoft.com/dl/launcher/launcher.html?url=%2f_%23%2fl%2fmeetup-join%2f19%3ameeting_x%40thread.v2%2f0&type=meetup-join", "not a meeting join path"},
		{"hash route", "https://teams.microsoft.com/_#/l/meetup-join/" + meetingPath + "/0", "not a meeting join path"},
		{"missing message id", "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "?context=" + ctxTidOid, "not a meeting join path"},
		{"extra segment", "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/0/x?context=" + ctxTidOid, "not a meeting join path"},
		{"double slash", "https://teams.microsoft.com//meet/" + shortID, "not a meeting join path"},
		{"upper-case path", "https://teams.microsoft.com/L/Meetup-Join/" + meetingPath + "/0?context=" + ctxTidOid, "not a meeting join path"},
		{"classic on teams free", classicOn("teams.live.com"), "/meet/"},
		{"thread v3", "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v3/0?context=" + ctxTidOid, "thread id is not"},
		{"chat thread", "https://teams.microsoft.com/l/meetup-join/19%3aa_b%40unq.gbl.spaces/0?context=" + ctxTidOid, "thread id is not"},
		{"thread without 19", "https://teams.microsoft.com/l/meetup-join/meeting_x%40thread.v2/0?context=" + ctxTidOid, "thread id is not"},
		{"thread with encoded slash", "https://teams.microsoft.com/l/meetup-join/19%3ameet%2fing%40thread.v2/0?context=" + ctxTidOid, "thread id id part"},
		{"thread with empty body", "https://teams.microsoft.com/l/meetup-join/19%3a%40thread.v2/0?context=" + ctxTidOid, "thread id id part"},
		{"thread bad escape", "https://teams.microsoft.com/l/meetup-join/19%zzmeeting%40thread.v2/0?context=" + ctxTidOid, "not a valid url"},
		{"message id letters", "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/abc?context=" + ctxTidOid, "message id"},
		{"message id negative", "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/-1?context=" + ctxTidOid, "message id"},
		{"message id empty", "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/?context=" + ctxTidOid, "message id"},
		{"no context", "https://teams.microsoft.com/l/meetup-join/" + meetingPath + "/0", "no context"},
		{"two contexts", classicURL + "&context=" + ctxTidOid, "more than one context"},
		{"context not json", ctxLink("Tid"), "not a json object"},
		{"context array", ctxLink("[1]"), "not a json object"},
		{"context unterminated", ctxLink(`{"Tid":"` + tenant + `"`), "not a json object"},
		{"context trailing data", ctxLink(`{"Tid":"` + tenant + `","Oid":"` + organizer + `"}{}`), "data after"},
		{"context without Tid", ctxLink(`{"Oid":"` + organizer + `"}`), "no Tid"},
		{"context without Oid", ctxLink(`{"Tid":"` + tenant + `"}`), "no Oid"},
		{"context Tid not a guid", ctxLink(`{"Tid":"contoso.com","Oid":"` + organizer + `"}`), "Tid is not a guid"},
		{"context Oid a number", ctxLink(`{"Tid":"` + tenant + `","Oid":7}`), "Oid is not a guid"},
		{"context duplicate key", ctxLink(`{"Tid":"` + tenant + `","Oid":"` + organizer + `","tid":"` + organizer + `"}`), "key twice"},
		{"context bad MessageId", ctxLink(`{"Tid":"` + tenant + `","Oid":"` + organizer + `","MessageId":"x1"}`), "MessageId"},
		{"context bad broadcast", ctxLink(`{"Tid":"` + tenant + `","Oid":"` + organizer + `","IsBroadcastMeeting":"yes"}`), "IsBroadcastMeeting"},
		{"context too long", ctxLink(`{"Tid":"` + tenant + `","Oid":"` + organizer + `","x":"` + strings.Repeat("a", 1100) + `"}`), "longer than 1024"},
		{"semicolon in query", classicURL + ";x=1", "query is not valid"},
		{"bad query escape", classicURL + "&x=%zz", "query is not valid"},
		{"short id letters", "https://teams.microsoft.com/meet/12345abcde12?p=" + secret, "meeting id"},
		{"short id too short", "https://teams.microsoft.com/meet/123456789?p=" + secret, "meeting id"},
		{"short id too long", "https://teams.microsoft.com/meet/" + strings.Repeat("1", 21) + "?p=" + secret, "meeting id"},
		{"short id missing", "https://teams.microsoft.com/meet/?p=" + secret, "meeting id"},
		{"short p twice", "https://teams.microsoft.com/meet/" + shortID + "?p=" + secret + "&p=" + secret, "more than one p"},
		{"short p with a symbol", "https://teams.microsoft.com/meet/" + shortID + "?p=" + secret + "%21", "p parameter"},
		{"short p too short", "https://teams.microsoft.com/meet/" + shortID + "?p=ab", "p parameter"},
		{"short p empty", "https://teams.microsoft.com/meet/" + shortID + "?p=", "p parameter"},
		{"short p on look-alike", "https://teams.microsoft.com.evil.com/meet/" + shortID + "?p=" + secret, "not a microsoft teams"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calling.ParseJoinLink(tt.link)
			require.Error(t, err)
			assert.Equal(t, calling.MeetingLocator{}, got)
			var jle *calling.JoinLinkError
			require.True(t, errors.As(err, &jle), "error %T is not a *JoinLinkError", err)
			assert.Contains(t, jle.Problem, tt.problem)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "calling: invalid teams meeting join link: "), msg)
			assert.NotContains(t, msg, secret)
			assert.NotContains(t, msg, meetingBody, "the error quotes the path")
			assert.NotContains(t, msg, tenant, "the error quotes the query")
			assert.Less(t, len(msg), 200)
			assert.Equal(t, strings.ToLower(msg[:1]), msg[:1])
		})
	}
}

func TestParseJoinLinkLongHostIsCut(t *testing.T) {
	host := strings.Repeat("a", 200) + ".example"
	_, err := calling.ParseJoinLink("https://" + host + "/meet/" + shortID)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), host)
	assert.Contains(t, err.Error(), `..."`)
}

func TestMeetingIDLocator(t *testing.T) {
	valid := []struct {
		name, id, passcode, wantID string
	}{
		{"as shown in an invitation", "234 567 890 123 4", typedPass, "2345678901234"},
		{"12 digits, 6-character passcode", "234567890123", "aB3dE7", "234567890123"},
		{"numeric passcode", "234567890123", "12345678", "234567890123"},
		{"no passcode", "234567890123", "", "234567890123"},
		{"10 digits", "1234567890", typedPass, "1234567890"},
		{"20 digits", strings.Repeat("9", 20), typedPass, strings.Repeat("9", 20)},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calling.MeetingIDLocator(tt.id, tt.passcode)
			require.NoError(t, err)
			assert.Equal(t, calling.MeetingLocator{Kind: calling.MeetingByID, MeetingID: tt.wantID, Passcode: tt.passcode}, got)
			assert.NoError(t, got.Validate())
			assert.Empty(t, got.ChatThreadID())
			data, err := json.Marshal(got.ClientLocator())
			require.NoError(t, err)
			want := map[string]string{"meetingId": tt.wantID}
			if tt.passcode != "" {
				want["passcode"] = tt.passcode
			}
			wantJSON, _ := json.Marshal(want)
			assert.JSONEq(t, string(wantJSON), string(data))
		})
	}

	const secret = "Qq9Secret"
	invalid := []struct {
		name, id, passcode, field string
	}{
		{"letters", "23456789012a", secret, "meetingID"},
		{"too short", "123456789", secret, "meetingID"},
		{"too long", strings.Repeat("1", 21), secret, "meetingID"},
		{"empty", "", secret, "meetingID"},
		{"dashes", "234-567-890-123", secret, "meetingID"},
		{"non-ascii digits", "２３４５６７８９０１２３", secret, "meetingID"},
		{"passcode symbol", "234567890123", secret + "!", "passcode"},
		{"passcode too short", "234567890123", "Ab3dE", "passcode"},
		{"passcode too long", "234567890123", strings.Repeat("a", 33), "passcode"},
		{"passcode with a space", "234567890123", "Ab3d E7fg", "passcode"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calling.MeetingIDLocator(tt.id, tt.passcode)
			require.Error(t, err)
			assert.Equal(t, calling.MeetingLocator{}, got)
			var le *calling.LocatorError
			require.True(t, errors.As(err, &le))
			assert.Equal(t, tt.field, le.Field)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestCoordinatesLocator(t *testing.T) {
	got, err := calling.CoordinatesLocator(meetingThr, strings.ToUpper(organizer), tenant, "")
	require.NoError(t, err)
	want := calling.MeetingLocator{
		Kind:        calling.MeetingByCoordinates,
		ThreadID:    meetingThr,
		MessageID:   "0",
		TenantID:    tenant,
		OrganizerID: organizer,
	}
	assert.Equal(t, want, got)
	assert.NoError(t, got.Validate())
	assert.Equal(t, meetingThr, got.ChatThreadID())
	data, err := json.Marshal(got.ClientLocator())
	require.NoError(t, err)
	assert.JSONEq(t, `{"threadId":"`+meetingThr+`","organizerId":"`+organizer+`","tenantId":"`+tenant+`","messageId":"0"}`, string(data))

	ch, err := calling.CoordinatesLocator(channelThr, organizer, tenant, postID)
	require.NoError(t, err)
	assert.True(t, ch.IsChannelMeeting)
	assert.Equal(t, postID, ch.MessageID)
	assert.NoError(t, ch.Validate())

	old, err := calling.CoordinatesLocator(oldChannel, organizer, tenant, postID)
	require.NoError(t, err)
	assert.True(t, old.IsChannelMeeting)

	// The coordinates of a parsed classic link give the same client shape as
	// joining by coordinates would.
	link, err := calling.ParseJoinLink(classicURL)
	require.NoError(t, err)
	coords, err := calling.CoordinatesLocator(link.ThreadID, link.OrganizerID, link.TenantID, link.MessageID)
	require.NoError(t, err)
	assert.Equal(t, want, coords)

	invalid := []struct {
		name, thread, org, ten, msg, field string
	}{
		{"chat thread", "19:a_b@unq.gbl.spaces", organizer, tenant, "0", "threadID"},
		{"escaped thread", meetingPath, organizer, tenant, "0", "threadID"},
		{"empty thread", "", organizer, tenant, "0", "threadID"},
		{"thread without body", "19:@thread.v2", organizer, tenant, "0", "threadID"},
		{"thread with a slash", "19:a/b@thread.v2", organizer, tenant, "0", "threadID"},
		{"thread upper-case suffix", "19:meeting_x@thread.V2", organizer, tenant, "0", "threadID"},
		{"organizer not a guid", meetingThr, "8:orgid:" + organizer, tenant, "0", "organizerID"},
		{"organizer braces", meetingThr, "{" + organizer + "}", tenant, "0", "organizerID"},
		{"tenant not a guid", meetingThr, organizer, "contoso.onmicrosoft.com", "0", "tenantID"},
		{"tenant bad hex", meetingThr, organizer, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g", "0", "tenantID"},
		{"message id letters", meetingThr, organizer, tenant, "abc", "messageID"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calling.CoordinatesLocator(tt.thread, tt.org, tt.ten, tt.msg)
			var le *calling.LocatorError
			require.True(t, errors.As(err, &le), "got %v", err)
			assert.Equal(t, tt.field, le.Field)
		})
	}
}

func TestValidateRefusesHandBuiltLiterals(t *testing.T) {
	link, err := calling.ParseJoinLink(classicURL)
	require.NoError(t, err)
	tests := []struct {
		name  string
		loc   calling.MeetingLocator
		field string // LocatorError.Field, or "" for a JoinLinkError
	}{
		{"zero value", calling.MeetingLocator{}, "Kind"},
		{"unknown kind", calling.MeetingLocator{Kind: "group"}, "Kind"},
		{"link with a foreign JoinURL", with(link, func(l *calling.MeetingLocator) { l.JoinURL = "https://evil.example/meet/" + shortID }), ""},
		{"link with a changed tenant", with(link, func(l *calling.MeetingLocator) { l.TenantID = organizer }), "TenantID"},
		{"link with a changed host", with(link, func(l *calling.MeetingLocator) { l.Host = "teams.live.com" }), "Host"},
		{"link not in normal form", with(link, func(l *calling.MeetingLocator) { l.JoinURL += "&anon=true" }), "JoinURL"},
		{"link with a passcode", with(link, func(l *calling.MeetingLocator) { l.Passcode = typedPass }), "Passcode"},
		{"link with a wrong hint", with(link, func(l *calling.MeetingLocator) { l.IsBroadcast = true }), "IsBroadcast"},
		{"meeting id with spaces", calling.MeetingLocator{Kind: calling.MeetingByID, MeetingID: "234 567 890 123"}, "MeetingID"},
		{"meeting id with a host", calling.MeetingLocator{Kind: calling.MeetingByID, MeetingID: "234567890123", Host: "teams.microsoft.com"}, "Host"},
		{"meeting id with a bad passcode", calling.MeetingLocator{Kind: calling.MeetingByID, MeetingID: "234567890123", Passcode: "a b"}, "passcode"},
		{"coordinates with upper-case guid", calling.MeetingLocator{Kind: calling.MeetingByCoordinates, ThreadID: meetingThr, MessageID: "0", TenantID: strings.ToUpper(tenant), OrganizerID: organizer}, "TenantID"},
		{"coordinates with a wrong channel flag", calling.MeetingLocator{Kind: calling.MeetingByCoordinates, ThreadID: meetingThr, MessageID: "0", TenantID: tenant, OrganizerID: organizer, IsChannelMeeting: true}, "IsChannelMeeting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.loc.Validate()
			require.Error(t, err)
			if tt.field == "" {
				var jle *calling.JoinLinkError
				assert.True(t, errors.As(err, &jle), "got %T %v", err, err)
				return
			}
			var le *calling.LocatorError
			require.True(t, errors.As(err, &le), "got %T %v", err, err)
			assert.Equal(t, tt.field, le.Field)
		})
	}
}

func TestClientLocatorOfInvalidKindIsEmpty(t *testing.T) {
	data, err := json.Marshal(calling.MeetingLocator{Kind: "group", JoinURL: classicURL}.ClientLocator())
	require.NoError(t, err)
	assert.Equal(t, "{}", string(data))
	assert.Empty(t, calling.MeetingLocator{}.ChatThreadID())
}

func TestClientLocatorJSONShapes(t *testing.T) {
	short, err := calling.ParseJoinLink("https://teams.microsoft.com/meet/" + shortID + "?p=" + hashedPass)
	require.NoError(t, err)
	data, err := json.Marshal(short.ClientLocator())
	require.NoError(t, err)
	assert.Equal(t, `{"meetingLink":"https://teams.microsoft.com/meet/`+shortID+`?p=`+hashedPass+`"}`, string(data))

	byID, err := calling.MeetingIDLocator(shortID, typedPass)
	require.NoError(t, err)
	data, err = json.Marshal(byID.ClientLocator())
	require.NoError(t, err)
	assert.Equal(t, `{"meetingId":"`+shortID+`","passcode":"`+typedPass+`"}`, string(data))

	// The client gets back what was sent.
	var back calling.ClientJoinLocator
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, byID.ClientLocator(), back)
}

func TestFormattingNeverShowsSecrets(t *testing.T) {
	short, err := calling.ParseJoinLink("https://teams.microsoft.com/meet/" + shortID + "?p=" + hashedPass)
	require.NoError(t, err)
	byID, err := calling.MeetingIDLocator(shortID, typedPass)
	require.NoError(t, err)
	classic, err := calling.ParseJoinLink(classicURL)
	require.NoError(t, err)

	values := []any{short, byID, short.ClientLocator(), byID.ClientLocator(), &short, []calling.MeetingLocator{byID}}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x"} {
			s := fmt.Sprintf(verb, v)
			assert.NotContains(t, s, hashedPass, verb)
			assert.NotContains(t, s, typedPass, verb)
		}
		if _, ok := v.([]calling.MeetingLocator); ok {
			continue // slog encodes a slice as JSON, which keeps every field
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("join", "locator", v)
		assert.NotContains(t, buf.String(), hashedPass)
		assert.NotContains(t, buf.String(), typedPass)
	}
	assert.Contains(t, fmt.Sprint(short), "/meet/"+shortID+"?p=[REDACTED]")
	assert.Contains(t, fmt.Sprint(byID), "MeetingID:"+shortID)
	assert.Contains(t, fmt.Sprint(byID), "Passcode:[REDACTED]")
	assert.Contains(t, fmt.Sprint(classic), "ThreadID:"+meetingThr)

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("join", "locator", classic)
	assert.Contains(t, buf.String(), `"threadID":"`+meetingThr+`"`)
}
