/**
 * A cdk8s app of its own that reuses the kfp-events constructs, the way another team would: it imports
 * only the `kfp-events` package. It subscribes the `fraud-team` namespace to an operator bus deployed
 * elsewhere and adds a hand-written Sensor. Run it with
 * `node --conditions=source --import tsx test/reuse/app.ts` (the manifests go to `$CDK8S_OUTDIR`).
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import {
  ConsumerEventBus,
  EventField,
  K8sOperation,
  OperatorEventBus,
  PipelineSensor,
  RunCompletionEventSource,
  RunStatusFilter,
  SensorTrigger,
} from 'kfp-events';

const NAMESPACE = 'fraud-team';

const app = new App({ outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
const chart = new Chart(app, 'fraud-team', { namespace: NAMESPACE });

// The operator bus is deployed by the platform team's own app; only its address facts are needed here.
const operatorBus = OperatorEventBus.fromBusAttributes(chart, 'OperatorBus', {
  name: 'kfp-operator-events',
  namespace: 'kfp-operator',
});
const eventBus = new ConsumerEventBus(chart, 'EventBus');
const eventSource = new RunCompletionEventSource(chart, 'RunCompletion', { operatorBus });

const sensor = new PipelineSensor(chart, 'FraudDetector', {
  eventSource,
  eventBusName: eventBus.name,
  name: 'fraud-detector-deploy',
  pipelineName: 'fraud-detector',
  status: RunStatusFilter.SUCCEEDED,
});
sensor.addTrigger(
  SensorTrigger.k8s({
    operation: K8sOperation.PATCH,
    target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'fraud-detector-serving' },
    parameters: [{ src: EventField.servingModelLocation(0), dest: 'data.modelUri' }],
  }),
);
sensor.addTrigger(
  SensorTrigger.http({
    url: 'https://chat.example/hooks/ml',
    payload: { text: EventField.pipelineName(), run: EventField.field('runName') },
  }),
);

app.synth();
