import { expect } from 'chai';
import { cast, startApiWorld, type ApiWorld } from '../e2e/api/api-world.js';
import { MAX_BULK_CSV_BYTES } from '../../bot/features/api/bulk-invitations.schemas.js';
import { MAX_BULK_ROWS } from '../../domain/invitations/bulk-csv.js';
import { eventually } from '../e2e/relationships/relationships-world.js';
import { BULK_LANES } from '../../domain/invitations/bulk-invitation.service.js';

/**
 * Hostile bulk uploads: a file past the size limit is a 413 before it is parsed, one with too
 * many rows a localized 400; nothing of either is stored. Cells a spreadsheet would run as a
 * formula come back in the result file as text. A read API key uploads nothing; a read-write
 * key invites as its partner and sees its own job's codes; revoked, it stops its running job
 * at once (the background driver acts as the key, so the key is checked before each row).
 */
describe('security: bulk CSV uploads are bounded, keyed to their partner, and their result file runs no formulas', function () {
  let w: ApiWorld;

  before(async () => {
    w = await startApiWorld();
  });
  after(async () => {
    await w?.stop();
  });

  /** A job once its background driver settled every row, as `token` sees it. */
  const finished = async (jobId: string, token: string) =>
    (
      await eventually(async () => {
        const res = await w.call('GET', `/invitations/bulk/${jobId}`, { token });
        return res.body.done === true && res;
      }, `bulk job ${jobId} done`)
    ).body;

  const stored = async () => ({
    jobs: await w.collection('bulk_invitation_jobs').countDocuments({}),
    invitations: await w.collection('invitations').countDocuments({}),
  });

  it('refuses a file past the size limit with 413 and one with too many rows with a reason', async () => {
    const before = await stored();
    const huge = 'company\n' + 'Big Company Name Here\n'.repeat(MAX_BULK_CSV_BYTES / 20);
    const big = await w.as(cast.reseller).post('/invitations/bulk/csv?dryRun=false', { csv: huge });
    expect(big.status).to.equal(413);
    const raw = await fetch(`${w.base}/invitations/bulk/csv?dryRun=false`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await w.tokenOf(cast.reseller)}`,
        'Content-Type': 'text/csv',
      },
      body: huge,
    });
    expect(raw.status).to.equal(413);
    const many = 'company\n' + 'Co\n'.repeat(MAX_BULK_ROWS + 1);
    const rows = await w
      .as(cast.reseller)
      .post('/invitations/bulk/csv?dryRun=false', { csv: many }, { 'Accept-Language': 'ru' });
    expect(rows.status).to.equal(400);
    expect(rows.body.key).to.equal('bulk:errors.tooManyRows');
    expect(rows.body.title).to.include(String(MAX_BULK_ROWS));
    expect(rows.body.title).to.match(/разделите/);
    expect(await stored()).to.deep.equal(before);
  });

  it('puts formula-like cells in the result file as text', async () => {
    const csv = 'company\n"=HYPERLINK(""http://evil.example"",""x"")"\n+SUM(A1)\n@cmd\n';
    const run = await w.as(cast.reseller).post('/invitations/bulk/csv?dryRun=false', { csv });
    const done = await finished(run.body.jobId as string, await w.tokenOf(cast.reseller));
    expect(done.counts).to.deep.equal({ created: 3 });
    const file = await w.as(cast.reseller).get(`/invitations/bulk/${run.body.jobId as string}.csv`);
    const cells = file.text
      .split('\r\n')
      .slice(1, 4)
      .map((line) => line.match(/^\d+,("(?:[^"]|"")*"|[^,]*)/)![1]);
    expect(cells).to.deep.equal([
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      `'+SUM(A1)`,
      `'@cmd`,
    ]);
  });

  it('lets a read key upload nothing and a read-write key invite as its partner', async () => {
    const admin = w.as(cast.reseller);
    const read = (await admin.post('/api-keys', { name: 'Reader', scope: 'read' })).body.key;
    const write = (await admin.post('/api-keys', { name: 'Writer', scope: 'read-write' })).body.key;
    const csv = 'company\nKeyed Co\n';
    const before = await stored();
    const refused = await w.call('POST', '/invitations/bulk/csv?dryRun=false', {
      token: read,
      body: { csv },
    });
    expect(refused.status).to.equal(403);
    expect(await stored()).to.deep.equal(before);
    const run = await w.call('POST', '/invitations/bulk/csv?dryRun=false', {
      token: write,
      body: { csv },
    });
    expect(run.status, run.text).to.equal(202);
    // Done in the background as the key: its roles, its partner.
    const done = await finished(run.body.jobId as string, write);
    expect(done.rows[0]).to.include({ state: 'created' });
    expect(done.rows[0].code).to.match(/^C/);
    const made = await w.collection('invitations').findOne({ 'customer.companyName': 'Keyed Co' });
    expect(made!.partnerRef).to.equal(w.reseller.id);
    // The person who made the key is not its uploader: the job's codes stay with the key.
    const seen = await admin.get(`/invitations/bulk/${run.body.jobId as string}`);
    expect(seen.body.rows[0]).to.include({ state: 'created', code: null });
  });

  it('stops a running job at once when the API key that uploaded it is revoked', async () => {
    const admin = w.as(cast.reseller);
    const created = (await admin.post('/api-keys', { name: 'Batch', scope: 'read-write' })).body;
    const companies = Array.from({ length: 10 }, (_, i) => `Revoked Key Co ${i + 1}`);
    const bulk = w.app.app.modules.api.bulk;
    let reached!: () => void;
    const atFirst = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The rows in flight wait after their invitation is made while the key is revoked.
    bulk.afterCreate = async () => {
      reached();
      await gate;
    };
    let jobId: string;
    try {
      const run = await w.call('POST', '/invitations/bulk/csv?dryRun=false', {
        token: created.key,
        body: { csv: `company\n${companies.join('\n')}\n` },
      });
      expect(run.status, run.text).to.equal(202);
      jobId = run.body.jobId as string;
      await atFirst;
      const revoked = await w.call('DELETE', `/api-keys/${created.id as string}`, {
        token: await w.tokenOf(cast.reseller),
      });
      expect(revoked.status, revoked.text).to.equal(200);
    } finally {
      release();
      delete bulk.afterCreate;
    }
    const done = await finished(jobId, await w.tokenOf(cast.reseller));
    const made = await w
      .collection('invitations')
      .countDocuments({ 'customer.companyName': /^Revoked Key Co / });
    // Only the rows already in flight when it was revoked; every later one refused.
    expect(done.counts.created).to.equal(made);
    expect(made).to.be.within(1, BULK_LANES);
    expect(done.counts.failed).to.equal(companies.length - made);
    const failed = (done.rows as { state: string; reasonKey: string }[]).filter(
      (r) => r.state === 'failed'
    );
    expect(new Set(failed.map((r) => r.reasonKey))).to.deep.equal(
      new Set(['bulk:reasons.keyRevoked'])
    );
  });
});
