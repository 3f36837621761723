/* The form pages' fill-in form: build it from the form's definition, check a record the way
 * `fill` does (handbook/forms/data.py: its patterns, words and messages arrive as data in
 * assets/forms/<form-id>.js), fill the blank DOCX's content controls by tag the way the Python
 * filler does, and print the filled form in the official layout (the page's 表样).
 * Nothing leaves the page: no request, works from file://. */
(function () {
  "use strict";

  // WordprocessingML namespaces, taken from the blank's own root element (prefixes w and w14)
  var W = null, W14 = null;

  // ---- checks (a port of data.check_record, on the data it hands over) ----------------------

  function message(spec, key, values) {
    return spec.messages[key].replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function chars(text) { return Array.from(text); }

  function shortText(spec, text) {
    var all = chars(text);
    return all.length <= spec.short_chars ? text : all.slice(0, spec.short_chars).join("") + "…";
  }

  function fullMatch(spec, name, text) {
    return new RegExp("^(?:" + spec.patterns[name] + ")$", "u").exec(text);
  }

  function Invalid(text) { this.text = text; }

  function isEmpty(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return value.trim() === "";
    if (Array.isArray(value)) return value.every(isEmpty);
    if (typeof value === "object" && !(value instanceof Day) && !(value instanceof Dec)) {
      return Object.keys(value).every(function (k) { return isEmpty(value[k]); });
    }
    return false;
  }

  function Day(y, m, d) { this.y = y; this.m = m; this.d = d; this.ord = Date.UTC(y, m - 1, d) / 86400000; }
  Day.prototype.cn = function () { return this.y + "年" + this.m + "月" + this.d + "日"; };

  // A decimal as Python's Decimal holds it: sign, coefficient digits, exponent.
  function Dec(sign, digits, exponent) {
    var trimmed = digits.replace(/^0+(?=\d)/, "");
    this.sign = sign; this.digits = trimmed; this.exponent = exponent;
  }
  Dec.parse = function (text) {
    var m = /^([+-]?)((?:\d(?:_?\d)*)?)(?:\.((?:\d(?:_?\d)*)?))?(?:[eE]([+-]?\d(?:_?\d)*))?$/.exec(text);
    if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) return null;
    var whole = m[2].replace(/_/g, ""), fraction = (m[3] || "").replace(/_/g, "");
    var exponent = (m[4] ? parseInt(m[4].replace(/_/g, ""), 10) : 0) - fraction.length;
    return new Dec(m[1] === "-" ? -1 : 1, (whole + fraction) || "0", exponent);
  };
  Dec.prototype.normalized = function () {
    if (/^0+$/.test(this.digits)) return new Dec(this.sign, "0", 0);
    var digits = this.digits, exponent = this.exponent;
    while (digits.length > 1 && digits.charAt(digits.length - 1) === "0") { digits = digits.slice(0, -1); exponent += 1; }
    return new Dec(this.sign, digits, exponent);
  };
  Dec.prototype.adjusted = function () { return this.exponent + this.digits.length - 1; };
  Dec.prototype.text = function () {  // format(number.normalize(), "f")
    var n = this.normalized(), digits = n.digits, out;
    if (n.exponent >= 0) out = digits + "0".repeat(n.exponent);
    else {
      var point = digits.length + n.exponent;
      out = point > 0 ? digits.slice(0, point) + "." + digits.slice(point) : "0." + "0".repeat(-point) + digits;
    }
    return (n.sign < 0 ? "-" : "") + out;
  };
  Dec.prototype.compare = function (other) {
    var low = Math.min(this.exponent, other.exponent);
    var a = BigInt(this.sign) * BigInt(this.digits) * (10n ** BigInt(this.exponent - low));
    var b = BigInt(other.sign) * BigInt(other.digits) * (10n ** BigInt(other.exponent - low));
    return a < b ? -1 : a > b ? 1 : 0;
  };
  Dec.of = function (number) { return Dec.parse(String(number)); };

  function parseDate(spec, value) {
    var text = String(value).trim();
    var m = fullMatch(spec, "date", text);
    if (m) {
      var y = parseInt(m[1], 10), mo = parseInt(m[2], 10), d = parseInt(m[3], 10);
      var probe = new Date(Date.UTC(2000, mo - 1, d));
      if (y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d &&
          !(mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) {
        return new Day(y, mo, d);
      }
    }
    throw new Invalid(message(spec, "not_date", { value: shortText(spec, text) }));
  }

  function parseNumber(spec, limits, value) {
    var raw = String(value);
    var number = Dec.parse(raw.trim());
    if (number === null) throw new Invalid(message(spec, "not_number", { value: shortText(spec, raw) }));
    if (number.adjusted() > 12 || number.digits.length > 24) {
      throw new Invalid(message(spec, "too_big", { value: shortText(spec, raw) }));
    }
    var places = limits.decimals || 0;
    if (-number.normalized().exponent > places) {
      throw new Invalid(places === 0 ? message(spec, "not_integer", {}) : message(spec, "decimals", { places: places }));
    }
    if (limits.min !== undefined && number.compare(Dec.of(limits.min)) < 0) {
      throw new Invalid(message(spec, "below_min", { min: Dec.of(limits.min).text() }));
    }
    if (limits.max !== undefined && number.compare(Dec.of(limits.max)) > 0) {
      throw new Invalid(message(spec, "above_max", { max: Dec.of(limits.max).text() }));
    }
    return number;
  }

  function parseFlag(spec, value) {
    if (typeof value === "boolean") return value;
    var text = String(value).trim().toLowerCase();
    if (spec.true_words.indexOf(text) >= 0) return true;
    if (spec.false_words.indexOf(text) >= 0) return false;
    throw new Invalid(message(spec, "not_flag", { value: shortText(spec, String(value)) }));
  }

  function parseTime(spec, value) {
    var m = fullMatch(spec, "time", String(value).trim());
    if (!m) throw new Invalid(message(spec, "not_time", { value: shortText(spec, String(value)) }));
    return parseInt(m[1], 10) + ":" + m[2];
  }

  function parseText(spec, limits, value) {
    var text = String(value).replace(/\r\n/g, "\n").replace(/\r/g, "\n").trim();
    var bad = new RegExp(spec.patterns.bad_chars, "u").exec(text);
    if (bad) {
      var code = bad[0].codePointAt(0).toString(16).toUpperCase();
      throw new Invalid(message(spec, "bad_char", { code: ("000" + code).slice(-Math.max(4, code.length)) }));
    }
    var limit = limits.max_length || spec.max_value_chars;
    var count = chars(text).length;
    if (count > limit) throw new Invalid(message(spec, "too_long", { limit: limit, count: count }));
    return text;
  }

  function parseScalar(spec, limits, value) {
    var kind = limits.type;
    if (kind === "date") return parseDate(spec, value);
    if (kind === "number") return parseNumber(spec, limits, value);
    if (kind === "checkbox") return parseFlag(spec, value);
    if (kind === "time") return parseTime(spec, value);
    var text = parseText(spec, limits, value);
    if (kind === "choice" && (limits.options || []).indexOf(text) < 0) {
      throw new Invalid(message(spec, "not_option", { value: shortText(spec, text), options: (limits.options || []).join("、") }));
    }
    if (kind === "phone" && !fullMatch(spec, "phone", text)) {
      throw new Invalid(message(spec, "not_phone", { value: shortText(spec, text) }));
    }
    return text;
  }

  function check(spec, raw) {
    var values = {}, errors = [];
    function add(path, text) { errors.push({ path: path, message: text }); }
    function required(limits, path) { if (limits.required) add(path, message(spec, "required", {})); }
    function sub(path, value, parse, isRequired) {
      if (isEmpty(value)) {
        if (isRequired) add(path, message(spec, "range_required", {}));
        return null;
      }
      try { return parse(value); } catch (e) { if (e instanceof Invalid) { add(path, e.text); return null; } throw e; }
    }
    spec.fields.forEach(function (field) {
      var value = raw[field.id], fid = field.id;
      if (field.type === "daterange") {
        if (isEmpty(value)) { values[fid] = null; required(field, [fid]); return; }
        var start = sub([fid, "start"], value.start, function (v) { return parseDate(spec, v); }, true);
        var end = sub([fid, "end"], value.end, function (v) { return parseDate(spec, v); }, true);
        var days = null;
        if (start && end) {
          if (end.ord < start.ord) add([fid, "end"], message(spec, "end_before_start", { end: end.cn(), start: start.cn() }));
          else if (field.count_days) {
            var calendar = new Dec(1, String(end.ord - start.ord + 1), 0);
            if (isEmpty(value.days)) days = calendar;
            else {
              var daySpec = { type: "number", decimals: 1, min: 0.5 };
              days = sub([fid, "days"], value.days, function (v) { return parseNumber(spec, daySpec, v); });
              if (days !== null) {
                var doubled = new Dec(days.sign, String(BigInt(days.digits) * 2n), days.exponent);
                if (doubled.normalized().exponent < 0) add([fid, "days"], message(spec, "half_days", {}));
                else if (days.compare(calendar) > 0) {
                  add([fid, "days"], message(spec, "days_over", { days: days.text(), calendar: calendar.text() }));
                }
              }
            }
          }
        }
        values[fid] = { start: start, end: end, days: days };
      } else if (field.type === "signature") {
        if (isEmpty(value)) { values[fid] = null; required(field, [fid]); return; }
        var person = { type: "person", max_length: field.max_length };
        var text = function (v) { return parseText(spec, person, v); };
        var signer = sub([fid, "signer"], value.signer, text, field.required);
        var date = sub([fid, "date"], value.date, function (v) { return parseDate(spec, v); }, field.required);
        var opinion = field.opinion ? sub([fid, "opinion"], value.opinion, text) : null;
        values[fid] = { signer: signer, date: date, opinion: opinion };
      } else if (field.type === "table") {
        var limit = field.max_rows || spec.max_rows, rows = [];
        if (isEmpty(value)) { values[fid] = []; required(field, [fid]); return; }
        if (value.length > limit) {
          values[fid] = []; add([fid], message(spec, "too_many_rows", { limit: limit, count: value.length })); return;
        }
        value.forEach(function (rawRow, i) {
          if (isEmpty(rawRow)) return;
          var row = {};
          field.columns.forEach(function (column) {
            row[column.id] = sub([fid, i, column.id], rawRow[column.id], function (v) { return parseScalar(spec, column, v); });
            if (row[column.id] === null && column.required && isEmpty(rawRow[column.id])) {
              add([fid, i, column.id], message(spec, "required", {}));
            }
          });
          rows.push(row);
        });
        if (!rows.length && field.required) add([fid], message(spec, "no_rows", {}));
        values[fid] = rows;
      } else if (isEmpty(value)) {
        values[fid] = field.type === "checkbox" ? false : null;
        required(field, [fid]);
      } else {
        try {
          values[fid] = parseScalar(spec, field, value);
          if (field.type === "checkbox" && field.required && !values[fid]) add([fid], message(spec, "must_check", {}));
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          values[fid] = null; add([fid], e.text);
        }
      }
    });
    var byId = {};
    spec.fields.forEach(function (f) { byId[f.id] = f; });
    spec.fields.forEach(function (field) {
      var value = values[field.id];
      if (field.required_if && values[field.required_if] && isEmptyValue(value)) {
        var trigger = byId[field.required_if];
        add([field.id], message(spec, "required_if", { trigger: trigger.text || trigger.label }));
      }
      if (field.not_before) {
        var parts = field.not_before.split("."), target = values[parts[0]];
        var limitDay = parts[1] ? (target && target[parts[1]]) : target;
        var path = [field.id], day = value;
        if (field.type === "daterange") { path = [field.id, "start"]; day = value && value.start; }
        if (limitDay instanceof Day && day instanceof Day && day.ord < limitDay.ord) {
          var label = byId[parts[0]].label + (parts[1] ? spec.sub_labels[parts[1]] || "" : "");
          add(path, message(spec, "not_before", { date: day.cn(), target: label, limit: limitDay.cn() }));
        }
      }
    });
    errors.forEach(function (error) {
      error.label = errorLabel(spec, byId, error.path);
      error.column = error.path.map(function (p) { return typeof p === "number" ? p + 1 : p; }).join(".");
      error.describe = message(spec, "where", { column: error.column, label: error.label, message: error.message });
    });
    return { values: values, errors: errors };
  }

  function isEmptyValue(value) {
    if (value === null || value === undefined) return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object" && !(value instanceof Day) && !(value instanceof Dec)) {
      return Object.keys(value).every(function (k) { return value[k] === null; });
    }
    return false;
  }

  function errorLabel(spec, byId, path) {
    var field = byId[path[0]];
    var words = [field.label];
    path.slice(1).forEach(function (part) {
      if (typeof part === "number") words.push(message(spec, "row", { n: part + 1 }));
      else {
        var column = (field.columns || []).filter(function (c) { return c.id === part; })[0];
        words.push(column ? column.label : spec.sub_labels[part] || part);
      }
    });
    return words.join(" ");
  }

  // ---- what each control prints (render.template_context for a filled form) ------------------

  function display(spec, value) {
    if (value === null || value === undefined || value === "") return null;
    if (typeof value === "boolean") return value ? spec.checked : spec.unchecked;
    if (value instanceof Day) return value.cn();
    if (value instanceof Dec) return value.text();
    return String(value);
  }

  // tag → the texts of its controls in document order (a table column has one per row)
  function controlTexts(spec, values) {
    var texts = {};
    function shown(tag, value) {
      (texts[tag] = texts[tag] || []).push(display(spec, value) || spec.controls[tag].empty);
    }
    spec.fields.forEach(function (field) {
      var fid = field.id, value = values[field.id];
      if (field.type === "daterange") {
        value = value || {};
        shown(fid + ".start", value.start); shown(fid + ".end", value.end);
        if (field.count_days) shown(fid + ".days", value.days);
      } else if (field.type === "signature") {
        value = value || {};
        if (field.opinion) shown(fid + ".opinion", value.opinion);
        shown(fid + ".signer", value.signer); shown(fid + ".date", value.date);
      } else if (field.type === "table") {
        if (value && value.length) {
          value.forEach(function (row) { field.columns.forEach(function (c) { shown(fid + "." + c.id, row[c.id]); }); });
        } else {  // reserved rows nobody filled: as on the blank to write by hand (render.template_context)
          for (var n = rowCount(spec, field, values); n > 0; n--) {
            field.columns.forEach(function (c) { var tag = fid + "." + c.id; (texts[tag] = texts[tag] || []).push(spec.controls[tag].guide); });
          }
        }
      } else if (field.type === "checkbox") {
        (texts[fid] = texts[fid] || []).push(value ? spec.checked : spec.unchecked);
      } else shown(fid, value);
    });
    return texts;
  }

  function rowCount(spec, field, values) {
    var rows = values[field.id];
    return rows && rows.length ? rows.length : (field.min_rows !== undefined ? field.min_rows : spec.blank_rows);
  }

  // ---- the DOCX: fill the blank's controls by tag ----------------------------------------------

  function children(node, ns, name) {
    return Array.prototype.filter.call(node.childNodes, function (c) { return c.namespaceURI === ns && c.localName === name; });
  }
  function first(node, ns, name) { return node.getElementsByTagNameNS(ns, name)[0] || null; }
  function tagOf(sdt) {
    var pr = children(sdt, W, "sdtPr")[0], tag = pr && children(pr, W, "tag")[0];
    return tag ? tag.getAttributeNS(W, "val") : null;
  }

  function repeatRows(document, spec, values) {
    spec.fields.filter(function (f) { return f.type === "table"; }).forEach(function (field) {
      var prefix = field.id + ".";
      var rows = Array.prototype.filter.call(document.getElementsByTagNameNS(W, "tr"), function (tr) {
        return Array.prototype.some.call(tr.getElementsByTagNameNS(W, "sdt"), function (sdt) {
          return (tagOf(sdt) || "").indexOf(prefix) === 0;
        });
      });
      if (!rows.length) return;
      // each row is an item of Word's repeating section: repeat the item, not the bare row
      var items = rows.map(function (tr) { var sdt = tr.parentNode.parentNode; return isContainer(sdt) ? sdt : tr; });
      var model = items[0], parent = model.parentNode, after = items[items.length - 1].nextSibling;
      items.forEach(function (item) { parent.removeChild(item); });
      for (var n = rowCount(spec, field, values); n > 0; n--) parent.insertBefore(model.cloneNode(true), after);
    });
  }

  function isContainer(sdt) {  // a repeating section or one of its items: holds rows, not a value
    var pr = sdt && sdt.localName === "sdt" && children(sdt, W, "sdtPr")[0];
    return !!pr && Array.prototype.some.call(pr.childNodes, function (c) {
      return c.localName === "repeatingSection" || c.localName === "repeatingSectionItem";
    });
  }

  function setControl(document, sdt, text, number) {
    var pr = children(sdt, W, "sdtPr")[0];
    children(pr, W, "id").forEach(function (id) { id.setAttributeNS(W, "w:val", String(number)); });
    children(pr, W, "showingPlcHdr").forEach(function (node) { pr.removeChild(node); });
    var box = first(pr, W14, "checkbox");
    if (box) first(box, W14, "checked").setAttributeNS(W14, "w14:val", text === "☒" ? "1" : "0");
    var date = children(pr, W, "date")[0];
    if (date) {
      var m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text.trim());
      if (m) date.setAttributeNS(W, "w:fullDate", m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2) + "T00:00:00Z");
      else date.removeAttributeNS(W, "fullDate");
    }
    var content = children(sdt, W, "sdtContent")[0];
    var runs = children(content, W, "r");
    var run = runs[0];
    runs.slice(1).forEach(function (r) { content.removeChild(r); });
    Array.prototype.slice.call(run.childNodes).forEach(function (c) { if (c.localName !== "rPr") run.removeChild(c); });
    var props = children(run, W, "rPr")[0];
    if (props) {
      Array.prototype.slice.call(props.childNodes).forEach(function (c) {
        var val = c.getAttributeNS && c.getAttributeNS(W, "val");
        if ((c.localName === "rStyle" && val === "PlaceholderText") || (c.localName === "color" && val === "808080")) props.removeChild(c);
      });
      if (!props.childNodes.length) run.removeChild(props);
    }
    text.split("\n").forEach(function (line, i) {
      if (i) run.appendChild(document.createElementNS(W, "w:br"));
      line.split("\t").forEach(function (piece, j) {
        if (j) run.appendChild(document.createElementNS(W, "w:tab"));
        var t = document.createElementNS(W, "w:t");
        t.setAttributeNS(document.documentElement.lookupNamespaceURI("xml"), "xml:space", "preserve");
        t.textContent = piece;
        run.appendChild(t);
      });
    });
  }

  function fillDocument(xml, spec, values) {
    var document = new DOMParser().parseFromString(xml, "application/xml");
    W = document.documentElement.lookupNamespaceURI("w");
    W14 = document.documentElement.lookupNamespaceURI("w14");
    repeatRows(document, spec, values);
    var texts = controlTexts(spec, values), used = {};
    Array.prototype.forEach.call(document.getElementsByTagNameNS(W, "sdt"), function (sdt, i) {
      if (isContainer(sdt)) {
        children(children(sdt, W, "sdtPr")[0], W, "id").forEach(function (id) { id.setAttributeNS(W, "w:val", String(i + 1)); });
        return;
      }
      var tag = tagOf(sdt), k = used[tag] || 0;
      used[tag] = k + 1;
      setControl(document, sdt, (texts[tag] || [])[k] || "", i + 1);
    });
    var out = new XMLSerializer().serializeToString(document);
    return out.indexOf("<?xml") === 0 ? out : '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + out;
  }

  // ---- zip: read the blank's entries, write them back with the filled document stored -----------

  function base64Bytes(text) {
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function readZip(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var end = bytes.length - 22;
    while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
    var count = view.getUint16(end + 10, true), at = view.getUint32(end + 16, true), entries = [];
    for (var n = 0; n < count; n++) {
      var nameLength = view.getUint16(at + 28, true), extra = view.getUint16(at + 30, true), comment = view.getUint16(at + 32, true);
      var local = view.getUint32(at + 42, true);
      var entry = {
        name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
        method: view.getUint16(at + 10, true), crc: view.getUint32(at + 16, true),
        compressed: view.getUint32(at + 20, true), size: view.getUint32(at + 24, true),
      };
      var start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      entry.data = bytes.subarray(start, start + entry.compressed);
      entries.push(entry);
      at += 46 + nameLength + extra + comment;
    }
    return entries;
  }

  function inflate(entry) {
    if (entry.method === 0) return Promise.resolve(entry.data);
    var stream = new Blob([entry.data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();
  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  function writeZip(entries) {
    var parts = [], central = [], offset = 0;
    var DOS_TIME = 0, DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1;  // fixed stamp, as the Python writer
    entries.forEach(function (e) {
      var name = new TextEncoder().encode(e.name);
      var head = new DataView(new ArrayBuffer(30));
      head.setUint32(0, 0x04034b50, true); head.setUint16(4, 20, true); head.setUint16(6, 0x0800, true);
      head.setUint16(8, e.method, true); head.setUint16(10, DOS_TIME, true); head.setUint16(12, DOS_DATE, true);
      head.setUint32(14, e.crc, true); head.setUint32(18, e.compressed, true); head.setUint32(22, e.size, true);
      head.setUint16(26, name.length, true); head.setUint16(28, 0, true);
      var dir = new DataView(new ArrayBuffer(46));
      dir.setUint32(0, 0x02014b50, true); dir.setUint16(4, 20, true); dir.setUint16(6, 20, true);
      dir.setUint16(8, 0x0800, true); dir.setUint16(10, e.method, true); dir.setUint16(12, DOS_TIME, true);
      dir.setUint16(14, DOS_DATE, true); dir.setUint32(16, e.crc, true); dir.setUint32(20, e.compressed, true);
      dir.setUint32(24, e.size, true); dir.setUint16(28, name.length, true); dir.setUint32(42, offset, true);
      parts.push(new Uint8Array(head.buffer), name, e.data);
      central.push(new Uint8Array(dir.buffer), name);
      offset += 30 + name.length + e.data.length;
    });
    var size = central.reduce(function (s, p) { return s + p.length; }, 0);
    var tail = new DataView(new ArrayBuffer(22));
    tail.setUint32(0, 0x06054b50, true); tail.setUint16(8, entries.length, true); tail.setUint16(10, entries.length, true);
    tail.setUint32(12, size, true); tail.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [new Uint8Array(tail.buffer)]),
                    { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
  }

  // The filled DOCX (a Blob) for a record already checked (values from check()).
  function fillDocx(spec, values) {
    var entries = readZip(base64Bytes(spec.blank));
    var document = entries.filter(function (e) { return e.name === "word/document.xml"; })[0];
    return inflate(document).then(function (bytes) {
      var filled = new TextEncoder().encode(fillDocument(new TextDecoder().decode(bytes), spec, values));
      return writeZip(entries.map(function (e) {
        return e === document ? { name: e.name, method: 0, crc: crc32(filled), compressed: filled.length, size: filled.length, data: filled } : e;
      }));
    });
  }

  // ---- the HTML form ---------------------------------------------------------------------------

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function input(kind, path, label, extra) {
    var types = { date: "date", time: "time" };
    var node;
    if (kind === "multiline") node = make("textarea", { rows: (extra && extra.lines) || 3 });
    else if (kind === "choice") {
      node = make("select");
      node.appendChild(make("option", { value: "" }, "请选择"));
      (extra.options || []).forEach(function (o) { node.appendChild(make("option", { value: o }, o)); });
    } else if (kind === "checkbox") node = make("input", { type: "checkbox" });
    else {
      node = make("input", { type: types[kind] || "text" });
      if (kind === "phone") node.setAttribute("inputmode", "tel");
      if (kind === "number") node.setAttribute("inputmode", "decimal");
    }
    node.setAttribute("data-path", path);
    node.setAttribute("aria-label", label);
    return node;
  }

  function Filler(container, spec) {
    this.spec = spec;
    this.container = container;
    this.form = make("form", { "class": "ff-form", novalidate: "" });
    this.tables = {};
    var self = this;
    spec.sections.forEach(function (section) {
      var box = make("fieldset", { "class": "ff-section" });
      if (section.title) box.appendChild(make("legend", {}, section.title));
      if (section.note) box.appendChild(make("p", { "class": "ff-note" }, section.note));
      section.fields.forEach(function (id) {
        box.appendChild(self.field(spec.fields.filter(function (f) { return f.id === id; })[0]));
      });
      self.form.appendChild(box);
    });
    this.summary = make("div", { "class": "ff-summary", role: "alert", hidden: "" });
    var actions = make("p", { "class": "ff-actions" });
    var word = make("button", { type: "button", "class": "md-button md-button--primary" }, "下载 Word");
    var print = make("button", { type: "button", "class": "md-button" }, "打印");
    word.addEventListener("click", function () { self.download(); });
    print.addEventListener("click", function () { self.print(); });
    actions.appendChild(word); actions.appendChild(print);
    this.form.appendChild(this.summary);
    this.form.appendChild(actions);
    container.appendChild(this.form);
  }

  Filler.prototype.field = function (field) {
    var half = field.width === "half" && ["multiline", "signature", "table"].indexOf(field.type) < 0;
    var box = make("div", { "class": "ff-field ff-" + field.type + (half ? " ff-half" : ""), "data-field": field.id });
    var title = make(field.type === "table" || field.type === "daterange" || field.type === "signature" ? "p" : "label",
                     { "class": "ff-label" }, field.label + (field.required ? " *" : ""));
    box.appendChild(title);
    var self = this, fid = field.id, node;
    if (field.type === "daterange") {
      var line = make("span", { "class": "ff-inline" });
      line.appendChild(input("date", fid + ".start", field.label + "起日"));
      line.appendChild(document.createTextNode(" 至 "));
      line.appendChild(input("date", fid + ".end", field.label + "止日"));
      if (field.count_days) {
        line.appendChild(document.createTextNode("，共 "));
        var days = input("number", fid + ".days", field.label + "天数");
        days.setAttribute("placeholder", "按日历天数");
        days.setAttribute("size", "6");
        line.appendChild(days);
        line.appendChild(document.createTextNode(" 天"));
      }
      box.appendChild(line);
    } else if (field.type === "signature") {
      if (field.opinion) box.appendChild(input("multiline", fid + ".opinion", field.label + "意见", { lines: field.lines || 2 }));
      var sign = make("span", { "class": "ff-inline" });
      sign.appendChild(document.createTextNode("签字 "));
      sign.appendChild(input("text", fid + ".signer", field.label + "签字"));
      sign.appendChild(document.createTextNode(" 日期 "));
      sign.appendChild(input("date", fid + ".date", field.label + "日期"));
      box.appendChild(sign);
    } else if (field.type === "table") {
      var table = make("table", { "class": "ff-table" }), head = make("tr");
      field.columns.forEach(function (c) { head.appendChild(make("th", {}, c.label + (c.required ? " *" : ""))); });
      head.appendChild(make("th", {}, ""));
      var thead = make("thead"); thead.appendChild(head); table.appendChild(thead);
      var body = make("tbody"); table.appendChild(body);
      box.appendChild(table);
      var add = make("button", { type: "button", "class": "ff-add" }, "添加一行");
      add.addEventListener("click", function () { self.addRow(field); });
      box.appendChild(add);
      this.tables[fid] = body;
      this.addRow(field);
    } else {
      node = input(field.type, fid, field.label, field);
      if (field.type === "checkbox") {
        var tick = make("label", { "class": "ff-inline" });
        tick.appendChild(node); tick.appendChild(document.createTextNode(" " + (field.text || "是")));
        box.appendChild(tick);
      } else {
        node.id = "ff-" + this.spec.id + "-" + fid;
        title.setAttribute("for", node.id);
        box.appendChild(node);
        if (field.unit) box.appendChild(make("span", { "class": "ff-unit" }, field.unit));
      }
    }
    box.appendChild(make("p", { "class": "ff-help" }, field.help || ""));
    box.appendChild(make("p", { "class": "ff-error", hidden: "" }));
    return box;
  };

  Filler.prototype.addRow = function (field) {
    var body = this.tables[field.id];
    if (body.rows.length >= (field.max_rows || this.spec.max_rows)) return;
    var tr = make("tr");
    field.columns.forEach(function (c) {
      var td = make("td");
      td.appendChild(input(c.type, field.id + ".#." + c.id, field.label + c.label, c));
      tr.appendChild(td);
    });
    var td = make("td"), remove = make("button", { type: "button", "class": "ff-remove", title: "删除此行" }, "删除");
    remove.addEventListener("click", function () { body.removeChild(tr); });
    td.appendChild(remove); tr.appendChild(td);
    body.appendChild(tr);
  };

  // The record as typed: the same shape `fill` reads from YAML (text, and true/false for check boxes).
  Filler.prototype.record = function () {
    var record = {}, self = this;
    function read(node) { return node.type === "checkbox" ? node.checked : node.value; }
    Array.prototype.forEach.call(this.form.querySelectorAll("[data-path]"), function (node) {
      var path = node.getAttribute("data-path").split(".");
      if (path[1] === "#") return;
      if (path.length === 1) record[path[0]] = read(node);
      else (record[path[0]] = record[path[0]] || {})[path[1]] = read(node);
    });
    Object.keys(this.tables).forEach(function (fid) {
      record[fid] = Array.prototype.map.call(self.tables[fid].rows, function (tr) {
        var row = {};
        Array.prototype.forEach.call(tr.querySelectorAll("[data-path]"), function (node) {
          row[node.getAttribute("data-path").split(".")[2]] = read(node);
        });
        return row;
      });
    });
    return record;
  };

  Filler.prototype.checked = function () {
    var result = check(this.spec, this.record()), self = this;
    Array.prototype.forEach.call(this.form.querySelectorAll(".ff-error"), function (p) { p.hidden = true; p.textContent = ""; });
    Array.prototype.forEach.call(this.form.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); });
    this.summary.hidden = !result.errors.length;
    this.summary.textContent = result.errors.length ? "有 " + result.errors.length + " 处需要修改，见各栏下方的红字。" : "";
    result.errors.forEach(function (error) {
      var box = self.form.querySelector('[data-field="' + error.path[0] + '"]');
      var p = box.querySelector(".ff-error");
      p.hidden = false;
      p.appendChild(make("span", {}, error.label + "：" + error.message));
      var target = self.inputFor(error.path);
      if (target) target.setAttribute("aria-invalid", "true");
    });
    if (result.errors.length) {
      var firstBad = this.form.querySelector("[aria-invalid]") || this.summary;
      if (firstBad.focus) firstBad.focus();
      return null;
    }
    return result.values;
  };

  Filler.prototype.inputFor = function (path) {
    if (typeof path[1] === "number") {
      var tr = this.tables[path[0]] && this.tables[path[0]].rows[path[1]];
      return tr ? tr.querySelector('[data-path$=".' + path[2] + '"]') : null;
    }
    return this.form.querySelector('[data-path="' + path.join(".") + '"]');
  };

  Filler.prototype.download = function () {
    var values = this.checked(), spec = this.spec;
    if (!values) return Promise.resolve(null);
    return fillDocx(spec, values).then(function (blob) {
      var link = make("a", { href: URL.createObjectURL(blob), download: spec.title + ".docx" });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      return blob;
    });
  };

  // Print the page's 表样 with the values written in (same texts as the DOCX).
  Filler.prototype.print = function () {
    var values = this.checked();
    if (!values || !this.showSheet(values)) return;
    window.print();
  };

  // The 表样 with these values in place of the page while it prints; gone again after printing.
  Filler.prototype.showSheet = function (values) {
    var spec = this.spec, preview = document.querySelector(".form-preview");
    if (!preview) return false;
    var sheet = make("div", { "class": "ff-print md-typeset" });
    var copy = preview.cloneNode(true);
    spec.fields.filter(function (f) { return f.type === "table"; }).forEach(function (field) {
      var rows = copy.querySelectorAll('tr[data-loop="' + field.id + '"]');
      if (!rows.length) return;
      var model = rows[0], after = rows[rows.length - 1].nextSibling, parent = model.parentNode;
      Array.prototype.forEach.call(rows, function (tr) { parent.removeChild(tr); });
      for (var n = rowCount(spec, field, values); n > 0; n--) parent.insertBefore(model.cloneNode(true), after);
    });
    var texts = controlTexts(spec, values), used = {};
    Array.prototype.forEach.call(copy.querySelectorAll(".fp-control[data-tag]"), function (span) {
      var tag = span.getAttribute("data-tag"), k = used[tag] || 0;
      used[tag] = k + 1;
      span.textContent = (texts[tag] || [])[k] || "";
      span.classList.add("fp-filled");
    });
    sheet.appendChild(copy);
    document.body.appendChild(sheet);
    document.body.classList.add("ff-printing");
    var done = function () { document.body.classList.remove("ff-printing"); sheet.remove(); window.removeEventListener("afterprint", done); };
    window.addEventListener("afterprint", done);
    return true;
  };

  // Printed from the browser's own menu (Ctrl+P) rather than 「打印」: the 表样 too, with what has been
  // typed so far (a field not yet valid prints empty), so an untouched page prints a blank to write on.
  window.addEventListener("beforeprint", function () {
    if (document.body.classList.contains("ff-printing")) return;  // 「打印」 has put the sheet in place
    var ids = Object.keys(api.fillers);
    if (!ids.length) return;
    var filler = api.fillers[ids[0]];
    filler.showSheet(check(filler.spec, filler.record()).values || {});
  });

  var api = { check: check, fillDocx: fillDocx, controlTexts: controlTexts, Filler: Filler, fillers: {} };
  window.HandbookForms = api;

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".form-fill[data-form]"), function (container) {
      var id = container.getAttribute("data-form"), spec = (window.HANDBOOK_FORMS || {})[id];
      if (spec && !api.fillers[id]) api.fillers[id] = new Filler(container, spec);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // Material's instant navigation swaps pages without reloading scripts
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(function () { api.fillers = {}; start(); });
})();
