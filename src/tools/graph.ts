/**
 * `graph`: the event flow of synthesized manifests as a Mermaid flowchart or a Graphviz digraph:
 * publisher → EventBus → EventSources → Sensors (with a summary of their filters) → triggers.
 * Output depends only on the manifests (objects in manifest order), so it can be committed and diffed.
 */
import { PUBLISHER_ENV, sensorPaths } from '../contract/index.js';
import type { ArgoDataFilter, ArgoEventDependency, ArgoTrigger } from './argo.js';
import { ARGO_TRIGGER_KINDS } from './argo.js';
import {
  argoObjects,
  containerEnvValue,
  encodingInUse,
  eventSourceKey,
  nameOf,
  namespaceOf,
  type KubeObject,
  type Manifest,
} from './manifests.js';

/** Output formats of {@link graph}. */
export type GraphFormat = 'mermaid' | 'dot';

/** Every graph format. */
export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot'];

/** Options of {@link graph}. */
export interface GraphOptions {
  /**
   * The output format.
   * @default 'mermaid'
   */
  readonly format?: GraphFormat;
}

/** The format used when none is chosen. */
export const DEFAULT_GRAPH_FORMAT: GraphFormat = 'mermaid';

type Shape = 'process' | 'bus' | 'source' | 'sensor' | 'trigger';

interface GraphNode {
  readonly id: string;
  readonly shape: Shape;
  readonly lines: readonly string[];
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

/** Renders the event flow of the manifests. */
export function graph(manifests: readonly Manifest[], options: GraphOptions = {}): string {
  const { nodes, edges } = buildGraph(manifests);
  return (options.format ?? DEFAULT_GRAPH_FORMAT) === 'dot'
    ? renderDot(nodes, edges)
    : renderMermaid(nodes, edges);
}

function buildGraph(manifests: readonly Manifest[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (shape: Shape, lines: string[]): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, shape, lines });
    return id;
  };
  const dataPrefix = `${sensorPaths(encodingInUse(manifests)).data}.`;

  const buses = argoObjects(manifests, 'EventBus').map(({ object }) => ({
    object,
    id: add('bus', [`EventBus ${qualified(object)}`, busKind(object)]),
  }));
  const busByUrl = (url: string): string | undefined =>
    buses.find(({ object }) =>
      new RegExp(
        `^nats://eventbus-${escape(nameOf(object))}-(stan|js)-svc\\.${escape(namespaceOf(object))}(\\.|:|$)`,
      ).test(url),
    )?.id;

  // The bus an EventSource emits into and its Sensors read from: the one named in their namespace.
  const localBus = (namespace: string, eventBusName: string | undefined): string | undefined =>
    buses.find(
      ({ object }) => namespaceOf(object) === namespace && nameOf(object) === (eventBusName ?? 'default'),
    )?.id;

  for (const { object } of manifests) {
    if (object.kind !== 'Deployment') continue;
    const url = containerEnvValue(object, PUBLISHER_ENV.NATS_URL.name);
    if (url === undefined) continue;
    const publisher = add('process', [`publisher ${qualified(object)}`]);
    const bus = busByUrl(url);
    if (bus !== undefined) {
      const subject = containerEnvValue(object, PUBLISHER_ENV.SUBJECT.name) ?? PUBLISHER_ENV.SUBJECT.default;
      edges.push({ from: publisher, to: bus, label: `publish ${subject}` });
    }
  }

  const sources = new Map<string, string>();
  for (const { object } of argoObjects(manifests, 'EventSource')) {
    const spec = object.spec as {
      eventBusName?: string;
      nats?: Record<string, { url?: string; subject?: string; jsonBody?: boolean }>;
    };
    for (const [eventName, nats] of Object.entries(spec?.nats ?? {})) {
      const id = add('source', [
        `EventSource ${qualified(object)}`,
        `nats ${eventName}: subject ${nats.subject ?? '?'}${nats.jsonBody === true ? ', jsonBody' : ''}`,
      ]);
      sources.set(eventSourceKey(namespaceOf(object), spec?.eventBusName, nameOf(object), eventName), id);
      const bus = busByUrl(nats.url ?? '');
      edges.push(
        bus !== undefined
          ? { from: bus, to: id, label: `subscribe ${nats.subject ?? '?'}` }
          : { from: add('bus', [nats.url ?? 'NATS (no url)']), to: id },
      );
      const emitsInto = localBus(namespaceOf(object), spec?.eventBusName);
      if (emitsInto !== undefined) edges.push({ from: id, to: emitsInto, label: `emit ${eventName}` });
    }
  }

  for (const { object } of argoObjects(manifests, 'Sensor')) {
    const spec = object.spec as {
      eventBusName?: string;
      dependencies?: ArgoEventDependency[];
      triggers?: ArgoTrigger[];
    };
    const dependencies = spec?.dependencies ?? [];
    const sensor = add('sensor', [
      `Sensor ${qualified(object)}`,
      ...dependencies.map((d) => summarizeDependency(d, dataPrefix)),
    ]);
    for (const dependency of dependencies) {
      const source = sources.get(
        eventSourceKey(
          namespaceOf(object),
          spec?.eventBusName,
          dependency.eventSourceName,
          dependency.eventName,
        ),
      );
      const from =
        source === undefined
          ? add('source', [`EventSource ${dependency.eventSourceName} (not in manifests)`])
          : (localBus(namespaceOf(object), spec?.eventBusName) ?? source);
      edges.push({ from, to: sensor, label: dependency.name });
    }
    for (const trigger of spec?.triggers ?? []) {
      edges.push({ from: sensor, to: add('trigger', describeTrigger(trigger)) });
    }
  }
  return { nodes, edges };
}

