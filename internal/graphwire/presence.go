package graphwire

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Presence you set: the bodies of POST /users/{id}/presence/setPresence,
// clearPresence, setUserPreferredPresence and setStatusMessage.
// Sources (learn.microsoft.com/graph/api/…): presence-setpresence,
// presence-clearpresence, presence-setuserpreferredpresence,
// presence-clearuserpreferredpresence, presence-setstatusmessage.

// SetPresenceRequest is the body of setPresence: the application's
// session (sessionId is the application's id), its state and how long it
// lasts.
type SetPresenceRequest struct {
	SessionID          string `json:"sessionId"`
	Availability       string `json:"availability"`
	Activity           string `json:"activity"`
	ExpirationDuration string `json:"expirationDuration,omitempty"`
}

// ClearPresenceRequest is the body of clearPresence.
type ClearPresenceRequest struct {
	SessionID string `json:"sessionId"`
}

// PreferredPresenceRequest is the body of setUserPreferredPresence.
type PreferredPresenceRequest struct {
	Availability       string `json:"availability"`
	Activity           string `json:"activity"`
	ExpirationDuration string `json:"expirationDuration,omitempty"`
}

// StatusMessageRequest is the body of setStatusMessage.
type StatusMessageRequest struct {
	StatusMessage *PresenceStatusMessage `json:"statusMessage"`
}

// DateTimeTimeZone is Graph's dateTimeTimeZone: a local date and time
// without offset, and the time zone it is in.
type DateTimeTimeZone struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// DateTimeLayout is how a DateTimeTimeZone's dateTime is written
// (presence-setstatusmessage's example: 2022-10-18T17:05:33.2079781).
const DateTimeLayout = "2006-01-02T15:04:05.9999999"

// UTCDateTime is t as a DateTimeTimeZone in UTC.
func UTCDateTime(t time.Time) *DateTimeTimeZone {
	return &DateTimeTimeZone{DateTime: t.UTC().Format(DateTimeLayout), TimeZone: "UTC"}
}

// ParseDateTime reads a DateTimeTimeZone whose time zone is a Windows
// zone name, as Graph's examples write them ("Pacific Standard Time",
// presence-setstatusmessage), UTC or an IANA name (this machine's zone
// database reads them; "Local", which means this machine's zone, is
// refused). ok is false for another zone or a malformed time.
func ParseDateTime(d DateTimeTimeZone) (time.Time, bool) {
	zone := d.TimeZone
	if iana, ok := windowsZones[zone]; ok {
		zone = iana
	}
	if zone == "" || zone == "Local" {
		return time.Time{}, false
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(DateTimeLayout, d.DateTime, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// FormatDuration writes d, rounded down to whole seconds, as an ISO 8601
// duration the way Graph's examples do: PT1H, PT5M, PT1H30M, PT8H, P1D… (days
// are written as hours: PT24H).
func FormatDuration(d time.Duration) string {
	d = d.Truncate(time.Second)
	if d <= 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString("PT")
	if h := d / time.Hour; h > 0 {
		b.WriteString(strconv.FormatInt(int64(h), 10) + "H")
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		b.WriteString(strconv.FormatInt(int64(m), 10) + "M")
		d -= m * time.Minute
	}
	if d > 0 {
		b.WriteString(strconv.FormatInt(int64(d/time.Second), 10) + "S")
	}
	return b.String()
}

// MaxDuration bounds what ParseDuration reads (a year): presence durations
// are minutes to days.
const MaxDuration = 366 * 24 * time.Hour

// ParseDuration reads an ISO 8601 duration of days, hours, minutes and
// seconds (PnDTnHnMnS, seconds possibly with a fraction; no years, months
// or weeks, whose length is not fixed). It never panics; ok is false for
// anything else, a negative value or one above MaxDuration.
func ParseDuration(s string) (time.Duration, bool) {
	if len(s) < 3 || len(s) > 64 || s[0] != 'P' {
		return 0, false
	}
	s = s[1:]
	var total time.Duration
	inTime, any := false, false
	units := "D"
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return 0, false
			}
			inTime, units, s = true, "HMS", s[1:]
			if s == "" {
				return 0, false
			}
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, false
		}
		num, unit := s[:i], s[i]
		s = s[i+1:]
		j := strings.IndexByte(units, unit)
		if j < 0 {
			return 0, false
		}
		units = units[j+1:] // each unit once, in order
		var scale time.Duration
		switch unit {
		case 'D':
			scale = 24 * time.Hour
		case 'H':
			scale = time.Hour
		case 'M':
			scale = time.Minute
		case 'S':
			scale = time.Second
		}
		if strings.Contains(num, ".") && unit != 'S' {
			return 0, false
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f < 0 || f*float64(scale) > float64(MaxDuration) {
			return 0, false
		}
		total += time.Duration(f * float64(scale))
		if total > MaxDuration {
			return 0, false
		}
		any = true
	}
	return total, any
}

// SessionPresences are the availability/activity pairs setPresence takes
// for an application's session (presence-setpresence, "Supported
// combinations of availability and activity"): Graph refuses the others.
var SessionPresences = [][2]string{
	{"Available", "Available"},
	{"Busy", "InACall"},
	{"Busy", "InAConferenceCall"},
	{"Away", "Away"},
	{"DoNotDisturb", "Presenting"},
}

// PreferredPresences are the availability/activity pairs
// setUserPreferredPresence takes (presence-setuserpreferredpresence, "The
// following table lists supported combinations").
var PreferredPresences = [][2]string{
	{"Available", "Available"},
	{"Busy", "Busy"},
	{"DoNotDisturb", "DoNotDisturb"},
	{"BeRightBack", "BeRightBack"},
	{"Away", "Away"},
	{"Offline", "OffWork"},
}

// Presence session expiration (presence-setpresence, expirationDuration):
// "If not provided, a default expiration of 5 minutes is applied. The
// valid duration range is from 5 to 240 minutes (PT5M to PT4H)".
const (
	MinSessionExpiration     = 5 * time.Minute
	MaxSessionExpiration     = 4 * time.Hour
	DefaultSessionExpiration = 5 * time.Minute
)

// CheckPresencePair says what is wrong with availability/activity for an
// operation that takes the pairs of table (SessionPresences or
// PreferredPresences); "" when it is one of them.
func CheckPresencePair(table [][2]string, availability, activity string) string {
	var ok []string
	for _, p := range table {
		if p[0] == availability && p[1] == activity {
			return ""
		}
		ok = append(ok, p[0]+"/"+p[1])
	}
	return strconv.Quote(availability) + " with activity " + strconv.Quote(activity) +
		" is not a supported combination; supported: " + strings.Join(ok, ", ")
}

// PresenceSubscriptionPath is the path of a presence subscription's
// resource, before its $filter: communications/presences
// (changenotifications-for-presence).
const PresenceSubscriptionPath = "communications/presences"

// MaxPresenceSubscriptionIDs is the most users one presence subscription
// watches: "A maximum of 650 users can be subscribed in a single
// subscription" (changenotifications-for-presence).
const MaxPresenceSubscriptionIDs = 650

// MaxPresenceSubscriptionLifetime is the longest a presence subscription
// lasts: "Subscriptions have a maximum expiration time of an hour"
// (changenotifications-for-presence).
const MaxPresenceSubscriptionLifetime = time.Hour

// PresenceFilterResource is the resource of a subscription to the presence
// of ids: /communications/presences?$filter=id in ('…','…').
func PresenceFilterResource(ids []string) string {
	var b strings.Builder
	b.WriteString("/" + PresenceSubscriptionPath + "?$filter=id in (")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("'" + quoteKey(id) + "'")
	}
	b.WriteByte(')')
	return b.String()
}

