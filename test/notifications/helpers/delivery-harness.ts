// Moved to testkit/delivery-harness.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../../testkit/delivery-harness.js';
