/**
 * The core in a web page: the form's register write goes through a VirtualGic and the page lists
 * the vCPUs it made pending. Bundle for the browser (no Node built-in is involved):
 *   npx esbuild examples/browser/main.ts --bundle --format=iife --outfile=examples/browser/dist/main.js
 * then open index.html (a classic script, so it also works from file://).
 */
import { formatAffinity, SGI_COUNT, VirtualGic, VsgiError } from "vsgi";

/** What one write did: the targets made pending, with their affinity, and the engine's visits. */
export function routeInPage(topology: string, sender: number, value: string): { targets: string[]; visits: number } {
  const gic = new VirtualGic({ topology, strict: true });
  gic.writeSgi1r(sender, value);
  const targets: string[] = [];
  for (let v = 0; v < gic.topology.count; v++) {
    for (let intid = 0; intid < SGI_COUNT; intid++) {
      if (gic.isPending(v, intid)) targets.push(`vCPU ${String(v)} (${formatAffinity(gic.topology.affinity[v]!)}) SGI ${String(intid)}`);
    }
  }
  return { targets, visits: gic.visits };
}

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} missing from the page`);
  return e as T;
}

function update(): void {
  const out = byId<HTMLOutputElement>("result");
  try {
    const r = routeInPage(byId<HTMLSelectElement>("topology").value, Number(byId<HTMLInputElement>("sender").value), byId<HTMLInputElement>("value").value);
    out.textContent = `${String(r.targets.length)} target(s), ${String(r.visits)} visit(s): ${r.targets.join("; ")}`;
    out.dataset.state = "ok";
  } catch (e) {
    // Bad input is a typed VsgiError with a readable message; anything else is a bug.
    out.textContent = e instanceof VsgiError ? `error: ${e.message}` : `bug: ${String(e)}`;
    out.dataset.state = "error";
  }
}

if (typeof document !== "undefined") {
  for (const id of ["topology", "sender", "value"]) byId(id).addEventListener("input", update);
  update();
}
