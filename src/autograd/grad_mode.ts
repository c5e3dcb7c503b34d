/**
 * Whether ops record the graph. A plain module-level flag: JS runs one call stack at a time, so a
 * scoped switch with try/finally is exactly PyTorch's thread-local grad mode.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

function withMode<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn without recording a graph (PyTorch's `with torch.no_grad():`). fn must be synchronous. */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs fn with recording on, even inside noGrad (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}
