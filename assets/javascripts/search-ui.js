/*
 * The handbook's search panel, in Material's search box and result list (same DOM
 * classes, same look): loads the index written by the build (search/*.js, by script
 * tags, which work over http and from file://), asks search-engine.js, shows the
 * answer with its filters, and highlights the searched words on the page a result opens.
 */
;(function () {
  "use strict"

  var DEBOUNCE_MS = 50
  // pages in the list before "显示更多" (Material's list also renders ten at a time): each page shown
  // costs the first search a text file to read
  var PAGE_LIMIT = 10
  var STATUSES = ["现行", "试行", "废止"]

  var script = document.currentScript
  var base = new URL("../../", script ? script.src : location.href) // assets/javascripts/ → site root
  var waiting = new Map()

  window.HandbookSearch = {
    receive: function (name, data) {
      var resolve = waiting.get(name)
      if (resolve) resolve(data)
    },
  }

  function load(name) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script")
      waiting.set(name, function (data) { waiting.delete(name); tag.remove(); resolve(data) })
      tag.onerror = function () { waiting.delete(name); tag.remove(); reject(new Error("search/" + name + ".js")) }
      tag.src = new URL("search/" + name + ".js", base).href
      document.head.appendChild(tag)
    })
  }

  var engine = window.HandbookSearchEngine.create(load)

  function element(tag, attributes, children) {
    var node = document.createElement(tag)
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "html") node.innerHTML = attributes.html
      else if (key === "text") node.textContent = attributes.text
      else node.setAttribute(key, attributes[key])
    })
    ;(children || []).forEach(function (child) { if (child) node.appendChild(child) })
    return node
  }

  function siteUrl(path) { return new URL(path, base).href }

  function whenIdle(task) {
    if (window.requestIdleCallback) requestIdleCallback(task, { timeout: 1000 })
    else setTimeout(task, 0)
  }

  function setUp() {
    var box = document.querySelector("[data-handbook-query]")
    var panel = document.querySelector("[data-handbook-results]")
    var toggle = document.getElementById("__search")
    if (!box || !panel) return
    var meta = panel.querySelector("[data-handbook-meta]")
    var list = panel.querySelector(".md-search-result__list")
    var filters = panel.querySelector("[data-handbook-filters]")
    var state = { category: "", status: "", limit: PAGE_LIMIT, asked: 0, composing: false, timer: 0, lastInput: 0 }

    function open() {
      if (toggle && !toggle.checked) toggle.checked = true
    }
    function close() {
      if (toggle) toggle.checked = false
      box.blur()
    }

    function schedule(delay) {
      clearTimeout(state.timer)
      state.timer = setTimeout(run, delay)
    }

    function run() {
      var query = box.value.trim()
      var asked = ++state.asked
      panel.setAttribute("data-state", "searching")
      if (!query) {
        meta.textContent = "键入以开始搜索"
        list.replaceChildren()
        filters.hidden = true
        panel.setAttribute("data-state", "empty")
        return
      }
      engine.search(query, { category: state.category, status: state.status, limit: state.limit })
        .then(function (answer) { if (asked === state.asked) show(answer, query) })
        .catch(function () {
          if (asked !== state.asked) return
          meta.textContent = "搜索暂时无法使用：网站的检索文件缺失，请联系手册维护人员"
          panel.setAttribute("data-state", "error")
        })
    }

    function show(answer, query) {
      meta.textContent = answer.message
      var kind = answer.groups.length ? (answer.missing.length ? "partial" : "results")
                                      : (answer.pending.length ? "pending" : "none")
      panel.setAttribute("data-state", kind)
      panel.setAttribute("data-query", query)
      showFilters(answer)
      var items = answer.results.filter(function (e) { return !e.doc.pending }).map(resultItem)
      if (answer.total > answer.groups.length) {
        var more = element("button", { type: "button", class: "md-button hb-search-more", text: "显示更多结果" })
        more.addEventListener("click", function () { state.limit += PAGE_LIMIT; run() })
        items.push(element("li", { class: "hb-search-more-item" }, [more]))
      }
      if (answer.pending.length) {
        if (answer.groups.length)
          items.push(element("li", { class: "hb-search-group", text: "正文待录入" }))
        answer.results.filter(function (e) { return e.doc.pending }).forEach(function (e) { items.push(pendingItem(e)) })
      }
      list.replaceChildren.apply(list, items)
    }

    function chip(label, active, onClick) {
      var button = element("button", { type: "button", class: "hb-search-chip" + (active ? " hb-search-chip--on" : ""),
                                        "aria-pressed": active ? "true" : "false", text: label })
      button.addEventListener("click", function (event) { event.preventDefault(); onClick(); box.focus() })
      return button
    }

    function showFilters(answer) {
      var categories = answer.categories.filter(function (c) { return answer.facets.categories[c] || state.category === c })
      var statuses = STATUSES.filter(function (s) { return answer.facets.statuses[s] || state.status === s })
      if (!answer.groups.length && !state.category && !state.status) { filters.hidden = true; return }
      filters.hidden = false
      var row1 = element("div", { class: "hb-search-filter", "data-filter": "category" },
        [element("span", { class: "hb-search-filter__label", text: "类别" }),
         chip("全部", !state.category, function () { state.category = ""; state.limit = PAGE_LIMIT; run() })]
          .concat(categories.map(function (c) {
            return chip(c, state.category === c, function () { state.category = c; state.limit = PAGE_LIMIT; run() })
          })))
      var row2 = element("div", { class: "hb-search-filter", "data-filter": "status" },
        [element("span", { class: "hb-search-filter__label", text: "状态" }),
         chip("全部", !state.status, function () { state.status = ""; state.limit = PAGE_LIMIT; run() })]
          .concat(statuses.map(function (s) {
            return chip(s, state.status === s, function () { state.status = s; state.limit = PAGE_LIMIT; run() })
          })))
      filters.replaceChildren(row1, row2)
    }

    /* One result: the entry (第十六条, 1.签收 …) with its document, and the sentence that matched. */
    function resultItem(entry) {
      var doc = entry.doc
      var place = [doc.category, doc.status].filter(Boolean).join(" · ")
      var heading = entry.anchor ? element("h1", {}, [document.createTextNode(doc.title + " "),
        element("span", { class: "hb-search-label", html: entry.titleHtml })]) : element("h1", { html: entry.titleHtml })
      var article = element("article", { class: "md-search-result__article md-search-result__article--document md-typeset" }, [
        element("div", { class: "md-search-result__icon md-icon" }),
        heading,
        element("p", { class: "hb-search-place", text: place }),
        entry.snippet ? element("p", { class: "md-search-result__teaser", html: entry.snippet }) : null,
      ])
      return element("li", { class: "md-search-result__item", "data-page": doc.page },
        [element("a", { href: siteUrl(entry.url), class: "md-search-result__link", tabindex: "-1",
                        "data-target": entry.target }, [article])])
    }

    function pendingItem(entry) {
      var doc = entry.doc
      var note = "正文待录入" + (doc.sourcePage ? "，原汇编第 " + doc.sourcePage + " 页" : "")
      var article = element("article", { class: "md-search-result__article md-search-result__article--document md-typeset" }, [
        element("div", { class: "md-search-result__icon md-icon" }),
        element("h1", { html: entry.titleHtml }),
        element("p", { class: "hb-search-place", text: doc.category }),
        element("p", { class: "md-search-result__teaser hb-search-pending", text: note }),
      ])
      return element("li", { class: "md-search-result__item hb-search-pending-item", "data-page": doc.page },
        [element("a", { href: siteUrl(entry.url), class: "md-search-result__link", tabindex: "-1",
                        "data-target": entry.target }, [article])])
    }

    // Every way text gets into the box fires `input` (typing, IME commit, paste, drop);
    // during an IME composition the text is not final yet.
    box.addEventListener("compositionstart", function () { state.composing = true })
    box.addEventListener("compositionend", function () { state.composing = false; schedule(0) })
    box.addEventListener("input", function (event) {
      if (state.composing || event.isComposing) return
      open()
      state.limit = PAGE_LIMIT
      // the first change after a pause searches at once (an IME commit or a paste is the whole query);
      // changes that follow each other quickly (typing letters) wait for the pause
      var now = Date.now()
      schedule(now - state.lastInput > DEBOUNCE_MS ? 0 : DEBOUNCE_MS)
      state.lastInput = now
    })
    box.addEventListener("focus", function () { open(); engine.ready() })
    box.form.addEventListener("submit", function (event) { event.preventDefault() })
    box.form.addEventListener("reset", function () { setTimeout(function () { run(); box.focus() }, 0) })
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(state.timer)
        var first = list.querySelector("a.md-search-result__link")
        if (first && panel.getAttribute("data-query") === box.value.trim()) location.href = first.href
        else run()
      } else if (event.key === "ArrowDown") {
        var link = list.querySelector("a.md-search-result__link")
        if (link) { event.preventDefault(); link.focus() }
      }
    })
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return
      var links = Array.from(list.querySelectorAll("a.md-search-result__link")).filter(function (a) { return a.offsetParent })
      var at = links.indexOf(document.activeElement)
      event.preventDefault()
      if (event.key === "ArrowUp" && at <= 0) return box.focus()
      var next = links[Math.min(links.length - 1, at + (event.key === "ArrowDown" ? 1 : -1))]
      if (next) next.focus()
    })
    document.addEventListener("keydown", function (event) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target && event.target.tagName) || "") ||
                   (event.target && event.target.isContentEditable)
      if (event.key === "Escape" && toggle && toggle.checked) close()
      else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && /^[/sf]$/.test(event.key)) {
        event.preventDefault()
        open()
        box.focus()
      }
    })
    if (toggle) toggle.addEventListener("change", function () {
      if (toggle.checked) setTimeout(function () { box.focus() }, 50)
    })

    var asked = new URL(location.href).searchParams.get("q")
    if (asked) { // a search given in the link, e.g. index.html?q=保密
      box.value = asked
      open()
      box.focus()
      run()
    } else {
      // read the vocabulary (and a small index whole) while the reader looks at the page
      engine.ready().then(function () { whenIdle(function () { engine.preload().catch(function () {}) }) })
        .catch(function () {})
    }
  }

  /* On the page a result opened: mark the searched words (?h=) in the page's text. */
  function highlightPage() {
    var words = (new URL(location.href).searchParams.get("h") || "").split(/\s+/).filter(Boolean)
    var content = document.querySelector("article.md-content__inner")
    if (!words.length || !content) return
    words.sort(function (a, b) { return b.length - a.length })
    var walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("script, style, svg, mark, .headerlink, [data-search-exclude]")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT
      },
    })
    var nodes = []
    while (walker.nextNode()) nodes.push(walker.currentNode)
    nodes.forEach(function (node) {
      var html = window.HandbookSearchEngine.highlight(node.nodeValue, words)
      if (html.indexOf("<mark>") < 0) return
      var holder = document.createElement("span")
      holder.innerHTML = html
      node.replaceWith.apply(node, Array.from(holder.childNodes))
    })
  }

  function start() {
    setUp()
    highlightPage()
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
