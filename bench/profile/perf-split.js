/**
 * Splits `perf script -F tid,ip,sym,dso` output of prism-server (started with
 * --perf-basic-prof-only-functions --interpreted-frames-native-stack) by who
 * spent the CPU: a sample with the boot emulator or the AWS SDK anywhere on
 * its stack is theirs (with all they called); any other goes to the module of
 * its innermost JavaScript frame; other threads are V8's and libuv's helpers.
 * perf samples only on-CPU time, unlike --cpu-prof, whose wall-clock samples
 * count a preempted process against whatever it was running on a loaded machine.
 * Usage: node perf-split.js perf.txt <main tid> [CPU ms per launch]
 */
const fs = require('fs');

const [file, mainTid, perLaunchText] = process.argv.slice(2);
const perLaunch = Number(perLaunchText || 0);
const moduleOf = frame => {
  if (/@aws-sdk|@smithy|fast-xml-parser|@aws-crypto/.test(frame)) return 'AWS SDK';
  if (/socket\.io|engine\.io|\/ws\/lib/.test(frame)) return 'socket.io';
  if (/better-sqlite3|\/dist\/store\//.test(frame)) return 'SQLite (better-sqlite3, store)';
  if (/\/server\/dist\//.test(frame)) return 'Prism service code (domain, routes, audit)';
  if (/express|body-parser|finalhandler|raw-body|router\/|etag|send\/|mime|qs\/|on-finished|parseurl|content-type|depd|debug\//.test(frame)) return 'express & middleware';
  if (/node:_http|node:net|node:internal\/streams|node:internal\/stream_base|node:stream/.test(frame)) return 'node http/net/streams';
  if (/child_process/.test(frame)) return 'child processes';
  if (/zod/.test(frame)) return 'zod';
  if (/node_modules/.test(frame)) return 'other npm';
  return null;
};
const counts = {};
let total = 0;
for (const block of fs.readFileSync(file, 'utf8').split('\n\n')) {
  const lines = block.trim().split('\n');
  if (!lines[0]) continue;
  total++;
  const frames = lines.slice(1);
  let owner = null;
  if (lines[0].trim().split(/\s+/)[0] !== mainTid) owner = 'V8/libuv helper threads (GC, compiler)';
  else if (frames.some(f => f.includes('/dist/boot/'))) owner = 'boot emulator (in-process), all it calls';
  else if (frames.some(f => /@aws-sdk|@smithy|fast-xml-parser|@aws-crypto/.test(f))) owner = 'AWS SDK, all it calls (signing, XML, its HTTP)';
  else {
    for (const f of frames) if (f.includes('JS:') && (owner = moduleOf(f))) break;
    if (!owner) owner = frames.some(f => f.includes('JS:')) ? 'node internals (timers, microtasks)' : 'native, no JS on the stack (libuv, kernel)';
  }
  counts[owner] = (counts[owner] || 0) + 1;
}
console.log(`${total} samples`);
for (const [owner, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
  console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%${perLaunch ? `${((perLaunch * n) / total).toFixed(1).padStart(6)} ms` : ''}  ${owner}`);
}
