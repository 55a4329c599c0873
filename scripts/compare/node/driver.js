// The Node side of scripts/compare/run: @slack/rtm-api's RTMClient with its default
// settings, driven by the line protocol of examples/fake_server.rs (--client):
//   prints  hello / ready      when Slack says hello / when the client emits 'ready'
//   expect N  -> armed, then "got N" once N more 'message' events in CBLAST arrived
//   rtt K     -> "rtt" and K round trips in microseconds (await sendMessage, one at a time)
//   quit      -> disconnect, "bye"
// Usage: node driver.js API_URL TOKEN
'use strict';
const readline = require('node:readline');
const { RTMClient, LogLevel } = require('@slack/rtm-api');

const [apiUrl, token] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`); // pipes are synchronous on Linux

const rtm = new RTMClient(token, { slackApiUrl: apiUrl, logLevel: LogLevel.ERROR });
let seen = 0;
let target = 0;
let armedAt = 0;
rtm.on('hello', () => say('hello'));
rtm.on('ready', () => say('ready'));
rtm.on('message', (event) => {
  if (event.channel !== 'CBLAST') return;
  seen += 1;
  if (seen === target) say(`got ${seen - armedAt}`);
});

async function roundTrips(k) {
  const times = [];
  for (let i = 0; i < k; i += 1) {
    const t = process.hrtime.bigint();
    await rtm.sendMessage('round trip', 'C024BE91L');
    times.push((Number(process.hrtime.bigint() - t) / 1e3).toFixed(1));
  }
  say(`rtt ${times.join(' ')}`);
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'expect') {
    armedAt = seen;
    target = seen + Number(arg);
    say('armed');
  } else if (cmd === 'rtt') {
    roundTrips(Number(arg)).catch((e) => say(`error ${e.message}`));
  } else if (cmd === 'quit') {
    lines.close();
  } else if (cmd) {
    say(`error unknown command ${JSON.stringify(line)}`);
  }
});
lines.on('close', () => {
  rtm.disconnect().catch(() => {}).finally(() => {
    say('bye');
    process.exit(0);
  });
});

rtm.start().catch((e) => {
  say(`error start failed: ${e.message}`);
  process.exit(1);
});
