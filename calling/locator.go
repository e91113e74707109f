package calling

// Teams meeting locators.
//
// Sources for the link shapes and locator shapes handled here (read, not
// copied):
//   - ACS calling SDK reference, TeamsMeetingLinkLocator {meetingLink},
//     TeamsMeetingIdLocator {meetingId, passcode?} and
//     TeamsMeetingCoordinatesLocator {threadId, organizerId, tenantId,
//     messageId}: learn.microsoft.com/javascript/api/azure-communication-services/@azure/communication-calling
//     (the MeetingLocator union), and the Android and iOS classes of the same
//     names; "Join a Teams meeting" (how-tos/calling-sdk/teams-interoperability)
//     and the Teams interop quickstart (meeting id and passcode join from web
//     SDK 1.17.1).
//   - Classic join links https://teams.microsoft.com/l/meetup-join/<thread id>/<message id>?context={"Tid":...,"Oid":...}:
//     the Graph onlineMeeting joinWebUrl, and public decodings of real links
//     (message id 0 for scheduled meetings, the post's id for channel
//     meetings, "IsBroadcastMeeting":true for Live Events).
//   - Short links https://teams.microsoft.com/meet/<meeting id>?p=<hashed passcode>:
//     Microsoft 365 message center MC772556 (Shorter meeting URLs, roadmap
//     381953, rolling out 2025-2026; tenant, organizer, thread and message ids
//     are no longer in the link). Teams free links have the same shape on
//     teams.live.com (a 13-digit id and a 16-character p in Azure/communication-ui-library#4219);
//     the UI library follows the calling SDK in accepting short links as
//     meetingLink (Azure/communication-ui-library#4481).
//   - teams.cloud.microsoft: message center MC1162275 (Teams moves to the
//     cloud.microsoft domain; users are redirected from teams.microsoft.com).
//   - gov.teams.microsoft.us (GCC High) and dod.teams.microsoft.us (DoD): the
//     US government cloud Teams endpoints. GCC (moderate) uses
//     teams.microsoft.com.
//   - Passcodes: letters and digits, at least 8 characters since MC889520
//     (6 before November 2024), or 8 digits where an administrator enabled
//     numeric passcodes (MC1232096).
//   - MC1120871: Teams validates join links and refuses rewritten ones, so a
//     service should pass the link it was given (or this package's normal form
//     of it), never a wrapped or redirected one.

