// Package browsertest runs the examples' pages in Debian's headless
// Chromium, for their tests: Find the browser (or skip, and fail under
// CI=true), Run it once (a screenshot, the DOM after virtual time), or
// Start it and drive pages as a user does — navigate, click, type, read
// the page — over the DevTools protocol.
//
// The protocol runs over a pipe (--remote-debugging-pipe: the browser
// reads commands on its fd 3 and writes answers and events on its fd 4,
// each a JSON message ended by a NUL byte), not a WebSocket: no port is
// opened, and no WebSocket client is needed (the module's dependencies
// have none). Clicks and keys are the browser's own input events
// (Input.dispatchMouseEvent, Input.insertText, Input.dispatchKeyEvent), so
// the page's handlers run as they do for a person.
package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Find returns the path of Debian's chromium. Without one it skips the
// test, saying what it needs; with CI=true it fails instead (.ci/run
// installs chromium, so a CI run never skips silently).
func Find(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not on the PATH (CI=true: the browser test must run; .ci/run installs Debian's chromium)")
	}
	t.Skip("skipping the browser test: chromium is not on the PATH (apt-get install chromium)")
	return ""
}

// Args are the flags of a headless Chromium on a machine whose network is
// closed: no sandbox (tests run as root), no GPU, nothing fetched in the
// background, and profile as a fresh profile directory.
func Args(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + profile}
}

