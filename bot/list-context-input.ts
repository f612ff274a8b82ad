import { z } from 'zod';
import type { ListContext } from '../cards/shared/list-context.js';

/**
 * The list context a detail card's buttons carry back (`listFields`), parsed and bounded: a
 * forged value shows a list page the actor may see anyway, never anything else.
 */
export const listContextFields = {
  list: z.enum(['relationships', 'directory', 'invitations', '']).optional(),
  listPage: z
    .union([z.number(), z.string().max(6)])
    .optional()
    .transform((v) => Math.min(10_000, Math.max(0, Math.floor(Number(v ?? 0)) || 0))),
  listFilter: z
    .enum([
      '',
      'all',
      'expiringSoon',
      'pending',
      'active',
      'accepted',
      'closed',
      'country',
      'everywhere',
    ])
    .optional(),
  listText: z.string().max(100).optional(),
};

/** The parsed list context, or undefined when the card was not opened from a list. */
export function listContextOf(data: {
  list?: ListContext['list'] | '' | undefined;
  listPage: number;
  listFilter?: string | undefined;
  listText?: string | undefined;
}): ListContext | undefined {
  if (!data.list) return undefined;
  return {
    list: data.list,
    page: data.listPage,
    filter: data.listFilter ?? '',
    text: data.listText ?? '',
  };
}
