import { createRequire, Module } from 'node:module';

/**
 * restify 11 loads `spdy` when it loads, for `createServer({ spdy })`, which we never use;
 * spdy's `http-deceiver` reads `process.binding('http_parser')` as it loads, and Node prints a
 * DEP0111 deprecation warning for each of its two reads on every start (restify issue #1876;
 * restify 12 drops spdy but needs Node 22). Rather than hide the warning, this keeps the code
 * that triggers it from loading: restify's `require('spdy')` gets this stub, which refuses to
 * serve SPDY. Import it before restify; remove it with the move to restify 12.
 */
const fromRestify = createRequire(createRequire(import.meta.url).resolve('restify'));
const spdyPath = fromRestify.resolve('spdy');

if (!fromRestify.cache[spdyPath]) {
  const stub = new Module(spdyPath);
  stub.filename = spdyPath;
  stub.loaded = true;
  stub.exports = {
    createServer(): never {
      throw new Error('SPDY is not supported by Partner Connect (restify option `spdy`)');
    },
  };
  fromRestify.cache[spdyPath] = stub;
}
