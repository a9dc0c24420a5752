#!/usr/bin/env bash
# Runs every test (unit, Azurite storage, end-to-end with a real Prometheus) and prints
# "tests: N passed, N failed" counted from the test results.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test || exit 1
rm -rf TestResults
dotnet build fed-functions.sln -c Release --nologo --verbosity quiet || { echo "tests: 0 passed, 1 failed"; exit 1; }
# Style: the code must already be as `dotnet format` leaves it (.editorconfig); ~1 min. On failure it
# lists each file, line and rule that differs, and counts as one failed test.
format_failed=0
if ! dotnet format fed-functions.sln --verify-no-changes --verbosity quiet; then
  echo "dotnet format: FAILED (the lines above differ; run: dotnet format fed-functions.sln)"; format_failed=1
fi
mkdir -p TestResults
dotnet test fed-functions.sln -c Release --no-build --nologo --logger "trx" --logger "console;verbosity=normal" --results-directory TestResults 2>&1 | tee TestResults/dotnet-test.log
status=${PIPESTATUS[0]}

passed=0; failed=0
for trx in TestResults/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi   # a crash or build error counts as a failure
if [[ $format_failed -ne 0 ]]; then failed=$((failed + 1)); status=1; fi

mkdir -p TestResults
# The README's first command, end to end: Azurite + the app + a federated series within one interval.
if FED_PORT="${FED_PORT:-7071}" timeout 300 scripts/run-local.sh --smoke > TestResults/run-local.log 2>&1; then
  echo "run-local smoke: passed"; passed=$((passed + 1))
else
  echo "run-local smoke: FAILED (TestResults/run-local.log follows)"; tail -n 40 TestResults/run-local.log; failed=$((failed + 1)); status=1
fi
# The failed tests again, with their messages, just above the count: a CI log is often read from its tail.
if grep -qE '^\s+Failed [A-Za-z]|Test Run Aborted|test host process crashed' TestResults/dotnet-test.log; then
  echo "failed tests (from TestResults/dotnet-test.log):"
  grep -E -A 14 '^\s+Failed [A-Za-z]|Test Run Aborted|test host process crashed' TestResults/dotnet-test.log | head -n 120
fi
echo "tests: $passed passed, $failed failed"
exit $status
