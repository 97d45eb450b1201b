// SPDX-License-Identifier: MIT
// N concurrent http.get to URL from one event loop; prints the milliseconds until the last
// body arrived. With a SOCKS URL as third argument, node's own SOCKS client (socks-proxy-agent,
// from NODE_PATH) is used instead of whatever LD_PRELOAD gives.
//   node par.js N URL [socks5h://HOST:PORT]
const http = require("http");
const n = Number(process.argv[2]), url = process.argv[3], socks = process.argv[4];
let agent = false;
if (socks) {
  const { SocksProxyAgent } = require("socks-proxy-agent");
  agent = new SocksProxyAgent(socks);
}
let done = 0, bad = 0;
const t0 = process.hrtime.bigint();
function end(ok) {
  if (!ok) bad++;
  if (++done < n) return;
  if (bad) {
    console.error(`par.js: ${bad} of ${n} failed`);
    process.exit(1);
  }
  console.log((Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1));
}
for (let i = 0; i < n; i++)
  http
    .get(url + i, { agent }, (res) => {
      res.resume();
      res.on("end", () => end(res.statusCode === 200));
    })
    .on("error", (e) => {
      console.error("par.js: " + e.message);
      end(false);
    });
