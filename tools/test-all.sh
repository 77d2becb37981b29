#!/usr/bin/env bash
# `npm run test:all`: the whole test suite. `npm test` (unit, integration,
# infrastructure: the one-minute core a developer runs before each commit),
# then the slower suites, each with its own Jest config:
#   test:bundles  the real esbuild bundles, their size ceilings, one template
#                 validated against CloudFormation's schemas
#   test:e2e      the end-to-end files over `npm start` child processes
#   test:browser  the demo page in headless Chromium (Debian's `chromium`)
#   test:rehearse the end-to-end files against `npm run rehearse`
#   test:rehearse:envelope  the same contract, the stack in envelope signing mode
#   test:package  `npm pack`, the tarball installed into a fresh CDK app,
#                 synthesized offline
# Each run ends with `N passed, N failed` (test/support/summary-reporter.js);
# their sum is the last line. Exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
passed=0
failed=0

for step in test test:bundles test:e2e test:browser test:rehearse test:rehearse:envelope test:package; do
  echo "== npm run $step"
  npm run --silent "$step" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  [ "$code" -eq 0 ] || status=$code
  counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -z "$counts" ]; then
    echo "npm run $step printed no counts" >&2
    [ "$status" -ne 0 ] || status=1
    continue
  fi
  read -r p _ f _ <<<"$counts"
  passed=$((passed + p))
  failed=$((failed + f))
done

echo "$passed passed, $failed failed"
exit "$status"
