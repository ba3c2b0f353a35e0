import { createServer, type Server } from 'node:http';
import { closeServer, listen } from './http.js';
import type { PublisherMetrics } from './metrics.js';

/** Options of {@link HealthServer}. */
export interface HealthServerOptions {
  readonly metrics: PublisherMetrics;
  /** Whether the process should get traffic: connected to the bus and not shutting down. */
  readonly ready: () => boolean;
}

/**
 * Serves `/healthz` (the process is alive: always 200), `/readyz` (200 while `ready()`, else 503) and
 * `/metrics` (Prometheus text) on the health port.
 */
export class HealthServer {
  private readonly server: Server;

  public constructor(options: HealthServerOptions) {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
        return;
      }
      switch (path) {
        case '/healthz':
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
          return;
        case '/readyz': {
          const ready = options.ready();
          res
            .writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' })
            .end(ready ? 'ready\n' : 'not ready\n');
          return;
        }
        case '/metrics':
          options.metrics.registry.metrics().then(
            (text) => res.writeHead(200, { 'Content-Type': options.metrics.registry.contentType }).end(text),
            (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${String(err)}\n`),
          );
          return;
        default:
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      }
    });
  }

  /** Starts listening; resolves with the bound port. */
  public listen(port: number, host?: string): Promise<number> {
    return listen(this.server, port, host);
  }

  /** Stops listening. */
  public close(): Promise<void> {
    return closeServer(this.server);
  }
}
