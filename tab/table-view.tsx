import { Fragment, useCallback, useEffect, useState } from 'react';
import {
  Button,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  TableSelectionCell,
  Toolbar,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, ArrowDownloadRegular, SearchRegular } from '@fluentui/react-icons';
import type { BulkResult, Page, Row } from './api-types.js';
import { ActionDialog, asksFirst } from './action-dialog.js';
import { DetailDrawer } from './detail-drawer.js';
import { useTab } from './tab-context.js';
import type { TableViewSpec, ViewId } from './views.js';

const PAGE_SIZE = 25;

const useStyles = makeStyles({
  filters: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    alignItems: 'end',
    flexWrap: 'wrap',
    margin: `${tokens.spacingVerticalM} 0`,
  },
  field: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  // Columns as wide as their content (an id on one line); the table scrolls sideways instead.
  table: { minWidth: '48rem', tableLayout: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  group: { backgroundColor: tokens.colorNeutralBackground3 },
  scroll: { overflowX: 'auto' },
  pager: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    marginTop: tokens.spacingVerticalM,
  },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  failed: { color: tokens.colorPaletteRedForeground1 },
});

type Sort = { key: string; order: 'asc' | 'desc' } | null;
/** A row's bulk result: done, or the API's (localized) refusal. */
type Outcome = { ok: boolean; error?: string; code?: string };
/** Shown above the table: a catalog key (translated at render, so a language switch follows) or the API's text. */
type Notice = { key: string; values?: Record<string, number> } | { text: string };

