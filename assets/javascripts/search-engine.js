/*
 * The handbook's one search engine: reads the index the build wrote (search/*.js,
 * see handbook/search_index.py), segments a query with the index's own vocabulary,
 * ranks, filters and makes the snippets. The page (search-ui.js) and the tests
 * (under Node, tests/support/search_engine.js) run this same file on the same index files.
 *
 * A query word is either a term of the index (or a synonym of one) or it matches
 * nothing: no single characters are tried in its place, no prefixes. Ranking, in
 * order: documents whose text is entered before placeholders, the query exactly as
 * typed appearing in the entry, every query word in the entry, then the BM25 weights
 * computed at build time (where words in the entry's title count more).
 */
;(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory()
  else root.HandbookSearchEngine = factory()
})(typeof self !== "undefined" ? self : this, function () {
  "use strict"

  var HAN = /\p{Script=Han}+/gu // the runs handbook/search_index.py gives to jieba
  var WORD = /[0-9a-z]+/gi
  var PHRASE_CANDIDATES = 40 // entries whose text is read to look for the exact query
  var SNIPPET_CHARS = 120

  function termHash(term) { // FNV-1a over code points, as term_hash in search_index.py
    var value = 0x811c9dc5
    for (var char of term) {
      value ^= char.codePointAt(0)
      value = Math.imul(value, 0x01000193) >>> 0
    }
    return value
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]
    })
  }

  function charLength(text) { return Array.from(text).length }

  /* Cut a run of Han characters into words of the vocabulary (or synonym keys), fewest
     uncovered characters first, then fewest words. Single characters only when the
     whole run is one character (or when `single`). Returns {words, missing}. */
  function segmentRun(run, known, maxLength, single) {
    var chars = Array.from(run)
    var n = chars.length
    var best = [{ gap: 0, count: 0, prev: -1, word: false }]
    for (var end = 1; end <= n; end++) {
      // leave character end-1 uncovered
      var skip = best[end - 1]
      var choice = { gap: skip.gap + 1, count: skip.count, prev: end - 1, word: false }
      var shortest = n === 1 || single ? 1 : 2
      for (var length = shortest; length <= Math.min(maxLength, end); length++) {
        var start = end - length
        if (!known(chars.slice(start, end).join(""))) continue
        var from = best[start]
        var candidate = { gap: from.gap, count: from.count + 1, prev: start, word: true }
        if (candidate.gap < choice.gap || (candidate.gap === choice.gap && candidate.count < choice.count))
          choice = candidate
      }
      best.push(choice)
    }
    var pieces = [], gap = ""
    for (var at = n; at > 0; at = best[at].prev) {
      var step = best[at]
      var piece = chars.slice(step.prev, at).join("")
      if (step.word) {
        if (gap) pieces.unshift({ text: gap, word: false })
        gap = ""
        pieces.unshift({ text: piece, word: true })
      } else {
        gap = piece + gap
      }
    }
    if (gap) pieces.unshift({ text: gap, word: false })
    return {
      pieces: pieces,
      words: pieces.filter(function (p) { return p.word }),
      missing: pieces.filter(function (p) { return !p.word }).map(function (p) { return p.text }),
    }
  }

  function Engine(load) {
    this.load = load
    this.core = null
    this.files = new Map()
    this.decoded = new Map() // term → its postings
  }

  Engine.prototype.file = function (name) {
    if (!this.files.has(name)) {
      var files = this.files
      var promise = Promise.resolve(this.load(name))
      promise.catch(function () { files.delete(name) }) // a failed load is tried again next time
      files.set(name, promise)
    }
    return this.files.get(name)
  }

  Engine.prototype.ready = function () {
    var self = this
    if (!this.core) this.core = this.file("core").then(function (data) { return prepare(data) })
    return this.core
  }

  /* Every file of the index, when the build found it small enough (core's "preload"): read while the
     reader looks at the page, so the first query waits for none. */
  Engine.prototype.preload = function () {
    var self = this
    return this.ready().then(function (core) {
      if (!core.data.preload) return
      var names = []
      for (var n = 0; n < core.data.shards; n++) names.push("p-" + n)
      core.data.chunks.forEach(function (_, n) { names.push("t-" + n) })
      return Promise.all(names.map(function (name) { return self.file(name) }))
    })
  }

  function prepare(data) {
    var vocabulary = new Set(data.vocabulary ? data.vocabulary.split("\n") : [])
    var maxLength = 1
    vocabulary.forEach(function (term) { maxLength = Math.max(maxLength, charLength(term)) })
    var synonyms = new Map()
    Object.keys(data.synonyms || {}).forEach(function (word) {
      synonyms.set(word.toLowerCase(), data.synonyms[word])
      maxLength = Math.max(maxLength, charLength(word))
    })
    var entryDocs = new Int32Array(data.entries) // entry number → document number
    data.docs.forEach(function (d, number) {
      entryDocs.fill(number, d[5], number + 1 < data.docs.length ? data.docs[number + 1][5] : data.entries)
    })
    return {
      data: data, vocabulary: vocabulary, synonyms: synonyms, maxLength: maxLength, entryDocs: entryDocs,
      docs: data.docs.map(function (d, number) {
        return { number: number, page: d[0], title: d[1], category: data.categories[d[2]], status: d[3],
                 sourcePage: d[4], pending: d[3] === "待录入" }
      }),
    }
  }

  function lastAtMost(sorted, value) { // index of the last element <= value
    var low = 0, high = sorted.length - 1
    while (low < high) {
      var mid = (low + high + 1) >> 1
      if (sorted[mid] <= value) low = mid
      else high = mid - 1
    }
    return low
  }

  /* The query as words, each with the alternatives that may stand for it in an entry:
     the word itself when it is a term, and its synonyms (each a list of terms, all required). */
  Engine.prototype.parse = function (core, query) {
    var text = query.toLowerCase()
    var words = [], missing = []
    function known(piece) { return core.vocabulary.has(piece) || core.synonyms.has(piece) }
    function termsOf(phrase) { // a synonym target as vocabulary terms (all must occur)
      if (core.vocabulary.has(phrase)) return [phrase]
      var found = []
      var rest = phrase.replace(HAN, function (run) {
        var cut = segmentRun(run, function (p) { return core.vocabulary.has(p) }, core.maxLength, true)
        if (cut.missing.length) found = null
        else if (found) cut.words.forEach(function (w) { found.push(w.text) })
        return " "
      })
      ;(rest.match(WORD) || []).forEach(function (w) {
        if (!core.vocabulary.has(w)) found = null
        else if (found) found.push(w)
      })
      return found && found.length ? found : null
    }
    function add(piece) {
      var alternatives = []
      if (core.vocabulary.has(piece)) alternatives.push({ text: piece, terms: [piece], synonym: false })
      ;(core.synonyms.get(piece) || []).forEach(function (target) {
        var terms = termsOf(target.toLowerCase())
        if (terms && !alternatives.some(function (a) { return a.text === target }))
          alternatives.push({ text: target, terms: terms, synonym: true, literal: terms.length > 1 })
      })
      if (alternatives.length) words.push({ text: piece, alternatives: alternatives })
      else missing.push(piece)
    }
    var position = 0
    var runs = text.matchAll(HAN)
    for (var match of runs) {
      ;(text.slice(position, match.index).match(WORD) || []).forEach(add)
      var pieces = segmentRun(match[0], known, core.maxLength).pieces
      // A single character left between words joins its neighbour (请 + 销假 → 请销假), and a longer gap
      // the vocabulary covers only with single characters stays whole (报 + 销 → 报销): such a word
      // counts only where an entry holds it literally, which is checked on the entry's text.
      for (var i = 0; i < pieces.length; i++) {
        if (!pieces[i].word && Array.from(pieces[i].text).length === 1 && pieces.length > 1) {
          var next = i + 1 < pieces.length && pieces[i + 1].word
          var joined = next ? pieces[i].text + pieces[i + 1].text : pieces[i - 1].text + pieces[i].text
          if (next) pieces.splice(i, 2, { text: joined, literal: true })
          else pieces.splice(i - 1, 2, { text: joined, literal: true })
          i = -1
        }
      }
      pieces.forEach(function (piece) {
        if (piece.word) return add(piece.text)
        var terms = termsOf(piece.text)
        if (terms && terms.length > 1)
          words.push({ text: piece.text, alternatives: [{ text: piece.text, terms: terms, synonym: false, literal: true }] })
        else missing.push(piece.text)
      })
      position = match.index + match[0].length
    }
    ;(text.slice(position).match(WORD) || []).forEach(add)
    var seen = new Set()
    words = words.filter(function (w) { return !seen.has(w.text) && seen.add(w.text) })
    return { words: words, missing: missing, phrase: (text.match(/[\p{Script=Han}0-9a-z]+/gu) || []).join("") }
  }

  /* A term's postings, decoded once: entry numbers (ascending) and their weights (every weight is at least 1). */
  Engine.prototype.postings = function (core, term) {
    var decoded = this.decoded
    if (decoded.has(term)) return Promise.resolve(decoded.get(term))
    var shard = "p-" + (termHash(term) % core.data.shards)
    return this.file(shard).then(function (data) {
      if (!decoded.has(term)) {
        var flat = data[term] || [], count = flat.length >> 1
        var numbers = new Int32Array(count), weights = new Int32Array(count), number = 0
        for (var k = 0; k < count; k++) {
          number += flat[2 * k]
          numbers[k] = number
          weights[k] = flat[2 * k + 1]
        }
        decoded.set(term, { numbers: numbers, weights: weights })
      }
      return decoded.get(term)
    })
  }

  Engine.prototype.rows = function (core, numbers) {
    var chunks = core.data.chunks, self = this
    var wanted = Array.from(new Set(numbers.map(function (n) { return lastAtMost(chunks, n) })))
    return Promise.all(wanted.map(function (chunk) {
      return self.file("t-" + chunk).then(function (rows) { return [chunk, rows] })
    })).then(function (loaded) {
      var byChunk = new Map(loaded)
      var rows = new Map()
      numbers.forEach(function (n) {
        var chunk = lastAtMost(chunks, n)
        var row = byChunk.get(chunk)[n - chunks[chunk]]
        rows.set(n, { anchor: row[0], title: row[1], text: row[2] })
      })
      return rows
    })
  }

  /* search(query, {category, status, limit}) → everything the result panel shows. */
  Engine.prototype.search = function (query, options) {
    options = options || {}
    var self = this
    var limit = options.limit || 20
    return this.ready().then(function (core) {
      var parsed = self.parse(core, query)
      var alternatives = []
      parsed.words.forEach(function (word, w) {
        word.alternatives.forEach(function (alt, a) {
          alternatives.push({ word: w, alt: a, terms: alt.terms, synonym: alt.synonym, literal: !!alt.literal })
        })
      })
      var terms = Array.from(new Set([].concat.apply([], alternatives.map(function (a) { return a.terms }))))
      return Promise.all(terms.map(function (t) { return self.postings(core, t) })).then(function (lists) {
        var byTerm = new Map()
        terms.forEach(function (t, i) { byTerm.set(t, lists[i]) })
        return self.rank(core, parsed, alternatives, byTerm, options, limit)
      })
    })
  }

  /* The matches of a query, one slot per index entry (typed arrays: a common word at 2,000 documents
     matches tens of thousands of entries). For each entry: the best weight of each query word, and
     which alternatives (the word itself, its synonyms) it holds; `entries` lists the matched ones in
     the order they were first met. */
  function Matches(size, parsed, alternatives) {
    this.alternatives = alternatives
    this.best = parsed.words.map(function () { return new Float64Array(size) })
    this.holds = alternatives.map(function () { return new Uint8Array(size) })
    this.entries = []
    this.met = new Uint8Array(size)
  }

  Matches.prototype.words = function (number) { // the query words an entry holds: word → its alternatives
    var found = new Map()
    for (var k = 0; k < this.alternatives.length; k++) {
      if (!this.holds[k][number]) continue
      var a = this.alternatives[k]
      if (!found.has(a.word)) found.set(a.word, { weight: this.best[a.word][number], alts: [] })
      found.get(a.word).alts.push(a.alt)
    }
    return found
  }

  function denseWeights(size, list) { // term weight by entry number, 0 where the term is absent
    var dense = new Int32Array(size)
    for (var k = 0; k < list.numbers.length; k++) dense[list.numbers[k]] = list.weights[k]
    return dense
  }

  /* An alternative made of several terms counts where all of them occur, with the sum of their weights. */
  Engine.prototype.rank = function (core, parsed, alternatives, byTerm, options, limit) {
    var self = this
    var size = core.data.entries
    var matches = new Matches(size, parsed, alternatives)
    var dense = new Map()
    alternatives.forEach(function (a, k) {
      var first = byTerm.get(a.terms[0])
      var rest = a.terms.slice(1).map(function (t) {
        if (!dense.has(t)) dense.set(t, denseWeights(size, byTerm.get(t)))
        return dense.get(t)
      })
      var best = matches.best[a.word], holds = matches.holds[k]
      next: for (var i = 0; i < first.numbers.length; i++) {
        var number = first.numbers[i], total = first.weights[i]
        for (var j = 0; j < rest.length; j++) {
          var w = rest[j][number]
          if (!w) continue next
          total += w
        }
        if (a.synonym) total *= 0.9
        if (!matches.met[number]) {
          matches.met[number] = 1
          matches.entries.push(number)
        }
        if (total > best[number]) best[number] = total
        holds[number] = 1
      }
    })
    // a word the vocabulary covers only in pieces counts where the entry holds it literally
    var literal = alternatives.map(function (a, k) { return a.literal ? k : -1 }).filter(function (k) { return k >= 0 })
    var checked = matches.entries.filter(function (n) { return literal.some(function (k) { return matches.holds[k][n] }) })
    if (!checked.length) return self.ranked(core, parsed, matches, options, limit)
    return self.rows(core, checked).then(function (rows) {
      rows.forEach(function (row, number) {
        var text = (row.title + row.text).toLowerCase()
        literal.forEach(function (k) {
          var alt = parsed.words[alternatives[k].word].alternatives[alternatives[k].alt]
          if (matches.holds[k][number] && !text.includes(alt.text)) matches.holds[k][number] = 0
        })
      })
      return self.ranked(core, parsed, matches, options, limit)
    })
  }

  /* Ranking, in order: text entered before placeholders, the exact query in the entry, every query
     word in the entry, the BM25 weights, the entry's place in the index. */
  Engine.prototype.ranked = function (core, parsed, matches, options, limit) {
    var self = this
    var wordCount = parsed.words.length
    var facets = { categories: {}, statuses: {} }
    var matchedWords = new Set()
    var docsSeen = new Set()
    var numbers = [], scores = [], all = [], pending = [], docs = []
    matches.entries.forEach(function (number) {
      var held = 0, score = 0
      for (var w = 0; w < wordCount; w++) {
        var holds = false
        for (var k = 0; k < matches.alternatives.length; k++)
          if (matches.alternatives[k].word === w && matches.holds[k][number]) { holds = true; break }
        if (!holds) continue
        held++
        score += matches.best[w][number]
        matchedWords.add(w)
      }
      if (!held) return
      var doc = core.docs[core.entryDocs[number]]
      if (!docsSeen.has(doc.number)) {
        docsSeen.add(doc.number)
        facets.categories[doc.category] = (facets.categories[doc.category] || 0) + 1
        facets.statuses[doc.status] = (facets.statuses[doc.status] || 0) + 1
      }
      if (options.category && doc.category !== options.category) return
      if (options.status && doc.status !== options.status) return
      numbers.push(number); scores.push(score); all.push(held === wordCount); pending.push(doc.pending); docs.push(doc)
    })
    var order = numbers.map(function (_, i) { return i }).sort(function (a, b) {
      return (pending[a] - pending[b]) || (all[b] - all[a]) || (scores[b] - scores[a]) || (numbers[a] - numbers[b])
    })
    // a word no entry holds is reported, not searched
    parsed.missing = parsed.missing.concat(parsed.words.filter(function (w, i) { return !matchedWords.has(i) })
                                                      .map(function (w) { return w.text }))
    var phrase = parsed.phrase
    var literal = parsed.words.length === 1 && parsed.words[0].text === phrase &&
                  !parsed.words[0].alternatives.some(function (a) { return a.synonym })
    var phrased = new Uint8Array(numbers.length)
    var checked = literal ? [] : order.filter(function (i) { return !pending[i] }).slice(0, PHRASE_CANDIDATES)
    if (literal) order.forEach(function (i) { phrased[i] = pending[i] ? 0 : 1 })
    // The exact query only lifts checked entries ahead of the others, so the pages shown are among those of
    // the checked entries and the first `limit` pages as they stand: their text is read in one go.
    var wanted = new Set(checked.map(function (i) { return docs[i].number }))
    firstPages(order, docs, pending, limit).forEach(function (d) { wanted.add(d) })
    var read = order.filter(function (i) { return wanted.has(docs[i].number) || pending[i] })
    return self.rows(core, read.map(function (i) { return numbers[i] })).then(function (rows) {
      checked.forEach(function (i) {
        var row = rows.get(numbers[i])
        phrased[i] = phrase.length > 0 && (row.title + row.text).toLowerCase().replace(/\s+/g, "").includes(phrase) ? 1 : 0
      })
      // entries with the exact query first; otherwise the order stands (checked entries lead the list)
      order = order.filter(function (i) { return phrased[i] && !pending[i] })
                   .concat(order.filter(function (i) { return !(phrased[i] && !pending[i]) }))
      // pages in the order of their best entry; entries are made only for the pages the answer shows
      var pages = [], seen = new Set()
      order.forEach(function (i) {
        if (!seen.has(docs[i].number)) { seen.add(docs[i].number); pages.push(docs[i]) }
      })
      var withText = pages.filter(function (d) { return !d.pending })
      var groups = withText.slice(0, limit).concat(pages.filter(function (d) { return d.pending }))
        .map(function (d) { return { doc: d, entries: [] } })
      var byDoc = new Map(groups.map(function (g) { return [g.doc.number, g] }))
      order.forEach(function (i, rank) {
        var group = byDoc.get(docs[i].number)
        if (group) group.entries.push({ number: numbers[i], doc: docs[i], score: scores[i], all: all[i],
                                        phrase: !!phrased[i], rank: rank, hit: { words: matches.words(numbers[i]) } })
      })
      var shown = groups.filter(function (g) { return !g.doc.pending })
      var waiting = groups.filter(function (g) { return g.doc.pending })
      return self.answer(core, parsed, shown, waiting, rows, {
        total: withText.length, facets: facets,
      })
    })
  }

  function firstPages(order, docs, pending, limit) { // the first `limit` pages with text, in this order
    var pages = new Set()
    for (var k = 0; k < order.length && pages.size < limit; k++)
      if (!pending[order[k]]) pages.add(docs[order[k]].number)
    return pages
  }

  /* The words to mark in an entry: each matched word or synonym where the entry holds it whole, else its terms. */
  function marksOf(parsed, hit, text) {
    var marks = [], lower = text.toLowerCase()
    hit.words.forEach(function (w, word) {
      w.alts.forEach(function (a) {
        var alt = parsed.words[word].alternatives[a]
        if (lower.includes(alt.text.toLowerCase()) || alt.terms.length === 1) marks.push(alt.text)
        else marks = marks.concat(alt.terms)
      })
    })
    return Array.from(new Set(marks)).sort(function (a, b) { return charLength(b) - charLength(a) })
  }

  /* The text with every mark in <mark>, escaped; longest marks first, never overlapping. */
  function highlight(text, marks) {
    var lower = text.toLowerCase(), taken = [], out = "", at = 0
    marks.forEach(function (mark) {
      var needle = mark.toLowerCase()
      if (!needle) return
      for (var i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
        var end = i + needle.length
        if (!taken.some(function (r) { return i < r[1] && end > r[0] })) taken.push([i, end])
      }
    })
    taken.sort(function (a, b) { return a[0] - b[0] })
    taken.forEach(function (r) {
      out += escapeHtml(text.slice(at, r[0])) + "<mark>" + escapeHtml(text.slice(r[0], r[1])) + "</mark>"
      at = r[1]
    })
    return out + escapeHtml(text.slice(at))
  }

  /* The sentence of the text that holds most of the marks (the first sentence if none does), cut to length. */
  function snippet(text, marks) {
    var sentences = text.match(/[^。；！？;!?]+[。；！？;!?]?/g) || [text]
    var best = null, bestCount = 0
    sentences.forEach(function (sentence) {
      var lower = sentence.toLowerCase()
      var count = marks.filter(function (m) { return lower.includes(m.toLowerCase()) }).length
      if (count > bestCount) { best = sentence; bestCount = count }
    })
    var chosen = (best || sentences[0] || "").trim()
    if (charLength(chosen) > SNIPPET_CHARS) {
      var chars = Array.from(chosen)
      var first = marks.map(function (m) { return chosen.toLowerCase().indexOf(m.toLowerCase()) })
                       .filter(function (i) { return i >= 0 })
      var at = first.length ? charLength(chosen.slice(0, Math.min.apply(null, first))) : 0
      var start = Math.max(0, Math.min(at - 20, chars.length - SNIPPET_CHARS))
      chosen = (start > 0 ? "…" : "") + chars.slice(start, start + SNIPPET_CHARS).join("") +
               (start + SNIPPET_CHARS < chars.length ? "…" : "")
    }
    return chosen
  }

  function urlOf(page, anchor, marks) {
    var query = marks.length ? "?h=" + encodeURIComponent(marks.join(" ")) : ""
    return page + query + (anchor ? "#" + encodeURIComponent(anchor) : "")
  }

  /* Entries of all groups in rank order (each knows its group). */
  function flat(groups) {
    var all = []
    groups.forEach(function (g) {
      var doc = { page: g.page, title: g.title, category: g.category, status: g.status, sourcePage: g.sourcePage,
                  pending: g.pending }
      g.entries.forEach(function (e) { all.push(Object.assign({ doc: doc }, e)) })
    })
    return all.sort(function (a, b) { return a.rank - b.rank })
  }

  function quoted(words) { return words.map(function (w) { return "“" + w + "”" }).join("、") }

  Engine.prototype.answer = function (core, parsed, shown, pending, rows, extra) {
    function entryOf(c) {
      var row = rows.get(c.number)
      var marks = marksOf(parsed, c.hit, row.title + row.text)
      return {
        page: c.doc.page, anchor: row.anchor, target: c.doc.page + (row.anchor ? "#" + row.anchor : ""),
        url: urlOf(c.doc.page, row.anchor, marks), title: row.title, titleHtml: highlight(row.title, marks),
        snippet: highlight(snippet(row.text, marks), marks), marks: marks, exact: c.phrase, all: c.all,
        score: c.score, rank: c.rank,
      }
    }
    function groupOf(g) {
      var seen = new Set()
      var entries = g.entries.map(entryOf).filter(function (e) { // form field groups share one anchor
        return !seen.has(e.target) && seen.add(e.target)
      })
      return { page: g.doc.page, title: g.doc.title, category: g.doc.category, status: g.doc.status,
               sourcePage: g.doc.sourcePage, pending: g.doc.pending, entries: entries }
    }
    var groups = shown.map(groupOf), pendingGroups = pending.map(groupOf)
    var exactPending = pendingGroups.filter(function (g) {
      return parsed.phrase && g.title.toLowerCase().replace(/\s+/g, "").includes(parsed.phrase)
    })
    var pendingNotes = (groups.length ? exactPending : pendingGroups).map(function (g) {
      return "《" + g.title + "》正文待录入" + (g.sourcePage ? "，原汇编第 " + g.sourcePage + " 页" : "")
    })
    var message
    var words = parsed.words.map(function (w) { return w.text })
    if (!parsed.words.length && !parsed.missing.length) message = ""
    else if (!groups.length && !pendingGroups.length)
      message = "手册中没有找到" + quoted(parsed.missing.length ? parsed.missing : [parsed.phrase])
    else if (!groups.length) message = pendingNotes.join("；")
    else if (parsed.missing.length)
      message = "手册中没有找到" + quoted(parsed.missing) + "；以下是含有" + quoted(words) + "的结果"
    else message = "找到 " + extra.total + " 个文件中的结果"
    if (groups.length && pendingNotes.length)
      message += pendingNotes.length <= 2 ? "；" + pendingNotes.join("；")
                                          : "；另有 " + pendingNotes.length + " 个文件正文待录入（列在最后）"
    return {
      query: parsed.phrase, words: parsed.words.filter(function (w) { return parsed.missing.indexOf(w.text) < 0 }).map(function (w) {
        return { text: w.text, alternatives: w.alternatives.map(function (a) { return a.text }) }
      }),
      missing: parsed.missing, message: message, total: extra.total, groups: groups, pending: pendingGroups,
      pendingNotes: pendingNotes, facets: extra.facets,
      categories: core.data.categories.slice(),
      results: flat(groups).concat(flat(pendingGroups)),
      ranked: flat(groups).concat(flat(pendingGroups)).map(function (e) { return e.target }),
    }
  }

  return {
    create: function (load) { return new Engine(load) },
    highlight: highlight,
    termHash: termHash,
    segmentRun: segmentRun,
  }
})