function summarizeDependency(dependency: ArgoEventDependency, dataPrefix: string): string {
  const filters = dependency.filters;
  const parts = [
    ...(filters?.data ?? []).map((filter) => summarizeDataFilter(filter, dataPrefix)),
    ...(filters?.exprs ?? []).map((expr) => `expr ${expr.expr}`),
  ];
  const joiner = filters?.dataLogicalOperator === 'or' ? ' or ' : ' and ';
  return `${dependency.name}: ${parts.length === 0 ? 'every event' : parts.join(joiner)}`;
}

function summarizeDataFilter(filter: ArgoDataFilter, dataPrefix: string): string {
  const field = filter.path.startsWith(dataPrefix) ? filter.path.slice(dataPrefix.length) : filter.path;
  const comparator = filter.comparator || '=';
  const op = filter.type === 'string' ? (comparator === '!=' ? '!~' : '=~') : comparator;
  return `${field} ${op} ${(filter.value ?? []).join(' | ')}`;
}

function describeTrigger(trigger: ArgoTrigger): string[] {
  const template = trigger.template;
  const kind = ARGO_TRIGGER_KINDS.find((candidate) => template?.[candidate] !== undefined) ?? 'other';
  const head = `${kind} ${template?.name ?? '?'}`;
  switch (kind) {
    case 'http':
      return [head, `${template?.http?.method ?? 'POST'} ${template?.http?.url ?? '?'}`];
    case 'k8s': {
      const resource = (template?.k8s?.source?.resource ?? {}) as KubeObject;
      return [
        head,
        `${template?.k8s?.operation ?? 'create'} ${resource.kind ?? '?'} ${resource.metadata?.name ?? ''}`.trimEnd(),
      ];
    }
    case 'argoWorkflow':
      return [head, `${template?.argoWorkflow?.operation ?? 'submit'} Workflow`];
    default:
      return [head];
  }
}

function renderMermaid(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string {
  const open: Record<Shape, [string, string]> = {
    process: ['[', ']'],
    bus: ['[(', ')]'],
    source: ['>', ']'],
    sensor: ['{{', '}}'],
    trigger: ['([', '])'],
  };
  const text = (lines: readonly string[]): string =>
    `"${lines.map((line) => line.replace(/"/g, '#quot;')).join('<br/>')}"`;
  return [
    'flowchart LR',
    ...nodes.map((node) => `  ${node.id}${open[node.shape][0]}${text(node.lines)}${open[node.shape][1]}`),
    ...edges.map((edge) => `  ${edge.from} -->${edge.label ? `|${text([edge.label])}|` : ''} ${edge.to}`),
    '',
  ].join('\n');
}

function renderDot(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string {
  const shape: Record<Shape, string> = {
    process: 'box',
    bus: 'cylinder',
    source: 'cds',
    sensor: 'hexagon',
    trigger: 'ellipse',
  };
  const text = (lines: readonly string[]): string => JSON.stringify(lines.join('\n'));
  return [
    'digraph kfp_events {',
    '  rankdir=LR;',
    ...nodes.map((node) => `  ${node.id} [shape=${shape[node.shape]}, label=${text(node.lines)}];`),
    ...edges.map(
      (edge) => `  ${edge.from} -> ${edge.to}${edge.label ? ` [label=${text([edge.label])}]` : ''};`,
    ),
    '}',
    '',
  ].join('\n');
}

function qualified(object: KubeObject): string {
  return namespaceOf(object) ? `${namespaceOf(object)}/${nameOf(object)}` : nameOf(object);
}

function busKind(object: KubeObject): string {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const kind = ['nats', 'jetstream', 'kafka', 'jetstreamExotic'].find(
    (candidate) => spec[candidate] !== undefined,
  );
  if (kind === undefined) return 'unknown kind';
  const nats = spec.nats as Record<string, unknown> | undefined;
  return kind === 'nats' && nats ? `nats ${Object.keys(nats).join(', ')}` : kind;
}

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
}
