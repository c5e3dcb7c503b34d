/**
 * The differential check: replays PyTorch's outcomes of random programs (scripts/differential/gen_programs.py)
 * on kindling and prints the pass rate per backend and the failures by kind.
 *
 *   npm run differential -- [--backend js|wasm|native|all] [--file F] [--show N]
 */
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type ProgramJson, type Verdict, runGuarded } from "./program.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const file = flag("file", "test/fixtures/differential.json");
const which = flag("backend", torch.getBackend());
const show = Number(flag("show", "5"));
const programs = (JSON.parse(readFileSync(file, "utf8")) as { programs: ProgramJson[] }).programs;
const backends = which === "all" ? torch.availableBackends() : [which];
const KINDS: Verdict[] = ["tolerated", "value mismatch", "dtype mismatch", "shape mismatch", "missing error", "spurious error", "untyped error"];

let failed = false;
for (const name of backends) {
  torch.setBackend(name);
  const counts = new Map<Verdict, number>();
  const examples = new Map<Verdict, string[]>();
  for (const p of programs) {
    const r = runGuarded(p);
    counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
    if (r.verdict !== "pass") {
      const list = examples.get(r.verdict) ?? [];
      list.push(`#${p.id} ${p.ops.map((s) => s.op).join(" > ")}: ${r.detail}`);
      examples.set(r.verdict, list);
    }
  }
  // "tolerated": PyTorch's own defects and kindling's documented differences (program.ts), counted as passing
  const pass = (counts.get("pass") ?? 0) + (counts.get("tolerated") ?? 0);
  console.log(`${name}: ${pass}/${programs.length} pass (${((100 * pass) / programs.length).toFixed(2)}%, ${counts.get("tolerated") ?? 0} tolerated)`);
  for (const k of KINDS) {
    const n = counts.get(k) ?? 0;
    console.log(`  ${k}: ${n}`);
    for (const line of (examples.get(k) ?? []).slice(0, show)) console.log(`    ${line}`);
  }
  if (pass < programs.length) failed = true;
}
process.exitCode = failed ? 1 : 0;
