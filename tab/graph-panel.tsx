import { useCallback, useEffect, useId, useState } from 'react';
import {
  Badge,
  Button,
  Link,
  MessageBar,
  MessageBarBody,
  Spinner,
} from '@fluentui/react-components';
import { OpenRegular } from '@fluentui/react-icons';
import { formatDay } from './i18n.js';
import {
  ConfirmDialog,
  DoneBar,
  ProblemBar,
  problemOf,
  useSectionStyles,
  type Done,
  type Problem,
} from './integrations-kit.js';
import { useTab } from './tab-context.js';

interface Connection {
  readonly connected: boolean;
  readonly connectedAt: string | null;
}

/**
 * Opens the admin consent outside the tab: in Teams through TeamsJS (a tab's frame may not open
 * windows of its own), in a browser in a new window without a way back to this page.
 */
async function openOutside(url: string, inTeams: boolean): Promise<void> {
  if (inTeams) {
    const { app } = await import('./teams-sdk.js');
    await app.openLink(url);
  } else {
    window.open(url, '_blank', 'noopener,noreferrer');
  }
}

/**
 * The partner's connection to Microsoft Graph: its state, Connect Microsoft (the admin-consent
 * link, made on the click: it is good once, for 15 minutes) and Disconnect after a confirmation.
 */
export function GraphPanel() {
  const { t, language, client, inTeams } = useTab();
  const styles = useSectionStyles();
  const headingId = useId();
  const [connection, setConnection] = useState<Connection | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<Done | null>(null);

  const load = useCallback(
    () =>
      client.get<Connection>('/graph/connection').then(
        (found) => setConnection(found),
        (err: unknown) => setProblem(problemOf(err))
      ),
    [client]
  );
  useEffect(() => void load(), [load]);
  // Back from the consent window: the connection may have been made meanwhile.
  useEffect(() => {
    const again = () => void load();
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, [load]);

  const connect = async () => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const { url } = await client.post<{ url: string }>('/graph/connection/consent-link');
      setLink(url);
      await openOutside(url, inTeams);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  const disconnect = async () => {
    setAsking(false);
    setProblem(null);
    try {
      await client.delete('/graph/connection');
      setLink(null);
      setDone({ key: 'integrations:graph.disconnected' });
      await load();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };

  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <h2 id={headingId} className={styles.heading}>
        {t('integrations:graph.title')}
      </h2>
      <p className={styles.about}>{t('integrations:graph.about')}</p>
      <div role="status">
        {connection === null ? (
          problem ? null : (
            <Spinner size="small" label={t('loading')} />
          )
        ) : connection.connected ? (
          <Badge appearance="filled" color="success" size="large">
            {t('integrations:graph.connected', {
              date: formatDay(language, connection.connectedAt),
            })}
          </Badge>
        ) : (
          <Badge appearance="outline" color="informative" size="large">
            {t('integrations:graph.notConnected')}
          </Badge>
        )}
      </div>
      <DoneBar done={done} />
      <ProblemBar problem={problem} />
      {link ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            {t('integrations:graph.opened')}{' '}
            <Link href={link} target="_blank" rel="noopener noreferrer">
              {t('integrations:graph.openAgain')}
            </Link>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.row}>
        <Button appearance="primary" icon={<OpenRegular />} disabled={busy} onClick={connect}>
          {t(`integrations:graph.${connection?.connected ? 'connectAgain' : 'connect'}`)}
        </Button>
        <Button onClick={() => (setProblem(null), void load())}>
          {t('integrations:graph.check')}
        </Button>
        {connection?.connected ? (
          <Button onClick={() => setAsking(true)}>{t('integrations:graph.disconnect')}</Button>
        ) : null}
      </div>
      {asking ? (
        <ConfirmDialog
          title={t('integrations:graph.confirmDisconnectTitle')}
          text={t('integrations:graph.confirmDisconnect')}
          action={t('integrations:graph.disconnect')}
          onCancel={() => setAsking(false)}
          onConfirm={() => void disconnect()}
        />
      ) : null}
    </section>
  );
}
