// Instance generator of the conformance harness.
//
//   node gen/generate.mjs DOCUMENT LIST.json COUNT SEED OUT.json
//
// DOCUMENT is an OpenAPI 3.0 or 3.1 document (JSON or YAML). LIST.json is the list the
// generated crate prints (`[{"pointer": "#/components/schemas/Pet", "type": "Pet"}, ...]`).
// For every pointer, writes COUNT instances made by json-schema-faker, which knows nothing
// of the Rust types, to OUT.json together with the JSON Schema they were made from (the
// Rust side validates against it with an independent validator).
//
// OpenAPI 3.0 schemas are converted to JSON Schema draft 4 by
// @openapi-contrib/openapi-schema-to-json-schema (`nullable` becomes a `null` type);
// 3.1 schemas are JSON Schema 2020-12 already. Besides random instances, each schema gets
// edge cases made by narrowing the schema before generation, so they stay valid:
//
//   required-only   every optional property absent
//   all-optional    every optional property present
//   empty           arrays and maps empty where the schema allows it
//   nulls           null wherever the schema allows null
//   int-min/int-max the smallest / largest integer of each format (int32, int64, uint32,
//                   uint64; no format is read as int64), within declared bounds
//   unknown-enum    a value outside every string enum: invalid against the schema, so it is
//                   checked differently (it must decode, into the `Unknown` fallback, and
//                   survive re-encoding)
//
// Integers beyond 2^53 cannot be JavaScript numbers: they are written as marker strings
// and spliced into the JSON text as exact literals.

import fs from "node:fs";
import yaml from "js-yaml";
import { JSONSchemaFaker as jsf } from "json-schema-faker";
import converter from "@openapi-contrib/openapi-schema-to-json-schema";

const [docPath, listPath, countArg, seedArg, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: generate.mjs DOCUMENT LIST.json COUNT SEED OUT.json");
  process.exit(2);
}
const COUNT = Number(countArg);
const SPARES = Math.ceil(COUNT / 4) + 2;
const SEED = Number(seedArg) >>> 0;
export const UNKNOWN_ENUM = "sdkconf_unknown_enum_value";
const KEPT_REQUIRED = "x-sdkconf-required";

const text = fs.readFileSync(docPath, "utf8");
const doc = /\.ya?ml$/i.test(docPath) ? yaml.load(text) : JSON.parse(text);
const list = JSON.parse(fs.readFileSync(listPath, "utf8"));
const is31 = String(doc.openapi || "").startsWith("3.1");

// ----- JSON pointers -----

const unescape = (t) => t.replace(/~1/g, "/").replace(/~0/g, "~");
const tokens = (ptr) => ptr.replace(/^#/, "").split("/").slice(1).map(unescape);
function get(root, ptr) {
  let node = root;
  for (const t of tokens(ptr)) {
    if (node === null || typeof node !== "object" || !(t in node)) return undefined;
    node = node[t];
  }
  return node;
}
function set(root, ptr, value) {
  const ts = tokens(ptr);
  let node = root;
  for (const t of ts.slice(0, -1)) node = node[t];
  node[ts[ts.length - 1]] = value;
}

// ----- schema walking -----

/// Rebuilds a schema bottom-up, applying `f` to every schema node (not to `enum` values,
/// examples or property names).
function mapSchema(node, f) {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out = { ...node };
  for (const key of ["items", "additionalProperties", "not", "additionalItems", "contains"]) {
    if (out[key] && typeof out[key] === "object") {
      out[key] = Array.isArray(out[key]) ? out[key].map((s) => mapSchema(s, f)) : mapSchema(out[key], f);
    }
  }
  for (const key of ["allOf", "anyOf", "oneOf", "prefixItems"]) {
    if (Array.isArray(out[key])) out[key] = out[key].map((s) => mapSchema(s, f));
  }
  for (const key of ["properties", "patternProperties", "$defs", "definitions"]) {
    if (out[key] && typeof out[key] === "object") {
      out[key] = Object.fromEntries(Object.entries(out[key]).map(([k, s]) => [k, mapSchema(s, f)]));
    }
  }
  return f(out);
}

const marker = (n) => `__sdkconf_int:${n}__`;
const types = (s) => (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]);

// ----- conversion -----

