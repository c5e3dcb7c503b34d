/**
 * A wasm backend pinned to plain SIMD (mul+add), registered as "wasm-simd" in Node and in the page:
 * Node 20 has no relaxed SIMD, while Chromium's relaxed variant fuses multiply-adds, so bit-for-bit
 * comparisons use this one on both sides.
 */
import * as torch from "../../../src/index.ts";
import { type WasmBackend, createWasmBackend } from "../../../src/backend/wasm/index.ts";

let simd: WasmBackend | null | undefined;

export function wasmSimd(): WasmBackend | null {
  if (simd === undefined) {
    simd = createWasmBackend({ relaxed: false });
    if (simd === null) return null;
  }
  return simd;
}

torch.registerBackend("wasm-simd", wasmSimd);
