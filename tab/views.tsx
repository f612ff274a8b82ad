import type { ReactNode } from 'react';
import type { Me, Party, Row } from './api-types.js';
import { formatDay, type TabLanguage, type Translate } from './i18n.js';
import { seesIntegrations } from './integrations.js';

export type ViewId =
  | 'overview'
  | 'providers'
  | 'resellers'
  | 'customers'
  | 'invitations'
  | 'users'
  | 'applications'
  | 'integrations'
  | 'bulk';

export interface Cell {
  readonly t: Translate;
  readonly language: TabLanguage;
}

export interface Column {
  readonly key: string;
  readonly label: string;
  /** The API's `sort` value for this column, when the API sorts by it. */
  readonly sort?: string;
  /** Kept on one line (ids, dates). */
  readonly nowrap?: boolean;
  readonly render: (row: Row, cell: Cell) => ReactNode;
}

/** A table view: the list endpoint, its columns, filters, bulk actions; the API does the rest. */
export interface TableViewSpec {
  readonly id: Exclude<ViewId, 'overview' | 'integrations' | 'bulk'>;
  readonly endpoint: string;
  readonly columns: readonly Column[];
  /** The row's name (its first cell opens the detail panel). */
  readonly title: (row: Row) => string;
  /** Values of the `state` filter (`states.<value>` in the catalog); none: no filter. */
  readonly states: readonly string[];
  /** The filter's label key: `table.state`, or `table.role` for users. */
  readonly stateLabel?: string;
  /** Values of `kind` (invitations: customer or reseller), sent on every call. */
  readonly kinds?: readonly string[];
  /** Actions offered on many selected rows (`POST <endpoint>/bulk`). */
  readonly bulk: readonly string[];
  /** The sort a view opens with (the API's own default otherwise). */
  readonly defaultSort?: { readonly key: string; readonly order: 'asc' | 'desc' };
  /** While sorted by `sort`, rows come in groups headed by `name(row)`. */
  readonly groupBy?: { readonly sort: string; readonly name: (row: Row) => string };
  /** Whether a row has its own `GET <endpoint>/<id>` (with history and an ETag). */
  readonly detail: boolean;
}

export interface OverviewSpec {
  readonly id: 'overview';
}

/** A page of its own (integrations.tsx), not a table. */
export interface PageSpec {
  readonly id: 'integrations';
}

/** Bulk invitations from a CSV (tab/bulk-upload.tsx): a page of its own, not a table. */
export interface BulkSpec {
  readonly id: 'bulk';
}

export type ViewSpec = OverviewSpec | BulkSpec | TableViewSpec | PageSpec;

const RELATIONSHIP_STATES = [
  'pending',
  'active',
  'expiringSoon',
  'closed',
  'declined',
  'expired',
  'withdrawn',
  'ended',
];
const INVITATION_STATES = ['pending', 'accepted', 'closed', 'declined', 'expired', 'revoked'];
const APPLICATION_STATES = ['emailVerificationPending', 'underReview', 'approved', 'rejected'];
const ROLES = ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'];

const party = (row: Row, side: 'provider' | 'reseller') => row[side] as Party | null | undefined;
const text = (value: unknown) =>
  value === null || value === undefined || value === '' ? '—' : String(value);
const day = (key: string) => (row: Row, c: Cell) => formatDay(c.language, row[key] as string);
const state = (row: Row, c: Cell) => (row.state ? c.t(`states.${row.state}`) : '—');
const roles = (row: Row, c: Cell) =>
  ((row.roles as string[] | undefined) ?? []).map((r) => c.t(`roles.${r}`)).join(', ') || '—';
const yesNo = (key: string) => (row: Row, c: Cell) => c.t(row[key] ? 'yes' : 'no');

/** The viewer's relationships, the other party's columns first. */
function relationships(id: 'providers' | 'resellers'): TableViewSpec {
  const other = id === 'providers' ? 'provider' : 'reseller';
  return {
    id,
    endpoint: '/relationships',
    title: (row) => party(row, other)?.legalName ?? row.id,
    columns: [
      {
        key: 'name',
        label: `columns.${other}`,
        render: (row) => text(party(row, other)?.legalName),
      },
      {
        key: 'partnerId',
        nowrap: true,
        label: 'columns.partnerId',
        render: (row) => text(party(row, other)?.partnerId),
      },
      {
        key: 'country',
        label: 'columns.country',
        render: (row) => text(party(row, other)?.country),
      },
      { key: 'state', label: 'columns.state', sort: 'state', render: state },
      { key: 'roles', label: 'columns.roles', render: roles },
      {
        key: 'requestedAt',
        nowrap: true,
        label: 'columns.requested',
        sort: 'requestedAt',
        render: day('requestedAt'),
      },
      { key: 'since', nowrap: true, label: 'columns.since', render: day('since') },
      {
        key: 'expiresAt',
        nowrap: true,
        label: 'columns.expires',
        sort: 'expiresAt',
        render: day('expiresAt'),
      },
      { key: 'autoExtend', label: 'columns.autoExtend', render: yesNo('autoExtend') },
      {
        key: 'tenantId',
        nowrap: true,
        label: 'columns.tenantId',
        render: (row) => text(party(row, other)?.tenantId),
      },
    ],
    states: RELATIONSHIP_STATES,
    bulk: ['extend', 'autoExtendOn', 'resend'],
    detail: true,
  };
}

