/**
 * A bot process reduced to its delivery worker, for the crash test: started as a child process
 * on the test's database and killed with SIGKILL in the middle of a burst.
 * Usage: node --import tsx worker-process.ts <mongodb uri>
 */
import os from 'node:os';
import mongoose from 'mongoose';
import { createAdapter } from '../../../bot/adapter.js';
import { BotProactiveSender } from '../../../bot/proactive-sender.js';
import { loadConfig } from '../../../config/config.js';
import { testLogger } from '../../../logging/logger.js';
import { MongoLeaderLease } from '../../../models/notifications/lease.repository.js';
import { MongoNotificationOutbox } from '../../../models/notifications/notification.repository.js';
import { systemClock } from '../../../notifications/clock.js';
import { MongoDeliveryDirectory } from '../../../models/notifications/delivery-directory.js';
import { DELIVERY_LEASE } from '../../../notifications/delivery-leadership.js';
import { DeliveryWorker } from '../../../notifications/delivery.worker.js';

async function main() {
  const uri = process.argv[2];
  const conn = mongoose.createConnection(uri);
  await conn.asPromise();
  const logger = testLogger();
  const config = loadConfig({ DATA_DIR: os.tmpdir(), LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const worker = new DeliveryWorker({
    outbox: new MongoNotificationOutbox(conn),
    directory: new MongoDeliveryDirectory(conn),
    sender: new BotProactiveSender(createAdapter(config, logger), ''),
    mail: { send: async () => undefined },
    clock: systemClock,
    logger,
    tenantMessagesPerSecond: 1000,
    leaseMs: 1_000,
    leaderLease: new MongoLeaderLease(conn, DELIVERY_LEASE),
    leaderLeaseMs: 1_000,
    pollMs: 50,
    owner: 'child',
  });
  worker.start();
  process.send?.('ready');
}

void main();
