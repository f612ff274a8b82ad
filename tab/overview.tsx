import { useEffect, useState } from 'react';
import {
  Card,
  CardHeader,
  Link,
  MessageBar,
  MessageBarBody,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { Overview as OverviewData } from './api-types.js';
import { formatDay } from './i18n.js';
import { useTab } from './tab-context.js';
import type { ViewId } from './views.js';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(18rem, 1fr))',
    gap: tokens.spacingHorizontalL,
    marginTop: tokens.spacingVerticalL,
  },
  wide: { gridColumn: '1 / -1' },
  numbers: { display: 'flex', gap: tokens.spacingHorizontalXL, margin: 0 },
  number: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  h2: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  counts: { borderCollapse: 'collapse', width: '100%' },
  bar: { fill: tokens.colorBrandBackground },
  axis: { fill: tokens.colorNeutralForeground2, fontSize: '11px' },
});

const KIND_VIEW: Record<string, ViewId> = {
  relationship: 'resellers',
  invitation: 'invitations',
  application: 'applications',
};

/** What needs me, what expires soon, counts by state, and expiries over the next 12 months. */
export function Overview({ onOpen }: { onOpen: (id: ViewId, q?: string) => void }) {
  const styles = useStyles();
  const { t, language, client, me } = useTab();
  const [data, setData] = useState<OverviewData | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    client
      .get<OverviewData>('/overview')
      .then(setData, (err: unknown) =>
        setFailure(err instanceof Error ? err.message : String(err))
      );
  }, [client]);

  if (failure)
    return (
      <MessageBar intent="error">
        <MessageBarBody>{failure}</MessageBarBody>
      </MessageBar>
    );
  if (!data) return <Spinner label={t('loading')} />;
  const kindView = (kind: string): ViewId =>
    kind === 'relationship' && me.partner?.partnerType === 'reseller'
      ? 'providers'
      : KIND_VIEW[kind]!;

  return (
    <div className={styles.grid}>
      <Card>
        <CardHeader header={<h2 className={styles.h2}>{t('overview.needsMe')}</h2>} />
        {data.needsMe.length === 0 ? (
          <p>{t('overview.nothingNeedsMe')}</p>
        ) : (
          <ul className={styles.list}>
            {data.needsMe.map((n) => (
              <li key={`${n.kind}/${n.id}`}>
                <Link as="button" onClick={() => onOpen(kindView(n.kind), n.title)}>
                  {t(`overview.kinds.${n.kind}`)}: {n.title}
                </Link>{' '}
                {n.since ? `(${formatDay(language, n.since)})` : ''}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {/* An operator without a partner owns no relationships: the queue is all there is. */}
      {me.partner ? (
        <>
          <Card>
            <CardHeader header={<h2 className={styles.h2}>{t('overview.expiring')}</h2>} />
            <dl className={styles.numbers}>
              {(['within30', 'within7', 'within1'] as const).map((k) => (
                <div key={k}>
                  <dt>{t(`overview.${k}`)}</dt>
                  <dd className={styles.number} data-testid={`expiring-${k}`}>
                    {data.expiring[k]}
                  </dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card>
            <CardHeader header={<h2 className={styles.h2}>{t('overview.byState')}</h2>} />
            {(['relationships', 'invitations'] as const).map((group) => (
              <table key={group} className={styles.counts}>
                <caption>{t(`overview.${group}`)}</caption>
                <tbody>
                  {Object.keys(data.counts[group]).length === 0 ? (
                    <tr>
                      <td>{t('overview.none')}</td>
                    </tr>
                  ) : null}
                  {Object.entries(data.counts[group]).map(([state, n]) => (
                    <tr key={state}>
                      <th scope="row" style={{ textAlign: 'start', fontWeight: 'normal' }}>
                        {t(`states.${state}`)}
                      </th>
                      <td style={{ textAlign: 'end' }}>{n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </Card>
          <Card className={styles.wide}>
            <CardHeader header={<h2 className={styles.h2}>{t('overview.timeline')}</h2>} />
            <ExpiryChart months={data.expiriesByMonth} />
          </Card>
        </>
      ) : null}
    </div>
  );
}

/** A bar per month; screen readers get the same numbers as a table. */
function ExpiryChart({ months }: { months: OverviewData['expiriesByMonth'] }) {
  const styles = useStyles();
  const { t, language } = useTab();
  const max = Math.max(1, ...months.map((m) => m.count));
  const format = (month: string, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-US', {
      ...options,
      timeZone: 'UTC',
    }).format(new Date(`${month}-01T00:00:00Z`));
  // Under each bar its month; the year only where it starts (and under the first bar), so the
  // labels fit in Russian too («сент.»).
  const label = (month: string) => format(month, { month: 'short', year: 'numeric' });
  const monthOnly = (month: string) => format(month, { month: 'short' });
  const year = (month: string, i: number) =>
    i === 0 || month.endsWith('-01') ? month.slice(0, 4) : '';
  const W = 48;
  const H = 120;
  // Room above the tallest bar for its number.
  const TOP = 16;
  return (
    <>
      <svg
        viewBox={`0 -${TOP} ${months.length * W} ${H + 36 + TOP}`}
        width="100%"
        height="160"
        aria-hidden="true"
        preserveAspectRatio="xMinYMid meet"
      >
        {months.map((m, i) => {
          const h = (m.count / max) * H;
          return (
            <g key={m.month}>
              <rect
                className={styles.bar}
                x={i * W + 8}
                y={H - h}
                width={W - 16}
                height={h}
                rx="2"
              />
              <text className={styles.axis} x={i * W + W / 2} y={H - h - 4} textAnchor="middle">
                {m.count || ''}
              </text>
              <text className={styles.axis} x={i * W + W / 2} y={H + 16} textAnchor="middle">
                {monthOnly(m.month)}
              </text>
              <text className={styles.axis} x={i * W + W / 2} y={H + 30} textAnchor="middle">
                {year(m.month, i)}
              </text>
            </g>
          );
        })}
      </svg>
      <table
        style={{
          position: 'absolute',
          width: 1,
          height: 1,
          overflow: 'hidden',
          clip: 'rect(0 0 0 0)',
        }}
      >
        <caption>{t('overview.timeline')}</caption>
        <tbody>
          {months.map((m) => (
            <tr key={m.month}>
              <th scope="row">{label(m.month)}</th>
              <td>{m.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
