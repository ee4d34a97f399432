/** Helpers of the trace tests: fixture paths, temp files, collecting a reader. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { TraceEvent } from "../../src/trace/event.ts";

export const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
/** The project's shared real traces, copied unchanged from ../shared/fixtures into the repository. */
export const SHARED_FIXTURES = resolve(REPO_ROOT, "fixtures/shared");
/** The traces this repository commits. */
export const OWN_FIXTURES = resolve(REPO_ROOT, "fixtures");

/** A fixture path that must exist: a missing fixture fails the test loudly, never skips it. */
export function fixture(dir: string, name: string): string {
  const p = join(dir, name);
  if (!existsSync(p)) throw new Error(`fixture missing: ${p}`);
  return p;
}

export async function collect(it: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; file: (name: string, content: string | Buffer, gzip?: boolean) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "vsgi-trace-"));
  return {
    dir,
    file: (name, content, gzip = false) => {
      const p = join(dir, name);
      writeFileSync(p, gzip ? gzipSync(content) : content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
