import { describeReplays } from './authorization-matrix.js';

// The matrix's state-changing verbs (authorization-matrix.ts) posted twice, or with a reference
// to another tenant's object.
describeReplays();