function toJsonSchema(node) {
  if (is31) return node;
  const converted = converter.openapiSchemaToJsonSchema(node, {
    cloneSchema: true,
    // The converter drops `required` names that have no property beside them, but JSON
    // Schema still requires them (an `allOf` part often lists what another part defines).
    beforeTransform: (s) => {
      if (Array.isArray(s.required)) s[KEPT_REQUIRED] = s.required;
      return s;
    },
    afterTransform: (s) => {
      if (s[KEPT_REQUIRED]) s.required = s[KEPT_REQUIRED];
      delete s[KEPT_REQUIRED];
      // Only the root of a validation carries `$schema`.
      delete s.$schema;
      return s;
    },
  });
  delete converted.$schema;
  return converted;
}

// The converter bounds int64 by ±2^63 as doubles. 2^63 is outside int64, and JavaScript
// prints -2^63 as -9223372036854776000, which is outside too: generation keeps to the
// largest doubles inside, and the validator gets the exact bounds as literals.
const INT64_SAFE = 9223372036854774784;
const generationBounds = (s) => {
  if (types(s).includes("integer")) {
    if (typeof s.maximum === "number" && s.maximum > INT64_SAFE) s.maximum = INT64_SAFE;
    if (typeof s.minimum === "number" && s.minimum < -INT64_SAFE) s.minimum = -INT64_SAFE;
  }
  return s;
};
const exactBounds = (s) => {
  if (types(s).includes("integer") && s.format === "int64") {
    if (s.maximum >= 2 ** 63) s.maximum = marker(2n ** 63n - 1n);
    if (s.minimum <= -(2 ** 63)) s.minimum = marker(-(2n ** 63n));
  }
  return s;
};

// ----- document faults -----
//
// A `oneOf`/`anyOf` member `{nullable: true}` with no `type` (nor anything else that
// constrains a value) allows any value under OpenAPI 3.0.3, but documents write it to mean
// null ("Nil bot_id set when display_as_bot is false" in slack.com.json), and the macro
// reads it so (the member makes the union an `Option`). It is read as `{type: "null"}` here
// too, and every such member is reported as a document fault. Elsewhere such a schema is
// any value, for the macro too (`Value`).

