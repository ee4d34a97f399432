/**
 * Getting the capture's ingredients from Debian packages: the host's `qemu-system-aarch64`
 * (package qemu-system-arm) and, for the guest, arm64 packages fetched with `apt-get download`
 * and unpacked with `dpkg-deb -x` into a cache folder (never installed on the host).
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { ErrorCode, VsgiError } from "../../errors.ts";
import type { CpioEntry } from "./cpio.ts";
import { elfDeps } from "./elf.ts";

/** A capture that cannot proceed (missing tool, failed download, guest did not finish). */
export class CaptureError extends VsgiError {
  constructor(message: string) {
    super(ErrorCode.Config, message);
  }
}

/** The guest's userspace packages (arm64): shell, hackbench, stress-ng. */
export const GUEST_PACKAGES = ["busybox-static", "rt-tests", "stress-ng"] as const;
/** The guest binaries copied into the initramfs (paths inside the packages). */
export const GUEST_BINARIES = ["bin/busybox", "usr/bin/hackbench", "usr/bin/stress-ng"] as const;
/** The metapackage naming the current cloud kernel; the cloud flavour boots on `virt` without modules. */
export const KERNEL_METAPACKAGE = "linux-image-cloud-arm64";

const LIB_DIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib"];

/** What to run by hand when vsgi may not install. */
export const INSTALL_HINT =
  "as root: apt-get install qemu-system-arm && dpkg --add-architecture arm64 && apt-get update (vsgi capture then downloads the arm64 guest packages itself into its cache)";

/** Runs a command, returning stdout; throws CaptureError with its stderr on failure. */
export function run(cmd: string, args: readonly string[], options: { cwd?: string; quiet?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { cwd: options.cwd, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.error !== undefined) throw new CaptureError(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new CaptureError(`${cmd} ${args.join(" ")} failed (exit ${String(r.status)}): ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ")}`);
  return r.stdout;
}

function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  // No shell at all (r.error, null stdout) means the tool cannot be found either.
  const p = (r.stdout ?? "").trim();
  return r.error === undefined && r.status === 0 && p !== "" ? p : undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * The path of `qemu-system-aarch64`, installing Debian's qemu-system-arm when root and allowed.
 * @throws CaptureError saying what to install otherwise.
 */
export function ensureHostQemu(install: boolean, log: (s: string) => void): string {
  const found = which("qemu-system-aarch64");
  if (found !== undefined) return found;
  if (!install || !isRoot()) throw new CaptureError(`qemu-system-aarch64 not found; ${INSTALL_HINT}`);
  log("installing qemu-system-arm (Debian) for qemu-system-aarch64 …");
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "qemu-system-arm"]);
  const p = which("qemu-system-aarch64");
  if (p === undefined) throw new CaptureError("qemu-system-arm installed but qemu-system-aarch64 is still not on PATH");
  return p;
}

/** Makes arm64 packages downloadable (`dpkg --add-architecture arm64` + `apt-get update`). */
export function ensureArm64Apt(install: boolean, log: (s: string) => void): void {
  for (const tool of ["apt-get", "apt-cache", "dpkg", "dpkg-deb"]) {
    if (which(tool) === undefined) throw new CaptureError(`${tool} not found: vsgi capture needs a Debian (or derived) host`);
  }
  const foreign = run("dpkg", ["--print-foreign-architectures"]).split(/\s+/);
  const hasCandidate = (): boolean => /Candidate: (?!\(none\))/.test(run("apt-cache", ["policy", `${GUEST_PACKAGES[0]}:arm64`]));
  if (foreign.includes("arm64") && hasCandidate()) return;
  if (!install || !isRoot()) throw new CaptureError(`arm64 packages are not available to apt; ${INSTALL_HINT}`);
  log("enabling arm64 packages (dpkg --add-architecture arm64; apt-get update) …");
  if (!foreign.includes("arm64")) run("dpkg", ["--add-architecture", "arm64"]);
  run("apt-get", ["update", "-qq"]);
  if (!hasCandidate()) throw new CaptureError("apt has no arm64 candidate for busybox-static after apt-get update");
}

