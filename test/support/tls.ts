import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1, in a temporary directory. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate in PEM: as it is self-signed, it is also the CA that verifies it. */
  readonly pem: string;
  /** Removes the directory. */
  dispose(): void;
}

/** Makes a short-lived self-signed certificate for 127.0.0.1 with `openssl` (on the PATH). */
export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'kfp-events-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return {
    certFile,
    keyFile,
    pem: readFileSync(certFile, 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
