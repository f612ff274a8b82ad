import { createContext, useContext } from 'react';
import type { ApiClient } from './api-client.js';
import type { Me } from './api-types.js';
import type { TabLanguage, Translate } from './i18n.js';

/** What every view needs: strings, the API as the signed-in person, who that is. */
export interface TabContextValue {
  readonly t: Translate;
  readonly language: TabLanguage;
  readonly client: ApiClient | null;
  readonly me: Me | null;
  readonly inTeams: boolean;
}

export const TabContext = createContext<TabContextValue | null>(null);

/** The context inside a view (signed in: client and me are there). */
export function useTab() {
  const value = useContext(TabContext);
  if (!value?.client || !value.me) throw new Error('useTab outside a signed-in tab');
  return { ...value, client: value.client, me: value.me };
}
