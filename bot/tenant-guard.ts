import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { languageOf, t } from '../i18n/i18n.js';
import { GUID } from './activity-guard.js';
import { sendInvokeMessage } from './invoke-message.js';

/**
 * The Entra tenant an activity comes from, or undefined when nobody vouches for one. Only the
 * Teams service sets `channelData.tenant` itself; on Direct Line / Web Chat (same bot, valid
 * token) the client writes channelData, so a tenant there is whatever the client claims.
 */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  if (activity.channelId !== 'msteams') return undefined;
  const id: unknown = activity.channelData?.tenant?.id ?? activity.conversation?.tenantId;
  return typeof id === 'string' && GUID.test(id) ? id : undefined;
}

/**
 * Every action of the bot is scoped to a tenant (partners, roles, drafts, users), so a turn
 * without a real one is answered with a localized explanation and changes nothing: no shared
 * pseudo-tenant that strangers would all land in. True when the turn was answered here.
 */
export async function refuseWithoutTenant(turn: TurnContext): Promise<boolean> {
  const a = turn.activity;
  if (tenantOf(a)) return false;
  const text = t(languageOf(a.locale), 'security:tenantRequired');
  if (a.type === ActivityTypes.Message) await turn.sendActivity(text);
  // Teams shows the invoke's answer as a short message where the user clicked.
  if (a.type === ActivityTypes.Invoke) await sendInvokeMessage(turn, text);
  return true;
}
