// @ts-check
// Validation errors made readable: where each JSON Pointer points, in words
// ("bindings › 3rd (b-3) › member"), and the value found there.

/**
 * @typedef {import("./types.js").EngineError} EngineError
 * @typedef {{ code: string, pointer: string, message: string, where: string, value: string | null,
 *   line: number | null }} ReadableError
 */

/**
 * The reference tokens of a JSON Pointer (RFC 6901), unescaped.
 * @param {string} pointer
 * @returns {string[]}
 */
export function pointerTokens(pointer) {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The value a pointer names in a document, or undefined.
 * @param {unknown} doc
 * @param {string} pointer
 */
export function resolvePointer(doc, pointer) {
  let current = doc;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current && typeof current === "object") {
      if (!Object.prototype.hasOwnProperty.call(current, token)) return undefined;
      current = /** @type {Record<string, unknown>} */ (current)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** @param {number} n */
function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

/**
 * Where a pointer points, in words: "bindings › 3rd (b-3) › member". Array items
 * are counted from 1 and named by their id (or name) when they have one.
 * @param {unknown} doc the parsed document, or undefined when it could not be read
 * @param {string} pointer
 */
export function describePointer(doc, pointer) {
  if (pointer === "") return "the whole document";
  const parts = [];
  let current = doc;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(current) && /^\d+$/.test(token)) {
      const item = current[Number(token)];
      const label =
        item && typeof item === "object" && !Array.isArray(item)
          ? /** @type {Record<string, unknown>} */ (item).id ?? /** @type {Record<string, unknown>} */ (item).name ?? /** @type {Record<string, unknown>} */ (item).event
          : undefined;
      parts.push(typeof label === "string" ? `${ordinal(Number(token) + 1)} (${label})` : ordinal(Number(token) + 1));
      current = item;
    } else {
      parts.push(token);
      current = current && typeof current === "object" ? /** @type {Record<string, unknown>} */ (current)[token] : undefined;
    }
  }
  return parts.join(" › ");
}

/**
 * A short rendering of a value for an error list.
 * @param {unknown} value
 * @param {number} [limit]
 */
export function previewValue(value, limit = 80) {
  if (value === undefined) return null;
  let text = JSON.stringify(value);
  if (text === undefined) return null;
  if (text.length > limit) text = `${text.slice(0, limit - 1)}…`;
  return text;
}

/**
 * Every error of a rejected bundle, readable: the pointer, where it points in
 * words, the value there, and for a parse error the line it names.
 * @param {EngineError[]} errors
 * @param {string} text the document as read
 * @returns {ReadableError[]}
 */
export function readableErrors(errors, text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  return errors.map((e) => {
    const lineMatch = /line (\d+)/.exec(e.message);
    return {
      code: e.code,
      pointer: e.pointer,
      message: e.message,
      where: describePointer(doc, e.pointer),
      value: e.pointer === "" ? null : previewValue(resolvePointer(doc, e.pointer)),
      line: lineMatch ? Number(lineMatch[1]) : null,
    };
  });
}

/**
 * The lines of a text around a line number (1-based), for a parse error.
 * @param {string} text
 * @param {number} line
 * @param {number} [around]
 * @returns {{ number: number, text: string, here: boolean }[]}
 */
export function linesAround(text, line, around = 2) {
  const lines = text.split("\n");
  const out = [];
  for (let n = Math.max(1, line - around); n <= Math.min(lines.length, line + around); n++) {
    out.push({ number: n, text: lines[n - 1], here: n === line });
  }
  return out;
}
