package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// ChatSubscriptions is the chat.SubscriptionStore of the
// SubscriptionManagers of one configuration (one user, one notification
// URL) on every replica; Store.ChatSubscriptions makes it. It is safe for
// concurrent use.
//
// Keys, all under one hash tag ({<name>}) so that each script touches one
// slot of a cluster:
//
//	<prefix>chat:{<name>}:token            the fencing counter (30 days after its last use)
//	<prefix>chat:{<name>}:lease:<lease>    "<token> <holder>", until the lease ends
//	<prefix>chat:{<name>}:res:<resource>   hash: id, rec (the record as JSON)
//	<prefix>chat:{<name>}:id:<id>          the resource of subscription <id>
//	<prefix>chat:{<name>}:all              sorted set of the resources, by the end of their records
//
// A record, its id key and its entry in :all end
// chat.SubscriptionRecordGrace after the subscription's expiry; :all ends
// with its last entry. A record holds the SHA-256 of the client state,
// never the state.
//
// What an outage loses: while Redis is out of reach the calls fail — the
// managers then check notifications from the digests they saw (others are
// answered 503 and Graph delivers them again), renewals wait (a quarter of
// the subscriptions' lifetime is their margin), and Subscribe fails. When
// Redis comes back empty, the fencing counter starts again from Redis's
// clock in microseconds, above every token handed out before; the records
// are gone, so the manager's leader finds the subscriptions again at Graph
// (see chat.SubscriptionManager.Run).
type ChatSubscriptions struct {
	s   *Store
	key string // <prefix>chat:{<name>}:
}

// ChatSubscriptions returns the chat.SubscriptionStore named name: give the
// managers of one configuration the same name on every replica, and
// managers of other configurations (another user, another notification
// URL) other names. name is 1 to 200 bytes without '{' or '}'.
func (s *Store) ChatSubscriptions(name string) (*ChatSubscriptions, error) {
	switch {
	case name == "":
		return nil, &ArgumentError{Arg: "name", Problem: "is empty"}
	case len(name) > 200:
		return nil, &ArgumentError{Arg: "name", Problem: "is longer than 200 bytes"}
	case strings.ContainsAny(name, "{}"):
		return nil, &ArgumentError{Arg: "name", Problem: "must not contain '{' or '}'"}
	}
	return &ChatSubscriptions{s: s, key: s.key(chatKind, name) + ":"}, nil
}

var _ chat.SubscriptionStore = (*ChatSubscriptions)(nil)

const chatKind = "chat"

// fail wraps an error of Redis, or says the store is closed.
func (c *ChatSubscriptions) fail(op string, err error) error {
	if c.s.ctx.Err() != nil {
		return ErrClosed
	}
	return wrap("chat subscriptions: "+op, err)
}

// leaseValue is a lease's key value, which every fenced write compares.
func leaseValue(l chat.Lease) string { return strconv.FormatUint(l.Token, 10) + " " + l.Holder }

// counterTTL keeps the fencing counter across quiet spells; when it is gone
// it starts again from Redis's clock, so tokens still only grow.
const counterTTL = 30 * 24 * time.Hour

