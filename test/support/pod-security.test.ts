import { describe, expect, it } from 'vitest';
import { restrictedViolations, type PodSpecLike } from './pod-security.js';

const compliant: PodSpecLike = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      },
    },
  ],
  volumes: [
    { name: 'config', configMap: { name: 'c' } },
    { name: 'scratch', emptyDir: {} },
  ],
};

describe('restrictedViolations', () => {
  it('accepts a pod that meets the restricted standard', () => {
    expect(restrictedViolations(compliant)).toEqual([]);
  });

  it('names every violated control', () => {
    const pod: PodSpecLike = {
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      securityContext: { runAsUser: 0, sysctls: [{ name: 'kernel.msgmax' }] },
      containers: [
        {
          name: 'app',
          securityContext: {
            privileged: true,
            capabilities: { add: ['SYS_ADMIN'] },
            seccompProfile: { type: 'Unconfined' },
            procMount: 'Unmasked',
            seLinuxOptions: { type: 'spc_t' },
          },
          ports: [{ hostPort: 80 }],
        },
      ],
      initContainers: [
        { name: 'init', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true } },
      ],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    };

    expect(restrictedViolations(pod)).toEqual([
      'spec.hostNetwork: must not be true',
      'spec.hostPID: must not be true',
      'spec.hostIPC: must not be true',
      'spec.volumes[0]: type hostPath is not allowed',
      'spec.securityContext.sysctls: kernel.msgmax is not safe',
      'spec.securityContext.runAsUser: must not be 0',
      'spec.containers[app].securityContext.privileged: must not be true',
      'spec.containers[app].securityContext.allowPrivilegeEscalation: must be false',
      "spec.containers[app].securityContext.runAsNonRoot: must be true (here or in the pod's securityContext)",
      'spec.containers[app].securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in the pod), is Unconfined',
      'spec.containers[app].securityContext.capabilities.drop: must include ALL',
      'spec.containers[app].securityContext.capabilities.add: SYS_ADMIN is not allowed',
      'spec.containers[app].securityContext.procMount: must be Default',
      'spec.containers[app].securityContext.seLinuxOptions.type: spc_t is not allowed',
      'spec.containers[app].ports: hostPort 80 is not allowed',
      'spec.initContainers[init].securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in the pod), is undefined',
      'spec.initContainers[init].securityContext.capabilities.drop: must include ALL',
    ]);
  });

  it('lets a container override the pod seccomp profile for the worse', () => {
    const pod: PodSpecLike = {
      ...compliant,
      containers: [
        {
          name: 'app',
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'Unconfined' },
          },
        },
      ],
    };

    expect(restrictedViolations(pod)).toEqual([
      'spec.containers[app].securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in the pod), is Unconfined',
    ]);
  });
});
