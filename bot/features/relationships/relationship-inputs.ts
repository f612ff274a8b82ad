import { z } from 'zod';
import { listContextFields } from '../../list-context-input.js';

// Card inputs arrive as strings in Teams (toggles "true"/"false", a multi-select "a,b"): parsed
// here, bounded; what they mean (known roles, 1 to 730 days) is the domain's to check and say.
export const ref = z.string().regex(/^[0-9a-f]{24}$/);
export const toggle = z
  .union([z.boolean(), z.enum(['true', 'false', ''])])
  .optional()
  .transform((v) => v === true || v === 'true');
export const roleList = z
  .union([z.string().max(500), z.array(z.string().max(64)).max(10)])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean)
  );
export const dayCount = z
  .union([z.number(), z.string().max(12)])
  .optional()
  .transform((v) => (v === undefined || v === '' ? Number.NaN : Number(v)));
export const pageNumber = z
  .union([z.number(), z.string().max(6)])
  .optional()
  .transform((v) => Math.min(10_000, Math.max(0, Math.floor(Number(v ?? 0)) || 0)));
export const grantInput = { roles: roleList, durationDays: dayCount, autoExtend: toggle };
/** A moment a card carries back (the end it showed, the change it asked about), ISO 8601. */
export const instant = z
  .string()
  .max(40)
  .refine((s) => s === '' || !Number.isNaN(Date.parse(s)))
  .optional()
  .transform((s) => (s ? new Date(s) : undefined));
/** A relationship verb's data: the relationship, and the list its card was opened from. */
export const onRelationshipWith = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ relationshipRef: ref, ...listContextFields, ...shape }).passthrough();
export const onRelationship = onRelationshipWith({});
