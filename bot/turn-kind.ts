import { ActivityTypes } from 'botbuilder';
import type { TurnFacts } from '../logging/turn-log.js';

const ACTIVITY_TYPES = new Set<string>(Object.values(ActivityTypes));

/**
 * Invoke names Teams sends (and botbuilder's TeamsActivityHandler dispatches); any other name
 * is counted as `invoke:other`, so that a caller cannot grow the metrics with made-up names.
 */
const INVOKE_NAMES = new Set([
  'adaptiveCard/action',
  'actionableMessage/executeAction',
  'composeExtension/anonymousQueryLink',
  'composeExtension/fetchTask',
  'composeExtension/onCardButtonClicked',
  'composeExtension/query',
  'composeExtension/queryLink',
  'composeExtension/querySettingUrl',
  'composeExtension/selectItem',
  'composeExtension/setting',
  'composeExtension/submitAction',
  'config/fetch',
  'config/submit',
  'fileConsent/invoke',
  'handoff/action',
  'healthCheck',
  'message/submitAction',
  'signin/tokenExchange',
  'signin/verifyState',
  'tab/fetch',
  'tab/submit',
  'task/fetch',
  'task/submit',
]);

/** The activity type as a metrics label: one of botbuilder's types, else `other`. */
export function turnActivity(type: unknown): string {
  return typeof type === 'string' && ACTIVITY_TYPES.has(type) ? type : 'other';
}

/**
 * What a turn was, as metrics count it: what the bot noted (`command:status`,
 * `verb:relationship.authorize`, `dialog`), else what the activity says (`invoke:<name>`,
 * `conversationUpdate`, `message`, `ignored`). Only closed sets, never the typed text.
 */
export function turnKind(activity: { type?: unknown; name?: unknown }, noted: TurnFacts): string {
  if (noted.kind) return noted.kind;
  if (noted.outcome === 'ignored') return 'ignored';
  const type = turnActivity(activity.type);
  if (type !== 'invoke') return type;
  const name = typeof activity.name === 'string' ? activity.name : '';
  return `invoke:${INVOKE_NAMES.has(name) ? name : 'other'}`;
}