import (
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// MaxJoinLinkLength is the longest join link, in bytes, that [ParseJoinLink]
// reads. Real links are well under 1 KiB.
const MaxJoinLinkLength = 4096

// The hosts that serve Teams meeting join links. [ParseJoinLink] accepts these
// exactly (in any letter case, with no port other than 443) and nothing else.
const (
	// HostTeams is the commercial and GCC host.
	HostTeams = "teams.microsoft.com"
	// HostTeamsCloud is the unified cloud.microsoft domain Teams is moving to;
	// it serves the same link shapes as HostTeams.
	HostTeamsCloud = "teams.cloud.microsoft"
	// HostTeamsLive is Microsoft Teams (free), the consumer service; its join
	// links have the short /meet/ form only.
	HostTeamsLive = "teams.live.com"
	// HostTeamsGCCH is the GCC High host.
	HostTeamsGCCH = "gov.teams.microsoft.us"
	// HostTeamsDoD is the Department of Defense host.
	HostTeamsDoD = "dod.teams.microsoft.us"
)

// Values of [MeetingLocator].Cloud. They are the strings of
// identity.CloudEnvironment, so identity.CloudEnvironment(loc.Cloud) converts.
const (
	cloudPublic = "public"
	cloudGCCH   = "gcch"
	cloudDoD    = "dod"
)

type hostInfo struct {
	cloud   string
	classic bool // serves /l/meetup-join/ links
}

var joinHosts = map[string]hostInfo{
	HostTeams:      {cloudPublic, true},
	HostTeamsCloud: {cloudPublic, true},
	HostTeamsLive:  {cloudPublic, false},
	HostTeamsGCCH:  {cloudGCCH, true},
	HostTeamsDoD:   {cloudDoD, true},
}

// MeetingLocatorKind says which of the ACS calling SDK's Teams meeting
// locators a [MeetingLocator] becomes.
type MeetingLocatorKind string

const (
	// MeetingByLink joins with the meeting's join link
	// (TeamsMeetingLinkLocator). It is what [ParseJoinLink] returns.
	MeetingByLink MeetingLocatorKind = "link"
	// MeetingByID joins with the numeric meeting id and the passcode
	// (TeamsMeetingIdLocator). It is what [MeetingIDLocator] returns.
	MeetingByID MeetingLocatorKind = "meetingId"
	// MeetingByCoordinates joins with the thread id, organizer, tenant and
	// message id (TeamsMeetingCoordinatesLocator). It is what
	// [CoordinatesLocator] returns.
	MeetingByCoordinates MeetingLocatorKind = "coordinates"
)

// MeetingLocator identifies a Teams meeting for a client calling SDK's join.
// Build one with [ParseJoinLink], [MeetingIDLocator] or [CoordinatesLocator];
// the fields are plain so tests can write one as a literal, and
// [MeetingLocator.Validate] checks such a literal. Which fields are set
// depends on Kind and, for links, on the link's form:
//
//   - a classic link (/l/meetup-join/) sets JoinURL, Host, Cloud, ThreadID,
//     MessageID, TenantID, OrganizerID and the hints;
//   - a short link (/meet/) sets JoinURL, Host, Cloud and MeetingID; its p
//     parameter is a hashed passcode that only the link form accepts, so it
//     stays in JoinURL and Passcode is empty;
//   - a meeting id locator sets MeetingID and Passcode;
//   - a coordinates locator sets ThreadID, MessageID, TenantID, OrganizerID
//     and IsChannelMeeting.
//
// Formatting a MeetingLocator with the fmt package or logging it with slog
// never shows the passcode or a link's p parameter; encoding it with
// encoding/json does, so send clients [MeetingLocator.ClientLocator] rather
// than the locator, and do not log locators inside other values that slog
// encodes as JSON.
type MeetingLocator struct {
	// Kind is the locator the client will use.
	Kind MeetingLocatorKind
	// JoinURL is the join link in normal form: https, the host in lower case
	// without a port, the path re-escaped the way Teams writes it, only the
	// query parameters Teams defines for the form (context, or p), and no
	// fragment. Empty unless Kind is MeetingByLink.
	JoinURL string
	// Host is the link's host, one of the Host constants; empty when the
	// locator was not parsed from a link.
	Host string
	// Cloud is the Microsoft cloud of the link's host: "public", "gcch" or
	// "dod" (the strings of identity.CloudEnvironment); empty when unknown.
	Cloud string
	// ThreadID is the meeting's thread, "19:<...>@thread.v2" (or
	// "@thread.tacv2" or "@thread.skype" for channel meetings and old
	// meetings), with ':' and '@' unescaped.
	ThreadID string
	// MessageID is "0" for a meeting outside a channel and the id of the
	// channel post for a channel meeting.
	MessageID string
	// TenantID is the organizer's Entra tenant id (the link's Tid), a GUID in
	// lower case.
	TenantID string
	// OrganizerID is the organizer's Entra object id (the link's Oid), a GUID
	// in lower case.
	OrganizerID string
	// MeetingID is the numeric meeting id users type to join, without spaces.
	MeetingID string
	// Passcode is the meeting passcode that goes with MeetingID. It is a
	// secret: it is never formatted or logged.
	Passcode string
	// IsChannelMeeting reports a meeting held in a Teams channel: its thread
	// is the channel's ("@thread.tacv2", or an old "@thread.skype" channel)
	// rather than a "19:meeting_..." thread.
	IsChannelMeeting bool
	// IsBroadcast reports a link whose context says "IsBroadcastMeeting":
	// true, as links to Teams Live Events do. It is a hint: a broadcast's
	// attendees watch a stream, and a calling SDK may be unable to join it.
	IsBroadcast bool
}

// ClientJoinLocator is the value a client calling SDK's join takes, shaped as
// the ACS calling SDK's Teams meeting locators. Exactly one shape is filled,
// and encoding/json emits only that shape:
//
//   - TeamsMeetingLinkLocator: {"meetingLink": "..."}
//   - TeamsMeetingIdLocator: {"meetingId": "...", "passcode": "..."}, the
//     passcode omitted when empty
//   - TeamsMeetingCoordinatesLocator: {"threadId": "...", "organizerId":
//     "...", "tenantId": "...", "messageId": "..."}
//
// Hand it to the client as JSON, for example in the response that also
// carries the user's ACS token; the web SDK's callAgent.join accepts the
// decoded object as is. Formatting it with the fmt package or logging it with
// slog never shows the passcode or a link's p parameter; its JSON does, since
// the client needs it. So does, therefore, slog's JSON handler for a
// ClientJoinLocator inside a slice, a map or a struct field, which it
// encodes with encoding/json: log such a value as an attribute of its own.
type ClientJoinLocator struct {
	// MeetingLink is the Teams meeting join link.
	MeetingLink string `json:"meetingLink,omitempty"`
	// MeetingID is the numeric meeting id.
	MeetingID string `json:"meetingId,omitempty"`
	// Passcode is the meeting passcode; it may be empty for a meeting without
	// one.
	Passcode string `json:"passcode,omitempty"`
	// ThreadID is the meeting's thread id.
	ThreadID string `json:"threadId,omitempty"`
	// OrganizerID is the organizer's Entra object id.
	OrganizerID string `json:"organizerId,omitempty"`
	// TenantID is the organizer's Entra tenant id.
	TenantID string `json:"tenantId,omitempty"`
	// MessageID is the meeting's message id, "0" outside channels.
	MessageID string `json:"messageId,omitempty"`
}

// JoinLinkError reports a join link that [ParseJoinLink] refused. Its message
// never quotes more of the link than its host.
type JoinLinkError struct {
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *JoinLinkError) Error() string {
	return "calling: invalid teams meeting join link: " + e.Problem
}

// LocatorError reports an argument of [MeetingIDLocator] or
// [CoordinatesLocator], or a field of a [MeetingLocator] being validated,
// that is not valid. Its message never quotes a passcode.
type LocatorError struct {
	// Field names the argument or field, for example "meetingID" or
	// "ThreadID".
	Field string
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *LocatorError) Error() string {
	if e.Field == "" {
		return "calling: invalid meeting locator: " + e.Problem
	}
	return "calling: invalid meeting locator " + e.Field + ": " + e.Problem
}

func linkErr(problem string) (MeetingLocator, error) {
	return MeetingLocator{}, &JoinLinkError{Problem: problem}
}

// ParseJoinLink parses and validates a Teams meeting join link, as found in
// an invitation or in Graph's onlineMeeting joinWebUrl, and returns a
// locator of kind [MeetingByLink]. It accepts:
//
//   - classic links, https://<host>/l/meetup-join/<thread id>/<message id>?context=<json>,
//     on teams.microsoft.com, teams.cloud.microsoft, gov.teams.microsoft.us
//     and dod.teams.microsoft.us, where the thread id is
//     "19:<id>@thread.v2", "@thread.tacv2" or "@thread.skype" (percent-encoded
//     or not), the message id is digits ("0", or the channel post's id for a
//     channel meeting), and the context is a JSON object with the tenant
//     "Tid" and organizer "Oid" GUIDs, and optionally "MessageId" and
//     "IsBroadcastMeeting"; other context keys and query parameters are
//     dropped from the normal form;
//   - short links, https://<host>/meet/<meeting id>?p=<hashed passcode>, on
//     those hosts and on teams.live.com (Teams free), where the meeting id is
//     10 to 20 digits and p, when present, is 4 to 128 letters, digits, '-'
//     or '_'.
//
// Surrounding white space is ignored. It refuses, with a *[JoinLinkError],
// any other host (look-alikes such as teams.microsoft.com.evil.com,
// evilteams.microsoft.com, teams-microsoft.com, a trailing dot, punycode or
// non-ASCII hosts, percent-encoded hosts), userinfo before the host, http or
// any other scheme, a port other than 443, backslashes, spaces, control or
// non-ASCII characters anywhere, repeated context or p parameters, links
// longer than [MaxJoinLinkLength], and launcher or redirect wrappers around a
// link. It never panics.
func ParseJoinLink(link string) (MeetingLocator, error) {
	if len(link) > MaxJoinLinkLength {
		return linkErr("link is longer than " + strconv.Itoa(MaxJoinLinkLength) + " bytes")
	}
	link = strings.TrimSpace(link)
	if link == "" {
		return linkErr("link is empty")
	}
	for i := 0; i < len(link); i++ {
		switch c := link[i]; {
		case c >= 0x80:
			return linkErr("link has non-ascii characters")
		case c <= ' ' || c == 0x7f:
			return linkErr("link has spaces or control characters")
		case c == '\\':
			return linkErr("link has a backslash")
		}
	}
	scheme, rest, ok := strings.Cut(link, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?#") {
		return linkErr("link is not an absolute https url")
	}
	if !strings.EqualFold(scheme, "https") {
		return linkErr("link scheme is not https")
	}
	authority := rest
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	if strings.Contains(authority, "@") {
		return linkErr("link has userinfo before the host")
	}
	if strings.Contains(authority, "%") {
		return linkErr("link has a percent-encoded host")
	}
	u, err := url.Parse(link)
	if err != nil {
		// err quotes the whole link; say only that it did not parse.
		return linkErr("link is not a valid url")
	}
	if u.Opaque != "" || u.Host == "" {
		return linkErr("link has no host")
	}
	if u.User != nil {
		return linkErr("link has userinfo before the host")
	}
	if strings.HasSuffix(u.Host, ":") || (u.Port() != "" && u.Port() != "443") {
		return linkErr("link has a port other than 443")
	}
	host := strings.ToLower(u.Hostname())
	info, ok := joinHosts[host]
	if !ok {
		return linkErr("host " + quoteHost(host) + " is not a microsoft teams meeting host")
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return linkErr("link query is not valid")
	}
	segs := strings.Split(u.EscapedPath(), "/")
	switch {
	case len(segs) == 5 && segs[0] == "" && segs[1] == "l" && segs[2] == "meetup-join":
		if !info.classic {
			return linkErr(host + " links have the /meet/<meeting id> form")
		}
		return parseClassic(host, info.cloud, segs[3], segs[4], query)
	case len(segs) == 3 && segs[0] == "" && segs[1] == "meet":
		return parseShort(host, info.cloud, segs[2], query)
	}
	return linkErr("path is not a meeting join path (/l/meetup-join/... or /meet/...)")
}

func parseClassic(host, cloud, rawThread, rawMessage string, query url.Values) (MeetingLocator, error) {
	thread, err := url.PathUnescape(rawThread)
	if err != nil {
		return linkErr("thread id is not valid percent-encoding")
	}
	body, suffix, problem := splitThreadID(thread)
	if problem != "" {
		return linkErr("thread id " + problem)
	}
	message, err := url.PathUnescape(rawMessage)
	if err != nil || !isDigits(message, 1, 20) {
		return linkErr("message id is not 1 to 20 digits")
	}
	contexts := query["context"]
	switch len(contexts) {
	case 0:
		return linkErr("link has no context parameter")
	case 1:
	default:
		return linkErr("link has more than one context parameter")
	}
	ctx, problem := parseJoinContext(contexts[0])
	if problem != "" {
		return linkErr("context " + problem)
	}
	loc := MeetingLocator{
		Kind:             MeetingByLink,
		Host:             host,
		Cloud:            cloud,
		ThreadID:         thread,
		MessageID:        message,
		TenantID:         ctx.tenant,
		OrganizerID:      ctx.organizer,
		IsChannelMeeting: isChannelThread(body, suffix),
		IsBroadcast:      ctx.broadcast,
	}
	if message == "0" && ctx.message != "" {
		loc.MessageID = ctx.message
	}
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(host)
	b.WriteString("/l/meetup-join/19%3a")
	b.WriteString(body)
	b.WriteString("%40thread.")
	b.WriteString(suffix)
	b.WriteByte('/')
	b.WriteString(message)
	b.WriteString("?context=")
	b.WriteString(escapeLower(ctx.normal()))
	loc.JoinURL = b.String()
	return loc, nil
}

func parseShort(host, cloud, rawID string, query url.Values) (MeetingLocator, error) {
	id, err := url.PathUnescape(rawID)
	if err != nil || !isDigits(id, minMeetingIDLen, maxMeetingIDLen) {
		return linkErr("meeting id is not " + meetingIDLenText + " digits")
	}
	join := "https://" + host + "/meet/" + id
	switch ps := query["p"]; len(ps) {
	case 0:
	case 1:
		if !isLinkPasscode(ps[0]) {
			return linkErr("p parameter is not 4 to 128 letters, digits, '-' or '_'")
		}
		join += "?p=" + ps[0]
	default:
		return linkErr("link has more than one p parameter")
	}
	return MeetingLocator{
		Kind:      MeetingByLink,
		JoinURL:   join,
		Host:      host,
		Cloud:     cloud,
		MeetingID: id,
	}, nil
}

// joinContext is what a classic link's context parameter says.
type joinContext struct {
	tenant, organizer, message string
	broadcast                  bool
}

// normal returns the context as Teams writes it, with the keys this package
// understands, in a fixed order.
func (c joinContext) normal() string {
	s := `{"Tid":"` + c.tenant + `","Oid":"` + c.organizer + `"`
	if c.message != "" {
		s += `,"MessageId":"` + c.message + `"`
	}
	if c.broadcast {
		s += `,"IsBroadcastMeeting":true`
	}
	return s + "}"
}

const maxContextLen = 1024

// parseJoinContext reads the context JSON object. Keys match without regard
// to case, as encoding/json would match them, but a key given twice is
// refused: two readers of the link could otherwise disagree on its meeting.
func parseJoinContext(s string) (joinContext, string) {
	var c joinContext
	if len(s) > maxContextLen {
		return c, "is longer than " + strconv.Itoa(maxContextLen) + " bytes"
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return c, "is not a json object"
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return c, "is not a json object"
		}
		key, ok := tok.(string)
		if !ok {
			return c, "is not a json object"
		}
		lower := strings.ToLower(key)
		if seen[lower] {
			return c, "has a key twice"
		}
		seen[lower] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return c, "is not a json object"
		}
		switch lower {
		case "tid":
			g, ok := jsonGUID(raw)
			if !ok {
				return c, "Tid is not a guid"
			}
			c.tenant = g
		case "oid":
			g, ok := jsonGUID(raw)
			if !ok {
				return c, "Oid is not a guid"
			}
			c.organizer = g
		case "messageid":
			// a string of digits, or a bare number of digits
			m := string(raw)
			if strings.HasPrefix(m, `"`) && json.Unmarshal(raw, &m) != nil {
				m = ""
			}
			if !isDigits(m, 1, 20) {
				return c, "MessageId is not 1 to 20 digits"
			}
			c.message = m
		case "isbroadcastmeeting":
			var v any
			_ = json.Unmarshal(raw, &v)
			switch v := v.(type) {
			case bool:
				c.broadcast = v
			case string:
				b, err := strconv.ParseBool(v)
				if err != nil {
					return c, "IsBroadcastMeeting is not a boolean"
				}
				c.broadcast = b
			default:
				return c, "IsBroadcastMeeting is not a boolean"
			}
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return c, "is not a json object"
	}
	if _, err := dec.Token(); err != io.EOF {
		return c, "has data after the json object"
	}
	if c.tenant == "" {
		return c, "has no Tid"
	}
	if c.organizer == "" {
		return c, "has no Oid"
	}
	return c, ""
}

