/**
 * backend/native/backend.ts for browser bundles (swapped in by package.json's "browser" field): a page
 * has no Node addon, so the native backend is simply absent (`availableBackends()` omits it) and its
 * loader, kernels and ABI checks stay out of the bundle.
 */
import type * as NativeSide from "../backend/native/backend.ts";
import { nodeOnly } from "./node.browser.ts";

export type NativeBackend = NativeSide.NativeBackend;

export function loadNativeBackend(): NativeBackend | null {
  return null;
}

export function createNativeBackend(): NativeBackend {
  return nodeOnly("module", "the native backend");
}

// Compile-time check that this file offers every name backend.ts offers.
type Missing = Exclude<keyof typeof NativeSide, keyof typeof import("./native.browser.ts")>;
const _complete: [Missing] extends [never] ? true : Missing = true;
void _complete;
