// DTMF (in-band Goertzel detector, RFC 4733 events), call-progress tones and frame energy.
// resample.ts is its own module (imported directly by its users).
export { DtmfDetector, DTMF_COLUMNS, DTMF_KEYS, DTMF_ROWS, type DtmfDetectorOptions, type DtmfDigit } from './dtmf-detector.js';
export {
  digitToEvent,
  parseTelephoneEvent,
  TELEPHONE_EVENT_DIGITS,
  TelephoneEventReceiver,
  type ReceivedDigit,
  type TelephoneEvent,
  type TelephoneEventPacket,
  type TelephoneEventReceiverOptions,
} from './rfc4733.js';
export { TelephoneEventSender, type TelephoneEventEmit, type TelephoneEventSenderOptions } from './rfc4733-sender.js';
export {
  createTone,
  DBM0_PEAK,
  DEFAULT_TONE_COUNTRY,
  DtmfToneSource,
  TONE_PROFILES,
  ToneGenerator,
  type CreateToneOptions,
  type DtmfToneOptions,
  type FrameReader,
  type ToneGeneratorOptions,
  type ToneKind,
  type ToneProfile,
  type ToneSpec,
} from './tones.js';
export { EnergyGate, frameRmsDbfs, SILENCE_DBFS, type EnergyGateOptions } from './energy.js';
