import { expect } from 'chai';
import { createLogger } from '../../logging/logger.js';
import { createWebServer, type WebServer } from '../../web/server.js';

const TOKEN = 'a-metrics-token-of-enough-length';

async function start(metricsToken?: string): Promise<{ web: WebServer; url: string }> {
  const web = createWebServer({
    messages: async (_req, res) => void res.send(200),
    ping: async () => undefined,
    healthContributors: [
      async () => ({ outbox: { backlog: 3, oldestDueAgeSeconds: 42 }, note: 'x' }),
    ],
    logger: createLogger('silent'),
    metricsToken,
  });
  const { url } = await web.listen(0, '127.0.0.1');
  return { web, url };
}

describe('GET /metrics (Prometheus, METRICS_TOKEN)', () => {
  it('answers a scrape with the bearer token, 401 without it', async () => {
    const { web, url } = await start(TOKEN);
    try {
      expect((await fetch(`${url}/metrics`)).status).to.equal(401);
      expect(
        (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status
      ).to.equal(401);
      await fetch(`${url}/healthz`);
      await fetch(`${url}/no-such-page/secret-token-value`);
      const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).to.include('partner_connect_health_value{field="outbox.backlog"} 3');
      expect(text).to.include(
        'partner_connect_health_value{field="outbox.oldestDueAgeSeconds"} 42'
      );
      expect(text).to.match(
        /partner_connect_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/
      );
      // The route pattern is the label, never the URL (which may hold a token).
      expect(text).to.include('route="unmatched",status="404"');
      expect(text).to.not.include('secret-token-value');
      expect(text).to.include('partner_connect_process_resident_memory_bytes');
      expect(text).to.include('partner_connect_nodejs_eventloop_lag_seconds');
    } finally {
      await web.close(1000);
    }
  });

  it('does not exist when METRICS_TOKEN is unset', async () => {
    const { web, url } = await start(undefined);
    try {
      expect((await fetch(`${url}/metrics`)).status).to.equal(404);
    } finally {
      await web.close(1000);
    }
  });
});
