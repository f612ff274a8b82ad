import { describeApiMatrix } from './api-authorization-matrix.js';

// The API's matrix (api-authorization-matrix.ts), part one: the roles of the partner the route
// acts on, and a user of its tenant with no role.
describeApiMatrix('the roles of the partner it is about, and a user of its tenant with no role', [
  'role',
  'noRole',
]);
