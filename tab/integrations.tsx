import type { Me } from './api-types.js';
import { ApiKeysPanel } from './api-keys-panel.js';
import { GraphPanel } from './graph-panel.js';
import { useSectionStyles } from './integrations-kit.js';
import { useTab } from './tab-context.js';
import { WebhooksPanel } from './webhooks-panel.js';

/** Whether the page is offered: to whoever may manage API keys (Global admins; the API checks). */
export function seesIntegrations(me: Me): boolean {
  return !!me.partner && !!me.may?.includes('apiKeys.manage');
}

/** The Global admin's integrations: API keys, webhooks, the Microsoft Graph connection. */
export function Integrations() {
  const { t, me } = useTab();
  const styles = useSectionStyles();
  // Connecting is for an approved partner only (the gdap service refuses the others).
  const graph = me.partner?.status === 'approved' && !!me.may?.includes('graph.connect');
  return (
    <div>
      <p className={styles.intro}>{t('integrations:intro')}</p>
      {graph ? <GraphPanel /> : null}
      <ApiKeysPanel />
      <WebhooksPanel />
    </div>
  );
}
