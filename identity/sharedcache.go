package identity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// TokenCacheStore is what a SharedTokenCache keeps its entries in: sealed
// (encrypted) values under keys, and a lease per key that lets one replica
// at a time exchange for a user. NewMemoryTokenCacheStore keeps them in the
// process; teamsuser/redisstore's Tokens keeps them on Redis for every
// replica. identitytest.TestTokenCacheStore checks an implementation.
// Implementations must be safe for concurrent use, by every replica at once.
//
// The values are opaque bytes, sealed before they reach the store: a store
// never sees a token in clear.
type TokenCacheStore interface {
	// Get returns the value stored under key, or nil when there is none
	// (or it has expired).
	Get(ctx context.Context, key string) ([]byte, error)
	// Lease takes the lease of key for ttl when nobody holds it, and
	// returns its fencing token, a number the key's leases have never had
	// (in practice: larger than any before, unless the store lost its
	// data); it reports false when another holder has it.
	Lease(ctx context.Context, key string, ttl time.Duration) (fence uint64, ok bool, err error)
	// Put stores value under key for ttl and releases the lease, if the
	// lease of key is still fence's; it reports false, storing nothing,
	// when the lease has expired (and maybe been taken by another).
	Put(ctx context.Context, key string, fence uint64, value []byte, ttl time.Duration) (bool, error)
	// Release gives up the lease fence holds, storing nothing. Releasing a
	// lease that has expired or been taken by another does nothing.
	Release(ctx context.Context, key string, fence uint64) error
	// Wait returns when the lease of key is released (by Put or Release)
	// or expires, or at once when nobody holds it; it may also return
	// earlier (callers look again). It returns ctx's error when ctx ends
	// first.
	Wait(ctx context.Context, key string) error
}

// TokenKey is a key that seals tokens at rest in a SharedTokenCache, with
// AES-256-GCM. The application provides it (from a key vault, say) and
// gives every replica the same keys.
type TokenKey struct {
	// ID names the key, so that a sealed token says which key opens it:
	// 1 to 64 printable ASCII characters, no spaces. It is stored in clear.
	ID string
	// Key is the key: 32 random bytes. It is a secret.
	Key []byte
}

// SharedTokenCache shares Teams users' ACS tokens among the replicas of a
// service, so that, whichever replica a user's requests reach, the cluster
// exchanges once for a user per token lifetime, and paces nothing but what
// must be exchanged. TeamsUserCredentialOptions.SharedCache plugs it into a
// credential.
//
// A credential that needs a token reads the cache first, and takes a
// cached token that is not due for refresh. Otherwise it takes the user's
// lease (TokenCacheStore.Lease): the one replica that holds it gets the
// Entra token, exchanges it, and stores the result, which releases the
// lease; the others wait for the lease (TokenCacheStore.Wait) and read the
// new token, or, while the cached token is still good for a while, take it
// at once. An exchange that fails releases the lease, so another replica
// tries; a replica that dies holding it loses it when its time (the
// credential's RefreshTimeout) runs out. Leases carry fencing tokens: a
// holder whose lease has run out cannot overwrite its successor's token.
//
// Tokens are sealed before they reach the store, with AES-256-GCM under the
// first of the application's keys, bound to the user's cache id (a sealed
// token moved to another user's key does not open), and opened with
// whichever of the keys sealed them. To rotate keys, give every replica the
// new key after the current one, then (once all have it) first, then drop
// the old one once the tokens it sealed have expired (a day at most); a
// token sealed under a key no replica has any more is ignored and replaced.
//
// When the store fails (Redis unreachable, for example), each credential
// exchanges on its own, as without a shared cache, until the store is back.
//
// A SharedTokenCache is safe for concurrent use.
type SharedTokenCache struct {
	store  TokenCacheStore
	sealer cipher.AEAD
	sealID string
	openBy map[string]cipher.AEAD
}