/** A provider's customers come grouped by their reseller; a reseller's are all its own. */
const customers = (grouped: boolean): TableViewSpec => ({
  ...(grouped
    ? {
        defaultSort: { key: 'reseller', order: 'asc' },
        groupBy: { sort: 'reseller', name: (row) => text(party(row, 'reseller')?.legalName) },
      }
    : {}),
  id: 'customers',
  endpoint: '/customers',
  title: (row) => text(row.company),
  columns: [
    {
      key: 'company',
      label: 'columns.company',
      sort: 'company',
      render: (row) => text(row.company),
    },
    {
      key: 'reseller',
      label: 'columns.reseller',
      sort: 'reseller',
      render: (row) => text(party(row, 'reseller')?.legalName),
    },
    {
      key: 'tenantId',
      nowrap: true,
      label: 'columns.tenantId',
      render: (row) => text(row.tenantId),
    },
    { key: 'domain', label: 'columns.domain', render: (row) => text(row.domain) },
    { key: 'adminEmail', label: 'columns.adminEmail', render: (row) => text(row.adminEmail) },
    { key: 'since', nowrap: true, label: 'columns.since', sort: 'since', render: day('since') },
  ],
  states: [],
  bulk: [],
  detail: false,
});

const INVITATIONS: TableViewSpec = {
  id: 'invitations',
  endpoint: '/invitations',
  title: (row) => text(row.to),
  columns: [
    { key: 'to', label: 'columns.to', sort: 'to', render: (row) => text(row.to) },
    { key: 'email', label: 'columns.email', render: (row) => text(row.email) },
    { key: 'state', label: 'columns.state', sort: 'state', render: state },
    {
      key: 'sentAt',
      nowrap: true,
      label: 'columns.sent',
      sort: 'createdAt',
      render: day('sentAt'),
    },
    {
      key: 'expiresAt',
      nowrap: true,
      label: 'columns.expires',
      sort: 'expiresAt',
      render: day('expiresAt'),
    },
    { key: 'acceptedBy', label: 'columns.acceptedBy', render: (row) => text(row.acceptedBy) },
    {
      key: 'tenantId',
      nowrap: true,
      label: 'columns.tenantId',
      render: (row) => text(row.tenantId),
    },
    { key: 'domain', label: 'columns.domain', render: (row) => text(row.domain) },
  ],
  states: INVITATION_STATES,
  kinds: ['customer', 'reseller'],
  bulk: ['revoke', 'resend'],
  detail: true,
};

const USERS: TableViewSpec = {
  id: 'users',
  endpoint: '/users',
  title: (row) => text(row.name ?? row.email),
  columns: [
    {
      key: 'name',
      label: 'columns.name',
      sort: 'name',
      render: (row) => text(row.name ?? row.email),
    },
    { key: 'email', label: 'columns.email', render: (row) => text(row.email) },
    { key: 'roles', label: 'columns.roles', render: roles },
  ],
  states: ROLES,
  stateLabel: 'table.role',
  bulk: [],
  detail: false,
};

const APPLICATIONS: TableViewSpec = {
  id: 'applications',
  endpoint: '/applications',
  title: (row) => text(row.legalName),
  columns: [
    {
      key: 'legalName',
      label: 'columns.legalName',
      sort: 'legalName',
      render: (row) => text(row.legalName),
    },
    {
      key: 'partnerType',
      label: 'columns.partnerType',
      render: (row, c) => c.t(`partnerTypes.${String(row.partnerType)}`),
    },
    {
      key: 'partnerId',
      nowrap: true,
      label: 'columns.partnerId',
      render: (row) => text(row.partnerId),
    },
    { key: 'country', label: 'columns.country', render: (row) => text(row.country) },
    {
      key: 'tenantId',
      nowrap: true,
      label: 'columns.tenantId',
      render: (row) => text(row.tenantId),
    },
    { key: 'state', label: 'columns.state', render: state },
    {
      key: 'submittedAt',
      nowrap: true,
      label: 'columns.submitted',
      sort: 'submittedAt',
      render: day('submittedAt'),
    },
  ],
  states: APPLICATION_STATES,
  bulk: [],
  detail: false,
};

/** The views a person's partner type and roles make sense of; the API still decides access. */
export function viewsFor(me: Me): ViewSpec[] {
  const views: ViewSpec[] = [{ id: 'overview' }];
  if (me.partner?.partnerType === 'reseller') views.push(relationships('providers'));
  if (me.partner?.partnerType === 'provider') views.push(relationships('resellers'));
  if (me.partner) views.push(customers(me.partner.partnerType === 'provider'), INVITATIONS, USERS);
  if (me.operator) views.push(APPLICATIONS);
  // Who may invite one by one may upload a file: a reseller's customers, a provider's resellers.
  if (me.may?.some((a) => a === 'customers.invite' || a === 'relationships.manage')) {
    views.push({ id: 'bulk' });
  }
  if (seesIntegrations(me)) views.push({ id: 'integrations' });
  return views;
}
