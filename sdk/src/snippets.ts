/**
 * @module
 * Ready-to-paste Markdown and HTML for an explanation: its image, and the compact badge
 * (`/v1/explanations/{id}/badge.svg`) linking to it. The same shape and text as the service's `embed`
 * field (output=json, and `GET /v1/explanations/{id}.json`), computed here without a request. The service
 * imports this module for its `embed` field, so the two cannot drift apart; the SDK imports nothing from the
 * service.
 */

/** One embeddable picture: its URL, and Markdown and HTML linking it to the stored explanation. */
export interface Snippet {
  url: string;
  markdown: string;
  html: string;
}

/** The snippets of an explanation; `image` is null for a JSON explanation (it has no picture). */
export interface EmbedSnippets {
  image: Snippet | null;
  badge: Snippet;
}

/** What the snippets describe. */
export interface SnippetSubject {
  /** Absolute URL of any route of the service (the origin is taken from it). */
  base: string;
  id: string;
  isPng: boolean;
  method: string;
  label: string | null;
  classIndex: number;
  score: number;
}

/** Escape text for an HTML attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function markdownAlt(text: string): string {
  return text.replace(/[\\[\]]/g, (ch) => `\\${ch}`);
}

function snippet(url: string, link: string, alt: string): Snippet {
  return {
    url,
    markdown: `[![${markdownAlt(alt)}](${url})](${link})`,
    html: `<a href="${escapeHtml(link)}"><img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}"></a>`,
  };
}

/** The alt text, e.g. `gradcam: cat 93.1%`. */
export function altText(s: Pick<SnippetSubject, 'label' | 'classIndex' | 'score' | 'method'>): string {
  return `${s.method}: ${s.label ?? `class ${s.classIndex}`} ${(s.score * 100).toFixed(1)}%`;
}

/**
 * The snippets of an explanation.
 *
 * @example
 * snippets({ base: url, id, isPng: true, method: 'gradcam', label: 'cat', classIndex: 3, score: 0.9 }).badge.markdown
 * // '[![gradcam: cat 90.0%](https://host/v1/explanations/<id>/badge.svg)](https://host/v1/explanations/<id>.png)'
 */
export function snippets(s: SnippetSubject): EmbedSnippets {
  const relative = (path: string) => `/v1/explanations/${encodeURIComponent(s.id)}${path}`;
  const at = (path: string) => (s.base ? new URL(relative(path), s.base).href : relative(path));
  const stored = at(s.isPng ? '.png' : '.json');
  const alt = altText(s);
  return {
    image: s.isPng ? snippet(stored, stored, `${alt} (explanation)`) : null,
    badge: snippet(at('/badge.svg'), stored, alt),
  };
}
