/**
 * Compiles a C engine (native/plugin/vsgi_engine.h, ABI 1) with the machine's C compiler: into a
 * Node-API module (with native/plugin/napi-shim.c) for in-process use, or into an object file
 * for the native bench. Outputs are cached in `.cache/vsgi-plugins/` under the package (else the
 * temp folder), keyed by a hash of the sources, flags and compiler version.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { packageRoot } from "../util/package-root.ts";
import { PluginError } from "../errors.ts";
import { readInputBytes } from "../util/read-input.ts";

/** The folder with the ABI header, the Node-API shim and the native bench harness. */
export function pluginNativeDir(): string {
  return join(packageRoot(), "native", "plugin");
}

/** A C compiler found on this machine. */
export interface CCompiler {
  readonly command: string;
  /** First line of `--version`. */
  readonly version: string;
}

/** What to tell someone without a compiler. */
export const NO_COMPILER_HELP = "install one (Debian/Ubuntu: apt-get install gcc) or set CC to a C compiler";

/**
 * The C compiler: `$CC` when set, else the first of cc, gcc, clang that answers `--version`.
 * @throws PluginError when there is none.
 */
export function findCCompiler(): CCompiler {
  const candidates = process.env.CC !== undefined && process.env.CC !== "" ? [process.env.CC] : ["cc", "gcc", "clang"];
  for (const command of candidates) {
    try {
      const out = execFileSync(command, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      return { command, version: out.split("\n")[0] ?? command };
    } catch {
      // try the next one
    }
  }
  throw new PluginError(`no C compiler found (tried ${candidates.join(", ")}): C engines are compiled on this machine — ${NO_COMPILER_HELP}`);
}

/** The folder compiled engines and native plugin benches are cached in. */
export function pluginCacheDir(): string {
  for (const dir of [join(packageRoot(), ".cache", "vsgi-plugins"), join(tmpdir(), "vsgi-plugins-cache")]) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, ".probe"), "");
      return dir;
    } catch {
      // read-only install: fall through to the temp folder
    }
  }
  throw new PluginError("no writable cache folder for compiled C engines (package folder and temp folder both read-only)");
}

/** Largest C engine source read (a dispatch engine is a few KB). */
const MAX_C_SOURCE_BYTES = 4 << 20;

function readSource(file: string): Buffer {
  // Bounded by the bytes read, and only a regular file (not a FIFO or a device).
  return readInputBytes(file, MAX_C_SOURCE_BYTES, (message) => new PluginError(`cannot read C engine: ${message}`, file));
}

/** The first lines of a compiler's complaint, with the cache paths left as they are. */
function firstLines(text: string, n = 6): string {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  return lines.slice(0, n).join("\n") + (lines.length > n ? `\n… (${String(lines.length - n)} more lines)` : "");
}

function run(cc: CCompiler, args: readonly string[], file: string, what: string): void {
  const r = spawnSync(cc.command, args, { encoding: "utf8" });
  if (r.status !== 0) {
    throw new PluginError(`${file}: ${cc.command} could not ${what}:\n${firstLines(r.stderr || r.error?.message || "")}`, file);
  }
}

/** Flags every C engine is compiled with (the ABI header is force-included so signatures are checked). */
function engineFlags(optimise: readonly string[], file: string): string[] {
  const dir = pluginNativeDir();
  return ["-std=gnu11", ...optimise, "-I", dir, "-I", dirname(resolve(file)), "-include", join(dir, "vsgi_engine.h")];
}

/** Checks that the engine defines both ABI functions: a link of a tiny probe that calls them. */
function checkSymbols(cc: CCompiler, file: string, object: string, dir: string): void {
  const probe = join(dir, "probe.c");
  writeFileSync(
    probe,
    "#include <stdint.h>\nint vsgi_engine_prepare(const uint32_t *, uint32_t, int, char *);\n" +
      "uint32_t vsgi_engine_dispatch(uint64_t, uint32_t, uint32_t *, uint32_t *);\n" +
      "int main(void) { char r[256]; uint32_t t[1], n; return vsgi_engine_prepare(0, 0, 0, r) + (int)vsgi_engine_dispatch(0, 0, t, &n); }\n",
  );
  const r = spawnSync(cc.command, [probe, object, "-o", join(dir, "probe")], { encoding: "utf8" });
  if (r.status !== 0) {
    const missing = ["vsgi_engine_prepare", "vsgi_engine_dispatch"].filter((s) => r.stderr.includes(`undefined reference to \`${s}'`) || r.stderr.includes(`"_${s}"`) || r.stderr.includes(`'${s}'`));
    throw new PluginError(
      missing.length > 0
        ? `${file}: the C engine does not define ${missing.join(" and ")} (see native/plugin/vsgi_engine.h)`
        : `${file}: linking the C engine failed:\n${firstLines(r.stderr)}`,
      file,
    );
  }
}

/** A compiled C engine module. */
export interface CompiledModule {
  readonly path: string;
  readonly compiler: CCompiler;
  readonly cached: boolean;
}

/**
 * Compiles `file` with the Node-API shim into a loadable `.node` module (or finds it cached).
 * @throws PluginError without a compiler, on a compile error, or when an ABI function is missing.
 */
export function compileCModule(file: string): CompiledModule {
  const source = readSource(file);
  const cc = findCCompiler();
  const shim = join(pluginNativeDir(), "napi-shim.c");
  const flags = ["-O2", "-fPIC"];
  const hash = createHash("sha256")
    .update(source)
    .update(readFileSync(shim))
    .update(readFileSync(join(pluginNativeDir(), "vsgi_engine.h")))
    .update(flags.join(" "))
    .update(cc.version)
    .digest("hex")
    .slice(0, 16);
  const root = pluginCacheDir();
  const path = join(root, `engine-${hash}.node`);
  if (existsSync(path)) return { path, compiler: cc, cached: true };
  const work = join(root, `build-${hash}-${String(process.pid)}`);
  mkdirSync(work, { recursive: true });
  try {
    const object = join(work, "engine.o");
    run(cc, [...engineFlags(flags, file), "-c", resolve(file), "-o", object], file, "compile the engine");
    checkSymbols(cc, file, object, work);
    const tmp = join(work, "engine.node");
    run(cc, [...engineFlags(flags, file), "-shared", object, shim, "-o", tmp], file, "link the Node-API module");
    // A rename is atomic: a concurrent vsgi sees the finished module or none.
    renameSync(tmp, path);
    return { path, compiler: cc, cached: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Compiles `file` into an object for the native bench, its two functions renamed to
 * `<prefix>_prepare` and `<prefix>_dispatch` so several engines link into one process.
 */
export function compileCObject(file: string, prefix: string, optimise: readonly string[], outDir: string): string {
  const cc = findCCompiler();
  const object = join(outDir, `${prefix}.o`);
  const rename = [`-Dvsgi_engine_prepare=${prefix}_prepare`, `-Dvsgi_engine_dispatch=${prefix}_dispatch`];
  run(cc, [...rename, ...engineFlags(optimise, file), "-c", resolve(file), "-o", object], file, "compile the engine for the native bench");
  return object;
}
