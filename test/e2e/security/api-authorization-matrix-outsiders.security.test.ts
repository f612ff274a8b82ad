import { describeApiMatrix } from './api-authorization-matrix.js';

// The API's matrix (api-authorization-matrix.ts), part four: a user of a tenant with no partner,
// and an operator.
describeApiMatrix(
  'a user of a tenant with no partner, and an operator',
  (c) => c.kind === 'noPartner' || c.kind === 'operator'
);
