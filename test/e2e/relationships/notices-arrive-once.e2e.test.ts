import { expect } from 'chai';
import { Verbs } from '../../../cards/verbs.js';
import type { ConnectorCall } from '../../helpers/fake-connector.js';
import type { Persona } from '../../helpers/personas.js';
import {
  cast,
  GRANT,
  startRelationshipsWorld,
  type RelationshipsWorld,
} from './relationships-world.js';

/** Every message in a person's chat whose card or summary reads `text`. */
function about(w: RelationshipsWorld, who: Persona, text: string): ConnectorCall[] {
  return w.posted(who).filter((c) => JSON.stringify(c.body).includes(text));
}

describe('notices arrive once: one card, its summary for the feed (the real server)', function () {
  this.timeout(60_000);
  let w: RelationshipsWorld;
  beforeEach(async () => {
    w = await startRelationshipsWorld();
  });
  afterEach(async () => w?.stop());

  it('sends the request and the outcome each as one card message with a summary, no text line above it', async () => {
    await w.say(cast.reseller, 'directory');
    await w.click(cast.reseller, Verbs.relationshipRequest, {
      providerRef: w.provider.id,
      consent: 'true',
      ...GRANT,
    });
    const cardId = await w.received(cast.provider, 'Authorize');
    const id = String((await w.collection('relationships').findOne({}))!._id);
    await w.click(cast.provider, Verbs.relationshipAuthorize, { relationshipRef: id }, cardId);
    await w.received(cast.reseller, 'Relationship authorized');
    await w.drained();

    const asked = 'Contoso Reseller asks Fabrikam Distribution to be its indirect provider.';
    const [request, ...more] = about(w, cast.provider, asked);
    expect(more, 'the request arrives once').to.deep.equal([]);
    expect(request.body.summary).to.equal(asked);
    expect(request.body.text, 'no text line repeating the card').to.equal(undefined);
    expect(request.body.attachments).to.have.length(1);
    expect(request.body.attachments[0].contentType).to.equal(
      'application/vnd.microsoft.card.adaptive'
    );

    const told = about(w, cast.reseller, 'authorized the relationship between');
    expect(told, 'the outcome arrives once').to.have.length(1);
    const { body } = told[0];
    expect(body.summary).to.match(
      new RegExp(
        `^${cast.provider.name} authorized the relationship between Fabrikam Distribution and Contoso Reseller`
      )
    );
    expect(body.text).to.equal(undefined);
    expect(body.attachments).to.have.length(1);
    expect(JSON.stringify(body.attachments[0].content)).to.include('Relationship authorized');
  });
});
