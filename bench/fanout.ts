import type { Bench } from './lib.js';
export const fanoutBench: Bench = {
  id: 'fanout',
  title: 'Proactive fan-out against Teams limits',
  async run() {
    throw new Error('not built yet');
  },
};
