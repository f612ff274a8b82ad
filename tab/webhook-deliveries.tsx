import { useCallback, useEffect, useId, useState } from 'react';
import { Badge, Button } from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import {
  ProblemBar,
  RecordsTable,
  formatTime,
  problemOf,
  useSectionStyles,
  type Problem,
} from './integrations-kit.js';
import { useTab } from './tab-context.js';
import type { WebhookItem } from './webhooks-panel.js';

/** A delivery as GET /webhooks/:id/deliveries lists it (WebhookDeliverySchema). */
interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly type: string;
  readonly state: 'due' | 'leased' | 'sent' | 'failed';
  readonly attempts: number;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly responseCode: number | null;
  readonly error: string | null;
}

/** How often the panel asks again while a delivery is still on its way, and how many times. */
const POLL_MS = 1_000;
const POLLS = 60;

const COLORS = {
  due: 'informative',
  leased: 'informative',
  sent: 'success',
  failed: 'danger',
} as const;

/**
 * A subscription's last deliveries: event, status, time, attempts, response code. Asked again
 * by itself while one is waiting or being sent (a test event just queued), a bounded number of
 * times; Refresh asks on demand.
 */
export function WebhookDeliveries({ hook }: { hook: WebhookItem }) {
  const { t, language, client } = useTab();
  const styles = useSectionStyles();
  const headingId = useId();
  const [items, setItems] = useState<readonly Delivery[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [polls, setPolls] = useState(0);

  const load = useCallback(
    () =>
      client.get<{ items: Delivery[] }>(`/webhooks/${hook.id}/deliveries`).then(
        (found) => (setItems(found.items), setProblem(null)),
        (err: unknown) => setProblem(problemOf(err))
      ),
    [client, hook.id]
  );
  useEffect(() => void load(), [load]);

  const onTheWay = items?.some((d) => d.state === 'due' || d.state === 'leased') ?? false;
  useEffect(() => {
    if (!onTheWay || polls >= POLLS) return;
    const timer = setTimeout(() => void load().then(() => setPolls((n) => n + 1)), POLL_MS);
    return () => clearTimeout(timer);
  }, [onTheWay, polls, items, load]);

  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <div className={styles.row}>
        <h3 id={headingId} className={styles.subheading}>
          {t('integrations:hooks.deliveriesTitle', { url: hook.url })}
        </h3>
        <Button
          size="small"
          icon={<ArrowClockwiseRegular />}
          onClick={() => (setPolls(0), void load())}
        >
          {t('integrations:refresh')}
        </Button>
      </div>
      <ProblemBar problem={problem} />
      <RecordsTable
        items={items}
        loadProblem={problem}
        empty={t('integrations:hooks.noDeliveries')}
        labelledBy={headingId}
        columns={[
          {
            header: t('integrations:hooks.delivery.event'),
            title: (d) => d.eventId,
            cell: (d) => t(`integrations:hooks.event.${d.type}`),
          },
          {
            header: t('integrations:hooks.delivery.state'),
            cell: (d) => (
              <Badge appearance="tint" color={COLORS[d.state]}>
                {t(`integrations:hooks.delivery.states.${d.state}`)}
              </Badge>
            ),
          },
          {
            header: t('integrations:hooks.delivery.time'),
            nowrap: true,
            cell: (d) => formatTime(language, d.lastAttemptAt ?? d.createdAt),
          },
          { header: t('integrations:hooks.delivery.attempts'), cell: (d) => d.attempts },
          { header: t('integrations:hooks.delivery.code'), cell: (d) => d.responseCode ?? '—' },
          { header: t('integrations:hooks.delivery.error'), cell: (d) => d.error ?? '—' },
        ]}
      />
    </section>
  );
}
