#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { setBackend } from "../backend/index.ts";
import { ArgumentError } from "../errors.ts";
import { loadConfig } from "./config.ts";
import { describeFailure } from "./errors.ts";
import { predict } from "./predict.ts";
import { Progress, pickMode } from "./progress.ts";
import { runTest, train } from "./train.ts";
import { generateFromCheckpoint } from "./text/generate.ts";
import { testText, trainText } from "./text/train_text.ts";
import { Generator } from "../tensor/random.ts";

/** `kindling train|test|predict|generate`: the seed's two tasks, any image folder, and character models, from JSON configs. */

interface CommonOpts {
  quiet?: boolean;
  json?: boolean;
  backend?: string;
  debug?: boolean;
  allowNonfinite?: boolean;
}

function applyBackend(o: CommonOpts): void {
  if (o.backend) setBackend(o.backend);
}

function parseWhole(text: string, flag: string, min: number): number {
  const k = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(k) || k < min) throw new ArgumentError(`${flag} ${JSON.stringify(text)}: expected a whole number >= ${min}`);
  return k;
}

function parseNumber(text: string, flag: string): number {
  const v = /^\s*[0-9.eE+-]+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(v) || v < 0) throw new ArgumentError(`${flag} ${JSON.stringify(text)}: expected a number >= 0, e.g. ${flag} 0.8`);
  return v;
}

/** `--top` as a whole number >= 1 (Number("abc") would be NaN and print nothing). */
function parseTop(text: string): number {
  const k = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(k) || k < 1) throw new ArgumentError(`--top ${JSON.stringify(text)}: expected a whole number of classes >= 1, e.g. --top 3`);
  return k;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("kindling")
    .description("Train and use neural networks with kindling (a PyTorch-style framework for Node.js)")
    // Commander's own messages are reprinted below as one line, without the help text after them.
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} });
  const common = (cmd: Command) =>
    cmd
      .option("-q, --quiet", "print only the final result line")
      .option("--json", "print machine-readable JSON lines")
      .addOption(new Option("--backend <name>", "kernel backend (default: fastest available)"))
      .option("--debug", "print the stack trace of an error")
      .exitOverride()
      .configureOutput({ writeErr: () => {}, outputError: () => {} });

  common(program.command("train").argument("<config>", "JSON config file").option("--resume", "continue from the run's last checkpoint"))
    .option("--allow-nonfinite", "keep training when the loss or a weight becomes NaN or infinite (never saved as best)")
    .description("train a model as the config says (and test it when mode is train_and_test)")
    .action(async (file: string, o: CommonOpts & { resume?: boolean }) => {
      applyBackend(o);
      const config = loadConfig(file);
      const allowNonfinite = o.allowNonfinite ?? false;
      if (config.mode === "test") {
        if (config.task === "charlm") await testText(config, new Progress(pickMode(o), config.epochs), { allowNonfinite });
        else await runTest(config, new Progress(pickMode(o), config.epochs), { allowNonfinite });
        return;
      }
      if (config.task === "charlm") {
        await trainText(config, { resume: o.resume ?? false, allowNonfinite, progress: new Progress(pickMode(o), config.epochs) });
        return;
      }
      await train(config, { resume: o.resume ?? false, allowNonfinite, progress: new Progress(pickMode(o), config.epochs) });
    });

  common(program.command("test").argument("<config>", "JSON config file"))
    .option("--allow-nonfinite", "evaluate even a model whose weights are NaN or infinite")
    .description("evaluate the config's best saved model on the test set")
    .action(async (file: string, o: CommonOpts) => {
      applyBackend(o);
      const config = loadConfig(file);
      const progress = new Progress(pickMode(o), config.epochs);
      if (config.task === "charlm") await testText(config, progress, { allowNonfinite: o.allowNonfinite ?? false });
      else await runTest(config, progress, { allowNonfinite: o.allowNonfinite ?? false });
    });

  common(program.command("generate").argument("<checkpoint>", "best model of a charlm run (.safetensors)"))
    .option("-p, --prompt <text>", "text to start from", "The ")
    .option("-n, --tokens <n>", "how many characters to generate", "300")
    .option("-t, --temperature <t>", "sampling temperature (0: always the most likely character)", "0.8")
    .option("-k, --top-k <k>", "sample among the k most likely characters (0: all)", "40")
    .option("--seed <n>", "random seed of the sampling", "0")
    .option("--allow-nonfinite", "use a model even if its weights are NaN or infinite")
    .description("print text sampled from a character language model that kindling train saved")
    .action(async (ckpt: string, o: CommonOpts & { prompt: string; tokens: string; temperature: string; topK: string; seed: string }) => {
      applyBackend(o);
      const text = await generateFromCheckpoint(ckpt, {
        prompt: o.prompt,
        tokens: parseWhole(o.tokens, "--tokens", 0),
        temperature: parseNumber(o.temperature, "--temperature"),
        topK: parseWhole(o.topK, "--top-k", 0),
        generator: new Generator(parseWhole(o.seed, "--seed", 0)),
        allowNonfinite: o.allowNonfinite ?? false,
      });
      if (o.json) console.log(JSON.stringify({ checkpoint: ckpt, text }));
      else console.log(text);
    });

  common(program.command("predict").argument("<checkpoint>", "best model (.safetensors)").argument("<images...>", "image files"))
    .option("-k, --top <k>", "how many classes to show", "3")
    .option("--allow-nonfinite", "use a model even if its weights are NaN or infinite")
    .description("classify images with a saved model, printing the top classes with probabilities")
    .action(async (ckpt: string, images: string[], o: CommonOpts & { top: string }) => {
      const top = parseTop(o.top);
      applyBackend(o);
      for (const p of await predict(ckpt, images, top, { allowNonfinite: o.allowNonfinite ?? false })) {
        if (o.json) console.log(JSON.stringify(p));
        else console.log(`${p.file}: ${p.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(", ")}`);
      }
    });

  await program.parseAsync(argv);
}

const debug = process.argv.includes("--debug");

function fail(e: unknown): never {
  // The reader of our output went away (`kindling train c.json | head -3`): nothing left to tell anyone.
  if ((e as NodeJS.ErrnoException | null)?.code === "EPIPE") process.exit(0);
  if (e instanceof CommanderError) {
    // --help and --version end here too, having printed what was asked.
    if (e.exitCode === 0) process.exit(0);
    const what = e.code === "commander.help" ? "missing command (train, test, predict or generate)" : e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
    console.error(`kindling: ${what} (see kindling --help)`);
    process.exit(e.exitCode || 1);
  }
  if (debug) console.error(e instanceof Error && e.stack ? `kindling: ${e.stack}` : `kindling: ${String(e)}`);
  else console.error(`kindling: ${describeFailure(e)}`);
  process.exit(1);
}

// A failure outside the awaited chain (a callback, a stream) is reported the same way.
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
main(process.argv).catch(fail);
