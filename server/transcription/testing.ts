// For live transcription's unit tests: the speech process stood in for by the events it would send
// on a call's streams. A call with two party endpoints is answered; `say` sends the caller leg's
// recogniser events, `sinks` holds each opened stream's event listener (caller first), `opened` the
// keywords each stream was opened with; what is published and stored is collected.
import type { EndpointHandle } from '../../media/index.js';
import type { SpeechStreams, StreamEvent } from '../speech/streams.js';
import type { TranscriptEventJson } from '../api/index.js';
import { LiveTranscription, type LiveTranscriptionOptions } from './live.js';

const fakeEndpoint = (): EndpointHandle => ({ on: () => () => {}, startSpeechTap() {}, stopSpeechTap() {} }) as unknown as EndpointHandle;

export interface LiveRig {
  readonly live: LiveTranscription;
  readonly sinks: ((e: StreamEvent) => void)[];
  readonly opened: (readonly string[])[];
  readonly published: TranscriptEventJson[];
  /** the text of each stored live segment */
  readonly stored: string[];
  say(event: 'asr-partial' | 'asr-final', startMs: number, text: string): void;
}

export async function liveRig(o: Omit<LiveTranscriptionOptions, 'streams' | 'store'> & { readonly callId?: string }): Promise<LiveRig> {
  const sinks: ((e: StreamEvent) => void)[] = [];
  const opened: (readonly string[])[] = [];
  const streams = {
    open: async (s: { keywords?: readonly string[]; onEvent: (e: StreamEvent) => void }) => {
      sinks.push(s.onEvent);
      opened.push(s.keywords ?? []);
      return { stream: sinks.length, socket: '/nowhere', close() {} };
    },
  } as unknown as SpeechStreams;
  const stored: string[] = [];
  const live = new LiveTranscription({ ...o, streams, store: { addLive: async (_id, s) => void stored.push(s.text) } });
  const published: TranscriptEventJson[] = [];
  live.subscribe((e) => published.push(e));
  await live.callAnswered({ id: o.callId ?? 'c1', caller: '1001', callee: '1002', startedAt: 0, parties: { caller: fakeEndpoint(), callee: fakeEndpoint() }, onClose() {} });
  return { live, sinks, opened, published, stored, say: (event, startMs, text) => sinks[0]!({ event, stream: 1, startMs, endMs: startMs + 900, text }) };
}
