import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchesLabelSelector } from './fake-kube-selectors.js';
import { FakeKubeServer, mergePatch } from './fake-kube.js';
import { generatedWorkflow } from './workflow-fixtures.js';

const base = '/apis/argoproj.io/v1alpha1/namespaces/kubeflow/workflows';

describe('FakeKubeServer', () => {
  let kube: FakeKubeServer;

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
  });

  afterEach(async () => {
    await kube.stop();
  });

  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${kube.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('lists in chunks from one snapshot, with continue tokens and the snapshot resourceVersion', async () => {
    for (let i = 0; i < 5; i++) kube.addWorkflow(generatedWorkflow(i));

    const first = await get(`${base}?limit=2`);
    kube.addWorkflow(generatedWorkflow(9));
    const meta = first.body.metadata as {
      continue: string;
      resourceVersion: string;
      remainingItemCount: number;
    };
    const second = await get(`${base}?limit=2&continue=${encodeURIComponent(meta.continue)}`);
    const third = await get(
      `${base}?limit=2&continue=${encodeURIComponent((second.body.metadata as { continue: string }).continue)}`,
    );

    expect(meta.resourceVersion).toBe('1005');
    expect(meta.remainingItemCount).toBe(3);
    expect((third.body.items as unknown[]).length).toBe(1);
    expect(third.body.metadata).toEqual({ resourceVersion: '1005' });
  });

  it('answers 410 Expired for a continue token after compaction', async () => {
    for (let i = 0; i < 3; i++) kube.addWorkflow(generatedWorkflow(i));
    const first = await get(`${base}?limit=2`);

    kube.expireResourceVersions();
    const next = await get(
      `${base}?limit=2&continue=${(first.body.metadata as { continue: string }).continue}`,
    );

    expect(next.status).toBe(410);
    expect(next.body).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('streams an ERROR watch event with a 410 Status for an expired resourceVersion', async () => {
    kube.addWorkflow(generatedWorkflow(1));
    kube.expireResourceVersions();

    const res = await fetch(`${kube.url}${base}?watch=true&resourceVersion=1000`);
    const [line] = (await res.text()).trim().split('\n');

    expect(res.status).toBe(200);
    expect(JSON.parse(line ?? '')).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410 } });
  });

  it('merge-patches labels, bumps the resourceVersion and refuses other patch types', async () => {
    kube.addWorkflow(generatedWorkflow(1));
    const path = `${kube.url}${base}/penguin-pipeline-00001`;
    const patch = JSON.stringify({ metadata: { labels: { done: 'true', 'pipeline/runid': null } } });

    const merged = await fetch(path, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: patch,
    });
    const json = await fetch(path, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: patch,
    });

    expect(merged.status).toBe(200);
    const labels = kube.getWorkflow('kubeflow', 'penguin-pipeline-00001')?.metadata?.labels;
    expect(labels?.done).toBe('true');
    expect(labels?.['pipeline/runid']).toBeUndefined();
    expect(kube.getWorkflow('kubeflow', 'penguin-pipeline-00001')?.metadata?.resourceVersion).toBe('1002');
    expect(json.status).toBe(415);
  });

  it('refuses a Lease update against a stale resourceVersion with 409', async () => {
    const leases = `${kube.url}/apis/coordination.k8s.io/v1/namespaces/ops/leases`;
    const lease = { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } };
    const created = await fetch(leases, { method: 'POST', body: JSON.stringify(lease) });
    const again = await fetch(leases, { method: 'POST', body: JSON.stringify(lease) });
    const stale = await fetch(`${leases}/l`, {
      method: 'PUT',
      body: JSON.stringify({ ...lease, metadata: { name: 'l', resourceVersion: '1' } }),
    });

    expect([created.status, again.status, stale.status]).toEqual([201, 409, 409]);
  });
});

describe('matchesLabelSelector and mergePatch', () => {
  it('evaluates equality, existence and set requirements', () => {
    const labels = { a: '1', b: '2' };
    expect(matchesLabelSelector('!c,a=1', labels)).toBe(true);
    expect(matchesLabelSelector('!a', labels)).toBe(false);
    expect(matchesLabelSelector('b in (2,3),a!=2', labels)).toBe(true);
    expect(matchesLabelSelector('b notin (2)', labels)).toBe(false);
  });

  it('merges objects, deletes nulls and replaces arrays', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: null, e: 3 }, d: [2] })).toEqual({
      a: { b: 1, e: 3 },
      d: [2],
    });
  });
});
