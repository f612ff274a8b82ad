import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  benches,
  renderMarkdown,
  runBenches,
  selectBenches,
  writeReport,
  type Report,
} from '../../bench/runner.js';
import { chromiumInstalled } from '../helpers/playground.js';

/** Every figure is a finite number with a unit; judged ones say their target and whether met. */
function expectWellFormed(report: Report, id: string, names: RegExp[]) {
  const run = report.runs.find((r) => r.id === id)!;
  expect(run.error, `${id} failed to run`).to.equal(undefined);
  const figures = run.result!.figures;
  for (const f of figures) {
    expect(Number.isFinite(f.value), `${f.name} = ${f.value}`).to.equal(true);
    expect(f.unit, f.name).to.be.a('string');
    if (f.baseline)
      expect(Number.isFinite(f.baseline.value), `${f.name}'s baseline`).to.equal(true);
    if (f.target !== undefined) expect(f.met, `${f.name} met`).to.be.a('boolean');
  }
  for (const name of names) {
    expect(
      figures.some((f) => name.test(f.name)),
      `a figure ${name}`
    ).to.equal(true);
  }
}

// Shape, not speed: each bench run tiny, no timing asserted.
describe('product benches (tiny sizes)', function () {
  this.timeout(120_000);
  let report: Report;
  before(async () => {
    report = await runBenches(selectBenches(['turn', 'roundtrips', 'fanout']), {
      users: 20,
      notifications: 60,
      conversations: 20,
    });
  });

  it('turn: status and Authorize at both concurrencies, each against echo', () => {
    expectWellFormed(report, 'turn', [
      /^status turns\/s @1$/,
      /^status turns\/s @50$/,
      /^status ratio to echo @50$/,
      /^status p99 @1$/,
      /^Authorize turns\/s @50$/,
      /^Authorize ratio to echo @1$/,
      /^Authorize CPU per turn @1$/,
      /^Authorize: database commands per click @1/,
      /^one database round trip/,
    ]);
    const turns = report.runs.find((r) => r.id === 'turn')!.result!.figures;
    const ratio = turns.find((f) => f.name === 'status ratio to echo @1')!;
    expect(ratio.target).to.equal('≥ 0.5x');
    for (const f of turns.filter((x) => /errors/.test(x.name))) expect(f.value, f.name).to.equal(0);
  });

  it('roundtrips: commands counted for each kind of turn, and named', () => {
    expectWellFormed(report, 'roundtrips', [/status/, /dialog step/, /Authorize/, /Accept/]);
    const details = report.runs.find((r) => r.id === 'roundtrips')!.result!.details as Record<
      string,
      { commands: string[] }
    >;
    for (const kind of ['command', 'commandEnrolled', 'dialogStep', 'authorize', 'accept']) {
      expect(details[kind].commands.length, kind).to.be.greaterThan(0);
      expect(
        details[kind].commands.every((c) => /^[a-zA-Z]+( \S+)?$/.test(c)),
        kind
      ).to.equal(true);
    }
  });

  it('fanout: everything delivered exactly once, against the lower bound', () => {
    expectWellFormed(report, 'fanout', [/time \/ lower bound/, /429/, /delivered twice/]);
    const figures = report.runs.find((r) => r.id === 'fanout')!.result!.figures;
    expect(figures.find((f) => f.name === 'delivered twice')!.value).to.equal(0);
    expect(figures.find((f) => f.name === 'not delivered')!.value).to.equal(0);
  });

  it('writes report.md and report.json with the machine and every figure', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-'));
    try {
      const { md, json } = writeReport(report, dir);
      const parsed = JSON.parse(fs.readFileSync(json, 'utf8')) as Report;
      expect(parsed.machine.cores).to.be.greaterThan(0);
      expect(parsed.machine.node).to.equal(process.version);
      expect(parsed.runs.map((r) => r.id)).to.deep.equal(['turn', 'roundtrips', 'fanout']);
      const text = fs.readFileSync(md, 'utf8');
      expect(text).to.equal(renderMarkdown(parsed));
      expect(text).to.include(`Node ${process.version}`).and.include('## `fanout`');
      expect(text).to.match(/\| (met|\*\*not met\*\*) \| turn: status ratio to echo @1 \|/);
      // A partial run says which benches and how long; the 10-minute budget is judged on a whole one.
      expect(parsed.complete).to.equal(false);
      expect(text).to.match(/turn, roundtrips, fanout in \d+ s\./);
      expect(text).not.to.include('the whole `npm run bench`');
      const whole = renderMarkdown({ ...parsed, complete: true, totalSeconds: 612 });
      expect(whole).to.include('| **not met** | the whole `npm run bench` | 612 s | < 600 s |');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows every id, keeps the embedded database reachable, and refuses an unknown one', () => {
    expect(benches.map((b) => b.id)).to.deep.equal([
      'turn',
      'roundtrips',
      'fanout',
      'flows',
      'scale',
      'tab',
      'embedded',
    ]);
    expect(() => selectBenches(['nope'])).to.throw(/Unknown bench nope; known: turn, roundtrips/);
  });
});

