import { expect } from 'chai';
import { literalStrings, validateCard } from './validate-card.js';

describe('card validation helper', () => {
  it('accepts a valid 1.5 card', () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'Hi' }],
    };
    expect(validateCard(card)).to.deep.equal([]);
  });

  it('reports unknown elements, newer versions and unexpanded bindings', () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.6',
      body: [{ type: 'Bogus' }, { type: 'TextBlock', text: '${title}' }],
    };
    const problems = validateCard(card).join('\n');
    expect(problems).to.match(/Bogus/);
    expect(problems).to.match(/version 1.6/);
    expect(problems).to.match(/unexpanded/);
  });

  it('finds literal strings in a template', () => {
    const template = {
      body: [
        { type: 'TextBlock', text: 'Hello' },
        { type: 'TextBlock', text: '${x}' },
      ],
    };
    expect(literalStrings(template)).to.deep.equal(['$.body[0].text']);
  });
});