const faults = [];
const CONSTRAINTS = ["type", "$ref", "allOf", "anyOf", "oneOf", "not", "properties", "items", "enum", "additionalProperties"];
const typelessNullable = (n) => n && typeof n === "object" && n.nullable === true && !CONSTRAINTS.some((k) => k in n);
function nullMeant(node, ptr) {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map((n, i) => nullMeant(n, `${ptr}/${i}`));
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    const at = `${ptr}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (k.startsWith("x-") || k === "enum" || k === "example" || k === "default") {
      out[k] = v;
    } else if (!is31 && (k === "anyOf" || k === "oneOf") && Array.isArray(v)) {
      out[k] = v.map((member, i) => {
        if (!typelessNullable(member)) return nullMeant(member, `${at}/${i}`);
        faults.push({ pointer: `${at}/${i}`, fault: "a `nullable: true` member without `type` allows any value; read as null" });
        return { type: "null" };
      });
    } else {
      out[k] = nullMeant(v, at);
    }
  }
  return out;
}

const base = structuredClone(doc);
const validation = structuredClone(doc);
for (const { pointer } of list) {
  const node = get(doc, pointer);
  if (node === undefined) continue;
  const converted = toJsonSchema(nullMeant(node, pointer));
  set(validation, pointer, mapSchema(structuredClone(converted), exactBounds));
  set(base, pointer, mapSchema(converted, generationBounds));
}

// ----- edge-case variants (narrowings of the schema) -----

const INT_FORMATS = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/// The integer bounds a schema admits, clamped to its format (no format: int64).
function intBounds(s) {
  let [lo, hi] = INT_FORMATS[s.format] || INT_FORMATS.int64;
  const big = (n) => BigInt(Math.trunc(n));
  // Bounds at the int64 limits are the converter's (see INT64_SAFE), not the document's.
  const declared = (n) => typeof n === "number" && Math.abs(n) < INT64_SAFE;
  if (declared(s.minimum) && s.minimum > Number(lo)) lo = big(Math.ceil(s.minimum));
  if (declared(s.maximum) && s.maximum < Number(hi)) hi = big(Math.floor(s.maximum));
  if (s.exclusiveMinimum === true) lo += 1n;
  if (s.exclusiveMaximum === true) hi -= 1n;
  if (typeof s.exclusiveMinimum === "number") lo = lo > big(s.exclusiveMinimum) ? lo : big(Math.floor(s.exclusiveMinimum)) + 1n;
  if (typeof s.exclusiveMaximum === "number") hi = hi < big(s.exclusiveMaximum) ? hi : big(Math.ceil(s.exclusiveMaximum)) - 1n;
  return lo <= hi ? [lo, hi] : null;
}


const VARIANTS = {
  nulls: (s) => (types(s).includes("null") ? { type: "null" } : s),
  empty: (s) => {
    const t = types(s);
    if ((t.includes("array") || s.items) && !(s.minItems > 0)) s.maxItems = 0;
    const map = (t.includes("object") || s.additionalProperties) && !s.properties && !s.required;
    if (map && !(s.minProperties > 0)) s.maxProperties = 0;
    return s;
  },
  intMin: (s) => intEdge(s, 0),
  intMax: (s) => intEdge(s, 1),
  unknownEnum: (s) => {
    const strings = Array.isArray(s.enum) && s.enum.some((v) => typeof v === "string");
    return strings && types(s).every((t) => t === "string" || t === "null") ? { enum: [UNKNOWN_ENUM] } : s;
  },
};

function intEdge(s, side) {
  const t = types(s).filter((x) => x !== "null");
  if (t.length !== 1 || t[0] !== "integer" || s.multipleOf !== undefined || s.enum) return s;
  const bounds = intBounds(s);
  return bounds ? { enum: [marker(bounds[side])] } : s;
}

// ----- bounded inlining -----
//
// json-schema-faker expands each `$ref` a random number of times per instance and then
// generates anything at all in its place, which breaks required properties. Instead every
// local `$ref` is inlined here, a recursive one at most RECURSION times along a path, and
// nothing nests deeper than MAX_DEPTH: what is cut is left out where the schema allows it
// (an optional property is dropped, an array stays empty, a union loses that branch);
// where it does not, the parent is cut in turn. A schema cut at its root has no finite
// instance and is reported as such.

const RECURSION = 1;
const MAX_DEPTH = 7;
/// Inlined schemas larger than this (in schema nodes) are inlined again with a lower depth
/// limit, so that one instance of a huge document stays small enough to generate quickly.
const MAX_NODES = 1500;
const CUT = null;

const TOO_BIG = new Error("inlined schema too big");
let nodes = 0;
let depthLimit = MAX_DEPTH;

/// `node` with its `$ref`s inlined, or CUT.
function inlined(node, pointer) {
  for (depthLimit = MAX_DEPTH; ; depthLimit--) {
    nodes = 0;
    try {
      return inline(node, [pointer], 0);
    } catch (e) {
      if (e !== TOO_BIG) throw e;
    }
  }
}

function inline(node, stack, depth) {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  if (typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    const seen = stack.filter((r) => r === node.$ref).length;
    const target = get(base, node.$ref);
    if (seen > RECURSION || target === undefined) return CUT;
    return inline(target, [...stack, node.$ref], depth);
  }
  const composite = ["properties", "items", "allOf", "anyOf", "oneOf", "additionalProperties"].some(
    (k) => node[k] && typeof node[k] === "object",
  );
  if (composite && depth > depthLimit) return CUT;
  if (++nodes > MAX_NODES && depthLimit > 1) throw TOO_BIG;
  const out = {};
  // Extensions (`x-...`) are not schema keywords, and json-schema-faker would try to
  // resolve `$ref`s inside them.
  for (const [k, v] of Object.entries(node)) if (!k.startsWith("x-")) out[k] = v;
  const required = new Set(Array.isArray(out.required) ? out.required : []);
  // json-schema-faker makes a string wherever it sees `pattern`, even on an integer.
  const t = types(out);
  if (t.length > 0 && !t.includes("string")) for (const k of ["pattern", "minLength", "maxLength"]) delete out[k];
  // It also leaves out a required name that has no property: any value will do.
  if (out.properties || t.includes("object")) {
    for (const name of required) {
      if (!out.properties || !(name in out.properties)) out.properties = { ...out.properties, [name]: {} };
    }
  }
  if (out.properties && typeof out.properties === "object") {
    const props = {};
    for (const [name, prop] of Object.entries(out.properties)) {
      const r = inline(prop, stack, depth + 1);
      if (r !== CUT) props[name] = r;
      else if (required.has(name)) return CUT;
    }
    out.properties = props;
  }
  if (out.items && typeof out.items === "object" && !Array.isArray(out.items)) {
    const r = inline(out.items, stack, depth + 1);
    if (r === CUT) {
      if (out.minItems > 0) return CUT;
      out.items = {};
      out.maxItems = 0;
    } else out.items = r;
  }
  if (out.additionalProperties && typeof out.additionalProperties === "object") {
    const r = inline(out.additionalProperties, stack, depth + 1);
    out.additionalProperties = r === CUT ? false : r;
  }
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    if (!Array.isArray(out[key])) continue;
    const parts = out[key].map((p) => inline(p, stack, depth + 1));
    if (key === "allOf" && parts.includes(CUT)) return CUT;
    out[key] = parts.filter((p) => p !== CUT);
    if (out[key].length === 0) return CUT;
  }
  return out;
}

const variantCache = new Map();
function variantOf(pointer, name) {
  const key = `${name} ${pointer}`;
  if (!variantCache.has(key)) {
    const tree = inlined(get(base, pointer), pointer);
    const schema = tree === CUT || name === "base" ? tree : mapSchema(structuredClone(tree), VARIANTS[name]);
    variantCache.set(key, schema);
  }
  return variantCache.get(key);
}

// ----- generation -----

/// mulberry32: a small seedable PRNG, so a run can be repeated exactly.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const COMMON = {
  failOnInvalidFormat: false,
  failOnInvalidTypes: false,
  maxItems: 2,
  fillProperties: true,
  ignoreMissingRefs: true,
  // `jsf.option` merges into global settings: every toggle is reset on each call.
  requiredOnly: false,
  alwaysFakeOptionals: false,
};

/// The plan for instance `i`: edge cases first, then random ones.
function plan(i) {
  const edges = [
    ["required-only", "base", { requiredOnly: true }],
    ["all-optional", "base", { alwaysFakeOptionals: true }],
    ["empty", "empty", { requiredOnly: true }],
    ["nulls", "nulls", { alwaysFakeOptionals: true }],
    ["int-min", "intMin", { alwaysFakeOptionals: true }],
    ["int-max", "intMax", { alwaysFakeOptionals: true }],
    ["unknown-enum", "unknownEnum", { alwaysFakeOptionals: true }],
  ];
  return i < edges.length ? edges[i] : ["random", "base", {}];
}

function generate(pointer, i) {
  const [kind, variant, options] = plan(i);
  const schema = variantOf(pointer, variant);
  if (schema === CUT) throw new Error("no finite instance: every path through the schema recurses or nests too deep");
  jsf.option({ ...COMMON, ...options, random: rng(SEED ^ hash(pointer) ^ Math.imul(i + 1, 0x9e3779b1)) });
  return { kind, value: jsf.generate(schema) };
}

const instancesOf = (pointer) => {
  if (get(base, pointer) === undefined) return { instances: [], errors: ["pointer not found in the document"] };
  const instances = [];
  const errors = [];
  variantCache.clear();
  // Spare random instances stand in for generator output the schema rejects (an instance
  // that fits two `oneOf` members, say); the checker stops after COUNT valid ones.
  for (let i = 0; i < Math.max(COUNT, 1) + SPARES; i++) {
    try {
      instances.push(generate(pointer, i));
    } catch (e) {
      errors.push(`${plan(i)[0]}: ${String(e.message || e).split("\n")[0]}`);
    }
  }
  return { instances, errors };
};

const schemas = [];
for (const { pointer } of list) {
  schemas.push({ pointer, ...instancesOf(pointer) });
}

// The whole document, so that every pointer the table names resolves.
const root = validation;
const out = {
  document: docPath,
  dialect: is31 ? "draft2020-12" : "draft4",
  count: COUNT,
  faults,
  root,
  schemas,
};
const json = JSON.stringify(out).replace(/"__sdkconf_int:(-?\d+)__"/g, "$1");
fs.writeFileSync(outPath, json);
