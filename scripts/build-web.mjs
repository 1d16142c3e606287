// Assembles build/web (see scripts/build-web): web/, the engine and the examples,
// built in a temporary directory and swapped in, so a server never sees half a
// site. Prints one summary line.
import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(repo, "build", "web");
const temp = `${out}.tmp-${process.pid}`;
const old = `${out}.old-${process.pid}`;
const ENGINE_FILES = ["rolegate.mjs", "rolegate_core.mjs", "rolegate_core.wasm"];
// Files of web/ that only the type check reads (and every .d.ts).
const SOURCE_ONLY = new Set(["jsconfig.json"]);

/** @type {string[]} */
const written = [];

/** @param {string} from @param {string} to */
async function copy(from, to) {
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(from, to);
  written.push(to);
}

/** @param {string} dir @param {string} to */
async function copyTree(dir, to) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) await copyTree(from, path.join(to, entry.name));
    else if (entry.isFile() && !SOURCE_ONLY.has(entry.name) && !entry.name.endsWith(".d.ts")) await copy(from, path.join(to, entry.name));
  }
}

/** @param {string} dir @returns {Promise<string[]>} the .json files of dir, sorted */
async function jsonFiles(dir) {
  const entries = await readdir(dir).catch(() => []);
  return entries.filter((name) => name.endsWith(".json")).sort();
}

/** The text of the first `# ` heading of a README, or null. @param {string} text */
export function firstHeading(text) {
  for (const line of text.split("\n")) {
    const match = /^#\s+(.+?)\s*#*\s*$/.exec(line);
    if (match) return match[1];
  }
  return null;
}

async function examples() {
  const root = path.join(repo, "examples");
  const index = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    const bundle = path.join(dir, "bundle.json");
    if (!(await stat(bundle).catch(() => null))) continue;
    const target = path.join(temp, "examples", entry.name);
    await copy(bundle, path.join(target, "bundle.json"));
    let title = null;
    const readme = path.join(dir, "README.md");
    if (await stat(readme).catch(() => null)) {
      await copy(readme, path.join(target, "README.md"));
      title = firstHeading(await readFile(readme, "utf8"));
    }
    if (title === null) {
      try {
        title = JSON.parse(await readFile(bundle, "utf8")).name ?? null;
      } catch {
        // An unreadable bundle is still listed: the app shows its errors.
      }
    }
    const lists = {};
    for (const kind of ["changes", "requests"]) {
      const files = await jsonFiles(path.join(dir, kind));
      for (const file of files) await copy(path.join(dir, kind, file), path.join(target, kind, file));
      lists[kind] = files;
    }
    index.push({ name: entry.name, title: title ?? entry.name, ...lists });
  }
  return index;
}

async function main() {
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    await copyTree(path.join(repo, "web"), temp);
    for (const file of ENGINE_FILES) {
      await copy(path.join(repo, "build", "wasm", file), path.join(temp, "engine", file));
    }
    const index = await examples();
    const indexFile = path.join(temp, "examples", "index.json");
    await mkdir(path.dirname(indexFile), { recursive: true });
    await writeFile(indexFile, `${JSON.stringify(index, null, 2)}\n`);
    written.push(indexFile);

    // A version from the content, for the offline cache's name.
    const hash = createHash("sha256");
    for (const file of written.sort()) {
      hash.update(path.relative(temp, file));
      hash.update(await readFile(file));
    }
    const version = hash.digest("hex").slice(0, 16);
    await writeFile(path.join(temp, "version.json"), `${JSON.stringify({ version })}\n`);

    await rm(old, { recursive: true, force: true });
    const hadOld = await stat(out).catch(() => null);
    if (hadOld) await rename(out, old);
    await rename(temp, out);
    if (hadOld) await rm(old, { recursive: true, force: true });
    console.log(`build-web: ${path.relative(repo, out)} (${written.length + 1} files, ${index.length} examples, version ${version})`);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`build-web: ${error.message}`);
    process.exit(1);
  });
}
