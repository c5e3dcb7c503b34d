/**
 * Writes the text a charlm config trains on (after kindling's corpus processing) to a file, so the
 * PyTorch reference (reference.py) trains on exactly the same characters and the same 9:1 split.
 *
 *   npx tsx scripts/charlm/dump_text.ts configs/charlm-lstm.json /tmp/brown.txt
 */
import { writeFileSync } from "node:fs";
import { loadConfig } from "../../src/cli/config.ts";
import { loadTextData } from "../../src/cli/text/text_data.ts";

const [configPath, out] = process.argv.slice(2);
if (!configPath || !out) throw new Error("usage: dump_text.ts <config.json> <out.txt>");
const data = loadTextData(loadConfig(configPath));
const ids = new Int32Array(data.train.length + data.valid.length);
ids.set(data.train);
ids.set(data.valid, data.train.length);
writeFileSync(out, data.vocab.decode(ids));
console.log(`${out}: ${ids.length} characters, vocabulary ${data.vocab.size}`);
