// Moved to testkit/outbox-db.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../../testkit/outbox-db.js';