// ParsePresenceResource reads a presence subscription resource: the
// filtered form /communications/presences?$filter=id in ('…', …) or the
// single user's communications/presences/{id}, leading '/' optional, the
// filter possibly percent-encoded. It returns the ids as written, or a
// problem: not a presence resource (isPresence false), or a presence
// resource that is wrong (ids that are not object ids, none, more than
// MaxPresenceSubscriptionIDs, or a filter other than "id in (…)"). It never
// panics.
func ParsePresenceResource(res string) (ids []string, isPresence bool, problem string) {
	s := strings.TrimPrefix(res, "/")
	if len(s) < len(PresenceSubscriptionPath) || !strings.EqualFold(s[:len(PresenceSubscriptionPath)], PresenceSubscriptionPath) {
		return nil, false, ""
	}
	s = s[len(PresenceSubscriptionPath):]
	switch {
	case strings.HasPrefix(s, "/"):
		id := s[1:]
		if !uuid.IsGUID(id) {
			return nil, true, "the user of communications/presences/{id} must be an object id"
		}
		return []string{id}, true, ""
	case strings.HasPrefix(s, "?"):
	default:
		return nil, false, ""
	}
	q := s[1:]
	if strings.Contains(q, "%") {
		dec, err := url.QueryUnescape(q)
		if err != nil {
			return nil, true, "the $filter is not correctly escaped"
		}
		q = dec
	}
	const pre = "$filter="
	if !strings.HasPrefix(q, pre) {
		return nil, true, "a presence subscription takes only $filter=id in ('…', …)"
	}
	f := strings.TrimSpace(q[len(pre):])
	if len(f) < 2 || !strings.EqualFold(f[:2], "id") {
		return nil, true, "the $filter must be id in ('…', …)"
	}
	f = strings.TrimSpace(f[2:])
	if len(f) < 2 || !strings.EqualFold(f[:2], "in") {
		return nil, true, "the $filter must be id in ('…', …)"
	}
	f = strings.TrimSpace(f[2:])
	if !strings.HasPrefix(f, "(") || !strings.HasSuffix(f, ")") {
		return nil, true, "the $filter must be id in ('…', …)"
	}
	f = strings.TrimSpace(f[1 : len(f)-1])
	if f == "" {
		return nil, true, "the $filter names no user"
	}
	for _, item := range strings.Split(f, ",") {
		item = strings.TrimSpace(item)
		if len(item) < 2 || item[0] != '\'' || item[len(item)-1] != '\'' {
			return nil, true, "each user in the $filter is a quoted object id"
		}
		id := item[1 : len(item)-1]
		if !uuid.IsGUID(id) {
			return nil, true, "each user in the $filter must be an object id"
		}
		ids = append(ids, id)
		if len(ids) > MaxPresenceSubscriptionIDs {
			return nil, true, "a presence subscription watches at most 650 users"
		}
	}
	return ids, true, ""
}

// PresenceNotificationResource is the resource of a presence change
// notification, and the @odata.id of its resourceData
// (changenotifications-for-presence, "Example: Basic presence
// notifications").
func PresenceNotificationResource(userID string) (resource, odataID string) {
	return PresenceSubscriptionPath + "/" + userID, "users/" + userID + "/presence"
}

// TypePresence is the @odata.type of a presence notification's
// resourceData.
const TypePresence = "#microsoft.graph.presence"
