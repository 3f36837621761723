// Run Material for MkDocs' own search worker under Node against a built site.
//
// Usage: node search_worker.js <site_dir>   (queries as a JSON list on stdin)
// Prints a JSON list: for every query, the result groups exactly as the worker
// returns them to the page (items with location, title, text, score, terms).
//
// The worker is the minified file the site ships (assets/javascripts/workers/
// search.*.min.js), loaded by search_sandbox.js.
"use strict"

const fs = require("fs")
const path = require("path")
const { SETUP, READY, QUERY, RESULT, startWorker } = require("./search_sandbox.js")

function features(site) {
  const page = fs.readFileSync(path.join(site, "index.html"), "utf8")
  const match = page.match(/<script id="__config" type="application\/json">([\s\S]*?)<\/script>/)
  return match ? JSON.parse(match[1]).features : []
}

async function main() {
  const site = process.argv[2]
  const queries = JSON.parse(fs.readFileSync(0, "utf8"))
  const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8"))
  const { send } = startWorker(site)

  const suggest = features(site).includes("search.suggest")
  const ready = await send({ type: SETUP, data: { ...index, options: { suggest } } })
  if (ready.type !== READY)
    throw new Error(`unexpected setup reply ${JSON.stringify(ready)}`)

  const results = []
  for (const query of queries) {
    const reply = await send({ type: QUERY, data: query })
    if (reply.type !== RESULT)
      throw new Error(`unexpected query reply ${JSON.stringify(reply)}`)
    results.push(reply.data)
  }
  process.stdout.write(JSON.stringify(results))
}

main().catch(err => {
  process.stderr.write(`${err.stack || err}\n`)
  process.exit(1)
})
