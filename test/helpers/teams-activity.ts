// Moved to testkit/teams-activity.ts (shared with bench/, which imports no test code); kept so tests import it here.
export * from '../../testkit/teams-activity.js';
