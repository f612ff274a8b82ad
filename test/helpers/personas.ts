// Moved to testkit/personas.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../testkit/personas.js';
