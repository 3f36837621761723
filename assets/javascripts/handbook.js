/*
 * 区委办公室工作制度汇编 — what the pages do in the browser, beside Material's own script.
 *
 * - 「复制引用」 on every article, item and flow step (elements with data-cite, written by the
 *   build: handbook/render/pages.py, handbook/render/flowcharts.py): copies the formal citation
 *   and the permanent link. The clipboard API is not always there (file://, old browsers), so
 *   it falls back to execCommand("copy"), and last to a box with the text selected.
 * - 「打印本条」 prints just that part (the title and the part; print.css hides the rest),
 *   「打印本文件」 the whole document.
 * - Flowcharts: 「放大查看」 opens the drawing full screen at its own size, so its labels are as
 *   large as drawn (14-15 px) on a phone; Esc or 「关闭」 closes it.
 *
 * Everything works offline and from file://: nothing is fetched.
 */
(function () {
  "use strict";

  var PART = "hb-print-part";

  function button(text, label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "hb-action";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      action(b);
    });
    return b;
  }

  function permalink(id) {
    var url = location.href.split("#")[0].split("?")[0];
    return id ? url + "#" + id : url;
  }

  /* --- status line: what was copied, read out by screen readers ------------------------------- */

  var status;
  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "hb-toast";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = text;
    status.classList.add("hb-toast--shown");
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () { status.classList.remove("hb-toast--shown"); }, 4000);
  }

  /* --- copying ---------------------------------------------------------------------------------- */

  function copyWithCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (e) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }

  function showCopyBox(text, opener) {
    var dialog = document.createElement("div");
    dialog.className = "hb-copybox";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-label", "复制引用");
    var hint = document.createElement("p");
    hint.textContent = "浏览器不允许自动复制。引用已选中，请按 Ctrl+C（手机上长按）复制：";
    var area = document.createElement("textarea");
    area.value = text;
    area.readOnly = true;
    area.rows = 3;
    area.setAttribute("aria-label", "引用文字");
    var close = button("关闭", "关闭", function () { dismiss(); });
    function dismiss() {
      dialog.remove();
      if (opener) opener.focus();
    }
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") dismiss();
    });
    dialog.append(hint, area, close);
    document.body.appendChild(dialog);
    area.focus();
    area.select();
  }

  function copy(text, opener) {
    var copied = function () { announce("已复制引用：" + text.split("\n")[0]); };
    var fallback = function () {
      if (copyWithCommand(text)) copied();
      else showCopyBox(text, opener);
    };
    if (navigator.clipboard && window.isSecureContext && location.protocol !== "file:") {
      navigator.clipboard.writeText(text).then(copied, fallback);
    } else {
      fallback();
    }
  }

  /* --- printing one part ------------------------------------------------------------------------ */

  function level(el) {
    var m = /^H([1-6])$/.exec(el.tagName);
    return m ? Number(m[1]) : 0;
  }

  function depth(el) {
    var m = /\bdepth-(\d+)\b/.exec(el.className);
    return m ? Number(m[1]) : 0;
  }

  /* The blocks of one part: an article (heading to the next heading), an outline heading (to the
     next heading of its level or above), an item (with the items below it), a flow step. */
  function partOf(el) {
    var blocks = [];
    var start = el;
    if (el.classList.contains("art-text")) start = el.previousElementSibling;
    var top = level(start);
    if (start.tagName === "LI") return [start];
    blocks.push(start);
    for (var next = start.nextElementSibling; next; next = next.nextElementSibling) {
      var l = level(next);
      if (top && l && (start.classList.contains("article") || l <= top)) break;
      if (!top) {
        if (!next.classList.contains("item") && !next.classList.contains("para") && !next.classList.contains("related")) break;
        if (next.classList.contains("item") && depth(next) <= depth(start)) break;
      }
      blocks.push(next);
    }
    return blocks;
  }

  function printPart(el) {
    var blocks = partOf(el);
    var marked = blocks.slice();
    var title = document.querySelector(".md-content h1");
    if (title) marked.push(title);
    if (el.tagName === "LI") {
      marked.push(el.parentElement);
      el.value = Array.prototype.indexOf.call(el.parentElement.children, el) + 1;  // keep its number alone
    }
    marked.forEach(function (b) { b.classList.add(PART); });
    document.body.classList.add("hb-printing-part");
    var done = function () {
      document.body.classList.remove("hb-printing-part");
      marked.forEach(function (b) { b.classList.remove(PART); });
      if (el.tagName === "LI") el.removeAttribute("value");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
    // Some browsers return from print() before the dialog closes and send no afterprint
    setTimeout(function () { if (!window.matchMedia("print").matches) done(); }, 1000);
  }

  /* --- the actions beside each citable element ---------------------------------------------------- */

  function addActions(el) {
    var cite = el.getAttribute("data-cite");
    var id = el.id || (el.previousElementSibling && el.previousElementSibling.id) || "";
    var actions = document.createElement("span");
    actions.className = "hb-actions";
    actions.setAttribute("data-search-exclude", "");
    var what = el.tagName === "LI" ? "本步" : "本条";
    actions.append(
      button("复制引用", "复制引用：" + cite, function (b) { copy(cite + "\n" + permalink(id), b); }),
      button("打印" + what, "打印" + what + "：" + cite, function () { printPart(el); })
    );
    var body = el.querySelector(":scope > .item-body") || el;
    body.appendChild(actions);
  }

  function addDocumentPrint() {
    var meta = document.querySelector(".md-content .doc-meta");
    if (!meta) return;
    meta.appendChild(button("打印本文件", "打印本文件", function () { window.print(); }));
  }

  /* --- flowcharts full screen --------------------------------------------------------------------- */

  function openFlowchart(figure, opener) {
    var svg = figure.querySelector("svg");
    var view = document.createElement("div");
    view.className = "hb-zoom";
    view.setAttribute("role", "dialog");
    view.setAttribute("aria-modal", "true");
    view.setAttribute("aria-label", (svg.getAttribute("aria-label") || "流程图") + "（放大）");
    var bar = document.createElement("div");
    bar.className = "hb-zoom__bar";
    var name = document.createElement("span");
    name.textContent = svg.getAttribute("aria-label") || "流程图";
    var close = button("关闭", "关闭放大的流程图", function () { dismiss(); });
    bar.append(name, close);
    var canvas = document.createElement("div");
    canvas.className = "hb-zoom__canvas";
    var copySvg = svg.cloneNode(true);
    copySvg.removeAttribute("id");
    copySvg.style.width = svg.getAttribute("width") + "px";
    copySvg.style.height = svg.getAttribute("height") + "px";
    copySvg.style.maxWidth = "none";
    canvas.appendChild(copySvg);
    view.append(bar, canvas);
    function dismiss() {
      view.remove();
      document.documentElement.classList.remove("hb-zoomed");
      opener.focus();
    }
    view.addEventListener("keydown", function (event) {
      if (event.key === "Escape") dismiss();
    });
    document.documentElement.classList.add("hb-zoomed");
    document.body.appendChild(view);
    close.focus();
  }

  function addFlowchartZoom(figure) {
    var open = button("放大查看", "放大查看流程图（全屏）", function (b) { openFlowchart(figure, b); });
    open.classList.add("hb-zoom-open");
    figure.insertBefore(open, figure.firstChild);
    // On a small screen the boxes are too small to aim at: a tap on the drawing opens it full screen
    figure.querySelector("svg").addEventListener("click", function (event) {
      if (window.matchMedia("(max-width: 59.9375em)").matches) {
        event.preventDefault();
        openFlowchart(figure, open);
      }
    });
  }

  /* --- what the theme leaves out for screen readers and keyboards ------------------------------- */

  function accessibility() {
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "搜索");
    // wide tables scroll sideways: keyboard users reach them with Tab and scroll with the arrow keys
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "表格（可左右滚动）");
      }
    });
  }

  /* --- the 404 page's 「搜索本手册」 opens the header's search box ---------------------------------- */

  function openHeaderSearch() {
    var toggle = document.getElementById("__search");
    if (!toggle) return;
    toggle.checked = true;
    toggle.dispatchEvent(new Event("change"));
    setTimeout(function () {
      var input = document.querySelector(".md-search__input");
      if (input) input.focus();
    }, 50);
  }

  function start() {
    document.querySelectorAll(".hb-notfound-search").forEach(function (b) {
      b.addEventListener("click", openHeaderSearch);
    });
    accessibility();
    setTimeout(accessibility, 0);  // after the theme has wrapped the tables
    window.addEventListener("resize", accessibility);
    document.querySelectorAll(".md-content [data-cite]").forEach(addActions);
    addDocumentPrint();
    document.querySelectorAll(".md-content figure.flowchart").forEach(function (figure) {
      if (figure.querySelector("svg")) addFlowchartZoom(figure);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