/** Direct `Depends` of an arm64 package (first alternative of each; virtual packages skipped). */
export function packageDepends(name: string): string[] {
  const out = run("apt-cache", ["depends", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", `${name}:arm64`]);
  return parseAptDepends(out);
}

/** Parses `apt-cache depends` output: the package of each `Depends:` line, first alternative only. */
export function parseAptDepends(text: string): string[] {
  const deps: string[] = [];
  let inAlternatives = false;
  for (const line of text.split("\n")) {
    const m = /^\s*(\|?)(Pre)?Depends: (\S+)/.exec(line);
    if (m === null) {
      // A bare indented line after `|Depends:` lists the providers of a virtual package.
      continue;
    }
    const name = m[3]!;
    const takeThis = !inAlternatives;
    inAlternatives = m[1] === "|";
    if (!takeThis || name.startsWith("<")) continue;
    deps.push(name.replace(/:(arm64|any|all)$/, ""));
  }
  return [...new Set(deps)];
}

function cachedDeb(name: string, debDir: string): string | undefined {
  const f = readdirSync(debDir).find((f) => f.startsWith(`${name}_`) && (f.endsWith("_arm64.deb") || f.endsWith("_all.deb")));
  return f === undefined ? undefined : join(debDir, f);
}

/**
 * `apt-get download` of each `name:arm64` not yet cached in `debDir`, in one apt-get run (one
 * run per package costs seconds each); the .deb paths in the order of `names`.
 */
export function downloadDebs(names: readonly string[], debDir: string): string[] {
  mkdirSync(debDir, { recursive: true });
  const missing = names.filter((n) => cachedDeb(n, debDir) === undefined);
  if (missing.length > 0) run("apt-get", ["download", "-qq", ...missing.map((n) => `${n}:arm64`)], { cwd: debDir });
  return names.map((n) => {
    const p = cachedDeb(n, debDir);
    if (p === undefined) throw new CaptureError(`apt-get download ${n}:arm64 left no .deb in ${debDir}`);
    return p;
  });
}

/** `apt-get download` of `name:arm64` into `debDir` unless a matching .deb is cached; the .deb path. */
export function downloadDeb(name: string, debDir: string): string {
  return downloadDebs([name], debDir)[0]!;
}

/** Unpacks a .deb into `root` (no maintainer scripts run). */
export function extractDeb(deb: string, root: string): void {
  mkdirSync(root, { recursive: true });
  run("dpkg-deb", ["-x", deb, root]);
}

/** The guest kernel: the cloud flavour's current `-unsigned` image, unpacked; its vmlinuz path and version. */
export function fetchKernel(cacheDir: string, log: (s: string) => void): { vmlinuz: string; version: string; package: string } {
  const deps = packageDepends(KERNEL_METAPACKAGE).filter((d) => d.startsWith("linux-image-"));
  const image = deps[0];
  if (image === undefined) throw new CaptureError(`${KERNEL_METAPACKAGE}:arm64 names no linux-image package`);
  // The unsigned image is the same kernel without the EFI signature wrapper.
  const unsigned = image.endsWith("-unsigned") ? image : `${image}-unsigned`;
  const pkg = /Candidate: (?!\(none\))/.test(run("apt-cache", ["policy", `${unsigned}:arm64`])) ? unsigned : image;
  const root = join(cacheDir, "kernel", pkg);
  const bootDir = join(root, "boot");
  if (!existsSync(bootDir)) {
    log(`downloading ${pkg}:arm64 …`);
    extractDeb(downloadDeb(pkg, join(cacheDir, "debs")), root);
  }
  const vmlinuz = readdirSync(bootDir).find((f) => f.startsWith("vmlinuz-"));
  if (vmlinuz === undefined) throw new CaptureError(`${pkg} has no boot/vmlinuz-*`);
  return { vmlinuz: join(bootDir, vmlinuz), version: vmlinuz.slice("vmlinuz-".length), package: pkg };
}

/**
 * Resolves `path` (absolute inside the guest tree, e.g. `/lib/ld-linux-aarch64.so.1`) under
 * `root`, following symlinks (absolute ones relative to `root`); the host path of the real file.
 */
export function resolveInRoot(root: string, path: string, depth = 0): string | undefined {
  if (depth > 16) return undefined;
  const parts = posix.normalize(`/${path}`).split("/").filter((p) => p !== "");
  let cur = "";
  for (let i = 0; i < parts.length; i++) {
    const next = `${cur}/${parts[i]!}`;
    const host = join(root, next);
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(host);
      const abs = target.startsWith("/") ? target : posix.join(posix.dirname(next), target);
      return resolveInRoot(root, posix.join(abs, ...parts.slice(i + 1)), depth + 1);
    }
    cur = next;
  }
  const host = join(root, cur);
  return existsSync(host) && statSync(host).isFile() ? host : undefined;
}

/** The guest userspace and what it loads, as initramfs entries. */
export interface GuestTree {
  readonly entries: CpioEntry[];
  readonly packages: string[];
}

/**
 * Downloads the guest packages and the libraries their binaries need (following PT_INTERP and
 * DT_NEEDED; a missing library makes the search expand the Depends of the packages fetched so far),
 * and returns the binaries and libraries as initramfs members.
 */
export function fetchGuestTree(cacheDir: string, log: (s: string) => void): GuestTree {
  const debDir = join(cacheDir, "debs");
  const root = join(cacheDir, "userland");
  const fetched = new Set<string>();
  const expanded = new Set<string>();
  const fetch = (names: readonly string[]): void => {
    const fresh = [...new Set(names)].filter((n) => !fetched.has(n));
    if (fresh.length === 0) return;
    const debs = downloadDebs(fresh, debDir);
    fresh.forEach((name, i) => {
      fetched.add(name);
      const stamp = join(root, ".extracted", name);
      if (!existsSync(stamp)) {
        extractDeb(debs[i]!, root);
        mkdirSync(dirname(stamp), { recursive: true });
        writeFileSync(stamp, "");
      }
    });
  };
  log(`fetching guest packages (${GUEST_PACKAGES.join(", ")}) into ${cacheDir} …`);
  fetch(GUEST_PACKAGES);
  for (let round = 0; round < 6; round++) {
    const { missing } = closure(root);
    if (missing.length === 0) break;
    const toExpand = [...fetched].filter((p) => !expanded.has(p));
    if (toExpand.length === 0) throw new CaptureError(`libraries not found in any fetched package: ${missing.join(", ")}`);
    const next: string[] = [];
    for (const p of toExpand) {
      expanded.add(p);
      for (const d of packageDepends(p)) if (!fetched.has(d) && /^lib|^zlib/.test(d)) next.push(d);
    }
    fetch(next);
  }
  const { files, missing } = closure(root);
  if (missing.length > 0) throw new CaptureError(`libraries not found in any fetched package: ${missing.join(", ")}`);
  const entries: CpioEntry[] = [];
  const dirs = new Set<string>();
  for (const [guestPath, hostPath] of files) {
    const parts = guestPath.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    entries.push({ path: guestPath, type: "file", mode: 0o755, data: readFileSync(hostPath) });
  }
  const dirEntries: CpioEntry[] = [...dirs].sort().map((d) => ({ path: d, type: "dir", mode: 0o755 }));
  return { entries: [...dirEntries, ...entries], packages: [...fetched].sort() };
}

/** Guest path → host file of every binary and the libraries it loads; and sonames not found. */
function closure(root: string): { files: Map<string, string>; missing: string[] } {
  const files = new Map<string, string>();
  const missing = new Set<string>();
  const queue: string[] = [];
  for (const b of GUEST_BINARIES) {
    const host = resolveInRoot(root, b);
    if (host === undefined) throw new CaptureError(`${b} missing from the fetched guest packages`);
    files.set(b, host);
    queue.push(host);
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const host = queue.pop()!;
    if (seen.has(host)) continue;
    seen.add(host);
    const deps = elfDeps(readFileSync(host));
    if (deps === undefined) continue;
    if (deps.interp !== undefined) {
      const h = resolveInRoot(root, deps.interp);
      if (h === undefined) missing.add(deps.interp);
      else {
        files.set(deps.interp.replace(/^\/+/, ""), h);
        queue.push(h);
      }
    }
    for (const so of deps.needed) {
      let h: string | undefined;
      for (const d of LIB_DIRS) {
        h = resolveInRoot(root, `${d}/${so}`);
        if (h !== undefined) break;
      }
      if (h === undefined) missing.add(so);
      else {
        files.set(`lib/aarch64-linux-gnu/${so}`, h);
        queue.push(h);
      }
    }
  }
  return { files, missing: [...missing].sort() };
}
