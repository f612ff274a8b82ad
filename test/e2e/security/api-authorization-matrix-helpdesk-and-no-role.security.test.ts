import { describeApiMatrix } from './api-authorization-matrix.js';

// The API's matrix (api-authorization-matrix.ts), part two: the partner's Helpdesk agents and a
// user of its tenant with no role.
describeApiMatrix(
  'Helpdesk agent of the partner it is about, and a user of its tenant with no role',
  (c) => (c.kind === 'role' && c.role === 'helpdeskAgent') || c.kind === 'noRole'
);
