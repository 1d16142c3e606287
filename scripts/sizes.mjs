#!/usr/bin/env node
// Sizes of the source: every file in engine/, wasm/ and web/js/ over MAX_FILE
// lines and every function over MAX_FUNCTION lines (from its signature to its
// closing brace; a function's nested lambdas and closures count as its own
// lines). docs/design.md, "Size exceptions", lists the ones allowed and why.
//
//   node scripts/sizes.mjs            report; exit 1 when one is over and not listed
//   node scripts/sizes.mjs --all      also list every file and function near the limits
import fs from "node:fs";
import path from "node:path";

export const MAX_FILE = 600;
export const MAX_FUNCTION = 80;
const ROOTS = ["engine", "wasm", "web/js"];
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(cc|h|js|mjs)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

// The text with comments, string, character and template literals blanked (their
// braces do not count), line breaks kept.
function codeOnly(text, js) {
  let out = "";
  let i = 0;
  const blank = (s) => s.replace(/[^\n]/g, " ");
  while (i < text.length) {
    const c = text[i], next = text[i + 1];
    const lineStart = i === 0 || text[i - 1] === "\n";
    if (!js && lineStart && /^[ \t]*#/.test(text.slice(i, i + 80))) {
      // A preprocessor line (continued with a backslash).
      let stop = i;
      do {
        const end = text.indexOf("\n", stop);
        stop = end < 0 ? text.length : end;
      } while (text[stop - 1] === "\\" && stop < text.length && ++stop);
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || (js && c === "`")) {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += blank(text.slice(i, j + 1));
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

const CONTROL = /^(if|for|while|switch|catch|do|else|try|return|namespace|class|struct|enum|union|typedef|using)\b/;

// Functions (name, first line, line count) whose body opens where the enclosing
// braces are a namespace, a class or the file itself.
function functions(text, js) {
  const code = codeOnly(text, js);
  const found = [];
  const stack = [];  // "scope" (namespace, class, file level) or "other"
  let statement = "";  // since the last ; { or }
  let statementLine = 0;
  let line = 1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === "\n") line += 1;
    if (c === "{") {
      const head = statement.trim().replace(/\s+/g, " ");
      const atScope = stack.every((s) => s === "scope");
      const scopeLike = /^(export )?(default )?(namespace|class|struct|union)\b/.test(head) ||
        /^(extern "C"|namespace)/.test(head) || /^(template <[^>]*> )?(class|struct) /.test(head);
      const isFunction = atScope && !scopeLike && /\)\s*(const|override|noexcept|final|->[^{]*|\s)*$|=>\s*$/.test(head) &&
        !CONTROL.test(head) && !/^\[/.test(head) && !/(=|return|\() *\[[^\]]*\] *\(/.test(head);
      if (isFunction) {
        const name = (head.match(/([A-Za-z_~][\w:]*(?:<[^()]*>)?)\s*(?:=\s*(?:async\s*)?(?:function\s*)?)?\(/) || [, head.slice(0, 40)])[1];
        stack.push({ kind: "function", name, start: statementLine || line, depth: 0 });
      } else {
        stack.push(scopeLike || (atScope && /^(export )?(default )?$/.test(head) === false && /^(namespace|class|struct)/.test(head)) ? "scope" : "other");
      }
      statement = "";
      statementLine = 0;
      continue;
    }
    if (c === "}") {
      const top = stack.pop();
      if (top && top.kind === "function") {
        found.push({ name: top.name, line: top.start, lines: line - top.start + 1 });
      }
      statement = "";
      statementLine = 0;
      continue;
    }
    if (c === ";") {
      statement = "";
      statementLine = 0;
      continue;
    }
    if (!statementLine && /\S/.test(c)) statementLine = line;
    statement += c;
  }
  return found;
}

export function measure() {
  const files = [];
  for (const root of ROOTS) {
    for (const file of sourceFiles(path.join(repo, root))) {
      const rel = path.relative(repo, file);
      const text = fs.readFileSync(file, "utf8");
      const js = /\.m?js$/.test(file);
      files.push({ file: rel, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0),
                   functions: functions(text, js) });
    }
  }
  return files;
}

// The exceptions docs/design.md lists: "| `path` |" or "| `path` `Function` |" rows.
export function exceptions() {
  const design = fs.readFileSync(path.join(repo, "docs/design.md"), "utf8");
  const section = design.split(/^## /m).find((s) => s.startsWith("Size exceptions")) || "";
  const out = new Set();
  for (const m of section.matchAll(/^\| `([^`]+)`(?: `([^`]+)`)? \|/gm)) {
    out.add(m[2] ? `${m[1]} ${m[2]}` : m[1]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const all = process.argv.includes("--all");
  const allowed = exceptions();
  const over = [];
  for (const f of measure()) {
    if (f.lines > MAX_FILE) over.push({ what: f.file, key: f.file, size: f.lines, limit: MAX_FILE });
    for (const fn of f.functions) {
      if (fn.lines > MAX_FUNCTION) {
        over.push({ what: `${f.file}:${fn.line} ${fn.name}`, key: `${f.file} ${fn.name}`,
                    size: fn.lines, limit: MAX_FUNCTION });
      }
    }
  }
  let bad = 0;
  for (const o of over) {
    const listed = allowed.has(o.key);
    if (!listed) bad += 1;
    if (!listed || all) {
      console.log(`${listed ? "listed " : "OVER   "} ${o.what}: ${o.size} lines (limit ${o.limit})`);
    }
  }
  console.log(`sizes: ${over.length} over the limits, ${over.length - bad} of them listed in docs/design.md`);
  process.exit(bad > 0 ? 1 : 0);
}
