import { describeMatrix } from './authorization-matrix.js';

// The matrix (authorization-matrix.ts), part two: people outside the partner the action is about.
describeMatrix("another tenant's partner's roles, a tenant with no partner, an operator", [
  'otherTenant',
  'noPartner',
  'operator',
]);
