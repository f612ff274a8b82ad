import mongoose, { type Connection, type Model } from 'mongoose';
import { MongoClient, ObjectId } from 'mongodb';
import type { Logger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';

/** The document every benchmark uses: shaped like a partner record of the bot. */
export interface BenchPartner {
  _id: ObjectId;
  email: string;
  name: string;
  tenantId: string;
  roles: string[];
  mpnId: number;
  createdAt: Date;
}

export const partnerSchema = new mongoose.Schema<BenchPartner>(
  {
    email: { type: String, required: true, unique: true },
    name: String,
    tenantId: String,
    roles: [String],
    mpnId: Number,
    createdAt: Date,
  },
  { versionKey: false, autoIndex: true }
);

export function partnerDoc(i: number): BenchPartner {
  return {
    _id: new ObjectId(),
    email: `partner${i}@contoso${i % 97}.example`,
    name: `Contoso Partner ${i}`,
    tenantId: `0b6f${(i * 2654435761) % 0xffffffff}`.padEnd(36, '0'),
    roles: i % 3 === 0 ? ['admin', 'sales'] : ['sales'],
    mpnId: 1_000_000 + i,
    createdAt: new Date(1_750_000_000_000 + i * 1000),
  };
}

/** Embedded server + a mongoose connection with the partner model. */
export interface BenchServer {
  server: EmbeddedMongo;
  conn: Connection;
  Partner: Model<BenchPartner>;
  /** The partner model on another collection (e.g. one per data-set size). */
  modelFor(collection: string): Promise<Model<BenchPartner>>;
  close(): Promise<void>;
}

export async function startBenchServer(
  dataDir: string,
  logger: Logger,
  poolSize = 40
): Promise<BenchServer> {
  // TCP as well as the socket: the writes bench measures both ways in (`uri` is the TCP one).
  const server = await startEmbeddedMongo({ dataDir, logger, port: 0 });
  const conn = await mongoose
    .createConnection(server.uri, { maxPoolSize: poolSize, dbName: 'bench' })
    .asPromise();
  const Partner = conn.model<BenchPartner>('Partner', partnerSchema);
  await Partner.init();
  return {
    server,
    conn,
    Partner,
    modelFor: async (collection) => {
      const model = conn.model<BenchPartner>(`Partner_${collection}`, partnerSchema, collection);
      await model.init();
      return model;
    },
    close: async () => {
      await conn.close();
      await server.stop();
    },
  };
}

/** Inserts partners `from`..`from+count-1` through the driver, in batches (seeding, not measured). */
export async function seedPartners(
  uri: string,
  collection: string,
  from: number,
  count: number
): Promise<BenchPartner[]> {
  const client = await MongoClient.connect(uri);
  const all: BenchPartner[] = [];
  try {
    const coll = client.db('bench').collection<BenchPartner>(collection);
    for (let at = from; at < from + count; at += 1000) {
      const batch: BenchPartner[] = [];
      for (let i = at; i < Math.min(at + 1000, from + count); i++) batch.push(partnerDoc(i));
      await coll.insertMany(batch, { ordered: false });
      all.push(...batch);
    }
  } finally {
    await client.close();
  }
  return all;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
