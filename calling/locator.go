package calling

// Teams meeting locators: the public face of internal/meetinglink, which
// parses and validates links, meeting ids and coordinates for this package
// and for package chat alike, and cites the documentation of the link and
// locator shapes it accepts beside the code.

import "github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"

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
	return fromMeetingLink(meetinglink.Parse(link))
}

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
	return fromMeetingLink(meetinglink.ByMeetingID(meetingID, passcode))
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
	return fromMeetingLink(meetinglink.ByThread(threadID, organizerID, tenantID, messageID))
}

// Validate checks that l is what [ParseJoinLink], [MeetingIDLocator] or
// [CoordinatesLocator] (by l.Kind) would return for its own fields: for a
// link, that JoinURL parses to exactly l; for the others, that the arguments
// taken from l give back exactly l. A locator those functions returned is
// valid; a literal built by hand may not be. Errors are *[JoinLinkError] for
// JoinURL and *[LocatorError] otherwise.
func (l MeetingLocator) Validate() error {
	return locatorError(l.meetingLink().Validate())
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
func (l MeetingLocator) ChatThreadID() string { return l.meetingLink().ChatThreadID() }

// fromMeetingLink converts what internal/meetinglink returned to this
// package's locator and errors.
func fromMeetingLink(l meetinglink.Locator, err error) (MeetingLocator, error) {
	if err != nil {
		return MeetingLocator{}, locatorError(err)
	}
	return MeetingLocator{
		Kind:             MeetingLocatorKind(l.Kind),
		JoinURL:          l.JoinURL,
		Host:             l.Host,
		Cloud:            l.Cloud,
		ThreadID:         l.ThreadID,
		MessageID:        l.MessageID,
		TenantID:         l.TenantID,
		OrganizerID:      l.OrganizerID,
		MeetingID:        l.MeetingID,
		Passcode:         l.Passcode,
		IsChannelMeeting: l.IsChannelMeeting,
		IsBroadcast:      l.IsBroadcast,
	}, nil
}

func (l MeetingLocator) meetingLink() meetinglink.Locator {
	return meetinglink.Locator{
		Kind:             meetinglink.Kind(l.Kind),
		JoinURL:          l.JoinURL,
		Host:             l.Host,
		Cloud:            l.Cloud,
		ThreadID:         l.ThreadID,
		MessageID:        l.MessageID,
		TenantID:         l.TenantID,
		OrganizerID:      l.OrganizerID,
		MeetingID:        l.MeetingID,
		Passcode:         l.Passcode,
		IsChannelMeeting: l.IsChannelMeeting,
		IsBroadcast:      l.IsBroadcast,
	}
}

// locatorError gives internal/meetinglink's errors this package's types: a
// *JoinLinkError for a link, a *LocatorError for an argument or a field.
func locatorError(err error) error {
	e, ok := err.(*meetinglink.Error)
	switch {
	case !ok:
		return err
	case e.Field == "":
		return &JoinLinkError{Problem: e.Problem}
	}
	return &LocatorError{Field: e.Field, Problem: e.Problem}
}
