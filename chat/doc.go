// Package chat is Teams chat as a Teams user, over Microsoft Graph
// (delegated permissions): the user's chats and their members, the chat of
// an online meeting, chat messages with mentions, inline images and
// reactions, and channel messages and replies.
//
// Service is the interface both the Graph client of this package and the
// in-memory fake in chat/fake implement; chat/chattest checks that an
// implementation behaves like the service. Results are plain Go values
// (Chat, Member, Message, …) that tests can build without a server.
//
// Failures of the service are *Error, normalised in one place whatever layer
// saw them; IsNotFound, IsForbidden, IsUnauthorized and IsThrottled branch on
// them, and an *Error of a response unwraps to azcore's *ResponseError. Bad
// arguments are refused with *ArgumentError before anything is sent.
//
// The Client speaks Graph's REST API over an azcore pipeline with this
// package's JSON codec (MarshalGraphJSON, UnmarshalGraphJSON), the one the
// fake's HTTP face serves with; it does not import msgraph-sdk-go. Services
// that already hold a msgraph-sdk-go GraphServiceClient use package
// chat/msgraphchat.
//
// Listings are Go iterators (iter.Seq2[T, error]) over Graph's pages, with a
// page-level method (…Page) that exposes the @odata.nextLink for callers
// that page by hand. Graph serves at most MaxPageSize items per page.
package chat