// NewSharedTokenCache returns a cache that keeps tokens in store, sealed
// under keys (the first seals, any opens). It fails with an *ArgumentError
// when store is nil, keys is empty, or a key is not 32 bytes, has an id
// that is empty, longer than 64 bytes, not printable ASCII or repeated.
func NewSharedTokenCache(store TokenCacheStore, keys []TokenKey) (*SharedTokenCache, error) {
	if store == nil {
		return nil, argErr("store", "is nil")
	}
	if len(keys) == 0 {
		return nil, argErr("keys", "at least one key is required")
	}
	c := &SharedTokenCache{store: store, openBy: map[string]cipher.AEAD{}}
	for i, k := range keys {
		arg := fmt.Sprintf("keys[%d]", i)
		if err := checkKeyID(k.ID); err != nil {
			return nil, argErr(arg+".ID", err.Error())
		}
		if len(k.Key) != 32 {
			return nil, argErr(arg+".Key", "must be 32 bytes (AES-256)")
		}
		if _, dup := c.openBy[k.ID]; dup {
			return nil, argErr(arg+".ID", "is the id of an earlier key")
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, argErr(arg+".Key", "is not an AES key")
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, argErr(arg+".Key", "is not an AES-GCM key")
		}
		c.openBy[k.ID] = aead
		if i == 0 {
			c.sealer, c.sealID = aead, k.ID
		}
	}
	return c, nil
}

func checkKeyID(id string) error {
	if id == "" || len(id) > 64 {
		return errors.New("must be 1 to 64 bytes")
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return errors.New("must be printable ASCII without spaces")
		}
	}
	return nil
}

// sharedEntry is what the cache keeps for a user: the token, when it is due
// for refresh (decided by whoever stored it), and the SHA-256 of the Entra
// token it was exchanged from (zero when unknown), so that no replica
// exchanges the same Entra token again.
type sharedEntry struct {
	tok       AccessToken
	refreshAt time.Time
	entra     [32]byte
}

// sealVersion is the first byte of a sealed entry.
const sealVersion = 1

// sealAAD binds a sealed entry to the cache id it is stored under.
func sealAAD(id string) []byte {
	return append([]byte("teamsuser-go identity shared token v1\x00"), id...)
}

// seal encrypts e for the cache id: version, key id (length-prefixed),
// nonce, then AES-GCM of expiry, refresh time (Unix nanoseconds), the Entra
// digest and the token.
func (c *SharedTokenCache) seal(id string, e sharedEntry) []byte {
	plain := make([]byte, 0, 16+32+len(e.tok.Token))
	plain = binary.BigEndian.AppendUint64(plain, uint64(e.tok.ExpiresOn.UnixNano()))
	plain = binary.BigEndian.AppendUint64(plain, uint64(e.refreshAt.UnixNano()))
	plain = append(plain, e.entra[:]...)
	plain = append(plain, e.tok.Token...)
	out := make([]byte, 0, 2+len(c.sealID)+c.sealer.NonceSize()+len(plain)+c.sealer.Overhead())
	out = append(out, sealVersion, byte(len(c.sealID)))
	out = append(out, c.sealID...)
	nonce := make([]byte, c.sealer.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24)
	out = append(out, nonce...)
	return c.sealer.Seal(out, nonce, plain, sealAAD(id))
}

// open decrypts what seal made for the cache id. It reports false for
// anything else: another format, a key it does not have, a value sealed for
// another id or changed.
func (c *SharedTokenCache) open(id string, b []byte) (sharedEntry, bool) {
	if len(b) < 2 || b[0] != sealVersion || len(b) < 2+int(b[1]) {
		return sharedEntry{}, false
	}
	keyID, rest := b[2:2+int(b[1])], b[2+int(b[1]):]
	aead, ok := c.openBy[string(keyID)]
	if !ok || len(rest) < aead.NonceSize() {
		return sharedEntry{}, false
	}
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], sealAAD(id))
	if err != nil || len(plain) < 16+32+1 {
		return sharedEntry{}, false
	}
	var e sharedEntry
	e.tok.ExpiresOn = time.Unix(0, int64(binary.BigEndian.Uint64(plain))).UTC()
	e.refreshAt = time.Unix(0, int64(binary.BigEndian.Uint64(plain[8:]))).UTC()
	copy(e.entra[:], plain[16:48])
	e.tok.Token = string(plain[48:])
	return e, true
}

// load reads the entry of id; nil when there is none or it cannot be
// opened.
func (c *SharedTokenCache) load(ctx context.Context, id string) (*sharedEntry, error) {
	b, err := c.store.Get(ctx, id)
	if err != nil || b == nil {
		return nil, err
	}
	e, ok := c.open(id, b)
	if !ok {
		return nil, nil
	}
	return &e, nil
}

