/**
 * @module
 * Per-map accumulators of the benchmark's metrics (one row of the table per method or baseline) and their
 * summary.
 */
import {
  confidenceChange,
  summariseRatios,
  type ConfidencePair,
  type ConfidenceSummary,
  type RatioSummary,
} from '../../src/quality/index.js';

/** Everything measured for one map kind. */
export interface RowSamples {
  pointing: number[];
  pointingStrict: number[];
  pointingBox: number[];
  energy: number[];
  ratios: number[];
  deletion: number[];
  insertion: number[];
  confidence: ConfidencePair[];
  spearman: number[];
}

/** A row's summary. */
export interface RowSummary {
  name: string;
  pointing: Stat;
  pointingStrict: Stat;
  pointingBox: Stat;
  energy: Stat;
  ratios: RatioSummary;
  deletion: Stat;
  insertion: Stat;
  confidence: ConfidenceSummary;
  /** Mean Spearman rho over the scenes where it is defined; `undefinedCount` maps were constant. */
  spearman: Stat & { undefinedCount: number };
}

/** Mean, standard error and count. */
export interface Stat {
  mean: number;
  se: number;
  count: number;
}

/** Mean and standard error of the mean of finite values. */
export function stat(values: readonly number[]): Stat {
  const v = values.filter(Number.isFinite),
    n = v.length;
  if (n === 0) return { mean: NaN, se: NaN, count: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, se: Math.sqrt(variance / n), count: n };
}

/** Rows in insertion order. */
export class Rows {
  private readonly rows = new Map<string, RowSamples>();

  /** The samples of row `name` (created on first use). */
  row(name: string): RowSamples {
    let r = this.rows.get(name);
    if (!r) {
      r = {
        pointing: [],
        pointingStrict: [],
        pointingBox: [],
        energy: [],
        ratios: [],
        deletion: [],
        insertion: [],
        confidence: [],
        spearman: [],
      };
      this.rows.set(name, r);
    }
    return r;
  }

  /** The samples of row `name`, if it has any. */
  find(name: string): RowSamples | undefined {
    return this.rows.get(name);
  }

  /** Summaries, methods in the order first seen. */
  summaries(): RowSummary[] {
    return [...this.rows].map(([name, r]) => ({
      name,
      pointing: stat(r.pointing),
      pointingStrict: stat(r.pointingStrict),
      pointingBox: stat(r.pointingBox),
      energy: stat(r.energy),
      ratios: summariseRatios(r.ratios),
      deletion: stat(r.deletion),
      insertion: stat(r.insertion),
      confidence: confidenceChange(r.confidence),
      spearman: { ...stat(r.spearman), undefinedCount: r.spearman.filter((x) => Number.isNaN(x)).length },
    }));
  }
}
