// Rate limits as configured: "COUNT/WINDOW" lists, and the rates they allow.

/**
 * Parses "300/60s,10000/3600s" (units ms, s, m, h, d; none = ms) into [{ limit, windowMs }].
 * Throws an Error naming the bad entry.
 * @param {string} text
 * @param {string} [name] the setting's name, for the error
 * @returns {import("./states.js").Limit[]}
 */
export function parseLimits(text, name = "limits") {
  const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, "": 1 };
  const windows = String(text ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(part);
      const limit = match ? Number(match[1]) : NaN;
      const windowMs = match ? Math.round(Number(match[2]) * units[match[3] ?? ""]) : NaN;
      if (!(limit >= 1) || !(windowMs >= 1)) {
        throw new Error(`${name}: "${part}" is not COUNT/WINDOW (for example "300/60s")`);
      }
      return { limit, windowMs };
    });
  if (windows.length === 0) throw new Error(`${name}: at least one COUNT/WINDOW is needed`);
  return windows;
}

/** Requests per millisecond the tightest of `windows` allows (for ETAs and the floor). */
export const tightestRate = (windows) => Math.min(...windows.map((w) => w.limit / w.windowMs));

/** The longest window plus the guard: send times older than this can be forgotten. */
export const longestSpan = (windows, guardMs = 0) => Math.max(...windows.map((w) => w.windowMs)) + guardMs;
