// Two node-sip phones on one Hailing for call tests: a callee UA registered as every callee
// extension (answering each call), and a caller UA. The extensions are created through the API.
import assert from 'node:assert/strict';
import type { HailingProcess } from './hailing-process.js';
import { freePort } from './ports.js';
import { startSipUa, type Dialog, type OutgoingCall, type SipUa } from './sip-ua.js';
import { within } from './waiting.js';

export interface SipCallRigOptions {
  readonly server: HailingProcess;
  /** the calling extension */
  readonly caller: string;
  /** extensions the callee UA registers as */
  readonly callees: readonly string[];
  readonly password: (extension: string) => string;
  /** the phones' own loopback address (node-sip needs one other than the server's) */
  readonly address: string;
  readonly domain: string;
  /** where the UAs go, for the test's after() to close */
  readonly uas: SipUa[];
}

export interface SipCallRig {
  /** the callee UA */
  readonly phone: SipUa;
  readonly caller: SipUa;
  /** waits for the call's 200 and returns its dialog */
  answered(call: OutgoingCall): Promise<Dialog>;
}

export async function startSipCallRig(o: SipCallRigOptions): Promise<SipCallRig> {
  const target = { host: '127.0.0.1', port: o.server.ports.sip };
  for (const n of [o.caller, ...o.callees]) {
    const r: { status: number; body: unknown } = await o.server.api('POST', '/api/v1/extensions', { number: n, password: o.password(n), displayName: `Ext ${n}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const phone = await startSipUa({ address: o.address, port: await freePort(o.address), domain: o.domain, server: target, incoming: { kind: 'answer' } });
  o.uas.push(phone);
  for (const n of o.callees) assert.equal(await phone.register({ user: n, password: o.password(n) }), 200);
  const caller = await startSipUa({ address: o.address, port: await freePort(o.address), domain: o.domain, server: target });
  o.uas.push(caller);
  return {
    phone,
    caller,
    async answered(call) {
      const final = await within(call.final, 15_000, `the answer to ${call.callId}`);
      assert.equal(final.status, 200, `call ${call.callId}`);
      const dialog = call.dialog();
      assert.ok(dialog);
      return dialog;
    },
  };
}
