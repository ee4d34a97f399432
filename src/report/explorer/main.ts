/**
 * The route explorer's page script (bundled for the browser by src/report/bundle.ts and inlined
 * in the report). It reads the form, routes the write with {@link explore} on every input event
 * and draws the result; any error is shown in the page, never only on the console.
 */
import { explore, type ExplorerRegister } from "./explore.ts";
import { renderEngines, renderFields, renderGrid, renderSummary, renderWarnings } from "./view.ts";

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`explorer: element #${id} is missing from the page`);
  return el as T;
}

function update(): void {
  const error = byId<HTMLParagraphElement>("x-error");
  const out = byId<HTMLDivElement>("x-out");
  const preset = byId<HTMLSelectElement>("x-preset").value;
  const vcpus = byId<HTMLInputElement>("x-vcpus").value.trim();
  const senderText = byId<HTMLInputElement>("x-sender").value.trim();
  try {
    if (!/^[0-9]+$/.test(senderText)) throw new Error(`sender: "${senderText}" is not a vCPU id`);
    const x = explore({
      value: byId<HTMLInputElement>("x-value").value,
      register: byId<HTMLSelectElement>("x-register").value as ExplorerRegister,
      topology: `${preset}:${vcpus}`,
      sender: Number(senderText),
      lenient: byId<HTMLInputElement>("x-lenient").checked,
    });
    byId<HTMLTableElement>("x-fields").innerHTML = renderFields(x);
    byId<HTMLTableElement>("x-engines").innerHTML = renderEngines(x);
    byId<HTMLDivElement>("x-grid").innerHTML = renderGrid(x);
    byId<HTMLParagraphElement>("x-summary").innerHTML = renderSummary(x);
    byId<HTMLUListElement>("x-warnings").innerHTML = renderWarnings(x);
    error.textContent = "";
    error.hidden = true;
    out.classList.remove("stale");
  } catch (e) {
    error.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
    error.hidden = false;
    // Keep the last good result visible but marked stale, so a typo does not blank the page.
    out.classList.add("stale");
  }
}

function start(): void {
  const form = byId<HTMLFormElement>("x-form");
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    update();
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>("button.x-example")) {
    b.addEventListener("click", () => {
      byId<HTMLInputElement>("x-value").value = b.dataset.value ?? "";
      update();
    });
  }
  byId<HTMLElement>("explorer").classList.add("live");
  update();
}

start();
