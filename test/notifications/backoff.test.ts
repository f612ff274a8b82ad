import { expect } from 'chai';
import { parseRetryAfter, retryDelayMs } from '../../notifications/backoff.js';
import { SendTimeoutError, classifyFailure } from '../../notifications/delivery-failure.js';

const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('retry backoff', () => {
  it('doubles the delay per attempt, with jitter between half and all of it', () => {
    expect(retryDelayMs(1, policy, () => 0)).to.equal(500);
    expect(retryDelayMs(1, policy, () => 1)).to.equal(1000);
    expect(retryDelayMs(3, policy, () => 0)).to.equal(2000);
    expect(retryDelayMs(3, policy, () => 1)).to.equal(4000);
  });

  it('never exceeds the maximum delay', () => {
    expect(retryDelayMs(30, policy, () => 1)).to.equal(60_000);
  });

  it('spreads retries of a burst instead of retrying them all at once', () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(4, policy, random)));
    expect(delays.size).to.be.greaterThan(15);
  });

  it('never retries before Retry-After', () => {
    expect(retryDelayMs(1, policy, () => 0, 7000)).to.equal(7000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).to.equal(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).to.equal(10_000);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(undefined, now)).to.equal(undefined);
  });
});

describe('classifyFailure', () => {
  const restError = (statusCode: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error('boom'), {
      statusCode,
      response: { headers: new Map(Object.entries(headers)) },
    });

  it('retries throttling and server errors, with the Retry-After given', () => {
    expect(classifyFailure(restError(429, { 'retry-after': '2' }), 0)).to.deep.include({
      kind: 'transient',
      status: 429,
      retryAfterMs: 2000,
    });
    for (const status of [412, 500, 502, 503, 504])
      expect(classifyFailure(restError(status), 0).kind).to.equal('transient');
    expect(classifyFailure(new SendTimeoutError(10), 0).kind).to.equal('transient');
    expect(
      classifyFailure(Object.assign(new Error('socket'), { code: 'ECONNRESET' }), 0).kind
    ).to.equal('transient');
  });

  it('treats 403 and 404 as the conversation being gone', () => {
    expect(classifyFailure(restError(403), 0).kind).to.equal('gone');
    expect(classifyFailure(restError(404), 0).kind).to.equal('gone');
  });

  it('gives up at once on a message the service refuses as bad', () => {
    expect(classifyFailure(restError(400), 0).kind).to.equal('permanent');
  });
});
