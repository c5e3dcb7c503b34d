/**
 * Attention state dicts PyTorch <-> kindling (not part of npm test; needs /usr/bin/python3 with torch).
 * Run: npx tsx scripts/interop/attention_interop.ts [dir]
 *
 * 1. attention_interop.py export: PyTorch trains a TransformerEncoder (2 layers + final LayerNorm) and a
 *    MultiheadAttention with kdim/vdim and bias_kv for 3 steps and writes their state dicts, inputs,
 *    masks and eval outputs.
 * 2. kindling loads each state dict strictly into the same modules and checks its eval output on the
 *    same inputs (max relative error <= 1e-5).
 * 3. kindling trains its own copies 3 steps and writes theirs; attention_interop.py check loads them
 *    strictly into PyTorch and compares PyTorch's output with kindling's (<= 1e-5).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.ts";

const { nn } = torch;
type Tensor = torch.Tensor;
const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "kindling-attention-"));
const NAMES = ["encoder", "mha"] as const;
type Name = (typeof NAMES)[number];

function build(name: Name): torch.nn.AnyModule {
  if (name === "encoder") {
    const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32 }) as unknown as torch.nn.AnyModule;
    return new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(16) }) as unknown as torch.nn.AnyModule;
  }
  return new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 5, addBiasKv: true, batchFirst: true }) as unknown as torch.nn.AnyModule;
}

function run(name: Name, m: torch.nn.AnyModule, io: Record<string, Tensor>): Tensor {
  if (name === "encoder") return m.forward(io.src, { mask: io.mask, srcKeyPaddingMask: io.kpm }) as Tensor;
  return (m.forward(io.query, io.key, io.value) as [Tensor, Tensor | null])[0];
}

function inputs(name: Name): Record<string, Tensor> {
  if (name === "encoder") {
    const kpm = torch.zeros([3, 7], { dtype: "bool" });
    torch.noGrad(() => kpm.narrow(0, 1, 1).narrow(1, 5, 2).fill_(1));
    return { src: torch.randn([7, 3, 16]), mask: nn.Transformer.generateSquareSubsequentMask(7), kpm };
  }
  return { query: torch.randn([3, 4, 8]), key: torch.randn([3, 7, 6]), value: torch.randn([3, 7, 5]) };
}

function relErr(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item() / b.abs().max().item();
}

let failures = 0;
const python = (cmd: string): void => {
  const r = spawnSync("/usr/bin/python3", [join(here, "attention_interop.py"), cmd, dir], { encoding: "utf8" });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    failures++;
  }
};

python("export");
for (const name of NAMES) {
  const m = build(name);
  const sd = (await torch.load(join(dir, `py_${name}.safetensors`))) as Record<string, Tensor>;
  m.loadStateDict(sd, { strict: true });
  m.eval();
  const io = (await torch.load(join(dir, `py_${name}_io.safetensors`))) as Record<string, Tensor>;
  const err = relErr(torch.noGrad(() => run(name, m, io)), io.output!);
  console.log(`${err <= 1e-5 ? "ok  " : "FAIL"} PyTorch's ${name} loads strictly into kindling; output max relative error ${err.toExponential(2)}`);
  if (!(err <= 1e-5)) failures++;
}

torch.manualSeed(1);
for (const name of NAMES) {
  const m = build(name);
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
  for (let s = 0; s < 3; s++) {
    opt.zeroGrad();
    run(name, m, inputs(name)).square().mean().backward();
    opt.step();
  }
  m.eval();
  const io = inputs(name);
  io.output = torch.noGrad(() => run(name, m, io));
  await torch.save(m.stateDict(), join(dir, `ts_${name}.safetensors`));
  await torch.save(io, join(dir, `ts_${name}_io.safetensors`));
}
python("check");
console.log(failures === 0 ? "ATTENTION INTEROP OK" : `ATTENTION INTEROP FAILED (${failures})`);
process.exitCode = failures === 0 ? 0 : 1;
