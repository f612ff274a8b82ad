import fs from 'node:fs';
import { expect } from 'chai';
import { ROLE_MATRIX, ROLES, can, roleMatrixMarkdown } from '../../../domain/partners/roles.js';

describe('role matrix', () => {
  it('gives user management to Global admins only', () => {
    expect(can('users.updateRoles', ['globalAdmin'])).to.equal(true);
    for (const r of ROLES.filter((x) => x !== 'globalAdmin'))
      expect(can('users.updateRoles', [r])).to.equal(false);
  });

  it('keeps Helpdesk agents read-only', () => {
    const writes = Object.keys(ROLE_MATRIX).filter(
      (a) => !a.endsWith('.view') && a !== 'partner.viewStatus'
    );
    for (const a of writes)
      expect(can(a as keyof typeof ROLE_MATRIX, ['helpdeskAgent']), a).to.equal(false);
  });

  it('lets operators, and only operators, review', () => {
    expect(can('enrollment.review', [], true)).to.equal(true);
    expect(can('enrollment.review', [...ROLES], false)).to.equal(false);
  });

  it('is the table the README shows', () => {
    const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).to.include(roleMatrixMarkdown());
  });

  it('renders every action as a README table row', () => {
    const md = roleMatrixMarkdown();
    expect(md.split('\n')).to.have.length(2 + Object.keys(ROLE_MATRIX).length);
    expect(md).to.include('| Grant or remove roles (`users.updateRoles`) | yes |  |  |  |  |');
  });
});
