// Feeds PCM to a recognised stream of the speech process as a media worker's tap does: 20 ms
// records at the leg's rate (8 kHz G.711, 16 kHz wideband) on the PCM socket (at 4× real time), then the end record; resolves with every event of
// the stream once 'stream-ended' comes.
import { connect } from 'node:net';
import type { SpeechStreams, StreamEvent } from '../streams.js';
import { pcmRecord } from '../worker/pcm-socket.js';

export async function feedStream(streams: SpeechStreams, pcm: Int16Array, keywords: readonly string[], rate: 8000 | 16000 = 8000): Promise<StreamEvent[]> {
  const frame = rate / 50;
  const events: StreamEvent[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const opened = await streams.open({
    partialEveryMs: 500,
    keywords,
    onEvent: (e) => {
      events.push(e);
      if (e.event === 'stream-ended') ended();
    },
  });
  const sock = connect(opened.socket);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  for (let i = 0; i < pcm.length; i += frame) {
    sock.write(pcmRecord({ stream: opened.stream, rate, pcm: pcm.subarray(i, i + frame) }));
    if ((i / frame) % 4 === 3) await new Promise((r) => setTimeout(r, 20));
  }
  sock.end(pcmRecord({ stream: opened.stream, rate, pcm: new Int16Array(0) }));
  await done;
  return events;
}
