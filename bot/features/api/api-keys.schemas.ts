import { z } from 'zod';
import { API_KEY_SCOPES } from '../../../domain/api-keys/api-key.js';

/** The API keys' shapes, parsed with and documented from (as api.schemas.ts). */

const isoDate = z.iso.datetime().describe('ISO 8601 date-time (UTC)');

export const ApiKeyCreateBody = z
  .object({
    // A label for people (which integration), printable text only.
    name: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'control characters are not allowed'),
    scope: z.enum(API_KEY_SCOPES),
  })
  .strict()
  .meta({ id: 'ApiKeyCreate' });

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(API_KEY_SCOPES),
    createdAt: isoDate,
    createdBy: z.object({ aadObjectId: z.string(), name: z.string().nullable() }),
    lastUsedAt: isoDate.nullable(),
    revoked: z.boolean(),
    revokedAt: isoDate.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z.string().describe('The secret, shown this once: send it as `Authorization: Bearer <key>`'),
}).meta({ id: 'ApiKeyCreated' });

export const ApiKeyListSchema = z
  .object({ items: z.array(ApiKeySchema) })
  .meta({ id: 'ApiKeyList' });

export const ApiKeyIdParam = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
