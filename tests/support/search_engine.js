// The site's search engine (assets/javascripts/search-engine.js, as copied into the
// built site) run under Node on the site's own index files.
//
// Usage: node search_engine.js <site_dir>   (stdin: JSON list of [query, options])
// Prints JSON: one engine answer per query.
"use strict"

const fs = require("fs")
const path = require("path")
const vm = require("vm")

const site = process.argv[2]
const Engine = require(path.resolve(site, "assets", "javascripts", "search-engine.js"))

function load(name) {
  // the file as the browser runs it: a script calling HandbookSearch.receive(name, data)
  let received
  const sandbox = { HandbookSearch: { receive: (got, data) => { if (got === name) received = data } } }
  vm.runInNewContext(fs.readFileSync(path.join(site, "search", name + ".js"), "utf8"), sandbox)
  if (received === undefined) throw new Error(`search/${name}.js did not deliver ${name}`)
  return received
}

async function main() {
  const queries = JSON.parse(fs.readFileSync(0, "utf8"))
  const engine = Engine.create(load)
  const answers = []
  for (const [query, options] of queries) answers.push(await engine.search(query, options || {}))
  process.stdout.write(JSON.stringify(answers))
}

main().catch(err => { process.stderr.write(`${err.stack || err}\n`); process.exit(1) })
