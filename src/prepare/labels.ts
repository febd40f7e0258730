/**
 * @module
 * Reading class labels: a JSON array of strings, a JSON object keyed by class index (as Keras'
 * `imagenet_class_index.json`, whose values may be `[wnid, name]`: the last string is used), or plain
 * text with one label per line.
 */
import { ApiError } from '../errors.js';

function bad(sentence: string): ApiError {
  return new ApiError(400, 'bad_option', `Labels: ${sentence}`);
}

function fromJson(value: unknown): string[] {
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) throw bad('the JSON array must hold strings only.');
    return value;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const labels = new Array<string>(entries.length);
    for (const [key, v] of entries) {
      const i = Number(key);
      const text = Array.isArray(v) ? v[v.length - 1] : v;
      if (!Number.isInteger(i) || i < 0 || i >= entries.length || typeof text !== 'string') {
        throw bad(
          `a JSON object must map the class indices 0..${entries.length - 1} to strings (or [id, name] pairs); key "${key}" does not.`,
        );
      }
      labels[i] = text;
    }
    return labels;
  }
  throw bad('JSON labels must be an array of strings or an object keyed by class index.');
}

/**
 * Parse a labels file.
 *
 * @example
 * parseLabels('cat\ndog\n'); // ['cat', 'dog']
 * parseLabels('["cat", "dog"]'); // ['cat', 'dog']
 */
export function parseLabels(text: string): string[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw bad(`the file looks like JSON but does not parse (${(err as Error).message}).`);
    }
    return fromJson(value);
  }
  const lines = trimmed.split(/\r?\n/).map((l) => l.trim());
  const blank = lines.findIndex((l) => l === '');
  if (blank >= 0) throw bad(`line ${blank + 1} is empty; give one label per line, in class-index order.`);
  return lines;
}

/** Check that there is one label per class. */
export function checkLabelCount(labels: readonly string[], classes: number): void {
  if (labels.length !== classes) throw bad(`${labels.length} labels given, but the model has ${classes} classes.`);
}
