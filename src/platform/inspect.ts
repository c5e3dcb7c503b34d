/**
 * The key Node's console.log and util.inspect look up for an object's own rendering (a registered
 * symbol, so the core needs no node: import); browsers ignore it.
 */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");
