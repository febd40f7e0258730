/**
 * @module
 * gradcam-edge SDK: a small typed client of the gradcam-edge service with no runtime dependencies. Uses only
 * fetch, AbortSignal and ReadableStream, so the same code runs in browsers, Node >= 20, Deno and Workers.
 *
 * @example
 * import { GradcamEdge, GradcamEdgeError } from './sdk/src/index.js';
 * const client = new GradcamEdge({ url: 'http://127.0.0.1:8787', timeoutMs: 20_000 });
 * const cam = await client.explain(pngBytes, { method: 'gradcam', class: 'dog', colormap: 'turbo' });
 * await writeFile('cam.png', await cam.bytes());
 */
export { DEFAULT_URL, GradcamEdge, type ClientOptions, type Explanation } from './client.js';
export { GradcamEdgeError } from './errors.js';
export { sniffImageType } from './image-body.js';
export { parseServerTiming } from './metadata.js';
export { DEFAULT_RETRY, retryAfterMs, type RetryPolicy } from './retry.js';
export { altText, escapeHtml, snippets, type EmbedSnippets, type Snippet, type SnippetSubject } from './snippets.js';
export type * from './types.js';
