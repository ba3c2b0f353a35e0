/**
 * The HTTP floor: a bare Node server that reads and parses each `POST /events` body and answers 202
 * without publishing: what any HTTP ingest costs before it does its work. Port in `BENCH_HTTP_PORT`.
 */
import { createServer } from 'node:http';

const port = Number(process.env.BENCH_HTTP_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error(
    `http-floor-server needs BENCH_HTTP_PORT, got ${JSON.stringify(process.env.BENCH_HTTP_PORT)}`,
  );
  process.exit(2);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') {
    res.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(202).end();
    } catch {
      res.writeHead(400).end('body is not JSON');
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
