#!/usr/bin/env bash
# Runs every test (unit, Azurite storage, end-to-end with a real Prometheus) and prints
# "tests: N passed, N failed" counted from the test results.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test || exit 1
rm -rf TestResults
dotnet build fed-functions.sln -c Release --nologo --verbosity quiet || { echo "tests: 0 passed, 1 failed"; exit 1; }
dotnet test fed-functions.sln -c Release --no-build --nologo --logger "trx" --logger "console;verbosity=normal" --results-directory TestResults
status=$?

passed=0; failed=0
for trx in TestResults/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi   # a crash or build error counts as a failure
echo "tests: $passed passed, $failed failed"
exit $status
