#!/usr/bin/env node
import { Command, Option } from "commander";
import { getBackend, setBackend } from "../backend/index.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { predict } from "./predict.ts";
import { Progress, pickMode } from "./progress.ts";
import { runTest, train } from "./train.ts";

/** `kindling train|test|predict`: the seed's two tasks and any image folder, from JSON configs. */

interface CommonOpts {
  quiet?: boolean;
  json?: boolean;
  backend?: string;
}

function applyBackend(o: CommonOpts): void {
  if (o.backend) setBackend(o.backend);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("kindling")
    .description("Train and use neural networks with kindling (a PyTorch-style framework for Node.js)")
    .showHelpAfterError();
  const common = (cmd: Command) =>
    cmd
      .option("-q, --quiet", "print only the final result line")
      .option("--json", "print machine-readable JSON lines")
      .addOption(new Option("--backend <name>", "kernel backend (default: fastest available)"));

  common(program.command("train").argument("<config>", "JSON config file").option("--resume", "continue from the run's last checkpoint"))
    .description("train a model as the config says (and test it when mode is train_and_test)")
    .action(async (file: string, o: CommonOpts & { resume?: boolean }) => {
      applyBackend(o);
      const config = loadConfig(file);
      if (config.mode === "test") {
        await runTest(config, new Progress(pickMode(o), config.epochs));
        return;
      }
      await train(config, { resume: o.resume ?? false, progress: new Progress(pickMode(o), config.epochs) });
    });

  common(program.command("test").argument("<config>", "JSON config file"))
    .description("evaluate the config's best saved model on the test set")
    .action(async (file: string, o: CommonOpts) => {
      applyBackend(o);
      const config = loadConfig(file);
      await runTest(config, new Progress(pickMode(o), config.epochs));
    });

  common(program.command("predict").argument("<checkpoint>", "best model (.safetensors)").argument("<images...>", "image files"))
    .option("-k, --top <k>", "how many classes to show", "3")
    .description("classify images with a saved model, printing the top classes with probabilities")
    .action(async (ckpt: string, images: string[], o: CommonOpts & { top: string }) => {
      applyBackend(o);
      for (const p of await predict(ckpt, images, Number(o.top))) {
        if (o.json) console.log(JSON.stringify(p));
        else console.log(`${p.file}: ${p.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(", ")}`);
      }
    });

  await program.parseAsync(argv);
}

main(process.argv).catch((e: unknown) => {
  // Config and data problems are the user's to fix: one clear line, no stack trace.
  const err = e as Error;
  const known = err instanceof ConfigError || ["FormatError", "ShapeError", "ArgumentError", "DTypeError", "StateDictError"].includes(err.name);
  console.error(`kindling: ${known ? err.message : err.stack ?? String(e)}`);
  process.exit(1);
});
