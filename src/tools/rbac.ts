/**
 * What a Sensor's cluster-acting triggers need from RBAC, and whether the Roles bound to its
 * ServiceAccount in the manifests grant it.
 */
import type { ArgoTriggerTemplate } from './argo.js';
import { namespaceOf, type Manifest } from './manifests.js';

/** One permission a trigger needs. */
export interface RequiredAccess {
  /** API group (`''` for core). */
  readonly group: string;
  /** Resource (plural, lower case). */
  readonly resource: string;
  /** The object's name where fixed, else `undefined`. */
  readonly name?: string;
  /** The object's namespace where the resource names one, else `undefined` (the Sensor's namespace). */
  readonly namespace?: string;
  readonly verbs: readonly string[];
}

interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs?: readonly string[];
}

/** Verbs a k8s trigger operation needs: update and patch create the object when it is missing. */
const K8S_OPERATION_VERBS: Readonly<Record<string, readonly string[]>> = {
  create: ['create'],
  update: ['get', 'update', 'create'],
  patch: ['get', 'patch', 'create'],
  delete: ['delete'],
};

/** Verbs an argoWorkflow trigger operation needs on workflows. */
const WORKFLOW_OPERATION_VERBS: Readonly<Record<string, readonly string[]>> = {
  submit: ['create', 'list'],
};

/** Verbs that Kubernetes never restricts by `resourceNames`. */
export const UNNAMEABLE_VERBS: ReadonlySet<string> = new Set(['create', 'list', 'watch', 'deletecollection']);

/**
 * The access a trigger template needs; `undefined` for triggers that do not act on the cluster.
 * Throws for an operation it does not know, naming the ones it does.
 */
export function requiredAccess(template: ArgoTriggerTemplate): RequiredAccess | undefined {
  if (template.k8s !== undefined) {
    const operation = template.k8s.operation ?? 'create';
    const verbs = K8S_OPERATION_VERBS[operation];
    if (verbs === undefined) {
      throw new Error(
        `k8s operation "${operation}" is not one of ${Object.keys(K8S_OPERATION_VERBS).join(', ')}`,
      );
    }
    const resource = (template.k8s.source?.resource ?? {}) as {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string; namespace?: string };
    };
    const apiVersion = resource.apiVersion ?? 'v1';
    return {
      group: apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '',
      resource: pluralize(resource.kind ?? ''),
      ...(resource.metadata?.name ? { name: resource.metadata.name } : {}),
      ...(resource.metadata?.namespace ? { namespace: resource.metadata.namespace } : {}),
      verbs,
    };
  }
  if (template.argoWorkflow !== undefined) {
    const operation = template.argoWorkflow.operation ?? 'submit';
    const verbs = WORKFLOW_OPERATION_VERBS[operation];
    if (verbs === undefined) {
      throw new Error(
        `argoWorkflow operation "${operation}" is not one of ${Object.keys(WORKFLOW_OPERATION_VERBS).join(', ')}`,
      );
    }
    const namespace = (
      template.argoWorkflow.source?.resource as { metadata?: { namespace?: string } } | undefined
    )?.metadata?.namespace;
    return { group: 'argoproj.io', resource: 'workflows', ...(namespace ? { namespace } : {}), verbs };
  }
  return undefined;
}

/**
 * The rules of the Roles (and ClusterRoles) that RoleBindings in `namespace` bind to a ServiceAccount,
 * with the Roles' names.
 */
export function boundRules(
  manifests: readonly Manifest[],
  namespace: string,
  serviceAccount: { readonly name: string; readonly namespace: string },
): { readonly roles: readonly string[]; readonly rules: readonly PolicyRule[] } {
  const roles: string[] = [];
  const rules: PolicyRule[] = [];
  for (const { object } of manifests) {
    if (object.kind !== 'RoleBinding' || namespaceOf(object) !== namespace) continue;
    const subjects = (object.subjects ?? []) as { kind?: string; name?: string; namespace?: string }[];
    const bound = subjects.some(
      (s) =>
        s.kind === 'ServiceAccount' &&
        s.name === serviceAccount.name &&
        (s.namespace ?? namespace) === serviceAccount.namespace,
    );
    const ref = object.roleRef as { kind?: string; name?: string } | undefined;
    if (!bound || ref?.name === undefined) continue;
    const role = manifests.find(
      (m) =>
        m.object.kind === ref.kind &&
        m.object.metadata?.name === ref.name &&
        (ref.kind === 'ClusterRole' || namespaceOf(m.object) === namespace),
    );
    if (role === undefined) continue;
    roles.push(`${ref.kind}/${ref.name}`);
    rules.push(...((role.object.rules ?? []) as PolicyRule[]));
  }
  return { roles, rules };
}

/** The verbs of `access` that no rule grants. */
export function missingVerbs(access: RequiredAccess, rules: readonly PolicyRule[]): string[] {
  return access.verbs.filter((verb) => !rules.some((rule) => grants(rule, access, verb)));
}

function grants(rule: PolicyRule, access: RequiredAccess, verb: string): boolean {
  const has = (list: readonly string[] | undefined, value: string): boolean =>
    (list ?? []).includes(value) || (list ?? []).includes('*');
  if (!has(rule.apiGroups, access.group) || !has(rule.resources, access.resource) || !has(rule.verbs, verb)) {
    return false;
  }
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return !UNNAMEABLE_VERBS.has(verb) && access.name !== undefined && names.includes(access.name);
}

/** The resource name of a kind, as Kubernetes pluralizes the common kinds. */
export function pluralize(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}
