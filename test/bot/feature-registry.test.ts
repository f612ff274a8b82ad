import { expect } from 'chai';
import { z } from 'zod';
import type { CommandHandler, TurnScope } from '../../bot/feature.js';
import { InvalidError, NotAllowedError } from '../../domain/errors.js';
import { FeatureRegistry } from '../../bot/feature-registry.js';

const command = (...names: string[]): CommandHandler => ({
  names,
  descriptionKey: 'x',
  scope: 'any',
  visibleTo: () => true,
  run: async () => undefined,
});

describe('FeatureRegistry.matchCommand', () => {
  const invite = command('invite', 'пригласить');
  const inviteCustomer = command('invite customer', 'пригласить клиента');
  const registry = new FeatureRegistry([{ commands: [invite] }, { commands: [inviteCustomer] }]);

  it('runs a two-word command before the one-word command sharing its first word', () => {
    expect(registry.matchCommand('Invite  CUSTOMER now')).to.deep.equal({
      command: inviteCustomer,
      args: 'now',
    });
    expect(registry.matchCommand('/пригласить клиента')?.command).to.equal(inviteCustomer);
  });

  it('leaves every other text to the one-word command, arguments kept', () => {
    expect(registry.matchCommand('invite reseller 1234567')).to.deep.equal({
      command: invite,
      args: 'reseller 1234567',
    });
    expect(registry.matchCommand('invite')).to.deep.equal({ command: invite, args: '' });
    expect(registry.matchCommand('hello there')).to.equal(undefined);
    expect(registry.matchCommand('  ')).to.equal(undefined);
  });
});

describe('FeatureRegistry.runCommand: the declaration is enforced before run', () => {
  const ran: unknown[] = [];
  const scopeIn = (conversationType: TurnScope['conversationType']) =>
    ({ conversationType, actor: { tenantId: 't', aadObjectId: 'a' } }) as unknown as TurnScope;
  const declared = (extra: Partial<CommandHandler<unknown>>): CommandHandler<unknown> => ({
    names: ['thing'],
    descriptionKey: 'x',
    scope: 'any',
    run: async (_scope, args) => void ran.push(args),
    ...extra,
  });
  const asked: string[] = [];
  const authorizer = {
    async authorize(_actor: unknown, action: string) {
      asked.push(action);
      if (action !== 'relationships.view') throw new NotAllowedError();
    },
  };
  beforeEach(() => {
    ran.length = 0;
    asked.length = 0;
  });
  const refusal = (p: Promise<void>) =>
    p.then(
      () => undefined,
      (err: unknown) => err
    );

  it('refuses a personal command outside 1:1 chats with its declared text, running nothing', async () => {
    const personal = declared({ scope: 'personal', personalOnlyKey: 'relationships:x' });
    const registry = new FeatureRegistry([{ commands: [personal] }], authorizer);
    for (const where of ['groupChat', 'channel'] as const) {
      const err = await refusal(registry.runCommand(scopeIn(where), personal, ''));
      expect(err).to.be.instanceOf(NotAllowedError);
      expect((err as NotAllowedError).messageKey).to.equal('relationships:x');
      expect(await registry.isVisible(scopeIn(where), personal)).to.equal(false);
    }
    await registry.runCommand(scopeIn('personal'), personal, 'go');
    expect(ran).to.deep.equal(['go']);
  });

  it('asks the authorizer for the declared action before running, and hides what it refuses', async () => {
    const viewer = declared({ may: 'relationships.view' });
    const manager = declared({ may: 'relationships.manage' });
    const registry = new FeatureRegistry([{ commands: [viewer] }], authorizer);
    await registry.runCommand(scopeIn('personal'), viewer, '');
    expect(await refusal(registry.runCommand(scopeIn('personal'), manager, ''))).to.be.instanceOf(
      NotAllowedError
    );
    expect(asked).to.deep.equal(['relationships.view', 'relationships.manage']);
    expect(ran).to.have.length(1);
    expect(await registry.isVisible(scopeIn('personal'), manager)).to.equal(false);
    expect(await registry.isVisible(scopeIn('personal'), viewer)).to.equal(true);
  });

  it('parses the arguments with the declared schema, and refuses what it does not accept', async () => {
    const counted = declared({
      args: z.string().regex(/^\d+$/).transform(Number),
      invalidKey: 'errors:count',
    });
    const registry = new FeatureRegistry([{ commands: [counted] }]);
    await registry.runCommand(scopeIn('personal'), counted, '42');
    expect(ran).to.deep.equal([42]);
    const err = await refusal(registry.runCommand(scopeIn('personal'), counted, 'many'));
    expect(err).to.be.instanceOf(InvalidError);
    expect((err as InvalidError).messageKey).to.equal('errors:count');
    expect(ran).to.have.length(1);
  });
});