func jsonGUID(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return normalGUID(s)
}

// Meeting ids: Teams shows 12 digits on older invitations and 13 to 15 on
// newer ones and on short links (grouped in threes for display). The range
// accepted here is wider so that a lengthening does not break joins.
const (
	minMeetingIDLen  = 10
	maxMeetingIDLen  = 20
	meetingIDLenText = "10 to 20"
)

// Typed passcodes: letters and digits, 6 characters before November 2024 and
// at least 8 since (MC889520), 8 digits when numeric-only (MC1232096).
const (
	minPasscodeLen = 6
	maxPasscodeLen = 32
)

// MeetingIDLocator returns a locator of kind [MeetingByID] for a meeting id
// and passcode as shown in a Teams invitation ("Meeting ID: 123 456 789 012",
// "Passcode: Ab3dE7fg"). Spaces in meetingID, which Teams uses to group its
// digits, are removed; the rest must be 10 to 20 digits (Teams issues 12 to
// 15). passcode must be empty (a meeting without one; the calling SDK's
// passcode is optional) or 6 to 32 letters and digits. Errors are
// *[LocatorError] and never quote the passcode.
//
// The calling SDKs accept this locator from web SDK 1.17.1. A short link's p
// parameter is a hashed passcode, not this one: keep such a link as a link.
func MeetingIDLocator(meetingID, passcode string) (MeetingLocator, error) {
	id := strings.ReplaceAll(meetingID, " ", "")
	if !isDigits(id, minMeetingIDLen, maxMeetingIDLen) {
		return MeetingLocator{}, &LocatorError{Field: "meetingID", Problem: "is not " + meetingIDLenText + " digits"}
	}
	if passcode != "" && !isPasscode(passcode) {
		return MeetingLocator{}, &LocatorError{Field: "passcode", Problem: "is not 6 to 32 letters and digits"}
	}
	return MeetingLocator{Kind: MeetingByID, MeetingID: id, Passcode: passcode}, nil
}

