"""PyTorch reference for kindling's charlm task: the same model (same attribute names, so state dicts
cross), the same text and 9:1 split by position, the same optimizer, schedule, clipping, batch size,
steps and evaluation prefix. Only the random windows differ (another generator). Prints one line per
epoch and a final JSON line.

    npx tsx scripts/charlm/dump_text.ts configs/charlm-lstm.json /tmp/brown.txt
    /usr/bin/python3 scripts/charlm/reference.py configs/charlm-lstm.json /tmp/brown.txt [--threads 2]
"""
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

args = sys.argv[1:]
threads = 2
if "--threads" in args:
    i = args.index("--threads"); threads = int(args[i + 1]); del args[i:i + 2]
torch.set_num_threads(threads)
cfg = json.load(open(args[0]))
text = open(args[1], encoding="utf-8").read()
torch.manual_seed(cfg.get("seed", 0))

chars = sorted(set(text), key=ord)
stoi = {c: i for i, c in enumerate(chars)}
ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
cut = int(len(ids) * 0.9)
train, valid = ids[:cut], ids[cut:]
d = cfg["data"]
T = d["seqLen"]
valid_chars = min(len(valid), d.get("validChars", 1 << 17))
V = len(chars)
m = cfg["model"]


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, m["embeddingDim"])
        self.lstm = nn.LSTM(m["embeddingDim"], m["hidden"], num_layers=m["numLayers"],
                            dropout=m.get("dropout", 0) if m["numLayers"] > 1 else 0, batch_first=True)
        self.drop = nn.Dropout(m.get("dropout", 0))
        self.head = nn.Linear(m["hidden"], V)

    def forward(self, x):
        out, _ = self.lstm(self.embed(x))
        return self.head(self.drop(out))


class CharTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        dm = m["dModel"]
        self.tok = nn.Embedding(V, dm)
        self.pos = nn.Embedding(T, dm)
        self.drop = nn.Dropout(m.get("dropout", 0))
        layer = nn.TransformerEncoderLayer(dm, m["nhead"], dim_feedforward=m["dimFeedforward"], dropout=m.get("dropout", 0),
                                           activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, m["numLayers"], norm=nn.LayerNorm(dm), enable_nested_tensor=False)
        self.head = nn.Linear(dm, V)

    def forward(self, x):
        t = x.shape[-1]
        h = self.drop(self.tok(x) + self.pos(torch.arange(t)))
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        return self.head(self.blocks(h, mask=mask))


model = CharLSTM() if m["type"] == "lstm" else CharTransformer()
o = cfg["optimizer"]
if o["name"] == "adamw":
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"], weight_decay=o.get("weightDecay", 1e-2), betas=tuple(o.get("betas", (0.9, 0.999))))
elif o["name"] == "adam":
    opt = torch.optim.Adam(model.parameters(), lr=o["lr"], weight_decay=o.get("weightDecay", 0), betas=tuple(o.get("betas", (0.9, 0.999))))
else:
    raise SystemExit(f"reference.py: optimizer {o['name']} not mirrored")
B = cfg["batchSize"]
epochs = cfg["epochs"]
steps = cfg.get("stepsPerEpoch") or max(1, len(train) // (B * T))
s = cfg.get("scheduler") or None
sched, per_batch = None, False
if s and s["name"] == "warmupCosine":
    total, warm = epochs * steps, min(s["warmupSteps"], epochs * steps)
    lam = lambda k: (k + 1) / (warm + 1) if k < warm else 0.5 * (1 + math.cos(math.pi * (k - warm) / max(1, total - warm)))
    sched, per_batch = torch.optim.lr_scheduler.LambdaLR(opt, lam), True
elif s and s["name"] == "cosine":
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=s.get("etaMin", 0))
elif s:
    raise SystemExit(f"reference.py: scheduler {s['name']} not mirrored")
clip = cfg.get("gradClip")


def valid_loss():
    model.eval()
    total, n = 0.0, 0
    windows = (valid_chars - 1) // T
    with torch.no_grad():
        for w0 in range(0, windows, 32):
            k = min(32, windows - w0)
            x = torch.stack([valid[(w0 + b) * T:(w0 + b) * T + T] for b in range(k)])
            y = torch.stack([valid[(w0 + b) * T + 1:(w0 + b) * T + T + 1] for b in range(k)])
            total += F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1), reduction="sum").item()
            n += y.numel()
    model.train()
    return total / n


best = None
step_times = []
for epoch in range(1, epochs + 1):
    t0 = time.time()
    run = 0.0
    for step in range(steps):
        starts = torch.randint(0, len(train) - T, (B,))
        x = torch.stack([train[i:i + T] for i in starts])
        y = torch.stack([train[i + 1:i + T + 1] for i in starts])
        ts = time.perf_counter()
        loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        step_times.append(time.perf_counter() - ts)
        if per_batch:
            sched.step()
        run += loss.item()
    if sched and not per_batch:
        sched.step()
    v = valid_loss()
    best = v if best is None else min(best, v)
    print(f"epoch {epoch}/{epochs}  train loss {run / steps:.4f}  valid loss {v:.4f}  valid bpc {v / math.log(2):.4f}  {time.time() - t0:.1f}s", flush=True)
step_times.sort()
print(json.dumps({"bestValidBpc": best / math.log(2), "medianStepMs": 1000 * step_times[len(step_times) // 2], "threads": threads,
                  "parameters": sum(p.numel() for p in model.parameters())}))
