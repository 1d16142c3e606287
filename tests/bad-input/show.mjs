// Prints a case's three answers (the CLI's, the raw wasm module's, the JS API's),
// whether they agree, and the catalogue entry they amount to, for reviewing a case
// or writing a new one:
//
//   node tests/bad-input/show.mjs NAME...        cases of the catalogue, by name (the
//                                                 file under cases/ without its
//                                                 extension, e.g. bundle/empty) or by
//                                                 generator; none: every case
//   node tests/bad-input/show.mjs --kind KIND [--query Q] [--bundle B] [--change-set C] FILE
//                                                 a document not catalogued yet (FILE
//                                                 relative to tests/bad-input/)
//
// KIND is one of bundle, request, query, changeset, preview, chain, scenario; Q (for
// a query) whatCan, whoCan or visibleMembers; B and C are relative to
// tests/bad-input/ (defaults base/bundle.json and base/changeset.json). The entry
// printed is the engine's answer as it is now: read it, and paste it only when it
// is right (README.md).
import fs from "node:fs";
import path from "node:path";
import {
  DIR, apiAnswer, canonical, cliAnswer, coreAnswer, errorsOf, loadApi, loadCases, loadCore, parseAt, tempDir,
} from "./answers.mjs";

const args = process.argv.slice(2);
const tmp = tempDir();
let cases;
if (args[0] === "--kind") {
  const c = { kind: args[1] };
  for (let i = 2; i < args.length; i++) {
    if (args[i] === "--query") c.query = args[++i];
    else if (args[i] === "--bundle") c.bundle = args[++i];
    else if (args[i] === "--change-set") c.changeSet = args[++i];
    else c.file = args[i];
  }
  c.name = c.file;
  c.path = path.resolve(DIR, c.file);
  if (c.kind !== "bundle" && c.kind !== "scenario") c.bundlePath = path.join(DIR, c.bundle ?? "base/bundle.json");
  if (c.kind === "preview") c.changeSetPath = path.join(DIR, c.changeSet ?? "base/changeset.json");
  cases = [c];
} else {
  const all = loadCases(tmp);
  cases = args.length === 0 ? all : all.filter((c) => args.includes(c.name) || args.includes(c.generate));
  if (cases.length === 0) console.error(`no such case: ${args.join(" ")}`);
}
const core = await loadCore();
const api = await loadApi();
const clip = (s) => (s.length > 1500 ? `${s.slice(0, 1500)}…` : s);
try {
  for (const c of cases) {
    const cli = await cliAnswer(c);
    const cliText = cli.text.toString("utf8");
    const coreText = await coreAnswer(core, c);
    const apiValue = await apiAnswer(api, c);
    console.log(`== ${c.name} (${c.kind}): exit ${cli.code}${cli.stderr ? `; stderr: ${cli.stderr.trim()}` : ""}`);
    console.log(`   cli:  ${clip(cliText)}`);
    console.log(`   core: ${Buffer.from(coreText, "utf8").equals(cli.text) ? "byte-identical" : `DIFFERENT: ${clip(coreText)}`}`);
    let answer = null;
    try {
      answer = JSON.parse(cliText);
    } catch {
      console.log("   the CLI did not print one JSON document");
      continue;
    }
    console.log(`   api:  ${canonical(apiValue) === canonical(answer) ? "deep-equal" : `DIFFERENT: ${clip(canonical(apiValue))}`}`);
    const entry = { ...(c.generate ? { generate: c.generate } : { file: c.file }), kind: c.kind };
    if (c.query) entry.query = c.query;
    entry.shows = c.shows ?? "TODO: one sentence";
    entry.expect = errorsOf(c.kind, answer);
    const errors = c.kind === "scenario" ? answer[0].errors : answer.errors ?? [];
    const parseError = errors.find((e) => e.code === "parse_error");
    if (parseError && parseAt(parseError.message)) entry.at = parseAt(parseError.message);
    entry.exit = cli.code;
    if (c.kind === "changeset" && answer.ok) entry.operations = answer.operations.map((o) => [o.effect, o.reasons.map((r) => r.code)]);
    if ((c.kind === "preview" || c.kind === "chain") && answer.ok) entry.differences = answer.differences.map((d) => d.pointer);
    if (c.kind === "scenario" && entry.expect.length === 0) entry.failedCases = answer[0].cases.filter((x) => !x.passed).map((x) => x.id);
    console.log(`   entry: ${JSON.stringify(entry)}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
