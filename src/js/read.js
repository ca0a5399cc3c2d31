// Reading what a JavaScript caller passed: the type checks only, in JavaScript, where they
// cost a few bytes (read from Rust, each `Reflect.get` and type test is a call across the
// boundary and glue to make it). Every rule about the values themselves stays in Rust
// (src/js/read.rs, src/input/): this only hands over the fields, in the order a shape lists
// them, or says which field is not what its type allows.

/**
 * The shapes Rust reads, by number (`Shape` in read.rs, same order): the place named when the
 * value itself is wrong, the prefix of its fields' names, then its fields, each with the
 * kind of value it takes: `s` a string (well-formed), `b` a boolean, `g` an `AbortSignal`,
 * `f` a function, none: any value (Rust checks it).
 */
const SHAPES = [
  "options  token:s baseUrl:s timeoutMs maxRetries maxRetryDelayMs pace:b fetch:f",
  "options  signal:g timeoutMs",
  "options  signal:g timeoutMs idempotencyKey:s",
  "options  signal:g timeoutMs since",
  "request  accountLinkId:s content:s externalPlatformId:s externalId:s",
  "request  target content:s replyToMessageId:s",
  "target target. type:s threadId:s accountLinkId:s contactId:s platform:s platformId:s",
].map((line) => {
  const [place, prefix, ...fields] = line.split(" ");
  return { place, prefix, fields: fields.map((field) => field.split(":")) };
});

/** Which kind of value each kind letter takes, and the rule (`RULES` in read.rs) it breaks. */
const KINDS = {
  s: [(v) => typeof v == "string", 4],
  b: [(v) => typeof v == "boolean", 7],
  g: [(v) => v instanceof AbortSignal, 6],
  f: [(v) => typeof v == "function", 8],
};

/**
 * The fields of `value` as shape number `shape` lists them (`undefined` when absent). Throws
 * `[field, rule]` (a rule number) when `value` is not a plain object, has a key the shape
 * does not list, or a field of the wrong type; reading a key list or a field that throws
 * (a proxy, a getter) is reported the same way.
 */
export function fields(value, shape) {
  const { place, prefix, fields } = SHAPES[shape];
  if (typeof value != "object" || value === null || Array.isArray(value)) throw [place, 0];
  let keys;
  try {
    keys = Object.keys(value);
  } catch {
    throw [place, 1];
  }
  for (const key of keys) {
    if (!fields.some(([name]) => name === key)) throw [prefix + key, 2];
  }
  return fields.map(([name, kind]) => {
    const field = prefix + name;
    let v;
    try {
      v = value[name];
    } catch {
      throw [field, 3];
    }
    if (v === undefined || !kind) return v;
    const [fits, rule] = KINDS[kind];
    if (!fits(v)) throw [field, rule];
    if (kind == "s" && !wellFormed(v)) throw [field, 5];
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

/** Whether `value` is an object with a `target` key (a v2 request); false when asking throws. */
export function hasTarget(value) {
  try {
    return "target" in value;
  } catch {
    return false;
  }
}
