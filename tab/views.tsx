import type { ReactNode } from 'react';
import type { Me, Party, Row } from './api-types.js';
import { formatDay, type TabLanguage, type Translate } from './i18n.js';

export type ViewId =
  'overview' | 'providers' | 'resellers' | 'customers' | 'invitations' | 'users' | 'applications';

export interface Cell {
  readonly t: Translate;
  readonly language: TabLanguage;
}

export interface Column {
  /** Also the `sort` value sent to the API when `sortable`. */
  readonly key: string;
  readonly label: string;
  readonly sortable?: boolean;
  readonly render: (row: Row, cell: Cell) => ReactNode;
}

/** A table view: the list endpoint, its columns, states, bulk actions; the API does the rest. */
export interface TableViewSpec {
  readonly id: Exclude<ViewId, 'overview'>;
  readonly endpoint: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly columns: readonly Column[];
  /** The column naming the row (its cell opens the detail panel). */
  readonly title: (row: Row) => string;
  readonly states: readonly string[];
  /** Actions offered on many selected rows (`POST <endpoint>/bulk`). */
  readonly bulk: readonly string[];
}

export interface OverviewSpec {
  readonly id: 'overview';
}

export type ViewSpec = OverviewSpec | TableViewSpec;

const RELATIONSHIP_STATES = ['pending', 'active', 'declined', 'expired', 'withdrawn', 'ended'];
const INVITATION_STATES = ['pending', 'accepted', 'declined', 'expired', 'revoked'];
const APPLICATION_STATES = ['emailVerificationPending', 'underReview', 'approved', 'rejected'];

const party = (row: Row, side: 'provider' | 'reseller') => row[side] as Party | null | undefined;
const text = (value: unknown) =>
  value === null || value === undefined || value === '' ? '—' : String(value);
const day = (key: string) => (row: Row, c: Cell) => formatDay(c.language, row[key] as string);
const state = (row: Row, c: Cell) => (row.state ? c.t(`states.${row.state}`) : '—');
const roles = (row: Row, c: Cell) =>
  ((row.roles as string[] | undefined) ?? []).map((r) => c.t(`roles.${r}`)).join(', ') || '—';
const yesNo = (key: string) => (row: Row, c: Cell) => c.t(row[key] ? 'yes' : 'no');

/** A relationship table seen from one side: the other party's columns first. */
function relationships(id: 'providers' | 'resellers'): TableViewSpec {
  const other = id === 'providers' ? 'provider' : 'reseller';
  return {
    id,
    endpoint: '/relationships',
    // The API's `side` is the side the other party stands on, the one this view lists.
    query: { side: other },
    title: (row) => party(row, other)?.legalName ?? row.id,
    columns: [
      {
        key: 'name',
        label: `columns.${other}`,
        sortable: true,
        render: (row) => text(party(row, other)?.legalName),
      },
      {
        key: 'partnerId',
        label: 'columns.partnerId',
        render: (row) => text(party(row, other)?.partnerId),
      },
      {
        key: 'country',
        label: 'columns.country',
        render: (row) => text(party(row, other)?.country),
      },
      { key: 'state', label: 'columns.state', sortable: true, render: state },
      { key: 'roles', label: 'columns.roles', render: roles },
      { key: 'since', label: 'columns.since', sortable: true, render: day('since') },
      { key: 'expiresAt', label: 'columns.expires', sortable: true, render: day('expiresAt') },
      { key: 'autoExtend', label: 'columns.autoExtend', render: yesNo('autoExtend') },
      ...(id === 'resellers'
        ? [
            {
              key: 'tenantId',
              label: 'columns.tenantId',
              render: (row: Row) => text(party(row, 'reseller')?.tenantId),
            },
          ]
        : []),
    ],
    states: RELATIONSHIP_STATES,
    bulk: ['extend', 'autoExtend'],
  };
}

const CUSTOMERS: TableViewSpec = {
  id: 'customers',
  endpoint: '/customers',
  title: (row) => text(row.company),
  columns: [
    {
      key: 'company',
      label: 'columns.company',
      sortable: true,
      render: (row) => text(row.company),
    },
    {
      key: 'reseller',
      label: 'columns.reseller',
      sortable: true,
      render: (row) => text(party(row, 'reseller')?.legalName),
    },
    { key: 'tenantId', label: 'columns.tenantId', render: (row) => text(row.tenantId) },
    { key: 'domain', label: 'columns.domain', sortable: true, render: (row) => text(row.domain) },
    { key: 'roles', label: 'columns.roles', render: roles },
    { key: 'since', label: 'columns.since', sortable: true, render: day('since') },
  ],
  states: [],
  bulk: [],
};

const INVITATIONS: TableViewSpec = {
  id: 'invitations',
  endpoint: '/invitations',
  title: (row) => text(row.to),
  columns: [
    { key: 'to', label: 'columns.to', sortable: true, render: (row) => text(row.to) },
    { key: 'kind', label: 'columns.kind', render: (row, c) => c.t(`kinds.${String(row.kind)}`) },
    { key: 'state', label: 'columns.state', sortable: true, render: state },
    { key: 'sentAt', label: 'columns.sent', sortable: true, render: day('sentAt') },
    { key: 'expiresAt', label: 'columns.expires', sortable: true, render: day('expiresAt') },
    { key: 'acceptedBy', label: 'columns.acceptedBy', render: (row) => text(row.acceptedBy) },
    { key: 'tenantId', label: 'columns.tenantId', render: (row) => text(row.tenantId) },
    { key: 'domain', label: 'columns.domain', render: (row) => text(row.domain) },
  ],
  states: INVITATION_STATES,
  bulk: ['revoke', 'resend'],
};

const USERS: TableViewSpec = {
  id: 'users',
  endpoint: '/users',
  title: (row) => text(row.name),
  columns: [
    { key: 'name', label: 'columns.name', sortable: true, render: (row) => text(row.name) },
    { key: 'email', label: 'columns.email', sortable: true, render: (row) => text(row.email) },
    { key: 'roles', label: 'columns.roles', render: roles },
  ],
  states: [],
  bulk: [],
};

const APPLICATIONS: TableViewSpec = {
  id: 'applications',
  endpoint: '/applications',
  title: (row) => text(row.legalName),
  columns: [
    {
      key: 'legalName',
      label: 'columns.legalName',
      sortable: true,
      render: (row) => text(row.legalName),
    },
    {
      key: 'partnerType',
      label: 'columns.partnerType',
      render: (row, c) => c.t(`partnerTypes.${String(row.partnerType)}`),
    },
    { key: 'partnerId', label: 'columns.partnerId', render: (row) => text(row.partnerId) },
    {
      key: 'country',
      label: 'columns.country',
      sortable: true,
      render: (row) => text(row.country),
    },
    { key: 'state', label: 'columns.state', sortable: true, render: state },
    { key: 'submittedAt', label: 'columns.submitted', sortable: true, render: day('submittedAt') },
  ],
  states: APPLICATION_STATES,
  bulk: [],
};

/** The views a person's partner type and roles make sense of; the API still decides access. */
export function viewsFor(me: Me): ViewSpec[] {
  const views: ViewSpec[] = [{ id: 'overview' }];
  if (me.partner?.partnerType === 'reseller') views.push(relationships('providers'));
  if (me.partner?.partnerType === 'provider') views.push(relationships('resellers'));
  if (me.partner) views.push(CUSTOMERS, INVITATIONS, USERS);
  if (me.operator) views.push(APPLICATIONS);
  return views;
}
