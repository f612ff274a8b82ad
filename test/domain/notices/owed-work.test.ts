import { expect } from 'chai';
import { OwedWork } from '../../../domain/notices/owed-work.js';
import { testLogger } from '../../../logging/logger.js';

/** A task that records its start and finishes when the test says so. */
function gated(log: string[], name: string) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
    },
    open: () => open(),
  };
}

describe('OwedWork: what a change owes others, done after the answer', () => {
  it("runs one record's tasks in order, one at a time, and others' alongside", async () => {
    const work = new OwedWork(testLogger());
    const log: string[] = [];
    const a1 = gated(log, 'a1');
    const a2 = gated(log, 'a2');
    const b1 = gated(log, 'b1');
    work.defer('a', a1.task);
    work.defer('a', a2.task);
    work.defer('b', b1.task);
    await new Promise((r) => setImmediate(r));
    expect(log).to.deep.equal(['start a1', 'start b1']);
    a2.open();
    b1.open();
    a1.open();
    await work.idle();
    expect(log.filter((l) => l.endsWith('a1') || l.endsWith('a2'))).to.deep.equal([
      'start a1',
      'end a1',
      'start a2',
      'end a2',
    ]);
  });

  it('starts what a request deferred only once its handling has settled', async () => {
    const work = new OwedWork(testLogger());
    const log: string[] = [];
    await work.holdDuring(async () => {
      work.defer('a', async () => void log.push('owed'));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      log.push('answered');
    });
    await work.idle();
    expect(log).to.deep.equal(['answered', 'owed']);
  });

  it('queues at once what a timer started by a finished request defers', async () => {
    const work = new OwedWork(testLogger());
    const log: string[] = [];
    let later!: Promise<void>;
    await work.holdDuring(async () => {
      later = new Promise<void>((r) => setTimeout(r, 1)).then(() => {
        work.defer('a', async () => void log.push('owed'));
      });
    });
    await later;
    await work.idle();
    expect(log).to.deep.equal(['owed']);
  });

  it('keeps going after a failing task, and refuses work past its bound (left to the sweep)', async () => {
    const work = new OwedWork(testLogger(), 2);
    const log: string[] = [];
    expect(work.defer('a', () => Promise.reject(new Error('down')))).to.equal(true);
    expect(work.defer('a', async () => void log.push('next'))).to.equal(true);
    expect(work.defer('b', async () => void log.push('over'))).to.equal(false);
    await work.idle();
    expect(log).to.deep.equal(['next']);
  });

  it('close() waits for queued work; paused work and work after close stay owed', async () => {
    const work = new OwedWork(testLogger());
    const log: string[] = [];
    const a = gated(log, 'a');
    work.defer('a', a.task);
    const closed = work.close(10_000);
    setImmediate(() => a.open());
    await closed;
    expect(log).to.deep.equal(['start a', 'end a']);
    expect(work.defer('b', async () => void log.push('b'))).to.equal(false);

    const paused = new OwedWork(testLogger());
    paused.pause();
    paused.defer('c', async () => void log.push('c'));
    await paused.close(10_000);
    await new Promise((r) => setImmediate(r));
    expect(log).to.not.include('c');
  });
});
