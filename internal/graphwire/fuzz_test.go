package graphwire

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

func FuzzParseChatID(f *testing.F) {
	for _, s := range []string{
		"19:" + oidA + "_" + oidB + "@unq.gbl.spaces", "19:2da4c29f6d7041eca70b638b43d45437@thread.v2",
		"19:meeting_MjdhNjM4YzUtYzExZi00OTFk@thread.v2", "48:notes", "19:abc@thread.tacv2", "19:a@b@c", "", "19:\xff@x",
		"19:" + oidA + "_" + oidB + "@UNQ.gbl.spaces",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		p, problem := ParseChatID(id)
		if problem != "" {
			if p != (ParsedChatID{}) {
				t.Fatalf("refused id %q gave %+v", id, p)
			}
			return
		}
		if !utf8.ValidString(id) || strings.ContainsAny(id, " /?#\\\x00") || len(id) > maxIDLen {
			t.Fatalf("accepted id %q with characters not allowed", id)
		}
		switch p.Kind {
		case ChatIDOneOnOne:
			if !uuid.IsGUID(p.Users[0]) || !uuid.IsGUID(p.Users[1]) || !strings.Contains(id, p.Users[0]+"_"+p.Users[1]+"@") {
				t.Fatalf("one-on-one %q gave users %v", id, p.Users)
			}
		case ChatIDSelf:
			if id != SelfChatID {
				t.Fatalf("self chat from %q", id)
			}
		default:
			if !strings.HasPrefix(id, "19:") || strings.Count(id, "@") != 1 {
				t.Fatalf("accepted %q as kind %d", id, p.Kind)
			}
		}
		// An accepted id survives the path escaping clients use.
		back, err := url.PathUnescape(url.PathEscape(id))
		if err != nil || back != id {
			t.Fatalf("id %q does not survive path escaping: %q %v", id, back, err)
		}
	})
}

func FuzzParseResource(f *testing.F) {
	for _, s := range []string{
		"chats('19:a@thread.v2')/messages('1')", "/chats/19:a@thread.v2/messages", "teams('t')/channels('c')/messages('1')/replies('2')",
		"chats('a''b')/messages", "", "chats('", "me/chats/getAllMessages",
	} {
		f.Add(s, "19:x@thread.v2", "1")
	}
	f.Fuzz(func(t *testing.T, res, chatID, msgID string) {
		if p, ok := ParseResource(res); ok && len(p) == 0 {
			t.Fatalf("%q parsed to an empty path", res)
		}
		// What MessageResource writes, ParseResource reads back.
		if chatID == "" || msgID == "" {
			return
		}
		res = MessageResource(chatID, msgID)
		if len(res) > MaxResourceLen {
			if _, ok := ParseResource(res); ok {
				t.Fatalf("accepted a resource of %d bytes", len(res))
			}
			return
		}
		p, ok := ParseResource(res)
		if !ok {
			t.Fatalf("MessageResource(%q, %q) = %q does not parse", chatID, msgID, MessageResource(chatID, msgID))
		}
		c, _ := p.Key("chats")
		m, _ := p.Key("messages")
		if c != chatID || m != msgID {
			t.Fatalf("round trip of (%q, %q) gave (%q, %q)", chatID, msgID, c, m)
		}
	})
}

func FuzzDecodeNotifications(f *testing.F) {
	for _, s := range []string{
		`{"value":[{"subscriptionId":"s","changeType":"created","resource":"chats('a')/messages('1')","resourceData":{"id":"1"},"subscriptionExpirationDateTime":"2026-03-02T10:00:00Z"}]}`,
		`{"value":[{"subscriptionExpirationDateTime":"9999-12-31T23:30:00-05:00"}]}`,
		`{"value":[{"lifecycleEvent":"missed"}]}`, `{"value":null}`, `{}`, `[`, `{"value":[{"subscriptionExpirationDateTime":5}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		col, err := DecodeNotifications(body)
		if err != nil {
			if err != ErrNotificationBody {
				t.Fatalf("unexpected error type %v", err)
			}
			return
		}
		if col.Value == nil {
			t.Fatalf("accepted body without a value array: %q", body)
		}
		for _, n := range col.Value {
			_, _ = ParseResource(n.Resource)
		}
		// What the decoder accepts, the encoder (the fake's, sending
		// notifications) writes so that the decoder reads it back: the same
		// notifications, times to Graph's millisecond, and from then on the
		// same bytes.
		enc, err := json.Marshal(col)
		if err != nil {
			t.Fatalf("an accepted collection does not encode: %v", err)
		}
		back, err := DecodeNotifications(enc)
		if err != nil {
			t.Fatalf("an encoded collection does not decode: %v\n%s", err, enc)
		}
		if len(back.Value) != len(col.Value) || !slices.Equal(back.ValidationTokens, col.ValidationTokens) {
			t.Fatalf("round trip of %s gave %s", body, enc)
		}
		for i, n := range col.Value {
			b := back.Value[i]
			n.SubscriptionExpirationDateTime, b.SubscriptionExpirationDateTime = TimeOf(n.SubscriptionExpirationDateTime.Truncate(time.Millisecond)), TimeOf(b.SubscriptionExpirationDateTime.Time)
			n.EncryptedContent, b.EncryptedContent = nil, nil // any JSON, compared as bytes below
			if !reflect.DeepEqual(n, b) {
				t.Fatalf("notification %d changed in a round trip:\n got %+v\nwant %+v", i, b, n)
			}
		}
		again, err := json.Marshal(back)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("encoding is not stable: %s then %s (%v)", enc, again, err)
		}
	})
}
