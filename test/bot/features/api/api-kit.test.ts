import { expect } from 'chai';
import { allPages, EXPORT_PAGE } from '../../../../bot/features/api/api-kit.js';

describe('api kit: allPages', () => {
  /** A list of `total` numbered rows, answered page by page, recording what was asked. */
  const pagedList = (total: number) => {
    const asked: [number, number][] = [];
    const read = async (page: number, pageSize: number) => {
      asked.push([page, pageSize]);
      const from = page * pageSize;
      const items = Array.from(
        { length: Math.max(0, Math.min(pageSize, total - from)) },
        (_, i) => from + i
      );
      return { items, total };
    };
    return { asked, read };
  };

  it('reads the first page before it returns, and the rest as the rows are taken', async () => {
    const list = pagedList(EXPORT_PAGE * 2 + 50);
    const rows = await allPages(list.read);
    expect(list.asked).to.deep.equal([[0, EXPORT_PAGE]]);
    const all: number[] = [];
    for await (const row of rows) all.push(row);
    expect(all).to.deep.equal(Array.from({ length: EXPORT_PAGE * 2 + 50 }, (_, i) => i));
    expect(list.asked).to.deep.equal([
      [0, EXPORT_PAGE],
      [1, EXPORT_PAGE],
      [2, EXPORT_PAGE],
    ]);
  });

  it('lets a refusal of the first page out before any row is written', async () => {
    const refused = new Error('refused');
    let caught: unknown;
    try {
      await allPages(() => Promise.reject(refused));
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(refused);
  });
});
