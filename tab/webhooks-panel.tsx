import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { Badge, Button, Checkbox, Field, Input } from '@fluentui/react-components';
import { formatDay } from './i18n.js';
import {
  ConfirmDialog,
  DoneBar,
  ProblemBar,
  RecordsTable,
  SecretOnce,
  fieldMessage,
  problemOf,
  useSectionStyles,
  type Done,
  type Problem,
} from './integrations-kit.js';
import { useTab } from './tab-context.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { TAB_WEBHOOK_EVENTS } from './webhook-events.js';

const GROUPS = ['relationship', 'invitation', 'customer'] as const;

/** A subscription as GET /webhooks lists it (WebhookSchema). */
export interface WebhookItem {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly createdAt: string;
  readonly failing: boolean;
  readonly failingSince: string | null;
}

/** The partner's webhook subscriptions: subscribe (secret shown once), test, deliveries, delete. */
export function WebhooksPanel() {
  const { t, language, client } = useTab();
  const styles = useSectionStyles();
  const headingId = useId();
  const [items, setItems] = useState<readonly WebhookItem[] | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<WebhookItem | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  // The subscription whose deliveries are shown, and a count that asks them again.
  const [shown, setShown] = useState<string | null>(null);
  const [tested, setTested] = useState(0);

  const load = useCallback(() => {
    client.get<{ items: WebhookItem[] }>('/webhooks').then(
      (found) => (setItems(found.items), setLoadProblem(null)),
      (err: unknown) => setLoadProblem(problemOf(err))
    );
  }, [client]);
  useEffect(load, [load]);

  const toggle = (event: string, on: boolean) => {
    const next = new Set(events);
    if (on) next.add(event);
    else next.delete(event);
    setEvents(next);
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const made = await client.post<WebhookItem & { secret: string }>('/webhooks', {
        url: url.trim(),
        events: TAB_WEBHOOK_EVENTS.filter((ev) => events.has(ev)),
      });
      setCreated({ url: made.url, secret: made.secret });
      setUrl('');
      setEvents(new Set());
      load();
    } catch (err) {
      // What was typed and ticked stays, for the person to correct.
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (run: () => Promise<Done>) => {
    setProblem(null);
    setDone(null);
    try {
      setDone(await run());
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  const sendTest = (hook: WebhookItem) =>
    act(async () => {
      const { eventId } = await client.post<{ eventId: string }>(`/webhooks/${hook.id}/test`);
      setShown(hook.id);
      setTested((n) => n + 1);
      return { key: 'integrations:hooks.testSent', values: { url: hook.url, eventId } };
    });
  const remove = (hook: WebhookItem) => {
    setDeleting(null);
    return act(async () => {
      await client.delete(`/webhooks/${hook.id}`);
      if (shown === hook.id) setShown(null);
      // Its signing secret, if still shown, is of no use any more.
      if (created?.url === hook.url) setCreated(null);
      load();
      return { key: 'integrations:hooks.deleted', values: { url: hook.url } };
    });
  };

  const all = events.size === TAB_WEBHOOK_EVENTS.length;
  const shownHook = items?.find((h) => h.id === shown) ?? null;
  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <h2 id={headingId} className={styles.heading}>
        {t('integrations:hooks.title')}
      </h2>
      <p className={styles.about}>{t('integrations:hooks.about')}</p>
      {created ? (
        <SecretOnce
          label={t('integrations:hooks.secretLabel', { url: created.url })}
          warning={t('integrations:hooks.secretWarning')}
          value={created.secret}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      <DoneBar done={done} />
      <ProblemBar problem={problem} beside={['body.url', 'body.events']} />
      <form
        className={styles.form}
        onSubmit={create}
        aria-label={t('integrations:hooks.createTitle')}
      >
        <h3 className={styles.subheading}>{t('integrations:hooks.createTitle')}</h3>
        <Field
          label={t('integrations:hooks.url')}
          hint={t('integrations:hooks.urlHint')}
          required
          validationMessage={fieldMessage(problem, 'body.url')}
        >
          <Input type="url" value={url} onChange={(_, d) => setUrl(d.value)} />
        </Field>
        <fieldset className={styles.fieldset}>
          <legend>{t('integrations:hooks.events')}</legend>
          <Checkbox
            label={t('integrations:hooks.selectAll')}
            checked={all ? true : events.size ? 'mixed' : false}
            onChange={() => setEvents(new Set(all ? [] : TAB_WEBHOOK_EVENTS))}
          />
          {GROUPS.map((group) => (
            <fieldset key={group} className={styles.fieldset}>
              <legend>{t(`integrations:hooks.groups.${group}`)}</legend>
              {TAB_WEBHOOK_EVENTS.filter((ev) => ev.startsWith(`${group}.`)).map((ev) => (
                <Checkbox
                  key={ev}
                  label={`${t(`integrations:hooks.event.${ev}`)} (${ev})`}
                  checked={events.has(ev)}
                  onChange={(_, d) => toggle(ev, d.checked === true)}
                />
              ))}
            </fieldset>
          ))}
          {fieldMessage(problem, 'body.events') ? (
            <p className={styles.error}>{t('integrations:hooks.pickEvents')}</p>
          ) : null}
        </fieldset>
        <div>
          <Button appearance="primary" type="submit" disabled={busy}>
            {t('integrations:hooks.create')}
          </Button>
        </div>
      </form>
      <ProblemBar problem={loadProblem} />
      <RecordsTable
        items={items}
        loadProblem={loadProblem}
        empty={t('integrations:hooks.none')}
        labelledBy={headingId}
        columns={[
          { header: t('integrations:hooks.url'), cell: (h) => h.url },
          {
            header: t('integrations:hooks.events'),
            title: (h) => h.events.join(', '),
            cell: (h) =>
              h.events.length === TAB_WEBHOOK_EVENTS.length
                ? t('integrations:hooks.selectAll')
                : h.events.map((ev) => t(`integrations:hooks.event.${ev}`)).join(', '),
          },
          {
            header: t('integrations:hooks.state'),
            cell: (h) =>
              h.failing ? (
                <Badge appearance="filled" color="danger" className={styles.nowrap}>
                  {t('integrations:hooks.failing', { date: formatDay(language, h.failingSince) })}
                </Badge>
              ) : (
                <Badge appearance="tint" color="success">
                  {t('integrations:hooks.active')}
                </Badge>
              ),
          },
          {
            header: t('integrations:actions'),
            hiddenHeader: true,
            cell: (h) => (
              <div className={styles.row}>
                <Button
                  size="small"
                  aria-label={t('integrations:hooks.sendTestNamed', { url: h.url })}
                  onClick={() => void sendTest(h)}
                >
                  {t('integrations:hooks.sendTest')}
                </Button>
                <Button
                  size="small"
                  aria-expanded={shown === h.id}
                  aria-label={t('integrations:hooks.deliveriesNamed', { url: h.url })}
                  onClick={() => setShown(shown === h.id ? null : h.id)}
                >
                  {t('integrations:hooks.deliveries')}
                </Button>
                <Button
                  size="small"
                  aria-label={t('integrations:hooks.deleteNamed', { url: h.url })}
                  onClick={() => setDeleting(h)}
                >
                  {t('integrations:hooks.delete')}
                </Button>
              </div>
            ),
          },
        ]}
      />
      {shownHook ? <WebhookDeliveries key={`${shownHook.id}|${tested}`} hook={shownHook} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={t('integrations:hooks.confirmDeleteTitle')}
          text={t('integrations:hooks.confirmDelete', { url: deleting.url })}
          action={t('integrations:hooks.delete')}
          onCancel={() => setDeleting(null)}
          onConfirm={() => void remove(deleting)}
        />
      ) : null}
    </section>
  );
}
