/**
 * @module
 * The index.html contact sheet of `gradcam-edge explain`: per image the original, the explanation, the
 * class and its score (or the error). Self-contained: relative image paths, inline CSS, no third-party host.
 */
import { escapeHtml } from '../sdk/src/index.js';

/** One row of the sheet. */
export interface SheetEntry {
  /** The input path as given. */
  source: string;
  /** Paths relative to the sheet. */
  original: string;
  explanation?: string;
  classIndex?: number;
  label?: string | null;
  score?: number;
  method?: string;
  cache?: string;
  url?: string;
  error?: { code: string; detail: string };
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5rem;background:#fafafa;color:#222}
h1{font-size:1.2rem}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
figure{margin:0;padding:.6rem;background:#fff;border:1px solid #ddd;border-radius:6px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.4rem}.pair img{width:100%;height:auto;image-rendering:auto}
figcaption{margin-top:.4rem}.score{font-weight:600}.error{color:#b00020}.muted{color:#777;font-size:12px;word-break:break-all}`;

/** A relative file path as a URL path (spaces, `#`, `?` and the like percent-encoded). */
function href(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function card(e: SheetEntry): string {
  const original = `<img src="${escapeHtml(href(e.original))}" alt="original" loading="lazy">`;
  if (e.error) {
    return (
      `<figure><div class="pair">${original}<div class="error">error[${escapeHtml(e.error.code)}]</div></div>` +
      `<figcaption><span class="muted">${escapeHtml(e.source)}</span><br><span class="error">${escapeHtml(e.error.detail)}</span></figcaption></figure>`
    );
  }
  const name = e.label ?? `class ${e.classIndex}`;
  const overlay = `<a href="${escapeHtml(e.url ?? href(e.explanation!))}"><img src="${escapeHtml(href(e.explanation!))}" alt="${escapeHtml(`${e.method}: ${name}`)}" loading="lazy"></a>`;
  return (
    `<figure><div class="pair">${original}${overlay}</div><figcaption>` +
    `<b>${escapeHtml(name)}</b> (class ${e.classIndex}) <span class="score">${((e.score ?? 0) * 100).toFixed(1)}%</span> ` +
    `${escapeHtml(e.method ?? '')}, cache ${escapeHtml(e.cache ?? '')}<br><span class="muted">${escapeHtml(e.source)}</span></figcaption></figure>`
  );
}

/** The whole HTML page. */
export function contactSheet(entries: SheetEntry[], service: string): string {
  const failed = entries.filter((e) => e.error).length;
  const summary = `${entries.length} image${entries.length === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}, from ${service}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>gradcam-edge: ${escapeHtml(summary)}</title><style>${STYLE}</style></head>
<body><h1>gradcam-edge explanations</h1><p class="muted">${escapeHtml(summary)}</p>
<div class="grid">
${entries.map(card).join('\n')}
</div></body></html>
`;
}
