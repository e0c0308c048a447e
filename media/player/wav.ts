// RIFF/WAVE reader for prompts and music on hold: bytes in, mono 16-bit PCM out (errors as values).
//
// Layout (Microsoft "Multimedia Programming Interface and Data Specifications 1.0", RIFF chapter):
// "RIFF" size "WAVE", then chunks of id(4) size(4 LE) body, each padded to an even length. We need
// "fmt " (WAVEFORMATEX, or WAVEFORMATEXTENSIBLE whose SubFormat GUID carries the real format tag)
// and "data"; LIST, fact, cue, bext and anything else are skipped. A file cut short keeps the whole
// frames that are there, since a partly uploaded prompt is still worth playing.

export type WavErrorCode =
  | 'too-short'
  | 'not-riff'
  | 'not-wave'
  | 'no-fmt'
  | 'bad-fmt'
  | 'unsupported-format'
  | 'bad-channels'
  | 'bad-rate'
  | 'no-data';

export interface WavError {
  readonly code: WavErrorCode;
  readonly detail: string;
}

export interface WavAudio {
  readonly ok: true;
  readonly sampleRate: number;
  /** channels in the file; `samples` is always their mono mixdown */
  readonly channels: number;
  readonly samples: Int16Array;
}

export type WavParseResult = WavAudio | { readonly ok: false; readonly error: WavError };

/** format tags from mmreg.h */
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const KNOWN_FORMATS = [WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_ALAW, WAVE_FORMAT_MULAW];
/** bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID built from a format tag (…-0000-0010-8000-00AA00389B71) */
const SUBTYPE_SUFFIX = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const MAX_CHANNELS = 8;
const MIN_RATE = 1000;
const MAX_RATE = 768000;

/** ITU-T G.711 §2: µ-law byte → linear sample, scaled to 16 bits (±32124 full scale) */
function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** ITU-T G.711 §2: A-law byte (even bits inverted on the wire) → linear sample, scaled to 16 bits */
function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  // A-law's sign bit set means positive.
  return a & 0x80 ? magnitude : -magnitude;
}

const ULAW = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
const ALAW = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

type Decode = (view: DataView, at: number) => number;

function decoderFor(format: number, bits: number, container: number): Decode | null {
  switch (format) {
    case WAVE_FORMAT_PCM:
      // WAVE PCM of 8 bits or fewer is unsigned, wider is two's complement (RIFF spec, "Data Format of Samples").
      if (container === 1) return (v, at) => (v.getUint8(at) - 128) * 256;
      if (container === 2) return (v, at) => v.getInt16(at, true);
      if (container === 3) return (v, at) => ((v.getUint8(at + 2) << 24) | (v.getUint8(at + 1) << 16) | (v.getUint8(at) << 8)) / 65536;
      if (container === 4) return (v, at) => v.getInt32(at, true) / 65536;
      return null;
    case WAVE_FORMAT_IEEE_FLOAT:
      if (bits === 32 && container === 4) return (v, at) => v.getFloat32(at, true) * 32768;
      if (bits === 64 && container === 8) return (v, at) => v.getFloat64(at, true) * 32768;
      return null;
    case WAVE_FORMAT_ALAW:
      return container === 1 ? (v, at) => ALAW[v.getUint8(at)]! : null;
    case WAVE_FORMAT_MULAW:
      return container === 1 ? (v, at) => ULAW[v.getUint8(at)]! : null;
    default:
      return null;
  }
}

const fail = (code: WavErrorCode, detail: string): WavParseResult => ({ ok: false, error: { code, detail } });

const fourcc = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0);

export function parseWav(bytes: Uint8Array): WavParseResult {
  if (bytes.length < 12) return fail('too-short', `${bytes.length} bytes`);
  const riff = fourcc(bytes, 0);
  if (riff !== 'RIFF') return fail('not-riff', riff === 'RIFX' || riff === 'RF64' ? `${riff} is not supported` : 'no RIFF header');
  if (fourcc(bytes, 8) !== 'WAVE') return fail('not-wave', 'RIFF form is not WAVE');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The RIFF size is often wrong (streamed writers put 0 or 0xFFFFFFFF): the bytes we have rule.
  const end = bytes.length;

  let fmtAt = -1;
  let fmtSize = 0;
  let dataAt = -1;
  let dataSize = 0;
  let off = 12;
  while (off + 8 <= end) {
    const id = fourcc(bytes, off);
    const size = view.getUint32(off + 4, true);
    const body = off + 8;
    const avail = Math.min(size, end - body);
    if (id === 'fmt ' && fmtAt < 0) {
      fmtAt = body;
      fmtSize = avail;
    } else if (id === 'data' && dataAt < 0) {
      dataAt = body;
      dataSize = avail;
    }
    // RIFF: a chunk of odd size is followed by one pad byte.
    off = body + size + (size & 1);
  }
  if (fmtAt < 0) return fail('no-fmt', 'no fmt chunk');
  if (fmtSize < 16) return fail('bad-fmt', `fmt chunk of ${fmtSize} bytes`);

  let format = view.getUint16(fmtAt, true);
  const channels = view.getUint16(fmtAt + 2, true);
  const sampleRate = view.getUint32(fmtAt + 4, true);
  const blockAlign = view.getUint16(fmtAt + 12, true);
  const bits = view.getUint16(fmtAt + 14, true);
  if (format === WAVE_FORMAT_EXTENSIBLE) {
    // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) SubFormat GUID(16) after the 16 bytes.
    if (fmtSize < 40) return fail('bad-fmt', 'WAVE_FORMAT_EXTENSIBLE without its extension');
    const guid = fmtAt + 24;
    for (let i = 0; i < SUBTYPE_SUFFIX.length; i++) {
      if (bytes[guid + 2 + i] !== SUBTYPE_SUFFIX[i]) return fail('unsupported-format', 'unknown SubFormat GUID');
    }
    format = view.getUint16(guid, true);
  }
  if (channels < 1 || channels > MAX_CHANNELS) return fail('bad-channels', `${channels} channels`);
  if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) return fail('bad-rate', `${sampleRate} Hz`);
  if (!KNOWN_FORMATS.includes(format)) return fail('unsupported-format', `format tag ${format}`);
  const container = Math.ceil(bits / 8);
  if (bits === 0 || blockAlign !== channels * container) return fail('bad-fmt', `block align ${blockAlign} for ${channels} × ${bits} bits`);
  const decode = decoderFor(format, bits, container);
  if (!decode) return fail('unsupported-format', `format ${format} with ${bits} bits`);
  if (dataAt < 0) return fail('no-data', 'no data chunk');

  const frames = Math.floor(dataSize / blockAlign);
  const samples = new Int16Array(frames);
  for (let f = 0, at = dataAt; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += container) sum += decode(view, at);
    const v = Math.round(sum / channels);
    // NaN (a float file's junk) becomes silence, everything else is clamped to 16 bits.
    samples[f] = v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0;
  }
  return { ok: true, sampleRate, channels, samples };
}
