import { Testing, type Chart } from 'cdk8s';

/** A synthesized Kubernetes object. */
export type Manifest = Record<string, unknown> & {
  readonly kind: string;
  readonly metadata?: { name?: string };
};

/** Synthesizes a chart into its manifests. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The one manifest of `kind` (and `name`, when given); throws when there is not exactly one. */
export function only(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  }
  return found[0] as Manifest;
}

/** Every manifest of `kind`. */
export function all(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/**
 * The value at a dotted path (`spec.template.spec.containers.0.env`); throws naming the first missing
 * segment, so an assertion on a wrong path fails loudly instead of comparing `undefined`.
 */
export function at(value: unknown, path: string): unknown {
  let node = value;
  let walked = '';
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new Error(`no "${key}" at ${walked || 'the root'} (looking up ${path})`);
    }
    node = (node as Record<string, unknown>)[key];
    walked = walked ? `${walked}.${key}` : key;
  }
  return node;
}

/** The environment of a container as a name → value (or valueFrom) map. */
export function envOf(container: unknown): Record<string, unknown> {
  const env = at(container, 'env') as { name: string; value?: string; valueFrom?: unknown }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom]));
}
