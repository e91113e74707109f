package fake

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// benchList fills a message list of n messages, every 10th modified later
// (as reactions and edits do), for the paging benchmarks.
func benchList(n int) *msgList {
	l := newMsgList()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Second)
		num := l.nextID(at)
		st := &msgState{num: num}
		st.m = chat.Message{ID: fmt.Sprint(num), Body: chat.Body{ContentType: chat.ContentText, Content: "hello"}, CreatedAt: at, LastModifiedAt: at}
		l.add(st)
	}
	for i := 0; i < n; i += 10 {
		l.touch(l.byCreated[i], t0.Add(time.Duration(n+i)*time.Second))
	}
	return l
}

// naivePage is the plain alternative to msgList.page: sort a copy of every
// message by (LastModifiedAt, id) descending, then skip to the offset.
func naivePage(l *msgList, offset, top int) []chat.Message {
	all := slices.Clone(l.byCreated)
	slices.SortFunc(all, func(a, b *msgState) int {
		if c := b.m.LastModifiedAt.Compare(a.m.LastModifiedAt); c != 0 {
			return c
		}
		return int(b.num - a.num)
	})
	end := min(offset+top, len(all))
	out := make([]chat.Message, 0, end-offset)
	for _, s := range all[offset:end] {
		out = append(out, s.view())
	}
	return out
}

// BenchmarkListAllMessages pages through 10,000 messages, 50 at a time,
// newest modification first: the seek paging of the fake's two-order index
// against sorting every message for every page.
func BenchmarkListAllMessages(b *testing.B) {
	const n, top = 10000, 50
	l := benchList(n)
	b.Run("seek", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			q := listQuery{top: top, order: orderModified}
			for {
				items, next := l.page(q, nil)
				got += len(items)
				if next == nil {
					break
				}
				q.after = next
			}
			if got != n {
				b.Fatalf("listed %d", got)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
	})
	b.Run("sort-per-page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for off := 0; off < n; off += top {
				got += len(naivePage(l, off, top))
			}
			if got != n {
				b.Fatalf("listed %d", got)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
	})
}

// BenchmarkGoFaceListMessages lists 10,000 messages through the Go face's
// iterator (query building and parsing, paging links, copies).
func BenchmarkGoFaceListMessages(b *testing.B) {
	svc, sd := NewSeeded(nil)
	defer svc.Close()
	for i := range 10000 {
		if _, err := svc.Post(sd.Alice.ID, sd.Meeting.ChatID, fmt.Sprint("m", i)); err != nil {
			b.Fatal(err)
		}
	}
	bob := svc.As(sd.Bob.ID)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range bob.ListMessages(ctx, sd.Meeting.ChatID, &chat.ListMessagesOptions{Top: 50}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("listed %d", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10000), "ns/msg")
}

// BenchmarkHTTPFaceListMessages lists the same 10,000 messages through the
// HTTP face on loopback with the real client (JSON encoding, HTTP,
// decoding with chat's codec), to set against BenchmarkGoFaceListMessages.
func BenchmarkHTTPFaceListMessages(b *testing.B) {
	svc, sd, _, srv := newHTTPEnv(b)
	for i := range 10000 {
		if _, err := svc.Post(sd.Alice.ID, sd.Meeting.ChatID, fmt.Sprint("m", i)); err != nil {
			b.Fatal(err)
		}
	}
	bob := httpClient(b, svc, srv, sd.Bob)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range bob.ListMessages(ctx, sd.Meeting.ChatID, &chat.ListMessagesOptions{Top: 50}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("listed %d", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10000), "ns/msg")
}
