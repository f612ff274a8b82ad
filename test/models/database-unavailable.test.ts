import { expect } from 'chai';
import { isDatabaseUnavailable } from '../../models/database-unavailable.js';

function socketError(code: string, frames: string[]): Error {
  const err = Object.assign(new Error('This socket has been ended by the other party'), { code });
  err.stack = [`Error: ${err.message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
  return err;
}

describe('isDatabaseUnavailable: which errors mean "the database cannot be reached"', () => {
  it('knows the driver and mongoose errors by name, also wrapped by a dialog error', () => {
    for (const name of [
      'MongoServerSelectionError',
      'MongoNetworkError',
      'MongoPoolClearedError',
    ]) {
      const err = Object.assign(new Error('x'), { name });
      expect(isDatabaseUnavailable(err), name).to.equal(true);
      expect(isDatabaseUnavailable({ error: err }), `${name} wrapped`).to.equal(true);
    }
    expect(
      isDatabaseUnavailable(
        new Error('Operation `users.findOne()` buffering timed out after 10000ms')
      )
    ).to.equal(true);
  });

  it("takes Node's own socket error as an outage when the driver's connection threw it", () => {
    const fromDriver = socketError('EPIPE', [
      'Socket.writeAfterFIN [as write] (node:net:566:14)',
      'Connection.writeCommand (/app/node_modules/mongodb/lib/cmap/connection.js:722:23)',
    ]);
    expect(isDatabaseUnavailable(fromDriver)).to.equal(true);
    expect(isDatabaseUnavailable(new Error('turn failed', { cause: fromDriver }))).to.equal(true);
  });

  it('does not blame the database for the same socket error from another client', () => {
    const fromConnector = socketError('ECONNRESET', [
      'TLSSocket.socketOnEnd (node:_http_client:524:23)',
      'ConnectorClient.sendToConversation (/app/node_modules/botframework-connector/lib/index.js:1:1)',
    ]);
    expect(isDatabaseUnavailable(fromConnector)).to.equal(false);
    expect(isDatabaseUnavailable(new Error('a bug'))).to.equal(false);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('dup'), { name: 'MongoServerError', code: 11000 })
      )
    ).to.equal(false);
  });
});
