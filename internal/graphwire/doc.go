// Package graphwire is the Microsoft Graph JSON of the Teams chat resources
// this module speaks: chat, conversationMember, chatMessage (with mentions,
// reactions, attachments and hosted contents), onlineMeeting, OData
// collections with @odata.nextLink, the error body, subscriptions and
// change-notification payloads, plus chat-id checks (join links and
// meeting ids are internal/meetinglink's).
//
// It depends on the standard library only and imports no public package of
// the module. Conversion to and from the public chat types is in package
// chat (its MarshalGraphJSON and UnmarshalGraphJSON), which the client uses
// and the fake in chat/fake serves with; the fake uses this package
// directly only for what is not a chat type: errors, collection envelopes,
// request bodies of its own shape, subscriptions and notifications.
package graphwire
