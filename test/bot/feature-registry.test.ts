import { expect } from 'chai';
import type { CommandHandler } from '../../bot/feature.js';
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
