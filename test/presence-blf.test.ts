// Acceptance (issue 12, BLF): a node-sip subscriber (npm `sip`, an independent SIP implementation)
// watches extension 1002 with the dialog event package (RFC 4235) while baresip 1001 calls
// baresip 1002: it sees early with the caller as remote identity, then confirmed, then
// terminated, each in a NOTIFY of the subscription with the next version; a refresh gets the full
// state, an unsubscribe a terminated NOTIFY; an unknown package gets 489 (RFC 6665 §4.2.1.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { startSubscriber, type ReceivedNotify, type Subscriber } from './helpers/node-sip-subscriber.js';
import { freePort } from './helpers/ports.js';

const DOMAIN = '127.0.0.1';

/** RFC 4235 §4.1: the dialog-info document's attributes and its dialogs' states and remote identities */
function dialogInfo(n: ReceivedNotify) {
  const root = /<dialog-info\b([^>]*)>/.exec(n.body)?.[1] ?? '';
  const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(root)?.[1];
  const dialogs = [...n.body.matchAll(/<dialog\s([^>]*)>([\s\S]*?)<\/dialog>/g)].map((m) => ({
    direction: /direction="([^"]*)"/.exec(m[1]!)?.[1],
    state: /<state[^>]*>([^<]*)<\/state>/.exec(m[2]!)?.[1],
    remote: /<remote>\s*<identity[^>]*>([^<]*)<\/identity>/.exec(m[2]!)?.[1],
  }));
  return { version: Number(attr('version')), state: attr('state'), entity: attr('entity'), dialogs };
}

describe('BLF: the dialog event package (RFC 4235) with a node-sip subscriber and baresip phones', () => {
  let rig: ExtensionPhones;
  let watcher: Subscriber;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003']);
    watcher = startSubscriber({ port: await freePort(), user: '1003', password: 'secret-1003', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, target: '1002', event: 'dialog' });
  });

  after(async () => {
    watcher?.close();
    await rig?.close();
  });

  it('RFC 6665 4.2.1.1: a SUBSCRIBE for a package Hailing does not know gets 489 Bad Event', { timeout: 30_000 }, async () => {
    const other = startSubscriber({ port: await freePort(), user: '1003', password: 'secret-1003', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, target: '1002', event: 'x-unknown-package' });
    try {
      assert.equal(await other.subscribe({ expires: 600 }), 489);
    } finally {
      other.close();
    }
  });

  it('the watcher sees 1002 early with the caller 1001, then confirmed, then terminated, versions counting up', { timeout: 120_000 }, async () => {
    assert.equal(await watcher.subscribe({ expires: 600, accept: 'application/dialog-info+xml' }), 200);
    const first = await watcher.waitForNotify((n) => n.event.startsWith('dialog'));
    assert.equal(first.contentType, 'application/dialog-info+xml');
    assert.match(first.state, /^active;expires=\d+/);
    const full = dialogInfo(first);
    assert.equal(full.state, 'full');
    assert.equal(full.entity, `sip:1002@${DOMAIN}`);
    assert.equal(full.dialogs.length, 0, 'an idle extension has no dialogs');

    const caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const callee = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await caller.dial(`sip:1002@${DOMAIN}`);
    await callee.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    const early = await watcher.waitForNotify((n) => dialogInfo(n).dialogs.some((d) => d.state === 'early'));
    const earlyDialog = dialogInfo(early).dialogs.find((d) => d.state === 'early')!;
    assert.equal(earlyDialog.direction, 'recipient');
    assert.equal(earlyDialog.remote, `sip:1001@${DOMAIN}`, 'the caller, so the phone can show it and offer pickup');

    await callee.answer();
    await callee.waitForEvent({ type: 'CALL_ESTABLISHED' });
    const confirmed = await watcher.waitForNotify((n) => dialogInfo(n).dialogs.some((d) => d.state === 'confirmed'));
    await caller.hangup();
    await callee.waitForEvent({ type: 'CALL_CLOSED' });
    const terminated = await watcher.waitForNotify((n) => dialogInfo(n).dialogs.some((d) => d.state === 'terminated'));
    assert.equal(dialogInfo(terminated).state, 'partial', 'changes go out as partial state');
    // RFC 4235 4.1: the version grows by exactly one per NOTIFY of the subscription
    const versions = watcher.notifies.map((n) => dialogInfo(n).version);
    assert.deepEqual(versions, versions.map((_, i) => versions[0]! + i));
    assert.ok(dialogInfo(early).version < dialogInfo(confirmed).version && dialogInfo(confirmed).version < dialogInfo(terminated).version);
    await Promise.all([caller.stop(), callee.stop()]);
  });

  it('RFC 6665 4.2.1.2 / 4.2.1.4: a refresh gets the full state again; Expires 0 ends the subscription with a terminated NOTIFY', { timeout: 30_000 }, async () => {
    const since = watcher.notifies.length;
    assert.equal(await watcher.subscribe({ expires: 300 }), 200);
    const refreshed = await watcher.waitForNotify(() => true, { since });
    assert.equal(dialogInfo(refreshed).state, 'full');
    assert.match(refreshed.state, /^active;expires=(29\d|300)$/);
    assert.equal(await watcher.subscribe({ expires: 0 }), 200);
    const last = await watcher.waitForNotify((n) => n.state.startsWith('terminated'), { since });
    assert.ok(last);
  });
});
