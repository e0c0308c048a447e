// A phone's media made with sox (an independent G.711 µ-law coder) for node-sip UAs in call tests:
// it sends a tone as RTP and keeps what it receives; and which of some tones is loudest at the end
// of a recording (what a phone heard last).
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rtpPacket } from './rtp-peer.js';
import { describeLevels, measureTones } from './tones.js';

export interface ToneSender {
  readonly port: number;
  /** start sending 20 ms PCMU packets of the tone to `to` */
  start(to: { address: string; port: number }): void;
  /** what was received so far, as a WAV file */
  heard(): string;
  close(): void;
}

export async function toneSender(o: { address: string; hz: number; work: string }): Promise<ToneSender> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, o.address, () => resolve()));
  const raw = join(o.work, `tone-${o.hz}.ul`);
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'raw', raw, 'synth', '30', 'sine', String(o.hz), 'vol', '0.5']);
  const tone = readFileSync(raw);
  const got: Buffer[] = [];
  socket.on('message', (m) => {
    // RFC 3550 §5.1: a 12-byte header (no CSRC, no extension from the engine), PCMU payload type 0
    if (m.length > 12 && (m[1]! & 0x7f) === 0) got.push(m.subarray(12));
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    port: socket.address().port,
    start(to) {
      let seq = 0;
      const ssrc = 0x5eed;
      timer = setInterval(() => {
        const offset = (seq * 160) % (tone.length - 160);
        socket.send(rtpPacket({ payloadType: 0, seq: seq & 0xffff, timestamp: seq * 160, ssrc, marker: seq === 0, payload: tone.subarray(offset, offset + 160) }), to.port, to.address);
        seq++;
      }, 20);
    },
    heard() {
      const file = join(o.work, `heard-${Date.now()}.ul`);
      writeFileSync(file, Buffer.concat(got));
      const wav = `${file}.wav`;
      execFileSync('sox', ['-t', 'raw', '-r', '8000', '-c', '1', '-e', 'u-law', file, wav]);
      return wav;
    },
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}

/** the loudest of `hz` in the last seconds of `file` (a WAV), with the levels measured as text */
export async function loudestAtEnd(file: string, hz: readonly number[]): Promise<{ hz: number; text: string; lengthS: number }> {
  const lengthS = Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
  const t = await measureTones({ file, hz, startS: Math.max(0.5, lengthS - 3), durationS: 2.5 });
  const [loudest] = [...t.levels].sort((a, b) => b[1] - a[1])[0]!;
  return { hz: loudest, text: describeLevels(t), lengthS };
}