// sharedPolicy is how a credential uses the shared cache.
type sharedPolicy struct {
	clock Clock
	// next is when a token that expires at exp and was just obtained is
	// due (the credential's nextRefresh).
	next func(exp, now time.Time) time.Time
	// window: a cached token that is due but valid for longer than this is
	// taken while another replica refreshes it.
	window time.Duration
	// lease is how long a lease is held at most: the credential's
	// RefreshTimeout, which bounds its attempt.
	lease time.Duration
}

// storeError marks an error of the store, after which the credential
// exchanges on its own.
type storeError struct{ err error }

func (e *storeError) Error() string { return "shared token cache: " + e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// releaseTimeout bounds a Release or Put made after the attempt's own
// context has ended.
const releaseTimeout = 5 * time.Second

// fetch returns a token for the cache id: a cached one that is not due, or
// one this caller exchanges under id's lease (exchange gets the cached entry
// it replaces, or nil, and returns the entry to store, which may be that
// one), or one another replica stored while this one waited. A failing
// store gives a *storeError; the caller then exchanges on its own.
func (c *SharedTokenCache) fetch(ctx context.Context, id string, p sharedPolicy, exchange func(context.Context, *sharedEntry) (sharedEntry, error)) (AccessToken, error) {
	for {
		e, err := c.load(ctx, id)
		if err != nil {
			return AccessToken{}, c.storeErr(ctx, err)
		}
		now := p.clock.Now()
		if e != nil && now.Before(e.tok.ExpiresOn) && now.Before(e.refreshAt) {
			return e.tok, nil
		}
		fence, ok, err := c.store.Lease(ctx, id, p.lease)
		if err != nil {
			return AccessToken{}, c.storeErr(ctx, err)
		}
		if ok {
			return c.refresh(ctx, id, fence, p, exchange)
		}
		// Another replica is refreshing: a token good for a while yet
		// serves now; otherwise wait for the new one.
		if e != nil && now.Before(e.tok.ExpiresOn.Add(-p.window)) {
			return e.tok, nil
		}
		if err := c.store.Wait(ctx, id); err != nil {
			return AccessToken{}, c.storeErr(ctx, err)
		}
	}
}

// refresh runs exchange under the lease fence and stores what it brings.
func (c *SharedTokenCache) refresh(ctx context.Context, id string, fence uint64, p sharedPolicy, exchange func(context.Context, *sharedEntry) (sharedEntry, error)) (AccessToken, error) {
	release := func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		_ = c.store.Release(rctx, id, fence) // at worst the lease runs out
	}
	// Another replica may have stored a token between our read and our
	// lease.
	e, err := c.load(ctx, id)
	if err != nil {
		release()
		return AccessToken{}, c.storeErr(ctx, err)
	}
	now := p.clock.Now()
	if e != nil && now.Before(e.tok.ExpiresOn) && now.Before(e.refreshAt) {
		release()
		return e.tok, nil
	}
	got, err := exchange(ctx, e)
	if err != nil {
		release()
		return AccessToken{}, err
	}
	now = p.clock.Now()
	if !now.Before(got.tok.ExpiresOn) {
		release() // the credential refuses it too
		return got.tok, nil
	}
	if e != nil && got.tok.Token == e.tok.Token && got.tok.ExpiresOn.Equal(e.tok.ExpiresOn) {
		// The same token (the Entra token had not changed): due again at
		// half its remaining life, for everyone.
		got.refreshAt = now.Add(halfLife(got.tok.ExpiresOn, now))
	} else {
		got.refreshAt = p.next(got.tok.ExpiresOn, now)
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	// A lost lease (it ran out) or a failing store keeps the token from
	// the others, not from this caller.
	_, _ = c.store.Put(pctx, id, fence, c.seal(id, got), got.tok.ExpiresOn.Sub(now))
	return got.tok, nil
}

// storeErr is a store failure as a *storeError, or ctx's error when ctx
// ended (a wait cut short is the attempt's timeout, not the store's fault).
func (c *SharedTokenCache) storeErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &storeError{err}
}

// entraDigest is the SHA-256 of an Entra token.
func entraDigest(token string) [32]byte { return sha256.Sum256([]byte(token)) }
