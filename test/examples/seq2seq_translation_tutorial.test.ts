import { test } from "node:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/seq2seq_translation_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("seq2seq_translation_tutorial.py: EncoderRNN + AttnDecoderRNN losses, translations and attention match PyTorch's (40 iterations on a 15-pair corpus)", async () => {
  const fx = loadFixture("seq2seq_translation_tutorial");
  const a = fx.args as { corpus: string; hidden_size: number; n_iters: number; print_every: number; n_evaluate: number; sentences: string[] };
  // Embeddings, GRU and Linear weights and the decoder's dropout masks are PyTorch's draws; Python's
  // random.choice (pairs) and random.random (teacher forcing) are the original's.
  const undo = installReplay(fx);
  // The tutorial reads data/eng-fra.txt: the fixture's corpus, written into a scratch folder.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-seq2seq-"));
  const cwd = process.cwd();
  mkdirSync(join(scratch, "data"));
  writeFileSync(join(scratch, "data", "eng-fra.txt"), a.corpus);
  process.chdir(scratch);
  let lines: string[];
  try {
    lines = await captureOutput(() =>
      main({ hiddenSize: a.hidden_size, nIters: a.n_iters, printEvery: a.print_every, nEvaluate: a.n_evaluate, sentences: a.sentences }),
    );
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  // timeSince's wall-clock times are not compared; losses are averages printed to 4 decimals.
  compareLines(lines, fx.stdout, { rtol: 2e-4, atol: 2e-4, normalize: (l) => l.replace(/\d+m -?\d+s \(- -?\d+m -?\d+s\)/, "TIME") });
});
