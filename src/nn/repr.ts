/**
 * Python-style formatting for module reprs, so `toString()` matches PyTorch's `repr(model)` exactly:
 * floats as Python prints them (0.5, 1.0, 1e-05, 1e+20), booleans as True/False, strings quoted.
 */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Object.is(v, -0)) return "-0.0";
  // Shortest round-trip digits, as both JS and Python repr use.
  const [mant, expStr] = v.toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? "-" : "+";
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const s = String(v);
  return Number.isInteger(v) ? `${s}.0` : s;
}

export function pyBool(v: boolean): string {
  return v ? "True" : "False";
}

export function pyStr(v: string): string {
  return `'${v}'`;
}

/** Python's `nn.modules.module._addindent`: indents every line but the first. */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split("\n");
  if (lines.length === 1) return s;
  const pad = " ".repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join("\n");
}
