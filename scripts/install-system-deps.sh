#!/usr/bin/env bash
# Debian packages the tests drive as real peers (TESTING.md). Installed when missing and running
# as root; otherwise stop with the exact line to run.
set -euo pipefail
need=()
command -v baresip >/dev/null 2>&1 || need+=(baresip-core)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# WebRTC calls from a real browser (playwright-core drives it); opusdec decodes Ogg/Opus recordings
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v opusdec >/dev/null 2>&1 || need+=(opus-tools)
# a Chinese font, so the console's zh-CN / zh-TW screenshots (test-output/console/) show Hanzi, not boxes
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
# SIPp, the load and scenario tool operators point at a PBX first (registration and call tests)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
# on-device speech: espeak-ng speaks the dial plan's "say" prompts and the speech tests' utterances
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
# flite speaks English prompts (clearer on a phone line than espeak-ng); pocketsphinx with its
# TIDIGITS test model is the independent judge of what our TTS says (test/helpers/pocketsphinx.ts)
command -v flite >/dev/null 2>&1 || need+=(flite)
command -v pocketsphinx_batch >/dev/null 2>&1 || need+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/test/data/tidigits ] || need+=(pocketsphinx-testdata)
# provisioning: curl fetches the phone configs as an independent HTTP digest client, python3's XML
# parser reads the Poly and Grandstream files
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# directory sign-in: a real OpenLDAP server (slapd, with slapadd) that the LDAP tests start
[ -x /usr/sbin/slapd ] || need+=(slapd)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing Debian packages for the tests: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # another apt/dpkg (unattended-upgrades, a second test run) may hold the lock: wait for it
  lock=(-o DPkg::Lock::Timeout=300)
  apt-get "${lock[@]}" update -qq
  apt-get "${lock[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "The tests need Debian packages that are missing. Run as root:" >&2
  echo "  apt-get install -y ${need[*]}" >&2
  exit 1
fi
