import { describeMatrix } from './authorization-matrix.js';

// The matrix (authorization-matrix.ts), part one: the roles of the partner the action is about.
describeMatrix('the roles of the partner it is about, and a user of its tenant with no role', [
  'role',
  'noRole',
]);
