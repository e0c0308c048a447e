import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from './connections.js';
import { ConnectionRegistry } from './connections.js';
import { groupOf } from './fair-share.js';
import type { Flow } from './types.js';

/** A connection that counts every read of its flow: the registry's work shows up in the count. */
class CountingConnection implements Connection {
  static flowReads = 0;
  readonly id: string;
  readonly inbound: boolean;
  readonly #flow: Flow;
  #open = true;
  readonly #registry: ConnectionRegistry;

  constructor(options: { registry: ConnectionRegistry; id: string; address: string; port: number; inbound?: boolean }) {
    this.id = options.id;
    this.inbound = options.inbound ?? true;
    this.#registry = options.registry;
    this.#flow = { protocol: 'tcp', local: { address: '127.0.0.1', port: 5060 }, remote: { address: options.address, port: options.port }, connectionId: options.id };
  }

  get flow(): Flow {
    CountingConnection.flowReads++;
    return this.#flow;
  }

  isOpen(): boolean {
    return this.#open;
  }
  write(): Promise<void> {
    return Promise.resolve();
  }
  writeKeepalive(): boolean {
    return this.#open;
  }
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#registry.remove(this);
  }
}

function fill(registry: ConnectionRegistry, count: number, address: (i: number) => string, from = 0): CountingConnection[] {
  const out: CountingConnection[] = [];
  for (let i = from; i < from + count; i++) {
    const c = new CountingConnection({ registry, id: `tcp-${i}`, address: address(i), port: 20000 + (i % 40000) });
    assert.equal(registry.admits(c.flow.remote.address), true, `connection ${i} admitted`);
    registry.add(c);
    out.push(c);
  }
  return out;
}

