/** The namespace the backlog's workflows live in (and the publisher watches). */
export const BACKLOG_NAMESPACE = 'kubeflow';

const PIPELINE = 'penguin-pipeline';
const COMPONENTS = [
  'csvexamplegen',
  'statisticsgen',
  'schemagen',
  'transform',
  'trainer',
  'evaluator',
  'pusher',
];

/**
 * A finished KFP v1 (TFX) run as the Argo Workflows API holds it: the run id label, the phase in the
 * label and `status.phase`, the pipeline spec annotation, the pipeline root parameter, and one node per
 * component (about 8 KB of JSON, like the shared fixtures of real runs). Every tenth run failed.
 */
export function finishedWorkflow(index: number): Record<string, unknown> {
  const name = `${PIPELINE}-${String(index).padStart(5, '0')}`;
  const phase = index % 10 === 0 ? 'Failed' : 'Succeeded';
  const startedAt = new Date(Date.UTC(2026, 11, 1) + index * 60_000).toISOString().replace('.000', '');
  const finishedAt = new Date(Date.UTC(2026, 11, 1) + index * 60_000 + 540_000)
    .toISOString()
    .replace('.000', '');
  const nodes = Object.fromEntries(
    COMPONENTS.map((component, step) => {
      const id = `${name}-${1_000_000_000 + step * 7919}`;
      return [
        id,
        {
          id,
          name: `${name}.${component}`,
          displayName: component,
          type: 'Pod',
          templateName: component,
          phase: 'Succeeded',
          startedAt,
          finishedAt,
          resourcesDuration: { cpu: 42 + step, memory: 1_337 + step },
          outputs: {
            artifacts: [
              {
                name: 'mlpipeline-ui-metadata',
                s3: { key: `artifacts/${name}/${id}/mlpipeline-ui-metadata.tgz` },
              },
              { name: 'main-logs', s3: { key: `artifacts/${name}/${id}/main.log` } },
            ],
            exitCode: '0',
          },
          children: step + 1 < COMPONENTS.length ? [`${name}-${1_000_000_000 + (step + 1) * 7919}`] : [],
          hostNodeName: `gke-pool-${step % 3}`,
        },
      ];
    }),
  );

  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: BACKLOG_NAMESPACE,
      uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      generateName: `${PIPELINE}-`,
      labels: {
        'pipeline/runid': `run-${String(index).padStart(8, '0')}`,
        'pipelines.kubeflow.org/kfp_sdk_version': '1.8.22',
        'workflows.argoproj.io/completed': 'true',
        'workflows.argoproj.io/phase': phase,
      },
      annotations: {
        'pipelines.kubeflow.org/kfp_sdk_version': '1.8.22',
        'pipelines.kubeflow.org/pipeline_spec': JSON.stringify({
          name: PIPELINE,
          inputs: [{ name: 'pipeline-root', type: 'String' }],
        }),
        'pipelines.kubeflow.org/run_name': `${PIPELINE} run ${index}`,
      },
    },
    spec: {
      entrypoint: PIPELINE,
      arguments: { parameters: [{ name: 'pipeline-root', value: `gs://kfp-bench/${PIPELINE}/${name}` }] },
      serviceAccountName: 'pipeline-runner',
      templates: COMPONENTS.map((component) => ({
        name: component,
        container: {
          image: 'tensorflow/tfx:1.14.0',
          command: ['python', '-m', 'tfx.orchestration.kubeflow.container_entrypoint'],
          args: ['--pipeline_root', `gs://kfp-bench/${PIPELINE}/${name}`, '--component', component],
        },
        outputs: { artifacts: [{ name: 'mlpipeline-ui-metadata', path: '/mlpipeline-ui-metadata.json' }] },
      })),
    },
    status: { phase, startedAt, finishedAt, progress: `${COMPONENTS.length}/${COMPONENTS.length}`, nodes },
  };
}
