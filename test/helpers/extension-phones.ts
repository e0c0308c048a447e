// A Hailing process with some extensions (password `secret-<number>`) and baresip phones that
// register to them over UDP: the setup the dial plan acceptance tests share.
import assert from 'node:assert/strict';
import { registeredPhone, stopPhones, type Phone, type PhoneOptions } from './baresip.js';
import { startHailing, type HailingProcess } from './hailing-process.js';

export interface ExtensionPhones {
  readonly server: HailingProcess;
  /** a registered phone for `user`: its tone and answer mode, and a SIP trace when asked */
  phone(user: string, o: Pick<PhoneOptions, 'tone' | 'answerMode' | 'sipTrace'>): Promise<Phone>;
  /** every phone started, in the order they were started */
  readonly phones: readonly Phone[];
  close(): Promise<void>;
}

export async function startExtensionPhones(numbers: readonly string[], env?: Record<string, string>): Promise<ExtensionPhones> {
  const server = await startHailing(env ? { env } : {});
  const phones: Phone[] = [];
  for (const n of numbers) {
    const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return {
    server,
    phones,
    phone: (user, o) => registeredPhone({ user, password: `secret-${user}`, domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', ...o }, phones),
    async close() {
      await stopPhones(phones);
      await server.kill();
    },
  };
}

/**
 * The rest of a two-party call once the caller has dialled: the callee (manual answer) rings and
 * answers after `pauseMs`, the two talk for `talkMs`, the caller hangs up, both phones stop.
 * Returns the audio each phone decoded (what it heard).
 */
export async function answerTalkHangUp(o: { caller: Phone; callee: Phone; pauseMs: number; talkMs: number }): Promise<{ callerHeard: string; calleeHeard: string }> {
  const { caller, callee } = o;
  await callee.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
  await new Promise((r) => setTimeout(r, o.pauseMs));
  await callee.answer();
  await callee.waitForEvent({ type: 'CALL_ESTABLISHED' });
  await new Promise((r) => setTimeout(r, o.talkMs));
  await caller.hangup();
  await callee.waitForEvent({ type: 'CALL_CLOSED' });
  await Promise.all([caller.stop(), callee.stop()]);
  const [callerHeard] = caller.decodedDumps();
  const [calleeHeard] = callee.decodedDumps();
  assert.ok(callerHeard && calleeHeard, 'both phones wrote decoded dumps');
  return { callerHeard, calleeHeard };
}
