/**
 * Every card verb (`noun.action`), defined once so cards and handlers never disagree and verbs
 * are never parsed by prefix. Each feature adds its verbs in its own section (edit with a
 * targeted replace, never rewrite the file).
 */
export const Verbs = {
  // --- bot basics (foundation) ---
  /** Runs a text command from a button (`data.command`), so buttons work where imBack does not. */
  commandRun: 'command.run',
  /** Teams' card refresh (`refresh.userIds`): the current card for `data.subjectType/Id`. */
  cardRefresh: 'card.refresh',
  /** Sets the user's language (`data.language`: en | ru). */
  languageSet: 'language.set',

  // --- notifications / outbox ---
  outboxRetry: 'outbox.retry',

  // --- enrollment ---
  enrollmentSection: 'enrollment.section',
  enrollmentEdit: 'enrollment.edit',
  enrollmentSubmit: 'enrollment.submit',
  enrollmentVerify: 'enrollment.verify',
  enrollmentResendCode: 'enrollment.resendCode',
  reviewApprove: 'review.approve',
  reviewReject: 'review.reject',
  usersUpdateRoles: 'users.updateRoles',
  usersPage: 'users.page',

  // --- relationships ---
  directoryPage: 'directory.page',
  relationshipRequestForm: 'relationship.requestForm',
  relationshipRequest: 'relationship.request',
  relationshipInvite: 'relationship.invite',
  relationshipView: 'relationship.view',
  relationshipAuthorize: 'relationship.authorize',
  relationshipDecline: 'relationship.decline',
  relationshipWithdraw: 'relationship.withdraw',
  relationshipResend: 'relationship.resend',
  relationshipEnd: 'relationship.end',
  relationshipExtend: 'relationship.extend',
  relationshipAutoExtend: 'relationship.autoExtend',
  /** The reseller authorizes / declines a change its provider asked for (issue 26.2). */
  relationshipAuthorizeChange: 'relationship.authorizeChange',
  relationshipDeclineChange: 'relationship.declineChange',
  relationshipHistory: 'relationship.history',
  /** The customers a provider and a reseller share (registered by invitations). */
  relationshipCustomers: 'relationship.customers',
  relationshipsPage: 'relationships.page',
  relationshipsBulk: 'relationships.bulk',
  /** An enrolled reseller's admin accepts a provider's invitation on the card it was sent. */
  resellerInvitationAccept: 'resellerInvitation.accept',
  /** A provider's invitation to a reseller not enrolled yet: Revoke (confirmed) and Resend. */
  resellerInvitationRevoke: 'resellerInvitation.revoke',
  resellerInvitationResend: 'resellerInvitation.resend',

  // --- invitations (customers) ---
  invitationCreate: 'invitation.create',
  invitationDone: 'invitation.done',
  invitationAccept: 'invitation.accept',
  invitationDecline: 'invitation.decline',
  invitationRevoke: 'invitation.revoke',
  invitationResend: 'invitation.resend',
  invitationsPage: 'invitations.page',
  invitationsCleanUp: 'invitations.cleanUp',
  /** A customer ends its link to a reseller (and its provider), after a confirmation. */
  customerEndPartner: 'customer.endPartner',
  customerPartners: 'customer.partners',
  customersPage: 'customers.page',
  invitationView: 'invitation.view',
  invitationHistory: 'invitation.history',
} as const;

export type Verb = (typeof Verbs)[keyof typeof Verbs];
