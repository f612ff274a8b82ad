import { expect } from 'chai';
import { restartDelayMs, STABLE_AFTER_MS } from '../../server/restart-delay.js';

describe('restartDelayMs (how soon the supervisor restarts a dead process)', () => {
  it('restarts at once after a first crash', () => {
    expect(restartDelayMs(0, 1_000)).to.deep.equal({ crashes: 1, delayMs: 0 });
  });

  it('backs off 1 s, 2 s, 4 s... up to 30 s while the process keeps dying soon after its start', () => {
    const delays: number[] = [];
    let crashes = 0;
    for (let i = 0; i < 9; i++) {
      const next = restartDelayMs(crashes, 500);
      crashes = next.crashes;
      delays.push(next.delayMs);
    }
    expect(delays).to.deep.equal([0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('counts a crash after a stable run as a first one again', () => {
    expect(restartDelayMs(7, STABLE_AFTER_MS)).to.deep.equal({ crashes: 1, delayMs: 0 });
    expect(restartDelayMs(7, STABLE_AFTER_MS - 1).delayMs).to.equal(30_000);
  });
});
