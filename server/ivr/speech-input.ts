// Speech input for a flow on a live call (gather in speech mode, menu choices by speech, intent):
// the caller's endpoint is tapped for the speech process (the media worker writes its PCM to the
// speech process's socket), which endpoints the caller's utterance by VAD and recognises it with the
// installed offline recogniser. Barge-in: the prompt stops as soon as VAD says speech started, and
// the answer is the utterance's final text. A key pressed instead (when the node accepts keys too)
// hands over to the DTMF path with that key. No speech within the no-input time after the prompt is
// a timeout.
import type { EndpointHandle } from '../../media/index.js';
import type { Call } from '../calls/call.js';
import type { Logger } from '../sip/index.js';
import type { OpenStream, StreamEvent } from '../speech/index.js';
import type { InputAnswer, InputRequest, RenderedPrompt } from './io.js';

/** what speech input needs of the speech process (SpeechStreams) */
export interface SpeechInputStreams {
  open(o: { partialEveryMs: number; onEvent: (e: StreamEvent) => void }): Promise<OpenStream>;
}

/**
 * The speech process closes an utterance at 30 s (stream-asr.ts); past this after speech started
 * without a final (the speech process died meanwhile) the wait ends as a timeout.
 */
const MAX_UTTERANCE_WAIT_MS = 35_000;

export type SpeechCollected = InputAnswer | { readonly kind: 'key'; readonly digit: string };

export interface SpeechInputOptions {
  readonly call: Call;
  readonly endpoint: EndpointHandle;
  readonly streams: SpeechInputStreams;
  readonly req: InputRequest;
  readonly prompt: (p: RenderedPrompt) => Promise<'done' | 'hangup'>;
  readonly logger: Logger;
  /** barge-in measured: VAD's speech start seen here, and the prompt told to stop (bench and logs) */
  readonly onBargeIn?: (o: { readonly callId: string; readonly at: number }) => void;
  readonly now?: () => number;
}

/** null: speech input could not start (no recogniser, the speech process down); the caller of this falls back to keys */
export async function collectSpeech(o: SpeechInputOptions): Promise<SpeechCollected | null> {
  const { call, endpoint, req } = o;
  const now = o.now ?? Date.now;
  let settle!: (a: SpeechCollected) => void;
  const answer = new Promise<SpeechCollected>((r) => (settle = r));
  let speaking = false;
  let prompting = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const noInput = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => settle({ kind: 'timeout' }), req.dtmf.firstDigitTimeoutMs);
  };
  const onEvent = (e: StreamEvent): void => {
    if (e.event === 'vad-start' && !speaking) {
      speaking = true;
      clearTimeout(timer);
      timer = setTimeout(() => settle({ kind: 'timeout' }), MAX_UTTERANCE_WAIT_MS);
      if (prompting) {
        endpoint.stopPlayback();
        o.onBargeIn?.({ callId: call.id, at: now() });
      }
    } else if (e.event === 'asr-final') {
      if (e.text !== '') settle({ kind: 'speech', text: e.text });
      else {
        // noise, a cough: nothing recognised; keep listening for the rest of the no-input time
        speaking = false;
        clearTimeout(timer);
        if (!prompting) noInput();
      }
    }
  };
  let opened: OpenStream;
  try {
    opened = await o.streams.open({ partialEveryMs: 0, onEvent });
  } catch (err) {
    o.logger.warn({ call: call.id, err: String(err) }, 'IVR speech input unavailable; keys only');
    return null;
  }
  endpoint.startSpeechTap({ socket: opened.socket, stream: opened.stream });
  const offDtmf = req.accept.includes('dtmf')
    ? call.on('dtmf', (e) => {
        if (e.side !== 'caller') return;
        if (prompting) endpoint.stopPlayback();
        settle({ kind: 'key', digit: e.digit });
      })
    : () => undefined;
  const offClose = call.on('close', () => settle({ kind: 'hangup' }));
  try {
    if (req.prompt) {
      prompting = true;
      const played = await Promise.race([o.prompt(req.prompt), answer.then(() => 'done' as const)]);
      prompting = false;
      if (played === 'hangup') return { kind: 'hangup' };
    }
    if (!speaking) noInput();
    return await answer;
  } finally {
    clearTimeout(timer);
    offDtmf();
    offClose();
    endpoint.stopSpeechTap(opened.stream);
    opened.close();
  }
}
