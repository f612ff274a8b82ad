import { z } from 'zod';

/** A record id as cards carry it. */
export const ref = z.string().regex(/^[0-9a-f]{24}$/);
/** An invitation verb's data: the invitation, and the list page its card was opened from. */
export const onInvitation = z
  .object({ invitationRef: ref, page: z.union([z.number(), z.string().max(6)]).optional() })
  .passthrough();
/** A list page a card carries (a number; the templating may send it as text), bounded. */
export const pageNumber = z
  .union([z.number(), z.string().max(6)])
  .optional()
  .transform((v) => Math.min(10_000, Math.max(0, Math.floor(Number(v ?? 0)) || 0)));
