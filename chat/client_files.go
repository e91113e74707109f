package chat

import (
	"context"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// GetHostedContent downloads a hosted content of a chat message, such as
// an inline image (GET
// /chats/{id}/messages/{id}/hostedContents/{id}/$value,
// https://learn.microsoft.com/graph/api/chatmessagehostedcontent-get,
// example 2), as a stream with its media type. HostedContentIDs finds
// the ids a message's body references. The content is read as it arrives,
// never held whole: at most opts.MaxBytes of it (ErrContentTooLarge
// beyond), within the call's ctx (and the try's TryTimeout, if set).
// Close the returned Content. Retried as a read until the answer's headers
// arrive. Needs Chat.Read or Chat.ReadWrite.
func (c *Client) GetHostedContent(ctx context.Context, chatID, messageID, hostedContentID string, opts *GetHostedContentOptions) (_ GetHostedContentResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetHostedContent")
	defer func() { endSpan(err) }()
	if err := c.checkMessage(chatID, messageID); err != nil {
		return GetHostedContentResponse{}, err
	}
	if err := checkArg("hostedContentID", graphwire.CheckID(hostedContentID)); err != nil {
		return GetHostedContentResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return GetHostedContentResponse{}, err
	}
	const op = "get hosted content"
	limit := opts.Limit()
	req, err := runtime.NewRequest(ctx, http.MethodGet, c.path("chats", chatID, "messages", messageID, "hostedContents", hostedContentID, "$value"))
	if err != nil {
		return GetHostedContentResponse{}, graphError(op, err)
	}
	req.Raw().Header.Set("Accept", "*/*")
	req.SetOperationValue(streamedBody{})
	resp, err := c.pl.Do(req)
	if err != nil {
		return GetHostedContentResponse{}, graphError(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		defer resp.Body.Close()
		return GetHostedContentResponse{}, c.responseError(resp)
	}
	if resp.ContentLength > limit {
		_ = resp.Body.Close()
		return GetHostedContentResponse{}, graphError(op, tooLarge(resp.ContentLength, limit))
	}
	return GetHostedContentResponse{
		Content:     &limitedBody{ctx: ctx, rc: resp.Body, left: limit},
		ContentType: resp.Header.Get("Content-Type"),
		Size:        resp.ContentLength,
	}, nil
}

// limitedBody reads at most left bytes of rc, while ctx lasts; a byte
// more is ErrContentTooLarge. The transport ends a body whose request's
// context ended too, but only once its connection is closed, after what
// arrived meanwhile: ctx is looked at before each read, so that no read
// succeeds once it is done.
type limitedBody struct {
	ctx  context.Context
	rc   io.ReadCloser
	left int64
	err  error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.left <= 0 {
		// At the bound: the content ends here, or it is too large.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			b.err = ErrContentTooLarge
			return 0, b.err
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
