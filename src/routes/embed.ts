/**
 * @module
 * Ready-to-paste snippets for an explanation: Markdown and HTML for its image (PNG explanations) and its badge
 * (`/v1/explanations/{id}/badge.svg`), each linking to the stored explanation.
 */
import { z } from '@hono/zod-openapi';
import { snippets, type EmbedSnippets, type SnippetSubject } from '../../sdk/src/snippets.js';

export type { EmbedSnippets, Snippet } from '../../sdk/src/snippets.js';

const SnippetSchema = z.object({ url: z.string(), markdown: z.string(), html: z.string() });

/** Schema of {@link EmbedSnippets} (for the OpenAPI document). */
export const EmbedSchema = z
  .object({ image: SnippetSchema.nullable(), badge: SnippetSchema })
  .openapi('Embed', { description: 'Ready-to-paste Markdown and HTML for the explanation image and its badge.' });

/** What the snippets describe (base URL, id, isPng, method, label, class index, score). */
export type EmbedSubject = SnippetSubject;

/**
 * The snippets of one explanation. The text and types come from the SDK's formatter (dependency-free; the SDK
 * imports nothing from the service), so the service's `embed` and the clients' snippets cannot drift apart.
 *
 * @example
 * embedSnippets({ base: c.req.url, id, isPng: true, method: 'gradcam', label: 'cat', classIndex: 3, score: 0.9 }).badge.markdown;
 * // '[![gradcam: cat 90.0%](https://host/v1/explanations/<id>/badge.svg)](https://host/v1/explanations/<id>.png)'
 */
export function embedSnippets(s: EmbedSubject): EmbedSnippets {
  return snippets(s);
}
