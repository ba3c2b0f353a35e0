import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type TlsOptions } from 'nats';
import type { NatsAuth, NatsConfig } from './config.js';

/** The nats.js connection options that authenticate and secure a connection as `nats` says. */
export function natsSecurityOptions(nats: NatsConfig): Partial<ConnectionOptions> {
  const wantsTls = nats.tls !== undefined || nats.servers.some((s) => s.startsWith('tls://'));
  // nats.js hands the TLS options to node's tls.connect, which takes `rejectUnauthorized`.
  const tls = {
    ...(nats.tls?.ca !== undefined ? { ca: nats.tls.ca } : {}),
    ...(nats.tls?.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
  } as TlsOptions;
  return { ...authOptions(nats.auth), ...(wantsTls ? { tls } : {}) };
}

function authOptions(auth: NatsAuth): Partial<ConnectionOptions> {
  switch (auth.kind) {
    case 'none':
      return {};
    case 'token':
      return { token: auth.token };
    case 'user-password':
      return { user: auth.user, pass: auth.password };
    case 'nkey':
      return { authenticator: nkeyAuthenticator(auth.seed) };
    case 'creds':
      return { authenticator: credsAuthenticator(auth.creds) };
  }
}
