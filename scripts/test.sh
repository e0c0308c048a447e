#!/usr/bin/env bash
# The README's test command (`npm ci && npm test`) lands here: install the Debian peers the tests
# drive when they are missing, then typecheck, lint and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm run --silent typecheck
npx eslint .
# the console the acceptance tests drive in Chromium (web/dist), rebuilt when its sources changed
node scripts/web-build.mjs
node scripts/run-tests.mjs "$@"
