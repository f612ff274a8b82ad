// Moved to testkit/enrollment-app.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../../testkit/enrollment-app.js';
