/** The report's stylesheet (inlined: the page loads nothing). */
export const STYLE = `
:root { color-scheme: light; --fg: #1d1d1f; --dim: #6b6b70; --line: #d9d9de; --bad: #c0151b; --ok: #187a2f; --accent: #2ca02c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fafafa; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 36px 0 8px; font-size: 21px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; }
nav a { margin-right: 12px; }
.machine, .dim { color: var(--dim); }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ratio { color: var(--dim); font-size: 12px; }
.ok { color: var(--ok); }
.bad { color: var(--bad); font-weight: 600; }
.missing { background: #fff6e0; border: 1px solid #e8c766; border-radius: 6px; padding: 8px 12px; }
.missing ul { margin: 4px 0 0; }
ul.headline li { margin: 2px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 10px 0 16px; background: #fff; font-size: 13.5px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: #f0f0f3; }
table.matrix td, table.full td, table.counts td:nth-child(n+3) { text-align: right; font-variant-numeric: tabular-nums; }
table.prose td { text-align: left; }
table.matrix-wide td { min-width: 13em; }
tbody tr:nth-child(even) { background: #f8f8fa; }
.charts { display: flex; flex-wrap: wrap; gap: 14px 24px; }
.charts figure { flex: 0 1 540px; max-width: 540px; }
.charts figure, section > figure { margin: 8px 0; background: #fff; padding: 8px; border: 1px solid var(--line); border-radius: 6px; }
figure h2 { font-size: 15px; margin: 0 0 4px; border: 0; }
details { margin: 8px 0; }
summary { cursor: pointer; }
dt { font-weight: 600; margin-top: 8px; }
dd { margin-left: 18px; }
#x-form { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
#x-form input, #x-form select { font: inherit; padding: 2px 4px; }
#x-value { font-family: ui-monospace, monospace; }
#x-vcpus, #x-sender { width: 6em; }
.error { color: var(--bad); background: #fdecec; border: 1px solid #f0b3b5; border-radius: 6px; padding: 8px 12px; font-weight: 600; }
#explorer:not(.live) .examples { display: none; }
.examples button { font: inherit; font-size: 13px; margin: 2px; padding: 2px 8px; border: 1px solid var(--line); border-radius: 12px; background: #fff; cursor: pointer; }
.examples button:hover { background: #eef6ee; }
#x-out.stale { opacity: 0.45; }
.warnings { color: #8a5a00; }
.explorer-tables { display: flex; flex-wrap: wrap; gap: 0 24px; align-items: flex-start; }
td.unsupported { color: var(--dim); max-width: 420px; }
.grid { font: 11px/1 ui-monospace, monospace; overflow-x: auto; padding-bottom: 8px; }
.grid .row { display: flex; gap: 2px; margin-bottom: 2px; }
.grid .cl { width: 9.5em; white-space: nowrap; flex: none; color: var(--dim); padding: 4px 0; }
.grid .aff0 { width: 34px; flex: none; text-align: center; color: var(--dim); }
.grid .cell { width: 34px; flex: none; text-align: center; padding: 4px 0; background: #e9e9ee; border-radius: 3px; color: #555; }
.grid .cell.empty { background: transparent; outline: 1px dashed #ddd; }
.grid .cell.target { background: var(--accent); color: #fff; font-weight: 700; }
.grid .cell.sender { outline: 2px solid #1f4fd1; outline-offset: -2px; }
.legend-key { font-size: 13px; color: var(--dim); }
.legend-key .cell { display: inline-block; width: 34px; text-align: center; padding: 3px 0; border-radius: 3px; background: #e9e9ee; }
.legend-key .cell.target { background: var(--accent); color: #fff; font-weight: 700; }
.legend-key .cell.sender { outline: 2px solid #1f4fd1; outline-offset: -2px; }
footer { color: var(--dim); padding: 24px 20px 40px; }
`;
