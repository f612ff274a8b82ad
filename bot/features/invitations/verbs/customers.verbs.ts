import { z } from 'zod';
import { render as renderParties } from '../../../../cards/invitations/party-list.card.js';
import { dayText } from '../../../../cards/relationships/relationship-text.js';
import { userText } from '../../../../cards/shared/user-text.js';
import { Verbs } from '../../../../cards/verbs.js';
import { isSamePerson } from '../../../../domain/partners/actor.js';
import { t } from '../../../../i18n/i18n.js';
import { cardAction, type CardAction } from '../../../feature.js';
import type { InvitationViews, InvitationsFeatureDeps } from '../invitation-views.js';
import { ref, pageNumber } from '../invitation-inputs.js';

/**
 * Customers and their partners: the `customers` pages, a customer's `partners` and End, the
 * customers a provider and reseller share.
 */
export function customerVerbs(deps: InvitationsFeatureDeps, views: InvitationViews): CardAction[] {
  const { service } = deps;
  const { customersCard, partnersCard } = views;
  return [
    cardAction({
      verb: Verbs.customersPage,
      schema: z.object({ page: pageNumber }).passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        return { card: await customersCard(scope, data.page) };
      },
    }),
    cardAction({
      verb: Verbs.customerPartners,
      schema: z.object({}).passthrough(),
      scope: 'personal',
      async handle(scope) {
        return { card: await partnersCard(scope) };
      },
    }),
    cardAction({
      verb: Verbs.customerEndPartner,
      schema: z.object({ linkRef: ref, confirmed: z.enum(['yes', '']).optional() }).passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const tr = (key: string, values: Record<string, unknown> = {}) =>
          t(scope.language, `invitations:partners.${key}`, values);
        if (data.confirmed !== 'yes') {
          // Ending takes a second, deliberate click on a card that says what it does.
          const link = await service.linkOf(scope.actor, data.linkRef);
          const reseller = userText(link.reseller.legalName);
          return {
            card: renderParties(
              {
                titleKey: 'invitations:partners.confirmTitle',
                rows: [
                  {
                    heading: reseller,
                    detail: tr('confirmDetail', {
                      reseller,
                      company: userText(link.customer.companyName),
                      withProvider: link.provider
                        ? tr('withProvider', { provider: userText(link.provider.legalName) })
                        : '',
                    }),
                    end: { linkRef: link.link.id, title: tr('confirmButton'), confirmed: true },
                  },
                ],
                backToPartners: true,
              },
              scope.language
            ),
          };
        }
        const ended = await service.endLink(scope.actor, data.linkRef);
        const notice = ended.changedNow
          ? tr('ended', { reseller: userText(ended.reseller.legalName) })
          : isSamePerson(ended.link.endedBy, scope.actor)
            ? tr('endedByYou', {
                date: dayText(scope.language, ended.link.endedAt ?? new Date()),
              })
            : tr('alreadyEnded', {
                name: userText(ended.link.endedBy?.name ?? ''),
                date: dayText(scope.language, ended.link.endedAt ?? new Date()),
              });
        return { card: await partnersCard(scope, notice) };
      },
    }),
    cardAction({
      verb: Verbs.relationshipCustomers,
      schema: z.object({ relationshipRef: ref }).passthrough(),
      scope: 'personal',
      async handle(scope, data) {
        const { provider, reseller, rows } = await service.sharedCustomers(
          scope.actor,
          data.relationshipRef
        );
        return {
          card: renderParties(
            {
              titleKey: 'invitations:customers.title_shared',
              titleValues: {
                provider: userText(provider.legalName),
                reseller: userText(reseller.legalName),
              },
              rows: rows.map((r) => ({
                heading: userText(r.customer.companyName),
                detail: t(scope.language, 'invitations:customers.since', {
                  since: dayText(scope.language, r.link.since),
                }),
              })),
              backToRelationship: data.relationshipRef,
            },
            scope.language
          ),
        };
      },
    }),
  ];
}
