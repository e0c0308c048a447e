// The IVR's part of the composition: the flow handler the call layer runs for 'flow' steps, over
// the flow store, the business calendars, the intent model endpoint and global fetch; runs are
// written to ivr_runs (metrics). The TTS prompts and prompts folder are the call layer's own.
import { resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { Clock, Logger } from '../sip/index.js';
import type { IvrFlowRepository } from '../store/index.js';
import type { IvrHandlers } from '../calls/handlers/index.js';
import type { ResolvedStep } from '../calls/dialplan/resolver.js';
import { FlowHandler, type FlowRunRecord } from '../ivr/flow-handler.js';
import { chatIntentModel } from '../ivr/intent-model.js';
import type { FlowServices } from '../ivr/engine.js';
import type { SpeechInputStreams } from '../ivr/speech-input.js';
import type { SensitiveSteps } from '../ivr/call-io.js';

export interface IvrSideOptions {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly flows: IvrFlowRepository;
  readonly calendarOpen: FlowServices['calendarOpen'];
  /** the dial plan (built after this): a transfer to a number resolves through it */
  readonly resolve: (o: { readonly from: string; readonly to: string }) => Promise<readonly ResolvedStep[]>;
  /** each prompt's first packet leaves (bench/ivr.ts) */
  readonly onPrompt?: (o: { readonly callId: string; readonly at: number }) => void;
  /** speech input for gather/menu/intent: recognised streams on the speech process (HAILING_TRANSCRIBE_MODEL); absent: keys only */
  readonly speechInput?: SpeechInputStreams | null;
  /** the call side's recording pause (built after this: called only while calls run) */
  readonly recording?: Pick<SensitiveSteps, 'paused' | 'pause'>;
  /** a sensitive step paused or resumed a call's recording (the audit log) */
  readonly onSensitiveToggle?: SensitiveSteps['toggled'];
}

export function createIvrSide(o: IvrSideOptions): {
  readonly handlers: IvrHandlers;
  readonly services: FlowServices;
  readonly flowExists: (id: number) => Promise<boolean>;
  /** whether the call is in a step marked sensitive now: its DTMF events are redacted (server/app/calls.ts) */
  readonly inSensitiveStep: (callId: string) => boolean;
} {
  const logger = o.logger.child({ module: 'ivr' });
  // calls in a sensitive step now: a call's digits there never go out on the events stream, recorded or not
  const inSensitive = new Set<string>();
  const recording: SensitiveSteps = {
    paused: (callId) => o.recording?.paused(callId) ?? false,
    pause: (callId, paused) => o.recording?.pause(callId, paused) ?? false,
    inStep: ({ callId, on }) => void (on ? inSensitive.add(callId) : inSensitive.delete(callId)),
    toggled: (e) => {
      logger.info({ call: e.callId, node: e.node, paused: e.paused }, e.paused ? 'recording paused for a sensitive IVR step' : 'recording resumed after a sensitive IVR step');
      o.onSensitiveToggle?.(e);
    },
  };
  const services: FlowServices = {
    now: () => o.clock.now(),
    fetch: globalThis.fetch,
    ...(o.calendarOpen ? { calendarOpen: o.calendarOpen } : {}),
    ...(o.config.ivrIntentModelUrl
      ? { intentModel: chatIntentModel({ url: o.config.ivrIntentModelUrl, model: o.config.ivrIntentModelName, ...(o.config.ivrIntentModelKey ? { apiKey: o.config.ivrIntentModelKey } : {}), fetch: globalThis.fetch }) }
      : {}),
  };
  const saved = (run: FlowRunRecord) =>
    void o.flows.saveRun({ ...run, path: [...run.path], trace: [...run.trace] }).catch((err: unknown) => logger.error({ call: run.id, err: String(err) }, 'IVR run not written'));
  const flows = {
    async current(flowId: number) {
      const c = await o.flows.current(flowId);
      return c && { version: c.version.version, document: c.version.document };
    },
  };
  const handlers: IvrHandlers = {
    flow: (call, run) =>
      new FlowHandler({
        services: { flows, flow: services, resolve: o.resolve, saved },
        call: {
          ...call,
          scratchDir: resolve(o.config.dataDir, 'tts-cache'),
          logger,
          now: () => o.clock.now(),
          recording,
          ...(o.onPrompt ? { onPrompt: o.onPrompt } : {}),
          ...(o.speechInput ? { speechInput: o.speechInput, onBargeIn: (b: { callId: string; at: number }) => logger.debug({ call: b.callId }, 'barge-in: speech stopped the prompt') } : {}),
        },
        run,
      }),
  };
  return { handlers, services, flowExists: async (id) => (await o.flows.get(id)) !== undefined, inSensitiveStep: (callId) => inSensitive.has(callId) };
}
