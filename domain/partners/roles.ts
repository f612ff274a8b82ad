/** Partner roles, with Partner Center's names (DOMAIN.md "Partner users and roles"). */
export const ROLES = ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'] as const;
export type Role = (typeof ROLES)[number];

/** The roles the enrolling user gets (the article's step 9: make sure you are an Admin agent). */
export const ENROLLER_ROLES: readonly Role[] = ['globalAdmin', 'adminAgent'];

/** Who may do an action: partner roles, or the program's operators (OPERATOR_AAD_OBJECT_IDS). */
export interface ActionRule {
  readonly roles: readonly Role[];
  readonly operators?: true;
  /** For the README's matrix. */
  readonly description: string;
}

const ALL: readonly Role[] = ROLES;

/**
 * The role matrix, as data: every action of the product and who may do it. Services check it
 * with `can`/`mayDo`; the README's table is `roleMatrixMarkdown()`. A user of another tenant
 * never holds a role on a partner, so they fail every partner action.
 */
export const ROLE_MATRIX = {
  'partner.viewStatus': {
    roles: ALL,
    description: 'See the partner record and application status',
  },
  'enrollment.resubmit': { roles: ['globalAdmin'], description: 'Resubmit a rejected application' },
  'users.view': { roles: ['globalAdmin'], description: "List the tenant's users and their roles" },
  'users.updateRoles': { roles: ['globalAdmin'], description: 'Grant or remove roles' },
  'apiKeys.manage': {
    roles: ['globalAdmin'],
    description: "Create, list and revoke the partner's API keys",
  },
  'relationships.view': { roles: ALL, description: 'See indirect providers / resellers' },
  'relationships.manage': {
    roles: ['globalAdmin', 'adminAgent'],
    description: 'Invite, authorize or end a provider-reseller relationship',
  },
  'customers.view': { roles: ALL, description: 'See customers and shared customers' },
  'customers.invite': {
    roles: ['globalAdmin', 'adminAgent', 'salesAgent'],
    description: 'Create customer invitations (with or without a provider)',
  },
  'invitations.manage': {
    roles: ['globalAdmin', 'adminAgent', 'salesAgent'],
    description: 'Withdraw or clean up pending invitations',
  },
  'graph.connect': {
    roles: ['globalAdmin'],
    description: 'Connect the partner to Microsoft Graph (GDAP) or disconnect it',
  },
  'enrollment.review': {
    roles: [],
    operators: true,
    description: 'See the review queue, approve or reject applications',
  },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof ROLE_MATRIX;

/** True when someone holding `roles` (and being an operator or not) may do the action. */
export function can(action: Action, roles: readonly Role[], isOperator = false): boolean {
  const rule: ActionRule = ROLE_MATRIX[action];
  if (rule.operators && isOperator) return true;
  return rule.roles.some((r) => roles.includes(r));
}

/** The partner actions a role allows (operators' actions aside), in the matrix's order. */
export function allowedBy(role: Role): Action[] {
  return (Object.keys(ROLE_MATRIX) as Action[]).filter((action) => {
    const rule: ActionRule = ROLE_MATRIX[action];
    return rule.roles.includes(role);
  });
}

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const ROLE_TITLES: Record<Role, string> = {
  globalAdmin: 'Global admin',
  adminAgent: 'Admin agent',
  salesAgent: 'Sales agent',
  helpdeskAgent: 'Helpdesk agent',
};

/** The matrix as a markdown table (English role names), for the README. */
export function roleMatrixMarkdown(): string {
  const head = `| Action | ${ROLES.map((r) => ROLE_TITLES[r]).join(' | ')} | Operator |`;
  const rule = `| --- | ${ROLES.map(() => ':---:').join(' | ')} | :---: |`;
  const rows = Object.entries(ROLE_MATRIX).map(([action, r]) => {
    const rr: ActionRule = r;
    const cells = ROLES.map((role) => (rr.roles.includes(role) ? 'yes' : ''));
    return `| ${rr.description} (\`${action}\`) | ${cells.join(' | ')} | ${rr.operators ? 'yes' : ''} |`;
  });
  return [head, rule, ...rows].join('\n');
}
