"""Re-exports the streaming digit fixture (digits-transducer) under sherpa-onnx's `zipformer2` and
`zipformer` (the first Zipformer, icefall's pruned_transducer_stateless7_streaming) contracts.

No training and no torch: the committed encoder.onnx / decoder.onnx / joiner.onnx are rewired with
the onnx package, so the weights (and so the recognition) are exactly digits-transducer's.

sherpa-onnx's OnlineZipformer2TransducerModel (online-zipformer2-transducer-model.cc) reads the
encoder metadata encoder_dims, query_head_dims, value_head_dims, num_heads, num_encoder_layers,
cnn_module_kernels, left_context_len (comma-separated, one value per encoder stack), T and
decode_chunk_len, and feeds the encoder, by position (names are not looked at):
  x (N, T, feature_dim), then per layer (sum of num_encoder_layers) six states
    cached_key        (left_context_len, N, query_head_dims * num_heads)
    cached_nonlin_attn(1, N, left_context_len, 3 * encoder_dims / 4)
    cached_val1       (left_context_len, N, value_head_dims * num_heads)
    cached_val2       (left_context_len, N, value_head_dims * num_heads)
    cached_conv1      (N, encoder_dims, cnn_module_kernels / 2)
    cached_conv2      (N, encoder_dims, cnn_module_kernels / 2)
  then embed_states (N, 128, 3, ((feature_dim - 1) / 2 - 1) / 2) and processed_lens (N,) int64;
and takes encoder_out and the next states back in the same order. It never looks inside a state.

digits-transducer's window encoder has two states, h (40, N, 23): the last 40 normalised feature
frames, and c (40, N, 1): a pass-through. With one stack of one layer, left_context_len 40,
query_head_dims 23 × num_heads 1 and value_head_dims 1, they are exactly cached_key and cached_val1
(same shapes, batch on axis 1); the other five states are passed through (Identity) and
processed_lens counts frames. The front end stays the fixture's 8 kHz, 23 bins (sample_rate and
feature_dim metadata, read by Hailing's check; sherpa-onnx takes them from the config): the weights
were trained on it, and a 16 kHz/80-bin front end would need retraining.

sherpa-onnx's OnlineZipformerTransducerModel (online-zipformer-transducer-model.cc, model_type
zipformer) reads encoder_dims, attention_dims, num_encoder_layers, cnn_module_kernels,
left_context_len, T, decode_chunk_len and feeds 7 states per stack, grouped by kind:
  cached_len (layers, N) int64, cached_avg (layers, N, encoder_dims),
  cached_key (layers, left, N, attention_dims), cached_val and cached_val2 (layers, left, N,
  attention_dims / 2), cached_conv1 and cached_conv2 (layers, N, encoder_dims, kernel − 1).
With one stack of 40 layers and encoder_dims 23, the window h (40, N, 23) is exactly cached_avg; c,
a pass-through, is cut from it inside the graph; the other states are passed through.

Usage: /usr/bin/python3 make_zipformer.py ../../test/fixtures/speech/digits-transducer ../../test/fixtures/speech/digits-zipformer2 ../../test/fixtures/speech/digits-zipformer
"""
import os
import shutil
import sys

import onnx
from onnx import TensorProto, helper

LEFT, KEY_DIM, DIM, KERNEL = 40, 23, 4, 3  # one stack, one layer
AUTHOR = {"model_author": "hailing scripts/speech-fixtures",
          "comment": "fixture streaming digit recogniser (English + Mandarin digits), zipformer2 contract"}


def set_meta(model, meta):
    del model.metadata_props[:]
    for k, v in meta.items():
        e = model.metadata_props.add()
        e.key, e.value = k, str(v)


