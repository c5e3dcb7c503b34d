/**
 * The switch behind nn.utils.skipInit: while it is on, nn.init's fills return their tensor untouched,
 * so a module constructed meanwhile keeps its freshly allocated (zeroed) parameters and its
 * initialisation costs nothing. PyTorch gets the same by building the module on the meta device.
 */
let depth = 0;

export function initSkipped(): boolean {
  return depth > 0;
}

export function withInitSkipped<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}