// OutputDir is where a test leaves what a person looks at (screenshots):
// $TEST_OUTPUT_DIR when set, otherwise a directory of the test's own
// (removed after it; the test logs the paths it wrote).
func OutputDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TEST_OUTPUT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// Run runs chromium with args to its end and returns what it printed
// (--dump-dom's DOM, for one).
func Run(t testing.TB, ctx context.Context, chromium string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

// Browser is a running headless Chromium driven over the DevTools
// protocol.
type Browser struct {
	cmd    *exec.Cmd
	toB    io.WriteCloser // commands
	stderr bytes.Buffer
	done   chan struct{} // closed when the reader has ended

	mu       sync.Mutex
	nextID   int64
	pending  map[int64]chan reply
	handlers map[string][]func(json.RawMessage) // by session id + " " + method
	readErr  error
}

type reply struct {
	Result json.RawMessage
	Err    error
}

// Options tune Start.
type Options struct {
	// Args are more flags for chromium (Args' are always given).
	Args []string
}

// Start starts chromium for the test; it is closed when the test ends.
func Start(t testing.TB, opts *Options) *Browser {
	t.Helper()
	chromium := Find(t)
	args := append(Args(t.TempDir()), "--remote-debugging-pipe")
	if opts != nil {
		args = append(args, opts.Args...)
	}
	// Two pipes: the browser reads commands on its fd 3 and writes on its
	// fd 4 (ExtraFiles start at fd 3).
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	b := &Browser{toB: cmdW, done: make(chan struct{}), pending: make(map[int64]chan reply), handlers: make(map[string][]func(json.RawMessage))}
	b.cmd = exec.Command(chromium, args...)
	b.cmd.ExtraFiles = []*os.File{cmdR, outW}
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmdR.Close()
	outW.Close()
	go b.read(outR)
	t.Cleanup(func() { b.close(t) })
	return b
}

// read dispatches the browser's answers and events until the pipe ends.
func (b *Browser) read(r io.ReadCloser) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			for id, ch := range b.pending {
				ch <- reply{Err: fmt.Errorf("browsertest: the browser went away: %w", err)}
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m struct {
			ID     int64           `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
			Method    string          `json:"method"`
			Params    json.RawMessage `json:"params"`
			SessionID string          `json:"sessionId"`
		}
		if err := json.Unmarshal(msg[:len(msg)-1], &m); err != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.pending[m.ID]; ch != nil {
				delete(b.pending, m.ID)
				if m.Error != nil {
					ch <- reply{Err: fmt.Errorf("browsertest: %s (%d)", m.Error.Message, m.Error.Code)}
				} else {
					ch <- reply{Result: m.Result}
				}
			}
			b.mu.Unlock()
			continue
		}
		hs := append([]func(json.RawMessage){}, b.handlers[m.SessionID+" "+m.Method]...)
		b.mu.Unlock()
		for _, h := range hs {
			h(m.Params)
		}
	}
}

// call sends a command (of a page's session, or the browser's when
// session is empty) and returns its result.
func (b *Browser) call(ctx context.Context, session, method string, params any, result any) error {
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return fmt.Errorf("browsertest: the browser went away: %w", b.readErr)
	}
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	b.mu.Lock()
	_, err = b.toB.Write(append(data, 0))
	b.mu.Unlock()
	if err != nil {
		return fmt.Errorf("browsertest: %s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Err != nil {
			return fmt.Errorf("%s: %w", method, r.Err)
		}
		if result != nil {
			return json.Unmarshal(r.Result, result)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("browsertest: %s: %w", method, ctx.Err())
	}
}

// on calls h with the params of every event method of session.
func (b *Browser) on(session, method string, h func(json.RawMessage)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := session + " " + method
	b.handlers[k] = append(b.handlers[k], h)
}

// close asks the browser to close, and kills it if it does not.
func (b *Browser) close(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.call(ctx, "", "Browser.close", nil, nil)
	b.toB.Close()
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-exited
	}
	<-b.done
	if t.Failed() {
		// Without the D-Bus noise of a machine that has none.
		var lines []string
		for _, l := range strings.Split(b.stderr.String(), "\n") {
			if l != "" && !strings.Contains(l, "dbus") {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			t.Logf("chromium's stderr:\n%s", tail(strings.Join(lines, "\n"), 4000))
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Page is a tab of its own browser context: its own cookies and storage,
// as another person's browser would have.
type Page struct {
	b       *Browser
	t       testing.TB
	session string
	timeout time.Duration

	mu     sync.Mutex
	errors []string // uncaught exceptions and console errors of the page
}

// NewPage opens a tab of a new browser context, width × height pixels.
func (b *Browser) NewPage(t testing.TB, width, height int) *Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var bc struct {
		BrowserContextID string `json:"browserContextId"`
	}
	var target struct {
		TargetID string `json:"targetId"`
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.createBrowserContext", map[string]any{"disposeOnDetach": true}, &bc); err != nil {
		t.Fatal(err)
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank", "browserContextId": bc.BrowserContextID}, &target); err != nil {
		t.Fatal(err)
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		t.Fatal(err)
	}
	p := &Page{b: b, t: t, session: attached.SessionID, timeout: 20 * time.Second}
	b.on(p.session, "Runtime.exceptionThrown", func(params json.RawMessage) {
		var e struct {
			ExceptionDetails struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		_ = json.Unmarshal(params, &e)
		p.addError(strings.TrimSpace(e.ExceptionDetails.Text + " " + e.ExceptionDetails.Exception.Description))
	})
	b.on(p.session, "Runtime.consoleAPICalled", func(params json.RawMessage) {
		var e struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		_ = json.Unmarshal(params, &e)
		if e.Type == "error" {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, fmt.Sprint(a.Value, a.Description))
			}
			p.addError("console.error: " + strings.Join(parts, " "))
		}
	})
	for _, c := range []struct {
		method string
		params any
	}{
		{"Page.enable", nil},
		{"Runtime.enable", nil},
		{"Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}},
	} {
		if err := b.call(ctx, p.session, c.method, c.params, nil); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *Page) addError(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errors = append(p.errors, s)
}

// Errors are the page's uncaught exceptions and console errors so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

func (p *Page) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), p.timeout)
}

// Navigate loads url in the page (without waiting for it: WaitFor what
// the test expects to see).
func (p *Page) Navigate(url string) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	var r struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.b.call(ctx, p.session, "Page.navigate", map[string]any{"url": url}, &r); err != nil {
		p.t.Fatal(err)
	}
	if r.ErrorText != "" {
		p.t.Fatalf("navigating to %s: %s", url, r.ErrorText)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value into out.
func (p *Page) eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.b.call(ctx, p.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("browsertest: %s: %s %s", expr, r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out == nil || len(r.Result.Value) == 0 {
		return nil
	}
	return json.Unmarshal(r.Result.Value, out)
}

// Eval evaluates a JavaScript expression in the page and decodes its value
// into out (nil: ignored).
func (p *Page) Eval(expr string, out any) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.eval(ctx, expr, out); err != nil {
		p.t.Fatal(err)
	}
}

// WaitFor waits until the JavaScript expression cond is true in the page
// (it is asked again every 50 ms, a page being loaded in between), and
// fails the test with what the page shows when it is not within the
// page's timeout.
func (p *Page) WaitFor(what, cond string) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		var ok bool
		// Each try has a short deadline of its own: a navigation may
		// swallow an evaluation.
		tctx, tcancel := context.WithTimeout(ctx, 2*time.Second)
		err := p.eval(tctx, "Boolean("+cond+")", &ok)
		tcancel()
		switch {
		case err == nil && ok:
			return
		case err != nil && strings.Contains(err.Error(), "SyntaxError"):
			p.t.Fatalf("waiting for %s: the condition is not JavaScript: %v", what, err)
		case err != nil && ctx.Err() == nil:
			last = err
		}
		select {
		case <-ctx.Done():
			var text string
			ectx, ecancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = p.eval(ectx, "location.href + '\\n' + (document.body ? document.body.innerText : '')", &text)
			ecancel()
			p.t.Fatalf("waiting for %s (%s): not within %v (last error: %v); the page shows:\n%s", what, cond, p.timeout, last, tail(text, 3000))
		case <-tick.C:
		}
	}
}

// Click clicks the middle of the first element that selector matches, as
// a person's mouse does (scrolled into view first).
func (p *Page) Click(selector string) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	var box struct {
		X, Y  float64
		Found bool
	}
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return {found: false};
		e.scrollIntoView({block: "center", inline: "center"}); const r = e.getBoundingClientRect();
		return {found: r.width > 0 && r.height > 0, x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`, selector)
	if err := p.eval(ctx, js, &box); err != nil {
		p.t.Fatal(err)
	}
	if !box.Found {
		p.t.Fatalf("click: nothing visible matches %s", selector)
	}
	for _, typ := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		ev := map[string]any{"type": typ, "x": box.X, "y": box.Y, "button": "left", "clickCount": 1}
		if typ == "mouseMoved" {
			ev["button"], ev["clickCount"] = "none", 0
		}
		if err := p.b.call(ctx, p.session, "Input.dispatchMouseEvent", ev, nil); err != nil {
			p.t.Fatal(err)
		}
	}
}

