import { expect } from 'chai';
import {
  API_KEY_SCOPES,
  isApiKeyShaped,
  newApiKeySecret,
  SCOPE_ROLES,
} from '../../../domain/api-keys/api-key.js';
import { ROLE_MATRIX, can, type Action } from '../../../domain/partners/roles.js';

const ACTIONS = Object.keys(ROLE_MATRIX) as Action[];
const writes = ACTIONS.filter((a) => !a.endsWith('.view') && a !== 'partner.viewStatus');

describe('API key scopes under the role matrix', () => {
  it('lets a read key do no write of the matrix, and see what every role sees', () => {
    for (const a of writes) expect(can(a, SCOPE_ROLES.read), a).to.equal(false);
    for (const a of ['partner.viewStatus', 'relationships.view', 'customers.view'] as const) {
      expect(can(a, SCOPE_ROLES.read), a).to.equal(true);
    }
  });

  it("gives a read-write key an Admin agent's actions and no Global admin's", () => {
    for (const a of ACTIONS) {
      expect(can(a, SCOPE_ROLES['read-write']), a).to.equal(can(a, ['adminAgent']));
    }
    for (const scope of API_KEY_SCOPES) {
      for (const a of ['apiKeys.manage', 'users.view', 'users.updateRoles'] as const) {
        expect(can(a, SCOPE_ROLES[scope]), `${scope} ${a}`).to.equal(false);
      }
      expect(SCOPE_ROLES[scope]).to.not.include('globalAdmin');
    }
  });

  it('makes long random keys that say they are keys', () => {
    const a = newApiKeySecret();
    expect(a).to.match(/^pck_[A-Za-z0-9_-]{43}$/);
    expect(newApiKeySecret()).to.not.equal(a);
    expect(isApiKeyShaped(a)).to.equal(true);
    expect(isApiKeyShaped('eyJhbGciOiJSUzI1NiJ9.e30.sig')).to.equal(false);
  });
});
