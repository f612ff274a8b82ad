/**
 * The events a subscription may name: domain/webhooks/webhook.ts WEBHOOK_EVENTS (that module
 * needs Node, so the tab keeps its own copy; tab-integrations.browser.test.ts checks they agree).
 */
export const TAB_WEBHOOK_EVENTS = [
  'relationship.requested',
  'relationship.authorized',
  'relationship.declined',
  'relationship.withdrawn',
  'relationship.ended',
  'relationship.extended',
  'relationship.expiring',
  'relationship.expired',
  'invitation.created',
  'invitation.accepted',
  'invitation.declined',
  'invitation.revoked',
  'invitation.expired',
  'customer.linked',
  'customer.unlinked',
] as const;