describe('connection table', () => {
  it('issue 18: closing every connection of a full table reads each connection a bounded number of times, however big the table', () => {
    const reads: number[] = [];
    for (const size of [500, 4000]) {
      const registry = new ConnectionRegistry({ maxConnections: size, maxConnectionsPerSource: 100 });
      const conns = fill(registry, size, (i) => `127.1.${Math.floor(i / 100)}.${i % 100}`);
      CountingConnection.flowReads = 0;
      for (const c of conns) c.close();
      assert.equal(registry.size, 0);
      reads.push(CountingConnection.flowReads / size);
      // the table answers for what is left: nothing
      assert.equal(registry.findByRemote('tcp', { address: '127.1.0.1', port: 20001 }), undefined);
    }
    // a scan per removal read every other connection's flow: ~size/2 reads per close
    assert.ok(reads.every((r) => r <= 4), `flow reads per close: ${reads.join(', ')}`);
  });

  it('RFC 3261 18.2.2: with two connections to one remote the newest is reused, and the older one after it closes', () => {
    const registry = new ConnectionRegistry({ maxConnections: 10, maxConnectionsPerSource: 10 });
    const a = new CountingConnection({ registry, id: 'a', address: '127.0.0.9', port: 5070 });
    const b = new CountingConnection({ registry, id: 'b', address: '127.0.0.9', port: 5070 });
    registry.add(a);
    registry.add(b);
    assert.equal(registry.findByRemote('tcp', { address: '127.0.0.9', port: 5070 }), b);
    b.close();
    assert.equal(registry.findByRemote('tcp', { address: '127.0.0.9', port: 5070 }), a);
  });

  it('the per-source limit refuses the N+1th connection from one address while another address is admitted', () => {
    const registry = new ConnectionRegistry({ maxConnections: 100, maxConnectionsPerSource: 3 });
    fill(registry, 3, () => '127.0.5.1');
    assert.equal(registry.admits('127.0.5.1'), false);
    assert.equal(registry.admit('127.0.5.1'), false);
    assert.equal(registry.admit('127.0.5.2'), true);
    // IPv4-mapped IPv6 (a dual-stack listener) is the same source
    assert.equal(registry.admit('::ffff:127.0.5.1'), false);
  });

  it('fairness: a full table gives a newcomer from another /24 the idlest slot of the biggest network', () => {
    const registry = new ConnectionRegistry({ maxConnections: 20, maxConnectionsPerSource: 5 });
    const flood = fill(registry, 20, (i) => `127.0.1.${Math.floor(i / 5) + 1}`);
    // the flood's connections that carried a message lately are kept longest
    for (const c of flood.slice(0, 10)) registry.touch(c);
    // one more from the flood's own /24 gets nothing
    assert.equal(registry.admit('127.0.1.99'), false);
    assert.equal(registry.admits('127.0.2.1'), true);
    assert.equal(registry.admit('127.0.2.1'), true);
    assert.equal(registry.evictions, 1);
    const evicted = flood.filter((c) => !c.isOpen());
    assert.deepEqual(evicted.map((c) => c.id), ['tcp-10'], 'the longest-idle connection goes first');
    registry.add(new CountingConnection({ registry, id: 'new-1', address: '127.0.2.1', port: 30000 }));
    assert.equal(registry.size, 20);
  });

  it('fairness: newcomers take slots until shares are level, never back and forth', () => {
    const registry = new ConnectionRegistry({ maxConnections: 10, maxConnectionsPerSource: 100 });
    fill(registry, 10, (i) => `127.0.1.${i + 1}`);
    let admitted = 0;
    for (let i = 0; i < 20; i++) {
      if (!registry.admit('127.0.2.1')) break;
      registry.add(new CountingConnection({ registry, id: `b-${i}`, address: '127.0.2.1', port: 30000 + i }));
      admitted++;
    }
    // 10 slots between two networks: 5 and 5 (a sixth would leave 4 against 6)
    assert.equal(admitted, 5);
    assert.equal(registry.admit('127.0.1.200'), false, 'the first network cannot take them back');
    assert.equal(registry.size, 10);
  });

  it('a connection we dial may take a slot from the biggest network when the table is full', () => {
    const registry = new ConnectionRegistry({ maxConnections: 4, maxConnectionsPerSource: 100 });
    fill(registry, 4, () => '127.0.3.1');
    assert.equal(registry.admitOutbound(), true);
    assert.equal(registry.size, 3);
  });

  it('fairness groups are IPv4 /24 and IPv6 /64', () => {
    assert.equal(groupOf('192.0.2.77'), groupOf('192.0.2.1'));
    assert.notEqual(groupOf('192.0.2.1'), groupOf('192.0.3.1'));
    assert.equal(groupOf('::ffff:192.0.2.5'), groupOf('192.0.2.1'));
    assert.equal(groupOf('2001:db8:0:1::5'), groupOf('2001:DB8:0:1:ffff::9'));
    assert.equal(groupOf('2001:db8::1'), groupOf('2001:0db8:0000:0000::2'));
    assert.notEqual(groupOf('2001:db8:0:1::5'), groupOf('2001:db8:0:2::5'));
    assert.equal(groupOf('fe80::1%eth0'), groupOf('fe80::2'));
  });
});

describe('pending sockets (TLS handshake, WebSocket upgrade) in the admission limits (issue 18)', () => {
  it('held sockets count against their source and all together against maxConnections; release is idempotent', () => {
    const registry = new ConnectionRegistry({ maxConnections: 3, maxConnectionsPerSource: 2 });
    const a1 = registry.hold('192.0.2.1');
    const a2 = registry.hold('::ffff:192.0.2.1');
    assert.ok(a1 && a2);
    assert.equal(registry.hold('192.0.2.1'), undefined, 'a third from the same source');
    assert.equal(registry.admits('192.0.2.1'), false, 'nor a connection while two handshakes are pending');
    assert.ok(registry.hold('198.51.100.1'));
    assert.equal(registry.hold('203.0.113.1'), undefined, 'three pending in all: the global cap');
    a1();
    a1();
    assert.equal(registry.pending, 2);
    assert.equal(registry.admits('192.0.2.1'), true, 'the finished handshake becomes a connection');
  });
});
