import { expect } from 'chai';
import { retryAfterMs } from '../../graph/graph-http.js';

describe('Graph client: Retry-After', () => {
  it('reads seconds (Graph’s form) and HTTP dates; nothing from what it cannot read', () => {
    expect(retryAfterMs('7')).to.equal(7000);
    expect(retryAfterMs(['2'])).to.equal(2000);
    expect(retryAfterMs(undefined)).to.equal(undefined);
    expect(retryAfterMs('soon')).to.equal(undefined);
    expect(retryAfterMs(new Date(0).toUTCString())).to.equal(0);
  });
});
