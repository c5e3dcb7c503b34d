/**
 * Shared by the recurrent fixture tests: tensors from the fixtures, and the comparison with the
 * issue's tolerances (normwise relative error, test/helpers/fixture.ts: <= 1e-4 in float32, <= 1e-6 in
 * float64), shapes and dtypes exact.
 */
import { readFileSync } from "node:fs";
import * as torch from "../../../src/index.ts";
import { type TensJson, checkTensor, fromJson, relError } from "../../helpers/fixture.ts";

export type { TensJson };
export { fromJson };

export const TOL: Record<string, number> = { float32: 1e-4, float64: 1e-6 };

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export function check(actual: torch.Tensor | null | undefined, expected: TensJson, where: string): void {
  checkTensor(actual, expected, where);
  const tol = TOL[expected.dtype];
  if (tol === undefined) return;
  const { err } = relError(actual!.toTypedArray(), expected.data);
  if (!(err <= tol)) throw new Error(`${where}: relative error ${err.toExponential(3)} > ${tol} (${expected.dtype})`);
}

export function loadState(json: Record<string, TensJson>): Record<string, torch.Tensor> {
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fromJson(v)]));
}
