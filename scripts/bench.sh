#!/usr/bin/env bash
# Prints the benchmark figures (bench/). Nothing here asserts; compare with the issue's targets.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== SIP parse/serialize"; node --import tsx bench/sip-parse.ts
echo "== REGISTER throughput and binding memory (compiled build, as npm start runs it)"
npm run build --silent
HAILING_TEST_DIST=1 node --import tsx bench/register.ts
echo "== SIP connection table: 10,000 idle connections with a partial message close at once (main-thread CPU, UDP OPTIONS meanwhile)"
node --import tsx bench/connections.ts --connections 10000 --env HAILING_SIP_READ_TIMEOUT_MS=600000
echo "== REGISTER from SIPp (Debian's sip-tester, MD5) at 10,000/s offered (compiled build)"
HAILING_TEST_DIST=1 node --import tsx bench/register-sipp.ts
echo "== REGISTER flood with bogus credentials from 100 sources: a phone's registrations, OPTIONS answered, RSS"
HAILING_TEST_DIST=1 node --import tsx bench/register-flood.ts
echo "== Admin login guessing: 16 parallel clients, then 200 wrong passwords and the right one"
HAILING_TEST_DIST=1 node --import tsx bench/login-flood.ts
echo "== Call setup through the B2BUA (compiled build): fixed rate, then a saturation ramp"
HAILING_TEST_DIST=1 node --import tsx bench/calls.ts
echo "== Call records: the store writes of a call alone (begin, answer, end, final record), process CPU per call"
node --import tsx bench/call-records.ts --calls 2000 --rate 200 --rounds 1
echo "== IVR: step latency (key → next prompt's first frame) with 200 concurrent flows, TTS cache hit rate, CPU per IVR call (engine and cache; no SIP/RTP)"
node --import tsx bench/ivr.ts --calls 200
echo "== IVR through SIP and the media workers: 200 callers, key (RFC 4733) → next prompt's first audible RTP packet, key → BYE, TTS cache hit rate, server CPU per IVR call"
HAILING_TEST_DIST=1 node --import tsx bench/ivr-calls.ts --calls 200 --spread-s 5
echo "== ACD routing decision latency: 1,000 waiting / 500 agents / 50 queues with skills, then 5,000 / 2,000"
node --import tsx bench/acd.ts
echo "== ACD events to 50 WebSocket wallboard clients at 100 calls/s: delivery latency p50/p99 and CPU"
node --import tsx bench/acd-wallboard.ts
echo "== Call setup through a carrier trunk beside extension to extension, same run: 100 calls/s INVITE→180 p95, and each sustained rate"
HAILING_TEST_DIST=1 node --import tsx bench/calls.ts --mode both --rate 100 --trunk --settle-s 0 --ramp-start 150 --ramp-step 50 --ramp-max 450 --step-duration 5
echo "== RTP relay: concurrent G.711 calls, media both ways (engine in its own process)"
node --import tsx bench/relay.ts --calls 1000 --seconds 20
echo "== Media: transcoded G.711 ↔ Opus calls, then as many relayed calls (engine in its own process)"
node --import tsx bench/transcode.ts --calls 150 --seconds 15
echo "== Media: conferences of 5 at 8 kHz"
node --import tsx bench/conference.ts --participants 300 --room-size 5 --seconds 15
echo "== Media: relayed calls recorded in stereo WAV"
node --import tsx bench/recording.ts --calls 500 --seconds 15
echo "== Web console: gzip JS for the first screen (budget 350 KB) and navigation to interactive, headless Chromium, cold cache"
node --import tsx bench/console.ts
echo "== Speech: Silero VAD chunks per CPU-second at 8 kHz, espeak-ng time to first audio (20-character prompt)"
node --import tsx bench/speech.ts --seconds 20 --runs 10
echo "== Provisioning: time to a 401 for an enrolled and an unknown MAC (must not tell them apart)"
node --import tsx bench/provisioning.ts 20000
