// Moved to testkit/fake-connector.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../testkit/fake-connector.js';
