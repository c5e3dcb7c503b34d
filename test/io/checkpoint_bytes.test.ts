/**
 * torch.save / torch.load with bytes, Blobs, Responses and writables as well as paths (issue 15): the
 * bytes are exactly the file a path gets, and every source reads back the same tensors.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as torch from "../../src/index.ts";
import { ArgumentError, FileError, FormatError } from "../../src/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "kindling-ckpt-bytes-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const sd = (): Record<string, torch.Tensor> => ({
  w: torch.tensor([[0.5, -1.25], [3, -0]], { dtype: "float32" }),
  steps: torch.tensor([2 ** 53 - 1, -7], { dtype: "int64" }),
});

function assertSd(back: Record<string, torch.Tensor>): void {
  assert.deepEqual(Object.keys(back).sort(), ["steps", "w"]);
  assert.deepEqual([...back["w"]!.toTypedArray()], [0.5, -1.25, 3, -0]);
  assert.ok(Object.is(back["w"]!.toTypedArray()[3], -0), "-0 survives");
  assert.equal(back["steps"]!.dtype, "int64");
  assert.deepEqual([...back["steps"]!.toTypedArray()], [2 ** 53 - 1, -7]);
}

test("save(obj) returns the bytes a path would get; load takes Uint8Array, ArrayBuffer, Blob, File and Response", async () => {
  const path = join(dir, "a.safetensors");
  await torch.save(sd(), path);
  const bytes = await torch.save(sd());
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual(bytes, new Uint8Array(readFileSync(path)), "same bytes as the file");
  assert.deepEqual(await torch.save(sd(), null), bytes);
  assertSd(await torch.load(bytes));
  assertSd(await torch.load(bytes.slice().buffer));
  assertSd(await torch.load(new Blob([bytes])));
  assertSd(await torch.load(new File([bytes], "model.safetensors")));
  assertSd(await torch.load(new Response(bytes)));
  const { metadata } = await torch.loadWithMetadata(new Blob([bytes]));
  assert.deepEqual(metadata, { format: "pt" });
});

test("save(obj, writable) writes the bytes once and leaves the writable open", async () => {
  const chunks: Uint8Array[] = [];
  let closed = false;
  const writable = { write: async (c: Uint8Array) => { chunks.push(c); }, close: () => { closed = true; } };
  const r = await torch.save(sd(), writable);
  assert.equal(r, undefined);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0], await torch.save(sd()));
  assert.equal(closed, false);
  // A web WritableStream's writer is such a writable.
  const got: Uint8Array[] = [];
  const writer = new WritableStream<Uint8Array>({ write: (c) => { got.push(c); } }).getWriter();
  await torch.save(sd(), writer);
  await writer.close();
  assertSd(await torch.load(got[0]!));
});

test("training state: saveTrainingState(null, state) gives bytes that loadTrainingState reads from any source", async () => {
  const state = { model: sd(), epoch: 3, lr: Infinity, tags: new Map([["a", 1]]) };
  const bytes = await torch.saveTrainingState(null, state);
  assert.ok(bytes instanceof Uint8Array);
  const path = join(dir, "state.safetensors");
  await torch.saveTrainingState(path, state);
  assert.deepEqual(bytes, new Uint8Array(readFileSync(path)));
  for (const src of [bytes, new Blob([bytes]), new Response(bytes)]) {
    const back = await torch.loadTrainingState(src) as typeof state;
    assert.equal(back.epoch, 3);
    assert.equal(back.lr, Infinity);
    assert.deepEqual(back.tags, new Map([["a", 1]]));
    assertSd(back.model);
  }
});

test("bad targets and sources are typed errors naming what was passed", async () => {
  await assert.rejects(torch.save(sd(), 42 as never), { name: "ArgumentError", message: /torch\.save\(\): expected a path or a writable.*got number/ });
  await assert.rejects(torch.save(sd(), {} as never), ArgumentError);
  await assert.rejects(torch.load(42 as never), { name: "ArgumentError", message: /torch\.load\(\): expected a path, bytes.*got number/ });
  await assert.rejects(torch.load(null as never), { name: "ArgumentError", message: /got null/ });
  const bytes = await torch.save(sd());
  // maxBytes holds for bytes, Blobs and Responses as for files, before reading.
  await assert.rejects(torch.load(bytes, { maxBytes: 10 }), { name: "FileError", message: `<bytes>: ${bytes.length} bytes, over the limit of 10 (raise maxBytes if it is genuine)` });
  await assert.rejects(torch.load(new File([bytes], "m.safetensors"), { maxBytes: 10 }), { name: "FileError", message: /^m\.safetensors: \d+ bytes, over the limit of 10/ });
  await assert.rejects(torch.load(new Response("nope", { status: 404 })), (e: unknown) => e instanceof FileError && /HTTP 404/.test(e.message));
  // Damaged bytes are a FormatError naming the source.
  await assert.rejects(torch.load(new File([bytes.subarray(0, 20)], "cut.safetensors")), (e: unknown) => e instanceof FormatError && e.message.startsWith("cut.safetensors"));
  await assert.rejects(torch.loadTrainingState(bytes), (e: unknown) => e instanceof FormatError && /<bytes>: invalid training-state checkpoint: no "kindling.state"/.test(e.message));
});
