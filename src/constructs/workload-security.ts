import type { k8s } from 'cdk8s-plus-27';

/**
 * The security settings of the pods Argo Events creates from an object of this library (the EventBus
 * StatefulSet, the EventSource and Sensor Deployments). Argo Events copies them as given: it adds no
 * security context of its own.
 */
export interface WorkloadSecurityOptions {
  /**
   * The pod-level security context. Replaces the default as a whole, e.g. to leave `runAsUser` to a
   * platform that assigns user ids itself.
   * @default - RESTRICTED_POD_SECURITY_CONTEXT: non-root user, group and fsGroup 10001, seccomp RuntimeDefault
   */
  readonly podSecurityContext?: k8s.PodSecurityContext;
  /**
   * The security context of every container Argo Events lets these objects template. Replaces the
   * default as a whole.
   * @default - RESTRICTED_CONTAINER_SECURITY_CONTEXT: no privilege escalation, every capability dropped,
   * read-only root filesystem
   */
  readonly containerSecurityContext?: k8s.SecurityContext;
}

/** The non-root user, group and fsGroup id the Argo Events workloads run as by default. */
export const WORKLOAD_USER_ID = 10001;

/**
 * A pod security context that meets the Kubernetes "restricted" Pod Security Standard with a fixed
 * numeric non-root user, so the kubelet need not trust the image's `USER`.
 */
export const RESTRICTED_POD_SECURITY_CONTEXT: k8s.PodSecurityContext = Object.freeze({
  runAsNonRoot: true,
  runAsUser: WORKLOAD_USER_ID,
  runAsGroup: WORKLOAD_USER_ID,
  fsGroup: WORKLOAD_USER_ID,
  seccompProfile: Object.freeze({ type: 'RuntimeDefault' }),
});

/**
 * A container security context that meets the "restricted" standard and mounts the root filesystem
 * read-only. Argo Events gives its Sensor and EventSource containers an emptyDir at `/tmp`, and the
 * NATS servers write only to their data and pid volumes.
 */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: k8s.SecurityContext = Object.freeze({
  allowPrivilegeEscalation: false,
  capabilities: Object.freeze({ drop: Object.freeze(['ALL']) as string[] }),
  readOnlyRootFilesystem: true,
});

/** The security contexts in effect for `options`, defaults resolved. */
export function resolveWorkloadSecurity(options: WorkloadSecurityOptions): {
  readonly pod: k8s.PodSecurityContext;
  readonly container: k8s.SecurityContext;
} {
  return {
    pod: options.podSecurityContext ?? RESTRICTED_POD_SECURITY_CONTEXT,
    container: options.containerSecurityContext ?? RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  };
}