describe('product benches: whole flows and scale (tiny sizes)', function () {
  this.timeout(300_000);
  let report: Report;
  before(async () => {
    report = await runBenches(selectBenches(['flows', 'scale']), {
      users: 3,
      scalePartners: 1_000,
    });
  });

  it('flows: every step of the three flows timed, each invoke judged against 1 s at p99', () => {
    expectWellFormed(report, 'flows', [
      /^enrollment: total time, 3 at once$/,
      /^enrollment: section terms → next p99$/,
      /^enrollment: verify <code> p50$/,
      /^request \+ Authorize: relationship\.authorize p99$/,
      /^invitation \+ Accept: invitation\.accept p99$/,
    ]);
    const figures = report.runs.find((r) => r.id === 'flows')!.result!.figures;
    for (const f of figures.filter((x) => /failed flows/.test(x.name)))
      expect(f.value, f.name).to.equal(0);
    const judged = figures.filter((f) => f.target !== undefined && /p99/.test(f.name));
    expect(judged.map((f) => f.name.split(': ')[1])).to.deep.equal([
      'relationship.request p99',
      'relationship.authorize p99',
      'invitation.create p99',
      'invitation.accept p99',
    ]);
  });

  it('scale: each query on both sizes, with its plan, and none scans a collection', () => {
    expectWellFormed(report, 'scale', [
      /^directory: .*: large ÷ small$/,
      /^resellers page .*: p50 on 1,000 partners$/,
      /^invitation by code: large ÷ small$/,
      /^bot process RSS after the runs$/,
      /^database process RSS after the runs$/,
    ]);
    const run = report.runs.find((r) => r.id === 'scale')!.result!;
    const plans = (run.details as { plans: Record<string, string[]> }).plans;
    expect(Object.keys(plans)).to.have.length.greaterThan(10);
    for (const [name, p] of Object.entries(plans)) {
      expect(p.length, name).to.be.greaterThan(0);
      expect(p.join(' '), name)
        .to.match(/IXSCAN|IDHACK/)
        .and.not.match(/COLLSCAN/);
    }
    expect(run.figures.find((f) => /collection scan/.test(f.name))!.value).to.equal(0);
  });
});

describe('product benches: the tab (tiny sizes)', function () {
  this.timeout(180_000);
  let report: Report;
  before(async () => {
    report = await runBenches(selectBenches(['tab']), { users: 30 });
  });

  it('tab: the table page against /healthz, the whole export streamed with memory, and first paint where Chromium is', () => {
    expectWellFormed(report, 'tab', [
      /^table page \(sort \+ search \+ state, 50 rows\) p99 @4$/,
      /^table page p99 @1$/,
      /^CSV export of [\d,]+ rows: time$/,
      /^bot process RSS growth during the export/,
    ]);
    const run = report.runs.find((r) => r.id === 'tab')!.result!;
    const page = run.figures.find((f) => /p99 @4$/.test(f.name))!;
    expect(page.baseline?.name).to.equal('/healthz p99 @4');
    expect(page.target).to.equal('< 150 ms');
    expect(run.figures.find((f) => f.name === 'table page errors')!.value).to.equal(0);
    // Every reseller seeded is the signed-in provider's, and every one of them is exported.
    const details = run.details as { providerRelationships: number; exportedRows: number };
    expect(details.providerRelationships).to.be.at.least(30);
    expect(details.exportedRows).to.equal(details.providerRelationships);
    const paint = run.figures.find((f) => /^tab first paint: .* median$/.test(f.name));
    if (chromiumInstalled()) expect(paint?.target).to.equal('< 1.5 s');
    else expect(run.notes.join(' ')).to.match(/First paint not measured: Chromium/);
  });
});
