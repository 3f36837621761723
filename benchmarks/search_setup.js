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
const { SETUP, READY, startWorker } = require("../tests/support/search_sandbox.js")

function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function main() {
  const site = process.argv[2]
  const { sandbox, send } = startWorker(site, 1000)

  // catch the index the worker builds, to serialise it afterwards
  const lunr = sandbox.lunr
  let built = null
  sandbox.lunr = new Proxy(lunr, { apply(target, self, args) { return (built = target.apply(self, args)) } })

  let start = process.hrtime.bigint()
  const raw = fs.readFileSync(path.join(site, "search", "search_index.json"))
  const index = JSON.parse(raw.toString("utf8"))
  const parseMs = msSince(start)

  start = process.hrtime.bigint()
  const ready = await send({ type: SETUP, data: { ...index, options: { suggest: false } } })
  const setupMs = msSince(start)
  if (ready.type !== READY || !built)
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
