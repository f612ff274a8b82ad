import net from 'node:net';
import { expect } from 'chai';
import { BODY_TIMEOUT_MS } from '../../web/read-body.js';
import { startTestApp, TEST_APP_ID, type TestApp } from '../helpers/test-app.js';

/**
 * Opens a loopback connection that sends headers declaring a 256 KB body, then a few bytes,
 * then stalls. Resolves with the status line it got and when the server closed the socket.
 */
function stall(port: number, token?: string, waitMs = 5_000) {
  return new Promise<{ status?: number; closedAfterMs?: number }>((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]) || undefined;
      socket.destroy();
      resolve({ status, ...(closed ? { closedAfterMs: Date.now() - started } : {}) });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (c) => (data += c.toString('latin1')));
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
    socket.write(
      [
        'POST /api/messages HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${256 * 1024}`,
        ...(token ? [`Authorization: Bearer ${token}`] : []),
        '',
        '{"type":',
      ].join('\r\n')
    );
  });
}

describe('rule: the token is checked before the body, and bodies have a deadline (real server)', function () {
  this.timeout(BODY_TIMEOUT_MS + 30_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp({}, { auth: true });
  });
  after(async () => app?.stop());

  it('answers 60 stalled requests without a token at once with 401 and closes them', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, () => stall(app.app.port)));
    for (const r of results) {
      expect(r.status).to.equal(401);
      expect(r.closedAfterMs, 'socket closed').to.be.a('number').and.below(3_000);
    }
  });

  it('answers a stalled body with a valid token 408 at the deadline and closes it', async () => {
    const token = await app.auth!.channelToken({
      audience: TEST_APP_ID,
      serviceUrl: app.connector.url,
    });
    const r = await stall(app.app.port, token, BODY_TIMEOUT_MS + 5_000);
    expect(r.status).to.equal(408);
    expect(r.closedAfterMs)
      .to.be.a('number')
      .and.below(BODY_TIMEOUT_MS + 3_000);
  });
});