// CoordinatesLocator returns a locator of kind [MeetingByCoordinates]: the
// meeting's thread id ("19:<id>@thread.v2", "@thread.tacv2" or
// "@thread.skype"), the organizer's and the tenant's GUIDs (returned in lower
// case), and the message id, digits, "0" outside channels ("" means "0").
// These are the parts of a classic join link, and what Graph's onlineMeeting
// chatInfo gives. Errors are *[LocatorError].
//
// The ACS documentation describes joining by coordinates as a limited
// preview on the web; prefer the link where there is one.
func CoordinatesLocator(threadID, organizerID, tenantID, messageID string) (MeetingLocator, error) {
	body, suffix, problem := splitThreadID(threadID)
	if problem != "" {
		return MeetingLocator{}, &LocatorError{Field: "threadID", Problem: problem}
	}
	org, ok := normalGUID(organizerID)
	if !ok {
		return MeetingLocator{}, &LocatorError{Field: "organizerID", Problem: "is not a guid"}
	}
	tenant, ok := normalGUID(tenantID)
	if !ok {
		return MeetingLocator{}, &LocatorError{Field: "tenantID", Problem: "is not a guid"}
	}
	if messageID == "" {
		messageID = "0"
	}
	if !isDigits(messageID, 1, 20) {
		return MeetingLocator{}, &LocatorError{Field: "messageID", Problem: "is not 1 to 20 digits"}
	}
	return MeetingLocator{
		Kind:             MeetingByCoordinates,
		ThreadID:         threadID,
		MessageID:        messageID,
		TenantID:         tenant,
		OrganizerID:      org,
		IsChannelMeeting: isChannelThread(body, suffix),
	}, nil
}

