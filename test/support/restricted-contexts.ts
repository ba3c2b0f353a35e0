/**
 * The security contexts the constructs synthesize by default, written out literally so that tests
 * compare against values rather than against the library's own constants.
 */

/** The default pod-level security context of every Argo Events workload. */
export const EXPECTED_POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The default container-level security context of every templated Argo Events container. */
export const EXPECTED_CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};
