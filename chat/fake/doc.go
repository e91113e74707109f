// Package fake is an in-memory Microsoft Graph chat service for tests that
// must run offline: many tenants and users, their one-on-one, group and
// meeting chats, messages with mentions, inline images and reactions,
// channels of teams, online meetings, and chat-message subscriptions.
//
// One Service holds the state and shows two faces:
//
//   - the Go face, As(userID), is a chat.Service acting as that user, for
//     fast unit tests of code written against chat.Service;
//   - the HTTP face, Handler, serves the Graph v1.0 paths the chat client
//     uses, with Graph's JSON, status codes, error bodies, paging by
//     @odata.nextLink and query rules, so the real client can run against it
//     on loopback. Its resources are written and read with
//     chat.MarshalGraphJSON and chat.UnmarshalGraphJSON, the codec the
//     client uses, so the two cannot disagree on a shape without a test
//     failing. Request bodies may be gzip, as the Graph SDKs send them (a
//     msgraph-sdk-go client, or chat/msgraphchat, runs against it too).
//     Requests authenticate with tokens from TokenFor or CredentialFor, or
//     with Graph tokens of a fake Entra issuer (Options.Entra). It serves
//     only the requests Graph documents (routes.go names each one's Learn
//     page).
//
// Both faces check the delegated permissions Graph documents for each
// request, and answer Graph's 403 without one: a token of TokenFor and
// CredentialFor, and the Go face of As, are granted the scopes named
// (TokenFor(userID, "Chat.Read")), or DefaultScopes, every permission
// package chat needs, when none are.
//
// Both faces run the same operations, so they answer alike; package
// chat/chattest checks both. On top of the service, tests get what Graph
// cannot give: a seeded cast (Seed), other users who speak (Post), a
// manual clock (Options.Clock), deterministic failures (InjectFault: 429
// with Retry-After, 5xx before or after the request takes effect, delays,
// hangs, dropped connections, by count or by exact ratio), a request log
// (Requests, CountRequests), the stored messages (Messages), users'
// presence as their Teams clients report it (SetPresence; the fake
// aggregates it with the applications' presence sessions and the user's
// preferred presence as Graph documents), and change notifications
// delivered by real HTTP POSTs to subscribed webhooks after Graph's
// validation handshake (Deliveries, Flush, SendLifecycleNotification).
// The tokens of TokenFor and the Go face act for one application,
// ApplicationID. Faults, the request log, the clock, New,
// NewServer and Close work as in identity/fake and calling/fake, whose
// Fault and Request types this package shares (see identity/fake).
//
// What the fake does not model: system event messages, message history
// beyond one edit, deleting a chat, encrypted resource data in
// notifications, and Graph's throttling (inject it).
package fake
