package calling_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/benchcpu"
)

// benchEvents returns a delivery of n events of one call, the mix of a
// busy call, with ids that an idStamper renews.
func benchEvents(b *testing.B, n int) []byte {
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "6e1c4c3c-5c8d-4b0a-9c1f-0a7b7e1f2d3c", Cloud: identity.CloudPublic}
	user := identity.CommunicationUserIdentifier{ID: "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_0f50d091-5bd3-448b-884d-44be7037d9b9"}
	evs := make([]calling.Event, n)
	for i := range evs {
		in := calling.EventInfo{ID: benchID(i), CallConnectionID: "441f1200-fd54-422e-9566-a867d187dca7", ServerCallID: "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkudGVhbXMubWljcm9zb2Z0LmNvbS9hcGkvdjIvZXAvY29udg", CorrelationID: "7a659f41-bd0f-4bae-8ac0-6af79283e1bc", OperationContext: "op-42"}
		switch i % 4 {
		case 0:
			evs[i] = &calling.CallConnected{EventInfo: in}
		case 1:
			evs[i] = &calling.ParticipantsUpdated{EventInfo: in, SequenceNumber: 2, Participants: []calling.CallParticipant{{Identifier: user}, {Identifier: teams, IsMuted: true}}}
		case 2:
			evs[i] = &calling.AddParticipantSucceeded{EventInfo: in, Participant: teams}
		default:
			evs[i] = &calling.CallDisconnected{EventInfo: in}
		}
	}
	body, err := calling.MarshalCloudEvents(evs...)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchID is the id of the i-th event of a benchmark delivery: its
// "00000000" is rewritten by an idStamper.
func benchID(i int) string { return fmt.Sprintf("b-00000000-%04d", i) }

// idStamper gives the events of a benchmark body new ids in place, so that
// every delivery of the loop is new to the handler's duplicate check, as
// real deliveries are.
type idStamper struct {
	body []byte
	at   []int
	n    uint32
}

func newIDStamper(body []byte) *idStamper {
	s := &idStamper{body: body}
	prefix := []byte(`"id":"b-`)
	for i := 0; ; {
		j := bytes.Index(body[i:], prefix)
		if j < 0 {
			return s
		}
		i += j + len(prefix)
		s.at = append(s.at, i)
	}
}

func (s *idStamper) next() {
	s.n++
	var stamp [8]byte
	hex.Encode(stamp[:], binary.BigEndian.AppendUint32(nil, s.n))
	for _, a := range s.at {
		copy(s.body[a:a+8], stamp[:])
	}
}

// naiveHandler is the plain alternative to CallbackHandler: the same
// token check, then encoding/json into []map[string]any and a lookup of
// data.callConnectionId in a map of funcs.
type naiveHandler struct {
	auth   *calling.CallbackAuthenticator
	byCall map[string]func(map[string]any)
}

