/**
 * The parts of Argo Events objects (v1alpha1) the tools read, typed as they appear in manifests
 * (field names as in the `io.argoproj.events.v1alpha1.*` JSON Schema definitions).
 */

/** `DataFilter`. */
export interface ArgoDataFilter {
  readonly path: string;
  readonly type: string;
  readonly value?: readonly string[];
  readonly comparator?: string;
  readonly template?: string;
}

/** `PayloadField`. */
export interface ArgoPayloadField {
  readonly name: string;
  readonly path: string;
}

/** `ExprFilter`. */
export interface ArgoExprFilter {
  readonly expr: string;
  readonly fields?: readonly ArgoPayloadField[];
}

/** `EventContext`, as a filter (every field optional). */
export interface ArgoEventContextFilter {
  readonly type?: string;
  readonly subject?: string;
  readonly source?: string;
  readonly datacontenttype?: string;
}

/** `EventDependencyFilter`. */
export interface ArgoEventDependencyFilter {
  readonly data?: readonly ArgoDataFilter[];
  readonly dataLogicalOperator?: string;
  readonly exprs?: readonly ArgoExprFilter[];
  readonly exprLogicalOperator?: string;
  readonly context?: ArgoEventContextFilter;
  readonly time?: unknown;
  readonly script?: string;
}

/** `EventDependency`. */
export interface ArgoEventDependency {
  readonly name: string;
  readonly eventSourceName: string;
  readonly eventName: string;
  readonly filters?: ArgoEventDependencyFilter;
  readonly filtersLogicalOperator?: string;
}

/** `TriggerParameterSource`. */
export interface ArgoTriggerParameterSource {
  readonly dependencyName: string;
  readonly dataKey?: string;
  readonly dataTemplate?: string;
  readonly contextKey?: string;
  readonly contextTemplate?: string;
  readonly value?: string;
  readonly useRawData?: boolean;
}

/** `TriggerParameter`. */
export interface ArgoTriggerParameter {
  readonly src?: ArgoTriggerParameterSource;
  readonly dest: string;
  readonly operation?: string;
}

/** The trigger kinds the tools understand; others are reported by name. */
export const ARGO_TRIGGER_KINDS = ['log', 'http', 'k8s', 'argoWorkflow'] as const;

/** `TriggerTemplate` (the kinds this project uses). */
export interface ArgoTriggerTemplate {
  readonly name: string;
  readonly conditions?: string;
  readonly log?: { readonly intervalSeconds?: number };
  readonly http?: {
    readonly url: string;
    readonly method?: string;
    readonly payload?: readonly ArgoTriggerParameter[];
    readonly parameters?: readonly ArgoTriggerParameter[];
  };
  readonly k8s?: {
    readonly operation?: string;
    readonly source?: { readonly resource?: unknown };
    readonly parameters?: readonly ArgoTriggerParameter[];
    readonly patchStrategy?: string;
  };
  readonly argoWorkflow?: {
    readonly operation?: string;
    readonly source?: { readonly resource?: unknown };
    readonly parameters?: readonly ArgoTriggerParameter[];
  };
  readonly [kind: string]: unknown;
}

/** `Trigger`. */
export interface ArgoTrigger {
  readonly template?: ArgoTriggerTemplate;
  readonly parameters?: readonly ArgoTriggerParameter[];
}

/** The Argo Events `Event` a Sensor evaluates: CloudEvent context plus the EventSource's data. */
export interface ArgoEvent {
  readonly context: {
    readonly id: string;
    readonly source: string;
    readonly specversion: string;
    readonly type: string;
    readonly datacontenttype: string;
    readonly subject: string;
    readonly time: string;
  };
  /** The event data, parsed from JSON. */
  readonly data: unknown;
}

/** `LogicalOperator` values; empty means `and`. */
export type LogicalOperator = 'and' | 'or';

/** Reads a `LogicalOperator` field as Argo does: `or` is or, anything else is and. */
export function logicalOperator(value: string | undefined): LogicalOperator {
  return value === 'or' ? 'or' : 'and';
}