// Validate checks that l is what [ParseJoinLink], [MeetingIDLocator] or
// [CoordinatesLocator] (by l.Kind) would return for its own fields: for a
// link, that JoinURL parses to exactly l; for the others, that the arguments
// taken from l give back exactly l. A locator those functions returned is
// valid; a literal built by hand may not be. Errors are *[JoinLinkError] for
// JoinURL and *[LocatorError] otherwise.
func (l MeetingLocator) Validate() error {
	var again MeetingLocator
	var err error
	switch l.Kind {
	case MeetingByLink:
		again, err = ParseJoinLink(l.JoinURL)
	case MeetingByID:
		again, err = MeetingIDLocator(l.MeetingID, l.Passcode)
	case MeetingByCoordinates:
		again, err = CoordinatesLocator(l.ThreadID, l.OrganizerID, l.TenantID, l.MessageID)
	case "":
		return &LocatorError{Field: "Kind", Problem: "is empty"}
	default:
		return &LocatorError{Field: "Kind", Problem: "is not link, meetingId or coordinates"}
	}
	if err != nil {
		return err
	}
	if f := firstDifference(l, again); f != "" {
		return &LocatorError{Field: f, Problem: "does not match its " + string(l.Kind) + " (want the normal form)"}
	}
	return nil
}

