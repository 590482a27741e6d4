// Preloaded into a task under test (NODE_OPTIONS=--require): names under `.test` (a TLD that
// never resolves, RFC 2606) resolve to 127.0.0.1, so a test can reach a local server under a
// host name that is neither loopback nor private, as an agent reaches a real server.
const dns = require('node:dns');
const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const settings = typeof options === 'object' && options !== null ? options : {};
  if (typeof hostname === 'string' && hostname.endsWith('.test')) {
    if (settings.all) return process.nextTick(done, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(done, null, '127.0.0.1', 4);
  }
  return original.call(dns, hostname, options, callback);
};
