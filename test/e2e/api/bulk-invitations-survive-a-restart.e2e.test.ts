import { expect } from 'chai';
import { productModules, type ProductModules } from '../../../app-modules.js';
import { BULK_ROW_LEASE_MS } from '../../../domain/invitations/bulk-invitation.service.js';
import { systemClock } from '../../../notifications/clock.js';
import { FAST_WORKER } from '../../../testkit/enrollment-app.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { eventually } from '../relationships/relationships-world.js';
import { cast, FAST_BULK, startApiWorld, type ApiWorld } from './api-world.js';

const ROWS = 40;

/**
 * A bulk run is a background job, not a request: the upload answers 202 at once, and when the
 * process stops mid-job (rows in flight, one invitation made but its row not settled), the next
 * process on the same database takes the job up by itself once the dead driver's lease ran out,
 * without a re-upload, and every row ends with exactly one invitation.
 */
describe('bulk invitations: a run survives its process stopping mid-job (the real server)', function () {
  this.timeout(60_000);
  let w: ApiWorld;
  let next: TestApp<ProductModules> | undefined;
  afterEach(async () => {
    await next?.stop();
    await w?.stop();
  });

  it('answers 202 at once; the next process finishes the job, each row invited exactly once', async () => {
    w = await startApiWorld({}, { bulk: FAST_BULK });
    const companies = Array.from({ length: ROWS }, (_, i) => `Restart Co ${i + 1}`);
    const csv = `company\n${companies.join('\n')}\n`;
    const first = new Set<number>();
    let reached!: () => void;
    const atRow12 = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Process 1 holds every row from 12 on right after its invitation is made (the lanes are
    // mid-row when it stops), and dies on row 12 before settling it.
    w.app.app.modules.api.bulk.afterCreate = async (row) => {
      first.add(row);
      if (row < 12) return;
      reached();
      await gate;
      if (row === 12) throw new Error('the process died here');
    };
    const token = await w.tokenOf(cast.reseller);
    const started = await w.as(cast.reseller).post('/invitations/bulk/csv?dryRun=false', { csv });
    expect(started.status, started.text).to.equal(202);
    expect(started.body).to.include({ state: 'running', done: false });
    const jobId = started.body.jobId as string;
    expect(started.headers.get('location')).to.equal(`/api/v1/invitations/bulk/${jobId}`);

    await atRow12;
    const stopping = w.app.app.stop();
    release();
    await stopping;
    expect(first.has(12)).to.equal(true);
    expect(first.size, 'stopped mid-job').to.be.below(ROWS);

    // The next process, on the same database, its calendar past the row lease: nobody uploads.
    const later = new Date(w.now().getTime() + BULK_ROW_LEASE_MS + 1000);
    const second = new Set<number>();
    next = await startTestApp<ProductModules>(
      { SMTP_URL: w.smtp.url },
      {
        dataDir: w.app.dataDir,
        connector: w.app.connector,
        modules: (ctx) =>
          productModules({ ...ctx, clock: systemClock }, { worker: FAST_WORKER, bulk: FAST_BULK }),
        clock: () => later,
      }
    );
    next.app.modules.api.bulk.afterCreate = (row) => {
      second.add(row);
    };
    const progress = async () => {
      const res = await fetch(`${next!.url}/api/v1/invitations/bulk/${jobId}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return (await res.json()) as { done: boolean; state: string; counts: object };
    };
    const done = await eventually(async () => {
      const p = await progress();
      return p.done && p;
    }, 'the job done by the next process');
    expect(done.state).to.equal('done');
    expect(done.counts).to.deep.equal({ created: ROWS });

    // Each row made once: by the first process or the second, row 12 by the first only.
    expect(second.size, 'the second process did the rest').to.be.above(0);
    expect([...second].filter((r) => first.has(r))).to.deep.equal([]);
    expect(first.size + second.size).to.equal(ROWS);
    const made = await next.app.db.connection
      .collection('invitations')
      .find({ 'customer.companyName': /^Restart Co / })
      .toArray();
    const names = made.map((i) => (i.customer as { companyName: string }).companyName).sort();
    expect(names).to.deep.equal([...companies].sort());
    // The driver marks it done (the sweep leaves it alone from then on).
    const jobs = next.app.db.connection.collection('bulk_invitation_jobs');
    await eventually(
      async () => (await jobs.findOne({ _id: jobId as never }))?.state === 'done',
      'the job marked done'
    );
  });
});
