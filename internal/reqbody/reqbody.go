// Package reqbody sends the in-memory request bodies of an azcore pipeline
// in the same TCP write as their headers.
//
// net/http flushes a request's headers to the connection before it copies
// the body, unless the body is one it knows to be in memory: a
// *bytes.Reader, *bytes.Buffer or *strings.Reader, or one of them in
// io.NopCloser (net/http/transfer.go, isKnownInMemoryReader; Go issue
// 22088). azcore's request bodies are its own ReadSeekCloser, and its
// retry policy wraps them again for each try, so every request with a body
// costs two writes, two TCP segments and, on the server, a second read and
// wake-up. Set keeps the body's bytes, and Policy, the last per-retry
// policy, hands net/http the same bytes as an io.NopCloser of a
// *bytes.Reader; azcore's own body stays what the retry policy and the
// signing policies seek and read.
package reqbody

import (
	"bytes"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// body is a request body in memory.
type body struct {
	*bytes.Reader
	data []byte
}

// Close implements io.Closer; there is nothing to release.
func (*body) Close() error { return nil }

// Set sets data as req's body, with contentType as its Content-Type (see
// policy.Request.SetBody). data must not change while req is in use.
func Set(req *policy.Request, data []byte, contentType string) error {
	return req.SetBody(&body{Reader: bytes.NewReader(data), data: data}, contentType)
}

// Policy returns the policy that gives net/http a body set by Set in a form
// it writes with the headers. Place it last among the per-retry policies:
// a policy after it that rewinds the body (policy.Request.RewindBody)
// undoes it, which costs the extra write again, nothing else.
func Policy() policy.Policy { return inMemory{} }

type inMemory struct{}

// Do implements policy.Policy.
func (inMemory) Do(req *policy.Request) (*http.Response, error) {
	if b, ok := req.Body().(*body); ok {
		req.Raw().Body = io.NopCloser(bytes.NewReader(b.data))
	}
	return req.Next()
}
