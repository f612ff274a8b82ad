/** The REST API's shapes as the tab reads them (the api's zod schemas are the source of truth). */

export interface Person {
  readonly aadObjectId: string;
  readonly tenantId: string;
  readonly name: string;
}

export interface Me {
  readonly person: Person;
  readonly partner: null | {
    readonly id: string;
    readonly legalName: string;
    readonly partnerType: 'reseller' | 'provider';
    readonly partnerId?: string | null;
    readonly status?: string;
  };
  readonly roles: readonly string[];
  readonly operator: boolean;
  readonly language: 'en' | 'ru';
  /** What the role matrix lets this person do (`users.updateRoles`...). */
  readonly may?: readonly string[];
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

export interface Party {
  readonly id: string;
  readonly legalName: string;
  readonly partnerId?: string | null;
  readonly country?: string | null;
  readonly tenantId?: string | null;
}

/** Any row of a list: an id, a state maybe, and what this viewer may do to it now. */
export interface Row {
  readonly id: string;
  readonly state?: string;
  readonly actions?: readonly string[];
  readonly [field: string]: unknown;
}

export interface HistoryEntry {
  readonly at: string;
  /** A note (`extended`, `resent`...) or else the state it moved to. */
  readonly action: string;
  readonly by?: string | null;
  readonly from?: string | null;
  readonly to?: string;
  readonly fromExpiresAt?: string;
  readonly toExpiresAt?: string;
  readonly reason?: string;
}

export interface Overview {
  readonly needsMe: readonly {
    readonly kind: 'relationship' | 'invitation' | 'application';
    readonly id: string;
    readonly title: string;
    readonly since?: string | null;
  }[];
  readonly expiring: {
    readonly within30: number;
    readonly within7: number;
    readonly within1: number;
  };
  readonly counts: {
    readonly relationships: Readonly<Record<string, number>>;
    readonly invitations: Readonly<Record<string, number>>;
  };
  readonly expiriesByMonth: readonly { readonly month: string; readonly count: number }[];
}

export interface BulkResult {
  readonly results: readonly {
    readonly id: string;
    readonly ok: boolean;
    readonly item?: Row & { readonly sent?: { readonly code: string } };
    readonly error?: { readonly code: string; readonly message: string } | string;
  }[];
}
