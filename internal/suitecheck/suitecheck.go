// Package suitecheck checks that a conformance suite (identitytest,
// chattest, callingtest) fails the cases an environment leaves out without
// declaring it, each with its reason: the suites may skip only what an
// environment declares in its Env.Unsupported.
package suitecheck

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// FailsEach runs the subtests of the running test t named in why again, in
// a child process of the test binary with the environment variable env set
// to mode (the test then runs the suite on the lacking environment), and
// checks that each of them fails with its reason, why[name], in its log.
func FailsEach(t *testing.T, env, mode string, why map[string]string) {
	t.Helper()
	var names []string
	for c := range why {
		names = append(names, c)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$/^("+strings.Join(names, "|")+")$", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+mode)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("%s: the suite passed an environment that left things out undeclared:\n%s", mode, out)
	}
	// go test -v prints each subtest's log after its "=== RUN" line.
	for _, run := range strings.Split(string(out), "=== RUN")[1:] {
		name, log, _ := strings.Cut(strings.TrimSpace(run), "\n")
		c, ok := strings.CutPrefix(name, t.Name()+"/")
		if !ok {
			continue
		}
		if !strings.Contains(log, why[c]) || !strings.Contains(string(out), "--- FAIL: "+name+" ") {
			t.Errorf("%s: case %s did not fail with %q:\n%s", mode, c, why[c], log)
		}
		delete(why, c)
	}
	for c := range why {
		t.Errorf("%s: case %s did not run:\n%s", mode, c, out)
	}
}
