#!/usr/bin/env bash
# Prints the benchmark figures (bench/). Nothing here asserts; compare with the issue's targets.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== SIP parse/serialize"; node --import tsx bench/sip-parse.ts
echo "== REGISTER throughput and binding memory (compiled build, as npm start runs it)"
npm run build --silent
HAILING_TEST_DIST=1 node --import tsx bench/register.ts
