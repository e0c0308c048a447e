// Test helpers for the jitter buffer's tests (excluded from the build by tsconfig.build.json).
import { JitterBuffer, JITTER_EMPTY, JITTER_LOST, JITTER_PLAY, type JitterPacket } from './index.js';

export const RATE = 8000;
export const PTIME = 160; // 20 ms of G.711 at 8 kHz

export function packet(): JitterPacket {
  return { ssrc: 0x1234, seq: 0, timestamp: 0, payload: new Uint8Array(1500), offset: 0, length: 160, arrivalMs: 0, samples: 0 };
}

/** pushes a packet whose first two payload bytes carry `tag` so that playout order can be read back */
export function push(jb: JitterBuffer, p: JitterPacket, seq: number, ts: number, arrivalMs: number, tag = seq, length = 160): boolean {
  p.seq = seq & 0xffff;
  p.timestamp = ts >>> 0;
  p.arrivalMs = arrivalMs;
  p.length = length;
  p.payload[0] = (tag >> 8) & 0xff;
  p.payload[1] = tag & 0xff;
  return jb.push(p);
}

export const tagOf = (jb: JitterBuffer): number => (jb.out[0]! << 8) | jb.out[1]!;
const kindName = (k: number): string => (k === JITTER_PLAY ? 'PLAY' : k === JITTER_LOST ? 'LOST' : k === JITTER_EMPTY ? 'EMPTY' : `kind ${k}`);

/** pops once and describes the result: "PLAY 7", "LOST 160", "EMPTY 160" */
export function step(jb: JitterBuffer): string {
  const k = jb.pop();
  return k === JITTER_PLAY ? `PLAY ${tagOf(jb)}` : `${kindName(k)} ${jb.outSamples}`;
}

/** a steady sender: packet i at ts0 + i*160, arriving at i*20 ms, pushed before the pop of tick i */
export function steady(jb: JitterBuffer, seqs: number[], seq0: number, ts0: number): string[] {
  const p = packet();
  const played: string[] = [];
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    if (seq >= 0) push(jb, p, seq0 + seq, ts0 + seq * PTIME, i * 20, seq);
    played.push(step(jb));
  }
  for (let i = 0; i < 6; i++) played.push(step(jb));
  return played;
}

/** mulberry32: a small seeded generator so that the random network is the same on every run */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
