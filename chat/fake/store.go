package fake

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// msgState is one stored message (of a chat, a channel, or a reply).
type msgState struct {
	m      chat.Message // as stored; Body kept while soft-deleted
	num    int64        // numeric id, the order of creation
	hosted []hostedState
	// replies of a top-level channel message.
	replies *msgList
}

type hostedState struct {
	id, contentType string
	data            []byte
}

// view returns the message as readers see it: a soft-deleted message has
// an empty body.
func (s *msgState) view() chat.Message {
	m := s.m
	m.Mentions = cloneSlice(m.Mentions)
	m.Reactions = cloneSlice(m.Reactions)
	m.Attachments = cloneSlice(m.Attachments)
	m.HostedContents = nil
	if !m.DeletedAt.IsZero() {
		m.Body = chat.Body{ContentType: m.Body.ContentType}
		m.Mentions, m.Attachments = nil, nil
	}
	return m
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append([]T(nil), s...)
}

// msgList keeps messages in two orders for seek paging: by creation (the
// numeric id) and by last modification.
type msgList struct {
	byCreated  []*msgState // ascending num
	byModified []*msgState // ascending (LastModifiedAt, num)
	byID       map[string]*msgState
	lastNum    int64
}

func newMsgList() *msgList { return &msgList{byID: map[string]*msgState{}} }

// nextID returns a new message id: the creation time in Unix milliseconds
// as Teams uses, bumped to stay unique and increasing.
func (l *msgList) nextID(now time.Time) int64 {
	n := now.UnixMilli()
	if n <= l.lastNum {
		n = l.lastNum + 1
	}
	l.lastNum = n
	return n
}

func modLess(a, b *msgState) bool {
	if !a.m.LastModifiedAt.Equal(b.m.LastModifiedAt) {
		return a.m.LastModifiedAt.Before(b.m.LastModifiedAt)
	}
	return a.num < b.num
}

func (l *msgList) add(s *msgState) {
	l.byCreated = append(l.byCreated, s) // num increases
	l.byID[s.m.ID] = s
	l.insertModified(s)
}

func (l *msgList) insertModified(s *msgState) {
	i := sort.Search(len(l.byModified), func(i int) bool { return !modLess(l.byModified[i], s) })
	l.byModified = append(l.byModified, nil)
	copy(l.byModified[i+1:], l.byModified[i:])
	l.byModified[i] = s
}

// touch moves s to its new place in the modification order after its
// LastModifiedAt changes to t.
func (l *msgList) touch(s *msgState, t time.Time) {
	i := sort.Search(len(l.byModified), func(i int) bool { return !modLess(l.byModified[i], s) })
	if i < len(l.byModified) && l.byModified[i] == s {
		l.byModified = append(l.byModified[:i], l.byModified[i+1:]...)
	} else { // not found by search (should not happen): remove by scan
		for j, x := range l.byModified {
			if x == s {
				l.byModified = append(l.byModified[:j], l.byModified[j+1:]...)
				break
			}
		}
	}
	s.m.LastModifiedAt = t
	s.m.ETag = strconv.FormatInt(t.UnixMilli(), 10)
	l.insertModified(s)
}

// order of a listing.
type order int

const (
	orderModified order = iota
	orderCreated
)

// cursor is where a page ends: the key of its last item.
type cursor struct {
	at  time.Time
	num int64
}

// listQuery is a parsed listing request.
type listQuery struct {
	top       int
	order     order
	modGT     time.Time
	modLT     time.Time
	createdLT time.Time
	after     *cursor
	// expandReplies fills each top-level channel message's replies
	// ($expand=replies).
	expandReplies bool
}

// page lists, newest first, the messages of l that pass q and keep, from
// after q.after, and returns them with the cursor of the next page (nil on
// the last page).
func (l *msgList) page(q listQuery, keep func(*msgState) bool) ([]chat.Message, *cursor) {
	var src []*msgState
	var start int
	switch q.order {
	case orderCreated:
		src = l.byCreated
		start = len(src) - 1
		if q.after != nil {
			start = sort.Search(len(src), func(i int) bool { return src[i].num >= q.after.num }) - 1
		}
	default:
		src = l.byModified
		start = len(src) - 1
		if q.after != nil {
			k := &msgState{num: q.after.num}
			k.m.LastModifiedAt = q.after.at
			start = sort.Search(len(src), func(i int) bool { return !modLess(src[i], k) }) - 1
		}
	}
	out := make([]chat.Message, 0, min(q.top, start+1))
	var last *msgState
	for i := start; i >= 0; i-- {
		s := src[i]
		if q.order == orderModified && !q.modGT.IsZero() && !s.m.LastModifiedAt.After(q.modGT) {
			break // sorted by modification: nothing older can match
		}
		if !q.modLT.IsZero() && !s.m.LastModifiedAt.Before(q.modLT) {
			continue
		}
		if !q.createdLT.IsZero() && !s.m.CreatedAt.Before(q.createdLT) {
			continue
		}
		if keep != nil && !keep(s) {
			continue
		}
		if len(out) == q.top {
			return out, cursorOf(last, q.order)
		}
		out = append(out, s.view())
		last = s
	}
	return out, nil
}

func cursorOf(s *msgState, o order) *cursor {
	if o == orderCreated {
		return &cursor{at: s.m.CreatedAt, num: s.num}
	}
	return &cursor{at: s.m.LastModifiedAt, num: s.num}
}

// encodeCursor makes a $skiptoken. A zero time (a chat without messages,
// or a listing not ordered by time) is written as "z": UnixNano of year 1
// is not defined.
func encodeCursor(c *cursor) string {
	at := "z"
	if !c.at.IsZero() {
		at = strconv.FormatInt(c.at.UnixNano(), 10)
	}
	raw := "v1." + at + "." + strconv.FormatInt(c.num, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor reads a $skiptoken; ok is false for one this fake did not make.
func decodeCursor(tok string) (*cursor, bool) {
	if len(tok) > 128 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, false
	}
	num, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return nil, false
	}
	if parts[1] == "z" {
		return &cursor{num: num}, true
	}
	ns, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, false
	}
	return &cursor{at: time.Unix(0, ns).UTC(), num: num}, true
}
