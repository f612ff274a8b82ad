import { useEffect, useId, useState } from 'react';
import {
  Button,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useTab } from './tab-context.js';

/** One row as the API's BulkResult gives it (bot/features/api/bulk-invitations.schemas.ts). */
interface BulkRow {
  readonly row: number;
  readonly to: string;
  readonly state: 'ok' | 'pending' | 'started' | 'created' | 'failed' | 'refused';
  readonly reason: string | null;
  readonly link: string | null;
  readonly code: string | null;
}

interface BulkResult {
  readonly jobId: string | null;
  readonly kind: 'customer' | 'reseller';
  readonly dryRun: boolean;
  readonly state: 'checked' | 'running' | 'done';
  readonly done: boolean;
  readonly counts: Readonly<Record<string, number>>;
  readonly rows: readonly BulkRow[];
  readonly note: string | null;
}

/** How often a running job's progress is asked for. */
const POLL_MS = 1000;

const useStyles = makeStyles({
  page: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '72rem',
  },
  bar: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

/**
 * Bulk invitations from a CSV (issue 31): pick a file, see the dry run's reason per row, run
 * it, watch its progress (the job runs in the background: the page polls it) and download the
 * result file. The API checks, localizes and does everything; the page only shows it.
 */
export function BulkUpload() {
  const styles = useStyles();
  const { t, client } = useTab();
  const inputId = useId();
  const [csv, setCsv] = useState<string | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const pick = (file: File | undefined) => {
    setResult(null);
    if (!file) return setCsv(null);
    void attempt(async () => {
      const text = await file.text();
      setCsv(text);
      setResult(await client.post<BulkResult>('/invitations/bulk/csv?dryRun=true', { csv: text }));
    });
  };

  const run = () =>
    attempt(async () => {
      setResult(await client.post<BulkResult>('/invitations/bulk/csv?dryRun=false', { csv }));
    });

  // The run goes on in the background: its progress asked for until every row is settled.
  const jobId = result?.jobId ?? null;
  const running = !!jobId && !result?.done;
  useEffect(() => {
    if (!running || !jobId) return;
    let current = true;
    const timer = setTimeout(() => {
      client.get<BulkResult>(`/invitations/bulk/${jobId}`).then(
        (next) => current && setResult(next),
        (err: unknown) => current && setFailure(err instanceof Error ? err.message : String(err))
      );
    }, POLL_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, jobId, running, result]);

  const download = () =>
    attempt(async () => {
      const blob = await client.download(`/invitations/bulk/${jobId}.csv`, {});
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `invitations-${jobId}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });

  const counts = result?.counts ?? {};
  const total = result?.rows.length ?? 0;
  const toDo = (counts.pending ?? 0) + (counts.started ?? 0);
  const ok = counts.ok ?? 0;
  const secrets = !!result?.rows.some((r) => r.link);

  return (
    <section className={styles.page} aria-label={t('bulkUpload.title')}>
      <p>{t('bulkUpload.intro')}</p>
      <div className={styles.bar}>
        <label htmlFor={inputId}>{t('bulkUpload.pick')}</label>
        <input
          id={inputId}
          type="file"
          accept=".csv,text/csv"
          disabled={busy || running}
          onChange={(e) => pick(e.target.files?.[0])}
        />
        {busy ? <Spinner size="tiny" label={t('loading')} /> : null}
      </div>
      {failure ? (
        <MessageBar intent="error">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      ) : null}
      {result?.dryRun ? (
        <div className={styles.bar}>
          <span role="status">{t('bulkUpload.checked', { ok, refused: counts.refused ?? 0 })}</span>
          <Button appearance="primary" disabled={busy || ok === 0} onClick={() => void run()}>
            {t('bulkUpload.run', { count: ok })}
          </Button>
        </div>
      ) : null}
      {result && !result.dryRun ? (
        <div className={styles.bar}>
          <span role="status">
            {result.done
              ? t('bulkUpload.done', {
                  created: counts.created ?? 0,
                  failed: counts.failed ?? 0,
                  refused: counts.refused ?? 0,
                })
              : t('bulkUpload.running', { settled: total - toDo, total })}
          </span>
          {result.done ? (
            <Button onClick={() => void download()} disabled={busy}>
              {t('bulkUpload.download')}
            </Button>
          ) : null}
        </div>
      ) : null}
      {running ? (
        <ProgressBar
          value={total ? (total - toDo) / total : 0}
          aria-label={t('bulkUpload.progress')}
        />
      ) : null}
      {result?.note ? (
        <MessageBar intent="info">
          <MessageBarBody>{result.note}</MessageBarBody>
        </MessageBar>
      ) : null}
      {result ? (
        <Table size="small" aria-label={t('bulkUpload.rows')}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('bulkUpload.columns.row')}</TableHeaderCell>
              <TableHeaderCell>{t('bulkUpload.columns.to')}</TableHeaderCell>
              <TableHeaderCell>{t('bulkUpload.columns.outcome')}</TableHeaderCell>
              <TableHeaderCell>{t('bulkUpload.columns.reason')}</TableHeaderCell>
              {secrets ? <TableHeaderCell>{t('bulkUpload.columns.link')}</TableHeaderCell> : null}
              {secrets ? <TableHeaderCell>{t('bulkUpload.columns.code')}</TableHeaderCell> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {result.rows.map((r) => (
              <TableRow key={r.row}>
                <TableCell>{r.row}</TableCell>
                <TableCell>{r.to}</TableCell>
                <TableCell>{t(`bulkUpload.states.${r.state}`)}</TableCell>
                <TableCell>{r.reason ?? ''}</TableCell>
                {secrets ? <TableCell className={styles.mono}>{r.link ?? ''}</TableCell> : null}
                {secrets ? <TableCell className={styles.mono}>{r.code ?? ''}</TableCell> : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </section>
  );
}
