//go:build ignore

// rusage runs a command and prints, on one line, its wall time, its CPU
// time (user + system, its waited-for descendants included) and its peak
// resident set size (the largest process of the tree): what GNU time -v
// reports, without needing it installed. Used by bench/buildcost.sh:
//
//	go run bench/buildcost/rusage.go LABEL COMMAND [ARGS...]
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: rusage LABEL COMMAND [ARGS...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "rusage:", err)
		os.Exit(1)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	var rssMB float64
	if ru != nil {
		rssMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	fmt.Printf("%-12s %8.1f %8.1f %10.0f\n", os.Args[1], wall.Seconds(), cpu.Seconds(), rssMB)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rusage:", os.Args[1], err)
		os.Exit(1)
	}
}
