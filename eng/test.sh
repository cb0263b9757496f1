#!/usr/bin/env bash
# Installs what is missing and runs every test: eng/test.sh
# Phases (each timed): install, build, unit (no Redis), integration (real Redis, real services, containers and processes),
# timing (the integration tests that measure timings, alone).
# Ends with one line "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

passed=0
failed=0
status=0
phase_start=$SECONDS

phase_done() { echo "phase: $1 took $((SECONDS - phase_start)) s"; phase_start=$SECONDS; }

# Adds up the "Passed: n" and "Failed: n" lines of the summary dotnet test prints per test assembly. Assemblies run
# side by side write into one console, so such a line can follow another's start ("  Passed      Passed: 219").
count() {
  local log="$1" n
  for n in $(sed -nE 's/^(.*[^A-Za-z])? *Passed: +([0-9]+) *$/\2/p' "$log"); do passed=$((passed + n)); done
  for n in $(sed -nE 's/^(.*[^A-Za-z])? *Failed: +([0-9]+) *$/\2/p' "$log"); do failed=$((failed + n)); done
}

run_tests() {
  local name="$1" filter="$2" log="$results/$1.log"
  # --blame-hang-timeout turns a hung test into a failure with a dump instead of eating the CI budget.
  # The test assemblies run side by side (one MSBuild node each) unless the caller passes -m:1.
  dotnet test "$root/VibeZ.sln" --no-build --filter "$filter" --blame-hang-timeout 8m "${@:3}" \
    --results-directory "$results/$name" --logger "console;verbosity=normal" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  count "$log"
  if [[ $rc -ne 0 ]]; then
    status=1
    # A crashed or hung test host prints no summary: make sure the run is not counted as green.
    if ! grep -qE '(^|[^A-Za-z]) *Failed: +[1-9][0-9]* *$' "$log"; then
      failed=$((failed + 1))
      echo "failed: the $name phase's test run ended with exit code $rc and no failed test (a crashed or hung test host; see $log)" >> "$results/hosts.log"
    fi
  fi
}

bash "$here/install.sh" --containers || { echo "0 passed, 1 failed"; exit 1; }
phase_done install

dotnet build "$root/VibeZ.sln" -c Debug -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
phase_done build

# FaultMatrix is the full fault matrix of docs/failover.md, run by hand; CI runs its subset with the integration tests.
run_tests unit "Category!=Integration&Category!=FaultMatrix"
phase_done unit

run_tests integration "Category=Integration&Timing!=Alone"
phase_done integration

# Tests that measure a failover's timing to the hundred milliseconds ([Trait("Timing", "Alone")]) run last, one
# assembly at a time: beside the other assemblies' topologies, two cores measure the load, not VibeZ.
run_tests timing "Category=Integration&Timing=Alone" -m:1
phase_done timing

# The failed tests' names last, next to the count, where a truncated log still shows them.
grep -hE '^ +Failed [A-Za-z]' "$results"/*.log 2>/dev/null | sort -u | sed 's/^ */failed: /'
cat "$results/hosts.log" 2>/dev/null
echo "$passed passed, $failed failed"
if [[ $failed -gt 0 || $passed -eq 0 ]]; then status=1; fi
exit $status
