// Material for MkDocs' own search worker, loaded under Node into a sandbox that provides what a
// browser worker scope provides and nothing else, so nothing is fetched. Shared by
// tests/support/search_worker.js (the search tests) and benchmarks/search_setup.js.
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

// The worker of a built site: { sandbox, send }. send(message) resolves to the worker's reply,
// waiting at most `turns` event-loop turns after the listener returned.
function startWorker(site, turns = 100) {
  const file = workerFile(site)
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

  async function send(message) {
    const before = replies.length
    await listener({ data: message })
    // the listener awaits the handler before posting; let microtasks settle
    for (let i = 0; i < turns && replies.length === before; i++)
      await new Promise(resolve => setImmediate(resolve))
    if (replies.length === before)
      throw new Error("the search worker did not answer")
    return replies[replies.length - 1]
  }
  return { sandbox, send }
}

module.exports = { SETUP, READY, QUERY, RESULT, workerFile, startWorker }