// Type inserts text where the focus is, as a keyboard would (the page
// gets its input events).
func (p *Page) Type(text string) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.b.call(ctx, p.session, "Input.insertText", map[string]any{"text": text}, nil); err != nil {
		p.t.Fatal(err)
	}
}

// Press presses and releases a key where the focus is: "Enter", "Tab",
// "Escape", "ArrowDown", ...
func (p *Page) Press(key string) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	codes := map[string]int{"Enter": 13, "Tab": 9, "Escape": 27, "ArrowDown": 40, "ArrowUp": 38}
	down := map[string]any{"type": "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": codes[key]}
	if key == "Enter" {
		down["text"] = "\r"
	}
	for _, ev := range []map[string]any{down, {"type": "keyUp", "key": key, "code": key, "windowsVirtualKeyCode": codes[key]}} {
		if err := p.b.call(ctx, p.session, "Input.dispatchKeyEvent", ev, nil); err != nil {
			p.t.Fatal(err)
		}
	}
}

// Screenshot saves what the page shows as a PNG in dir/name and returns
// its path.
func (p *Page) Screenshot(dir, name string) string {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	var r struct {
		Data string `json:"data"`
	}
	if err := p.b.call(ctx, p.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &r); err != nil {
		p.t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		p.t.Fatalf("screenshot %s: not a PNG (%v)", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	return path
}
