/**
 * @module
 * Ready-to-paste Markdown and HTML for an explanation: the image itself, and the compact badge
 * (`/v1/explanations/{id}/badge.svg`) linking to it. Renders in GitHub Markdown, Grafana text panels and
 * plain HTML.
 */

/** What a snippet needs to know about an explanation. */
export interface SnippetSource {
  /** Absolute URL of the stored PNG. */
  url: string;
  /** Absolute URL of its badge. */
  badgeUrl: string;
  label: string | null;
  classIndex: number;
  score: number;
  method: string;
}

/** Markdown and HTML for the image and the badge. */
export interface Snippets {
  imageMarkdown: string;
  imageHtml: string;
  badgeMarkdown: string;
  badgeHtml: string;
}

/** The alt text, e.g. `gradcam: golden retriever (93.1%)`. */
export function altText(s: Pick<SnippetSource, 'label' | 'classIndex' | 'score' | 'method'>): string {
  const name = s.label ?? `class ${s.classIndex}`;
  return `${s.method}: ${name} (${(s.score * 100).toFixed(1)}%)`;
}

/** Escape text for an HTML attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function markdownAlt(text: string): string {
  return text.replace(/[\\[\]]/g, (ch) => `\\${ch}`);
}

function markdownUrl(url: string): string {
  return url.replace(/[()\s]/g, (ch) => encodeURIComponent(ch));
}

/**
 * The snippets of an explanation.
 *
 * @example
 * snippets({ url, badgeUrl, label: 'cat', classIndex: 3, score: 0.9, method: 'gradcam' }).badgeMarkdown
 * // '[![gradcam: cat (90.0%)](https://…/badge.svg)](https://…/ID.png)'
 */
export function snippets(s: SnippetSource): Snippets {
  const alt = altText(s);
  const [url, badge] = [markdownUrl(s.url), markdownUrl(s.badgeUrl)];
  return {
    imageMarkdown: `![${markdownAlt(alt)}](${url})`,
    imageHtml: `<img src="${escapeHtml(s.url)}" alt="${escapeHtml(alt)}">`,
    badgeMarkdown: `[![${markdownAlt(alt)}](${badge})](${url})`,
    badgeHtml: `<a href="${escapeHtml(s.url)}"><img src="${escapeHtml(s.badgeUrl)}" alt="${escapeHtml(alt)}"></a>`,
  };
}
