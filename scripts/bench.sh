#!/usr/bin/env bash
# Prints the benchmark figures (bench/). Nothing here asserts; compare with the issue's targets.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== SIP parse/serialize"; node --import tsx bench/sip-parse.ts
echo "== REGISTER throughput and binding memory"; node --import tsx bench/register.ts
