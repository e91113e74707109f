package chat

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// SelfChatID is the id of the signed-in user's chat with themselves
// ("notes to self").
const SelfChatID = "48:notes"

// ChatID is a chat id taken apart by ParseChatID.
type ChatID struct {
	// ID is the id as given.
	ID string
	// Type is the chat type the id's form implies: ChatTypeOneOnOne for
	// 19:<oid>_<oid>@unq.gbl.spaces and for SelfChatID, ChatTypeMeeting for
	// 19:meeting_…@thread.v2, ChatTypeGroup for other …@thread.v2 ids, and ""
	// for a well-formed id of a form this package does not know.
	Type ChatType
	// UserIDs are the object ids of the two users of a one-on-one chat id.
	UserIDs []string
	// Self reports the signed-in user's chat with themselves (SelfChatID).
	Self bool
}

// ParseChatID checks a chat id and tells its form. It returns an
// *ArgumentError for an id that cannot be a chat id (empty, without the
// "19:" prefix, a channel id, characters not allowed in an id, …).
func ParseChatID(id string) (ChatID, error) {
	p, problem := graphwire.ParseChatID(id)
	if problem != "" {
		return ChatID{}, &ArgumentError{Arg: "chatID", Problem: problem}
	}
	c := ChatID{ID: id}
	switch p.Kind {
	case graphwire.ChatIDOneOnOne:
		c.Type = ChatTypeOneOnOne
		c.UserIDs = []string{p.Users[0], p.Users[1]}
	case graphwire.ChatIDSelf:
		c.Type = ChatTypeOneOnOne
		c.Self = true
	case graphwire.ChatIDGroup:
		c.Type = ChatTypeGroup
	case graphwire.ChatIDMeeting:
		c.Type = ChatTypeMeeting
	}
	return c, nil
}

// The checks below are shared by this package's client; chat/fake runs the
// same graphwire checks.

func checkChatID(id string) error {
	if _, p := graphwire.ParseChatID(id); p != "" {
		return &ArgumentError{Arg: "chatID", Problem: p}
	}
	return nil
}

// checkTime refuses a time Graph's JSON cannot carry: one outside the
// years 1 to 9999 in UTC (graphwire.Time writes what it is given, and
// Graph refuses a five-digit year). The zero time, "not set", passes.
func checkTime(arg string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return &ArgumentError{Arg: arg, Problem: "must be a time of the years 1 to 9999 in utc"}
	}
	return nil
}

// checkTimes is checkTime of a start and an end, named prefix+"StartAt"
// and prefix+"EndAt".
func checkTimes(prefix string, start, end time.Time) error {
	if err := checkTime(prefix+"StartAt", start); err != nil {
		return err
	}
	return checkTime(prefix+"EndAt", end)
}

func checkArg(arg, problem string) error {
	if problem != "" {
		return &ArgumentError{Arg: arg, Problem: problem}
	}
	return nil
}
