/**
 * The SDK owns its types (it imports nothing from the service). This file holds them to the service's
 * schemas twice:
 * - at the type level: `npm run typecheck` fails on this file when a service schema and the SDK's type of it
 *   differ in any field, optionality or value type (both directions);
 * - at run time: a real service (the Node server, in process) answers with exactly the fields the SDK's key
 *   lists name, and those lists are checked against the SDK's types by `satisfies`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer, type NodeServer } from '../../cli/serve/server.js';
import type { ErrorCode as ServiceErrorCode } from '../../src/errors.js';
import type { Classification as ServiceClassification } from '../../src/routes/classify.js';
import type { ExplainOptions as ServiceOptions } from '../../src/routes/explain/options.js';
import type { ModelInfo as ServiceModelInfo } from '../../src/routes/models.js';
import type { ExplanationJson as ServiceExplanationJson, Problem as ServiceProblem } from '../../src/routes/schemas.js';
import type { TaskExplanationJson as ServiceTaskExplanationJson } from '../../src/routes/task-schemas.js';
import { GradcamEdge } from '../../sdk/src/index.js';
import type {
  Classification,
  ErrorCode,
  ExplanationJson,
  ModelInfo,
  Problem,
  ServiceExplainOptions,
  TaskExplanationJson,
} from '../../sdk/src/index.js';

/** Every property, nested ones included, spelled out, so that two types written differently compare by shape. */
type Deep<T> = T extends object ? { [K in keyof T]: Deep<T[K]> } : T;
/** True only when A and B are the same type (optional markers and value types included). */
type Same<A, B> = (<T>() => T extends Deep<A> ? 1 : 2) extends <T>() => T extends Deep<B> ? 1 : 2 ? true : false;
/** Compiles only with `true`: the drift test. */
function sameType<_T extends true>(): void {}

sameType<Same<ExplanationJson, ServiceExplanationJson>>();
sameType<Same<ModelInfo, ServiceModelInfo>>();
sameType<Same<Classification, ServiceClassification>>();
sameType<Same<Problem, ServiceProblem>>();
sameType<Same<ErrorCode, ServiceErrorCode>>();
sameType<Same<ServiceExplainOptions, ServiceOptions>>();
sameType<Same<TaskExplanationJson, ServiceTaskExplanationJson>>();

// @ts-expect-error the comparison must be able to fail: one optional field more is a different type
sameType<Same<ModelInfo, ServiceModelInfo & { extra?: string }>>();
// @ts-expect-error a field of one member of a nested union is a different type
sameType<Same<TaskExplanationJson, Omit<ServiceTaskExplanationJson, 'target'> & { target: { task: 'embed'; target: 'none' } }>>();
// @ts-expect-error a nested field turning optional is a different type
sameType<Same<Classification, Omit<ServiceClassification, 'top'> & { top?: ServiceClassification['top'] }>>();

/** The fields of each response type, as runtime lists (the `satisfies` keeps them equal to the types' keys). */
const EXPLANATION_FIELDS = {
  id: 1,
  url: 1,
  model: 1,
  method: 1,
  layer: 1,
  class: 1,
  top: 1,
  logits: 1,
  map: 1,
  versus: 0,
  counterfactual: 0,
  explanations: 0,
  metrics: 0,
  runs: 0,
  cost: 0,
  units: 0,
  text: 0,
  timings: 1,
  embed: 1,
} satisfies Record<keyof ExplanationJson, 0 | 1>;
const MODEL_FIELDS = {
  id: 1,
  default: 1,
  sha256: 1,
  input: 1,
  classes: 1,
  task: 1,
  labels: 1,
  layers: 1,
  methods: 1,
  quantization: 1,
} satisfies Record<keyof ModelInfo, 0 | 1>;
const CLASSIFICATION_FIELDS = { model: 1, top: 1, logits: 1, timings: 1 } satisfies Record<keyof Classification, 0 | 1>;

/** Fails with the names of fields the SDK does not know and of required ones the response lacks. */
function expectFields(body: object, fields: Record<string, 0 | 1>, what: string): void {
  const unknown = Object.keys(body).filter((k) => !(k in fields));
  const missing = Object.entries(fields)
    .filter(([k, required]) => required && !(k in body))
    .map(([k]) => k);
  expect({ unknown, missing }, `${what}: fields the SDK's type does not declare, or required ones the service left out`).toEqual({
    unknown: [],
    missing: [],
  });
}

describe('SDK types against a real response', () => {
  let server: NodeServer;
  const png = readFileSync(new URL('../../examples/pair-star-heart.png', import.meta.url));
  beforeAll(async () => {
    server = await startNodeServer({ port: 0, threads: 1, cacheMiB: 8, vars: { CACHE_SECRET: 'sdk-types-test-secret' } });
  });
  afterAll(() => server?.close());

  it('answers explain (top=2, metrics), models and classify with only the fields the SDK declares, required ones included', async () => {
    const client = new GradcamEdge({ url: server.url });
    const json = await client.explainJson(png, { top: 2, metrics: 'drop' });
    expectFields(json, EXPLANATION_FIELDS, 'ExplanationJson');
    expect(json.explanations, 'top=2 lists two explanations').toHaveLength(2);
    const [model] = await client.models();
    expectFields(model!, MODEL_FIELDS, 'ModelInfo');
    expectFields(await client.classify(png, { top: 2 }), CLASSIFICATION_FIELDS, 'Classification');
  });
});
