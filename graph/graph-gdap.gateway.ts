import { z } from 'zod';
import { GDAP_STATUSES } from '../domain/gdap/gdap.js';
import {
  GraphRefusedError,
  type GdapCreate,
  type GraphGateway,
  type GraphGdapRelationship,
} from '../domain/gdap/graph-gateway.port.js';
import type { GraphHttp, GraphResponse } from './graph-http.js';

const PATH = '/tenantRelationships/delegatedAdminRelationships';

/** A date Graph may send as null or "" before it has one (activatedDateTime, endDateTime). */
const graphDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((s) => (s ? new Date(s) : undefined))
  .refine((d) => d === undefined || !Number.isNaN(d.getTime()), 'not a date');

/** The fields of a delegatedAdminRelationship the product reads; others are ignored. */
const relationshipSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string(),
    status: z.string().optional(),
    endDateTime: graphDate,
    autoExtendDuration: z.string().optional(),
    '@odata.etag': z.string().optional(),
  })
  .transform((r): GraphGdapRelationship => ({
    id: r.id,
    displayName: r.displayName,
    ...((GDAP_STATUSES as readonly string[]).includes(r.status ?? '')
      ? { status: r.status as GraphGdapRelationship['status'] }
      : {}),
    ...(r.endDateTime ? { endDateTime: r.endDateTime } : {}),
    ...(r.autoExtendDuration ? { autoExtendDuration: r.autoExtendDuration } : {}),
    ...(r['@odata.etag'] ? { etag: r['@odata.etag'] } : {}),
  }));
const listSchema = z.object({ value: z.array(relationshipSchema) });
const errorSchema = z.object({ error: z.object({ code: z.string() }) }).partial();

/** GDAP through Graph v1.0 with typed (zod-parsed) answers. */
export class GraphGdapGateway implements GraphGateway {
  constructor(private readonly http: Pick<GraphHttp, 'call'>) {}

  async findByDisplayName(tenantId: string, displayName: string) {
    const filter = encodeURIComponent(`displayName eq '${displayName.replace(/'/g, "''")}'`);
    const res = await this.http.call(tenantId, 'GET', `${PATH}?$filter=${filter}`);
    const list = listSchema.parse(ok(res, 200).body);
    return list.value.find((r) => r.displayName === displayName) ?? null;
  }

  async create(tenantId: string, input: GdapCreate) {
    const res = await this.http.call(tenantId, 'POST', PATH, {
      displayName: input.displayName,
      duration: input.duration,
      customer: { tenantId: input.customerTenantId, displayName: input.customerName },
      accessDetails: {
        unifiedRoles: input.roleDefinitionIds.map((id) => ({ roleDefinitionId: id })),
      },
      autoExtendDuration: input.autoExtendDuration,
    });
    return relationshipSchema.parse(ok(res, 201).body);
  }

  async get(tenantId: string, id: string) {
    const res = await this.http.call(tenantId, 'GET', `${PATH}/${encodeURIComponent(id)}`);
    if (res.status === 404) return null;
    return relationshipSchema.parse(ok(res, 200).body);
  }

  async updateAutoExtend(tenantId: string, id: string, etag: string, autoExtendDuration: string) {
    const res = await this.http.call(
      tenantId,
      'PATCH',
      `${PATH}/${encodeURIComponent(id)}`,
      { autoExtendDuration },
      { 'if-match': etag }
    );
    // Changed since it was read (or a repeat of a PATCH Graph did but whose answer was lost):
    // not a refusal; the owed work reads it again and finds what to do, if anything.
    if (res.status === 412) throw new Error('Graph relationship changed since read (412)');
    return relationshipSchema.parse(ok(res, 200).body);
  }

  async request(tenantId: string, id: string, action: 'lockForApproval' | 'terminate') {
    const res = await this.http.call(
      tenantId,
      'POST',
      `${PATH}/${encodeURIComponent(id)}/requests`,
      { action }
    );
    ok(res, 201);
  }
}

/** The response when it has the expected status; a refusal (4xx) as GraphRefusedError. */
function ok(res: GraphResponse, expected: number): GraphResponse {
  if (res.status === expected || (res.status >= 200 && res.status < 300)) return res;
  const parsed = errorSchema.safeParse(res.body);
  const code = (parsed.success && parsed.data.error?.code) || 'unknown';
  if (res.status >= 400 && res.status < 500) throw new GraphRefusedError(res.status, code);
  throw new Error(`unexpected Graph status ${res.status} (${code})`);
}