func firstDifference(a, b MeetingLocator) string {
	switch {
	case a.JoinURL != b.JoinURL:
		return "JoinURL"
	case a.Host != b.Host:
		return "Host"
	case a.Cloud != b.Cloud:
		return "Cloud"
	case a.ThreadID != b.ThreadID:
		return "ThreadID"
	case a.MessageID != b.MessageID:
		return "MessageID"
	case a.TenantID != b.TenantID:
		return "TenantID"
	case a.OrganizerID != b.OrganizerID:
		return "OrganizerID"
	case a.MeetingID != b.MeetingID:
		return "MeetingID"
	case a.Passcode != b.Passcode:
		return "Passcode"
	case a.IsChannelMeeting != b.IsChannelMeeting:
		return "IsChannelMeeting"
	case a.IsBroadcast != b.IsBroadcast:
		return "IsBroadcast"
	}
	return ""
}

// ClientLocator returns what a client calling SDK's join takes for l: the
// link for [MeetingByLink] (classic and short links alike), the meeting id
// and passcode for [MeetingByID], the four coordinates for
// [MeetingByCoordinates], and the zero value for any other Kind. It does not
// validate l; locators from this package's constructors are valid.
func (l MeetingLocator) ClientLocator() ClientJoinLocator {
	switch l.Kind {
	case MeetingByLink:
		return ClientJoinLocator{MeetingLink: l.JoinURL}
	case MeetingByID:
		return ClientJoinLocator{MeetingID: l.MeetingID, Passcode: l.Passcode}
	case MeetingByCoordinates:
		return ClientJoinLocator{
			ThreadID:    l.ThreadID,
			OrganizerID: l.OrganizerID,
			TenantID:    l.TenantID,
			MessageID:   l.MessageID,
		}
	}
	return ClientJoinLocator{}
}

