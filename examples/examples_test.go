// Package examples_test builds every example with the go command and runs
// it offline against the built-in fakes, checking what it prints: the
// programs that finish are run to the end; the servers are started, asked
// one real request on loopback, and stopped with SIGINT.
package examples_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// covered are the examples this test runs; an example directory missing
// here fails the test.
var covered = map[string]func(t *testing.T, bin string){
	"quickstart":   testQuickstart,
	"chat":         testChat,
	"receptionist": testReceptionist,
	"tokenservice": testTokenService,
	"emulator":     testEmulator,
	"webapp":       testWebapp,
}

func TestEveryExampleBuildsAndRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stops the servers with SIGINT")
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	// Every directory is an example (go build ignores testdata and names
	// starting with "." or "_", so does this test), but internal, which
	// holds what the examples share.
	var dirs []string
	for _, e := range entries {
		if n := e.Name(); e.IsDir() && n != "testdata" && n != "internal" && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") {
			dirs = append(dirs, n)
		}
	}
	for _, d := range dirs {
		if covered[d] == nil {
			t.Errorf("example %s is not run by this test: add it to covered", d)
		}
	}
	for name := range covered {
		if !slices.Contains(dirs, name) {
			t.Errorf("covered names %s, which is not an example directory", name)
		}
	}

	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceBuild {
		args = append(args, "-race")
	}
	for _, d := range dirs {
		args = append(args, "./"+d)
	}
	start := time.Now()
	// go test puts its own GOROOT/bin first on the PATH of the test binary.
	build := exec.Command("go", args...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("built %d examples in %v (race: %v)", len(dirs), time.Since(start).Round(time.Millisecond), raceBuild)
	for _, d := range dirs {
		if f := covered[d]; f != nil {
			t.Run(d, func(t *testing.T) { f(t, filepath.Join(bin, d)) })
		}
	}
}

// offlineEnv is this process's environment without the variables that
// would send an example to Azure.
func offlineEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "ACS_"), strings.HasPrefix(name, "TEAMS_"), strings.HasPrefix(name, "TEAMSUSER_"),
			strings.HasPrefix(name, "TOKENSERVICE_"), strings.HasPrefix(name, "AZURE_"), strings.HasPrefix(name, "PRESENCE_"),
			name == "EXPERTS", name == "PUBLIC_BASE_URL", name == "EVENTGRID_SECRET", name == "LISTEN":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// runToEnd runs a program that finishes and returns what it printed.
func runToEnd(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = offlineEnv()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(bin), args, err, out, stderr.String())
	}
	return string(out)
}

func wantAll(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func testQuickstart(t *testing.T, bin string) {
	out := runToEnd(t, bin)
	wantAll(t, out,
		"exchanged the Entra token for an ACS token",
		`"kind": "microsoftTeamsUser"`,
		"1:1 chat 19:",
		"meeting chat of",
		`the calling client joins with {"meetingLink":"https://teams.microsoft.com/l/meetup-join/`,
		"CallConnected, ParticipantsUpdated, CallTransferAccepted, CallDisconnected",
		"done: sign-in, token exchange, chat and a call ran offline end to end")
	if regexp.MustCompile(`eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.`).MatchString(out) {
		t.Errorf("the quickstart printed a whole token:\n%s", out)
	}
}

func testChat(t *testing.T, bin string) {
	wantAll(t, runToEnd(t, bin, "list"), "  oneOnOne  Bob Baker", "* meeting   Fabrikam review                1 unread", "3 chat(s)")
	wantAll(t, runToEnd(t, bin, "send", "-chat", "Bob Baker", "on my way"), "sent message ")
	wantAll(t, runToEnd(t, bin, "read", "-chat", "Bob Baker"), "Bob Baker: Morning Alice", "Alice Archer: Yes, all of them yesterday.")
	wantAll(t, runToEnd(t, bin, "follow", "-chat", "Fabrikam review", "-count", "2", "-for", "1m"),
		"offline: the fake's Bob Baker will post", "Bob Baker: Are you there?", "stopped after 2 new message(s)")
	cmd := exec.Command(bin, "bogus")
	cmd.Env = offlineEnv()
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage:") {
		t.Errorf("a bad command line: %v, %s; want exit status 2 and the usage", err, out)
	}
}

func testReceptionist(t *testing.T, bin string) {
	wantAll(t, runToEnd(t, bin),
		"call from +14255550101 -> Megan Bowen (transferred)",
		"call from +14255550102 -> no one (no expert available)")
}

// server is a running example that serves until interrupted.
type server struct {
	cmd    *exec.Cmd
	lines  chan string   // its stdout, line by line
	quit   chan struct{} // closed when the test stops reading lines
	exited chan struct{} // closed when the process has ended and err is set
	err    error         // cmd.Wait's answer
	stderr strings.Builder
}

func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(bin, args...), lines: make(chan string), quit: make(chan struct{}), exited: make(chan struct{})}
	s.cmd.Env = offlineEnv()
	s.cmd.Stderr = &s.stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			select {
			case s.lines <- sc.Text():
			case <-s.quit: // nobody reads: keep draining so the process never blocks on stdout
			}
		}
		close(s.lines)
		s.err = s.cmd.Wait() // after stdout is read to the end, as StdoutPipe asks
		close(s.exited)
	}()
	t.Cleanup(func() {
		close(s.quit)
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill() // the test failed before stop
			<-s.exited
		}
	})
	return s
}

