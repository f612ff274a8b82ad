import { expect } from 'chai';
import { BULK_ROW_LEASE_MS } from '../../../domain/invitations/bulk-invitation.service.js';
import { cast, FAST_BULK, startApiWorld, type ApiWorld } from './api-world.js';
import { eventually } from '../relationships/relationships-world.js';

interface Row {
  row: number;
  to: string;
  state: string;
  reasonKey: string | null;
  reason: string | null;
  invitationId: string | null;
  link: string | null;
  code: string | null;
}

/**
 * Bulk invitations from a CSV through the real server (open mode): the dry run's reasons per
 * row, Excel's `;`, BOM and quotes, the run through the same services as one invitation, the
 * same file again creating nothing, the run answered at once (202) and done in the background,
 * a run that died midway resumed without doubles, the result file, and who may upload.
 */
describe('REST API: bulk invitations from a CSV', function () {
  let w: ApiWorld;

  before(async () => {
    w = await startApiWorld({}, { bulk: FAST_BULK });
    const invitations = w.app.app.modules.invitations.service;
    await invitations.inviteCustomer(w.actor(cast.reseller), { companyName: 'Tailspin Toys' });
    // A customer already linked: it accepted an invitation by its code.
    const linked = await invitations.inviteCustomer(w.actor(cast.reseller), {
      companyName: 'Linked Co',
    });
    const customer = w.actor(cast.customer);
    const opened = await invitations.open(customer, linked.secrets.code);
    await invitations.accept(customer, opened.invitation.id);
  });
  after(async () => {
    await w?.stop();
  });

  const upload = (who = cast.reseller, csv: string, dryRun = true, lang = 'en') =>
    w.as(who).post(`/invitations/bulk/csv?dryRun=${dryRun}`, { csv }, { 'Accept-Language': lang });
  const job = (jobId: string, who = cast.reseller) => w.as(who).get(`/invitations/bulk/${jobId}`);
  /** The job once its background driver has settled every row. */
  const finished = async (jobId: string, who = cast.reseller) =>
    (
      await eventually(async () => {
        const res = await job(jobId, who);
        return res.body.done === true && res;
      }, `bulk job ${jobId} done`)
    ).body;
  const pendingCompanies = async () =>
    (await w.collection('invitations').find({ state: 'pending' }).toArray()).map(
      (i) => (i.customer as { companyName: string }).companyName
    );

  it("checks each row of Excel's Russian CSV (BOM, ;, quotes) with a reason, creating nothing", async () => {
    const before = await pendingCompanies();
    const csv =
      '\uFEFFКомпания;Адрес администратора;Заметка;Поставщик\r\n' +
      '"Contoso; Ltd";admin@contoso.example;"Said ""hi"""\r\n' +
      'Fabrikam;not-an-email;\r\n' +
      '"contoso;  ltd";;dup\r\n' +
      'tailspin toys;;\r\n' +
      'Wide World Importers;;;7999999\r\n' +
      'LINKED CO;;\r\n';
    const res = await upload(cast.reseller, csv, true, 'ru');
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ jobId: null, kind: 'customer', dryRun: true });
    const rows = res.body.rows as Row[];
    expect(rows.map((r) => [r.row, r.to, r.state, r.reasonKey])).to.deep.equal([
      [2, 'Contoso; Ltd', 'ok', null],
      [3, 'Fabrikam', 'refused', 'invitations:errors.email'],
      [4, 'contoso;  ltd', 'refused', 'bulk:reasons.duplicate'],
      [5, 'tailspin toys', 'refused', 'bulk:reasons.alreadyInvited'],
      [6, 'Wide World Importers', 'refused', 'bulk:reasons.noProvider'],
      [7, 'LINKED CO', 'refused', 'bulk:reasons.alreadyLinked'],
    ]);
    expect(rows[2]!.reason).to.equal('Совпадает со строкой 2 этого файла.');
    expect(rows[3]!.reason).to.match(/^Уже приглашён/);
    expect(await pendingCompanies()).to.deep.equal(before);
  });

  it('takes the file itself as text/csv too (as curl --data-binary sends it)', async () => {
    const res = await fetch(`${w.base}/invitations/bulk/csv`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await w.tokenOf(cast.reseller)}`,
        'Content-Type': 'text/csv; charset=utf-8',
      },
      body: '\uFEFFcompany;admin email\r\n"Raw; Co";raw@raw.example\r\n',
    });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { rows: Row[] };
    expect(body.rows.map((r) => [r.to, r.state])).to.deep.equal([['Raw; Co', 'ok']]);
  });

  it('runs a file through the same service (mails sent); the same file again creates none', async () => {
    const csv =
      'company,admin email,note\n' +
      'Northwind,admin@northwind.example,\n' +
      'Adatum,,first\n' +
      'Bad,nope,\n';
    const first = await upload(cast.reseller, csv, false);
    // Answered at once with the job: its rows are the background driver's.
    expect(first.status, first.text).to.equal(202);
    expect(first.headers.get('location')).to.equal(`/api/v1/invitations/bulk/${first.body.jobId}`);
    expect(first.body).to.include({ state: 'running', done: false });
    expect(first.body.counts.refused).to.equal(1);
    const done = await finished(first.body.jobId as string);
    const rows = done.rows as Row[];
    expect(done.counts).to.deep.equal({ created: 2, refused: 1 });
    expect(done.state).to.equal('done');
    expect(rows[0]!.link).to.match(/\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(rows[0]!.code).to.match(/^C/);
    await w.drained();
    expect(w.mailsTo('admin@northwind.example')).to.have.length(1);

    const again = await upload(cast.reseller, csv, false);
    expect(again.status, 'nothing left to do').to.equal(200);
    expect(again.body.jobId).to.equal(first.body.jobId);
    expect((again.body.rows as Row[]).map((r) => r.invitationId)).to.deep.equal(
      rows.map((r) => r.invitationId)
    );
    const companies = await pendingCompanies();
    expect(companies.filter((c) => c === 'Northwind' || c === 'Adatum')).to.have.length(2);

    const progress = await w.as(cast.reseller).get(`/invitations/bulk/${first.body.jobId}`);
    expect(progress.body.counts).to.deep.equal({ created: 2, refused: 1 });
  });

  it('resumes a run that died between rows without inviting anyone twice', async () => {
    const bulk = w.app.app.modules.api.bulk;
    const csv = 'company\nAlpha One\nAlpha Two\nAlpha Three\nAlpha Four\n';
    // The run "dies" right after row 3's invitation exists, before its row is settled.
    bulk.afterCreate = (row) => {
      if (row === 3) throw new Error('simulated crash');
    };
    let jobId: string;
    try {
      const started = await upload(cast.reseller, csv, false);
      expect(started.status, started.text).to.equal(202);
      jobId = started.body.jobId as string;
      // Its other rows are done (the sweep takes the job up again); row 3 stays started.
      await eventually(
        async () => (await job(jobId)).body.counts.created === 3,
        'the rows but row 3'
      );
    } finally {
      delete bulk.afterCreate;
    }
    const rows = await w
      .collection('bulk_invitation_rows')
      .find({ jobId })
      .sort({ index: 1 })
      .toArray();
    expect(rows.map((r) => r.state)).to.deep.equal(['created', 'started', 'created', 'created']);
    const progress = await job(jobId);
    expect(progress.body).to.include({ done: false, state: 'running' });

    // Within the lease the started row may be another run's, still going: left alone.
    const early = await w.as(cast.reseller).post(`/invitations/bulk/${jobId}/resume`);
    expect(early.status, early.text).to.equal(202);
    expect(early.body.rows[1]).to.include({ state: 'started' });
    // After it, the next upload takes it up: its invitation is found, not made again.
    w.advance(BULK_ROW_LEASE_MS);
    const resumed = await upload(cast.reseller, csv, false);
    expect(resumed.body.jobId).to.equal(jobId);
    const done = await finished(jobId);
    expect((done.rows as Row[]).map((r) => r.state)).to.deep.equal([
      'created',
      'created',
      'created',
      'created',
    ]);
    const alphas = (await pendingCompanies()).filter((c) => c.startsWith('Alpha')).sort();
    expect(alphas).to.deep.equal(['Alpha Four', 'Alpha One', 'Alpha Three', 'Alpha Two']);
  });

  it('after a crash, counts a row whose invitation was accepted meanwhile as created, not inviting again', async () => {
    const bulk = w.app.app.modules.api.bulk;
    const csv = 'company,admin email\nBeta Accepted,admin@beta.example\n';
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    bulk.afterCreate = () => {
      crashed();
      throw new Error('simulated crash');
    };
    let jobId: string;
    try {
      jobId = (await upload(cast.reseller, csv, false)).body.jobId as string;
      await crash;
    } finally {
      delete bulk.afterCreate;
    }
    // The customer got the mail and accepted before anyone resumed the run.
    await w.drained();
    const token = /\/invitations\/([A-Za-z0-9_-]{43})/.exec(
      w.mailsTo('admin@beta.example')[0] ?? ''
    )?.[1];
    expect(token, 'the invitation mail').to.be.a('string');
    const invitations = w.app.app.modules.invitations.service;
    const customer = w.actor(cast.customer);
    const opened = await invitations.open(customer, token!);
    await invitations.accept(customer, opened.invitation.id);

    w.advance(BULK_ROW_LEASE_MS);
    // The background sweep takes the row up once its lease ran out: nobody uploads again.
    const resumed = await finished(jobId);
    expect(resumed.rows[0]).to.include({
      state: 'created',
      invitationId: opened.invitation.id,
    });
    const all = await w
      .collection('invitations')
      .find({ 'customer.companyName': 'Beta Accepted' })
      .toArray();
    expect(all.map((i) => i.state)).to.deep.equal(['accepted']);
  });

  it('after a crash, counts a reseller row whose invitation was revoked meanwhile as created, not inviting again', async () => {
    const bulk = w.app.app.modules.api.bulk;
    const csv = 'email,roles\nrevoked@fourthcoffee.example,globalReader\n';
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    bulk.afterCreate = () => {
      crashed();
      throw new Error('simulated crash');
    };
    let jobId: string;
    try {
      jobId = (await upload(cast.provider, csv, false)).body.jobId as string;
      await crash;
    } finally {
      delete bulk.afterCreate;
    }
    // The provider took the invitation back before anyone resumed the run.
    const sent = await w
      .collection('resellerInvitations')
      .findOne({ email: 'revoked@fourthcoffee.example' });
    const revoked = await w
      .as(cast.provider)
      .post(`/invitations/${String(sent!._id)}/revoke?kind=reseller`);
    expect(revoked.status, revoked.text).to.equal(200);

    w.advance(BULK_ROW_LEASE_MS);
    const resumed = await finished(jobId, cast.provider);
    expect(resumed.rows[0]).to.include({ state: 'created', invitationId: String(sent!._id) });
    const all = await w
      .collection('resellerInvitations')
      .find({ email: 'revoked@fourthcoffee.example' })
      .toArray();
    expect(all.map((i) => i.state)).to.deep.equal(['revoked']);
  });

  it('gives the result file; the link and code only to the uploader', async () => {
    const csv = 'company,admin email\nResult Co,\n';
    const run = await upload(cast.reseller, csv, false);
    const jobId = run.body.jobId as string;
    await finished(jobId);
    const mine = await w.as(cast.reseller).get(`/invitations/bulk/${jobId}.csv`);
    expect(mine.status).to.equal(200);
    expect(mine.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = mine.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).to.equal('Row,To,Outcome,Reason,Invitation,Link,Code');
    expect(lines[1]).to.match(/^2,Result Co,created,,[0-9a-f]{24},http\S+\/invitations\/\S+,C/);
    // A colleague who may invite sees the outcome, not the secrets.
    const theirs = await w.as(cast.resellerSales).get(`/invitations/bulk/${jobId}`);
    expect(theirs.status).to.equal(200);
    expect(theirs.body.rows[0]).to.include({ state: 'created', link: null, code: null });
  });

  it("gives a colleague who uploads the same file the partner's job: nothing again, outcomes without secrets, and a note whose they are", async () => {
    const csv = 'company\nShared One\nShared Two\n';
    const mine = await upload(cast.reseller, csv, false);
    const jobId = mine.body.jobId as string;
    const done = await finished(jobId);
    const invited = await w.collection('invitations').countDocuments({});

    const theirs = await upload(cast.resellerSales, csv, false, 'ru');
    expect(theirs.status, theirs.text).to.equal(200);
    expect(theirs.body.jobId).to.equal(jobId);
    expect(theirs.body.uploadedBy).to.deep.equal({ name: cast.reseller.name, you: false });
    expect(
      (theirs.body.rows as Row[]).map((r) => [r.state, r.invitationId, r.link, r.code])
    ).to.deep.equal((done.rows as Row[]).map((r) => ['created', r.invitationId, null, null]));
    expect(theirs.body.note)
      .to.include(cast.reseller.name)
      .and.match(/Отправить повторно/);
    expect(await w.collection('invitations').countDocuments({})).to.equal(invited);

    // The uploader still sees the links and codes, and no note.
    const again = await job(jobId);
    expect(again.body.uploadedBy).to.deep.equal({ name: cast.reseller.name, you: true });
    expect(again.body.note).to.equal(null);
    expect(again.body.rows[0].code).to.match(/^C/);
  });

  it('lets a provider invite resellers from a file (email, PartnerID, roles, duration)', async () => {
    const csv =
      'email;PartnerID;roles;duration days\n' +
      'ops@litware.example;;globalReader;365\n' +
      'sales@litware.example;;noSuchRole;365\n' +
      'OPS@litware.example;;globalReader;30\n';
    const dry = await upload(cast.provider, csv, true);
    expect(dry.status, dry.text).to.equal(200);
    expect((dry.body.rows as Row[]).map((r) => r.state)).to.deep.equal([
      'ok',
      'refused',
      'refused',
    ]);
    expect(dry.body.rows[2].reasonKey).to.equal('bulk:reasons.duplicate');
    const run = await upload(cast.provider, csv, false);
    const done = await finished(run.body.jobId as string, cast.provider);
    expect(done.counts).to.deep.equal({ created: 1, refused: 2 });
    expect(done.rows[0].link).to.match(/\/relationships\//);
    await w.drained();
    expect(w.mailsTo('ops@litware.example')).to.have.length(1);
    const again = await upload(
      cast.provider,
      'email,roles\nops@litware.example,globalReader\n',
      true
    );
    expect(again.body.rows[0].reasonKey).to.equal('bulk:reasons.alreadyInvited');
  });

  it('refuses a caller without the invite role, and a job of another partner', async () => {
    const csv = 'company\nNobody Inc\n';
    const customer = await upload(cast.customer, csv, false);
    expect(customer.status).to.be.oneOf([403, 404]);
    const run = await upload(cast.reseller, 'company\nOwn Co\n', false);
    const other = await w.as(cast.provider).get(`/invitations/bulk/${run.body.jobId as string}`);
    expect(other.status).to.equal(404);
    // The role matrix as for one invitation: a Helpdesk agent may not invite customers, and a
    // provider's Sales agent may not invite resellers.
    await w.setRoles(cast.reseller, cast.resellerSales, ['helpdeskAgent']);
    const helpdesk = await upload(cast.resellerSales, csv, false);
    expect(helpdesk.status).to.equal(403);
    expect(helpdesk.body.key).to.equal('enrollment:errors.roleRequired');
    const peek = await w
      .as(cast.resellerSales)
      .get(`/invitations/bulk/${run.body.jobId as string}`);
    expect(peek.status).to.equal(403);
    await w.setRoles(cast.provider, cast.providerAgent, ['salesAgent']);
    const sales = await upload(cast.providerAgent, 'email,roles\nx@y.example,globalReader\n');
    expect(sales.status).to.equal(403);
    expect(await pendingCompanies()).not.to.include('Nobody Inc');
  });
});