func (h *naiveHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.AuthenticateRequest(r.Context(), r); err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, calling.DefaultMaxCallbackBodySize))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	var evs []map[string]any
	if err := json.Unmarshal(body, &evs); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	for _, ev := range evs {
		data, _ := ev["data"].(map[string]any)
		cc, _ := data["callConnectionId"].(string)
		if fn := h.byCall[cc]; fn != nil {
			fn(ev)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// handHandler is the hand-written handler that does the typed handler's
// work: the same token check, hwParse (types, times, identifiers, checks),
// events delivered again dropped (a bounded window of source and id), and
// dispatch on the call connection id.
type handHandler struct {
	auth   *calling.CallbackAuthenticator
	byCall map[string]func(hwEvent)
	seen   map[string]struct{}
	ring   []string
	next   int
}

func (h *handHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.AuthenticateRequest(r.Context(), r); err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, calling.DefaultMaxCallbackBodySize))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	evs, err := hwParse(body)
	if err != nil {
		http.Error(w, "bad events", http.StatusBadRequest)
		return
	}
	for _, ev := range evs {
		key := ev.Source + "\x00" + ev.ID
		if _, dup := h.seen[key]; dup {
			continue
		}
		if len(h.ring) < 10000 {
			h.ring = append(h.ring, key)
		} else {
			delete(h.seen, h.ring[h.next])
			h.ring[h.next], h.next = key, (h.next+1)%len(h.ring)
		}
		h.seen[key] = struct{}{}
		if fn := h.byCall[ev.CallConnectionID]; fn != nil {
			fn(ev)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// BenchmarkCallbackHandler measures a delivery through ServeHTTP (token
// check, body, decoding, dispatch to an OnCall handler, synchronous), side
// by side with handHandler, which does the same work by hand, and
// naiveHandler, which does less. events/s is per core (the loop runs on one
// goroutine); allocs/event is allocs/op over the events of a delivery.
func BenchmarkCallbackHandler(b *testing.B) {
	iss := newIssuer(b)
	tok, err := iss.Token()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 4, 16} {
		body := benchEvents(b, n)
		ids := newIDStamper(body)
		run := func(b *testing.B, h http.Handler, handled *int) {
			r := httptest.NewRequest(http.MethodPost, "/cb", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			start := *handled
			cpu := benchcpu.Start()
			for b.Loop() {
				ids.next()
				r.Body = io.NopCloser(bytes.NewReader(body))
				w.code = 0
				h.ServeHTTP(w, r)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
			if got := *handled - start; got != b.N*n {
				b.Fatalf("handled %d events, want %d", got, b.N*n)
			}
			perEvent(b, n)
			cpu.Report(b, float64(n), "event")
		}
		b.Run("typed/events="+strconv.Itoa(n), func(b *testing.B) {
			opts := iss.HandlerOptions()
			opts.Synchronous = true
			h, err := calling.NewCallbackHandler(iss.Audience(), opts)
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			handled := 0
			h.OnCall("441f1200-fd54-422e-9566-a867d187dca7", func(context.Context, calling.Event) { handled++ })
			run(b, h, &handled)
		})
		b.Run("handwritten/events="+strconv.Itoa(n), func(b *testing.B) {
			a, err := calling.NewCallbackAuthenticator(iss.Audience(), iss.AuthOptions())
			if err != nil {
				b.Fatal(err)
			}
			handled := 0
			h := &handHandler{auth: a, seen: map[string]struct{}{}, byCall: map[string]func(hwEvent){
				"441f1200-fd54-422e-9566-a867d187dca7": func(hwEvent) { handled++ },
			}}
			run(b, h, &handled)
		})
		b.Run("naive-map/events="+strconv.Itoa(n), func(b *testing.B) {
			a, err := calling.NewCallbackAuthenticator(iss.Audience(), iss.AuthOptions())
			if err != nil {
				b.Fatal(err)
			}
			handled := 0
			h := &naiveHandler{auth: a, byCall: map[string]func(map[string]any){
				"441f1200-fd54-422e-9566-a867d187dca7": func(map[string]any) { handled++ },
			}}
			run(b, h, &handled)
		})
	}
}

// BenchmarkCallbackDispatchNoAuth isolates decoding and dispatch: a
// delivery arriving on the Event Grid channel (query secret, no RSA
// verification) holding IncomingCall events, handled by OnEvent.
func BenchmarkCallbackDispatchNoAuth(b *testing.B) {
	iss := newIssuer(b)
	evs := make([]calling.Event, 16)
	for i := range evs {
		evs[i] = &calling.IncomingCall{
			EventInfo:           calling.EventInfo{ID: benchID(i), ServerCallID: "sc-" + strconv.Itoa(i), CorrelationID: "co-1", Topic: "/t"},
			From:                identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
			To:                  identity.CommunicationUserIdentifier{ID: "8:acs:r_1"},
			IncomingCallContext: "icc",
		}
	}
	body, err := calling.MarshalEventGridEvents(evs...)
	if err != nil {
		b.Fatal(err)
	}
	opts := iss.HandlerOptions()
	opts.Synchronous = true
	opts.EventGridSecret = "s3cret"
	h, err := calling.NewCallbackHandler(iss.Audience(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	handled := 0
	h.OnEvent(func(context.Context, calling.Event) { handled++ })
	r := httptest.NewRequest(http.MethodPost, "/events?secret=s3cret", nil)
	w := &discardWriter{h: http.Header{}}
	ids := newIDStamper(body)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		ids.next()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}
	if handled != b.N*len(evs) {
		b.Fatalf("handled %d", handled)
	}
	perEvent(b, len(evs))
}

func perEvent(b *testing.B, n int) {
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(code int) { w.code = code }
