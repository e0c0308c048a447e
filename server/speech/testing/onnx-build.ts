// Builds tiny real ONNX models for tests (an Identity graph, opset 13) with chosen metadata, by
// writing the protobuf by hand from onnx/onnx.proto3's field numbers: no Python or onnx package.
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const tag = (field: number, wire: number): Buffer => varint(field * 8 + wire);
const int = (field: number, v: number): Buffer => Buffer.concat([tag(field, 0), varint(v)]);
const bytes = (field: number, b: Buffer): Buffer => Buffer.concat([tag(field, 2), varint(b.length), b]);
const str = (field: number, s: string): Buffer => bytes(field, Buffer.from(s, 'utf8'));

/** ValueInfoProto {name=1, type=2 TypeProto{tensor_type=1 {elem_type=1 FLOAT, shape=2 {dim=1 {dim_value=1}}}}} */
function valueInfo(name: string): Buffer {
  const shape = bytes(2, bytes(1, int(1, 1)));
  const tensor = Buffer.concat([int(1, 1), shape]);
  return Buffer.concat([str(1, name), bytes(2, bytes(1, tensor))]);
}

export function identityOnnx(options: { metadata: Readonly<Record<string, string>> }): Buffer {
  // NodeProto {input=1, output=2, name=3, op_type=4}
  const node = Buffer.concat([str(1, 'x'), str(2, 'y'), str(3, 'id'), str(4, 'Identity')]);
  // GraphProto {node=1, name=2, input=11, output=12}
  const graph = Buffer.concat([bytes(1, node), str(2, 'g'), bytes(11, valueInfo('x')), bytes(12, valueInfo('y'))]);
  const parts = [int(1, 8), str(2, 'hailing-test'), bytes(7, graph), bytes(8, Buffer.concat([str(1, ''), int(2, 13)]))];
  for (const [k, v] of Object.entries(options.metadata)) parts.push(bytes(14, Buffer.concat([str(1, k), str(2, v)])));
  return Buffer.concat(parts);
}

/** reads a varint from `buf` at `at` (protobuf base-128) */
function varintAt(buf: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new Error(`bad varint at byte ${at}`);
}

/**
 * A real model with its metadata replaced: the top-level fields are copied as they are, except
 * metadata_props (14), which become `metadata`. For tests of a model whose graph is right and whose
 * metadata is not.
 */
export function withMetadata(model: Buffer, metadata: Readonly<Record<string, string>>): Buffer {
  const kept: Buffer[] = [];
  let at = 0;
  while (at < model.length) {
    const tagAt = varintAt(model, at);
    const wire = tagAt.value & 7;
    let end: number;
    if (wire === 0) end = varintAt(model, tagAt.next).next;
    else if (wire === 1) end = tagAt.next + 8;
    else if (wire === 5) end = tagAt.next + 4;
    else if (wire === 2) {
      const len = varintAt(model, tagAt.next);
      end = len.next + len.value;
    } else throw new Error(`wire type ${wire} at byte ${at}`);
    if (Math.floor(tagAt.value / 8) !== 14) kept.push(model.subarray(at, end));
    at = end;
  }
  for (const [k, v] of Object.entries(metadata)) kept.push(bytes(14, Buffer.concat([str(1, k), str(2, v)])));
  return Buffer.concat(kept);
}
