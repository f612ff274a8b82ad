import { useEffect, useRef, useState } from 'react';
import {
  Button,
  Checkbox,
  DrawerBody,
  DrawerFooter,
  DrawerHeader,
  DrawerHeaderTitle,
  MessageBar,
  MessageBarBody,
  OverlayDrawer,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { queryString } from './api-client.js';
import type { HistoryEntry, Party, Row } from './api-types.js';
import { ActionDialog, asksFirst } from './action-dialog.js';
import { formatDay } from './i18n.js';
import { useTab } from './tab-context.js';
import type { TableViewSpec, ViewId } from './views.js';

const ROLES = ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'];

const useStyles = makeStyles({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    margin: `${tokens.spacingVerticalM} 0`,
  },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  history: { paddingLeft: tokens.spacingHorizontalL },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

interface Notice {
  readonly intent: 'success' | 'error' | 'info';
  readonly text: string;
}

/** A row's detail: its fields, its history, and the actions the API says this viewer may take. */
export function DetailDrawer({
  view,
  kind,
  row,
  onClose,
  onChanged,
  onOpenView,
}: {
  view: TableViewSpec;
  kind: string;
  row: Row;
  onClose: () => void;
  onChanged: () => void;
  onOpenView: (id: ViewId, q?: string) => void;
}) {
  const styles = useStyles();
  const { t, language, client, me } = useTab();
  const [item, setItem] = useState<Row>(row);
  const [etag, setEtag] = useState<string | null>(null);
  const [loading, setLoading] = useState(view.detail);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [roles, setRoles] = useState<string[]>([...((row.roles as string[]) ?? [])]);
  // An action's button may vanish with the new state (Authorize once authorized): focus moves to
  // its outcome, so it stays inside the panel (Escape still closes it) and is read out.
  const noticeRef = useRef<HTMLDivElement>(null);
  useEffect(() => noticeRef.current?.focus(), [notice]);
  const kindQuery = queryString({ kind: kind || undefined });
  const path = `${view.endpoint}/${encodeURIComponent(row.id)}`;

  useEffect(() => {
    if (!view.detail) return;
    let current = true;
    client.getTagged<Row>(path + kindQuery).then(
      ({ body, etag: tag }) => {
        if (!current) return;
        setItem({ ...row, ...body });
        setEtag(tag);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setNotice({ intent: 'error', text: err instanceof Error ? err.message : String(err) });
        setLoading(false);
      }
    );
    return () => {
      current = false;
    };
  }, [client, view, row, path, kindQuery]);

  const act = async (action: string, body: Record<string, unknown> = {}) => {
    setBusy(true);
    setNotice(null);
    try {
      const answer = await client.post<Row & Record<string, unknown>>(
        `${path}/${action}${kindQuery}`,
        body,
        etag
      );
      setItem((old) => ({ ...old, ...answer }));
      // The answer is the new state; its ETag is asked again before another change.
      setEtag(null);
      if (view.detail)
        client.getTagged<Row>(path + kindQuery).then(
          ({ etag: tag }) => setEtag(tag),
          () => undefined
        );
      const extension = answer.extension as { from: string; to: string; asks: boolean } | undefined;
      let text = t('detail.done', { action: t(`actions.${action}`) });
      if (extension)
        text = t(extension.asks ? 'detail.extendAsked' : 'detail.extended', {
          from: formatDay(language, extension.from),
          to: formatDay(language, extension.to),
        });
      else if (answer.changedNow === false) text = t('detail.unchanged');
      // A Resend's new link and code, shown once as on the card (the old ones no longer work).
      const sent = answer.sent as { link: string; code: string; mailed: string } | undefined;
      if (sent)
        text = `${t(sent.mailed === 'queued' ? 'detail.resentMailed' : 'detail.resentNotMailed')} ${t(
          'detail.linkAndCode',
          { link: sent.link, code: sent.code }
        )}`;
      setNotice({ intent: answer.changedNow === false ? 'info' : 'success', text });
      onChanged();
    } catch (err) {
      setNotice({ intent: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  const click = (action: string) => {
    if (action === 'viewCustomers') {
      onClose();
      onOpenView('customers', (item.reseller as Party | undefined)?.legalName ?? '');
    } else if (asksFirst(action, item)) setAsking(action);
    else void act(action);
  };

  const saveRoles = async () => {
    setBusy(true);
    try {
      await client.put(`/users/${encodeURIComponent(item.id)}/roles`, { roles });
      setNotice({ intent: 'success', text: t('detail.rolesSaved') });
      onChanged();
    } catch (err) {
      setNotice({ intent: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  // A move between states reads "Pending → Active"; a note by its name; the first, "Requested".
  const historyLine = (h: HistoryEntry) => {
    const state = (v: string) => t(`states.${v}`);
    let line: string;
    if (h.action !== h.to) {
      const label = t(`history.${h.action}`);
      line = label === `history.${h.action}` ? h.action : label;
    } else if (!h.from) line = t(view.id === 'invitations' ? 'history.sent' : 'history.created');
    else line = `${state(h.from)} → ${state(h.to)}`;
    if (h.fromExpiresAt && h.toExpiresAt)
      line += ` (${t('history.ends', { from: formatDay(language, h.fromExpiresAt), to: formatDay(language, h.toExpiresAt) })})`;
    if (h.reason) line += `: ${h.reason}`;
    return line;
  };
  const history = (item.history as HistoryEntry[] | undefined) ?? [];
  const actions = (item.actions as string[] | undefined) ?? [];
  const mayEditRoles =
    view.id === 'users' &&
    (me.may?.includes('users.updateRoles') ?? me.roles.includes('globalAdmin'));
  const name = view.title(item);

  return (
    <OverlayDrawer
      open
      position="end"
      size="medium"
      onOpenChange={(_, d) => !d.open && onClose()}
      aria-labelledby="detail-title"
    >
      <DrawerHeader>
        <DrawerHeaderTitle
          heading={{ id: 'detail-title' }}
          action={
            <Button
              appearance="subtle"
              aria-label={t('detail.close')}
              icon={<DismissRegular />}
              onClick={onClose}
            />
          }
        >
          {name}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        {loading ? <Spinner label={t('loading')} /> : null}
        {notice ? (
          <div ref={noticeRef} tabIndex={-1}>
            <MessageBar intent={notice.intent} role="status">
              <MessageBarBody>{notice.text}</MessageBarBody>
            </MessageBar>
          </div>
        ) : null}
        <dl className={styles.facts}>
          {view.columns.map((c) => (
            <div key={c.key} style={{ display: 'contents' }}>
              <dt>{t(c.label)}</dt>
              <dd className={styles.dd}>{c.render(item, { t, language })}</dd>
            </div>
          ))}
        </dl>
        {mayEditRoles ? (
          <fieldset>
            <legend>{t('columns.roles')}</legend>
            {ROLES.map((r) => (
              <Checkbox
                key={r}
                label={t(`roles.${r}`)}
                checked={roles.includes(r)}
                onChange={(_, d) =>
                  setRoles((old) => (d.checked ? [...old, r] : old.filter((x) => x !== r)))
                }
              />
            ))}
          </fieldset>
        ) : null}
        {history.length ? (
          <>
            <h3>{t('detail.history')}</h3>
            <ol className={styles.history}>
              {history.map((h, i) => (
                <li key={i}>
                  {formatDay(language, h.at)}: {historyLine(h)}
                  {h.by ? ` · ${h.by}` : ''}
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </DrawerBody>
      <DrawerFooter>
        <div className={styles.actions} role="group" aria-label={t('detail.actions')}>
          {actions.map((a) => (
            <Button
              key={a}
              appearance={a === 'authorize' || a === 'approve' ? 'primary' : 'secondary'}
              disabled={busy || loading}
              onClick={() => click(a)}
            >
              {t(`actions.${a}`)}
            </Button>
          ))}
          {mayEditRoles ? (
            <Button appearance="primary" disabled={busy} onClick={() => void saveRoles()}>
              {t('detail.saveRoles')}
            </Button>
          ) : null}
        </div>
      </DrawerFooter>
      {asking ? (
        <ActionDialog
          action={asking}
          row={item}
          name={name}
          onCancel={() => setAsking(null)}
          onConfirm={(body) => {
            setAsking(null);
            void act(asking, body);
          }}
        />
      ) : null}
    </OverlayDrawer>
  );
}
