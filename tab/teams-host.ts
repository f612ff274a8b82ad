/** The Teams themes Fluent UI v9 has a theme for. */
export type HostTheme = 'default' | 'dark' | 'contrast';

/** Where the tab runs: in Teams (or Outlook / Microsoft 365) through TeamsJS, or a plain browser. */
export interface Host {
  readonly inTeams: boolean;
  readonly theme: HostTheme;
  /** The host's UI language (`ru-ru`), if it says. */
  readonly locale: string | null;
  /** Calls back with the new theme when the person changes it in Teams. */
  onThemeChange(handler: (theme: HostTheme) => void): void;
  /** Teams SSO: an Entra token for this app, for the API's `Authorization: Bearer`. */
  getToken(): Promise<string>;
}

/** How long TeamsJS may take to answer `initialize` before the tab gives up on Teams. */
const INITIALIZE_TIMEOUT_MS = 8_000;

export function hostTheme(theme: string | null | undefined): HostTheme {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

/**
 * Teams loads the tab in a frame with `?inTeams=1` (the manifest's contentUrl); a plain browser
 * window never answers TeamsJS's `initialize`, so it is not even asked there. Outside Teams the
 * theme is light unless `?theme=dark|contrast` asks (for trying the themes in a browser).
 */
export async function connectHost(location: Location = window.location): Promise<Host> {
  const params = new URLSearchParams(location.search);
  const framed = window.parent !== window;
  if (params.get('inTeams') === '1' && framed) {
    try {
      // Loaded only in Teams: at load TeamsJS asks a CDN for its host list, which the tab's CSP
      // refuses (it then uses the list it carries); a browser outside Teams never asks.
      const { app, authentication } = await import('./teams-sdk.js');
      await withTimeout(app.initialize(), INITIALIZE_TIMEOUT_MS);
      const context = await app.getContext();
      app.notifySuccess();
      return {
        inTeams: true,
        theme: hostTheme(context.app.theme),
        locale: context.app.locale ?? null,
        onThemeChange: (handler) =>
          app.registerOnThemeChangeHandler((theme) => handler(hostTheme(theme))),
        getToken: () => authentication.getAuthToken(),
      };
    } catch {
      // Framed by something that is not Teams: the browser experience, below.
    }
  }
  return {
    inTeams: false,
    theme: hostTheme(params.get('theme')),
    locale: params.get('lang'),
    onThemeChange: () => undefined,
    getToken: () => Promise.reject(new Error('not in Teams')),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e))
    );
  });
}