// ChatThreadID returns the id of the meeting's chat thread where the locator
// carries it: ThreadID for classic links and coordinates
// ("19:meeting_...@thread.v2"; for a channel meeting, the channel's thread,
// in which MessageID is the meeting's post). It returns "" for short links
// and meeting id locators: find those meetings' chats through Graph's
// onlineMeeting (joinWebUrl or joinMeetingId) and its chatInfo.threadId.
func (l MeetingLocator) ChatThreadID() string {
	if l.Kind == MeetingByLink || l.Kind == MeetingByCoordinates {
		return l.ThreadID
	}
	return ""
}

// quoteHost quotes a host for an error message, cut to 64 bytes.
func quoteHost(h string) string {
	if len(h) > 64 {
		h = h[:64] + "..."
	}
	return strconv.QuoteToASCII(h)
}

const maxThreadBodyLen = 256

// splitThreadID checks "19:<body>@thread.<suffix>" and returns its body and
// suffix, or a problem phrase.
func splitThreadID(t string) (body, suffix, problem string) {
	const bad = `is not "19:<id>@thread.v2", "@thread.tacv2" or "@thread.skype"`
	rest, ok := strings.CutPrefix(t, "19:")
	if !ok {
		return "", "", bad
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return "", "", bad
	}
	body, suffix = rest[:at], rest[at+1:]
	switch suffix {
	case "thread.v2", "thread.tacv2", "thread.skype":
		suffix = strings.TrimPrefix(suffix, "thread.")
	default:
		return "", "", bad
	}
	if body == "" || len(body) > maxThreadBodyLen {
		return "", "", "id part is empty or longer than " + strconv.Itoa(maxThreadBodyLen) + " bytes"
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' && c != '=' {
			return "", "", "id part has characters other than letters, digits, '_', '-', '.' and '='"
		}
	}
	return body, suffix, ""
}

// isChannelThread reports a channel's thread: "@thread.tacv2", or an old
// "@thread.skype" channel; meeting threads start "19:meeting_".
func isChannelThread(body, suffix string) bool {
	return (suffix == "tacv2" || suffix == "skype") && !strings.HasPrefix(body, "meeting_")
}

// normalGUID checks the 8-4-4-4-12 hex form and returns it in lower case.
func normalGUID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

func isDigits(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isPasscode(s string) bool {
	if len(s) < minPasscodeLen || len(s) > maxPasscodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func isLinkPasscode(s string) bool {
	if len(s) < 4 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// escapeLower percent-encodes everything but RFC 3986 unreserved characters,
// with lower-case hex digits as Teams writes its links.
func escapeLower(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
