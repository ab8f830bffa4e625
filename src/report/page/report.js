(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var compare = data.compare;
  var runs = compare.runs;
  var strings = data.strings;
  var record = window.clinbenchRecordError || function (m) { throw new Error(m); };

  // --- small helpers: every piece of text goes in through textContent ---
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function str(index) { return index === null || index === undefined ? "" : strings[index]; }
  function pct(v) { return v === null || v === undefined ? "n/a" : (100 * v).toFixed(1) + "%"; }
  function points(v) {
    var text = (100 * v).toFixed(1);
    if (text === "-0.0") text = "0.0";
    return (v > 0 && text !== "0.0" ? "+" : "") + text;
  }
  var TEST_NAMES = { mcnemar_exact: "McNemar", sign_flip_exact: "sign-flip", sign_flip_monte_carlo: "sign-flip (MC)",
                     cluster_sign_flip_exact: "cluster sign-flip", cluster_sign_flip_monte_carlo: "cluster sign-flip (MC)",
                     ece_permutation: "permutation", none: "none" };
  function pText(p) { return p < 0.001 ? "< 0.001" : p.toFixed(3); }
  // The metric table's display labels (html_report_data.cpp); a metric without a row reads as its name.
  var METRIC_LABELS = data.metric_labels || {};
  function metricName(metric) {
    return Object.prototype.hasOwnProperty.call(METRIC_LABELS, metric) ? METRIC_LABELS[metric] : metric.replace(/_/g, " ");
  }
  // Rates where lower is better (extraction_failure, hallucination_rate), as the metric table says.
  var LOWER_IS_BETTER = {};
  data.tasks.forEach(function (task) { task.lower_is_better.forEach(function (m) { LOWER_IS_BETTER[m] = true; }); });
  function isRate(metric) { return LOWER_IS_BETTER[metric] === true; }
  function verdict(row) {
    if (!row.significant) return { key: "none", text: "no significant difference", short: "not significant" };
    var fineTuneBetter = (row.difference > 0) === row.higher_is_better;
    return fineTuneBetter ? { key: "fine-tune", text: "fine-tune better", short: "fine-tune better" }
                          : { key: "base", text: "base better", short: "base better" };
  }
  function table(headers, numeric) {
    var t = el("table", "data");
    var head = add(add(t, el("thead")), el("tr"));
    headers.forEach(function (h, i) { var th = add(head, el("th", numeric && numeric[i] ? "num" : "", h)); th.scope = "col"; });
    add(t, el("tbody"));
    return t;
  }
  function row(t, cells, numeric) {
    var tr = add(t.tBodies[0], el("tr"));
    cells.forEach(function (c, i) {
      var td = add(tr, el("td", numeric && numeric[i] ? "num" : ""));
      if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? "" : String(c);
    });
    return tr;
  }
  // One table per pair of models, under a heading naming the pair, in the order of the
  // comparisons (grouped by pair); addRow(t, c) adds comparison c's row to its pair's table t.
  function tablePerPair(box, headers, numeric, addRow) {
    if (!compare.comparisons.length) { add(box, el("p", "empty", "No paired comparisons.")); return; }
    var current = null;
    var t = null;
    compare.comparisons.forEach(function (c) {
      var key = c.fine_tune + "\u0000" + c.base;
      if (key !== current) {
        current = key;
        add(box, el("h3", "", c.fine_tune + " (fine-tune) vs " + c.base + " (base)"));
        t = add(add(box, el("div", "table-scroll")), table(headers, numeric));
      }
      addRow(t, c);
    });
  }
  function valueWithInterval(value, low, high) {
    var span = el("span", "", pct(value));
    if (value !== null && low !== null) add(span, el("span", "ci", " (" + pct(low) + "–" + pct(high) + ")"));
    return span;
  }

  // Multiple-choice answers are stored as letters; show the option each stands for (PubMedQA's
  // yes / no / maybe): alone where every option is a short label, else after the letter.
  function answerText(s, index, full) {
    var text = str(index);
    if (!s.options || !/^[A-Z]$/.test(text)) return text;
    var i = text.charCodeAt(0) - 65;
    if (i >= s.options.length) return text;
    var option = str(s.options[i]);
    var labels = s.options.every(function (o) { return str(o).length <= 12; });
    return labels && !full ? option : text + ": " + option;
  }
  var context = data.context || { task_descriptions: {}, run_settings: [], unreadable: [] };
  // Where most answers of a run on a task could not be read, the score measures the output's
  // format (or the server), not the model's knowledge: say so wherever that score is shown.
  function unreadableFor(runIndex, taskIndex) {
    var found = context.unreadable.filter(function (u) { return u.r === runIndex && u.t === taskIndex; })[0];
    return found && found.n > 0 && found.not_ok * 2 > found.n ? found : null;
  }
  function unreadableWarning(u) {
    var causes = Object.keys(u.by_status).map(function (k) { return k.replace(/_/g, " ") + " " + u.by_status[k]; }).join(", ");
    return el("p", "unreadable", "Answers could not be read for " + pct(u.not_ok / u.n) + " of the items (" + u.not_ok +
        " of " + u.n + ": " + causes + ") from " + runs[u.r].name + " on " + data.tasks[u.t].name +
        ". Its score reflects that, not the model's medical knowledge; open the Sample browser with outcome " +
        "\u201crequest or scoring failed\u201d to see why.");
  }

  // --- header ---
  var taskNames = data.tasks.map(function (t) { return t.name; });
  document.getElementById("report-title").textContent = data.title;
  document.title = data.title;
  var subtitle = runs.length + " models · " + taskNames.length + " tasks · " + compare.comparisons.length +
      " paired comparisons";
  if (data.generated_at) subtitle += " · generated " + data.generated_at;
  subtitle += " · clinbench " + data.clinbench_version;
  document.getElementById("report-subtitle").textContent = subtitle;

  // --- summary: the headline metric of every task, pair by pair ---
  (function () {
    var body = document.getElementById("summary-body");
    var headline = {};
    data.tasks.forEach(function (t) { headline[t.name] = t.headline; });
    var byPair = {};
    var order = [];
    compare.comparisons.forEach(function (c) {
      if (headline[c.task] !== c.metric) return;
      var key = c.fine_tune + "\u0000" + c.base;
      if (!byPair[key]) { byPair[key] = []; order.push(key); }
      byPair[key].push(c);
    });
    if (!order.length) add(body, el("p", "empty", "No paired comparisons: give compare or report two runs or more."));
    var warned = {};
    function modelOrderOf(name) { for (var i = 0; i < runs.length; ++i) if (runs[i].name === name) return i; return -1; }
    var grid = add(body, el("div", "findings"));
    order.forEach(function (key) {
      var rows = byPair[key];
      var card = add(grid, el("div", "finding"));
      add(card, el("h3", "", rows[0].fine_tune + " (fine-tune) vs " + rows[0].base + " (base)"));
      rows.forEach(function (c) {
        var p = add(card, el("p"));
        var v = verdict(c);
        add(p, el("strong", "", c.task + ", " + metricName(c.metric) + ": "));
        add(p, document.createTextNode(pct(c.mean_fine_tune) + " vs " + pct(c.mean_base) + ", difference " +
            points(c.difference) + " points (95% CI " + points(c.ci_low) + " to " + points(c.ci_high) + "; p " +
            (c.p_holm < 0.001 ? "< 0.001" : "= " + c.p_holm.toFixed(3)) + " after Holm; n = " + c.n + ") "));
        add(p, el("span", "badge " + v.key, v.text));
        var t = taskNames.indexOf(c.task);
        [modelOrderOf(c.fine_tune), modelOrderOf(c.base)].forEach(function (r) {
          var u = unreadableFor(r, t);
          if (u) { add(card, unreadableWarning(u)); warned[r + ":" + t] = true; }
        });
      });
    });
    // Runs and tasks in no comparison get their warning too.
    context.unreadable.forEach(function (u) {
      if (unreadableFor(u.r, u.t) && !warned[u.r + ":" + u.t]) add(body, unreadableWarning(u));
    });
    if (compare.notes.length) {
      var notes = add(document.getElementById("summary-notes"), el("div", "notes"));
      add(notes, el("strong", "", "Notes"));
      var list = add(notes, el("ul"));
      compare.notes.forEach(function (n) { add(list, el("li", "", n)); });
    }
  })();

  // --- models ---
  (function () {
    var t = table(["model", "model file or server", "backend", "fingerprint", "run folder"]);
    runs.forEach(function (r) {
      row(t, [r.name, r.model_spec, r.backend, el("span", "mono", (r.fingerprint || "").slice(0, 16)), el("span", "mono", r.dir)]);
    });
    document.getElementById("models-table").appendChild(t);
  })();

  // --- tasks: what each asks ---
  (function () {
    var t = table(["task", "what it asks", "items evaluated", "shots", "summary measure"], [false, false, true, true, false]);
    data.tasks.forEach(function (task) {
      var counts = [], shots = [];
      context.run_settings.forEach(function (rs) {
        rs.tasks.forEach(function (x) {
          if (x.task !== task.name) return;
          var n = String(x.n) + (x.dataset_items ? " of " + x.dataset_items : "");
          if (counts.indexOf(n) < 0) counts.push(n);
          if (shots.indexOf(String(x.shots)) < 0) shots.push(String(x.shots));
        });
      });
      row(t, [task.name, context.task_descriptions[task.name] || "(no description recorded)", counts.join(" / "),
              shots.join(" / "), metricName(task.headline)], [false, false, true, true, false]);
    });
    document.getElementById("tasks-table").appendChild(t);
  })();

  // --- run settings: one column per run; rows where runs differ are marked ---
  (function () {
    var box = document.getElementById("run-settings-table");
    var settingsOf = context.run_settings;
    if (!settingsOf.length) { add(box, el("p", "empty", "No run settings recorded.")); return; }
    var t = add(add(box, el("div", "table-scroll")), table(["setting"].concat(runs.map(function (r) { return r.name; })).concat([""])));
    function text(v) { return v === null || v === undefined || v === "" ? "not recorded" : String(v); }
    function limitText(rs) {
      if (typeof rs.limit_fraction === "number") return "a fraction of each task: " + rs.limit_fraction;
      return rs.limit === null || rs.limit === undefined || rs.limit < 0 ? "all items" : "first " + rs.limit + " items";
    }
    function perTask(rs, pick) {
      return rs.tasks.map(function (x) { return x.task + ": " + pick(x); }).join("\n");
    }
    var rows = [
      ["date (UTC)", function (rs) { return text(rs.date); }, false],
      ["items (--limit)", limitText, true],
      ["shots (--num-fewshot)", function (rs) {
        var given = rs.num_fewshot === null || rs.num_fewshot === undefined || rs.num_fewshot < 0 ? "each task's own" : String(rs.num_fewshot);
        return given + "\n" + perTask(rs, function (x) { return x.shots; });
      }, true],
      ["seed", function (rs) { return text(rs.seed); }, true],
      ["prompt format", function (rs) { return perTask(rs, function (x) { return text(x.scoring) + ", " + text(x.prompt_format).replace(/_/g, " "); }); }, true],
      ["chat template SHA-256", function (rs) { return rs.chat_template_sha256 ? rs.chat_template_sha256 : "none (no template)"; }, false, true],
      ["model file SHA-256", function (rs) { return text(rs.model_sha256); }, false, true],
      ["data files (SHA-256)", function (rs) {
        return rs.tasks.map(function (x) {
          return x.data_files.map(function (f) { return f.file + " " + text(f.sha256); }).join("\n");
        }).filter(function (s) { return s; }).join("\n");
      }, true, true],
      ["prompts (SHA-256 of all)", function (rs) { return perTask(rs, function (x) { return text(x.prompt_sha256); }); }, true, true],
      ["bootstrap resamples", function (rs) { return text(rs.bootstrap_resamples); }, true],
      ["clinbench version", function (rs) { return text(rs.clinbench_version); }, false]
    ];
    rows.forEach(function (spec) {
      var cells = settingsOf.map(spec[1]);
      var differs = spec[2] && cells.some(function (c) { return c !== cells[0]; });
      var tr = row(t, [spec[0]].concat(cells.map(function (c) {
        var pre = el("div", spec[3] ? "mono" : "", c);
        pre.style.whiteSpace = "pre-line";
        if (spec[3]) pre.style.overflowWrap = "anywhere";
        return pre;
      })).concat([differs ? el("span", "badge base", "differs between runs") : ""]));
      if (differs) tr.className = "differs";
    });
  })();

  // --- score tables ---
  (function () {
    var box = document.getElementById("scores-table");
    data.tasks.forEach(function (task) {
      add(box, el("h3", "", task.name));
      var headers = ["model", "n"].concat(task.metrics.map(function (m) { return metricName(m) + (isRate(m) ? " (lower is better)" : ""); }));
      var numeric = headers.map(function (h, i) { return i > 0; });
      var t = add(box, table(headers, numeric));
      runs.forEach(function (r) {
        var scores = compare.scores.filter(function (s) { return s.run === r.name && s.task === task.name; });
        if (!scores.length) return;
        var cells = [r.name, scores[0].n];
        task.metrics.forEach(function (m) {
          var s = scores.filter(function (x) { return x.metric === m; })[0];
          cells.push(s ? valueWithInterval(s.value, s.ci_low, s.ci_high) : "n/a");
        });
        row(t, cells, numeric);
      });
    });
  })();

  // --- paired differences table, one per pair ---
  (function () {
    var headers = ["task", "metric", "n", "fine-tune", "base", "difference, points (95% CI)", "better / same / worse",
                   "test", "p", "p (Holm)", ""];
    var numeric = [false, false, true, true, true, true, true, false, true, true, false];
    tablePerPair(document.getElementById("differences-table"), headers, numeric, function (t, c) {
      var v = verdict(c);
      var tr = row(t, [c.task, metricName(c.metric) + (c.higher_is_better ? "" : " (lower is better)"), c.n,
          pct(c.mean_fine_tune), pct(c.mean_base),
          points(c.difference) + " (" + points(c.ci_low) + " to " + points(c.ci_high) + ")",
          c.wins + " / " + c.ties + " / " + c.losses, TEST_NAMES[c.test] || c.test, pText(c.p_value), pText(c.p_holm),
          el("span", "badge " + v.key, v.short)], numeric);
      if (c.significant) tr.className = "significant";
    });
  })();

  // --- charts ---
  var modelOrder = runs.map(function (r) { return r.name; });
  var charts = [];
  function embed(id, spec) {
    var box = document.getElementById(id);
    // ast: Vega evaluates expressions with vega-embed's interpreter, not Function(): the page's
    // Content-Security-Policy has no 'unsafe-eval'.
    charts.push(vegaEmbed(box, spec, { actions: false, renderer: "svg", ast: true }).then(function () {
      box.dataset.rendered = "true";
    }));
  }
  function emptyChart(id, message) { add(document.getElementById(id), el("p", "empty", message)); }

  // One small chart per task (or pair) side by side, rather than a facet: tasks have different
  // metrics and score ranges, and separate charts keep each one's own axes.
  var modelColor = { field: "model", type: "nominal", title: "Model", scale: { domain: modelOrder },
                     legend: { orient: "top", labelLimit: 360, columns: 2 } };
  function topOf(values) {
    return Math.max.apply(null, values.map(function (v) { return v.high === null ? v.value : Math.max(v.value, v.high); }));
  }
  // Long metric names break onto a second line at " (" instead of running into each other.
  var wrapLabel = "split(replace(datum.label, ' (', '\\n('), '\\n')";
  function barsWithIntervals(values, x, yTitle, title, width) {
    return {
      title: { text: title, fontSize: 14, anchor: "start" },
      width: width, height: 190,
      data: { values: values },
      encoding: { x: x, xOffset: { field: "model", type: "nominal", sort: modelOrder, scale: { paddingInner: 0.08 } } },
      layer: [
        { mark: { type: "bar" },
          encoding: { y: { field: "value", type: "quantitative", title: yTitle,
                           // All zero would leave no axis at all; small values need decimals.
                           scale: topOf(values) > 0 ? { zero: true, nice: true } : { domain: [0, 1] },
                           axis: { format: topOf(values) < 0.05 && topOf(values) > 0 ? ".2~%" : ".0%", grid: true } },
                      color: modelColor,
                      tooltip: [{ field: "model" }, { field: "what", title: "measure" }, { field: "label", title: "value (95% CI)" }] } },
        { mark: { type: "rule", color: "#111", strokeWidth: 1.5 },
          encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } } }
      ]
    };
  }

  (function scoresChart() {
    var panels = data.tasks.map(function (task) {
      var values = compare.scores.filter(function (s) { return s.task === task.name && !isRate(s.metric) && s.value !== null; })
          .map(function (s) {
            return { what: metricName(s.metric), model: s.run, value: s.value, low: s.ci_low, high: s.ci_high,
                     label: pct(s.value) + " (" + pct(s.ci_low) + "–" + pct(s.ci_high) + ")" };
          });
      if (!values.length) return null;
      var metrics = task.metrics.filter(function (m) { return !isRate(m); }).map(metricName);
      var width = Math.max(180, Math.min(540, metrics.length * Math.max(100, runs.length * 34) + 20));
      return barsWithIntervals(values, { field: "what", type: "nominal", title: null, sort: metrics,
                                         axis: { labelAngle: 0, labelLimit: 170, labelExpr: wrapLabel } },
                               "score", task.name, width);
    }).filter(function (p) { return p !== null; });
    if (!panels.length) { emptyChart("chart-scores", "No scores to draw."); return; }
    embed("chart-scores", { $schema: "https://vega.github.io/schema/vega-lite/v6.json", concat: panels, columns: 3,
                            resolve: { scale: { color: "shared" } }, config: { view: { stroke: "#ccc" } } });
  })();

  (function forestChart() {
    if (!compare.comparisons.length) { emptyChart("chart-forest", "No paired comparisons to draw."); return; }
    var color = { field: "verdict", type: "nominal", title: "After Holm correction",
                  scale: { domain: ["fine-tune better", "no significant difference", "base better"],
                           range: ["#1f77b4", "#8a8f98", "#d95f02"] }, legend: { orient: "top" } };
    var pairOrder = [];
    compare.comparisons.forEach(function (c) {
      var key = c.fine_tune + " (fine-tune)  vs  " + c.base + " (base)";
      if (pairOrder.indexOf(key) < 0) pairOrder.push(key);
    });
    // Percentage points on a symmetric axis, the same for every pair so panels compare by eye.
    var limit = 0;
    compare.comparisons.forEach(function (c) { limit = Math.max(limit, Math.abs(c.ci_low), Math.abs(c.ci_high)); });
    limit = Math.max(5, Math.ceil(limit * 20) * 5);
    var panels = pairOrder.map(function (pair) {
      var values = compare.comparisons.filter(function (c) {
        return c.fine_tune + " (fine-tune)  vs  " + c.base + " (base)" === pair;
      }).map(function (c, i) {
        var v = verdict(c);
        return { order: i, label: c.task + " · " + metricName(c.metric) + (c.higher_is_better ? "" : " (lower is better)"),
                 difference: 100 * c.difference, low: 100 * c.ci_low, high: 100 * c.ci_high, verdict: v.text,
                 summary: points(c.difference) + " points (" + points(c.ci_low) + " to " + points(c.ci_high) + ")",
                 p: pText(c.p_holm) };
      });
      var y = { field: "label", type: "nominal", title: null, sort: values.map(function (v) { return v.label; }),
                axis: { labelLimit: 330, labelFontSize: 11.5 } };
      var x = { type: "quantitative", title: "difference, fine-tune − base (percentage points)",
                scale: { domain: [-limit, limit] }, axis: { format: "+.0f", grid: true } };
      return {
        title: { text: pair, fontSize: 13, anchor: "start" },
        width: 520, height: { step: 24 },
        data: { values: values },
        layer: [
          { mark: { type: "rule", strokeWidth: 2.5 },
            encoding: { y: y, x: Object.assign({ field: "low" }, x), x2: { field: "high" }, color: color } },
          { mark: { type: "point", filled: true, size: 80, opacity: 1 },
            encoding: { y: y, x: Object.assign({ field: "difference" }, x), color: color,
                        tooltip: [{ field: "label", title: "task · metric" }, { field: "summary", title: "difference (95% CI)" },
                                  { field: "p", title: "p (Holm)" }] } },
          { data: { values: [{ zero: 0 }] }, mark: { type: "rule", color: "#444", strokeDash: [4, 4] },
            encoding: { x: Object.assign({ field: "zero" }, x) } }
        ]
      };
    });
    embed("chart-forest", { $schema: "https://vega.github.io/schema/vega-lite/v6.json", vconcat: panels, spacing: 28,
                            resolve: { scale: { color: "shared" } } });
  })();

  (function ratesChart() {
    var values = compare.scores.filter(function (s) { return isRate(s.metric) && s.value !== null; });
    var hasHallucination = values.some(function (s) { return s.metric !== "extraction_failure"; });
    var box = document.getElementById("chart-rates");
    if (!hasHallucination) {
      add(box.parentNode, el("p", "explain", "No hallucination metric in these runs: the study measures it with LongHealth task 3 " +
          "(longhealth_task3). Extraction failure applies to tasks answered in free text (the *_gen tasks and the case challenges)."));
    }
    var panels = data.tasks.map(function (task) {
      var rows = values.filter(function (s) { return s.task === task.name; }).map(function (s) {
        return { what: s.metric === "extraction_failure" ? "extraction failure" : metricName(s.metric), model: s.run,
                 value: s.value, low: s.ci_low, high: s.ci_high, label: pct(s.value) + " (" + pct(s.ci_low) + "–" + pct(s.ci_high) + ")" };
      });
      if (!rows.length) return null;
      var kinds = rows.map(function (r) { return r.what; }).filter(function (k, i, all) { return all.indexOf(k) === i; });
      return barsWithIntervals(rows, { field: "what", type: "nominal", title: null, sort: kinds,
                                       axis: { labelAngle: 0, labelExpr: wrapLabel } },
                               "rate (lower is better)", task.name, Math.max(160, kinds.length * Math.max(100, runs.length * 34) + 20));
    }).filter(function (p) { return p !== null; });
    if (!panels.length) { emptyChart("chart-rates", "No extraction-failure or hallucination rates in these runs."); return; }
    embed("chart-rates", { $schema: "https://vega.github.io/schema/vega-lite/v6.json", concat: panels, columns: 4,
                           resolve: { scale: { color: "shared" } }, config: { view: { stroke: "#ccc" } } });
  })();

  Promise.all(charts).then(function () {
    requestAnimationFrame(function () {
      // Where each chart landed, for the screenshot test (document coordinates, CSS pixels).
      ["chart-scores", "chart-forest", "chart-rates"].forEach(function (id) {
        var box = document.getElementById(id);
        var r = box.getBoundingClientRect();
        box.dataset.rect = [Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY),
                            Math.round(r.width), Math.round(r.height)].join(",");
      });
      document.body.dataset.chartsRendered = String(charts.length);
    });
  }, function (error) { record("chart failed: " + (error && error.message ? error.message : error)); });

  // --- sample browser ---
  (function () {
    var samples = data.samples;
    var taskSelect = document.getElementById("filter-task");
    var modelSelect = document.getElementById("filter-model");
    var outcomeSelect = document.getElementById("filter-outcome");
    var textInput = document.getElementById("filter-text");
    var countLine = document.getElementById("sample-count");
    var listBox = document.getElementById("sample-list");
    var detail = document.getElementById("sample-detail");
    var moreButton = document.getElementById("sample-more");
    var PAGE = 50;
    var shown = PAGE;
    var selected = null;

    function option(select, value, text) { var o = add(select, el("option", "", text)); o.value = value; }
    option(taskSelect, "", "all tasks");
    data.tasks.forEach(function (t, i) { option(taskSelect, String(i), t.name); });
    option(modelSelect, "", "all models");
    runs.forEach(function (r, i) { option(modelSelect, String(i), r.name); });

    // Items where the two runs of some pair score differently on the task's headline metric.
    var pairs = [];
    compare.comparisons.forEach(function (c) {
      var f = modelOrder.indexOf(c.fine_tune), b = modelOrder.indexOf(c.base);
      if (!pairs.some(function (p) { return p[0] === f && p[1] === b; })) pairs.push([f, b]);
    });
    var scoreOf = {};
    samples.forEach(function (s) { scoreOf[s.r + "\u0000" + s.t + "\u0000" + s.id] = s.score; });
    function disagrees(s) {
      return pairs.some(function (p) {
        if (p[0] !== s.r && p[1] !== s.r) return false;
        var other = p[0] === s.r ? p[1] : p[0];
        var theirs = scoreOf[other + "\u0000" + s.t + "\u0000" + s.id];
        return theirs !== undefined && theirs !== s.score;
      });
    }

    function matches(s) {
      if (taskSelect.value !== "" && String(s.t) !== taskSelect.value) return false;
      if (modelSelect.value !== "" && String(s.r) !== modelSelect.value) return false;
      var outcome = outcomeSelect.value;
      if (outcome === "correct" && s.outcome !== "correct") return false;
      if (outcome === "incorrect" && s.outcome !== "incorrect") return false;
      if (outcome === "failed" && s.status === "ok") return false;
      if (outcome === "disagree" && !disagrees(s)) return false;
      var query = textInput.value.trim().toLowerCase();
      if (query) {
        var haystack = [String(s.id), str(s.response), str(s.target), str(s.extracted), str(s.prompt)].join("\n").toLowerCase();
        if (haystack.indexOf(query) < 0) return false;
      }
      return true;
    }
    function outcomeBadge(s) {
      if (s.status !== "ok") return el("span", "badge failed", s.status.replace(/_/g, " "));
      if (s.outcome) return el("span", "badge " + s.outcome, s.outcome);
      return el("span", "", metricName(data.tasks[s.t].headline) + " " + pct(s.score));
    }
    // A task or item id, allowed to wrap only after "_" (and never inside a word, see the style).
    function idText(id) {
      var span = el("span", "id");
      String(id).split("_").forEach(function (part, i, parts) {
        var last = i === parts.length - 1;
        add(span, document.createTextNode(last ? part : part + "_"));
        if (!last) add(span, el("wbr"));
      });
      return span;
    }
    function preview(text) { return text.length > 140 ? text.slice(0, 140) + "…" : text; }

    function showDetail(s) {
      clear(detail);
      var task = data.tasks[s.t];
      add(detail, el("h3", "", runs[s.r].name + " · " + task.name + " · item " + s.id));
      var facts = add(detail, el("dl", "facts"));
      function fact(name, value) { add(facts, el("dt", "", name)); var dd = add(facts, el("dd")); if (value instanceof Node) dd.appendChild(value); else dd.textContent = value; }
      fact("outcome", outcomeBadge(s));
      fact("status", s.status);
      fact("correct answer", answerText(s, s.target, true));
      fact("answer read from the response", s.extracted === null || s.extracted === undefined ? "(none)" : answerText(s, s.extracted, true));
      Object.keys(s.scores || {}).forEach(function (m) {
        var v = s.scores[m];
        fact(metricName(m), typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v));
      });
      if (s.finish) fact("generation ended by", s.finish);
      if (s.response !== null && s.response !== undefined) {
        add(detail, el("h4", "", "Response"));
        add(detail, el("pre", "text response", str(s.response)));
      }
      if (s.options) {
        add(detail, el("h4", "", s.logprobs ? "Options (log-likelihood; the model's choice is the highest)" : "Options"));
        var best = -1;
        if (s.logprobs) s.logprobs.forEach(function (v, i) { if (v !== null && (best < 0 || v > s.logprobs[best])) best = i; });
        var t = add(detail, table(s.logprobs ? ["", "option", "log-likelihood", ""] : ["", "option"], [false, false, true, false]));
        s.options.forEach(function (o, i) {
          var cells = [String.fromCharCode(65 + i), str(o)];
          if (s.logprobs) cells.push(s.logprobs[i] === null ? "n/a" : s.logprobs[i].toFixed(3), i === best ? "model's choice" : "");
          var tr = row(t, cells, [false, false, true, false]);
          if (i === best) tr.className = "chosen";
        });
      }
      if (s.details !== undefined) {
        add(detail, el("h4", "", "Scoring details"));
        add(detail, el("pre", "text", str(s.details)));
      }
      var prompt = add(detail, el("details"));
      add(prompt, el("summary", "", "Prompt as the model saw it"));
      add(prompt, el("pre", "text prompt", str(s.prompt)));
    }

    function render() {
      var found = samples.filter(matches);
      clear(listBox);
      countLine.textContent = found.length === 0 ? "No samples match." :
          "Showing " + Math.min(shown, found.length) + " of " + found.length + " samples.";
      if (!found.length) { clear(detail); add(detail, el("p", "empty", "No sample to show.")); moreButton.hidden = true; return; }
      var t = add(listBox, table(["model", "task", "item", "outcome", "given", "expected"]));
      found.slice(0, shown).forEach(function (s) {
        var tr = row(t, [runs[s.r].name, idText(data.tasks[s.t].name), idText(s.id), outcomeBadge(s),
                         s.extracted === null || s.extracted === undefined ? "—" : preview(answerText(s, s.extracted)),
                         preview(answerText(s, s.target))]);
        tr.className = "row" + (s === selected ? " selected" : "");
        tr.firstChild.className = "name";
        tr.firstChild.title = runs[s.r].name;
        tr.addEventListener("click", function () {
          selected = s;
          Array.prototype.forEach.call(t.querySelectorAll("tr.selected"), function (x) { x.classList.remove("selected"); });
          tr.classList.add("selected");
          showDetail(s);
        });
      });
      // For the browser test: cells of the model, task, item and outcome columns cut short.
      var cut = Array.prototype.filter.call(t.querySelectorAll("td:nth-child(-n+4), th"), function (cell) {
        return cell.scrollWidth > cell.clientWidth + 1;
      });
      listBox.dataset.cutCells = String(cut.length);
      listBox.dataset.cutText = cut.slice(0, 5).map(function (cell) { return cell.textContent; }).join(" | ");
      // And line breaks inside a word of an id (task and item columns): any but one after "_", "-"
      // or a space. Measured character by character, so on the first page of rows only.
      var firstPage = "tbody > tr:nth-child(-n+" + PAGE + ") > ";
      var idCells = t.querySelectorAll(firstPage + "td:nth-child(2), " + firstPage + "td:nth-child(3)");
      var brokenIds = Array.prototype.filter.call(idCells, function (cell) {
        var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        var range = document.createRange();
        var previous = null;
        for (var node = walker.nextNode(); node; node = walker.nextNode()) {
          for (var i = 0; i < node.data.length; ++i) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            var top = range.getBoundingClientRect().top;
            if (previous && top > previous.top + 1 && "_- ".indexOf(previous.character) < 0) return true;
            previous = { top: top, character: node.data[i] };
          }
        }
        return false;
      });
      listBox.dataset.brokenIds = String(brokenIds.length);
      listBox.dataset.brokenIdText = brokenIds.slice(0, 5).map(function (cell) { return cell.textContent; }).join(" | ");
      moreButton.hidden = found.length <= shown;
      if (selected === null || found.indexOf(selected) < 0) {
        selected = found[0];
        t.tBodies[0].rows[0].classList.add("selected");
      }
      showDetail(selected);
    }
    [taskSelect, modelSelect, outcomeSelect].forEach(function (s) { s.addEventListener("change", function () { shown = PAGE; render(); }); });
    var typing = null;
    textInput.addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(function () { shown = PAGE; render(); }, 200); });
    moreButton.addEventListener("click", function () { shown += PAGE; render(); });
    render();
  })();

  // --- verdicts: equivalence, non-inferiority and power, one table per pair ---
  (function () {
    var target = compare.settings.target_difference;
    var headers = ["task", "metric", "n", "difference, points (90% CI)", "margin", "smallest equivalence margin",
                   "verdict", "minimum detectable difference", "questions for " + points(target).replace("+", "±") + " points"];
    var numeric = [false, false, true, true, true, true, false, true, true];
    tablePerPair(document.getElementById("verdicts-table"), headers, numeric, function (t, c) {
      var n = String(c.n) + (c.clusters !== c.n ? " (" + c.clusters + " clusters)" : "");
      var tr = row(t, [c.task, metricName(c.metric) + (c.higher_is_better ? "" : " (lower is better)"), n,
          points(c.difference) + " (" + points(c.ci90_low) + " to " + points(c.ci90_high) + ")",
          c.margin === null ? "none" : points(c.margin).replace("+", "±"),
          points(c.smallest_equivalence_margin).replace("+", "±"),
          el("span", "badge verdict-" + c.verdict, c.verdict),
          c.minimum_detectable_difference === null ? "n/a" : points(c.minimum_detectable_difference).replace("+", "±"),
          c.items_needed === null ? "n/a" : String(c.items_needed)], numeric);
      tr.className = "verdict-row";
    });
  })();

  // --- calibration of log-likelihood tasks ---
  (function () {
    var box = document.getElementById("calibration-table");
    var list = compare.calibration || [];
    if (!list.length) { add(box, el("p", "empty", "No log-likelihood task in these runs.")); return; }
    var numeric = [false, false, true, true, true, true];
    var t = add(box, table(["task", "model", "n", "ECE (95% CI)", "Brier (95% CI)", "mean chosen probability (95% CI)"], numeric));
    list.forEach(function (c) {
      function cell(e) { return e.value.toFixed(3) + " (" + e.ci_low.toFixed(3) + "–" + e.ci_high.toFixed(3) + ")"; }
      row(t, [c.task, c.run, c.n, cell(c.ece), cell(c.brier), cell(c.chosen_probability)], numeric).className = "calibration-row";
    });
  })();

  // --- flips: causes per pair and task, and the two responses side by side ---
  (function () {
    var box = document.getElementById("flips-body");
    var list = (compare.flips || []).filter(function (f) { return f.items.length > 0; });
    if (!list.length) { add(box, el("p", "empty", "No question was answered right by one model and wrong by the other.")); return; }
    var runIndex = {}, taskIndex = {}, byKey = {};
    runs.forEach(function (r, i) { runIndex[r.name] = i; });
    data.tasks.forEach(function (t, i) { taskIndex[t.name] = i; });
    data.samples.forEach(function (s) {
      var key = s.r + "\u0000" + s.t + "\u0000" + s.id;
      if (!byKey[key]) byKey[key] = s;  // a repeated id: its first occurrence
    });
    function sampleOf(run, task, id) { return byKey[runIndex[run] + "\u0000" + taskIndex[task] + "\u0000" + id]; }
    function side(parent, title, s) {
      var column = add(parent, el("div", "flip-side"));
      add(column, el("h4", "", title));
      if (!s) { add(column, el("p", "empty", "not in this report")); return; }
      add(column, el("p", "", "answer read: " + (s.extracted === null || s.extracted === undefined ? "none" : str(s.extracted)) +
          " · correct: " + str(s.target) + (s.finish ? " · ended by " + s.finish : "")));
      add(column, el("pre", "text response", s.response === null || s.response === undefined ? "(no response stored)" : str(s.response)));
    }
    list.forEach(function (f) {
      add(box, el("h3", "", f.task + ": " + f.fine_tune + " (fine-tune) vs " + f.base + " (base)"));
      var numeric = [false, true, true, true];
      var t = add(box, table(["cause of the wrong answer", "fine-tune right, base wrong", "base right, fine-tune wrong",
                              "p (McNemar, this cause)"], numeric));
      f.causes.forEach(function (c) { row(t, [c.cause, c.gained, c.lost, pText(c.p_value)], numeric).className = "flip-cause-row"; });
      var pick = add(add(box, el("label", "", "Question ")), el("select", "flip-select"));
      f.items.forEach(function (item, i) {
        var option = add(pick, el("option", "", item.id + " · " + (item.fine_tune_right ? "fine-tune right" : "base right") +
            " · " + item.cause));
        option.value = String(i);
      });
      var pair = add(box, el("div", "flip-pair"));
      function show() {
        clear(pair);
        var item = f.items[Number(pick.value)];
        side(pair, f.fine_tune + " (fine-tune)" + (item.fine_tune_right ? ", right" : ", wrong"), sampleOf(f.fine_tune, f.task, item.id));
        side(pair, f.base + " (base)" + (item.fine_tune_right ? ", wrong" : ", right"), sampleOf(f.base, f.task, item.id));
      }
      pick.addEventListener("change", show);
      show();
    });
  })();

  // --- factorial effects and format versus knowledge ---
  (function () {
    var box = document.getElementById("effects-body");
    var groups = [["Fine-tuning × retrieval", compare.factorial || []], ["Format versus knowledge", compare.format_knowledge || []]];
    // The runs an effect subtracts; the interaction's row names the two RAG runs, each compared
    // with its own run without retrieval (as compare.md says it).
    function contrastText(e) {
      if (e.effect === "interaction") return "(" + e.first + " − without RAG) − (" + e.second + " − without RAG)";
      return e.first + " − " + e.second;
    }
    var any = false;
    groups.forEach(function (group) {
      if (!group[1].length) return;
      any = true;
      add(box, el("h3", "", group[0]));
      var numeric = [false, false, false, false, true, true, true, false];
      var t = add(add(box, el("div", "table-scroll")), table(["task", "metric", "effect", "contrast", "n",
          "difference, points (95% CI)", "p (Holm)", "verdict"], numeric));
      group[1].forEach(function (e) {
        row(t, [e.task + (e.twin_task ? " / " + e.twin_task : ""), metricName(e.metric), e.effect, contrastText(e),
                e.n, points(e.difference) + " (" + points(e.ci_low) + " to " + points(e.ci_high) + ")", pText(e.p_holm),
                el("span", "badge verdict-" + e.verdict, e.verdict)], numeric).className = "effect-row";
      });
    });
    if (!any) add(box, el("p", "empty", "No factorial design given (compare --factorial) and no task held in both forms."));
  })();

  // --- methods ---
  var settings = compare.settings;
  document.getElementById("methods-text").textContent =
      "Intervals: percentile bootstrap, " + Math.round(settings.confidence * 100) + "%, " + settings.resamples +
      " resamples, seed " + settings.seed + ". Significance: Holm-adjusted p below " + settings.alpha + ".";
  document.getElementById("report-footer").textContent = "clinbench " + data.clinbench_version +
      ". Charts: Vega-Lite, inlined; this file loads nothing from the network.";
})();
