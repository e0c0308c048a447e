// Acceptance (issue 12, BLF list URIs, RFC 4662): a ring group's number is a resource list of its
// members. A node-sip subscriber (an independent SIP implementation) that supports eventlist gets
// one multipart/related NOTIFY (RFC 2387) with the list's RLMI document and a dialog-info document
// per member, then, while baresip 1001 calls member 1002, NOTIFYs that carry only 1002 (fullState
// false) with its early and confirmed states. A subscriber without eventlist gets 421 and
// `Require: eventlist`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { startSubscriber, type ReceivedNotify, type Subscriber } from './helpers/node-sip-subscriber.js';
import { freePort } from './helpers/ports.js';

const DOMAIN = '127.0.0.1';

/**
 * The body's parts by RFC 2046 §5.1.1 rules: headers, blank line, body, between boundary lines.
 * node-sip keeps only the media type of Content-Type, so the boundary is read from the first line.
 */
function parts(n: ReceivedNotify) {
  const boundary = /^--(\S+)\r\n/.exec(n.body)?.[1];
  assert.ok(boundary, `a boundary line opens the body: ${n.body.slice(0, 80)}`);
  return n.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((raw) => {
      const [head = '', ...rest] = raw.replace(/^\r\n/, '').split('\r\n\r\n');
      const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(head)?.[1]?.trim();
      return { id: header('Content-ID'), type: header('Content-Type') ?? '', body: rest.join('\r\n\r\n') };
    });
}

/** RLMI (RFC 4662 §5.2) and each member's dialog-info (RFC 4235) from one list NOTIFY */
function listState(n: ReceivedNotify) {
  const [root, ...members] = parts(n);
  assert.ok(root && root.type.startsWith('application/rlmi+xml'), `the first part is the RLMI: ${root?.type}`);
  const list = /<list\b([^>]*)>/.exec(root.body)?.[1] ?? '';
  const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(list)?.[1];
  const resources = [...root.body.matchAll(/<resource uri="([^"]+)">\s*<instance [^>]*cid="([^"]+)"/g)].map((m) => ({ uri: m[1]!, cid: m[2]! }));
  const docs = members.map((p) => ({
    cid: p.id?.replace(/^<|>$/g, ''),
    entity: /entity="([^"]*)"/.exec(p.body)?.[1],
    states: [...p.body.matchAll(/<state[^>]*>([^<]*)<\/state>/g)].map((m) => m[1]),
  }));
  // each resource's instance points at its part (cid), and every part is one of them
  for (const r of resources) assert.ok(docs.some((d) => d.cid === r.cid && d.entity === r.uri), `${r.uri} has its part`);
  return { uri: attr('uri'), version: Number(attr('version')), fullState: attr('fullState'), resources: resources.map((r) => r.uri), docs };
}

describe('BLF list URIs: resource lists (RFC 4662) over the dialog package', () => {
  let rig: ExtensionPhones;
  let watcher: Subscriber;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003', '1004']);
    const entry = await rig.server.api('POST', '/api/v1/dialplan', { pattern: '650', steps: [{ kind: 'ring-group', strategy: 'simultaneous', members: ['1002', '1003'], memberTimeoutS: 30 }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    watcher = startSubscriber({ port: await freePort(), user: '1004', password: 'secret-1004', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, target: '650', event: 'dialog' });
  });

  after(async () => {
    watcher?.close();
    await rig?.close();
  });

  it('RFC 4662 §5.1: a subscriber without eventlist support is told it is required (421)', { timeout: 30_000 }, async () => {
    const plain = startSubscriber({ port: await freePort(), user: '1004', password: 'secret-1004', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, target: '650', event: 'dialog' });
    try {
      assert.equal(await plain.subscribe({ expires: 600 }), 421);
    } finally {
      plain.close();
    }
  });

  it('the list NOTIFY holds every member, then only the member whose call changed', { timeout: 120_000 }, async () => {
    assert.equal(await watcher.subscribe({ expires: 600, supported: 'eventlist', accept: 'multipart/related, application/rlmi+xml, application/dialog-info+xml' }), 200);
    const first = await watcher.waitForNotify((n) => n.event.startsWith('dialog'));
    assert.match(first.contentType, /^multipart\/related/);
    assert.equal(first.require, 'eventlist');
    const full = listState(first);
    assert.deepEqual({ uri: full.uri, version: full.version, fullState: full.fullState, resources: full.resources }, { uri: `sip:650@${DOMAIN}`, version: 0, fullState: 'true', resources: [`sip:1002@${DOMAIN}`, `sip:1003@${DOMAIN}`] });
    assert.deepEqual(full.docs.map((d) => d.states), [[], []], 'idle members have no dialogs');

    const caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const callee = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    const since = watcher.notifies.length;
    await caller.dial(`sip:1002@${DOMAIN}`);
    await callee.waitForEvent({ type: 'CALL_INCOMING' });
    const early = await watcher.waitForNotify((n) => n.body.includes('>early<'), { since });
    const ringing = listState(early);
    assert.equal(ringing.fullState, 'false');
    assert.ok(ringing.version > full.version);
    assert.deepEqual(ringing.resources, [`sip:1002@${DOMAIN}`], 'only the member that changed');
    await callee.answer();
    const confirmed = await watcher.waitForNotify((n) => n.body.includes('>confirmed<'), { since });
    const talking = listState(confirmed);
    assert.deepEqual(talking.resources, [`sip:1002@${DOMAIN}`]);
    assert.ok(talking.version > ringing.version);
    await caller.hangup();
  });
});
