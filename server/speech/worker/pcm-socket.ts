// The speech process's PCM inlet: a Unix stream socket that media workers (worker threads) write
// to directly, so audio never passes through the main thread's event loop. Records are
//   u32 stream id | u32 sample rate | u32 byte length | 16-bit little-endian PCM
// all little-endian; a record of length 0 ends the stream. VAD runs per stream; when inference
// falls behind by more than `maxQueuedChunks`, chunks are dropped and counted, never queued forever.
import { createServer, type Server, type Socket } from 'node:net';
import { SileroVad, type VadRate } from '../vad/silero.js';
import { VadSegmenter, type SegmenterEvent } from '../vad/segmenter.js';
import type { SpeechEvent } from './protocol.js';
import type { StreamAsrConfig } from './stream-asr.js';

const HEADER = 12;

interface StreamState {
  vad: SileroVad | null;
  segmenter: VadSegmenter | null;
  pending: Int16Array[];
  carry: Int16Array;
  busy: boolean;
  dropped: number;
  ended: boolean;
  /** the stream is recognised (stream-asr.ts, online-stream-asr.ts) */
  asr: StreamRecognition | null;
}

export interface PcmInletOptions {
  path: string;
  emit: (e: SpeechEvent) => void;
  maxQueuedChunks?: number;
  /** streams to recognise, by id (the speech process fills it on 'stream-asr'); taken when a stream starts */
  asrConfigs?: Map<number, StreamAsrConfig>;
  /** the recognition of a stream with a config (the speech process knows which recogniser it names) */
  createAsr?: (o: { stream: number; config: StreamAsrConfig; rate: number; chunkMs: number }) => StreamRecognition;
}

/** what the inlet feeds: each VAD chunk with the segmenter's event, the VAD's flush, the stream's end */
export interface StreamRecognition {
  push(chunk: Int16Array, ev: SegmenterEvent | null): void;
  final(startMs: number, endMs: number): void;
  end(): void;
}

export function startPcmInlet(options: PcmInletOptions): Promise<Server> {
  const maxQueued = options.maxQueuedChunks ?? 64;
  const streams = new Map<number, StreamState>();

  const pump = async (id: number, s: StreamState): Promise<void> => {
    if (s.busy || !s.vad || !s.segmenter) return;
    s.busy = true;
    try {
      for (let chunk = s.pending.shift(); chunk; chunk = s.pending.shift()) {
        const ev = s.segmenter.push(await s.vad.probability(chunk));
        if (ev?.type === 'start') options.emit({ event: 'vad-start', stream: id, atMs: ev.atMs });
        else if (ev?.type === 'end') options.emit({ event: 'vad-end', stream: id, segment: ev.segment });
        s.asr?.push(chunk, ev);
      }
      if (s.ended) {
        const ev = s.segmenter.flush();
        if (ev?.type === 'end') {
          options.emit({ event: 'vad-end', stream: id, segment: ev.segment });
          s.asr?.final(ev.segment.startMs, ev.segment.endMs);
        }
        s.asr?.end();
        if (s.dropped > 0) options.emit({ event: 'stream-dropped', stream: id, frames: s.dropped });
        await s.vad.release();
        streams.delete(id);
        options.asrConfigs?.delete(id);
        options.emit({ event: 'stream-ended', stream: id });
      }
    } finally {
      s.busy = false;
    }
    // records that arrived while the last chunk ran
    if (s.pending.length > 0 || (s.ended && streams.has(id))) await pump(id, s);
  };

  const onRecord = async (id: number, rate: number, pcm: Int16Array): Promise<void> => {
    let s = streams.get(id);
    if (!s) {
      s = { vad: null, segmenter: null, pending: [], carry: new Int16Array(0), busy: false, dropped: 0, ended: false, asr: null };
      streams.set(id, s);
      const vadRate = (rate === 16000 ? 16000 : 8000) as VadRate;
      const vad = await SileroVad.create({ rate: vadRate });
      s.vad = vad;
      s.segmenter = new VadSegmenter({ chunkMs: vad.chunkMs });
      const config = options.asrConfigs?.get(id);
      if (config !== undefined && options.createAsr !== undefined) {
        s.asr = options.createAsr({ stream: id, config, rate: vadRate, chunkMs: vad.chunkMs });
      }
    }
    if (pcm.length === 0) s.ended = true;
    else {
      const n = s.vad?.chunkSamples ?? (rate === 16000 ? 512 : 256);
      const all = new Int16Array(s.carry.length + pcm.length);
      all.set(s.carry);
      all.set(pcm, s.carry.length);
      let o = 0;
      for (; o + n <= all.length; o += n) {
        if (s.pending.length >= maxQueued) s.dropped++;
        else s.pending.push(all.slice(o, o + n));
      }
      s.carry = all.slice(o);
    }
    // not awaited: the socket keeps reading (and dropping when behind) while inference runs
    void pump(id, s);
  };

  const onSocket = (sock: Socket): void => {
    let buf: Buffer = Buffer.alloc(0);
    let chain = Promise.resolve();
    sock.on('data', (data: Buffer) => {
      buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
      while (buf.length >= HEADER) {
        const len = buf.readUInt32LE(8);
        if (buf.length < HEADER + len) break;
        const id = buf.readUInt32LE(0);
        const rate = buf.readUInt32LE(4);
        const body = buf.subarray(HEADER, HEADER + len);
        const pcm = new Int16Array(len / 2);
        for (let i = 0; i < pcm.length; i++) pcm[i] = body.readInt16LE(i * 2);
        buf = buf.subarray(HEADER + len);
        // records of one socket are handled in order; a stream's VAD runs in `pump`
        chain = chain.then(() => onRecord(id, rate, pcm)).catch(() => undefined);
      }
    });
    sock.on('error', () => sock.destroy());
  };

  return new Promise((resolve, reject) => {
    const server = createServer(onSocket);
    server.once('error', reject);
    server.listen(options.path, () => resolve(server));
  });
}

/** one PCM record in the inlet's framing (what a media worker writes) */
export function pcmRecord(options: { stream: number; rate: number; pcm: Int16Array }): Buffer {
  const out = Buffer.alloc(HEADER + options.pcm.length * 2);
  out.writeUInt32LE(options.stream, 0);
  out.writeUInt32LE(options.rate, 4);
  out.writeUInt32LE(options.pcm.length * 2, 8);
  for (let i = 0; i < options.pcm.length; i++) out.writeInt16LE(options.pcm[i] as number, HEADER + i * 2);
  return out;
}
