import type { Activity } from 'botbuilder';
import { Verbs } from '../../../cards/verbs.js';
import { EnrollmentDialog } from '../../../dialogs/enrollment/enrollment.dialog.js';
import { createDialogClient, type DialogClient } from '../../helpers/dialog-client.js';
import type { Persona } from '../../helpers/personas.js';
import { buildWorld } from '../../domain/enrollment/enrollment-world.js';
import { embeddedStores } from '../../models/enrollment/store-factories.js';

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** Enrollment services on the embedded database, and a dialog client per persona. */
export async function dialogWorld() {
  const world = await buildWorld(embeddedStores);
  const services = {
    enrollment: world.enrollment,
    review: world.review,
    memberships: world.memberships,
    codeMinutes: 30,
    termsUrl: 'https://partner-connect.example/terms',
  };
  return {
    world,
    services,
    client(persona: Persona, dialogOptions: unknown = {}, locale?: string): DialogClient {
      return createDialogClient(new EnrollmentDialog(services), { persona, dialogOptions, locale });
    },
  };
}

/** A click on a section card's Next (or Back) with the given inputs. */
export function sectionSubmit(
  section: string,
  inputs: Record<string, unknown> = {},
  action = 'next'
): Partial<Activity> {
  return { value: { verb: Verbs.enrollmentSection, section, action, ...inputs } };
}

export const summaryEdit = (section: string): Partial<Activity> => ({
  value: { verb: Verbs.enrollmentEdit, section, action: 'edit' },
});
export const summarySubmit: Partial<Activity> = {
  value: { verb: Verbs.enrollmentSubmit, action: 'submit' },
};
export const summaryBack: Partial<Activity> = {
  value: { verb: Verbs.enrollmentSubmit, action: 'back' },
};

/** Valid inputs per section (a German reseller). */
export const VALID = {
  partnerType: { partnerType: 'reseller' },
  tenant: { tenantCountry: 'DE', partnerId: '1234567', locationCountry: 'DE' },
  company: {
    legalName: 'Contoso GmbH',
    addressLine1: 'Hauptstrasse 1',
    addressLine2: '',
    city: 'Berlin',
    region: '',
    postalCode: '10115',
    companyPhone: '+49 30 1234567',
  },
  contact: {
    contactFirstName: 'Anna',
    contactLastName: 'Petrova',
    contactEmail: 'anna@contoso.example',
    contactPhone: '+49 30 7654321',
  },
  support: {
    supportEmail: 'support@contoso.example',
    supportPhone: '+49 30 1111111',
    supportWebsite: 'https://support.contoso.example',
  },
  terms: { acceptTerms: 'true' },
} as const;

/** The card (first attachment) of a reply. */
export function cardOf(reply: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  return reply?.attachments?.[0]?.content as Record<string, unknown> | undefined;
}

/** The ids of the inputs of the card among the replies. */
export function inputIds(replies: Partial<Activity>[]): string[] {
  const ids: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string')
        ids.push(o.id);
      Object.values(o).forEach(walk);
    }
  };
  replies.forEach((r) => walk(cardOf(r)));
  return ids;
}

/** The value of an input in the card among the replies. */
export function inputValue(replies: Partial<Activity>[], id: string): unknown {
  let found: unknown;
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.')) found = o.value;
      Object.values(o).forEach(walk);
    }
  };
  replies.forEach((r) => walk(cardOf(r)));
  return found;
}
