// Reading what a JavaScript caller passed: the type checks only, in JavaScript, where they
// cost a few bytes (read from Rust, each type test is a call across the boundary and glue to
// make it). Every rule about the values themselves stays in Rust (src/js/read.rs,
// src/input/): this only hands over the fields a shape (defined in read.rs) lists, in its
// order, or says which field is not what its type allows.

/** Each shape (a line from read.rs) as parsed on first use: `{ place, prefix, fields }`. */
const SHAPES = new Map();

/**
 * `line` parsed: the place named when the value itself is wrong, the prefix of its fields'
 * names, then its fields as `[name, kind]`, `kind` a letter of `KINDS` or none (any value).
 */
function shape(line) {
  let parsed = SHAPES.get(line);
  if (!parsed) {
    const [place, prefix, ...fields] = line.split(" ");
    parsed = { place, prefix, fields: fields.map((field) => field.split(":")) };
    SHAPES.set(line, parsed);
  }
  return parsed;
}

/** What each kind letter takes; a value that does not fit breaks the rule named by the letter. */
const KINDS = {
  s: (v) => typeof v == "string",
  b: (v) => typeof v == "boolean",
  g: (v) => v instanceof AbortSignal,
  f: (v) => typeof v == "function",
};

/**
 * The fields of `value` that the shape `line` lists, in its order (`undefined` when absent).
 * Throws `[field, rule]` (a rule's name, `rule` in read.rs) when `value` is not a plain object,
 * has a key the shape does not list, or a field of the wrong type; reading a key list or a
 * field that throws (a proxy, a getter) is reported the same way.
 */
export function fields(value, line) {
  const { place, prefix, fields } = shape(line);
  if (typeof value != "object" || value === null || Array.isArray(value)) throw [place, "object"];
  let keys;
  try {
    keys = Object.keys(value);
  } catch {
    throw [place, "keys"];
  }
  for (const key of keys) {
    if (!fields.some(([name]) => name === key)) throw [prefix + key, "unknown"];
  }
  return fields.map(([name, kind]) => {
    const field = prefix + name;
    let v;
    try {
      v = value[name];
    } catch {
      throw [field, "read"];
    }
    if (v !== undefined) {
      if (kind && !KINDS[kind](v)) throw [field, kind];
      if (kind == "s" && !wellFormed(v)) throw [field, "wellFormed"];
    }
    return v;
  });
}

/** False when `text` has an unpaired UTF-16 surrogate (it could not be sent byte-exact). */
function wellFormed(text) {
  if (text.isWellFormed) return text.isWellFormed();
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * `get`'s `query` percent-encoded (`a=1&b=2`, or "" when absent): an array repeats its key, a
 * number or a boolean is written as JavaScript writes it, a key whose value is `undefined` is
 * left out. Throws `[field, rule]` for any other value.
 */
export function query(query) {
  const out = [];
  if (query === undefined) return "";
  if (typeof query != "object" || query === null || Array.isArray(query)) throw ["query", "object"];
  let entries;
  try {
    entries = Object.entries(query);
  } catch {
    throw ["query", "read"];
  }
  for (const [key, value] of entries) {
    const field = "query." + key;
    for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
      const text = typeof v == "number" ? isFinite(v) && String(v) : typeof v == "boolean" ? String(v) : v;
      if (typeof text != "string") throw [field, "query"];
      if (!wellFormed(key) || !wellFormed(text)) throw [field, "wellFormed"];
      out.push(encodeURIComponent(key) + "=" + encodeURIComponent(text));
    }
  }
  return out.join("&");
}

/** Whether `value` is an object with a `target` key (a v2 request); false when asking throws. */
export function hasTarget(value) {
  try {
    return "target" in value;
  } catch {
    return false;
  }
}
