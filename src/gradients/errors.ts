/**
 * @module
 * The errors of the gradient compiler: each says what is wrong and what to choose instead.
 */
import type { NodeProto } from '../onnx/proto.js';
import { ApiError } from '../errors.js';

/** Levenshtein distance (small strings, O(a*b)). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to `count` names closest to `name` (substring matches first, then by edit distance). */
export function closeMatches(name: string, names: Iterable<string>, count = 5): string[] {
  const lower = name.toLowerCase();
  const scored = [...names].map((n) => ({ n, d: n.toLowerCase().includes(lower) ? -1 : distance(lower, n.toLowerCase()) }));
  scored.sort((a, b) => a.d - b.d || a.n.length - b.n.length);
  return scored.slice(0, count).map((s) => s.n);
}

/** 400 `unknown_layer`: the named tensor does not exist. */
export function unknownLayer(name: string, names: Iterable<string>): ApiError {
  const close = closeMatches(name, names);
  return new ApiError(
    400,
    'unknown_layer',
    `The model has no tensor "${name}". Close matches: ${close.map((c) => `"${c}"`).join(', ')} (list layers with --list-layers).`,
    { layer: name, closeMatches: close },
  );
}

/** 400 `unknown_layer`: the tensor exists but the logits do not depend on it. */
export function layerOffPath(name: string, logits: string): ApiError {
  return new ApiError(
    400,
    'unknown_layer',
    `Tensor "${name}" does not influence the logits "${logits}": it has no gradient. Choose a tensor computed from the image on the way to the logits.`,
    { layer: name },
  );
}

/** 422 `unsupported_op`: an op on the gradient path has no rule. */
export function unsupportedOp(node: NodeProto, alternatives: string[]): ApiError {
  const alt =
    alternatives.length > 0
      ? `Choose a deeper layer that avoids it, e.g. ${alternatives.map((a) => `"${a}"`).join(', ')}.`
      : 'No deeper layer avoids it.';
  return new ApiError(
    422,
    'unsupported_op',
    `Op ${node.opType} (node "${node.name}") lies on the gradient path and has no gradient rule. ${alt}`,
    {
      opType: node.opType,
      node: node.name,
      alternatives,
    },
  );
}
