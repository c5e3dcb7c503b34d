import { Tensor } from "../tensor/tensor.ts";
import { shapeArgs } from "./views.ts";

/**
 * Tensor methods that are the torch functions with the tensor first (`x.sum(0)` is `torch.sum(x, 0)`).
 * The declarations live beside each group (`declare module "../tensor/tensor.ts"`); these install them.
 */

/** Adds methods to Tensor.prototype. */
export const defineMethods = (methods: Record<string, (this: Tensor, ...args: never[]) => unknown>): void => {
  Object.assign(Tensor.prototype, methods);
};

/** The method form of fn: the tensor is fn's first argument, the call's arguments follow. */
export const method = <A extends unknown[], R>(fn: (self: Tensor, ...args: A) => R) =>
  function (this: Tensor, ...args: A): R {
    return fn(this, ...args);
  };

/** The method form of a function of sizes, which the method takes as `(2, 3)` or `([2, 3])`. */
export const sizesMethod = <R>(fn: (self: Tensor, sizes: number[]) => R) =>
  function (this: Tensor, ...sizes: (number | readonly number[])[]): R {
    return fn(this, shapeArgs(sizes));
  };
