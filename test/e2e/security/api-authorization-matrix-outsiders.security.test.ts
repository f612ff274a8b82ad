import { describeApiMatrix } from './api-authorization-matrix.js';

// The API's matrix (api-authorization-matrix.ts), part two: people outside the partner the route
// acts on.
describeApiMatrix("another tenant's partner's roles, a tenant with no partner, an operator", [
  'otherTenant',
  'noPartner',
  'operator',
]);
