import { useEffect, useState } from 'react';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
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
import type { HistoryEntry, Party, Row } from './api-types.js';
import { formatDay } from './i18n.js';
import { useTab } from './tab-context.js';
import type { TableViewSpec, ViewId } from './views.js';

const ROLES = ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'];

const useStyles = makeStyles({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    margin: 0,
  },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  history: { paddingLeft: tokens.spacingHorizontalL },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

/** A row's detail: its fields, its history, and the actions the API says this viewer may take. */
export function DetailDrawer({
  view,
  row,
  onClose,
  onChanged,
  onOpenView,
}: {
  view: TableViewSpec;
  row: Row;
  onClose: () => void;
  onChanged: () => void;
  onOpenView: (id: ViewId, q?: string) => void;
}) {
  const styles = useStyles();
  const { t, language, client, me } = useTab();
  const [item, setItem] = useState<Row>(row);
  const [etag, setEtag] = useState<string | null>(null);
  const [loading, setLoading] = useState(view.id !== 'users');
  const [notice, setNotice] = useState<{ intent: 'success' | 'error'; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [roles, setRoles] = useState<string[]>([...((row.roles as string[]) ?? [])]);

  useEffect(() => {
    if (view.id === 'users') return;
    let current = true;
    client.getTagged<Row>(`${view.endpoint}/${encodeURIComponent(row.id)}`).then(
      ({ body, etag: tag }) => {
        if (!current) return;
        setItem({ ...row, ...body });
        setEtag(tag);
        setLoading(false);
      },
      // A list whose rows have no detail resource: the row is the detail.
      () => current && setLoading(false)
    );
    return () => {
      current = false;
    };
  }, [client, view, row]);

  const act = async (action: string) => {
    if (action === 'viewCustomers') {
      onClose();
      onOpenView('customers', (item.reseller as Party | undefined)?.legalName ?? '');
      return;
    }
    setBusy(true);
    setNotice(null);
    const before = item.expiresAt as string | undefined;
    const body =
      action === 'end'
        ? { confirmed: true }
        : action === 'autoExtend'
          ? { on: !item.autoExtend }
          : {};
    try {
      const answer = await client.post<Record<string, unknown>>(
        `${view.endpoint}/${encodeURIComponent(item.id)}/${action}`,
        body,
        etag
      );
      const updated = ((answer.item as Row | undefined) ?? answer) as Row;
      setItem((old) => ({ ...old, ...updated }));
      setEtag(null);
      const after = (answer.newExpiresAt ?? answer.to ?? updated.expiresAt) as string | undefined;
      const from = (answer.oldExpiresAt ?? answer.from ?? before) as string | undefined;
      setNotice({
        intent: 'success',
        text:
          action === 'extend'
            ? t('detail.extended', {
                from: formatDay(language, from),
                to: formatDay(language, after),
              })
            : t('detail.done', { action: t(`actions.${action}`) }),
      });
      onChanged();
    } catch (err) {
      setNotice({ intent: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
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

  const history = (item.history as HistoryEntry[] | undefined) ?? [];
  const actions = (item.actions as string[] | undefined) ?? [];
  // An action the catalog does not name yet reads as the API's word rather than a key.
  const historyLabel = (action: string) => {
    const label = t(`history.${action}`);
    return label === `history.${action}` ? action : label;
  };
  const mayEditRoles = view.id === 'users' && me.roles.includes('globalAdmin');

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
          id="detail-title"
          action={
            <Button
              appearance="subtle"
              aria-label={t('detail.close')}
              icon={<DismissRegular />}
              onClick={onClose}
            />
          }
        >
          {view.title(item)}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        {loading ? <Spinner label={t('loading')} /> : null}
        {notice ? (
          <MessageBar intent={notice.intent} role="status">
            <MessageBarBody>{notice.text}</MessageBarBody>
          </MessageBar>
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
                  {formatDay(language, h.at)}: {historyLabel(h.action)}
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
              disabled={busy}
              onClick={() => (a === 'end' ? setConfirming(true) : void act(a))}
            >
              {a === 'autoExtend'
                ? t(item.autoExtend ? 'actions.autoExtendOff' : 'actions.autoExtendOn')
                : t(`actions.${a}`)}
            </Button>
          ))}
          {mayEditRoles ? (
            <Button appearance="primary" disabled={busy} onClick={() => void saveRoles()}>
              {t('detail.saveRoles')}
            </Button>
          ) : null}
        </div>
      </DrawerFooter>
      <Dialog open={confirming} onOpenChange={(_, d) => setConfirming(d.open)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('detail.confirmEndTitle')}</DialogTitle>
            <DialogContent>{t('detail.confirmEnd', { name: view.title(item) })}</DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={() => setConfirming(false)}>
                {t('common:actions.cancel')}
              </Button>
              <Button
                appearance="primary"
                onClick={() => {
                  setConfirming(false);
                  void act('end');
                }}
              >
                {t('actions.end')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </OverlayDrawer>
  );
}
