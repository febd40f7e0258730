/**
 * @module
 * The badge picture: a flat, shields.io-like SVG (method on grey, "label score" on a colour that follows the
 * score) with the heatmap thumbnail at its left edge as an embedded data: URI PNG. Self-contained (no
 * external references, no script, no fonts to fetch), so it renders as an `<img>` in GitHub Markdown (through
 * its image proxy), in Grafana text panels and in plain HTML.
 */

/** What the badge shows. */
export interface BadgeContent {
  method: string;
  /** The right-hand text: "label 93.1%" for a classifier, "dog 0.91 · box 0" for a detection (badge-text.ts). */
  text: string;
  /** The right-hand colour (by score: {@link scoreColor}). */
  colour: string;
  /** The thumbnail as a `data:image/png;base64,...` URI, drawn `thumbWidth` x {@link BADGE_HEIGHT}. */
  thumbnail: string;
  thumbWidth: number;
  /** The tooltip; default `method: text` (the explanation's sentence when it has one). */
  title?: string;
}

/** Height of the badge (and of the thumbnail) in CSS pixels. */
export const BADGE_HEIGHT = 28;

const FONT_SIZE = 11;
const PAD = 7;
const MAX_LABEL = 32;

/** Approximate advance widths of Verdana 11px; `textLength` then makes any fallback font fit exactly. */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if ("ijl.,:;'!|".includes(ch)) width += 3.2;
    else if ('frt()[]{} -/'.includes(ch)) width += 4.6;
    else if ('mwMW%'.includes(ch)) width += 10.5;
    else if (/[A-Z]/.test(ch)) width += 7.6;
    else if (/[0-9]/.test(ch)) width += 7;
    else width += 6.7;
  }
  return Math.ceil(width);
}

/** Escape text for an XML text node or attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Shorten to at most `max` characters (code points), with an ellipsis. */
function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The right-hand colour by score (the shields.io scale: red to bright green). */
export function scoreColor(score: number): string {
  if (score >= 0.8) return '#4c1';
  if (score >= 0.6) return '#97ca00';
  if (score >= 0.4) return '#dfb317';
  if (score >= 0.2) return '#fe7d37';
  return '#e05d44';
}

/** The score as a percentage with one decimal. */
export function formatScore(score: number): string {
  return `${(Math.min(Math.max(score, 0), 1) * 100).toFixed(1)}%`;
}

function text(x: number, width: number, content: string): string {
  const y = BADGE_HEIGHT / 2 + 4;
  const escaped = escapeXml(content);
  const attrs = `x="${x}" textLength="${width}" lengthAdjust="spacingAndGlyphs"`;
  return `<text ${attrs} y="${y + 1}" fill="#010101" fill-opacity=".3">${escaped}</text><text ${attrs} y="${y}">${escaped}</text>`;
}

/**
 * The badge as an SVG document.
 *
 * @example
 * renderBadge({ method: 'gradcam', text: 'cat 93.0%', colour: scoreColor(0.93), thumbnail: 'data:image/png;base64,...', thumbWidth: 28 });
 */
export function renderBadge(b: BadgeContent): string {
  const right = shorten(b.text, MAX_LABEL + 16);
  const [methodWidth, rightWidth] = [textWidth(b.method), textWidth(right)];
  const leftEnd = b.thumbWidth + methodWidth + 2 * PAD;
  const width = leftEnd + rightWidth + 2 * PAD;
  const h = BADGE_HEIGHT;
  const title = escapeXml(b.title ?? `${b.method}: ${b.text}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="${h}" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)">`,
    `<rect width="${leftEnd}" height="${h}" fill="#555"/><rect x="${leftEnd}" width="${width - leftEnd}" height="${h}" fill="${b.colour}"/>`,
    `<rect width="${width}" height="${h}" fill="url(#s)"/>`,
    `<image x="0" y="0" width="${b.thumbWidth}" height="${h}" preserveAspectRatio="none" href="${b.thumbnail}" xlink:href="${b.thumbnail}"/>`,
    `</g>`,
    `<g fill="#fff" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="${FONT_SIZE}" text-rendering="geometricPrecision">`,
    text(b.thumbWidth + PAD, methodWidth, b.method),
    text(leftEnd + PAD, rightWidth, right),
    `</g></svg>`,
  ].join('');
}
