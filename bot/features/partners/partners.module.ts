import type { PartnerRepository } from '../../../domain/partners/partner-repository.port.js';
import type { UserRepository } from '../../../domain/partners/user-repository.port.js';
import { MembershipService } from '../../../domain/partners/membership.service.js';
import { MongoMembershipRepository } from '../../../models/partners/membership.repository.js';
import { membershipModel } from '../../../models/partners/membership.schema.js';
import { MongoPartnerRepository } from '../../../models/partners/partner.repository.js';
import { partnerModel } from '../../../models/partners/partner.schema.js';
import { MongoUserRepository } from '../../../models/partners/user.repository.js';
import type { AppContext, AppModule } from '../../app-module.js';

/**
 * The partner core every feature builds on: partner records, memberships and roles (who may do
 * what), and the Global admin's `users` command. Built once; passed to the modules that need it.
 */
export interface PartnersModule extends AppModule {
  readonly partners: PartnerRepository;
  /** Roles and the partner-role recipients of notifications. */
  readonly memberships: MembershipService;
  /** People the bot has seen (the API's open-mode personas, their language). */
  readonly users: UserRepository;
}

/** Builds the partners module on the app's database (waits for its unique indexes). */
export async function createPartnersModule(ctx: AppContext): Promise<PartnersModule> {
  const conn = ctx.db.connection;
  // One partner per tenant and per PartnerID is enforced by these indexes: they come first.
  await Promise.all([partnerModel(conn).init(), membershipModel(conn).init()]);
  const partners = new MongoPartnerRepository(conn);
  const users = new MongoUserRepository(conn, ctx.now);
  const memberships = new MembershipService({
    partners,
    memberships: new MongoMembershipRepository(conn),
    users,
    operatorIds: ctx.config.operatorAadObjectIds,
    now: ctx.now,
    logger: ctx.logger,
  });
  // The `users` command is plugged in by enrollment, once the outbox exists (its role notice).
  return { partners, memberships, users, authorizer: memberships, features: [] };
}
