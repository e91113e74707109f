package fake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// GetHostedContent is the Go face of GET
// /chats/{id}/messages/{id}/hostedContents/{id}/$value: the bytes the
// sender gave and their media type, refused as the client refuses them
// when larger than opts.MaxBytes, read within ctx.
func (g *goFace) GetHostedContent(ctx context.Context, chatID, messageID, hostedContentID string, opts *chat.GetHostedContentOptions) (chat.GetHostedContentResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("messageID", gw.CheckID(messageID)), argErr("hostedContentID", gw.CheckID(hostedContentID)), opts.Validate()); err != nil {
		return chat.GetHostedContentResponse{}, err
	}
	var found hostedState
	err := g.call(ctx, OpHostedContents, http.MethodGet, escapePath("chats", chatID, "messages", messageID, "hostedContents", hostedContentID, "$value"), nil, http.StatusOK, func() *opError {
		h, oe := g.s.hostedContent(g.user, chatID, messageID, hostedContentID)
		found = h
		return oe
	})
	if err != nil {
		return chat.GetHostedContentResponse{}, err
	}
	size, limit := int64(len(found.data)), opts.Limit()
	if size > limit {
		return chat.GetHostedContentResponse{}, fmt.Errorf("chat: get hosted content: %w (%d bytes, the limit is %d)", chat.ErrContentTooLarge, size, limit)
	}
	return chat.GetHostedContentResponse{Content: &ctxReader{ctx: ctx, r: bytes.NewReader(found.data)}, ContentType: found.contentType, Size: size}, nil
}

// hostedContent is one hosted content of a message the user reads: 404
// when the message has none with this id.
func (s *Service) hostedContent(userID, chatID, messageID, id string) (hostedState, *opError) {
	hs, oe := s.hostedContents(userID, chatID, messageID)
	if oe != nil {
		return hostedState{}, oe
	}
	for _, h := range hs {
		if h.id == id {
			return h, nil
		}
	}
	return hostedState{}, errNotFound("Hosted content " + quote(id) + " was not found.")
}

// ctxReader reads r until ctx is done, as a response body stops when its
// request's context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (c *ctxReader) Close() error { return nil }
