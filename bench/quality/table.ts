/**
 * @module
 * The results table (Markdown), one row per CAM method and baseline.
 */
import type { RowSummary } from './accumulate.js';

function fixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (v === Infinity) return '∞';
  return v.toFixed(digits);
}

/** The header and one line per row. */
export function resultsTable(rows: readonly RowSummary[], tolerance: number): string {
  const head = [
    'map',
    `pointing game (${fixed(tolerance, 1)} px) ↑`,
    'pointing game (strict) ↑',
    'pointing game (box) ↑',
    'energy in mask ↑',
    'discrim. ratio (median) ↑',
    'discrim. ratio (geo. mean) ↑',
    'ratio > 1 ↑',
    'deletion AUC ↓',
    'insertion AUC ↑',
    'average drop % ↓',
    'increase in confidence % ↑',
    'Spearman vs randomised top layer ↓',
    'n (single / pair / del. / sanity)',
  ];
  const lines = rows.map((r) => [
    r.name,
    fixed(r.pointing.mean, 3),
    fixed(r.pointingStrict.mean, 3),
    fixed(r.pointingBox.mean, 3),
    fixed(r.energy.mean, 3),
    fixed(r.ratios.median, 2),
    fixed(r.ratios.geometricMean, 2),
    fixed(r.ratios.aboveOne, 3),
    fixed(r.deletion.mean, 3),
    fixed(r.insertion.mean, 3),
    fixed(r.confidence.averageDrop, 1),
    fixed(r.confidence.increase, 1),
    r.spearman.count ? fixed(r.spearman.mean, 3) + (r.spearman.undefinedCount ? ` (${r.spearman.undefinedCount} flat)` : '') : 'n/a',
    `${r.pointing.count} / ${r.ratios.count} / ${r.deletion.count} / ${r.spearman.count + r.spearman.undefinedCount}`,
  ]);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...lines.map(row)].join('\n');
}
