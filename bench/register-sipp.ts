// REGISTER load from SIPp (Debian's sip-tester), the way an operator measures a registrar: a high
// offered rate, every registration challenged and authenticated (MD5: Debian's SIPp knows no
// other). Prints SIPp's successes, failures, rate and retransmissions, and what the failures were
// answered with. Asserts nothing. BENCH_SIPP_RATE, BENCH_SIPP_CALLS, BENCH_USERS tune it.
import { startHailing } from '../test/helpers/hailing-process.js';
import { REGISTER_SCENARIO, SIPP_HAILING_ENV, injectUser, runSipp, unexpectedAnswers } from '../test/helpers/sipp.js';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const RATE = Number(process.env.BENCH_SIPP_RATE ?? 10_000);
const CALLS = Number(process.env.BENCH_SIPP_CALLS ?? 30_000);
const FIRST = 300000;

async function main() {
  const server = await startHailing({
    env: {
      ...SIPP_HAILING_ENV,
      HAILING_LOG_LEVEL: 'warn',
      HAILING_RATE_LIMIT_PER_SECOND: '1000000',
      HAILING_RATE_LIMIT_BURST: '1000000',
    },
  });
  try {
    for (let i = 0; i < USERS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, USERS - i) }, (_, k) => {
          const n = String(FIRST + i + k);
          return server.api('POST', '/api/v1/extensions', { number: n, password: `sipp-pass-${n}` });
        }),
      );
    }
    const inject = Array.from({ length: USERS }, (_, i) => injectUser(String(FIRST + i), `sipp-pass-${FIRST + i}`));
    const run = await runSipp({
      scenario: REGISTER_SCENARIO,
      target: `127.0.0.1:${server.ports.sip}`,
      inject,
      calls: CALLS,
      rate: RATE,
      timeoutSeconds: 120,
      // SIPp's defaults otherwise, as the run: UDP retransmissions, then a failed call
    });
    const s = run.stats;
    console.log(
      `SIPp REGISTER, offered ${RATE}/s, ${CALLS} registrations over ${USERS} extensions: ` +
        (s
          ? `${s.successful} succeeded, ${s.failed} failed, ${s.callRate.toFixed(0)}/s over ${s.elapsedSeconds} s, ${s.retransmissions} retransmissions`
          : `no statistics (exit ${run.code})`) +
        `; unexpected answers in SIPp's error log: ${JSON.stringify(unexpectedAnswers(run.errors))}`,
    );
  } finally {
    await server.kill('SIGTERM');
  }
}

await main();
