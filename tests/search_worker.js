// Run Material for MkDocs' own search worker under Node against a built site.
//
// Usage: node search_worker.js <site_dir>   (queries as a JSON list on stdin)
// Prints a JSON list: for every query, the result groups exactly as the worker
// returns them to the page (items with location, title, text, score, terms).
//
// The worker is the minified file the site ships (assets/javascripts/workers/
// search.*.min.js); it is loaded into a sandbox that provides what a browser
// worker scope provides and nothing else, so nothing is fetched.
"use strict"

const fs = require("fs")
const path = require("path")
const vm = require("vm")

const SETUP = 0
const READY = 1
const QUERY = 2
const RESULT = 3

function workerFile(site) {
  const dir = path.join(site, "assets", "javascripts", "workers")
  const found = fs.readdirSync(dir).filter(f => /^search\..*\.min\.js$/.test(f))
  if (found.length !== 1)
    throw new Error(`expected one search worker in ${dir}, found ${found}`)
  return path.join(dir, found[0])
}

function features(site) {
  const page = fs.readFileSync(path.join(site, "index.html"), "utf8")
  const match = page.match(/<script id="__config" type="application\/json">([\s\S]*?)<\/script>/)
  return match ? JSON.parse(match[1]).features : []
}

function startWorker(file) {
  let listener = null
  const replies = []
  const sandbox = {
    console,
    addEventListener: (type, fn) => { if (type === "message") listener = fn },
    postMessage: message => replies.push(message),
  }
  sandbox.self = sandbox
  vm.createContext(sandbox)
  vm.runInContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file })
  if (!listener)
    throw new Error("the search worker registered no message listener")

  return async function send(message) {
    const before = replies.length
    await listener({ data: message })
    // the listener awaits the handler before posting; let microtasks settle
    for (let i = 0; i < 100 && replies.length === before; i++)
      await new Promise(resolve => setImmediate(resolve))
    if (replies.length === before)
      throw new Error("the search worker did not answer")
    return replies[replies.length - 1]
  }
}

async function main() {
  const site = process.argv[2]
  const queries = JSON.parse(fs.readFileSync(0, "utf8"))
  const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8"))
  const send = startWorker(workerFile(site))

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