// waitFor returns the first printed line that has prefix.
func (s *server) waitFor(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				<-s.exited
				t.Fatalf("the server ended (%v) before printing %q; stderr:\n%s", s.err, prefix, s.stderr.String())
			}
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return strings.TrimSpace(l)
			}
		case <-timeout.C:
			t.Fatalf("no line %q within 2 minutes", prefix)
		}
	}
}

// stop interrupts the server and checks that it ends cleanly (exit status 0).
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	timeout := time.NewTimer(time.Minute)
	defer timeout.Stop()
	for {
		select {
		case _, ok := <-s.lines: // what it prints while stopping
			if !ok {
				s.lines = nil
			}
		case <-s.exited:
			if s.err != nil {
				t.Errorf("after SIGINT: %v; stderr:\n%s", s.err, s.stderr.String())
			}
			return
		case <-timeout.C:
			t.Fatalf("still running a minute after SIGINT")
		}
	}
}

// httpClient asks the servers on loopback; a hung server fails the test.
var httpClient = &http.Client{Timeout: 30 * time.Second}

func post(t *testing.T, url, bearer string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func testTokenService(t *testing.T, bin string) {
	wantAll(t, runToEnd(t, bin, "-check"), "tokenservice: ready at http://127.0.0.1:", "check: 200")

	s := startServer(t, bin)
	s.waitFor(t, "tokenservice: ready at http://127.0.0.1:")
	curl := s.waitFor(t, "curl ")
	m := regexp.MustCompile(`Bearer ([^']+)' (http://127\.0\.0\.1:\d+\S*)$`).FindStringSubmatch(curl)
	if m == nil {
		t.Fatalf("cannot read the token and URL from %q", curl)
	}
	token, url := m[1], m[2]
	if status, body := post(t, url, ""); status != http.StatusUnauthorized {
		t.Errorf("without a token: %d %s, want 401", status, body)
	}
	status, body := post(t, url, token)
	var answer struct {
		Token     string `json:"token"`
		ExpiresOn string `json:"expiresOn"`
		User      struct {
			RawID string `json:"rawId"`
		} `json:"user"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &answer) != nil || answer.Token == "" || !strings.HasPrefix(answer.User.RawID, "8:orgid:") {
		t.Errorf("with the caller's token: %d, want 200 and an ACS token for the Teams user", status)
	}
	s.stop(t)
}

func testEmulator(t *testing.T, bin string) {
	s := startServer(t, bin)
	line := s.waitFor(t, "teamsuser-emulator ready ")
	var ready struct {
		Entra, ACS, Graph, CACert, Control, Dashboard string
		Tenants                                       []struct {
			ID    string
			Users []json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "teamsuser-emulator ready ")), &ready); err != nil {
		t.Fatalf("readiness line %q: %v", line, err)
	}
	if ready.Graph == "" || ready.Entra == "" || ready.ACS == "" || len(ready.Tenants) == 0 || len(ready.Tenants[0].Users) == 0 {
		t.Fatalf("readiness line names no endpoints or users: %s", line)
	}
	// HTTPS by default, with the CA the line names.
	pem, err := os.ReadFile(ready.CACert)
	pool := x509.NewCertPool()
	if err != nil || !pool.AppendCertsFromPEM(pem) || !strings.HasPrefix(ready.Graph, "https://") {
		t.Fatalf("the emulator serves no HTTPS with a CA (%v): %s", err, line)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(ready.Entra + "/" + ready.Tenants[0].ID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the fake Entra's OpenID configuration: %d", resp.StatusCode)
	}
	resp, err = client.Get(ready.Graph + "/me/chats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Graph without a token: %d, want 401", resp.StatusCode)
	}
	// The control API and the dashboard, on their own port.
	for _, u := range []string{ready.Control + "/api/state", ready.Dashboard} {
		resp, err = client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", u, resp.StatusCode)
		}
	}
	s.stop(t)
}

func testWebapp(t *testing.T, bin string) {
	s := startServer(t, bin)
	line := s.waitFor(t, "webapp: ready at http://127.0.0.1:")
	base := regexp.MustCompile(`ready at (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(line)
	if base == nil {
		t.Fatalf("no URL in %q", line)
	}
	noRedirect := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", http.StatusOK, `<script src="/static/app.js"`},
		{"/static/app.js", http.StatusOK, "EventSource"},
		{"/api/me", http.StatusUnauthorized, `"not_signed_in"`},
		{"/auth/login", http.StatusFound, ""},
	} {
		resp, err := noRedirect.Get(base[1] + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.want) {
			t.Errorf("GET %s: %d, want %d and %q", c.path, resp.StatusCode, c.status, c.want)
		}
		if c.path == "/auth/login" && !strings.Contains(resp.Header.Get("Location"), "/organizations/oauth2/v2.0/authorize?") {
			t.Errorf("the sign-in goes to %q, not to the fake Entra ID's authorize", resp.Header.Get("Location"))
		}
	}
	s.stop(t)
}
