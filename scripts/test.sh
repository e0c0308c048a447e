#!/usr/bin/env bash
# The README's test command (`npm ci && npm test`) lands here: install the Debian peers the tests
# drive when they are missing, then typecheck, lint and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npx tsc -p tsconfig.json --noEmit
npx eslint .
node scripts/run-tests.mjs "$@"
