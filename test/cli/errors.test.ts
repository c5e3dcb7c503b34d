import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeFailure } from "../../src/cli/errors.ts";
import { save } from "../../src/io/checkpoint.ts";
import { tensor } from "../../src/tensor/creation.ts";
import { oneLineError, runCli, sinConfig, tempDir } from "./helpers.ts";

// Every failure a user can cause is one line `kindling: <what and how to fix it>` and a non-zero exit.

test("a FIFO as the config fails at once with one line (it used to hang), and --debug adds the stack", () => {
  const dir = tempDir("fifo");
  const fifo = join(dir, "config.json");
  execFileSync("mkfifo", [fifo]);
  const r = runCli(["train", fifo], dir, 20_000);
  assert.equal(r.code, 1, `exit code (-1: it hung) ${r.stderr}`);
  assert.equal(oneLineError(r.stderr), `kindling: ${fifo}: is a FIFO (named pipe), expected a regular config file`);
  const d = runCli(["train", fifo, "--debug"], dir, 20_000);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /^kindling: FileError: .*FIFO[^\n]*\n\s+at /);
});

test("recordPath at a file names the key, before anything is written", () => {
  const dir = tempDir("recfile");
  writeFileSync(join(dir, "taken"), "not a folder");
  const cfg = sinConfig(dir, "c", { recordPath: join(dir, "taken") });
  const r = runCli(["train", cfg], dir);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /^kindling: recordPath: .*taken\/[0-9a-f]{8}: a part of the path is a file, not a folder \(choose another recordPath\)$/);
  assert.equal(r.stdout, "");
});

test("mode test without a saved model says to train first", () => {
  const dir = tempDir("testmode");
  const cfg = sinConfig(dir, "c", { mode: "test" });
  const r = runCli(["train", cfg], dir);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /best\.safetensors: no saved model to test; .*train first/);
});

test("predict: --top abc and --top 0 are refused; a plain state dict is not a model checkpoint", async () => {
  const dir = tempDir("predictargs");
  const plain = join(dir, "plain.safetensors");
  await save({ weight: tensor([[1, 2], [3, 4]]) }, plain);
  for (const top of ["abc", "0"]) {
    const r = runCli(["predict", plain, "x.png", "--top", top], dir);
    assert.equal(r.code, 1, `--top ${top}`);
    assert.equal(oneLineError(r.stderr), `kindling: --top "${top}": expected a whole number of classes >= 1, e.g. --top 3`);
    assert.equal(r.stdout, "");
  }
  const r = runCli(["predict", plain, "x.png"], dir);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /plain\.safetensors: this is a plain state dict, not a kindling model checkpoint .*use the best\.safetensors/);
  assert.ok(!existsSync(join(dir, "x.png")));
});

test("an unexpected error is one line that points to --debug; fs errors without a path still say what to do", () => {
  assert.equal(describeFailure(new TypeError("x is not a function")), "internal error: TypeError: x is not a function (rerun with --debug for the stack trace)");
  const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  assert.match(describeFailure(full), /^a file this run writes: no space left on the device \(free some disk space and rerun\)$/);
  const denied = Object.assign(new Error("EACCES: permission denied, open '/r/x'"), { code: "EACCES", path: "/r/x" });
  assert.equal(describeFailure(denied), "/r/x: permission denied (check the file's permissions)");
  assert.match(describeFailure(new RangeError("Array buffer allocation failed")), /^not enough memory: .*smaller model/);
  // A multi-line message (StateDictError lists its problems on lines of their own) is joined.
  const multi = Object.assign(new Error("Error(s) in loading state_dict:\n\tMissing key(s): a\n\tUnexpected key(s): b"), { name: "StateDictError" });
  assert.equal(describeFailure(multi), "Error(s) in loading state_dict:; Missing key(s): a; Unexpected key(s): b");
});

test("a network too large for memory is refused before allocating, naming model.hidden", () => {
  const dir = tempDir("huge");
  const cfg = sinConfig(dir, "c", { model: { type: "mlp", hidden: [2 ** 31, 2 ** 31] } });
  const r = runCli(["train", cfg], dir);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /c\.json: model\.hidden: this network has 4\.61e\+18 parameters, .* more than this machine's .* of memory; use smaller layers$/);
});
