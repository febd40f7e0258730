/**
 * @module
 * {@link GradcamEdge}: the typed client of a gradcam-edge service.
 */
import { GradcamEdgeError } from './errors.js';
import { imageBody } from './image-body.js';
import { metadataFromHeaders } from './metadata.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { snippets, type EmbedSnippets } from './snippets.js';
import { send, translateFailure, type RequestSpec, type Transport } from './transport.js';
import type {
  CallOptions,
  Classification,
  ClassifyOptions,
  ExplainJsonOptions,
  ExplainOptions,
  ExplanationJson,
  ExplanationMetadata,
  ImageSource,
  ModelInfo,
  TaskExplanationJson,
} from './types.js';

/** The URL of a service started with `npm start`. */
export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** Settings of a {@link GradcamEdge} client. */
export interface ClientOptions {
  /** The service's base URL (default {@link DEFAULT_URL}). */
  url?: string;
  /** Whole-call timeout in ms, including retries and reading the body (default 30 000; 0 for none). */
  timeoutMs?: number;
  /** Retries on 429 and 503 (default 3, exponential backoff from 250 ms, Retry-After honoured up to 30 s). */
  retry?: Partial<RetryPolicy>;
  /** An API key of the deployment, sent as `Authorization: Bearer <key>` (needed when it configures keys). */
  apiKey?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default the global one). */
  fetch?: typeof fetch;
}

/** A PNG explanation: its metadata, the PNG (read it once, as a stream or as bytes) and snippets. */
export interface Explanation extends ExplanationMetadata {
  /** The PNG as it streams from the service. */
  body: ReadableStream<Uint8Array>;
  /** The whole PNG. */
  bytes(): Promise<Uint8Array>;
  /** URL of the compact badge (method, label, score, thumbnail). */
  badgeUrl: string;
  /** Markdown and HTML for the image and the badge (as the service's `embed`). */
  snippets: EmbedSnippets;
}

const CALL_KEYS = new Set(['signal', 'timeoutMs', 'contentType']);

function queryOf(options: object): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) if (!CALL_KEYS.has(k) && v !== undefined && v !== null) query[k] = String(v);
  return query;
}

/**
 * A client of one gradcam-edge service. Works in browsers, Node >= 20, Deno and Workers (fetch only).
 *
 * @example
 * const client = new GradcamEdge({ url: 'https://gradcam-edge.example.workers.dev' });
 * const cam = await client.explain(await (await fetch(imageUrl)).blob(), { colormap: 'turbo' });
 * console.log(cam.label, cam.score, cam.snippets.badgeMarkdown);
 * const png = await cam.bytes();
 */
export class GradcamEdge {
  readonly url: string;
  readonly #transport: Transport;

  constructor(options: ClientOptions = {}) {
    this.url = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
    const f = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#transport = {
      baseUrl: this.url,
      fetch: f,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      headers: { ...options.headers, ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
    };
  }

  /** Explain an image: the PNG (overlay or heatmap) with the class, label, score, method, cache state and id. */
  async explain(image: ImageSource, options: ExplainOptions = {}): Promise<Explanation> {
    if ((options.output as string) === 'json') throw new TypeError('explain() returns a PNG; use explainJson() for output=json.');
    const { response, signal } = await this.#postImage('v1/explain', image, options);
    const meta = metadataFromHeaders(response.headers);
    const timeoutMs = options.timeoutMs ?? this.#transport.timeoutMs;
    const embed = snippets({ ...meta, base: meta.url || this.url, isPng: true });
    return {
      ...meta,
      body: response.body!,
      bytes: () =>
        response.arrayBuffer().then(
          (b) => new Uint8Array(b),
          (err) => Promise.reject(translateFailure(err, signal, timeoutMs)),
        ),
      badgeUrl: embed.badge.url,
      snippets: embed,
    };
  }

  /** Explain an image as JSON: logits, top-5, the raw low-resolution map and its shape, class, id, timings. */
  async explainJson(image: ImageSource, options: ExplainJsonOptions = {}): Promise<ExplanationJson> {
    const withJson = { ...options, output: 'json' as const };
    return this.#json(await this.#postImage('v1/explain', image, withJson), options);
  }

  /**
   * Explain an image with a segmentation, detection or embedding model as JSON: the map, the explained target
   * and what the output says (`target.classes` with pixel shares, `target.detections` after NMS). A classifier's
   * answer is an `unexpected_response` error (use {@link GradcamEdge.explainJson}).
   *
   * @example
   * const json = await client.explainTaskJson(png, { model: 'scenes-detector', box: 1 });
   * if (json.target.task === 'detect') for (const d of json.target.detections) console.log(d.label, d.score, d.box);
   */
  async explainTaskJson(image: ImageSource, options: ExplainJsonOptions = {}): Promise<TaskExplanationJson> {
    const withJson = { ...options, output: 'json' as const };
    const json = await this.#json<TaskExplanationJson>(await this.#postImage('v1/explain', image, withJson), options);
    if (typeof json.task !== 'string' || typeof json.target !== 'object')
      throw new GradcamEdgeError(200, 'unexpected_response', `Model '${json.model}' is a classifier: use explainJson().`);
    return json;
  }

  /** Classify an image (forward pass only): the top classes and the logits. */
  async classify(image: ImageSource, options: ClassifyOptions = {}): Promise<Classification> {
    return this.#json(await this.#postImage('v1/classify', image, options), options);
  }

  /** The available models (input size, labels, layers, methods). */
  async models(options: CallOptions = {}): Promise<ModelInfo[]> {
    const sent = await send(this.#transport, { method: 'GET', path: 'v1/models', signal: options.signal, timeoutMs: options.timeoutMs });
    return (await this.#json<{ models: ModelInfo[] }>(sent, options)).models;
  }

  /** One model by id (`model_not_found` if unknown). */
  async model(id: string, options: CallOptions = {}): Promise<ModelInfo> {
    const path = `v1/models/${encodeURIComponent(id)}`;
    return this.#json(await send(this.#transport, { method: 'GET', path, signal: options.signal, timeoutMs: options.timeoutMs }), options);
  }

  /** The URL of a stored explanation (`.png` for PNG explanations, `.json` for JSON ones or a PNG's metadata). */
  explanationUrl(id: string, ext: 'png' | 'json' = 'png'): string {
    return `${this.url}/v1/explanations/${encodeURIComponent(id)}.${ext}`;
  }

  /** The URL of an explanation's badge (SVG). `base` defaults to the client's URL. */
  badgeUrl(id: string, base: string = this.url): string {
    return new URL(`/v1/explanations/${encodeURIComponent(id)}/badge.svg`, base).href;
  }

  async #postImage(path: string, image: ImageSource, options: CallOptions & object) {
    const { body, contentType } = await imageBody(image, options.contentType);
    const spec: RequestSpec = {
      method: 'POST',
      path,
      query: queryOf(options),
      body: body as BodyInit,
      headers: { 'content-type': contentType },
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    };
    return send(this.#transport, spec);
  }

  async #json<T>(sent: { response: Response; signal: AbortSignal }, options: CallOptions): Promise<T> {
    try {
      return (await sent.response.json()) as T;
    } catch (err) {
      if (err instanceof SyntaxError)
        throw new GradcamEdgeError(sent.response.status, 'unexpected_response', 'The response is not JSON.', undefined, { cause: err });
      throw translateFailure(err, sent.signal, options.timeoutMs ?? this.#transport.timeoutMs);
    }
  }
}
