package redisstore

import (
	"bytes"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// FuzzDecodeChatRecord: a record read from Redis (which another release,
// or anyone who can write the keys, may have written) decodes without
// panicking, or is refused; one that decodes encodes back to the same
// record.
func FuzzDecodeChatRecord(f *testing.F) {
	good, _ := encodeRecord(chat.SubscriptionRecord{Subscription: chat.Subscription{
		ID: "sub-1", Resource: "/chats/19:a@thread.v2/messages", ChangeTypes: []chat.ChangeType{chat.ChangeCreated},
		NotificationURL: "https://hooks.contoso.example/graph", ExpiresAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}})
	f.Add(good)
	f.Add([]byte(`{"v":2,"id":"x","resource":"r","clientStateSha256":"AAAA"}`))
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decodeRecord(b)
		if err != nil {
			return
		}
		again, err := encodeRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		rec2, err := decodeRecord(again)
		if err != nil {
			t.Fatalf("a record that decoded does not decode once encoded again: %v", err)
		}
		a, _ := encodeRecord(rec2)
		if !bytes.Equal(a, again) {
			t.Fatalf("not stable:\n%s\n%s", again, a)
		}
	})
}