// leaseScript takes or extends a lease. KEYS: lease, counter. ARGV: holder,
// ttl ms, counter ttl ms. Returns {1, token} or {0, token of the holder}.
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur then
  local sp = string.find(cur, ' ', 1, true)
  local tok = string.sub(cur, 1, sp - 1)
  if string.sub(cur, sp + 1) ~= ARGV[1] then return {0, tok} end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tok}
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[2], t[1] .. string.format('%06d', tonumber(t[2])))
end
local tok = string.format('%d', redis.call('INCR', KEYS[2]))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], tok .. ' ' .. ARGV[1], 'PX', ARGV[2])
return {1, tok}
`)

// Lease implements chat.SubscriptionStore.
func (c *ChatSubscriptions) Lease(ctx context.Context, name, holder string, ttl time.Duration) (chat.Lease, bool, error) {
	if err := c.s.check(ctx); err != nil {
		return chat.Lease{}, false, err
	}
	res, err := leaseScript.Run(ctx, c.s.rdb, []string{c.key + "lease:" + name, c.key + "token"}, holder, millis(ttl), millis(counterTTL)).Slice()
	if err != nil {
		return chat.Lease{}, false, c.fail("lease", err)
	}
	if len(res) != 2 {
		return chat.Lease{}, false, c.fail("lease", errors.New("unexpected reply"))
	}
	ok, _ := res[0].(int64)
	tokStr, _ := res[1].(string)
	tok, err := strconv.ParseUint(tokStr, 10, 64)
	if err != nil {
		return chat.Lease{}, false, c.fail("lease", errors.New("unexpected token in reply"))
	}
	if ok != 1 {
		return chat.Lease{}, false, nil
	}
	return chat.Lease{Name: name, Holder: holder, Token: tok}, true, nil
}

// releaseScript deletes a lease still held with the given value. KEYS:
// lease. ARGV: value.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// ReleaseLease implements chat.SubscriptionStore.
func (c *ChatSubscriptions) ReleaseLease(ctx context.Context, l chat.Lease) error {
	if err := c.s.check(ctx); err != nil {
		return err
	}
	if err := releaseScript.Run(ctx, c.s.rdb, []string{c.key + "lease:" + l.Name}, leaseValue(l)).Err(); err != nil {
		return c.fail("release lease", err)
	}
	return nil
}

// wireRecord is a record as JSON in Redis. V is its version: a reader
// refuses a version it does not know rather than misread it.
type wireRecord struct {
	V                        int               `json:"v"`
	ID                       string            `json:"id"`
	Resource                 string            `json:"resource"`
	ChangeTypes              []chat.ChangeType `json:"changeTypes,omitempty"`
	NotificationURL          string            `json:"notificationUrl"`
	LifecycleNotificationURL string            `json:"lifecycleNotificationUrl,omitempty"`
	ExpiresAt                time.Time         `json:"expiresAt"`
	ApplicationID            string            `json:"applicationId,omitempty"`
	CreatorID                string            `json:"creatorId,omitempty"`
	ClientStateSHA256        []byte            `json:"clientStateSha256"`
}

const recordVersion = 1

func encodeRecord(r chat.SubscriptionRecord) ([]byte, error) {
	s := r.Subscription
	return json.Marshal(wireRecord{
		V: recordVersion, ID: s.ID, Resource: s.Resource, ChangeTypes: s.ChangeTypes,
		NotificationURL: s.NotificationURL, LifecycleNotificationURL: s.LifecycleNotificationURL,
		ExpiresAt: s.ExpiresAt, ApplicationID: s.ApplicationID, CreatorID: s.CreatorID,
		ClientStateSHA256: r.ClientStateHash[:],
	})
}

func decodeRecord(b []byte) (chat.SubscriptionRecord, error) {
	var w wireRecord
	if err := json.Unmarshal(b, &w); err != nil {
		return chat.SubscriptionRecord{}, err
	}
	if w.V != recordVersion {
		return chat.SubscriptionRecord{}, fmt.Errorf("record version %d, want %d", w.V, recordVersion)
	}
	if len(w.ClientStateSHA256) != sha256.Size || w.ID == "" || w.Resource == "" {
		return chat.SubscriptionRecord{}, errors.New("incomplete record")
	}
	r := chat.SubscriptionRecord{Subscription: chat.Subscription{
		ID: w.ID, Resource: w.Resource, ChangeTypes: w.ChangeTypes,
		NotificationURL: w.NotificationURL, LifecycleNotificationURL: w.LifecycleNotificationURL,
		ExpiresAt: w.ExpiresAt, ApplicationID: w.ApplicationID, CreatorID: w.CreatorID,
	}}
	copy(r.ClientStateHash[:], w.ClientStateSHA256)
	return r, nil
}

// Subscription implements chat.SubscriptionStore.
func (c *ChatSubscriptions) Subscription(ctx context.Context, id string) (chat.SubscriptionRecord, bool, error) {
	if err := c.s.check(ctx); err != nil {
		return chat.SubscriptionRecord{}, false, err
	}
	res, err := c.s.rdb.Get(ctx, c.key+"id:"+id).Result()
	if errors.Is(err, redis.Nil) {
		return chat.SubscriptionRecord{}, false, nil
	}
	if err != nil {
		return chat.SubscriptionRecord{}, false, c.fail("get", err)
	}
	rec, ok, err := c.Resource(ctx, res)
	if err != nil || !ok || rec.Subscription.ID != id {
		return chat.SubscriptionRecord{}, false, err
	}
	return rec, true, nil
}

// Resource implements chat.SubscriptionStore.
func (c *ChatSubscriptions) Resource(ctx context.Context, resource string) (chat.SubscriptionRecord, bool, error) {
	if err := c.s.check(ctx); err != nil {
		return chat.SubscriptionRecord{}, false, err
	}
	b, err := c.s.rdb.HGet(ctx, c.key+"res:"+resource, "rec").Bytes()
	if errors.Is(err, redis.Nil) {
		return chat.SubscriptionRecord{}, false, nil
	}
	if err != nil {
		return chat.SubscriptionRecord{}, false, c.fail("get", err)
	}
	rec, err := decodeRecord(b)
	if err != nil {
		return chat.SubscriptionRecord{}, false, c.fail("get", err)
	}
	return rec, true, nil
}

// Subscriptions implements chat.SubscriptionStore. It also drops the
// index entries of records that ended.
func (c *ChatSubscriptions) Subscriptions(ctx context.Context) ([]chat.SubscriptionRecord, error) {
	if err := c.s.check(ctx); err != nil {
		return nil, err
	}
	all := c.key + "all"
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	if err := c.s.rdb.ZRemRangeByScore(ctx, all, "-inf", "("+now).Err(); err != nil {
		return nil, c.fail("list", err)
	}
	resources, err := c.s.rdb.ZRange(ctx, all, 0, -1).Result()
	if err != nil {
		return nil, c.fail("list", err)
	}
	cmds := make([]*redis.StringCmd, len(resources))
	_, err = c.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range resources {
			cmds[i] = p.HGet(ctx, c.key+"res:"+r, "rec")
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, c.fail("list", err)
	}
	out := make([]chat.SubscriptionRecord, 0, len(resources))
	for _, cmd := range cmds {
		b, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			continue // ended since the index was read
		}
		if err != nil {
			return nil, c.fail("list", err)
		}
		rec, err := decodeRecord(b)
		if err != nil {
			return nil, c.fail("list", err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// putScript writes a record under a fence, over the expected id. KEYS:
// fence lease, res, new id, replaced id (or a dummy), all. ARGV: fence
// value, replaces, record, new id, resource, end (unix ms).
var putScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local cur = redis.call('HGET', KEYS[2], 'id')
if not cur then cur = '' end
if cur ~= ARGV[2] then return 0 end
if ARGV[2] ~= '' and ARGV[2] ~= ARGV[4] then redis.call('DEL', KEYS[4]) end
redis.call('HSET', KEYS[2], 'id', ARGV[4], 'rec', ARGV[3])
redis.call('PEXPIREAT', KEYS[2], ARGV[6])
redis.call('SET', KEYS[3], ARGV[5])
redis.call('PEXPIREAT', KEYS[3], ARGV[6])
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[5])
local top = redis.call('ZREVRANGE', KEYS[5], 0, 0, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[5], top[2])
return 1
`)

