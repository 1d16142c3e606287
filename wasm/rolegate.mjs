// rolegate for JavaScript: the policy engine compiled to WebAssembly, behind a
// small API. Works in Node.js and in browsers (served over http(s)); the .wasm is
// loaded from beside this module.
//
//   import { createEngine } from "./rolegate.mjs";
//   const engine = await createEngine(bundleText);
//   if (!engine.ok) console.log(engine.errors);
//   engine.check({ actor: "m-uma", action: "billing.pay", resource: "acc-1001",
//                  now: "2026-12-01T09:00:00Z" });           // -> { ok, effect, reasons, ... }
//
// Results are plain objects; failures are { ok: false, errors: [{ code, pointer,
// message }] } with the same codes and pointers as the native build. Nothing to
// free by hand: an engine's policy is released when the engine is collected, or
// at once with engine.close().
import createRolegateCore from "./rolegate_core.mjs";

let corePromise = null;

/** The WebAssembly module, instantiated once. */
function core() {
  if (corePromise === null) {
    corePromise = (async () => {
      const url = new URL("./rolegate_core.wasm", import.meta.url);
      const options = {};
      if (url.protocol === "file:") {
        // Node.js: the loader cannot fetch a file path; hand it the bytes.
        const { readFile } = await import("node:fs/promises");
        options.wasmBinary = await readFile(url);
      } else {
        options.locateFile = (path) => new URL(path, import.meta.url).href;
      }
      return createRolegateCore(options);
    })();
  }
  return corePromise;
}

/**
 * A document as the module takes it: text as it is; bytes (a Uint8Array, a
 * Node.js Buffer, an ArrayBuffer or any other view of one) as they are, so that a
 * file is read exactly as the native build reads it, invalid UTF-8 included; any
 * other value as its JSON.
 */
