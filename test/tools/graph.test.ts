import { describe, expect, it } from 'vitest';
import { graph } from '../../src/tools/graph.js';
import { loadFixture } from './helpers.js';

describe('graph', () => {
  it('draws publisher → bus → EventSource → Sensors (with filters) → triggers as Mermaid', async () => {
    const text = graph(await loadFixture('valid'));

    expect(text).toMatchSnapshot();
    expect(text).toContain('n2 -->|"publish events"| n1');
    expect(text).toContain('n1 -->|"subscribe events"| n3');
    // The EventSource emits into its namespace's bus, which the Sensors read from.
    expect(text).toContain('n3 -->|"emit run-completion"| n0');
    expect(text).toContain('n0 -->|"run-completion"| n4');
    expect(text).toContain(
      'n4{{"Sensor penguin-team/penguin-pipeline-model-update<br/>run-completion: status =~ ^succeeded$ and pipelineName =~ ^penguin-pipeline$"}}',
    );
    expect(text).toContain('n6(["k8s update-serving<br/>patch ConfigMap serving"])');
  });

  it('draws the same flow as Graphviz dot', async () => {
    const text = graph(await loadFixture('valid'), { format: 'dot' });

    expect(text).toMatchSnapshot();
    expect(text.startsWith('digraph kfp_events {\n  rankdir=LR;\n')).toBe(true);
    expect(text).toContain('n3 -> n0 [label="emit run-completion"];');
    expect(text).toContain('n0 -> n4 [label="run-completion"];');
  });

  it('is deterministic: the same manifests give the same text', async () => {
    const manifests = await loadFixture('valid');
    expect(graph(manifests, { format: 'dot' })).toBe(graph(structuredClone(manifests), { format: 'dot' }));
  });
});
