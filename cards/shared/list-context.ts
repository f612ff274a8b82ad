import { Verbs } from '../verbs.js';

/** The lists a detail card can be opened from, each with the verb that shows one of its pages. */
export const LIST_VERBS = {
  relationships: Verbs.relationshipsPage,
  directory: Verbs.directoryPage,
  invitations: Verbs.invitationsPage,
} as const;

export type ListKind = keyof typeof LIST_VERBS;

/**
 * Where a detail card was opened from: which list, its page, its filter and its search. Every
 * button of the detail card carries it, so its Back to list shows that same page again (read
 * afresh: a change made on the detail is seen there).
 */
export interface ListContext {
  readonly list: ListKind;
  readonly page: number;
  /**
   * The list's filter: `all` / `expiringSoon` / a state for relationships, `country` /
   * `everywhere` for the directory, `all` / a state for invitations.
   */
  readonly filter: string;
  readonly text: string;
}

/** The list context as card action data (strings, as Teams sends them back). */
export function listFields(list: ListContext | undefined): Record<string, string> {
  return list
    ? {
        list: list.list,
        listPage: String(list.page),
        listFilter: list.filter,
        listText: list.text,
      }
    : {};
}

/** The Back to list button's verb and data: the page verb of that list, as its cards send it. */
export function backToList(list: ListContext): { verb: string; data: Record<string, string> } {
  const page = String(list.page);
  if (list.list === 'directory') {
    return {
      verb: LIST_VERBS.directory,
      data: {
        page,
        everywhere: list.filter === 'everywhere' ? 'true' : 'false',
        text: list.text,
      },
    };
  }
  return {
    verb: LIST_VERBS[list.list],
    data: { page, filter: list.filter, text: list.text },
  };
}