function asDocument(value) {
  if (typeof value === "string" || value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return JSON.stringify(value);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A buffer in the module's memory that single requests are written into, kept
// from call to call and grown as needed; longer requests get their own.
const SCRATCH_CHARS = 16384;
let scratchAt = 0, scratchBytes = 0;
function scratch(module, bytes) {
  if (bytes > scratchBytes || !scratchAt) {
    if (scratchAt) module._free(scratchAt);
    scratchBytes = Math.max(bytes, 1024);
    scratchAt = module._malloc(scratchBytes);
    if (!scratchAt) {
      scratchBytes = 0;
      throw new RangeError(`rolegate: no memory for a request of ${bytes} bytes`);
    }
  }
  return scratchAt;
}

/**
 * Places a document's UTF-8 in the module's memory, runs `call(address, size)`,
 * and reads the JSON answer the call leaves in the module (rg_answer_size() bytes
 * at the address it returns), decoded natively: nothing crosses character by
 * character in JavaScript. Short texts go into the kept buffer; anything longer
 * into its own, exactly as long as the bytes, freed after the call.
 */
function crossing(module, document, call) {
  let bytes = null, size, at;
  if (typeof document === "string" && document.length <= SCRATCH_CHARS) {
    at = scratch(module, document.length * 3);
    size = encoder.encodeInto(document, module.HEAPU8.subarray(at, at + document.length * 3)).written;
  } else {
    bytes = typeof document === "string" ? encoder.encode(document) : document;
    size = bytes.length;
    at = module._malloc(Math.max(size, 1));
    if (!at) throw new RangeError(`rolegate: no memory for a document of ${size} bytes`);
  }
  try {
    if (bytes !== null) module.HEAPU8.set(bytes, at);
    const answer = call(at, size);
    // Read the memory's view afresh: the call may have grown it.
    return JSON.parse(decoder.decode(module.HEAPU8.subarray(answer, answer + module._rg_answer_size())));
  } finally {
    if (bytes !== null) module._free(at);
  }
}

const EFFECTS = ["allow", "deny", "conditional"];
const MEMBER = 0, PERMISSION = 1, SCOPE = 2;

const released = new FinalizationRegistry(({ module, handle }) => module.release(handle));

/**
 * The bytes of the WebAssembly module's linear memory: every engine of this
 * module lives in it. It grows as bundles are loaded and never shrinks (released
 * engines leave room that later ones reuse).
 */
export async function memoryBytes() {
  return (await core()).HEAPU8.length;
}

/** Validates a bundle: { ok: true, revision, summary, warnings } or { ok: false, errors }. */
export async function validate(bundle) {
  const module = await core();
  return JSON.parse(module.validate(asDocument(bundle)));
}

/**
 * The operation kinds a change set may use, as the engine defines them:
 * { ok: true, kinds: [{ name, actsOnMember, givesRole, checkedByServer?, authorisedBy? }] }.
 */
export async function operationKinds() {
  const module = await core();
  return JSON.parse(module.operationKinds());
}

/**
 * Every place where two JSON documents differ, as `verify` lists a preview's
 * differences: { ok: true, differences: [{ pointer, expected?, actual? }] }.
 */
export async function diff(expected, actual) {
  const module = await core();
  return JSON.parse(module.diff(asDocument(expected), asDocument(actual)));
}

/**
 * Loads a bundle (text, bytes or an object). Returns an Engine, or { ok: false, errors }
 * when the bundle is invalid.
 */
export async function createEngine(bundle) {
  const module = await core();
  const loaded = crossing(module, asDocument(bundle), (at, size) => module._rg_load(at, size));
  if (!loaded.ok) return loaded;
  return new Engine(module, loaded);
}

/**
 * Runs a scenario file (text, bytes or an object); `bundles` maps the bundle
 * paths it names to their contents (text, bytes or an object each).
 */
export async function runScenario(scenario, bundles = {}) {
  const module = await core();
  // The bundle files cross as bytes, one after another, with an index of their
  // paths and lengths: a file that is not UTF-8 reaches the engine as it is.
  const index = [];
  const parts = [];
  let total = 0;
  for (const [file, contents] of Object.entries(bundles ?? {})) {
    const document = asDocument(contents);
    const bytes = typeof document === "string" ? encoder.encode(document) : document;
    index.push([file, bytes.length]);
    parts.push(bytes);
    total += bytes.length;
  }
  const blob = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    blob.set(part, at);
    at += part.length;
  }
  return JSON.parse(module.runScenario(asDocument(scenario), JSON.stringify(index), blob));
}

/** A compiled policy, resident in the WebAssembly module. */
export class Engine {
  #module;
  #handle;
  // The fast path's interned ids (id -> index, per kind) and the time it was
  // last set to (the module keeps the time per policy).
  #ids = [new Map(), new Map(), new Map()];
  #now = null;
  #nowValid = false;

  /** @private use createEngine */
  constructor(module, loaded) {
    this.#module = module;
    this.#handle = loaded.handle;
    this.ok = true;
    this.revision = loaded.revision;
    this.summary = loaded.summary;
    this.warnings = loaded.warnings;
    released.register(this, { module, handle: loaded.handle }, this);
  }

  #call(name, ...args) {
    if (this.#handle === null) {
      return { ok: false, errors: [{ code: "engine_closed", pointer: "", message: "this engine was closed" }] };
    }
    return JSON.parse(this.#module[name](this.#handle, ...args));
  }

  /** Decides one request: the decision with its reasons and requirements. */
  check(request) {
    if (this.#handle === null) return this.#call("check");
    const handle = this.#handle;
    return crossing(this.#module, asDocument(request), (at, size) => this.#module._rg_check(handle, at, size));
  }

  /** Decides many requests in one crossing; one result per request, in order. */
  checkBatch(requests) {
    return this.#call("checkBatch", asDocument(requests));
  }

  /**
   * The fast path: only the effect ("allow", "deny", "conditional"), or null for
   * an invalid request (an unknown id, a bad time, a rank-limited permission,
   * which needs attributes). No reasons, no attributes. Ids are resolved once
   * and cached, so a repeated check crosses into the module with integers.
   */
  effect(actor, action, resource, now) {
    if (this.#handle === null) return null;
    const m = this.#index(MEMBER, actor), p = this.#index(PERMISSION, action), s = this.#index(SCOPE, resource);
    if (m < 0 || s < 0 || p < 0) {
      // Not a permission: a self-upgrade or claim action, decided by ids.
      if (m < 0 || s < 0 || typeof action !== "string" || typeof now !== "string") return null;
      const code = this.#module.decide(this.#handle, actor, action, resource, now);
      return code < 0 ? null : EFFECTS[code];
    }
    if (!this.#at(now)) return null;
    const code = this.#module._rg_effect(this.#handle, m, p, s);
    return code < 0 ? null : EFFECTS[code];
  }

  /**
   * The fast path for many requests in one crossing: `requests` is an array of
   * [actor, action, resource] triples (or {actor, action, resource} objects), all
   * decided at `now`. Returns one effect per request, in order, as effect()
   * would (null for an invalid one).
   */
  effects(requests, now) {
    const n = requests.length;
    const out = new Array(n).fill(null);
    if (this.#handle === null || n === 0) return out;
    if (!this.#at(now)) return out;
    // Resolve every id first: interning may grow the module's memory, which
    // would detach views of it taken earlier. The cached ids are looked up
    // inline: this loop is most of the batch's cost outside the module.
    const triples = new Int32Array(n * 3);
    const slow = [];
    const [members, permissions, scopes] = this.#ids;
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      const r = requests[i];
      let actor, action, resource;
      if (Array.isArray(r)) {
        actor = r[0];
        action = r[1];
        resource = r[2];
      } else if (r !== null && typeof r === "object") {
        actor = r.actor;
        action = r.action;
        resource = r.resource;
      }
      let m = members.get(actor);
      if (m === undefined) m = this.#index(MEMBER, actor);
      let p = permissions.get(action);
      if (p === undefined) p = this.#index(PERMISSION, action);
      let s = scopes.get(resource);
      if (s === undefined) s = this.#index(SCOPE, resource);
      if (m >= 0 && s >= 0 && p < 0 && typeof action === "string") slow.push(i);
      triples[j] = m;
      triples[j + 1] = p;
      triples[j + 2] = s;
    }
    const module = this.#module;
    const base = module._malloc(n * 13);
    if (!base) throw new RangeError(`rolegate: no memory for a batch of ${n} requests`);
    try {
      module.HEAP32.set(triples, base >> 2);
      module._rg_effects(this.#handle, base, n, base + n * 12);
      const codes = module.HEAPU8.subarray(base + n * 12, base + n * 13);
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        if (c < 3) out[i] = EFFECTS[c];
      }
    } finally {
      module._free(base);
    }
    for (const i of slow) {
      const r = requests[i];
      out[i] = Array.isArray(r) ? this.effect(r[0], r[1], r[2], now) : this.effect(r.actor, r.action, r.resource, now);
    }
    return out;
  }

  // The interned index of an id (kind MEMBER, PERMISSION or SCOPE), or -1.
  #index(kind, id) {
    if (typeof id !== "string") return -1;
    const ids = this.#ids[kind];
    let index = ids.get(id);
    if (index === undefined) {
      index = this.#module.intern(this.#handle, kind, id);
      if (index < 0) return -1; // unknown ids are not cached: their number is unbounded
      ids.set(id, index);
    }
    return index;
  }

  // Sets the fast path's time; whether it is a valid timestamp.
  #at(now) {
    if (now !== this.#now) {
      this.#nowValid = typeof now === "string" && this.#module.setNow(this.#handle, now);
      this.#now = now;
    }
    return this.#nowValid;
  }

  /** What `member` can do on `scope`, with the source of each permission. */
  whatCan(member, scope, now) {
    return this.#call("whatCan", asDocument(query({ member, scope }, now, member)));
  }

  /** Who can do `action` on `scope`, with the binding that grants each. */
  whoCan(action, scope, now) {
    return this.#call("whoCan", asDocument(query({ action, scope }, now, action)));
  }

  /** The other members `actor` may see on `scope`. */
  visibleMembers(actor, scope, now) {
    return this.#call("visibleMembers", asDocument(query({ actor, scope }, now, actor)));
  }

  /** What `actor` may do to `member` at `now`: the operations on them, each allowed or needing approval. */
  memberAbilities(actor, member, now) {
    return this.#call("memberAbilities", asDocument(query({ actor, member }, now, actor)));
  }

  /** The attributes a check of `action` reads: `role`, `target`, and those approval rules compare. */
  checkAttributes(action) {
    return this.#call("checkAttributes", asDocument(typeof action === "object" && action !== null ? action : { action }));
  }

  /** The roles `actor` could ask for with `request_role` at `now`, on each scope where they hold one. */
  requestableRoles(actor, now) {
    return this.#call("requestableRoles", asDocument(typeof actor === "object" && actor !== null ? actor : { actor, now }));
  }

  /** The status of an approval request of the bundle at `now`. */
  approvalStatus(request, now) {
    return this.#call("approvalStatus", asDocument(typeof request === "object" && request !== null ? request : { request, now }));
  }

  /** The actor's self-upgrades waiting for their PIN once a change set is applied. */
  openVerifications(changeSet) {
    return this.#call("openVerifications", asDocument(changeSet));
  }

  /** What a change set would do (docs/changes.md); { bundleAfter: true } adds the bundle after. */
  simulate(changeSet, { bundleAfter = false } = {}) {
    return this.#call("simulate", asDocument(changeSet), bundleAfter);
  }

  /** Recomputes a simulation and lists every difference from `preview`. */
  verify(changeSet, preview) {
    return this.#call("verify", asDocument(changeSet), asDocument(preview));
  }

  /**
   * Verifies a what-if chain, `{"format": "rolegate-changechain/1", "steps":
   * [{changeSet, preview}...]}`, step by step from this policy, each step on the
   * bundle the one before leaves (as `rolegate verify-chain` does).
   */
  verifyChain(chain) {
    return this.#call("verifyChain", asDocument(chain));
  }

  /**
   * Static findings about the policy (docs/format.md, "Analysis"): escalation
   * paths, approval vetoes and gaps, lockout risks, unreachable roles.
   */
  analyze() {
    return this.#call("analyze");
  }

  /** Releases the policy now; later calls answer { ok: false }. */
  close() {
    if (this.#handle === null) return;
    released.unregister(this);
    this.#module.release(this.#handle);
    this.#handle = null;
  }
}

// A query object: either given whole as the first argument, or built from ids.
function query(fields, now, first) {
  if (first !== null && typeof first === "object") return first;
  return now === undefined ? fields : { ...fields, now };
}