/** One table of the API: server-side paging, sort, search, state filter, selection, export. */
export function TableView({
  view,
  initialQuery,
  onOpenView,
}: {
  view: TableViewSpec;
  initialQuery: string;
  onOpenView: (id: ViewId, q?: string) => void;
}) {
  const styles = useStyles();
  const { t, language, client } = useTab();
  const [q, setQ] = useState(initialQuery);
  const [typed, setTyped] = useState(initialQuery);
  const [state, setState] = useState('');
  const [kind, setKind] = useState(view.kinds?.[0] ?? '');
  const [asking, setAsking] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>(view.defaultSort ?? null);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<Page<Row> | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, Outcome>>(new Map());
  const [notice, setNotice] = useState<Notice | null>(null);
  const [opened, setOpened] = useState<Row | null>(null);
  const [reloads, setReloads] = useState(0);

  // Search as you type, asked once the typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(typed.trim());
      setPage(0);
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const query = {
    kind: kind || undefined,
    q,
    state: state || undefined,
    sort: sort?.key,
    order: sort?.order,
  };
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    let current = true;
    setFailure(null);
    client
      .get<Page<Row>>(view.endpoint, { ...JSON.parse(queryKey), page, pageSize: PAGE_SIZE })
      .then(
        // Users are known by their Entra object id; every row needs an `id` for selection.
        (found) =>
          current &&
          setData({
            ...found,
            items: found.items.map((r) => ({ ...r, id: r.id ?? String(r.aadObjectId) })),
          }),
        (err: unknown) => current && setFailure(err instanceof Error ? err.message : String(err))
      );
    return () => {
      current = false;
    };
  }, [client, view.endpoint, queryKey, page, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  // A change made in chat (a card's Authorize, a new request) shows when the person comes back
  // to the tab: Teams keeps a personal tab alive in the background, so a load alone would not.
  useEffect(() => {
    const shown = () => {
      if (document.visibilityState === 'visible') reload();
    };
    document.addEventListener('visibilitychange', shown);
    window.addEventListener('focus', reload);
    return () => {
      document.removeEventListener('visibilitychange', shown);
      window.removeEventListener('focus', reload);
    };
  }, [reload]);
  const rows = data?.items ?? [];
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = rows.some((r) => selected.has(r.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)));
  const sortBy = (key: string) => {
    setSort((s) =>
      s?.key === key ? { key, order: s.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' }
    );
    setPage(0);
  };

  const bulk = async (action: string, extra: Record<string, unknown> = {}) => {
    const ids = [...selected];
    const body = { ...extra, action, ids, ...(kind ? { kind } : {}) };
    try {
      const { results } = await client.post<BulkResult>(`${view.endpoint}/bulk`, body);
      const next = new Map<string, Outcome>();
      for (const r of results) {
        const error = typeof r.error === 'string' ? r.error : r.error?.message;
        // A Resend's new code, as its card shows it (the link is in the row's panel and mail).
        const code = (r.item as { sent?: { code: string } } | undefined)?.sent?.code;
        next.set(
          r.id,
          r.ok
            ? { ok: true, ...(code ? { code } : {}) }
            : { ok: false, ...(error ? { error } : {}) }
        );
      }
      setOutcomes(next);
      const done = results.filter((r) => r.ok).length;
      setNotice({ key: 'bulk.summary', values: { done, failed: results.length - done } });
      setSelected(new Set());
      reload();
    } catch (err) {
      setNotice({ text: err instanceof Error ? err.message : String(err) });
    }
  };

  const exportCsv = async () => {
    try {
      const blob = await client.download(`${view.endpoint}.csv`, JSON.parse(queryKey));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${view.id}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setNotice({ text: err instanceof Error ? err.message : String(err) });
    }
  };

  const first = data && data.total > 0 ? data.page * data.pageSize + 1 : 0;
  const last = data ? Math.min(data.total, (data.page + 1) * data.pageSize) : 0;
  const ariaSort = (key: string) =>
    sort?.key === key ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined;

  return (
    <section aria-label={t(`nav.${view.id}`)}>
      <div className={styles.filters} role="search">
        <div className={styles.field}>
          <label htmlFor={`${view.id}-search`}>{t('table.search')}</label>
          <Input
            id={`${view.id}-search`}
            type="search"
            contentBefore={<SearchRegular aria-hidden />}
            value={typed}
            onChange={(_, d) => setTyped(d.value)}
          />
        </div>
        {view.kinds ? (
          <div className={styles.field}>
            <label htmlFor={`${view.id}-kind`}>{t('table.kind')}</label>
            <Select
              id={`${view.id}-kind`}
              value={kind}
              onChange={(_, d) => {
                setKind(d.value);
                setPage(0);
                setSelected(new Set());
                setOutcomes(new Map());
              }}
            >
              {view.kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </Select>
          </div>
        ) : null}
        {view.states.length ? (
          <div className={styles.field}>
            <label htmlFor={`${view.id}-state`}>{t(view.stateLabel ?? 'table.state')}</label>
            <Select
              id={`${view.id}-state`}
              value={state}
              onChange={(_, d) => {
                setState(d.value);
                setPage(0);
              }}
            >
              <option value="">{t(view.stateLabel ? 'table.allRoles' : 'table.allStates')}</option>
              {view.states.map((s) => (
                <option key={s} value={s}>
                  {t(view.stateLabel ? `roles.${s}` : `states.${s}`)}
                </option>
              ))}
            </Select>
          </div>
        ) : null}
        <Toolbar aria-label={t('table.actions')}>
          {view.bulk.map((action) => (
            <Button
              key={action}
              disabled={selected.size === 0}
              onClick={() => (asksFirst(action, null) ? setAsking(action) : void bulk(action))}
            >
              {t(`bulk.${action}`, { count: selected.size })}
            </Button>
          ))}
          <Button icon={<ArrowClockwiseRegular />} onClick={reload}>
            {t('table.refresh')}
          </Button>
          <Button icon={<ArrowDownloadRegular />} onClick={() => void exportCsv()}>
            {t('table.export')}
          </Button>
        </Toolbar>
      </div>
      {notice ? (
        <MessageBar intent="info" role="status">
          <MessageBarBody>
            {'key' in notice ? t(notice.key, notice.values) : notice.text}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {failure ? (
        <MessageBar intent="error">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      ) : null}
      {!data ? (
        <Spinner label={t('loading')} />
      ) : (
        <div className={styles.scroll}>
          <Table
            className={styles.table}
            sortable
            aria-label={t(`nav.${view.id}`)}
            aria-rowcount={data.total + 1}
          >
            <TableHeader>
              <TableRow>
                {view.bulk.length ? (
                  <TableSelectionCell
                    checked={allSelected ? true : someSelected ? 'mixed' : false}
                    onClick={toggleAll}
                    checkboxIndicator={{ 'aria-label': t('table.selectAll') }}
                  />
                ) : null}
                {view.columns.map((c) =>
                  c.sort ? (
                    <TableHeaderCell
                      key={c.key}
                      sortDirection={ariaSort(c.sort)}
                      onClick={() => sortBy(c.sort!)}
                    >
                      {t(c.label)}
                    </TableHeaderCell>
                  ) : (
                    <TableHeaderCell key={c.key}>{t(c.label)}</TableHeaderCell>
                  )
                )}
                {outcomes.size ? <TableHeaderCell>{t('bulk.result')}</TableHeaderCell> : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={view.columns.length + 2}>{t('table.empty')}</TableCell>
                </TableRow>
              ) : null}
              {rows.map((row, i) => {
                const outcome = outcomes.get(row.id);
                const group = view.groupBy && sort?.key === view.groupBy.sort ? view.groupBy : null;
                const heading =
                  group && (i === 0 || group.name(rows[i - 1]!) !== group.name(row))
                    ? group.name(row)
                    : null;
                return (
                  <Fragment key={row.id}>
                    {heading !== null ? (
                      <TableRow className={styles.group}>
                        <TableCell colSpan={view.columns.length + 2}>
                          <strong>{heading}</strong>
                        </TableCell>
                      </TableRow>
                    ) : null}
                    <TableRow data-row-id={row.id} aria-selected={selected.has(row.id)}>
                      {view.bulk.length ? (
                        <TableSelectionCell
                          checked={selected.has(row.id)}
                          onClick={() => toggle(row.id)}
                          checkboxIndicator={{
                            'aria-label': t('table.select', { name: view.title(row) }),
                          }}
                        />
                      ) : null}
                      {view.columns.map((c, i) => (
                        <TableCell key={c.key} className={c.nowrap ? styles.nowrap : undefined}>
                          {i === 0 ? (
                            <Link as="button" onClick={() => setOpened(row)}>
                              {c.render(row, { t, language })}
                            </Link>
                          ) : (
                            c.render(row, { t, language })
                          )}
                        </TableCell>
                      ))}
                      {outcomes.size ? (
                        <TableCell
                          className={outcome ? (outcome.ok ? styles.ok : styles.failed) : undefined}
                        >
                          {outcome
                            ? outcome.ok
                              ? outcome.code
                                ? t('bulk.resentCode', { code: outcome.code })
                                : t('bulk.done')
                              : (outcome.error ?? t('bulk.failed'))
                            : ''}
                        </TableCell>
                      ) : null}
                    </TableRow>
                  </Fragment>
                );
              })}
            </TableBody>
          </Table>
          <nav className={styles.pager} aria-label={t('table.pages')}>
            <Button disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
              {t('table.previous')}
            </Button>
            <span aria-live="polite">{t('table.range', { first, last, total: data.total })}</span>
            <Button disabled={last >= data.total} onClick={() => setPage((p) => p + 1)}>
              {t('table.next')}
            </Button>
          </nav>
        </div>
      )}
      {asking ? (
        <ActionDialog
          action={asking}
          row={null}
          name=""
          onCancel={() => setAsking(null)}
          onConfirm={(body) => {
            setAsking(null);
            void bulk(asking, body);
          }}
        />
      ) : null}
      {opened ? (
        <DetailDrawer
          view={view}
          kind={kind}
          row={opened}
          onClose={() => {
            const id = opened.id;
            setOpened(null);
            // Back to the row that opened the panel (the table may have been redrawn since).
            setTimeout(() =>
              document
                .querySelector<HTMLElement>(`[data-row-id="${CSS.escape(id)}"] button`)
                ?.focus()
            );
          }}
          onChanged={reload}
          onOpenView={onOpenView}
        />
      ) : null}
    </section>
  );
}
