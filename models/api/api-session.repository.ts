import mongoose, { Schema, type Model } from 'mongoose';

/** An open-mode sign-in: the keyed hash of its token, the person, and when it ends. */
interface ApiSessionDoc {
  tokenHash: string;
  tenantId: string;
  aadObjectId: string;
  name?: string;
  expiresAt: Date;
}

const apiSessionSchema = new Schema<ApiSessionDoc>(
  {
    tokenHash: { type: String, required: true },
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    name: String,
    expiresAt: { type: Date, required: true },
  },
  { collection: 'api_sessions' }
);
apiSessionSchema.index({ tokenHash: 1 }, { unique: true });
// The database drops ended sessions itself; a lookup checks the end as well (TTL runs late).
apiSessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

interface StoredSession {
  readonly caller: { tenantId: string; aadObjectId: string; name?: string };
  readonly expiresAt: Date;
}

/**
 * Open-mode sign-ins in the database, so every bot process of `npm start` knows them (one
 * process's memory would not). Found by the token's keyed hash only, never by the token.
 */
export class MongoApiSessionRepository {
  private readonly model: Model<ApiSessionDoc>;

  constructor(conn: mongoose.Connection) {
    this.model =
      (conn.models.ApiSession as Model<ApiSessionDoc> | undefined) ??
      conn.model<ApiSessionDoc>('ApiSession', apiSessionSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async put(tokenHash: string, session: StoredSession): Promise<void> {
    await this.model.create({ tokenHash, ...session.caller, expiresAt: session.expiresAt });
  }

  async get(tokenHash: string): Promise<StoredSession | null> {
    const doc = await this.model.findOne({ tokenHash }).lean<ApiSessionDoc>();
    if (!doc) return null;
    return {
      caller: {
        tenantId: doc.tenantId,
        aadObjectId: doc.aadObjectId,
        ...(doc.name ? { name: doc.name } : {}),
      },
      expiresAt: doc.expiresAt,
    };
  }
}
