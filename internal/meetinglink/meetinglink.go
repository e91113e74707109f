// Package meetinglink parses and validates Teams meeting join links, meeting
// ids and meeting coordinates: the one place where the module reads them.
// Package calling wraps it in its public MeetingLocator, ParseJoinLink,
// MeetingIDLocator and CoordinatesLocator (with their redaction and public
// errors); package chat and its fake use it directly to check join links,
// find a meeting's chat thread, tell whether two links name the same meeting
// and check meeting ids. It imports no package of the module, so neither of
// those two imports the other.
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

package meetinglink

import (
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// MaxLinkLength is the longest join link, in bytes, that [Parse] reads. Real
// links are well under 1 KiB.
const MaxLinkLength = 4096

// The hosts that serve Teams meeting join links. [Parse] accepts these
// exactly (in any letter case, with no port other than 443) and nothing else.
const (
	// HostTeams is the commercial and GCC host.
	HostTeams = "teams.microsoft.com"
	// HostTeamsCloud is the unified cloud.microsoft domain Teams is moving
	// to; it serves the same link shapes as HostTeams.
	HostTeamsCloud = "teams.cloud.microsoft"
	// HostTeamsLive is Microsoft Teams (free), the consumer service; its join
	// links have the short /meet/ form only.
	HostTeamsLive = "teams.live.com"
	// HostTeamsGCCH is the GCC High host.
	HostTeamsGCCH = "gov.teams.microsoft.us"
	// HostTeamsDoD is the Department of Defense host.
	HostTeamsDoD = "dod.teams.microsoft.us"
)

// Values of [Locator].Cloud: the strings of identity.CloudEnvironment.
const (
	CloudPublic = "public"
	CloudGCCH   = "gcch"
	CloudDoD    = "dod"
)

type hostInfo struct {
	cloud   string
	classic bool // serves /l/meetup-join/ links
}

var joinHosts = map[string]hostInfo{
	HostTeams:      {CloudPublic, true},
	HostTeamsCloud: {CloudPublic, true},
	HostTeamsLive:  {CloudPublic, false},
	HostTeamsGCCH:  {CloudGCCH, true},
	HostTeamsDoD:   {CloudDoD, true},
}

// Kind says which of the ACS calling SDK's Teams meeting locators a
// [Locator] becomes.
type Kind string

// The kinds of locator.
const (
	// ByLink joins with the meeting's join link (TeamsMeetingLinkLocator);
	// [Parse] returns it.
	ByLink Kind = "link"
	// ByID joins with the numeric meeting id and the passcode
	// (TeamsMeetingIdLocator); [ByMeetingID] returns it.
	ByID Kind = "meetingId"
	// ByCoordinates joins with the thread id, organizer, tenant and message
	// id (TeamsMeetingCoordinatesLocator); [ByThread] returns it.
	ByCoordinates Kind = "coordinates"
)

// Locator identifies a Teams meeting. Its fields, and which are set for
// which kind and link form, are those of calling.MeetingLocator, which
// documents them for users. Passcode and a short link's p parameter are
// secrets: this type has no redaction of its own, so it is never formatted
// or logged.
type Locator struct {
	Kind             Kind
	JoinURL          string // the link in normal form (ByLink)
	Host             string // one of the Host constants (ByLink)
	Cloud            string // one of the Cloud constants (ByLink)
	ThreadID         string // "19:<id>@thread.v2", "@thread.tacv2" or "@thread.skype"
	MessageID        string // "0", or a channel meeting's post
	TenantID         string // the organizer's tenant, a lower-case GUID
	OrganizerID      string // the organizer's object id, a lower-case GUID
	MeetingID        string // the numeric meeting id, without spaces
	Passcode         string // the typed passcode that goes with MeetingID (a secret)
	IsChannelMeeting bool   // the meeting is held in a channel
	IsBroadcast      bool   // the link's context says IsBroadcastMeeting
}

// Error reports what this package refused: a join link when Field is empty,
// otherwise an argument of [ByMeetingID] or [ByThread] or a field of a
// [Locator] being validated. Problem never quotes a passcode, nor more of a
// link than its host.
type Error struct {
	// Field names the argument or field, for example "meetingID" or
	// "ThreadID"; empty for a join link.
	Field string
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field == "" {
		return "invalid teams meeting join link: " + e.Problem
	}
	return "invalid meeting locator " + e.Field + ": " + e.Problem
}

func linkErr(problem string) (Locator, error) {
	return Locator{}, &Error{Problem: problem}
}

func fieldErr(field, problem string) (Locator, error) {
	return Locator{}, &Error{Field: field, Problem: problem}
}

// Parse parses and validates a Teams meeting join link, as found in an
// invitation or in Graph's onlineMeeting joinWebUrl, and returns a locator of
// kind [ByLink]; calling.ParseJoinLink documents what it accepts and
// refuses. Refusals are an *[Error] with an empty Field. It never panics.
func Parse(link string) (Locator, error) {
	if len(link) > MaxLinkLength {
		return linkErr("link is longer than " + strconv.Itoa(MaxLinkLength) + " bytes")
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

func parseClassic(host, cloud, rawThread, rawMessage string, query url.Values) (Locator, error) {
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
	loc := Locator{
		Kind:             ByLink,
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

func parseShort(host, cloud, rawID string, query url.Values) (Locator, error) {
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
	return Locator{
		Kind:      ByLink,
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
	// maxSpacedIDLen bounds a meeting id as typed, spaces included.
	maxSpacedIDLen = 64
)

// Typed passcodes: letters and digits, 6 characters before November 2024 and
// at least 8 since (MC889520), 8 digits when numeric-only (MC1232096).
const (
	minPasscodeLen = 6
	maxPasscodeLen = 32
)

// NormalMeetingID returns the numeric meeting id of a Teams invitation
// ("Meeting ID: 123 456 789 012") without the spaces that group its digits:
// 10 to 20 digits (Teams issues 12 to 15), or a problem phrase.
func NormalMeetingID(id string) (string, string) {
	if len(id) > maxSpacedIDLen {
		return "", "is too long"
	}
	out := strings.ReplaceAll(id, " ", "")
	if out == "" {
		return "", "is empty"
	}
	if !isDigits(out, minMeetingIDLen, maxMeetingIDLen) {
		return "", "is not " + meetingIDLenText + " digits"
	}
	return out, ""
}

// ByMeetingID returns a locator of kind [ByID] for a meeting id and passcode
// as shown in a Teams invitation: the id as [NormalMeetingID] reads it, and a
// passcode that is empty (a meeting without one) or 6 to 32 letters and
// digits. Errors are *[Error] and never quote the passcode.
func ByMeetingID(meetingID, passcode string) (Locator, error) {
	id, problem := NormalMeetingID(meetingID)
	if problem != "" {
		return fieldErr("meetingID", problem)
	}
	if passcode != "" && !isPasscode(passcode) {
		return fieldErr("passcode", "is not 6 to 32 letters and digits")
	}
	return Locator{Kind: ByID, MeetingID: id, Passcode: passcode}, nil
}

// ByThread returns a locator of kind [ByCoordinates]: the meeting's thread id
// ("19:<id>@thread.v2", "@thread.tacv2" or "@thread.skype"), the organizer's
// and the tenant's GUIDs (returned in lower case), and the message id,
// digits, "0" outside channels ("" means "0"). Errors are *[Error].
func ByThread(threadID, organizerID, tenantID, messageID string) (Locator, error) {
	body, suffix, problem := splitThreadID(threadID)
	if problem != "" {
		return fieldErr("threadID", problem)
	}
	org, ok := normalGUID(organizerID)
	if !ok {
		return fieldErr("organizerID", "is not a guid")
	}
	tenant, ok := normalGUID(tenantID)
	if !ok {
		return fieldErr("tenantID", "is not a guid")
	}
	if messageID == "" {
		messageID = "0"
	}
	if !isDigits(messageID, 1, 20) {
		return fieldErr("messageID", "is not 1 to 20 digits")
	}
	return Locator{
		Kind:             ByCoordinates,
		ThreadID:         threadID,
		MessageID:        messageID,
		TenantID:         tenant,
		OrganizerID:      org,
		IsChannelMeeting: isChannelThread(body, suffix),
	}, nil
}

// Validate checks that l is what [Parse], [ByMeetingID] or [ByThread] (by
// l.Kind) would return for its own fields: for a link, that JoinURL parses to
// exactly l; for the others, that the arguments taken from l give back
// exactly l. Errors are *[Error].
func (l Locator) Validate() error {
	var again Locator
	var err error
	switch l.Kind {
	case ByLink:
		again, err = Parse(l.JoinURL)
	case ByID:
		again, err = ByMeetingID(l.MeetingID, l.Passcode)
	case ByCoordinates:
		again, err = ByThread(l.ThreadID, l.OrganizerID, l.TenantID, l.MessageID)
	case "":
		return &Error{Field: "Kind", Problem: "is empty"}
	default:
		return &Error{Field: "Kind", Problem: "is not link, meetingId or coordinates"}
	}
	if err != nil {
		return err
	}
	if f := firstDifference(l, again); f != "" {
		return &Error{Field: f, Problem: "does not match its " + string(l.Kind) + " (want the normal form)"}
	}
	return nil
}

func firstDifference(a, b Locator) string {
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

// ChatThreadID returns the id of the meeting's chat thread where the locator
// carries it: ThreadID for classic links and coordinates (for a channel
// meeting, the channel's thread); "" for short links and meeting id
// locators, whose chat is found through Graph's onlineMeeting.
func (l Locator) ChatThreadID() string {
	if l.Kind == ByLink || l.Kind == ByCoordinates {
		return l.ThreadID
	}
	return ""
}

// SameMeeting reports whether two locators name one meeting: the same join
// link in normal form, or the same meeting id.
func SameMeeting(a, b Locator) bool {
	if a.JoinURL != "" && a.JoinURL == b.JoinURL {
		return true
	}
	return a.MeetingID != "" && a.MeetingID == b.MeetingID
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
