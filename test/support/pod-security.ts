/**
 * A checker for the Kubernetes "restricted" Pod Security Standard (which includes "baseline"), applied
 * to a synthesized pod spec. It implements the controls that a manifest can break:
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  seLinuxOptions?: { type?: string };
  procMount?: string;
  sysctls?: { name: string }[];
}

interface Container {
  name: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
}

/** The parts of a pod spec the standard constrains. */
export interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Record<string, unknown>[];
}

/** Volume types the restricted profile allows. */
const ALLOWED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const ALLOWED_SECCOMP = new Set(['RuntimeDefault', 'Localhost']);
const ALLOWED_SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
]);

/**
 * Returns every violation of the restricted Pod Security Standard in `pod`, one line each naming the
 * field; empty when the pod complies.
 */
export function restrictedViolations(pod: PodSpecLike): string[] {
  const problems: string[] = [];
  const podContext = pod.securityContext ?? {};

  if (pod.hostNetwork) problems.push('spec.hostNetwork: must not be true');
  if (pod.hostPID) problems.push('spec.hostPID: must not be true');
  if (pod.hostIPC) problems.push('spec.hostIPC: must not be true');
  for (const [i, volume] of (pod.volumes ?? []).entries()) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type === undefined || !ALLOWED_VOLUME_TYPES.has(type)) {
      problems.push(`spec.volumes[${i}]: type ${String(type)} is not allowed`);
    }
  }
  for (const sysctl of podContext.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name))
      problems.push(`spec.securityContext.sysctls: ${sysctl.name} is not safe`);
  }
  if (podContext.runAsUser === 0) problems.push('spec.securityContext.runAsUser: must not be 0');
  checkSeLinux(podContext, 'spec.securityContext', problems);

  const groups = [
    ['containers', pod.containers],
    ['initContainers', pod.initContainers ?? []],
    ['ephemeralContainers', pod.ephemeralContainers ?? []],
  ] as const;
  for (const [group, containers] of groups) {
    for (const container of containers) {
      checkContainer(container, `spec.${group}[${container.name}]`, podContext, problems);
    }
  }
  return problems;
}

function checkContainer(container: Container, where: string, pod: SecurityContext, problems: string[]): void {
  const context = container.securityContext ?? {};
  const at = `${where}.securityContext`;

  if (context.privileged) problems.push(`${at}.privileged: must not be true`);
  if (context.allowPrivilegeEscalation !== false)
    problems.push(`${at}.allowPrivilegeEscalation: must be false`);
  if ((context.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
    problems.push(`${at}.runAsNonRoot: must be true (here or in the pod's securityContext)`);
  }
  if (context.runAsUser === 0) problems.push(`${at}.runAsUser: must not be 0`);
  const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (seccomp === undefined || !ALLOWED_SECCOMP.has(seccomp)) {
    problems.push(
      `${at}.seccompProfile.type: must be RuntimeDefault or Localhost (here or in the pod), is ${String(seccomp)}`,
    );
  }
  if (!(context.capabilities?.drop ?? []).includes('ALL'))
    problems.push(`${at}.capabilities.drop: must include ALL`);
  for (const added of context.capabilities?.add ?? []) {
    if (added !== 'NET_BIND_SERVICE') problems.push(`${at}.capabilities.add: ${added} is not allowed`);
  }
  if (context.procMount !== undefined && context.procMount !== 'Default') {
    problems.push(`${at}.procMount: must be Default`);
  }
  checkSeLinux(context, at, problems);
  for (const port of container.ports ?? []) {
    if (port.hostPort !== undefined && port.hostPort !== 0)
      problems.push(`${where}.ports: hostPort ${port.hostPort} is not allowed`);
  }
}

function checkSeLinux(context: SecurityContext, at: string, problems: string[]): void {
  const type = context.seLinuxOptions?.type;
  if (type !== undefined && !ALLOWED_SELINUX_TYPES.has(type))
    problems.push(`${at}.seLinuxOptions.type: ${type} is not allowed`);
}
