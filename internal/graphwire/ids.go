package graphwire

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Chat id forms.
const (
	// SelfChatID is the id of the signed-in user's chat with themselves.
	SelfChatID     = "48:notes"
	oneOnOneDomain = "unq.gbl.spaces"
	threadDomain   = "thread.v2"
	legacyThread   = "thread.skype"
	channelDomain  = "thread.tacv2"
	meetingPrefix  = "meeting_"
	maxIDLen       = 512
	chatIDPrefix   = "19:"
)

// ChatIDKind is the form of a chat id.
type ChatIDKind int

// The chat id forms.
const (
	ChatIDUnknown  ChatIDKind = iota // a 19:…@… id of an unknown domain
	ChatIDOneOnOne                   // 19:<oid>_<oid>@unq.gbl.spaces
	ChatIDGroup                      // 19:<hex>@thread.v2 (or @thread.skype)
	ChatIDMeeting                    // 19:meeting_<…>@thread.v2
	ChatIDSelf                       // 48:notes
)

// ParsedChatID is a chat id taken apart.
type ParsedChatID struct {
	Kind ChatIDKind
	// Users are the two object ids of a one-on-one chat id, as written.
	Users [2]string
}

// ParseChatID checks a chat id and classifies it. It returns a lowercase
// problem ("" when the id is acceptable). It never panics.
func ParseChatID(id string) (ParsedChatID, string) {
	if p := checkOpaque(id); p != "" {
		return ParsedChatID{}, p
	}
	if id == SelfChatID {
		return ParsedChatID{Kind: ChatIDSelf}, ""
	}
	if !strings.HasPrefix(id, chatIDPrefix) {
		return ParsedChatID{}, `must start with "19:" (or be "48:notes")`
	}
	rest := id[len(chatIDPrefix):]
	at := strings.LastIndexByte(rest, '@')
	if at <= 0 || at == len(rest)-1 {
		return ParsedChatID{}, `must have the form "19:<thread>@<domain>"`
	}
	local, domain := rest[:at], rest[at+1:]
	if strings.ContainsAny(local, "@:") {
		return ParsedChatID{}, "thread part must not contain '@' or ':'"
	}
	switch strings.ToLower(domain) {
	case oneOnOneDomain:
		a, b, ok := strings.Cut(local, "_")
		if !ok || !uuid.IsGUID(a) || !uuid.IsGUID(b) {
			return ParsedChatID{}, "a one-on-one chat id must name two user object ids: 19:<oid>_<oid>@unq.gbl.spaces"
		}
		return ParsedChatID{Kind: ChatIDOneOnOne, Users: [2]string{a, b}}, ""
	case threadDomain, legacyThread:
		if strings.HasPrefix(local, meetingPrefix) {
			if len(local) == len(meetingPrefix) {
				return ParsedChatID{}, "meeting thread id is empty"
			}
			return ParsedChatID{Kind: ChatIDMeeting}, ""
		}
		return ParsedChatID{Kind: ChatIDGroup}, ""
	case channelDomain:
		return ParsedChatID{}, "is a channel id (@thread.tacv2), not a chat id"
	}
	return ParsedChatID{Kind: ChatIDUnknown}, ""
}

// CheckChannelID checks a channel id (19:…@thread.tacv2 or @thread.skype).
func CheckChannelID(id string) string {
	if p := checkOpaque(id); p != "" {
		return p
	}
	if !strings.HasPrefix(id, chatIDPrefix) {
		return `must start with "19:"`
	}
	at := strings.LastIndexByte(id, '@')
	if at <= len(chatIDPrefix) || at == len(id)-1 {
		return `must have the form "19:<thread>@thread.tacv2"`
	}
	return ""
}

// CheckTeamID checks a team id (the object id of the team's group).
func CheckTeamID(id string) string {
	if id == "" {
		return "is empty"
	}
	if !uuid.IsGUID(id) {
		return "must be a GUID (the team's group id)"
	}
	return ""
}

// CheckUserID checks a user given as an Entra object id or a user principal
// name.
func CheckUserID(id string) string {
	if p := checkOpaque(id); p != "" {
		return p
	}
	if uuid.IsGUID(id) {
		return ""
	}
	name, domain, ok := strings.Cut(id, "@")
	if !ok || name == "" || domain == "" || strings.ContainsAny(domain, "@ ") || strings.Contains(name, " ") {
		return "must be an object id (GUID) or a user principal name (name@domain)"
	}
	return ""
}

// CheckObjectID checks a user given by Entra object id only (a GUID), as
// Graph's presence endpoints require: /users/{id}/presence does not accept
// a user principal name.
func CheckObjectID(id string) string {
	if id == "" {
		return "is empty"
	}
	if !uuid.IsGUID(id) {
		return "must be an entra object id (a guid); presence takes no user principal name"
	}
	return ""
}

// CheckID checks an opaque id (a message, membership or meeting id): not
// empty, not too long, valid UTF-8 without control characters or the URL
// delimiters '/', '?' and '#'.
func CheckID(id string) string { return checkOpaque(id) }

func checkOpaque(id string) string {
	if id == "" {
		return "is empty"
	}
	if len(id) > maxIDLen {
		return "is too long"
	}
	if !utf8.ValidString(id) {
		return "is not valid utf-8"
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r == ' ' || r == '/' || r == '?' || r == '#' || r == '\\' {
			return "contains a character not allowed in an id"
		}
	}
	return ""
}

// CheckReactionType checks a reaction: a Unicode emoji or a legacy name,
// not empty, at most 64 bytes of valid UTF-8 without spaces or control
// characters (Unicode's, C1 and no-break spaces too). The client and the
// fake's faces all check with it.
func CheckReactionType(r string) string {
	if r == "" {
		return "is empty"
	}
	if len(r) > 64 {
		return "is longer than 64 bytes"
	}
	if !utf8.ValidString(r) {
		return "is not valid utf-8"
	}
	if strings.ContainsFunc(r, func(c rune) bool { return unicode.IsControl(c) || unicode.IsSpace(c) }) {
		return "contains a space or a control character"
	}
	return ""
}

// UniqueGUIDs checks a list of user object ids for getPresencesByUserId:
// not empty, each a GUID; the result keeps the first of ids that differ only
// in case, in order.
func UniqueGUIDs(ids []string) ([]string, string) {
	if len(ids) == 0 {
		return nil, "is empty"
	}
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !uuid.IsGUID(id) {
			return nil, "holds an id that is not an entra object id (a guid)"
		}
		k := strings.ToLower(id)
		if !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	return out, ""
}

// InOrder arranges the items answered for a list of ids (in any order, as
// getPresencesByUserId answers) in the order of ids, matching ids without
// regard to case; an id without an item gets missing(id). Every item gets
// the id as asked for, through setID.
func InOrder[T any](ids []string, got []T, idOf func(T) string, setID func(*T, string), missing func(id string) T) []T {
	byID := make(map[string]T, len(got))
	for _, it := range got {
		if id := idOf(it); id != "" {
			byID[strings.ToLower(id)] = it
		}
	}
	out := make([]T, len(ids))
	for i, id := range ids {
		it, ok := byID[strings.ToLower(id)]
		if !ok {
			it = missing(id)
		}
		setID(&it, id)
		out[i] = it
	}
	return out
}
