/** Pearson r against numpy's corrcoef values, and mapCorrelation's rule for constant maps. */
import { describe, expect, it } from 'vitest';
import { mapCorrelation, pearson } from '../../src/quality/rank-correlation.js';

describe('map correlation', () => {
  it('is Pearson r for varying maps (numpy.corrcoef([1,2,3,4],[1,3,2,5]) = 0.8315218...)', () => {
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 5])).toBeCloseTo(0.8315218406202999, 12);
    expect(mapCorrelation([1, 2, 3, 4], [1, 3, 2, 5])).toBeCloseTo(0.8315218406202999, 12);
    expect(mapCorrelation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });
  it('counts two constant maps as the same and one constant map as unrelated (pearson is NaN there)', () => {
    expect(pearson([0, 0, 0], [2, 2, 2])).toBeNaN();
    expect(mapCorrelation([0, 0, 0], [2, 2, 2])).toBe(1);
    expect(mapCorrelation([0, 0, 0], [0, 1, 2])).toBe(0);
    expect(mapCorrelation([0, 1, 2], [5, 5, 5])).toBe(0);
  });
});
