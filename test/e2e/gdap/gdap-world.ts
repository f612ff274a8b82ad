import type { Persona } from '../../helpers/personas.js';
import { FakeGraph } from '../../helpers/fake-graph.js';
import {
  cast,
  eventually,
  startRelationshipsWorld,
  visible,
  type RelationshipsWorld,
} from '../relationships/relationships-world.js';
import type { Relationship } from '../../../domain/relationships/relationship.js';
import type { GdapLink } from '../../../domain/gdap/gdap.js';

export { cast, eventually, visible };

export type GdapWorld = Awaited<ReturnType<typeof startGdapWorld>>;

/**
 * The relationships world (approved provider and reseller, the real server) with the bot's
 * Graph and Entra settings pointing at a local HTTPS fake whose throwaway CA the bot trusts
 * through GRAPH_EXTRA_CA_CERTS (the app runs in this process, so NODE_EXTRA_CA_CERTS, read at
 * process start, cannot be set by the test).
 */
export async function startGdapWorld() {
  const graph = await FakeGraph.start();
  let w: RelationshipsWorld;
  try {
    w = await startRelationshipsWorld(graph.env);
  } catch (err) {
    await graph.stop();
    throw err;
  }
  const gdap = w.app.app.modules.gdap;
  /** Every piece of owed work done (the clicks', the notices', the Graph calls). */
  const settled = () => w.app.app.owedWork.idle();
  return {
    ...w,
    graph,
    gdap,
    settled,
    /** `connect microsoft` as `who`: the consent link the reply carries. */
    async consentLink(who: Persona): Promise<URL> {
      const { seen } = await w.say(who, 'connect microsoft');
      const link = /\((https:\/\/127\.0\.0\.1:\d+\/[^)\s]+adminconsent[^)\s]*)\)/.exec(seen);
      if (!link) throw new Error(`no consent link in: ${seen}`);
      return new URL(link[1]!);
    },
    /** Microsoft's redirect after the consent, as the admin's browser follows it. */
    async callback(query: Record<string, string>): Promise<{ status: number; text: string }> {
      const res = await fetch(`${w.app.url}/connect/callback?${new URLSearchParams(query)}`);
      return { status: res.status, text: await res.text() };
    },
    /** The provider connected: its tenant consented in Entra, and the callback recorded it. */
    async connectProvider(): Promise<void> {
      await this.connect(cast.provider);
    },
    /** `who`'s partner connected (its Global admin asked, its tenant consented). */
    async connect(who: Persona): Promise<void> {
      const link = await this.consentLink(who);
      graph.consented.add(who.tenantId);
      const res = await this.callback({
        tenant: who.tenantId,
        admin_consent: 'True',
        state: link.searchParams.get('state')!,
      });
      if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
    },
    /** A relationship the reseller asked for and the provider authorized (active). */
    async activeRelationship(
      grant = { roles: ['globalReader', 'userAdministrator'], durationDays: 365, autoExtend: true }
    ): Promise<Relationship> {
      const asked = await w.service.request(cast.reseller, w.provider.id, grant, true);
      const { relationship } = await w.service.authorize(cast.provider, asked.id);
      return relationship;
    },
    /** The reseller invites the customer's company, and the customer's admin accepts by code. */
    async acceptedCustomerInvitation(): Promise<string> {
      const invitations = w.app.app.modules.invitations.service;
      const created = await invitations.inviteCustomer(cast.reseller, {
        companyName: 'Northwind Traders',
      });
      const opened = await invitations.open(cast.customer, created.secrets.code);
      await invitations.accept(cast.customer, opened.invitation.id);
      return opened.invitation.id;
    },
    link: async (relationshipId: string): Promise<GdapLink> => {
      const link = await gdap.service.linkOf(relationshipId);
      if (!link) throw new Error('no GDAP link');
      return link;
    },
    async stop() {
      await w.stop();
      await graph.stop();
    },
  };
}
