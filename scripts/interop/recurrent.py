#!/usr/bin/python3
"""The PyTorch half of the recurrent state-dict check (driven by scripts/interop/recurrent.ts).

For each model in MODELS (the same architectures recurrent.ts builds):
  1. loads kindling's state dict DIR/kd_<name>.safetensors with load_state_dict(strict=True), runs the
     input of DIR/io.safetensors and compares output, h_n (and c_n) with kindling's (relative error
     <= 1e-5 required, exit 1 otherwise);
  2. builds the model with PyTorch's own initialisation (seeded), and writes its state dict to
     DIR/pt_<name>.safetensors and its outputs on the same input to DIR/pt_io.safetensors, for
     kindling to load strictly and compare.

Run: /usr/bin/python3 scripts/interop/recurrent.py DIR
"""
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
from gen_safetensors import deserialize, serialize  # noqa: E402

MODELS = {
    "lstm": lambda: nn.LSTM(5, 8, num_layers=2, bidirectional=True, proj_size=3, batch_first=True),
    "gru": lambda: nn.GRU(5, 8, num_layers=2, bidirectional=True),
}


def read(path):
    with open(path, "rb") as f:
        return deserialize(f.read())[0]


def write(path, tensors):
    with open(path, "wb") as f:
        f.write(serialize({k: v.detach().contiguous() for k, v in tensors.items()}, {}))


def outputs(name, model, x):
    with torch.no_grad():
        out, h = model(x)
    res = {f"{name}.output": out}
    if isinstance(h, tuple):
        res[f"{name}.h_n"], res[f"{name}.c_n"] = h
    else:
        res[f"{name}.h_n"] = h
    return res


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-30)).item()


def main():
    d = sys.argv[1]
    io = read(os.path.join(d, "io.safetensors"))
    failures = 0
    mine = {}
    for name, make in MODELS.items():
        x = io[f"{name}.input"]
        model = make()
        missing = model.load_state_dict(read(os.path.join(d, f"kd_{name}.safetensors")), strict=True)
        print(f"torch: loaded kindling's {name} state dict strictly ({missing})")
        for key, t in outputs(name, model, x).items():
            err = rel(t, io[key])
            ok = err <= 1e-5
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} torch on kindling's weights, {key}: rel err {err:.2e}")
        torch.manual_seed(7)
        own = make()
        write(os.path.join(d, f"pt_{name}.safetensors"), own.state_dict())
        mine.update(outputs(name, own, x))
    write(os.path.join(d, "pt_io.safetensors"), mine)
    sys.exit(1 if failures else 0)


main()
