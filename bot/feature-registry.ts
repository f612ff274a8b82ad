import type { Dialog } from 'botbuilder-dialogs';
import { InvalidError, isDomainError, NotAllowedError } from '../domain/errors.js';
import {
  PERSONAL_ONLY_KEY,
  type CardAction,
  type CardRefresher,
  type CommandAuthorizer,
  type CommandHandler,
  type Feature,
  type TurnScope,
} from './feature.js';

/**
 * Every feature's commands, card verbs and dialogs, indexed once at start. Two features
 * claiming the same command word, verb or dialog id is a wiring bug, so it throws.
 */
export class FeatureRegistry {
  private readonly commandsByName = new Map<string, CommandHandler>();
  private readonly actionsByVerb = new Map<string, CardAction>();
  private readonly refreshersByType = new Map<string, CardRefresher>();
  readonly commands: readonly CommandHandler[];
  readonly dialogs: readonly Dialog[];

  constructor(
    readonly features: readonly Feature[],
    /** Checks a command's `may`; unset (bot tests), a command that declares one cannot run. */
    private readonly authorizer?: CommandAuthorizer
  ) {
    this.commands = features.flatMap((f) => f.commands ?? []);
    this.dialogs = features.flatMap((f) => f.dialogs ?? []);
    for (const command of this.commands) {
      for (const name of command.names) {
        const key = name.toLowerCase();
        if (this.commandsByName.has(key)) throw new Error(`Command "${name}" is registered twice`);
        this.commandsByName.set(key, command);
      }
    }
    for (const action of features.flatMap((f) => f.cardActions ?? [])) {
      if (this.actionsByVerb.has(action.verb))
        throw new Error(`Card verb "${action.verb}" is registered twice`);
      this.actionsByVerb.set(action.verb, action);
    }
    for (const refresher of features.flatMap((f) => f.refreshers ?? [])) {
      if (this.refreshersByType.has(refresher.subjectType)) {
        throw new Error(`Card refresher "${refresher.subjectType}" is registered twice`);
      }
      this.refreshersByType.set(refresher.subjectType, refresher);
    }
    const ids = new Set<string>();
    for (const dialog of this.dialogs) {
      if (ids.has(dialog.id)) throw new Error(`Dialog id "${dialog.id}" is registered twice`);
      ids.add(dialog.id);
    }
  }

  /** The command a word runs (case-insensitive), if any. */
  findCommand(word: string): CommandHandler | undefined {
    return this.commandsByName.get(word.toLowerCase());
  }

  /**
   * The command typed text runs and its arguments: a two-word name (`invite customer`) first,
   * so it can share its first word with another feature's command (`invite` for resellers).
   */
  matchCommand(text: string): { command: CommandHandler; args: string } | undefined {
    const [first = '', second = '', ...rest] = text.trim().split(/\s+/);
    const word = first.replace(/^\//, '');
    if (!word) return undefined;
    const pair = second ? this.findCommand(`${word} ${second}`) : undefined;
    if (pair) return { command: pair, args: rest.join(' ') };
    const single = this.findCommand(word);
    return single
      ? { command: single, args: [second, ...rest].filter(Boolean).join(' ') }
      : undefined;
  }

  findCardAction(verb: string): CardAction | undefined {
    return this.actionsByVerb.get(verb);
  }

  /** The renderer of a subject type's current card, for Teams' card refresh. */
  findRefresher(subjectType: string): CardRefresher | undefined {
    return this.refreshersByType.get(subjectType);
  }

  /**
   * Runs a command as its declaration says: refused outside a 1:1 chat when `scope` is
   * 'personal', refused unless the actor may do `may`, its arguments parsed by `args`. The
   * refusals are DomainErrors, turned into the localized reply by the bot's one boundary.
   */
  async runCommand(
    scope: TurnScope,
    command: CommandHandler<unknown>,
    args: string
  ): Promise<void> {
    if (command.scope === 'personal' && scope.conversationType !== 'personal') {
      throw new NotAllowedError(command.personalOnlyKey ?? PERSONAL_ONLY_KEY);
    }
    if (command.may) await this.authorize(scope, command);
    if (!command.args) return command.run(scope, args);
    const parsed = command.args.safeParse(args);
    if (!parsed.success) throw new InvalidError(command.invalidKey ?? 'errors:invalid');
    await command.run(scope, parsed.data);
  }

  /** Whether `help` (and the welcome) offers the command here: its scope, `may`, `visibleTo`. */
  async isVisible(scope: TurnScope, command: CommandHandler<unknown>): Promise<boolean> {
    if (command.scope === 'personal' && scope.conversationType !== 'personal') return false;
    if (command.may) {
      const allowed = await this.authorize(scope, command).then(
        () => true,
        (err: unknown) => {
          if (isDomainError(err)) return false;
          throw err;
        }
      );
      if (!allowed) return false;
    }
    return (await command.visibleTo?.(scope)) ?? true;
  }

  /** Commands `help` lists for this actor, in registration order. */
  async visibleCommands(scope: TurnScope): Promise<CommandHandler[]> {
    const visible = await Promise.all(this.commands.map((c) => this.isVisible(scope, c)));
    return this.commands.filter((_, i) => visible[i]);
  }

  private async authorize(scope: TurnScope, command: CommandHandler<unknown>): Promise<void> {
    if (!command.may) return;
    if (!this.authorizer) {
      throw new Error(`Command "${command.names[0]}" declares "${command.may}" but no authorizer`);
    }
    await this.authorizer.authorize(scope.actor, command.may);
  }
}
