/**
 * @module
 * Ready-to-paste snippets for an explanation: Markdown and HTML for its image (PNG explanations) and its badge
 * (`/v1/explanations/{id}/badge.svg`), each linking to the stored explanation.
 */
import { z } from '@hono/zod-openapi';
import { snippets } from '../../sdk/src/snippets.js';

/** One embeddable picture. */
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

const SnippetSchema = z.object({ url: z.string(), markdown: z.string(), html: z.string() });

/** Schema of {@link EmbedSnippets} (for the OpenAPI document). */
export const EmbedSchema = z
  .object({ image: SnippetSchema.nullable(), badge: SnippetSchema })
  .openapi('Embed', { description: 'Ready-to-paste Markdown and HTML for the explanation image and its badge.' });

/** What the snippets describe. */
export interface EmbedSubject {
  /** Absolute URL of any route of the service (the origin is taken from it), or '' for relative paths. */
  base: string;
  id: string;
  isPng: boolean;
  method: string;
  label: string | null;
  classIndex: number;
  score: number;
}

/**
 * The snippets of one explanation. The text comes from the SDK's formatter (dependency-free), so the service's
 * `embed` and the clients' snippets cannot drift apart.
 *
 * @example
 * embedSnippets({ base: c.req.url, id, isPng: true, method: 'gradcam', label: 'cat', classIndex: 3, score: 0.9 }).badge.markdown;
 * // '[![gradcam: cat 90.0%](https://host/v1/explanations/<id>/badge.svg)](https://host/v1/explanations/<id>.png)'
 */
export function embedSnippets(s: EmbedSubject): EmbedSnippets {
  return snippets(s);
}
