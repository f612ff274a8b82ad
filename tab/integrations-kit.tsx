import { useState, type ReactNode } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
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
import { CopyRegular } from '@fluentui/react-icons';
import { ApiError } from './api-client.js';
import type { TabLanguage } from './i18n.js';
import { useTab } from './tab-context.js';

/** What the integrations page shows of a refusal: the API's localized text, and per field. */
export interface Problem {
  readonly message: string;
  readonly fields: readonly { readonly field: string; readonly message: string }[];
}

export function problemOf(err: unknown): Problem {
  if (err instanceof ApiError) return { message: err.message, fields: err.fields };
  return { message: err instanceof Error ? err.message : String(err), fields: [] };
}

/** The message problem+json gives for one field (`body.url`), for the Field showing it. */
export function fieldMessage(problem: Problem | null, field: string): string | undefined {
  const found = problem?.fields.filter((f) => f.field === field || f.field.startsWith(`${field}.`));
  return found?.length ? found.map((f) => f.message).join(' ') : undefined;
}

/**
 * A refusal, read out by screen readers as it appears; not when it is only about fields the
 * form shows the message beside (`beside`), which say it already.
 */
export function ProblemBar({
  problem,
  beside = [],
}: {
  problem: Problem | null;
  beside?: readonly string[];
}) {
  const { t } = useTab();
  if (!problem) return null;
  const shown = (f: { readonly field: string }) =>
    beside.some((b) => f.field === b || f.field.startsWith(`${b}.`));
  if (problem.fields.length > 0 && problem.fields.every(shown)) return null;
  return (
    <div role="alert">
      <MessageBar intent="error">
        <MessageBarBody>{t('integrations:failed', { message: problem.message })}</MessageBarBody>
      </MessageBar>
    </div>
  );
}

/** Something done, as a catalog key: translated at render, so a language switch follows. */
export interface Done {
  readonly key: string;
  readonly values?: Record<string, string>;
}

/** Something done: one line, polite. */
export function DoneBar({ done }: { done: Done | null }) {
  const { t } = useTab();
  if (!done) return null;
  const text = t(done.key, done.values);
  return (
    <div role="status">
      <MessageBar intent="success">
        <MessageBarBody>{text}</MessageBarBody>
      </MessageBar>
    </div>
  );
}

const useStyles = makeStyles({
  secret: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'end',
    marginTop: tokens.spacingVerticalS,
  },
  secretInput: { flexGrow: 1, fontFamily: tokens.fontFamilyMonospace },
});

/**
 * A secret the server shows this once (an API key, a signing secret): in a read-only field to
 * copy, under a warning that it cannot be shown again; gone when dismissed or the page is left.
 */
export function SecretOnce(props: {
  label: string;
  warning: string;
  value: string;
  onDismiss: () => void;
}) {
  const { t } = useTab();
  const styles = useStyles();
  const [copied, setCopied] = useState<'copied' | 'copyFailed' | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(props.value).then(
      () => setCopied('copied'),
      () => setCopied('copyFailed')
    );
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{t('integrations:secret.warningTitle')}</MessageBarTitle>
        {props.warning}
        <div className={styles.secret}>
          <Field label={props.label} className={styles.secretInput}>
            <Input
              readOnly
              // Focus lands on the secret, selected: a keyboard user copies it at once.
              autoFocus
              value={props.value}
              className={styles.secretInput}
              onFocus={(e) => e.target.select()}
            />
          </Field>
          <Button icon={<CopyRegular />} onClick={copy}>
            {t('integrations:secret.copy')}
          </Button>
        </div>
        {copied ? <p role="status">{t(`integrations:secret.${copied}`)}</p> : null}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={props.onDismiss}>{t('integrations:dismiss')}</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** Asks before something that cannot be undone (revoke, delete, disconnect). */
export function ConfirmDialog(props: {
  title: string;
  text: string;
  action: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTab();
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && props.onCancel()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogContent>{props.text}</DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={props.onCancel}>
              {t('common:actions.cancel')}
            </Button>
            <Button appearance="primary" onClick={props.onConfirm}>
              {props.action}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** A moment (a delivery's attempt) with its time, in the viewer's own time zone. */
export function formatTime(lang: TabLanguage, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-US', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(date);
}

export const useSectionStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    marginBottom: tokens.spacingVerticalXXL,
  },
  heading: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  subheading: {
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
    margin: 0,
  },
  about: { margin: 0, color: tokens.colorNeutralForeground2 },
  intro: { margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalL}` },
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxWidth: '40rem',
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  scroll: { overflowX: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  fieldset: {
    display: 'flex',
    flexDirection: 'column',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    margin: 0,
  },
  error: { color: tokens.colorPaletteRedForeground1, margin: 0 },
  visuallyHidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
  },
});

/** A column of a RecordsTable: its header, and what a record shows in it. */
export interface RecordColumn<T> {
  readonly header: string;
  /** Said to screen readers only (a column of buttons). */
  readonly hiddenHeader?: boolean;
  /** Kept on one line (dates, badges). */
  readonly nowrap?: boolean;
  /** The cell's tooltip (the full value behind a short one). */
  readonly title?: (item: T) => string | undefined;
  readonly cell: (item: T) => ReactNode;
}

/**
 * The integrations page's lists (API keys, webhooks, deliveries): a spinner while loading
 * (nothing when the load was refused: its ProblemBar says why), a line when empty, else a
 * table labelled by its section's heading.
 */
export function RecordsTable<T extends { readonly id: string }>(props: {
  readonly items: readonly T[] | null;
  readonly loadProblem: Problem | null;
  readonly empty: string;
  readonly labelledBy: string;
  readonly columns: readonly RecordColumn<T>[];
}) {
  const { t } = useTab();
  const styles = useSectionStyles();
  const { items, columns } = props;
  if (items === null) {
    return props.loadProblem ? null : <Spinner size="small" label={t('loading')} />;
  }
  if (items.length === 0) return <p>{props.empty}</p>;
  return (
    <div className={styles.scroll}>
      <Table aria-labelledby={props.labelledBy} size="small">
        <TableHeader>
          <TableRow>
            {columns.map((c) => (
              <TableHeaderCell key={c.header}>
                {c.hiddenHeader ? (
                  <span className={styles.visuallyHidden}>{c.header}</span>
                ) : (
                  c.header
                )}
              </TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((item) => (
            <TableRow key={item.id}>
              {columns.map((c) => (
                <TableCell
                  key={c.header}
                  className={c.nowrap ? styles.nowrap : undefined}
                  title={c.title?.(item)}
                >
                  {c.cell(item)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
