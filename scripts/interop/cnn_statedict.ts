/**
 * CNN state dict kindling -> PyTorch (not part of npm test; needs /usr/bin/python3 with torch).
 * Run: npx tsx scripts/interop/cnn_statedict.ts [dir]
 *
 * kindling builds a small CNN with BatchNorm2d/BatchNorm1d/LayerNorm/Dropout2d (the architecture
 * mirrored in cnn_statedict.py), trains it 3 SGD steps on random data (so the running statistics
 * and num_batches_tracked move), switches to eval, and writes
 *   DIR/model.safetensors  model.stateDict() via torch.save (PyTorch's keys and layouts)
 *   DIR/io.safetensors     a fixed input and kindling's eval output on it.
 * cnn_statedict.py then loads the state dict into the same PyTorch model with strict=True, runs eval
 * on the same input and prints the max abs diff against kindling's output (must be < 1e-4).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "kindling-cnn-"));

torch.manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1, bias: false }),
  new nn.BatchNorm2d(8),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(8, 16, 3, { groups: 2 }),
  new nn.BatchNorm2d(16, { momentum: null }),
  new nn.ReLU(),
  new nn.Dropout2d(0.1),
  new nn.AdaptiveAvgPool2d(2),
  new nn.Flatten(),
  new nn.Linear(64, 32),
  new nn.BatchNorm1d(32),
  new nn.ReLU(),
  new nn.LayerNorm(32),
  new nn.Linear(32, 10),
);
const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
model.train();
for (let step = 0; step < 3; step++) {
  const x = torch.randn([16, 1, 12, 12]);
  const y = torch.randint(0, 10, [16]);
  opt.zeroGrad();
  const loss = nn.F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  console.log(`kindling: step ${step + 1} loss ${loss.item().toFixed(4)}`);
}
model.eval();
const input = torch.randn([4, 1, 12, 12]);
const output = torch.noGrad(() => model.forward(input));
const sd = model.stateDict();
await torch.save(sd, join(dir, "model.safetensors"));
await torch.save({ input, output }, join(dir, "io.safetensors"));
console.log(`kindling: wrote ${Object.keys(sd).length} state-dict entries and the eval output ${JSON.stringify(output.shape)} to ${dir}`);

const py = spawnSync("/usr/bin/python3", [join(here, "cnn_statedict.py"), dir], { encoding: "utf8" });
process.stdout.write(py.stdout);
if (py.status !== 0) {
  process.stderr.write(py.stderr);
  console.log(`cnn_statedict.py exited with ${py.status}`);
  process.exitCode = 1;
}
