//go:build race

package examples_test

// raceBuild: this test binary has the race detector, so the examples are
// built with it too (and reuse the packages `go test -race` compiled).
const raceBuild = true
