import { expect } from 'chai';
import { stepAfterSave, stepBefore } from '../../../domain/enrollment/enrollment-steps.js';
import { SECTION_IDS } from '../../../domain/partners/partner-profile.js';

describe('enrollment steps: where a draft goes next', () => {
  it('goes through the sections in order, then to the summary', () => {
    const visited = SECTION_IDS.map((step) => stepAfterSave({ step }));
    expect(visited).to.deep.equal([...SECTION_IDS.slice(1), 'summary']);
  });

  it('returns to the summary after a section edited from it, whichever section', () => {
    for (const step of SECTION_IDS)
      expect(stepAfterSave({ step, editing: true })).to.equal('summary');
  });

  it('goes back one section, from the summary to the last one, and nowhere from the first', () => {
    expect(SECTION_IDS.map((step) => stepBefore({ step }))).to.deep.equal([
      null,
      ...SECTION_IDS.slice(0, -1),
    ]);
    expect(stepBefore({ step: 'summary' })).to.equal(SECTION_IDS[SECTION_IDS.length - 1]);
  });

  it('goes back to the summary from an edit, even of the first section', () => {
    expect(stepBefore({ step: SECTION_IDS[0], editing: true })).to.equal('summary');
    expect(stepBefore({ step: 'company', editing: true })).to.equal('summary');
  });
});
