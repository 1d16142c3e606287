// Prepended to the debug build only (emcc --extern-pre-js). The debug build also
// targets Node.js, and Emscripten's Node.js code expects CommonJS `require` and
// `__dirname`, which an ES module lacks: give it both, in Node.js only.
const rolegateInNode = typeof process == "object" && typeof process.versions == "object" && typeof process.versions.node == "string";
var require = rolegateInNode ? (await import("node:module")).createRequire(import.meta.url) : undefined;
var __dirname = rolegateInNode ? decodeURIComponent(new URL(".", import.meta.url).pathname) : "";
