/* 议事决策自查: the page's evaluator and form.
 *
 * evaluate() is the twin of handbook/decide.py evaluate(): same rules JSON in,
 * same answers out, word for word. Tests run both over the worked cases and
 * over generated questions (tests/test_decide.py), so change them together.
 * Runs in the browser (also from file://) and under Node (module.exports).
 */
(function () {
  "use strict";

  var VERDICT_WORDS = {
    convene: { yes: "可以召开", no: "不能召开", open: "规则未明确" },
    refer: { yes: "须提交室务会", no: "不须提交室务会", open: "规则未明确" },
    pass: { yes: "通过", no: "未通过", open: "规则未明确", none: "不表决", blank: "未填票数" }
  };
  var QUESTION_NAMES = { convene: "能否召开", refer: "是否须提交室务会", pass: "是否通过" };
  var AMOUNT = /^[0-9]{1,9}(\.[0-9]{1,4})?$/;
  var NUMBER_FIELDS = [["expected", "应到会人数"], ["present", "实到人数"], ["withdrawn", "回避人数"],
    ["for", "同意票数"], ["against", "不同意票数"], ["abstain", "缓议票数"]];

  function need(total, share, bound) {
    var count = bound === "以上" ? Math.floor((share[0] * total + share[1] - 1) / share[1])
      : Math.floor(share[0] * total / share[1]) + 1;
    return Math.max(count, 1);
  }

  function exactly(count, total, share) { return count * share[1] === share[0] * total; }

  function wan(yuan) {
    var whole = Math.floor(yuan / 10000), rest = yuan % 10000;
    return rest ? whole + "." + String(rest).padStart(4, "0").replace(/0+$/, "") : String(whole);
  }

  function parseAmount(text) {
    text = text.trim();
    if (!AMOUNT.test(text)) return null;
    var parts = text.split(".");
    return parseInt(parts[0], 10) * 10000 + parseInt((parts[1] || "").padEnd(4, "0"), 10);
  }

  function readings(e, p, w) {
    if (w === 0) return [{ label: "", expected: e, present: p }];
    return [{ label: "回避成员计入应到会和实到人数", expected: e, present: p },
      { label: "回避成员不计入应到会和实到人数", expected: e - w, present: p - w },
      { label: "回避成员计入应到会、不计入实到人数", expected: e, present: p - w }];
  }

  function integer(value) {
    if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : null;
    if (typeof value === "string" && /^[0-9]{1,4}$/.test(value.trim())) return parseInt(value.trim(), 10);
    return null;
  }

  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }

  function answer(question, verdict, reason, cites, steps) {
    return { question: question, verdict: verdict, word: VERDICT_WORDS[question][verdict],
      reason: reason, steps: steps || [], cites: unique(cites) };
  }

  function conclude(outcomes) {
    if (outcomes.every(Boolean)) return "yes";
    return outcomes.some(Boolean) ? "open" : "no";
  }

  function evaluate(rules, question) {
    var body = rules.bodies.find(function (b) { return b.id === question.body; });
    var matter = rules.matters.find(function (m) { return m.id === question.matter; });
    var errors = [];
    if (!body) errors.push("请选择会议");
    if (!matter) errors.push("请选择事项");
    var numbers = {};
    NUMBER_FIELDS.forEach(function (field) {
      var name = field[0], optional = name !== "expected" && name !== "present";
      var value = name in question ? question[name] : (optional ? 0 : null);
      if (optional && (value === "" || value === null || value === undefined)) value = 0;
      numbers[name] = integer(value);
      if (numbers[name] === null) errors.push(field[1] + "须为整数");
    });
    if (errors.length) return { errors: errors };
    var e = numbers.expected, p = numbers.present, w = numbers.withdrawn;
    var votes = numbers["for"] + numbers.against + numbers.abstain;
    if (e < 1) errors.push("应到会人数至少为 1");
    if (p > e) errors.push("实到人数不能多于应到会人数");
    if (w > p) errors.push("回避人数不能多于实到人数");
    if (!errors.length && votes > p - w) errors.push("表决票数合计 " + votes + " 票，多于实到且未回避的 " + (p - w) + " 人");
    var amount = null;
    if (matter.threshold !== null) {
      var raw = String(question.amount || "").trim();
      amount = raw ? parseAmount(raw) : null;
      if (!raw) errors.push("本类事项按金额判断，请填写金额（万元）");
      else if (amount === null) errors.push("金额须为数字（万元），最多四位小数");
    }
    if (errors.length) return { errors: errors };
    var convene = conveneAnswer(body, matter, e, p, w);
    var refer = referAnswer(rules, body, matter, amount);
    var passing = passAnswer(body, convene, e, w, numbers);
    var notes = rules.notes.filter(function (n) {
      return (n.body === body.id || (n.body === null && matter.reserved)) &&
        (!n.matters.length || n.matters.indexOf(matter.id) >= 0);
    });
    return { answers: [convene, refer, passing],
      notes: notes.map(function (n) { return { topic: n.topic, cite: n.cite }; }) };
  }

  function conveneAnswer(body, matter, e, p, w) {
    if (!body.quorum.length) {
      return answer("convene", "open", body.name + "规则只规定了参会人员，没有规定到会人数，不能断定到会多少人方能召开。",
        body.attendance ? [body.attendance] : []);
    }
    var required = body.quorum.filter(function (q) { return !q.matters.length || q.matters.indexOf(matter.id) >= 0; });
    var unsure = body.quorum.filter(function (q) {
      return matter.unsure_quorum.indexOf(q.id) >= 0 && required.indexOf(q) < 0;
    });
    var specific = required.filter(function (q) { return q.matters.length; });
    var cites = (specific.length ? specific : required).concat(unsure).map(function (q) { return q.cite; });
    var rs = readings(e, p, w);
    if (!unsure.length && rs.length === 1) {
      var single = quorumSentence(required, matter, rs[0]);
      return answer("convene", single[0] ? "yes" : "no", single[1], cites);
    }
    var unsureWords = "“" + unsure.map(function (q) { return q.phrase; }).join("”“") + "”";
    var steps = [], outcomes = [];
    var factSets = unsure.length ? [required, required.concat(unsure)] : [required];
    factSets.forEach(function (facts) {
      rs.forEach(function (reading) {
        var result = quorumSentence(facts, matter, reading);
        var labels = reading.label ? [reading.label] : [];
        if (unsure.length) labels.push((facts !== required ? "适用" : "不适用") + unsureWords);
        steps.push("按" + labels.join("、") + "：" + result[1]);
        outcomes.push(result[0]);
      });
    });
    var unclear = [];
    if (w) unclear.push("有 " + w + " 人回避，规则未规定回避成员是否计入应到会、实到人数");
    if (unsure.length) unclear.push("规则未明确" + matter.name + "是否适用" + unsureWords + "的到会要求");
    var verdict = conclude(outcomes);
    var ending = { yes: "各种算法结论相同：可以召开。", no: "各种算法结论相同：不能召开。",
      open: "各种算法结论不同，规则不能断定能否召开。" }[verdict];
    return answer("convene", verdict, unclear.join("；") + "，分别计算：" + ending, cites, steps);
  }

  function quorumSentence(facts, matter, reading) {
    var e = reading.expected, p = reading.present;
    var binding = facts.reduce(function (best, q) {
      return need(e, q.share, q.bound) > need(e, best.share, best.bound) ? q : best;
    });
    var least = need(e, binding.share, binding.bound);
    var subject = binding.matters.length || matter.unsure_quorum.indexOf(binding.id) >= 0
      ? "研究" + matter.name + "事项" : "召开会议";
    var sentence = "应到会 " + e + " 人，实到 " + p + " 人；" + subject + "须有" + binding.phrase +
      "的成员到会，即至少 " + least + " 人，";
    if (p >= least) {
      var exact = binding.bound === "以上" && exactly(p, e, binding.share)
        ? "（恰为" + binding.words + "，“以上”含本数）" : "";
      return [true, sentence + "已达到" + exact + "，可以召开。"];
    }
    return [false, sentence + "差 " + (least - p) + " 人，不能召开。"];
  }

  function referAnswer(rules, body, matter, amount) {
    var cites = matter.cites.slice();
    if (!matter.reserved) return answer("refer", "no", matter.name + "不须提交室务会。", cites);
    cites = cites.concat(rules.reserved_by);
    if (matter.amount_undefined) {
      return answer("refer", "open", matter.name + "须经室务会集体决策，但规则没有规定多少金额算“大额”，" +
        "不能断定一个项目是否属于。", cites);
    }
    var reason;
    if (matter.threshold !== null) {
      var threshold = matter.threshold * 10000;
      if (amount < threshold) {
        return answer("refer", "no", "金额 " + wan(amount) + " 万元，未达到“" + matter.threshold + "万元及以上”，" +
          "不属于须提交室务会的" + matter.name + "。", cites);
      }
      var exact = amount === threshold ? "（恰为 " + matter.threshold + " 万元，“及以上”含本数）" : "";
      reason = "金额 " + wan(amount) + " 万元，达到“" + matter.threshold + "万元及以上”" + exact +
        "，属于须提交室务会的" + matter.name + "。";
    } else {
      reason = matter.name + "属于须经室务会集体决策的事项。";
    }
    if (body.no_decisions) {
      reason += body.name + "只能酝酿，不得代替室务会会议作出决策。";
      cites.push(body.no_decisions);
    }
    return answer("refer", "yes", reason, cites);
  }

  function passAnswer(body, convene, e, w, numbers) {
    var passing = body.passing;
    if (passing === null) {
      if (body.no_decisions) {
        return answer("pass", "none", body.name + "以酝酿协商、沟通情况为主，不作决策，不表决。", [body.no_decisions]);
      }
      return answer("pass", "open", body.name + "规则没有规定表决办法。", []);
    }
    var ayes = numbers["for"], noes = numbers.against, defer = numbers.abstain;
    if (ayes + noes + defer === 0) return answer("pass", "blank", "未填写表决票数。", []);
    var clauses = [], outcomes = [];
    (w === 0 ? [e] : [e, e - w]).forEach(function (total) {
      var least = need(total, passing.share, passing.bound);
      var share = passing.bound === "超过" ? "超过应到会 " + total + " 人的" + passing.words
        : "达到应到会 " + total + " 人的" + passing.words + "以上";
      var clause = "同意票须" + share + "，即至少 " + least + " 票，";
      if (ayes >= least) clause += "通过。";
      else if (passing.bound === "超过" && exactly(ayes, total, passing.share)) {
        clause += "同意 " + ayes + " 票恰为" + passing.words + "，“超过”不含本数，未通过。";
      } else clause += "未通过。";
      clauses.push(clause);
      outcomes.push(ayes >= least);
    });
    var votes = conclude(outcomes);
    var reason = "同意 " + ayes + " 票，不同意 " + noes + " 票，缓议 " + defer + " 票。";
    var steps = [];
    if (w) {
      steps = ["按回避成员计入应到会人数：" + clauses[0], "按回避成员不计入应到会人数：" + clauses[1]];
      reason += "有 " + w + " 人回避，规则未规定回避成员是否计入应到会人数，分别计算：" +
        { yes: "结论相同：通过。", no: "结论相同：未通过。", open: "结论不同，规则不能断定是否通过。" }[votes];
    } else {
      reason += clauses[0];
    }
    var cites = [passing.cite];
    if (convene.verdict === "no") {
      return answer("pass", "no", "会议人数不足，不能召开，表决无效。另按票数计：" + reason, cites.concat(convene.cites), steps);
    }
    if (convene.verdict === "open" && votes !== "no") {
      return answer("pass", "open", "能否召开规则未明确（见上），即使可以召开：" + reason, cites.concat(convene.cites), steps);
    }
    return answer("pass", votes, reason, cites, steps);
  }

  var api = { evaluate: evaluate, need: need, wan: wan, parseAmount: parseAmount,
    VERDICT_WORDS: VERDICT_WORDS, QUESTION_NAMES: QUESTION_NAMES };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }
  window.handbookDecide = api;

  /* ---------------------------------------------------------------- the page */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function citeNode(rules, citeId) {
    var cite = rules.cites[citeId];
    var item = el("li", "decide-cite");
    var link = el("a", null, "《" + cite.doc + "》" + cite.label);
    link.href = cite.href;
    item.appendChild(link);
    item.appendChild(el("q", null, cite.quote));
    return item;
  }

  function render(rules, form, out) {
    var data = new FormData(form);
    var question = {};
    data.forEach(function (value, name) { question[name] = value; });
    var matter = rules.matters.find(function (m) { return m.id === question.matter; });
    var amountRow = form.querySelector("[data-decide-amount]");
    amountRow.hidden = !(matter && matter.threshold !== null);
    if (amountRow.hidden) delete question.amount;
    // a change event when focus leaves a field re-asks the same question: keep the answer (and a link being clicked)
    var asked = JSON.stringify(question);
    if (out.getAttribute("data-asked") === asked) return;
    out.setAttribute("data-asked", asked);
    var result = evaluate(rules, question);
    out.textContent = "";
    if (result.errors) {
      var box = el("div", "decide-errors");
      box.setAttribute("role", "alert");
      result.errors.forEach(function (message) { box.appendChild(el("p", null, message)); });
      out.appendChild(box);
      return;
    }
    result.answers.forEach(function (a) {
      var card = el("section", "decide-card decide-" + a.verdict);
      card.setAttribute("data-question", a.question);
      var head = el("h2", "decide-card__head");
      head.appendChild(el("span", "decide-card__question", QUESTION_NAMES[a.question]));
      head.appendChild(el("strong", "decide-card__verdict", a.word));
      card.appendChild(head);
      card.appendChild(el("p", "decide-card__reason", a.reason));
      if (a.steps.length) {
        var steps = el("ul", "decide-card__steps");
        a.steps.forEach(function (s) { steps.appendChild(el("li", null, s)); });
        card.appendChild(steps);
      }
      if (a.cites.length) {
        card.appendChild(el("p", "decide-card__basis", "依据"));
        var list = el("ul", "decide-cites");
        a.cites.forEach(function (c) { list.appendChild(citeNode(rules, c)); });
        card.appendChild(list);
      }
      out.appendChild(card);
    });
    if (result.notes.length) {
      var notes = el("section", "decide-notes");
      notes.appendChild(el("h2", null, "相关规定"));
      var list = el("ul", "decide-cites");
      result.notes.forEach(function (n) {
        var item = citeNode(rules, n.cite);
        item.insertBefore(el("span", "decide-note__topic", n.topic + "："), item.firstChild);
        list.appendChild(item);
      });
      notes.appendChild(list);
      out.appendChild(notes);
    }
  }

  function fill(form, values) {
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name) return;
      var value = values[input.name];
      input.value = value === undefined || value === null ? (input.name === "amount" ? "" : "0") : String(value);
    });
  }

  function start() {
    var rules = readJson("decide-rules");
    var cases = readJson("decide-cases") || [];
    var form = document.getElementById("decide-form");
    var out = document.getElementById("decide-answer");
    if (!rules || !form || !out) return;
    form.hidden = false;
    var update = function () { render(rules, form, out); };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-decide-case]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        fill(form, cases[parseInt(link.getAttribute("data-decide-case"), 10)]);
        update();
        form.scrollIntoView({ block: "start" });
      });
    });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
