import { describeFsError } from "../io/file.ts";

/**
 * How the trainer reports a failure: one line on stderr, `kindling: <what went wrong and how to fix it>`.
 * A failure the user can fix (a config, a path, a checkpoint, a diverged run, a size the machine cannot
 * hold) prints its message; anything else is a bug in kindling and says how to get the stack trace.
 */

/** Typed errors whose message is written for the user (the families of src/errors.ts and the CLI's own). */
const USER_ERRORS = new Set([
  "ConfigError", "KindlingError", "ShapeError", "DTypeError", "ArgumentError", "FormatError", "IndexError",
  "FileError", "NonFiniteError", "TimeoutError", "StateDictError", "AutogradError",
]);

const ALLOCATION = /Invalid typed array length|Array buffer allocation failed|Invalid array buffer length|Invalid array length|Invalid string length/;

/** Whitespace and line breaks (StateDictError lists its problems on several lines) become one line. */
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, "; ").trim();

function errnoOf(e: object): NodeJS.ErrnoException | null {
  const code = (e as NodeJS.ErrnoException).code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? (e as NodeJS.ErrnoException) : null;
}

/** The message for a failure, or null when it is not one the user caused (a bug: show the stack on --debug). */
export function userMessage(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  if (USER_ERRORS.has(e.name)) return oneLine(e.message);
  const errno = errnoOf(e);
  if (errno) {
    // Writes through a descriptor (ENOSPC in the middle of a checkpoint) carry no path.
    const path = errno.path ?? (errno as { dest?: string }).dest;
    if (path) return oneLine(describeFsError(path, errno).message);
    return oneLine(describeFsError("a file this run writes", errno).message);
  }
  if (e instanceof RangeError && ALLOCATION.test(e.message)) {
    return `not enough memory: ${oneLine(e.message)} (use a smaller model, batchSize or data size)`;
  }
  if (e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message)) {
    return "input nested too deeply to process (maximum call stack size exceeded); check the config and checkpoint files";
  }
  return null;
}

/** The one line to print for `e` (without the `kindling: ` prefix). */
export function describeFailure(e: unknown): string {
  const known = userMessage(e);
  if (known !== null) return known;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `internal error: ${oneLine(what)} (rerun with --debug for the stack trace)`;
}
