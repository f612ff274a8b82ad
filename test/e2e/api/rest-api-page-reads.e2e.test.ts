import { expect } from 'chai';
import { cast, GRANT, outsider, startApiWorld, type ApiWorld } from './api-world.js';

/**
 * A dashboard page costs the database the same few commands whatever its number of rows: the
 * rows' partners and GDAP relationships are read for the page at once, not row by row (a page
 * of 50 was 150 reads; the tab's table took seconds on a provider with 10,000 resellers).
 */
describe('REST API: a page of relationships reads its rows’ partners at once (through the real server)', function () {
  this.timeout(120_000);
  let w: ApiWorld;
  const commands: string[] = [];

  before(async () => {
    w = await startApiWorld({}, { monitorCommands: true });
    w.app.app.db.connection
      .getClient()
      .on('commandStarted', (e: { commandName: string; command: Record<string, unknown> }) => {
        // The reads a row's view needs; the workers' own commands run beside the call.
        const collection = String(e.command[e.commandName]);
        if (['partners', 'gdapLinks', 'graphConnections'].includes(collection))
          commands.push(`${e.commandName} ${collection}`);
      });
    // The provider's resellers: Contoso and 24 more, each asking and authorized.
    for (const who of [
      cast.reseller,
      ...Array.from({ length: 24 }, (_, i) => outsider(10 + i, `R${i}`, `Reseller ${i}`)),
    ]) {
      if (who !== cast.reseller)
        await w.approvedPartner('reseller', who, { legalName: who.organization });
      const asked = await w.service.request(w.actor(who), w.provider.id, GRANT, true);
      await w.service.authorize(w.actor(cast.provider), asked.id, true);
    }
    // What the authorizations owe (notices, GDAP's records) done before anything is counted.
    await w.drained(20_000);
  });
  after(async () => {
    await w?.stop();
  });

  async function readsOfPage(pageSize: number): Promise<string[]> {
    const provider = w.as(cast.provider);
    await provider.get('/me'); // signed in before counting
    const from = commands.length;
    const res = await provider.get(`/relationships?state=active&pageSize=${pageSize}`);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.items).to.have.length(pageSize);
    return commands.slice(from);
  }

  /**
   * The fewest reads of three calls: the workers' sweeps (GDAP's sync reads partners and links)
   * may land inside one call and only ever add to it.
   */
  async function fewestReads(pageSize: number): Promise<string[]> {
    const tries = [];
    for (let i = 0; i < 3; i++) tries.push(await readsOfPage(pageSize));
    return tries.reduce((a, b) => (b.length < a.length ? b : a));
  }

  it('reads the rows’ partners and GDAP with no more commands for 25 rows than for 2', async () => {
    const two = await fewestReads(2);
    const many = await fewestReads(25);
    expect(many.length, `2 rows: ${two.join(', ')}\n25 rows: ${many.join(', ')}`).to.be.at.most(
      two.length
    );
  });
});