// Put implements chat.SubscriptionStore. A record that ended already
// (past its grace) is refused.
func (c *ChatSubscriptions) Put(ctx context.Context, rec chat.SubscriptionRecord, replaces string, fence chat.Lease) (bool, error) {
	if err := c.s.check(ctx); err != nil {
		return false, err
	}
	s := rec.Subscription
	end := s.ExpiresAt.Add(chat.SubscriptionRecordGrace)
	if s.ID == "" || s.Resource == "" || !end.After(time.Now()) {
		return false, nil
	}
	b, err := encodeRecord(rec)
	if err != nil {
		return false, c.fail("put", err)
	}
	old := c.key + "id:" + replaces
	if replaces == "" {
		old = c.key + "id:" // never written: ids are not empty
	}
	n, err := putScript.Run(ctx, c.s.rdb,
		[]string{c.key + "lease:" + fence.Name, c.key + "res:" + s.Resource, c.key + "id:" + s.ID, old, c.key + "all"},
		leaseValue(fence), replaces, b, s.ID, s.Resource, end.UnixMilli()).Int()
	if err != nil {
		return false, c.fail("put", err)
	}
	return n == 1, nil
}

// deleteScript removes a record under a fence, if it has the expected id.
// KEYS: fence lease, res, id, all. ARGV: fence value, id, resource.
var deleteScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'id') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[3])
return 1
`)

// Delete implements chat.SubscriptionStore.
func (c *ChatSubscriptions) Delete(ctx context.Context, resource, id string, fence chat.Lease) (bool, error) {
	if err := c.s.check(ctx); err != nil {
		return false, err
	}
	n, err := deleteScript.Run(ctx, c.s.rdb,
		[]string{c.key + "lease:" + fence.Name, c.key + "res:" + resource, c.key + "id:" + id, c.key + "all"},
		leaseValue(fence), id, resource).Int()
	if err != nil {
		return false, c.fail("delete", err)
	}
	return n == 1, nil
}