def encoder(src):
    m = onnx.load(src)
    g = m.graph
    assert [i.name for i in g.input] == ["x", "h", "c"], [i.name for i in g.input]
    assert [o.name for o in g.output] == ["encoder_out", "next_h", "next_c"], [o.name for o in g.output]
    # h → cached_key_0, c → cached_val1_0 (renamed everywhere the graph uses them)
    rename = {"h": "cached_key_0", "c": "cached_val1_0", "next_h": "new_cached_key_0", "next_c": "new_cached_val1_0"}
    for node in g.node:
        node.input[:] = [rename.get(n, n) for n in node.input]
        node.output[:] = [rename.get(n, n) for n in node.output]
    for vi in list(g.input) + list(g.output):
        vi.name = rename.get(vi.name, vi.name)
    x, key, val1 = g.input
    out, new_key, new_val1 = g.output

    def state(name, dims, elem=TensorProto.FLOAT):
        return helper.make_tensor_value_info(name, elem, dims)

    passthrough = [
        state("cached_nonlin_attn_0", [1, "N", LEFT, 3 * DIM // 4]),
        state("cached_val2_0", [LEFT, "N", 1]),
        state("cached_conv1_0", ["N", DIM, KERNEL // 2]),
        state("cached_conv2_0", ["N", DIM, KERNEL // 2]),
        # its last axis follows the feature_dim sherpa-onnx is configured with: left free
        state("embed_states", ["N", 128, 3, "E"]),
    ]
    for s in passthrough:
        g.node.append(helper.make_node("Identity", [s.name], ["new_" + s.name]))
    lens = state("processed_lens", ["N"], TensorProto.INT64)
    g.initializer.append(helper.make_tensor("chunk_frames", TensorProto.INT64, [], [32]))
    g.node.append(helper.make_node("Add", ["processed_lens", "chunk_frames"], ["new_processed_lens"]))

    def new(s):
        o = onnx.ValueInfoProto()
        o.CopyFrom(s)
        o.name = "new_" + s.name
        return o

    nonlin, val2, conv1, conv2, embed = passthrough
    ins = [x, key, nonlin, val1, val2, conv1, conv2, embed, lens]
    outs = [out, new_key, new(nonlin), new_val1, new(val2), new(conv1), new(conv2), new(embed), new(lens)]
    # copies: the originals live in g.input / g.output, which are cleared next
    ins = [onnx.ValueInfoProto.FromString(i.SerializeToString()) for i in ins]
    outs = [onnx.ValueInfoProto.FromString(o.SerializeToString()) for o in outs]
    del g.input[:]
    g.input.extend(ins)
    del g.output[:]
    g.output.extend(outs)
    old = {p.key: p.value for p in m.metadata_props}
    set_meta(m, {
        "model_type": "zipformer2", "version": "1",
        "encoder_dims": DIM, "query_head_dims": KEY_DIM, "value_head_dims": 1, "num_heads": 1,
        "num_encoder_layers": 1, "cnn_module_kernels": KERNEL, "left_context_len": LEFT,
        "T": old["T"], "decode_chunk_len": old["decode_chunk_len"],
        "sample_rate": old["sample_rate"], "feature_dim": old["feature_dim"], **AUTHOR,
    })
    onnx.checker.check_model(m)
    return m


def encoder_v1(src):
    m = onnx.load(src)
    g = m.graph
    assert [i.name for i in g.input] == ["x", "h", "c"]
    rename = {"h": "cached_avg_0", "next_h": "new_cached_avg_0"}
    for node in g.node:
        node.input[:] = [rename.get(n, n) for n in node.input]
        node.output[:] = [rename.get(n, n) for n in node.output]
    # c (40, N, 1), only ever passed through, is cut from the window: it is no input any more
    g.initializer.extend([helper.make_tensor("c_start", TensorProto.INT64, [1], [0]), helper.make_tensor("c_end", TensorProto.INT64, [1], [1]),
                          helper.make_tensor("c_axis", TensorProto.INT64, [1], [2])])
    g.node.insert(0, helper.make_node("Slice", ["cached_avg_0", "c_start", "c_end", "c_axis"], ["c"]))
    x = onnx.ValueInfoProto.FromString(g.input[0].SerializeToString())
    out = onnx.ValueInfoProto.FromString(g.output[0].SerializeToString())
    f = TensorProto.FLOAT
    layers, dim, attn, kernel, left = LEFT, KEY_DIM, 2, KERNEL, 1  # 40 layers of 23: the window
    states = [
        helper.make_tensor_value_info("cached_len_0", TensorProto.INT64, [layers, "N"]),
        helper.make_tensor_value_info("cached_avg_0", f, [layers, "N", dim]),
        helper.make_tensor_value_info("cached_key_0", f, [layers, left, "N", attn]),
        helper.make_tensor_value_info("cached_val_0", f, [layers, left, "N", attn // 2]),
        helper.make_tensor_value_info("cached_val2_0", f, [layers, left, "N", attn // 2]),
        helper.make_tensor_value_info("cached_conv1_0", f, [layers, "N", dim, kernel - 1]),
        helper.make_tensor_value_info("cached_conv2_0", f, [layers, "N", dim, kernel - 1]),
    ]
    for s in states:
        if s.name != "cached_avg_0":
            g.node.append(helper.make_node("Identity", [s.name], ["new_" + s.name]))
    outs = [out]
    for s in states:
        o = onnx.ValueInfoProto()
        o.CopyFrom(s)
        o.name = "new_" + s.name
        outs.append(o)
    del g.input[:]
    g.input.extend([x] + states)
    del g.output[:]
    g.output.extend(outs)
    old = {p.key: p.value for p in m.metadata_props}
    set_meta(m, {
        "model_type": "zipformer", "version": "1",
        "encoder_dims": dim, "attention_dims": attn, "num_encoder_layers": layers, "cnn_module_kernels": kernel,
        "left_context_len": left, "T": old["T"], "decode_chunk_len": old["decode_chunk_len"],
        "sample_rate": old["sample_rate"], "feature_dim": old["feature_dim"], **AUTHOR,
        "comment": AUTHOR["comment"].replace("zipformer2", "zipformer (v1)"),
    })
    onnx.checker.check_model(m)
    return m


def copy_with_author(src, dst):
    m = onnx.load(src)
    meta = {p.key: p.value for p in m.metadata_props}
    meta.update(AUTHOR)
    set_meta(m, meta)
    onnx.save(m, dst)


def main():
    src, out2, out1 = sys.argv[1], sys.argv[2], sys.argv[3]
    for out, build in ((out2, encoder), (out1, encoder_v1)):
        os.makedirs(out, exist_ok=True)
        onnx.save(build(os.path.join(src, "encoder.onnx")), os.path.join(out, "encoder.onnx"))
        for f in ("decoder.onnx", "joiner.onnx"):
            copy_with_author(os.path.join(src, f), os.path.join(out, f))
        shutil.copyfile(os.path.join(src, "tokens.txt"), os.path.join(out, "tokens.txt"))


if __name__ == "__main__":
    main()
