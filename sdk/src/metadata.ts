/**
 * @module
 * The explanation metadata carried by the response headers (X-Explanation-*, X-Cache, Server-Timing).
 */
import { GradcamEdgeError } from './errors.js';
import type { ExplanationMetadata } from './types.js';

/**
 * Parse `Server-Timing` (`name;dur=1.5, other;dur=2`) into milliseconds per name.
 *
 * @example
 * parseServerTiming('model;dur=12.5, cam;dur=0.4') // { model: 12.5, cam: 0.4 }
 */
export function parseServerTiming(value: string | null): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const entry of (value ?? '').split(',')) {
    const [name, ...params] = entry.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    if (name && dur) timings[name] = Number(dur.slice(4));
  }
  return timings;
}

function decoded(value: string | null): string | null {
  if (value === null) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The metadata of an explanation response; `unexpected_response` if it is not one. */
export function metadataFromHeaders(headers: Headers): ExplanationMetadata {
  const id = headers.get('x-explanation-id');
  const classIndex = Number(headers.get('x-explanation-class'));
  if (!id || !Number.isInteger(classIndex)) {
    throw new GradcamEdgeError(
      0,
      'unexpected_response',
      'The response carries no X-Explanation-Id/Class headers (is the URL a gradcam-edge service?).',
    );
  }
  return {
    id,
    url: headers.get('x-explanation-url') ?? '',
    classIndex,
    label: decoded(headers.get('x-explanation-label')),
    score: Number(headers.get('x-explanation-score')),
    method: headers.get('x-explanation-method') ?? '',
    model: headers.get('x-explanation-model') ?? '',
    layer: decoded(headers.get('x-explanation-layer')) ?? '',
    cache: headers.get('x-cache') === 'hit' ? 'hit' : 'miss',
    timings: parseServerTiming(headers.get('server-timing')),
    ...(headers.has('x-explanation-text') ? { text: decoded(headers.get('x-explanation-text'))! } : {}),
  };
}
