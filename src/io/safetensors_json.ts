/**
 * Key-level facts about a JSON text that JSON.parse hides: it silently keeps the last of repeated
 * keys (two readers of one file could then disagree on a tensor's bytes), and it reorders
 * integer-like keys. The scanner assumes the text already passed JSON.parse, so it only needs to
 * tell strings from structure.
 */

interface KeyVisitor {
  open(isObject: boolean): void;
  close(): void;
  /** An object key; depth 1 is the outermost object. */
  key(k: string, depth: number): void;
}

function scan(text: string, v: KeyVisitor): void {
  // One entry per open container, true for objects. An explicit stack rather than recursion, since
  // the header may nest arbitrarily deep.
  const stack: boolean[] = [];
  let prev = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      // The length bound cannot trigger on text JSON.parse accepted; it keeps a misuse from hanging.
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      // A string right after "{" or "," inside an object is a key; values always follow ":".
      if (stack[stack.length - 1] === true && (prev === "{" || prev === ",")) {
        v.key(JSON.parse(text.slice(i, j + 1)) as string, stack.length);
      }
      prev = '"';
      i = j;
    } else if (c === "{" || c === "[") {
      stack.push(c === "{");
      v.open(c === "{");
      prev = c;
    } else if (c === "}" || c === "]") {
      stack.pop();
      v.close();
      prev = c;
    } else if (c === "," || c === ":") {
      prev = c;
    }
  }
}

/**
 * Keys of the outermost object in text order, and the first key repeated within any one object
 * (undefined when none is).
 */
export function headerKeys(text: string): { topLevel: string[]; duplicate: string | undefined } {
  const topLevel: string[] = [];
  const sets: (Set<string> | null)[] = [];
  let duplicate: string | undefined;
  scan(text, {
    open: (isObject) => void sets.push(isObject ? new Set() : null),
    close: () => void sets.pop(),
    key: (k, depth) => {
      const top = sets[sets.length - 1]!;
      if (duplicate === undefined && top.has(k)) duplicate = k;
      top.add(k);
      if (depth === 1) topLevel.push(k);
    },
  });
  return { topLevel, duplicate };
}

/**
 * The deepest nesting of arrays and objects in `text`, counting no further than `limit + 1`. Safe on any
 * text, valid JSON or not, so it can run before JSON.parse to refuse a deep text without parsing it.
 */
export function maxDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, escapes included; an unterminated one ends the text.
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}
