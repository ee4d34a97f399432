/**
 * The layer rules of src/ (see /DESIGN layout): a module may import only its own layer or the
 * layers below it, and nothing may form a cycle. Lowest first; a layer is a list of folders
 * (or root files) of src/.
 *
 * TypeScript 7 has no compiler API, so the parser is swc (@swc/core): with dependency-cruiser's
 * default parser every import is missed and the check passes vacuously. test/architecture/
 * dependencies.test.ts therefore also checks that every file of src/ was cruised.
 */
const LAYERS = [
  ["errors.ts", "json.ts", "util"], // shared leaves: errors, JSON input, Node helpers, formatting
  ["arch"], // bit-exact register codecs
  ["topology", "state"],
  ["engines"],
  ["gic.ts", "gic-options.ts"], // VirtualGic wires topology, engine and state; its options and their checks
  ["workload"], // Linux-guest IPI profiles, the one PRNG
  ["trace", "concurrent"],
  ["bench"],
  ["model"],
  ["check"], // vsgi check: plugin engines against the reference, vectors and traces
  ["report"],
  ["lab"],
  ["cli"],
];

/** The package entries (package.json "exports"): they may import any layer; no module imports them. */
const ENTRIES = "^src/(index\\.ts$|entries/)";

const escape = (s) => s.replace(/[.]/g, "\\.");
const pathOf = (names) => `^src/(${names.map(escape).join("|")})($|/)`;

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer[0].replace(/\.ts$/, "")}`,
  comment: `${layer.join(", ")} may import only its own layer or lower ones, not ${LAYERS.slice(i + 1).flat().join(", ")}`,
  severity: "error",
  from: { path: pathOf(layer) },
  to: { path: pathOf(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "an import cycle: every module must be readable and testable on its own",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: "no-import-of-entries",
      comment: "src/index.ts and src/entries/ are the package entries, for users; modules import the module that defines a name",
      severity: "error",
      from: { path: "^src/" },
      to: { path: ENTRIES },
    },
    {
      name: "no-unlisted-src",
      comment: "every folder or root file of src/ belongs to a layer (add new ones to LAYERS)",
      severity: "error",
      from: { path: "^src/", pathNot: `${ENTRIES}|${pathOf(LAYERS.flat())}` },
      to: {},
    },
  ],
  options: {
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
  },
};
