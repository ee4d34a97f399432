#!/usr/bin/env node
// The published command runs the compiled CLI; the package ships dist/ (built by `prepack`),
// a clone builds it with `npm run build` (or `npm test`).
import { existsSync } from "node:fs";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("error: vsgi is not built (dist/cli/main.js missing): run `npm run build`\n");
  process.exit(1);
}
await import(main.href);
