#!/usr/bin/python3
"""The PyTorch half of the attention state-dict round trip (driven by scripts/interop/attention_interop.ts).

    /usr/bin/python3 scripts/interop/attention_interop.py export DIR
        Builds the models below, trains them 3 SGD steps on random data (so nothing is at its init),
        switches to eval and writes DIR/py_<name>.safetensors (the state dict) and DIR/py_<name>_io.safetensors
        (inputs, masks and the eval output).
    /usr/bin/python3 scripts/interop/attention_interop.py check DIR
        Loads kindling's DIR/ts_<name>.safetensors into the same PyTorch models with strict=True, runs
        eval on kindling's inputs from DIR/ts_<name>_io.safetensors, prints the max relative error
        against kindling's output and exits 1 above 1e-5.

Models: "encoder" = TransformerEncoder(TransformerEncoderLayer(16, 4, dim_feedforward=32), 2, LayerNorm(16)),
run with a causal mask and a key padding mask; "mha" = MultiheadAttention(8, 2, kdim=6, vdim=5,
add_bias_kv=True, batch_first=True) (its q/k/v_proj_weight, bias_k and bias_v keys).
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gen_safetensors import deserialize, serialize  # noqa: E402

S, N = 7, 3


def build(name):
    if name == "encoder":
        return nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, dim_feedforward=32), 2, nn.LayerNorm(16), enable_nested_tensor=False)
    return nn.MultiheadAttention(8, 2, kdim=6, vdim=5, add_bias_kv=True, batch_first=True)


def inputs(name):
    if name == "encoder":
        kpm = torch.zeros(N, S, dtype=torch.bool)
        kpm[1, -2:] = True
        return {"src": torch.randn(S, N, 16), "mask": nn.Transformer.generate_square_subsequent_mask(S), "kpm": kpm}
    return {"query": torch.randn(N, 4, 8), "key": torch.randn(N, S, 6), "value": torch.randn(N, S, 5)}


def run(name, model, io):
    if name == "encoder":
        return model(io["src"], mask=io["mask"], src_key_padding_mask=io["kpm"])
    return model(io["query"], io["key"], io["value"])[0]


def save(path, tensors):
    with open(path, "wb") as f:
        f.write(serialize({k: v.detach().contiguous() for k, v in tensors.items()}))


def load(path):
    with open(path, "rb") as f:
        return deserialize(f.read())[0]


def export(d):
    torch.manual_seed(0)
    for name in ("encoder", "mha"):
        model = build(name).train()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            run(name, model, inputs(name)).square().mean().backward()
            opt.step()
        model.eval()
        io = inputs(name)
        with torch.no_grad():
            io["output"] = run(name, model, io)
        save(os.path.join(d, f"py_{name}.safetensors"), model.state_dict())
        save(os.path.join(d, f"py_{name}_io.safetensors"), io)
        print(f"python: wrote {name}: {len(model.state_dict())} state-dict entries, output {list(io['output'].shape)}")


def check(d):
    worst = 0.0
    for name in ("encoder", "mha"):
        model = build(name)
        model.load_state_dict(load(os.path.join(d, f"ts_{name}.safetensors")), strict=True)
        model.eval()
        io = load(os.path.join(d, f"ts_{name}_io.safetensors"))
        with torch.no_grad():
            out = run(name, model, io)
        err = ((out - io["output"]).abs().max() / io["output"].abs().max()).item()
        worst = max(worst, err)
        print(f"python: kindling's {name} loads strictly into torch; output max relative error {err:.2e}")
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    {"export": export, "check": check}[sys.argv[1]](sys.argv[2])
