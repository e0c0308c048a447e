// The engine side of the media benches (bench/transcode-harness.ts), in its own process so its CPU
// time and RSS are its own. Driven over IPC: build the scenario's calls or rooms, report totals,
// stop the recordings, close. Endpoints get their phones' formats as call-media would from SDP.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createMediaEngine, sealKeyBytes, type EndpointHandle, type MediaFormat, type RecordingHandle, type RoomHandle } from '../media/index.js';
import { createHeapCollector } from './transcode-gc.js';
import { PAYLOAD_TYPE, type EngineCommand, type EngineTotals, type PhoneCodec, type RecordingTotals } from './transcode-protocol.js';

interface Options {
  portMin: number;
  portMax: number;
  workers: number;
}

const FORMAT: Readonly<Record<PhoneCodec, MediaFormat>> = {
  PCMU: { codec: 'PCMU', payloadType: PAYLOAD_TYPE.PCMU, clockRate: 8000, telephoneEvent: null },
  opus: { codec: 'opus', payloadType: PAYLOAD_TYPE.opus, clockRate: 48000, telephoneEvent: null },
};
/** groups built at once: endpoint creation is a round trip to a worker each */
const BATCH = 32;

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
// warnings and errors of the engine (a worker that crashed, a session that failed) go to stderr
const quiet = (): void => {};
const loud = (fields: object, msg?: string): void => console.error('bench engine:', msg ?? '', JSON.stringify(fields));
const logger = { debug: quiet, info: quiet, warn: loud, error: loud };
const engine = createMediaEngine({ bindAddress: '127.0.0.1', portMin: options.portMin, portMax: options.portMax, workers: options.workers, logger });
engine.on('endpoint-closed', (e) => console.error('bench engine: endpoint closed by a worker crash', e.endpointId));
const endpoints: EndpointHandle[] = [];
const rooms: RoomHandle[] = [];
const recordings: RecordingHandle[] = [];
let recordingDir: string | null = null;
let recordingsStartedAt = 0;
const send = (m: unknown): void => void process.send?.(m);

/** one group: a call (two endpoints) or a room (roomSize endpoints); ports in the phones' order */
async function createGroup(command: Extract<EngineCommand, { type: 'create' }>, g: number, first: number, size: number): Promise<number[]> {
  const group = `${command.scenario}${g}`;
  const made = await Promise.all(Array.from({ length: size }, () => engine.createEndpoint({ group })));
  made.forEach((e, i) => {
    e.setRemote({ address: '127.0.0.1', rtpPort: command.phones[first + i]! });
    e.setFormat(FORMAT[command.codecs[first + i]!]);
  });
  if (command.scenario === 'conference') {
    const room = engine.createRoom({ group, sampleRate: 8000 });
    for (const e of made) room.join(e);
    rooms.push(room);
  } else {
    made[0]!.connect(made[1]!);
  }
  if (command.scenario === 'record') {
    // encryption at rest as the server does it: a fresh random file key per recording (the wrap is made once per file, on the main thread)
    const profile = command.seal ?? 'off';
    const seal = profile === 'off' ? undefined : { profile, key: randomBytes(sealKeyBytes(profile)), wrappedKey: randomBytes(60) };
    recordings.push(engine.startRecording({ path: path.join(recordingDir!, `${group}.wav`), format: 'wav', left: made[0]!, right: made[1]!, ...(seal ? { seal } : {}) }));
  }
  endpoints.push(...made);
  return made.map((e) => e.rtpPort);
}

async function create(command: Extract<EngineCommand, { type: 'create' }>): Promise<number[]> {
  const size = command.scenario === 'conference' ? command.roomSize : 2;
  const groups = Math.floor(command.phones.length / size);
  if (command.scenario === 'record') recordingDir = await mkdtemp(path.join(os.tmpdir(), 'hailing-bench-rec-'));
  recordingsStartedAt = performance.now();
  const ports: number[] = [];
  for (let g = 0; g < groups; g += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, groups - g) }, (_, i) => createGroup(command, g + i, (g + i) * size, size));
    for (const p of await Promise.all(batch)) ports.push(...p);
  }
  return ports;
}

async function stopRecordings(): Promise<RecordingTotals> {
  const wallMs = performance.now() - recordingsStartedAt;
  const settled = await Promise.allSettled(recordings.map((r) => r.stop()));
  const totals: RecordingTotals = { type: 'recordings', count: 0, failed: 0, droppedFrames: 0, bytes: 0, minDurationMs: Infinity, maxDurationMs: 0, wallMs, firstError: null };
  for (const s of settled) {
    if (s.status === 'rejected') {
      totals.failed++;
      totals.firstError ??= String(s.reason);
      continue;
    }
    totals.count++;
    totals.droppedFrames += s.value.droppedFrames;
    totals.bytes += s.value.bytes;
    totals.minDurationMs = Math.min(totals.minDurationMs, s.value.durationMs);
    totals.maxDurationMs = Math.max(totals.maxDurationMs, s.value.durationMs);
  }
  recordings.length = 0;
  if (recordingDir !== null) await rm(recordingDir, { recursive: true, force: true });
  recordingDir = null;
  return totals;
}

process.on('message', (command: EngineCommand) => {
  void (async () => {
    switch (command.type) {
      case 'rss':
        await heaps.collect();
        send({ type: 'rss', rss: process.memoryUsage().rss });
        return;
      case 'create':
        send({ type: 'created', ports: await create(command) });
        return;
      case 'totals': {
        const all = await Promise.all(endpoints.map((e) => e.stats()));
        const sum = (k: 'packetsReceived' | 'packetsSent' | 'packetsDropped'): number => all.reduce((n, s) => n + s[k], 0);
        const totals: EngineTotals = {
          type: 'totals',
          received: sum('packetsReceived'),
          sent: sum('packetsSent'),
          dropped: sum('packetsDropped'),
          atEpochMs: performance.timeOrigin + performance.now(),
        };
        send(totals);
        return;
      }
      case 'stop-recordings':
        send(await stopRecordings());
        return;
      case 'close':
        for (const r of rooms) r.close();
        if (recordingDir !== null) await stopRecordings();
        heaps.close();
        await engine.close();
        send({ type: 'closed' });
        process.exit(0);
    }
  })().catch((err: unknown) => {
    console.error('bench engine:', err);
    process.exit(1);
  });
});

await engine.start();
const heaps = await createHeapCollector();
send({ type: 'ready' });
