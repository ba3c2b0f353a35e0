import type { BuiltProduct } from '../harness/build.js';
import type { BenchProfile } from '../harness/profile.js';
import type { Section } from '../harness/report.js';

/** Placeholder replaced below. */
export function backlogBench(_product: BuiltProduct, _profile: BenchProfile): Promise<Section> {
  return Promise.resolve({
    title: 'Backlog catch-up',
    method: [],
    tables: [],
    targets: [],
    notMeasured: ['pending'],
  });
}
