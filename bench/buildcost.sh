#!/usr/bin/env bash
# Build cost of this module, measured: cold builds (each with a fresh, empty
# GOCACHE and the module cache warm) of three programs, one after the other:
#
#   teamsuser   imports the facade (identity, chat, calling)
#   identity    imports package identity only
#   azbaseline  imports azcore and azidentity only (the Azure SDK floor)
#
# For each it prints the wall time, the CPU time (user + system of go build
# and the compilers and linker it runs) and the peak resident set size of
# the largest process. It takes minutes: run it on a quiet machine.
#
#   bash bench/buildcost.sh            # GOMAXPROCS and -p as the machine has
#
# The aim (issue 13): the teamsuser program at most 1.3x the identity
# program's CPU and at most 600 MB peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

go mod download # the module cache is warm; only the build cache is cold
rusage=$(mktemp -d)/rusage
go build -o "$rusage" bench/buildcost/rusage.go
trap 'rm -rf "$(dirname "$rusage")"' EXIT

go version
echo "cpus: $(nproc)"
printf "%-12s %8s %8s %10s\n" program wall_s cpu_s peak_rss_MB
declare -A cpu rss
for prog in teamsuser identity azbaseline; do
  cache=$(mktemp -d)
  line=$(GOCACHE="$cache" GOFLAGS=-mod=readonly "$rusage" "$prog" go build -o /dev/null "./bench/buildcost/progs/$prog")
  rm -rf "$cache"
  echo "$line"
  read -r _ _ c r <<<"$line"
  cpu[$prog]=$c
  rss[$prog]=$r
done
awk -v t="${cpu[teamsuser]}" -v i="${cpu[identity]}" -v r="${rss[teamsuser]}" 'BEGIN {
  ratio = t / i
  printf "teamsuser/identity CPU: %.2fx (aim <= 1.3x: %s); teamsuser peak RSS: %d MB (aim <= 600 MB: %s)\n",
    ratio, (ratio <= 1.3 ? "met" : "missed"), r, (r <= 600 ? "met" : "missed")
}'
