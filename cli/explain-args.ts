/**
 * @module
 * Parsing `gradcam-edge explain` arguments. Service options are passed through as the service's own
 * option names (it validates them and answers bad_option); only the CLI's own flags are checked here.
 */
import { parseArgs } from 'node:util';
import { ApiError } from '../src/errors.js';
import { DEFAULT_URL, type ExplainOptions } from '../sdk/src/index.js';

/** Parsed command line of `explain`. */
export interface ExplainArgs {
  inputs: string[];
  url: string;
  apiKey?: string;
  outDir: string;
  concurrency: number;
  timeoutMs: number;
  json: boolean;
  /** Service options (model, method, class, ...), as given. */
  options: ExplainOptions;
}

export const EXPLAIN_USAGE = `Usage:
  gradcam-edge explain <image | folder | glob>... [options]

Explains each image with a gradcam-edge service and writes <name>.<method>.png beside an index.html
contact sheet (original, overlay, class, score) in the output folder. Folders are searched recursively for
.png/.jpg/.jpeg; quote globs ('photos/**/*.jpg') or let the shell expand them.

Options:
  --url <url>            the service (default $GRADCAM_EDGE_URL or ${DEFAULT_URL})
  --api-key <key>        API key, if the deployment needs one (default $GRADCAM_EDGE_API_KEY)
  --model <id>           model id (GET /v1/models); default: the service's default model
  --method <name>        CAM method (default gradcam)
  --class <index|label>  class to explain (default: each image's top-1)
  --layer <name>         layer to explain (default: the model's default layer)
  --colormap <name>      jet, turbo, viridis, inferno, gray
  --alpha <0..1>         image weight of the overlay
  --output overlay|heatmap
  --width <px>, --height <px>   output size (one keeps the aspect ratio)
  --set <name=value>     any other service option (repeatable), e.g. --set n=16
  -o, --out <folder>     output folder (default gradcam-edge-out)
  -j, --concurrency <n>  requests in flight (default 4)
  --timeout <seconds>    per image, including retries (default 60)
  --json                 print one JSON line per image instead of a sentence
`;

function positiveInt(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, 'bad_option', `--${flag} expects a positive integer (got "${text}").`);
  return n;
}

function extraOptions(pairs: string[] | undefined): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new ApiError(400, 'bad_option', `--set expects name=value (got "${pair}").`);
    options[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return options;
}

/** Parse the arguments after `explain`. Throws `bad_option` for malformed ones. */
export function parseExplainArgs(args: string[], env: Record<string, string | undefined> = process.env): ExplainArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      model: { type: 'string' },
      method: { type: 'string' },
      class: { type: 'string' },
      layer: { type: 'string' },
      colormap: { type: 'string' },
      alpha: { type: 'string' },
      output: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string', short: 'o' },
      concurrency: { type: 'string', short: 'j' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length === 0) throw new ApiError(400, 'bad_option', 'Give at least one image, folder or glob; see --help.');
  if (values.output === 'json')
    throw new ApiError(400, 'bad_option', "--output json is not an image; use overlay or heatmap (or the SDK's explainJson).");
  const { url, 'api-key': apiKey, out, concurrency, timeout, json, set, ...service } = values;
  return {
    inputs: positionals,
    url: url ?? env.GRADCAM_EDGE_URL ?? DEFAULT_URL,
    apiKey: apiKey ?? env.GRADCAM_EDGE_API_KEY,
    outDir: out ?? 'gradcam-edge-out',
    concurrency: positiveInt('concurrency', concurrency, 4),
    timeoutMs: positiveInt('timeout', timeout, 60) * 1000,
    json: json ?? false,
    options: { ...service, ...extraOptions(set) } as ExplainOptions,
  };
}
