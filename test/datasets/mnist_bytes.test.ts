/**
 * MNIST without file paths (issue 15): from bytes, Blobs and Responses, plain or gzipped (gunzipped by
 * DecompressionStream), and fetched from a folder URL; the same dataset as from disk.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import * as torch from "../../src/index.ts";
import { MNIST, defaultMnistRoot } from "../../src/datasets/mnist.ts";

const root = defaultMnistRoot();
const raw = (name: string): Uint8Array => new Uint8Array(readFileSync(join(root, name)));
const images = raw("t10k-images-idx3-ubyte");
const labels = raw("t10k-labels-idx1-ubyte");
const fromDisk = new MNIST({ train: false });

function assertSameAsDisk(ds: MNIST): void {
  assert.equal(ds.length, 10000);
  assert.deepEqual(ds.targets, fromDisk.targets);
  assert.deepEqual(ds.data, fromDisk.data);
  const [x, y] = ds.getItem(7) as [torch.Tensor, number];
  const [xd, yd] = fromDisk.getItem(7) as [torch.Tensor, number];
  assert.equal(y, yd);
  assert.deepEqual(x.toTypedArray(), xd.toTypedArray());
}

test("MNIST.fromBytes: plain and gzipped bytes, Blobs and Responses give the dataset read from disk", async () => {
  assertSameAsDisk(await MNIST.fromBytes({ images, labels }, { train: false }));
  assertSameAsDisk(await MNIST.fromBytes({ images: gzipSync(images), labels: new Blob([gzipSync(labels)]) }));
  assertSameAsDisk(await MNIST.fromBytes({ images: new Response(gzipSync(images)), labels: labels.slice().buffer }));
  const withTransform = await torch.datasets.MNIST.fromBytes({ images, labels }, { targetTransform: (y: number) => y * 10 });
  assert.equal(withTransform.getItem(0)[1], (fromDisk.getItem(0)[1] as number) * 10);
});

test("MNIST.fromUrl fetches torchvision's gzipped file names from a folder URL", async () => {
  const files: Record<string, Uint8Array> = {
    "/mnist/t10k-images-idx3-ubyte.gz": gzipSync(images), "/mnist/t10k-labels-idx1-ubyte.gz": gzipSync(labels),
  };
  const server = createServer((req, res) => {
    const body = files[req.url ?? ""];
    if (body) res.writeHead(200).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/mnist`;
  try {
    assertSameAsDisk(await MNIST.fromUrl(url, { train: false }));
    await assert.rejects(MNIST.fromUrl(url), { name: "FileError", message: `${url}/train-images-idx3-ubyte.gz: HTTP 404, not a checkpoint` });
  } finally {
    server.close();
  }
});

test("bad data and arguments are typed errors naming the source", async () => {
  const cut = gzipSync(images).subarray(0, 1000);
  await assert.rejects(MNIST.fromBytes({ images: cut, labels }), { name: "FormatError", message: /^<bytes>: corrupt gzip data/ });
  await assert.rejects(MNIST.fromBytes({ images, labels: labels.subarray(0, 108) }), { name: "FormatError", message: "<bytes>: truncated IDX data: shape [10000] of uint8 needs 10008 bytes, the file has 108" });
  await assert.rejects(MNIST.fromBytes({ images, labels: raw("train-labels-idx1-ubyte") }), { name: "FormatError", message: "<bytes> labels: expected 10000 uint8 labels, got uint8 [60000]" });
  await assert.rejects(MNIST.fromBytes({ images: labels, labels }), { name: "FormatError", message: /images: expected uint8 images of shape \[N, 28, 28\]/ });
  await assert.rejects(MNIST.fromBytes({ images } as never), { name: "ArgumentError", message: /expected \{ images, labels \}/ });
  await assert.rejects(MNIST.fromBytes({ images, labels }, { root: "/x" } as never), { name: "ArgumentError", message: /root/ });
});
