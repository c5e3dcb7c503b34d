#!/usr/bin/env python3
"""PyTorch side of the LSTM step bench (bench/lstm_step.ts): the same model, input, loss and SGD step,
at ONE thread count per process (thread variables set before torch is imported, as
bench/reference/torch_bench.py does).

    /usr/bin/python3 bench/lstm_torch.py --threads 1 [--budget 3000] [--json] [--mode lstm|gru|rnn]
"""
import argparse
import json
import os
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--budget", type=float, default=3000.0)
p.add_argument("--json", action="store_true")
p.add_argument("--mode", choices=("lstm", "gru", "rnn"), default="lstm")
ARGS = p.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
# torch_bench parses the command line when imported: hand it only the arguments it knows.
_argv, sys.argv = sys.argv, [sys.argv[0], "--threads", str(ARGS.threads)]
from torch_bench import setup_threads, time_steps  # noqa: E402
sys.argv = _argv


def main():
    info, _limiter = setup_threads(ARGS.threads)
    torch.manual_seed(0)
    x = torch.randn(64, 32, 256)
    torch.manual_seed(1)
    model = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[ARGS.mode](256, 256, num_layers=2)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = model(x)
        loss = out.square().mean()
        loss.backward()
        opt.step()
        return loss.item()

    cpu = []

    def timed():
        c0 = time.process_time()
        v = step()
        cpu.append((time.process_time() - c0) * 1000.0)
        return v

    r = time_steps(timed, 3, 0.5, 7, 40, ARGS.budget / 1000.0)
    cpu_timed = sorted(cpu[len(cpu) - r["n"]:])
    cell = {"backend": "torch", "threads": ARGS.threads, **r, "loss": r.pop("last"), "cpuMedianMs": cpu_timed[len(cpu_timed) // 2]}
    report = {"engine": "torch", "info": info, "cells": [cell], "unavailable": []}
    if ARGS.json:
        print("@@RESULT " + json.dumps(report))
    else:
        print("\n".join(info + [f"mode {ARGS.mode}"]))
        print(f"torch {ARGS.threads} thr: median {cell['medianMs']:.1f} ms, best {cell['bestMs']:.1f} ms, cpu median {cell['cpuMedianMs']:.1f} ms, {cell['n']} steps, loss {cell['loss']:.5f}")


main()
