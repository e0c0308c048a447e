// Reads an ONNX file's custom metadata (ModelProto.metadata_props, field 14, a repeated
// StringStringEntryProto {key = 1, value = 2}; onnx/onnx.proto3) without loading the graph:
// onnxruntime-node does not expose custom metadata, and sherpa-onnx exit()s when a key it reads
// is absent. Top-level fields are walked by their lengths; the graph (field 7) is skipped unread.
import { open, type FileHandle } from 'node:fs/promises';

export class OnnxFormatError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

async function readVarint(fh: FileHandle, at: number): Promise<{ value: number; next: number }> {
  const buf = Buffer.alloc(10);
  const { bytesRead } = await fh.read(buf, 0, 10, at);
  let value = 0;
  let scale = 1;
  for (let i = 0; i < bytesRead; i++) {
    const b = buf[i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new OnnxFormatError(`bad varint at byte ${at}`);
}

function varintIn(buf: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new OnnxFormatError('bad varint in a metadata entry');
}

function parseEntry(buf: Buffer): { key: string; value: string } {
  let key = '';
  let value = '';
  let at = 0;
  while (at < buf.length) {
    const tag = varintIn(buf, at);
    if ((tag.value & 7) !== WIRE_LEN) throw new OnnxFormatError('a metadata entry field is not a string');
    const len = varintIn(buf, tag.next);
    const end = len.next + len.value;
    if (end > buf.length) throw new OnnxFormatError('a metadata entry runs past its end');
    const s = buf.toString('utf8', len.next, end);
    if (tag.value >>> 3 === 1) key = s;
    else if (tag.value >>> 3 === 2) value = s;
    at = end;
  }
  return { key, value };
}

export interface OnnxHeader {
  readonly irVersion: number | null;
  readonly hasGraph: boolean;
  readonly metadata: Readonly<Record<string, string>>;
}

export async function readOnnxHeader(options: { path: string }): Promise<OnnxHeader> {
  const fh = await open(options.path, 'r');
  try {
    const size = (await fh.stat()).size;
    const metadata: Record<string, string> = {};
    let irVersion: number | null = null;
    let hasGraph = false;
    let at = 0;
    while (at < size) {
      const tag = await readVarint(fh, at);
      const field = Math.floor(tag.value / 8);
      const wire = tag.value & 7;
      at = tag.next;
      if (field === 0) throw new OnnxFormatError('field number 0');
      if (wire === WIRE_VARINT) {
        const v = await readVarint(fh, at);
        if (field === 1) irVersion = v.value;
        at = v.next;
      } else if (wire === WIRE_LEN) {
        const len = await readVarint(fh, at);
        const end = len.next + len.value;
        if (end > size) throw new OnnxFormatError(`field ${field} runs past the end of the file (truncated?)`);
        if (field === 7) hasGraph = true;
        if (field === 14) {
          if (len.value > 16 * 1024 * 1024) throw new OnnxFormatError('a metadata entry over 16 MiB');
          const buf = Buffer.alloc(len.value);
          await fh.read(buf, 0, len.value, len.next);
          const e = parseEntry(buf);
          metadata[e.key] = e.value;
        }
        at = end;
      } else if (wire === WIRE_I64) at += 8;
      else if (wire === WIRE_I32) at += 4;
      else throw new OnnxFormatError(`wire type ${wire} at byte ${at}: not an ONNX model`);
    }
    if (at !== size) throw new OnnxFormatError('the last field runs past the end of the file (truncated?)');
    return { irVersion, hasGraph, metadata };
  } finally {
    await fh.close();
  }
}
