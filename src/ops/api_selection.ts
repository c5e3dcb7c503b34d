import { Tensor } from "../tensor/tensor.ts";
import { defineMethods, method } from "./define_methods.ts";
import { msort } from "./sorting.ts";

/** The public face of the sorting and selection ops: torch.* functions and their Tensor methods. */

export { msort } from "./sorting.ts";

declare module "../tensor/tensor.ts" {
  interface Tensor {
    msort(): Tensor;
  }
}

defineMethods({
  msort: method(msort),
});
