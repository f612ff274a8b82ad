import { mainServerCli } from './cli.js';

// `npx embedded-mongo --port 27017 --dbpath DIR` (tsx): the server alone.
mainServerCli();
