// @ts-check
// Actions that open a policy: the examples, a bundle at a URL, a file chosen or
// dropped, what the page asks for, and the way from the sign-in page to the examples.
import { asText, fail as failWith, fetchBytes, fetchText } from "./context.js";
import { loadChangeSetText } from "./draft.js";
import { loadBundleText } from "./loader.js";

/**
 * @typedef {import("./context.js").AppContext} AppContext
 * @typedef {import("../state/app-state.js").ExampleInfo} ExampleInfo
 */

/** @param {AppContext} c @param {string} message */
export function fail(c, message) {
  failWith(c, message);
}

/**
 * The time an example's scenario happens at: its first change set's `now`, else
 * its first request's.
 * @param {ExampleInfo} example
 */
async function exampleNow(example) {
  const files = [...example.changes.map((f) => `changes/${f}`), ...example.requests.map((f) => `requests/${f}`)];
  for (const file of files.slice(0, 2)) {
    try {
      const doc = JSON.parse(await fetchText(`examples/${example.name}/${file}`));
      if (typeof doc.now === "string") return doc.now;
    } catch {
      // No time from this file; try the next.
    }
  }
  return null;
}

/** Fetches the list of examples (build-web writes it). @param {AppContext} c */
export async function loadExamples(c) {
  try {
    const list = JSON.parse(await fetchText("examples/index.json"));
    c.store.set({ examples: Array.isArray(list) ? list : [] });
  } catch {
    c.store.set({ examples: [] });
  }
}

/** @param {AppContext} c @param {string} name */
export async function loadExample(c, name) {
  const example = c.get().examples.find((e) => e.name === name);
  if (!example) {
    failWith(c, `There is no example called “${name}”.`);
    return;
  }
  try {
    c.store.set({ phase: "loading", message: `Loading ${example.title}…` });
    const [bytes, now] = await Promise.all([fetchBytes(`examples/${name}/bundle.json`), exampleNow(example)]);
    await loadBundleText(c, bytes, { kind: "example", name, label: example.title }, { now });
  } catch (error) {
    failWith(c, `Could not load the example “${name}”: ${/** @type {Error} */ (error).message}`);
  }
}

/** @param {AppContext} c @param {string} url */
export async function loadUrl(c, url) {
  try {
    c.store.set({ phase: "loading", message: `Loading ${url}…` });
    const bytes = await fetchBytes(url);
    await loadBundleText(c, bytes, { kind: "url", name: url, label: url });
  } catch (error) {
    failWith(c, `Could not load the bundle at ${url}: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * A file chosen or dropped (its bytes, or text): a change set goes into the
 * builder, anything else is read as a bundle. The engine reads the bytes, so a
 * file that is not UTF-8 is refused here as everywhere else.
 * @param {AppContext} c @param {string | Uint8Array} contents @param {string} name
 */
export async function openFile(c, contents, name) {
  const text = asText(contents);
  let format = null;
  try {
    format = JSON.parse(text)?.format ?? null;
  } catch {
    // Not JSON: the bundle loader reports the parse error.
  }
  const engine = c.get().engine;
  if (format === "rolegate-changeset/1" && engine) {
    // What the builder reads is text; bytes that are not UTF-8 get the engine's answer.
    const refused = typeof contents === "string" ? null : engine.simulate(contents);
    if (refused && !refused.ok && refused.errors.some((e) => e.code === "parse_error")) {
      c.store.set({ notice: { text: `${name}: ${refused.errors[0].message}`, tone: "error" } });
      return;
    }
    loadChangeSetText(c, text, name);
    return;
  }
  await loadBundleText(c, contents, { kind: "file", name, label: name });
}

/** Opens what the page asks for (?bundle, ?example), else the BT Business example. @param {AppContext} c */
export async function openDefault(c) {
  const { params } = c;
  if (params.bundle) {
    await loadUrl(c, params.bundle);
    return;
  }
  const examples = c.get().examples;
  const name = params.example ?? (examples.some((e) => e.name === "bt-business") ? "bt-business" : examples[0]?.name);
  if (name) await loadExample(c, name);
  else failWith(c, "There is no example to open: open a bundle file, drop one onto the page, or use ?bundle=URL.");
}

/** From the sign-in page to the examples: a simulation, nothing is committed. @param {AppContext} c */
export async function exploreOffline(c) {
  c.connection?.goOffline();
  const { source } = c.get();
  if (source && source.kind !== "server" && c.get().index) {
    c.store.set({ phase: "ready" });
    return;
  }
  await openDefault(c);
}
