package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Files and images in messages (issue 17 §3). A message carries them two
// ways (https://learn.microsoft.com/graph/api/chatmessage-post, examples
// "Send a message with file attachment in it" and "Send a card", and the
// chatMessageHostedContent resource):
//
//   - hosted contents: inline images, whose bytes Graph keeps with the
//     message; an HTML body references each by its URL, and
//     GetHostedContent downloads one (HostedContentIDs finds them in a
//     body);
//   - attachments: a reference to a file already in OneDrive or SharePoint
//     (FileAttachment), an Adaptive Card (CardAttachment), or others Graph
//     reports; the body places each with AttachmentTag.

// The attachment content types this package builds and reads.
const (
	// AttachmentReference is a file in OneDrive or SharePoint, named by
	// ContentURL.
	AttachmentReference = "reference"
	// AttachmentAdaptiveCard is an Adaptive Card, its JSON in Content.
	AttachmentAdaptiveCard = "application/vnd.microsoft.card.adaptive"
)

// AttachmentTag returns the tag that places the attachment with this id
// in an HTML message body: <attachment id="ID"></attachment>.
func AttachmentTag(id string) string {
	return `<attachment id="` + html.EscapeString(id) + `"></attachment>`
}

// FileAttachment returns the attachment of a file already in OneDrive or
// SharePoint. As chatmessage-post says: the file "must already be in
// SharePoint"; id is "the GUID in the eTag of the driveItem" (or any GUID
// with a sharing link), contentURL the driveItem's webDavUrl (or the
// sharing link), name the file's name (may be empty). Place it in the
// body with AttachmentTag(id).
func FileAttachment(id, contentURL, name string) Attachment {
	return Attachment{ID: id, ContentType: AttachmentReference, ContentURL: contentURL, Name: name}
}

// CardAttachment returns the attachment of an Adaptive Card, card being
// its JSON (an object). Place it in the body with AttachmentTag(id).
func CardAttachment(id string, card json.RawMessage) Attachment {
	return Attachment{ID: id, ContentType: AttachmentAdaptiveCard, Content: string(card)}
}

// AdaptiveCard returns the JSON of an Adaptive Card attachment, as Graph
// carries it in content ("content": a JSON string), and true; false when
// the attachment is not an Adaptive Card or its content is not JSON.
func (a Attachment) AdaptiveCard() (json.RawMessage, bool) {
	if !strings.EqualFold(a.ContentType, AttachmentAdaptiveCard) {
		return nil, false
	}
	c := bytes.TrimSpace([]byte(a.Content))
	if !json.Valid(c) {
		return nil, false
	}
	return json.RawMessage(c), true
}

// checkAttachment checks an attachment of a message being sent: it is
// placed in the body with AttachmentTag (which needs an HTML body, as in
// every example of chatmessage-post); a file reference names an https URL
// and carries no content; a card carries a JSON object and no URL.
func checkAttachment(arg string, a Attachment, body Body) error {
	bad := func(f, p string) error { return &ArgumentError{Arg: "msg." + arg + f, Problem: p} }
	if body.ContentType != ContentHTML {
		return bad("", "needs an html body (the body places it with <attachment id=\"…\"></attachment>)")
	}
	if !strings.Contains(body.Content, AttachmentTag(a.ID)) {
		return bad("", "is not placed in the body as "+AttachmentTag(a.ID))
	}
	switch {
	case strings.EqualFold(a.ContentType, AttachmentReference):
		u, err := url.Parse(a.ContentURL)
		if a.ContentURL == "" || err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return bad(".ContentURL", "must be the https url of the file (its webDavUrl or a sharing link)")
		}
		if a.Content != "" {
			return bad(".Content", "must be empty for a file reference")
		}
	case strings.EqualFold(a.ContentType, AttachmentAdaptiveCard):
		c := bytes.TrimSpace([]byte(a.Content))
		if len(c) == 0 || c[0] != '{' || !json.Valid(c) {
			return bad(".Content", "must be the card's json object")
		}
		if a.ContentURL != "" {
			return bad(".ContentURL", "must be empty for a card")
		}
	}
	return nil
}

// HostedContentIDs returns the ids of the hosted contents (inline images)
// an HTML message body references by their service URLs
// (…/hostedContents/{id}/$value), each once, in the order they appear.
// Ids that are not usable (empty, or with characters no id has) are left
// out.
func HostedContentIDs(body string) []string {
	const marker = "/hostedContents/"
	var ids []string
	seen := map[string]bool{}
	for rest := body; ; {
		i := strings.Index(rest, marker)
		if i < 0 {
			return ids
		}
		rest = rest[i+len(marker):]
		end := strings.Index(rest, "/$value")
		if end < 0 {
			return ids
		}
		raw := rest[:end]
		id, err := url.PathUnescape(html.UnescapeString(raw))
		if err == nil && graphwire.CheckID(id) == "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		rest = rest[end:]
	}
}

// DefaultMaxHostedContentBytes is how much of a hosted content
// GetHostedContent reads unless GetHostedContentOptions.MaxBytes says
// otherwise. Graph documents no size for inline images: the bound is this
// package's choice, well above what Teams' clients paste.
const DefaultMaxHostedContentBytes = 16 << 20

// ErrContentTooLarge is what GetHostedContent returns, or what reading its
// content returns, when the content is larger than MaxBytes.
var ErrContentTooLarge = errors.New("chat: the content is larger than opts.MaxBytes")

// GetHostedContentOptions are the optional parameters of GetHostedContent.
type GetHostedContentOptions struct {
	// MaxBytes bounds the content read; zero means
	// DefaultMaxHostedContentBytes. A larger content is refused with
	// ErrContentTooLarge: at once when the service announces its size,
	// otherwise by the read that passes the bound.
	MaxBytes int64
}

// Validate reports, as an *ArgumentError, options that cannot work: a
// negative MaxBytes. A nil *GetHostedContentOptions is valid.
func (o *GetHostedContentOptions) Validate() error {
	if o != nil && o.MaxBytes < 0 {
		return &ArgumentError{Arg: "opts.MaxBytes", Problem: "must not be negative"}
	}
	return nil
}

// Limit is MaxBytes, or DefaultMaxHostedContentBytes when it is zero (or
// o is nil).
func (o *GetHostedContentOptions) Limit() int64 {
	if o == nil || o.MaxBytes == 0 {
		return DefaultMaxHostedContentBytes
	}
	return o.MaxBytes
}

// GetHostedContentResponse is the result of GetHostedContent. The caller
// reads Content and must close it.
type GetHostedContentResponse struct {
	// Content is the hosted content's bytes, read as they arrive. Reading
	// stops with ErrContentTooLarge past the options' MaxBytes, and with
	// the call's ctx error once ctx is done. Close it when done.
	Content io.ReadCloser
	// ContentType is the content's media type as the service gives it,
	// for example "image/png".
	ContentType string
	// Size is the content's length in bytes when the service announces
	// it, -1 otherwise.
	Size int64
}

// tooLarge is ErrContentTooLarge for a known size.
func tooLarge(size, limit int64) error {
	return fmt.Errorf("%w (%d bytes, the limit is %d)", ErrContentTooLarge, size, limit)
}
