import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  RELATIONSHIP_ACTIONS,
  RELATIONSHIP_STATES,
} from '../../domain/relationships/relationship.js';
import { INVITATION_STATES } from '../../domain/invitations/invitation.js';
import { PARTNER_STATUSES } from '../../domain/partners/partner.js';
import { ROLES } from '../../domain/partners/roles.js';
import { ADMIN_ROLES } from '../../domain/relationships/relationship.js';
import { hasKey, LANGUAGES } from '../../i18n/i18n.js';
import type { Me } from '../../tab/api-types.js';
import { translator } from '../../tab/i18n.js';
import { viewsFor, type TableViewSpec } from '../../tab/views.js';
import { TAB_WEBHOOK_EVENTS } from '../../tab/webhook-events.js';

const tabDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tab');

/** Every literal key the tab's code passes to `t(...)` or names as a column label. */
function literalKeys(): string[] {
  const keys = new Set<string>();
  for (const file of fs.readdirSync(tabDir).filter((f) => /\.tsx?$/.test(f))) {
    const code = fs.readFileSync(path.join(tabDir, file), 'utf8');
    for (const m of code.matchAll(/\bt\(\s*'([\w:.]+)'/g)) keys.add(m[1]!);
    for (const m of code.matchAll(/label: '([\w.]+)'/g)) keys.add(m[1]!);
  }
  return [...keys];
}

const me = (partnerType: 'reseller' | 'provider' | null, operator = false): Me => ({
  person: { aadObjectId: 'a', tenantId: 't', name: 'n' },
  partner: partnerType ? { id: 'p', legalName: 'P', partnerType } : null,
  roles: [],
  operator,
  language: 'en',
});

/** The keys the tab builds from the API's values: every state, role, action, view and kind. */
function builtKeys(): string[] {
  const views = [
    ...viewsFor(me('reseller')),
    ...viewsFor({ ...me('provider', true), may: ['apiKeys.manage'] }),
  ];
  const tables = views.filter((v): v is TableViewSpec => 'endpoint' in v);
  return [
    ...views.map((v) => `nav.${v.id}`),
    ...tables.flatMap((v) => v.states.map((s) => (v.stateLabel ? `roles.${s}` : `states.${s}`))),
    ...tables.flatMap((v) => v.bulk.flatMap((a) => [`bulk.${a}`, `actions.${a}`])),
    ...tables.flatMap((v) => (v.kinds ?? []).map((k) => `kinds.${k}`)),
    ...[...RELATIONSHIP_STATES, ...INVITATION_STATES, ...PARTNER_STATUSES]
      .filter((s) => s !== 'draft')
      .map((s) => `states.${s}`),
    ...[...ROLES, ...ADMIN_ROLES].map((r) => `roles.${r}`),
    ...[...RELATIONSHIP_ACTIONS, 'viewCustomers', 'revoke', 'resend', 'approve', 'reject'].map(
      (a) => `actions.${a}`
    ),
    ...['reseller', 'provider'].map((p) => `partnerTypes.${p}`),
    ...['relationship', 'invitation', 'application'].map((k) => `overview.kinds.${k}`),
    // The Integrations page's (its own namespace).
    ...['read', 'read-write'].map((s) => `integrations:keys.scopes.${s}`),
    ...[...TAB_WEBHOOK_EVENTS, 'webhook.test'].map((e) => `integrations:hooks.event.${e}`),
    ...['relationship', 'invitation', 'customer'].map((g) => `integrations:hooks.groups.${g}`),
    ...['due', 'leased', 'sent', 'failed'].map((s) => `integrations:hooks.delivery.states.${s}`),
    ...['copied', 'copyFailed'].map((s) => `integrations:secret.${s}`),
    ...['connect', 'connectAgain'].map((s) => `integrations:graph.${s}`),
    // The bulk upload page (a view of its own) and its rows' states as the API names them.
    'nav.bulk',
    ...['ok', 'refused', 'pending', 'started', 'created', 'failed'].map(
      (s) => `bulkUpload.states.${s}`
    ),
  ];
}

describe('the tab’s strings', () => {
  it('finds every key the tab shows in the en and ru catalogs (tab namespace or common)', () => {
    const keys = [...literalKeys(), ...builtKeys()];
    expect(keys.length).to.be.greaterThan(100);
    const missing = LANGUAGES.flatMap((lang) =>
      keys
        .map((k) => (k.includes(':') ? k : `tab:${k}`))
        .filter((k) => !hasKey(lang, k))
        .map((k) => `${lang} ${k}`)
    );
    expect(missing).to.deep.equal([]);
  });

  it('fills values and falls back to English only for a key Russian lacks', () => {
    const ru = translator('ru');
    expect(ru('table.range', { first: 1, last: 25, total: 300 })).to.equal('1–25 из 300');
    expect(ru('common:appName')).to.equal('Partner Connect');
    expect(translator('en')('nav.resellers')).to.equal('Indirect resellers');
    expect(ru('nav.resellers')).to.equal('Косвенные торговые посредники');
  });
});
