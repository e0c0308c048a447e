// Text to speech behind one interface: the espeak-ng program (Debian) so a fresh install speaks
// English and Mandarin, and a sherpa-onnx OfflineTts voice (speech process) when one is installed.
export type TtsRate = 8000 | 16000;

export interface TtsRequest {
  readonly text: string;
  /** a voice name the engine lists; absent: its default */
  readonly voice?: string;
  /** output rate: the call's (8 kHz for G.711, 16 kHz for G.722/Opus) */
  readonly rate: TtsRate;
  /** 1 = the voice's normal speed */
  readonly speed?: number;
  /** called once, when the first audio is ready (before the whole text is synthesised where the engine streams) */
  readonly onFirstAudio?: () => void;
}

export interface TtsEngine {
  readonly name: string;
  voices(): readonly string[];
  /** 16-bit mono PCM at `rate` */
  synthesize(req: TtsRequest): Promise<Int16Array>;
}

export class TtsError extends Error {
  constructor(
    readonly code: 'unknown-voice' | 'engine-missing' | 'engine-failed',
    message: string,
  ) {
    super(message);
    this.name = 'TtsError';
  }
}
