/**
 * @module
 * The demo page's stylesheet (served at `/demo/app.css`).
 */

/** The stylesheet. */
export const DEMO_CSS = `:root { color-scheme: light dark; --accent: #2563eb; --muted: #6b7280; --line: #d1d5db; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.25rem; font: 15px/1.45 system-ui, sans-serif; }
h1 { margin: 0; font-size: 1.5rem; }
header p { margin: .25rem 0 1rem; color: var(--muted); }
.drop { display: block; padding: 1.25rem; border: 2px dashed var(--line); border-radius: 8px; text-align: center; cursor: pointer; }
.drop.over { border-color: var(--accent); background: color-mix(in srgb, var(--accent) 8%, transparent); }
.drop input { position: absolute; width: 1px; height: 1px; opacity: 0; }
.row { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; margin: .75rem 0; }
.row label { display: flex; align-items: center; gap: .4rem; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0; }
#top { margin: 0; padding-left: 1.5rem; }
#top li label { display: grid; grid-template-columns: auto 10rem 1fr 4rem; align-items: center; gap: .5rem; cursor: pointer; }
#top li label:has(small) { grid-template-columns: auto 10rem 1fr 4rem 10rem; }
#top small { color: var(--muted); }
#top meter { width: 100%; }
.stack { position: relative; }
#unit-map { position: absolute; inset: 1px; width: calc(100% - 2px); height: calc(100% - 2px); border-radius: 6px; pointer-events: none; }
#unit-map[hidden] { display: none; }
#units-panel { grid-column: 1 / -1; }
#units-panel h2 { font-size: 1rem; margin: .5rem 0 0; }
.hint { margin: 0; color: var(--muted); font-size: .9rem; }
#units li { padding: .15rem .3rem; border-radius: 4px; cursor: default; }
#units li:hover, #units li:focus { background: color-mix(in srgb, var(--accent) 12%, transparent); outline: none; }
#status { min-height: 1.5em; color: var(--muted); }
#status.error { color: #dc2626; }
#pictures { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
#sentence { grid-column: 1 / -1; margin: 0; }
figure { margin: 0; }
figure img { display: block; width: 100%; height: auto; min-height: 4rem; border: 1px solid var(--line); border-radius: 6px; object-fit: contain; }
figure img:not([src]) { visibility: hidden; }
figcaption { color: var(--muted); font-size: .9rem; }
.copy { display: grid; grid-template-columns: 10rem 1fr auto; gap: .5rem; align-items: center; margin: .4rem 0; }
.copy input { font: 13px ui-monospace, monospace; padding: .3rem; }
button { padding: .3rem .8rem; }
footer { margin-top: 2rem; color: var(--muted); }
@media (max-width: 700px) { #pictures { grid-template-columns: 1fr; } .copy { grid-template-columns: 1fr auto; } .copy label { grid-column: 1 / -1; } }
`;
