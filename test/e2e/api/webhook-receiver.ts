import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A webhook receiver on 127.0.0.1: records every request, answers with what `answer` says
 * (a status, or `hang` to never answer: the sender's timeout must cut it), given the request's
 * number and the request itself.
 */
export async function startReceiver(
  answer: (n: number, got: ReceivedHook) => number | 'hang' = () => 200
) {
  const received: ReceivedHook[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = {
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(got);
      const what = answer(received.length, got);
      if (what === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(what, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** The requests carrying an event of this type. */
    of: (type: string) =>
      received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
