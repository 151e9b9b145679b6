
/* Draws the report's charts from #report-data, then sets the test hook: body[data-report-ready] and #report-check
   (chart count and data points per chart, read back from each chart's own option). */
(function () {
  'use strict';
  var charts = [];
  var ALERT_COLORS = ['#e69f00', '#0072b2', '#009e73', '#cc79a7', '#56b4e9', '#f0e442', '#7f7f7f', '#8c564b'];
  var INCIDENT_COLOR = '#d62728';

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function fmt(v, places) {
    if (v === null || v === undefined) { return '–'; }
    if (typeof v === 'string') { return v; }
    return v.toFixed(places);
  }
  function time(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }
  function short(label) { return label.replace(/:00Z$/, 'Z').replace('T', ' '); }
  function title(text) { return {text: text, left: 8, top: 6, textStyle: {fontSize: 13, fontWeight: 'normal'}}; }

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { throw new Error('no element #' + id + ' for its chart'); }
    var chart = echarts.init(el, null, {renderer: 'canvas'});
    option.animation = false;
    chart.setOption(option);
    charts.push({id: id, chart: chart});
  }

  function metrics(g) {
    var m = g.metrics;
    var line = function (name, data, axis, color) {
      return {name: name, type: 'line', yAxisIndex: axis, data: data, showSymbol: data.length < 60, symbolSize: 5,
        connectNulls: false, itemStyle: {color: color}, lineStyle: {width: 1.6, color: color}};
    };
    var series = [
      line('mean |ρ|', m.meanAbsCorr, 0, '#1f4e9c'),
      line('effective rank', m.effectiveRank, 1, '#2ca02c'),
      line('FRET ‖C−I‖₁', m.fret, 2, '#9467bd')
    ];
    var sets = {};
    g.alerts.forEach(function (a) { sets[a.set] = true; });
    var manySets = Object.keys(sets).length > 1;
    g.alerts.forEach(function (a, i) {
      var color = ALERT_COLORS[i % ALERT_COLORS.length];
      var name = (manySets ? a.set + ': ' : '') + a.rule;
      series.push({name: name, type: 'line', data: [], yAxisIndex: 0, itemStyle: {color: color},
        lineStyle: {color: color},
        markArea: {silent: false, itemStyle: {color: color, opacity: 0.18},
          label: {show: false},
          tooltip: {formatter: function (p) { return esc(p.name); }},
          data: a.intervals.map(function (iv) {
            return [{xAxis: iv[0], name: a.set + ' · ' + a.rule + ' firing ' + time(iv[0]) + ' – ' + time(iv[1])
                + (iv[2] ? ' (still firing)' : '')}, {xAxis: iv[1]}];
          })}});
    });
    if (g.incidents.length) {
      var areas = g.incidents.filter(function (x) { return x.end > x.start; });
      var points = g.incidents.filter(function (x) { return x.end === x.start; });
      series.push({name: 'labelled incidents', type: 'line', data: [], yAxisIndex: 0,
        itemStyle: {color: INCIDENT_COLOR}, lineStyle: {color: INCIDENT_COLOR},
        markArea: {silent: false, itemStyle: {color: 'rgba(214,39,40,0.10)', borderColor: INCIDENT_COLOR,
            borderWidth: 1.5, borderType: 'dashed'},
          label: {show: true, position: 'insideTop', color: INCIDENT_COLOR, fontSize: 11},
          tooltip: {formatter: function (p) { return esc(p.name); }},
          data: areas.map(function (x) {
            return [{xAxis: x.start, name: x.label}, {xAxis: x.end}];
          })},
        markLine: {symbol: 'none', lineStyle: {color: INCIDENT_COLOR, type: 'dashed'},
          label: {formatter: function (p) { return p.name; }, color: INCIDENT_COLOR, fontSize: 11},
          data: points.map(function (x) { return {xAxis: x.start, name: x.label}; })}});
    }
    make(g.charts.metrics, {
      title: title('Redundancy per window (at window end' + (m.bucket > 1 ? '; means of ' + m.bucket + ' windows'
          : '') + '); shaded: firing alerts' + (g.incidents.length ? ', dashed red: labelled incidents' : '')),
      legend: {type: 'scroll', top: 28, left: 8, right: 8, textStyle: {fontSize: 11}},
      tooltip: {trigger: 'axis', valueFormatter: function (v) { return fmt(v, 4); }},
      grid: {left: 56, right: 128, top: 84, bottom: 32},
      xAxis: {type: 'time', min: m.min, max: m.max},
      yAxis: [
        {type: 'value', name: 'mean |ρ|', min: 0, max: 1, position: 'left', nameTextStyle: {color: '#1f4e9c'}},
        {type: 'value', name: 'eff. rank', position: 'right', scale: true, splitLine: {show: false},
          nameTextStyle: {color: '#2ca02c'}},
        {type: 'value', name: 'FRET', position: 'right', offset: 62, scale: true, splitLine: {show: false},
          nameTextStyle: {color: '#9467bd'}}
      ],
      series: series
    });
  }

  function drift(g) {
    var d = g.drift;
    make(g.charts.drift, {
      title: title('Drift against the reference: ' + d.value + ' — the ' + d.rows.length + ' most drifted of '
          + d.total + ' ' + d.what + (d.bucket > 1 ? ', ' + d.bucket + ' windows per column (largest)' : '')
          + '; red dot: drifted'),
      tooltip: {formatter: function (p) {
        var c = d.cells[p.dataIndex];
        return esc(d.rows[c[1]]) + ' · window ending ' + esc(d.columns[c[0]]) + '<br>KS ' + fmt(c[3], 3)
            + ' · W1/σ ' + fmt(c[4], 3) + ' · PSI ' + fmt(c[5], 3) + ' · JS ' + fmt(c[6], 3)
            + (c[7] ? '<br><b>drifted</b>' : '');
      }},
      grid: {left: 110, right: 24, top: 64, bottom: 56},
      xAxis: {type: 'category', data: d.columns.map(short), splitArea: {show: true}},
      yAxis: {type: 'category', data: d.rows, inverse: true, splitArea: {show: true},
        axisLabel: {width: 100, overflow: 'truncate', fontSize: 11}},
      visualMap: {type: 'continuous', min: 0, max: 1, seriesIndex: 0, dimension: 2, orient: 'horizontal',
        right: 16, top: 26, itemHeight: 120, itemWidth: 10, text: ['1', '0'], textStyle: {fontSize: 11},
        inRange: {color: ['#f7fbff', '#9ecae1', '#3182bd', '#08306b']}},
      series: [
        {name: d.value, type: 'heatmap', data: d.cells.map(function (c) { return [c[0], c[1], c[2]]; }),
          emphasis: {itemStyle: {borderColor: '#333', borderWidth: 1}}},
        {name: 'drifted', type: 'scatter', silent: true, tooltip: {show: false}, symbolSize: 5,
          itemStyle: {color: INCIDENT_COLOR},
          data: d.cells.filter(function (c) { return c[7]; }).map(function (c) { return [c[0], c[1]]; })}
      ]
    });
  }

  function masks(g) {
    var m = g.masks;
    var colors = ['#9e9e9e', '#8c6d31', '#e6550d', '#756bb1'];
    make(g.charts.masks, {
      title: title('Mask timeline: dropped features per mask version (' + (m.columns.length < m.versions
          ? 'last ' + m.columns.length + ' of ' + m.versions : m.versions) + ' versions; '
          + (m.rows.length < m.total ? m.rows.length + ' most often dropped of ' + m.total : m.total)
          + ' features)'),
      tooltip: {formatter: function (p) {
        var c = m.cells[p.dataIndex];
        return esc(m.rows[c[1]]) + ' dropped in ' + esc(m.columns[c[0]]) + '<br>reason ' + esc(c[3])
            + (c[4] !== null ? '<br>redundant with ' + esc(c[4]) + ' (' + esc(c[6] || '') + ' ' + fmt(c[5], 4) + ')'
              : '') + (c[7] !== null ? '<br>active share ' + fmt(c[7], 4) : '')
            + '<br>kept ' + m.kept[c[0]];
      }},
      grid: {left: 110, right: 24, top: 64, bottom: 70},
      xAxis: {type: 'category', data: m.columns, splitArea: {show: true},
        axisLabel: {fontSize: 10, rotate: m.columns.length > 6 ? 30 : 0, formatter: short}},
      yAxis: {type: 'category', data: m.rows, inverse: true, splitArea: {show: true},
        axisLabel: {width: 100, overflow: 'truncate', fontSize: 11}},
      visualMap: {type: 'piecewise', seriesIndex: 0, dimension: 2, orient: 'horizontal', right: 16, top: 28,
        textStyle: {fontSize: 11},
        pieces: m.reasons.map(function (r, i) { return {value: i, label: r, color: colors[i % colors.length]}; })},
      series: [{name: 'dropped', type: 'heatmap', data: m.cells.map(function (c) { return [c[0], c[1], c[2]]; }),
        emphasis: {itemStyle: {borderColor: '#333', borderWidth: 1}}}]
    });
  }

  function deadLetters(d) {
    make(d.id, {
      title: title('Dead letters by stage and reason'),
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'},
        formatter: function (ps) { return esc(ps[0].name) + ': ' + ps[0].value; }},
      grid: {left: 250, right: 40, top: 40, bottom: 24},
      xAxis: {type: 'value', minInterval: 1},
      yAxis: {type: 'category', data: d.reasons, inverse: true,
        axisLabel: {width: 240, overflow: 'truncate', fontSize: 11}},
      series: [{name: 'dead letters', type: 'bar', data: d.counts, itemStyle: {color: '#8c564b'},
        label: {show: true, position: 'right', fontSize: 11}}]
    });
  }

  try {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    data.groups.forEach(function (g) {
      if (g.charts.metrics) { metrics(g); }
      if (g.charts.drift) { drift(g); }
      if (g.charts.masks) { masks(g); }
    });
    if (data.deadLetters) { deadLetters(data.deadLetters); }
    var check = {charts: charts.length, points: {}};
    charts.forEach(function (c) {
      var n = 0;
      (c.chart.getOption().series || []).forEach(function (s) { n += (s.data || []).length; });
      check.points[c.id] = n;
    });
    document.getElementById('report-check').textContent = JSON.stringify(check);
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.chart.resize(); }); });
  } catch (e) {
    window.__reportRecord((e && e.stack) || e);
  } finally {
    window.__reportFlush();
    document.body.dataset.reportReady = 'true';
  }
})();
