import { describeApiMatrix } from './api-authorization-matrix.js';

// The API's matrix (api-authorization-matrix.ts) in four files run beside each other (one would
// be the run's longest file by far). Part one: the partner's Global admins, Admin agents and
// Sales agents; and the check that every route has a row.
describeApiMatrix(
  'Global admin, Admin agent and Sales agent of the partner it is about',
  (c) => c.kind === 'role' && c.role !== 'helpdeskAgent',
  { checksTheTable: true }
);
