// Which files of a model folder the recognisers load. sherpa-onnx's release archives name them after
// the training run (encoder-epoch-99-avg-1.onnx, encoder-epoch-12-avg-2-chunk-16-left-64.onnx) and
// most ship an int8-quantised copy beside each (….int8.onnx); our fixtures use the plain names
// (encoder.onnx, model.onnx). A folder's type is decided here from its files, then by the check from
// the ONNX metadata — never from the folder's name.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface TransducerFiles {
  readonly encoder: string;
  readonly decoder: string;
  readonly joiner: string;
}

const isInt8 = (f: string): boolean => f.endsWith('.int8.onnx');

function onnxFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
  } catch {
    return [];
  }
}

/**
 * The encoder/decoder/joiner of a streaming transducer folder, or null when it has no encoder*.onnx.
 * Full-precision files are preferred to the int8 copies (accuracy first; an operator who wants the
 * int8 ones removes the others). A decoder and joiner with the encoder's own suffix are taken when
 * present (a folder may hold several chunk sizes), else the only ones of the same precision.
 */
export function transducerFiles(dir: string): TransducerFiles | null {
  const files = onnxFiles(dir);
  const encoders = files.filter((f) => f.startsWith('encoder'));
  if (encoders.length === 0) return null;
  const encoder = encoders.find((f) => !isInt8(f)) ?? encoders[0]!;
  const suffix = encoder.slice('encoder'.length);
  const partner = (role: string): string => {
    const same = `${role}${suffix}`;
    if (files.includes(same)) return same;
    const alike = files.filter((f) => f.startsWith(role) && isInt8(f) === isInt8(encoder));
    // none: the check names the missing file; several without a match: the first, said in its refusal
    return alike[0] ?? `${role}.onnx`;
  };
  return { encoder: join(dir, encoder), decoder: join(dir, partner('decoder')), joiner: join(dir, partner('joiner')) };
}

/** an offline single-file model: model.onnx, else model*.onnx (full precision preferred); null when none */
export function offlineModelFile(dir: string): string | null {
  const models = onnxFiles(dir).filter((f) => f.startsWith('model'));
  const pick = models.find((f) => f === 'model.onnx') ?? models.find((f) => !isInt8(f)) ?? models[0];
  return pick === undefined ? null : join(dir, pick);
}

export interface WhisperFiles {
  readonly encoder: string;
  readonly decoder: string;
  readonly tokens: string;
}

/**
 * A Whisper folder as sherpa-onnx's whisper archives lay it out (tiny.en-encoder.onnx,
 * tiny.en-decoder.onnx, tiny.en-tokens.txt, int8 copies beside): `<name>-encoder.onnx` (or .int8.onnx) and no
 * file named model… or encoder…; null otherwise. The full-precision encoder is preferred, then the decoder with
 * its name and suffix (else `<name>-decoder.onnx`, which the check names when missing), and
 * `<name>-tokens.txt`, else tokens.txt. The metadata decides the rest (check/whisper-check.ts).
 */
export function whisperFiles(dir: string): WhisperFiles | null {
  const files = onnxFiles(dir);
  if (files.some((f) => f.startsWith('model') || f.startsWith('encoder'))) return null;
  const encoders = files.filter((f) => /-encoder(\.int8)?\.onnx$/.test(f));
  const encoder = encoders.find((f) => !isInt8(f)) ?? encoders[0];
  if (encoder === undefined) return null;
  const name = encoder.slice(0, encoder.lastIndexOf('-encoder'));
  const decoder = encoder.replace(/-encoder(\.int8)?\.onnx$/, '-decoder$1.onnx');
  let tokens = `${name}-tokens.txt`;
  try {
    if (!readdirSync(dir).includes(tokens) && readdirSync(dir).includes('tokens.txt')) tokens = 'tokens.txt';
  } catch {
    // an unreadable folder: the check names the missing files
  }
  return { encoder: join(dir, encoder), decoder: join(dir, decoder), tokens: join(dir, tokens) };
}
