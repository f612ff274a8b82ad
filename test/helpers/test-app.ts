// Moved to testkit/test-app.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../testkit/test-app.js';
