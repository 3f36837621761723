// Where the first search's wait goes: Material's own search worker, run under Node on a built site.
//
// Usage: node search_setup.js <site_dir>
// Prints JSON: entries in the index, its size, the time to parse it, the time the
// worker takes to set up (build its lunr index), and, for comparison, the size of
// that index serialised and the time lunr.Index.load takes to read it back (what a
// prebuilt lunr index would cost the browser instead).
"use strict"

const fs = require("fs")
const path = require("path")
const vm = require("vm")

const SETUP = 0
const READY = 1

function workerFile(site) {
  const dir = path.join(site, "assets", "javascripts", "workers")
  return path.join(dir, fs.readdirSync(dir).find(f => /^search\..*\.min\.js$/.test(f)))
}

function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function main() {
  const site = process.argv[2]
  let listener = null
  const replies = []
  const sandbox = {
    console,
    addEventListener: (type, fn) => { if (type === "message") listener = fn },
    postMessage: message => replies.push(message),
  }
  sandbox.self = sandbox
  vm.createContext(sandbox)
  vm.runInContext(fs.readFileSync(workerFile(site), "utf8"), sandbox)

  // catch the index the worker builds, to serialise it afterwards
  const lunr = sandbox.lunr
  let built = null
  sandbox.lunr = new Proxy(lunr, { apply(target, self, args) { return (built = target.apply(self, args)) } })

  let start = process.hrtime.bigint()
  const raw = fs.readFileSync(path.join(site, "search", "search_index.json"))
  const index = JSON.parse(raw.toString("utf8"))
  const parseMs = msSince(start)

  start = process.hrtime.bigint()
  await listener({ data: { type: SETUP, data: { ...index, options: { suggest: false } } } })
  for (let i = 0; i < 1000 && !replies.length; i++)
    await new Promise(resolve => setImmediate(resolve))
  const setupMs = msSince(start)
  if (!replies.length || replies[0].type !== READY || !built)
    throw new Error("the search worker did not get ready")

  const serialised = Buffer.from(JSON.stringify(built.toJSON()))
  start = process.hrtime.bigint()
  lunr.Index.load(JSON.parse(serialised.toString("utf8")))
  const loadMs = msSince(start)

  process.stdout.write(JSON.stringify({
    entries: index.docs.length, index_bytes: raw.length, parse_ms: parseMs, setup_ms: setupMs,
    prebuilt_bytes: serialised.length, prebuilt_load_ms: loadMs,
  }))
}

main().catch(err => {
  process.stderr.write(`${err.stack || err}\n`)
  process.exit(1)
})
