/**
 * The part of TeamsJS the tab uses, imported dynamically by teams-host.ts: loaded only in Teams
 * (at load TeamsJS asks a CDN for its host list), and small, as a static re-export lets the
 * bundler drop the rest of TeamsJS (a dynamic import of the package itself keeps all of it).
 */
export { app, authentication } from '@microsoft/teams-js';
