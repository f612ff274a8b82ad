import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Tab,
  TabList,
  makeStyles,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
  type Theme,
} from '@fluentui/react-components';
import { ApiClient, ApiError } from './api-client.js';
import type { Me } from './api-types.js';
import { tabLanguageOf, translator, type TabLanguage } from './i18n.js';
import { Overview } from './overview.js';
import { Integrations } from './integrations.js';
import { BulkUpload } from './bulk-upload.js';
import { SignIn, forgetDevToken, rememberedDevToken } from './sign-in.js';
import type { Host, HostTheme } from './teams-host.js';
import { TableView } from './table-view.js';
import { viewsFor, type ViewId } from './views.js';
import { TabContext } from './tab-context.js';

const THEMES: Record<HostTheme, Theme> = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

const useStyles = makeStyles({
  shell: { minHeight: '100%', display: 'flex', flexDirection: 'column' },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    flexWrap: 'wrap',
  },
  title: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  spacer: { flexGrow: 1 },
  main: { padding: tokens.spacingHorizontalL, flexGrow: 1 },
  visuallyHidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
  },
});

/** The personal tab: who is signed in, the views their role may see, in Teams' theme. */
export function App({ host }: { host: Host }) {
  const styles = useStyles();
  const [theme, setTheme] = useState<HostTheme>(host.theme);
  const [language, setLanguage] = useState<TabLanguage>(
    tabLanguageOf(host.locale ?? navigator.language)
  );
  const [token, setToken] = useState<string | null>(host.inTeams ? null : rememberedDevToken());
  const [me, setMe] = useState<Me | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [view, setView] = useState<ViewId>('overview');
  const [search, setSearch] = useState<{ view: ViewId; q: string } | null>(null);
  const t = useMemo(() => translator(language), [language]);
  const client = useMemo(
    () => (token ? new ApiClient(host.inTeams ? () => host.getToken() : token, language) : null),
    [host, token, language]
  );

  useEffect(() => host.onThemeChange(setTheme), [host]);
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('common:appName');
  }, [language, t]);

  // Teams SSO: the token Teams gives this app is the API's bearer token.
  useEffect(() => {
    if (!host.inTeams) return;
    host.getToken().then(setToken, () => setFailure(t('signIn.ssoFailed')));
  }, [host, t]);

  useEffect(() => {
    if (!client) return;
    let current = true;
    client.get<Me>('/me').then(
      (found) => current && setMe(found),
      (err: unknown) => {
        if (!current) return;
        if (err instanceof ApiError && err.status === 401 && !host.inTeams) {
          forgetDevToken();
          setToken(null);
        } else setFailure(err instanceof Error ? err.message : String(err));
      }
    );
    return () => {
      current = false;
    };
  }, [client, host]);

  const views = me ? viewsFor(me) : [];
  const signOut = () => {
    forgetDevToken();
    setMe(null);
    setToken(null);
  };
  const open = (id: ViewId, q = '') => {
    setSearch({ view: id, q });
    setView(id);
  };

  let body;
  if (failure) {
    body = (
      <MessageBar intent="error">
        <MessageBarBody>{failure}</MessageBarBody>
      </MessageBar>
    );
  } else if (!token && !host.inTeams) {
    body = <SignIn t={t} onSignedIn={setToken} />;
  } else if (!me || !client) {
    body = <Spinner label={t('loading')} />;
  } else {
    const current = views.find((v) => v.id === view) ?? views[0]!;
    body = (
      <>
        <TabList
          selectedValue={current.id}
          onTabSelect={(_, data) => setView(data.value as ViewId)}
          aria-label={t('nav.label')}
        >
          {views.map((v) => (
            <Tab key={v.id} value={v.id}>
              {t(`nav.${v.id}`)}
            </Tab>
          ))}
        </TabList>
        <div role="tabpanel" aria-label={t(`nav.${current.id}`)}>
          {current.id === 'overview' ? (
            <Overview onOpen={open} />
          ) : current.id === 'integrations' ? (
            <Integrations />
          ) : current.id === 'bulk' ? (
            <BulkUpload />
          ) : (
            <TableView
              key={`${current.id}|${search?.view === current.id ? search.q : ''}`}
              view={current}
              initialQuery={search?.view === current.id ? search.q : ''}
              onOpenView={open}
            />
          )}
        </div>
      </>
    );
  }

  return (
    <FluentProvider theme={THEMES[theme]} className={styles.shell} data-theme={theme}>
      <TabContext.Provider value={{ t, language, client, me, inTeams: host.inTeams }}>
        <header className={styles.header}>
          <h1 className={styles.title}>{t('common:appName')}</h1>
          {!host.inTeams && token ? (
            <Badge appearance="tint" color="warning">
              {t('signIn.localBadge')}
            </Badge>
          ) : null}
          <span className={styles.spacer} />
          {me ? (
            <span>
              {me.person.name}
              {me.partner ? ` · ${me.partner.legalName}` : ''}
            </span>
          ) : null}
          <Select
            aria-label={t('language.label')}
            value={language}
            onChange={(_, data) => setLanguage(data.value as TabLanguage)}
          >
            <option value="en">English</option>
            <option value="ru">Русский</option>
          </Select>
          {!host.inTeams && token ? (
            <Button appearance="subtle" onClick={signOut}>
              {t('signIn.signOut')}
            </Button>
          ) : null}
        </header>
        <main className={styles.main}>{body}</main>
      </TabContext.Provider>
    </FluentProvider>
  );
}
