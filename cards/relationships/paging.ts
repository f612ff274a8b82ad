import type { Page } from '../../domain/relationships/relationship.service.js';
import { t, type Language } from '../../i18n/i18n.js';

/** "Page 2 of 7 (31 in all)" and the Previous / Next buttons a page needs (none for one page). */
export function pagingOf(
  language: Language,
  page: Pick<Page<unknown>, 'page' | 'pageCount' | 'total' | 'more'>
): { pageText: string; paging: { title: string; page: number }[] } {
  const paging: { title: string; page: number }[] = [];
  if (page.page > 0) {
    paging.push({ title: t(language, 'relationships:paging.previous'), page: page.page - 1 });
  }
  if (page.page + 1 < page.pageCount) {
    paging.push({ title: t(language, 'relationships:paging.next'), page: page.page + 1 });
  }
  const pageText =
    page.pageCount > 1
      ? t(language, `relationships:paging.${page.more ? 'page_more' : 'page'}`, {
          page: page.page + 1,
          pages: page.pageCount,
          total: page.total,
        })
      : '';
  return { pageText, paging };
}
