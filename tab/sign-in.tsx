import { useEffect, useState } from 'react';
import {
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { devPersonas, devSignIn } from './api-client.js';
import type { Person } from './api-types.js';
import type { Translate } from './i18n.js';

const KEY = 'partner-connect.dev-token';

/** Open mode's token survives a reload of the tab (this browser tab only), never Teams'. */
export function rememberedDevToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function forgetDevToken(): void {
  sessionStorage.removeItem(KEY);
}

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxWidth: '32rem',
  },
  person: { justifyContent: 'flex-start', width: '100%' },
  tenant: { color: tokens.colorNeutralForeground3, marginLeft: tokens.spacingHorizontalS },
});

/**
 * Open mode (no app id): sign in as one of the people the bot has seen, clearly marked as a
 * local sign-in for trying the tab. With an app id the API has no such route, and the tab says
 * to open it in Teams.
 */
export function SignIn({ t, onSignedIn }: { t: Translate; onSignedIn: (token: string) => void }) {
  const styles = useStyles();
  const [personas, setPersonas] = useState<Person[] | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    devPersonas().then(setPersonas, (err: unknown) => setFailure(String(err)));
  }, []);

  const pick = async (person: Person) => {
    try {
      const token = await devSignIn(person.aadObjectId);
      sessionStorage.setItem(KEY, token);
      onSignedIn(token);
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    }
  };

  if (failure)
    return (
      <MessageBar intent="error">
        <MessageBarBody>{failure}</MessageBarBody>
      </MessageBar>
    );
  if (personas === undefined) return <Spinner label={t('loading')} />;
  if (personas === null)
    return (
      <MessageBar intent="info">
        <MessageBarBody>{t('signIn.openInTeams')}</MessageBarBody>
      </MessageBar>
    );
  return (
    <section aria-labelledby="sign-in-title">
      <MessageBar intent="warning">
        <MessageBarBody>
          <MessageBarTitle id="sign-in-title">{t('signIn.localTitle')}</MessageBarTitle>
          {t('signIn.localExplained')}
        </MessageBarBody>
      </MessageBar>
      {personas.length === 0 ? <p>{t('signIn.nobody')}</p> : <p>{t('signIn.choose')}</p>}
      <ul className={styles.list}>
        {personas.map((p) => (
          <li key={`${p.tenantId}/${p.aadObjectId}`}>
            <Button className={styles.person} onClick={() => void pick(p)}>
              {p.name}
              <span className={styles.tenant}>{p.tenantId}</span>
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
