/**
 * @module
 * Spearman's rank correlation, as used by the sanity checks of Adebayo et al. 2018 ("Sanity Checks for
 * Saliency Maps", arXiv:1810.03292) to compare a model's maps with those of a copy with randomised weights.
 */

/**
 * Ranks 1..n with ties given their average rank (the "fractional" ranking scipy.stats.rankdata uses).
 *
 * @example
 * averageRanks([10, 20, 20, 5]); // [2, 3.5, 3.5, 1]
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson correlation in float64; NaN when either input is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`lengths differ: ${n} and ${b.length}`);
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma,
      db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Spearman's rho: the Pearson correlation of the average ranks; NaN when either input is constant.
 *
 * @example
 * spearman([1, 2, 3], [10, 100, 1000]); // 1
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(averageRanks(a), averageRanks(b));
}

/**
 * {@link pearson} for comparing two maps of one image, where a constant map has no correlation to speak of:
 * two constant maps count as the same (1), one constant map against a varying one as unrelated (0).
 *
 * @example
 * mapCorrelation(int8Map, floatMap) >= 0.99; // the int8 trunk keeps the explanation
 */
export function mapCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const r = pearson(a, b);
  if (!Number.isNaN(r)) return r;
  return Number.isNaN(pearson(a, a)) && Number.isNaN(pearson(b, b)) ? 1 : 0;
}
