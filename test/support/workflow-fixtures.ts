import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Workflow } from '../../src/publisher/workflows/workflow.js';

/** Where the shared sample workflows live (outside the repo; absent on a plain clone). */
export const WORKFLOW_FIXTURES_DIR = resolve(import.meta.dirname, '../../../shared/fixtures/workflows');

/** Whether the shared sample workflows are here; tests that need them skip (and say so) when not. */
export const haveWorkflowFixtures = existsSync(WORKFLOW_FIXTURES_DIR);

/** Reads one shared sample workflow (`.json` or `.yaml`). */
export function loadWorkflowFixture(file: string): Workflow {
  return parse(readFileSync(join(WORKFLOW_FIXTURES_DIR, file), 'utf8')) as Workflow;
}

/** The file names of every shared sample workflow. */
export function workflowFixtureFiles(): string[] {
  if (!haveWorkflowFixtures) return [];
  return readdirSync(WORKFLOW_FIXTURES_DIR)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort();
}

/** Options of {@link finishedWorkflow}. */
export interface FinishedWorkflowOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly phase?: string;
  readonly labels?: Record<string, string>;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/**
 * A copy of `base` (a compiled or captured workflow) as the API server would hold it once finished:
 * named, with a uid, a namespace, `status.phase` and its mirror label, and times.
 */
export function finishedWorkflow(base: Workflow, options: FinishedWorkflowOptions): Workflow {
  const phase = options.phase ?? 'Succeeded';
  return {
    ...base,
    metadata: {
      ...base.metadata,
      name: options.name,
      namespace: options.namespace ?? 'kubeflow',
      uid: options.uid ?? `uid-${options.name}`,
      labels: {
        ...base.metadata?.labels,
        'workflows.argoproj.io/completed': 'true',
        'workflows.argoproj.io/phase': phase,
        ...options.labels,
      },
    },
    status: {
      ...base.status,
      phase,
      startedAt: options.startedAt ?? '2026-01-01T10:00:00Z',
      finishedAt: options.finishedAt ?? '2026-01-01T10:05:00Z',
    },
  };
}

/** A small generated KFP v1-shaped finished workflow. */
export function generatedWorkflow(index: number, options: Partial<FinishedWorkflowOptions> = {}): Workflow {
  const name = options.name ?? `penguin-pipeline-${String(index).padStart(5, '0')}`;
  return finishedWorkflow(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        generateName: 'penguin-pipeline-',
        annotations: { 'pipelines.kubeflow.org/pipeline_spec': '{"name": "penguin-pipeline"}' },
        labels: { 'pipeline/runid': `run-${index}` },
      },
      spec: { entrypoint: 'penguin-pipeline' },
    },
    { ...options, name },
  );
}
