package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// interopDir holds the JavaScript interop tests: package.json and its
// lock, and *.test.mjs for node's built-in test runner.
const interopDir = "interop"

// needTool skips the test when a tool the interop tests need is missing,
// unless the test runs in CI (CI=true), where a missing tool is a failure:
// CI never skips the interop tests.
func needTool(t *testing.T, what, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the interop tests must run; .ci/run installs what they need)", why)
	}
	t.Skipf("skipping the %s interop tests: %s", what, why)
}

// TestInterop runs the official JavaScript SDKs —
// @azure/communication-identity, @azure/communication-call-automation,
// @azure/communication-common and @microsoft/microsoft-graph-client, as
// locked in interop/package-lock.json — against the emulator with their
// default options over TLS, the CA trusted through NODE_EXTRA_CA_CERTS:
// `node --test` in interop/, failing on any failure. It needs node (20 or
// newer) and the packages installed (`npm ci` in interop/, as .ci/run does);
// without them it skips, except in CI.
func TestInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		needTool(t, "JavaScript", "node is not on the PATH")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	version := strings.TrimSpace(string(out))
	if m := regexp.MustCompile(`^v(\d+)\.`).FindStringSubmatch(version); m == nil {
		t.Fatalf("node --version printed %q", version)
	} else if major, _ := strconv.Atoi(m[1]); major < 20 {
		needTool(t, "JavaScript", "node "+version+" is too old: the SDKs and the test runner options need 20 or newer")
	}
	if _, err := os.Stat(filepath.Join(interopDir, "node_modules", ".package-lock.json")); err != nil {
		needTool(t, "JavaScript", "the SDKs are not installed: run `npm ci` in examples/emulator/interop")
	}

	s := startEmulator(t)
	line, err := json.Marshal(s.Ready)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// One test file at a time: they share the emulator (its clock, its
	// faults). No network but loopback: the SDKs talk to the emulator only.
	cmd := exec.CommandContext(ctx, node, "--test", "--test-concurrency=1", "--test-reporter=spec")
	cmd.Dir = interopDir
	cmd.Env = append(os.Environ(),
		"NODE_EXTRA_CA_CERTS="+s.CACert,
		"TEAMSUSER_EMULATOR_READY="+string(line),
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
	)
	start := time.Now()
	got, err := cmd.CombinedOutput()
	report := string(got)
	if err != nil {
		t.Fatalf("node --test (%s): %v\n%s", version, err, report)
	}
	// The runner's summary: tests that ran, none failed, none skipped.
	for _, want := range []*regexp.Regexp{regexp.MustCompile(`(?m)^ℹ pass [1-9]\d*$`), regexp.MustCompile(`(?m)^ℹ fail 0$`), regexp.MustCompile(`(?m)^ℹ skipped 0$`)} {
		if !want.MatchString(report) {
			t.Fatalf("node --test summary lacks %q:\n%s", want, report)
		}
	}
	t.Logf("node %s: the interop tests passed in %v\n%s", version, time.Since(start).Round(time.Millisecond), report)
}
