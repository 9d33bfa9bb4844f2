/*
 * Polyroute monitor page: polls the JSON API and redraws the charts in place.
 * Every panel carries data-has-data="true" once it shows a non-zero figure, and the slot chart
 * carries data-plan-markers with the number of plan changes it marks, so tests can check both.
 */
(function () {
  'use strict';

  const SLOT_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#d62728', '#17becf', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22'];
  const PLAN_COLOR = '#d9480f';
  const state = { minutes: 5, window: '1s', refreshMs: 1000, timer: null, charts: {} };

  // ---------- formatting ----------

  const pad = n => String(n).padStart(2, '0');
  function clock(ms, withSeconds) {
    const d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + (withSeconds ? ':' + pad(d.getSeconds()) : '');
  }
  function number(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    return v.toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function millis(v) {
    if (v === null || v === undefined) return '–';
    return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : (v >= 10 ? v.toFixed(0) : v.toFixed(1)) + ' ms';
  }
  function percent(v) {
    return v === null || v === undefined ? '–' : (v * 100).toFixed(v < 0.1 ? 1 : 0) + '%';
  }
  function text(s) {
    const span = document.createElement('span');
    span.textContent = s;
    return span.innerHTML;
  }

  // ---------- charts ----------

  /** Dashed vertical lines with a label at each plan change (chart option plugins.planMarkers.markers). */
  const planMarkers = {
    id: 'planMarkers',
    afterDatasetsDraw(chart, args, options) {
      const markers = (options && options.markers) || [];
      const x = chart.scales.x;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      let labelEnd = -Infinity;
      markers.forEach(m => {
        const px = x.getPixelForValue(m.time);
        if (px < area.left || px > area.right) return;
        ctx.strokeStyle = PLAN_COLOR;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        const label = 'plan v' + m.version;
        ctx.font = '600 11px system-ui, sans-serif';
        const w = ctx.measureText(label).width + 8;
        const left = px + w + 2 > area.right ? px - w - 2 : px + 2;
        if (left < labelEnd + 2) return; // too close to the previous label: the line alone marks it
        labelEnd = left + w;
        ctx.fillStyle = 'rgba(255,255,255,0.9)';
        ctx.fillRect(left, area.top + 2, w, 16);
        ctx.fillStyle = PLAN_COLOR;
        ctx.fillText(label, left + 4, area.top + 14);
      });
      ctx.restore();
    }
  };

  function timeAxis() {
    return {
      type: 'linear',
      grid: { color: '#eef1f5' },
      ticks: { color: '#667085', maxRotation: 0, autoSkip: true, callback: v => clock(v, state.minutes <= 15) },
      afterBuildTicks: axis => {
        const span = axis.max - axis.min;
        const step = span <= 6 * 60e3 ? 60e3 : span <= 20 * 60e3 ? 3 * 60e3 : 10 * 60e3;
        const ticks = [];
        for (let v = Math.ceil(axis.min / step) * step; v <= axis.max; v += step) ticks.push({ value: v });
        axis.ticks = ticks;
      }
    };
  }

  function lineChart(id, yTitle, extra) {
    const options = {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 1.8, tension: 0.15 } },
      scales: {
        x: timeAxis(),
        y: { beginAtZero: true, grid: { color: '#eef1f5' }, ticks: { color: '#667085' },
          title: { display: !!yTitle, text: yTitle, color: '#667085' } }
      },
      plugins: {
        legend: { labels: { boxWidth: 12, boxHeight: 12, color: '#1c2430' } },
        tooltip: { callbacks: { title: items => items.length ? clock(items[0].parsed.x, true) : '' } },
        planMarkers: { markers: [] }
      }
    };
    Object.assign(options.plugins, (extra && extra.plugins) || {});
    return new Chart(document.getElementById(id), {
      type: 'line',
      data: { datasets: [] },
      options: options,
      plugins: [planMarkers]
    });
  }

  function initCharts() {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    state.charts.throughput = lineChart('chart-throughput', 'records/s', { plugins: { legend: { display: false } } });
    state.charts.latency = lineChart('chart-latency', 'ms');
    state.charts.slots = lineChart('chart-slots', 'invocations/s');
    state.charts.imbalance = lineChart('chart-imbalance', 'max / mean');
    state.charts.versions = lineChart('chart-versions', 'records/s');
    state.charts.shadow = lineChart('chart-shadow', 'share agreeing');
    state.charts.shadow.options.scales.y.max = 1;
    state.charts.dlq = new Chart(document.getElementById('chart-dlq'), {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'dead letters', data: [], backgroundColor: '#e8590c', borderRadius: 4 }] },
      options: {
        animation: false, maintainAspectRatio: false, indexAxis: 'y',
        scales: { x: { beginAtZero: true, ticks: { precision: 0, color: '#667085' }, grid: { color: '#eef1f5' } },
          y: { ticks: { color: '#1c2430' }, grid: { display: false } } },
        plugins: { legend: { display: false } }
      }
    });
  }

  function initRoutingCharts() {
    state.charts.routing = new Chart(document.getElementById('chart-routing'), {
      type: 'bar',
      data: { labels: [], datasets: [
        { label: 'reference', data: [], backgroundColor: '#98a2b3', borderRadius: 3 },
        { label: 'current', data: [], backgroundColor: '#1f77b4', borderRadius: 3 }] },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, max: 1, title: { display: true, text: 'share of selections', color: '#667085' },
          ticks: { color: '#667085' }, grid: { color: '#eef1f5' } }, x: { ticks: { color: '#1c2430' }, grid: { display: false } } },
        plugins: { legend: { labels: { boxWidth: 12, boxHeight: 12 } } }
      }
    });
    state.charts.score = lineChart('chart-score', 'JS divergence (bits)');
    state.charts.score.options.scales.y.max = 1;
  }

  function setRange(chart, from, to) {
    chart.options.scales.x.min = from;
    chart.options.scales.x.max = to;
  }

  function series(label, color, points, fill) {
    return { label: label, data: points, borderColor: color, backgroundColor: color + '22', fill: !!fill, spanGaps: false };
  }

  function markHasData(panelId, has) {
    document.getElementById(panelId).dataset.hasData = has ? 'true' : 'false';
  }

  // ---------- renderers ----------

  function renderSummary(s) {
    const st = document.getElementById('state');
    st.dataset.state = s.state;
    st.textContent = s.state.toLowerCase().replace('_', ' ');
    document.getElementById('updated').textContent = 'data to ' + clock(s.time, true);
    setKpi('kpi-throughput', number(s.throughputPerSecond), null, s.predictionsLastMinute.toLocaleString() + ' in the last minute');
    const lat = s.latencyLastMinute;
    setKpi('kpi-latency', lat.p99 === null ? '–' : millis(lat.p99), null,
      lat.p50 === null ? 'no predictions in the last minute' : 'p50 ' + millis(lat.p50) + ' · p95 ' + millis(lat.p95));
    const imb = s.imbalanceLastMinute;
    setKpi('kpi-imbalance', imb === null ? '–' : imb.toFixed(2), imb !== null && imb > 1.5 ? 'warn' : null,
      'over ' + s.slots + ' slot' + (s.slots === 1 ? '' : 's'));
    setKpi('kpi-plan', s.plan ? 'v' + s.plan.version : '–', null,
      s.plan ? clock(s.plan.createdTime, true) + ' · ' + s.plan.reason : 'no plan yet');
    setKpi('kpi-dlq', number(s.deadLettersLastMinute, 0), s.deadLettersLastMinute > 0 ? 'alert' : null,
      'last minute · ' + s.deadLettersLastHour.toLocaleString() + ' in the last hour');
    setKpi('kpi-anomaly', percent(s.anomalyRateLastMinute), s.anomalyRateLastMinute > 0.1 ? 'warn' : null,
      s.activeSources + ' active source' + (s.activeSources === 1 ? '' : 's'));
  }

  function setKpi(id, value, level, note) {
    const el = document.getElementById(id);
    el.querySelector('.value').textContent = value;
    el.querySelector('.note').textContent = note;
    el.classList.toggle('alert', level === 'alert');
    el.classList.toggle('warn', level === 'warn');
    el.title = note;
  }

  function renderThroughput(t) {
    const c = state.charts.throughput;
    setRange(c, t.from, t.to);
    c.data.datasets = [series('records/s', '#1f6feb', t.points.map(p => ({ x: p.t, y: p.perSecond })), true)];
    c.update('none');
    markHasData('panel-throughput', t.points.some(p => p.count > 0));
  }

  function renderLatency(l) {
    const c = state.charts.latency;
    setRange(c, l.from, l.to);
    const pick = key => l.points.map(p => ({ x: p.t, y: p[key] }));
    c.data.datasets = [
      series('p50', '#2b8a3e', pick('p50')),
      series('p95', '#e67700', pick('p95')),
      series('p99', '#c92a2a', pick('p99'))
    ];
    c.update('none');
    markHasData('panel-latency', l.points.some(p => p.p99 !== null && p.p99 > 0));
  }

  /**
   * Slot loads summed over the trailing n windows of each point, and the imbalance of those sums
   * (max over mean), so the lines show the trend rather than the noise of single seconds.
   */
  function trailing(points, n) {
    return points.map((p, i) => {
      const sums = p.loads.map(() => 0);
      let count = 0;
      for (let j = Math.max(0, i - n + 1); j <= i; j++, count++) {
        points[j].loads.forEach((v, k) => { sums[k] += v; });
      }
      const total = sums.reduce((a, b) => a + b, 0);
      const imbalance = total > 0 ? Math.max.apply(null, sums) / (total / sums.length) : null;
      return { t: p.t, loads: sums.map(v => v / count), imbalance: imbalance };
    });
  }

  function renderSlots(s) {
    const seconds = state.window === '1m' ? 60 : 1;
    const smooth = state.window === '1m' ? 1 : 5;
    const trend = trailing(s.points, smooth);
    document.getElementById('slots-note').textContent = 'expert invocations per second' +
      (smooth > 1 ? ', ' + smooth + ' s moving average' : '') + '; dashed lines mark plan changes';
    const c = state.charts.slots;
    setRange(c, s.from, s.to);
    c.data.datasets = s.slots.map((slot, i) => series('slot ' + slot, SLOT_COLORS[i % SLOT_COLORS.length],
      trend.map(p => ({ x: p.t, y: p.loads[i] / seconds }))));
    c.options.plugins.planMarkers.markers = s.plans;
    c.update('none');
    const panel = document.getElementById('panel-slots');
    panel.dataset.planMarkers = String(s.plans.length);
    markHasData('panel-slots', s.points.some(p => p.loads.some(v => v > 0)));

    const ci = state.charts.imbalance;
    setRange(ci, s.from, s.to);
    const wide = state.window === '1m' ? 1 : 10;
    ci.data.datasets = [
      Object.assign(series('per window', '#b197fc', s.points.map(p => ({ x: p.t, y: p.imbalance }))), { borderWidth: 1 }),
      Object.assign(series(wide > 1 ? wide + ' s' : 'per minute', '#5f3dc4',
        trailing(s.points, wide).map(p => ({ x: p.t, y: p.imbalance }))), { borderWidth: 2.4 })
    ];
    if (wide === 1) ci.data.datasets.pop();
    ci.options.scales.y.suggestedMin = 1;
    ci.options.scales.y.beginAtZero = false;
    ci.options.plugins.planMarkers.markers = s.plans;
    ci.update('none');
    markHasData('panel-imbalance', s.points.some(p => p.imbalance !== null && p.imbalance > 0));
  }

  function heatColor(f) {
    // from #eef4fb (0) to #1f4e8c (1)
    const a = [0xee, 0xf4, 0xfb], b = [0x1f, 0x4e, 0x8c];
    const c = a.map((v, i) => Math.round(v + (b[i] - v) * f));
    return 'rgb(' + c.join(',') + ')';
  }

  function renderHeatmap(h, plans) {
    const replicas = {};
    const latest = plans.plans[0];
    if (latest) latest.replicas.forEach(r => { replicas['s' + r.stage + '\u00b7e' + r.expert] = r.slots; });
    let html = '<table><thead><tr><th></th>' + h.slots.map(s => '<th>slot ' + s + '</th>').join('') + '</tr></thead><tbody>';
    h.experts.forEach((e, i) => {
      html += '<tr><th class="row">' + text(e) + '</th>';
      h.cells[i].forEach((v, j) => {
        const f = h.max > 0 ? v / h.max : 0;
        const isReplica = (replicas[e] || []).indexOf(h.slots[j]) >= 0;
        html += '<td class="' + (f > 0.55 ? 'hot' : '') + (isReplica ? ' replica' : '') + '" style="background:' +
          heatColor(Math.sqrt(f)) + '" title="' + text(e) + ' on slot ' + h.slots[j] + ': ' + v + '">' +
          (v > 0 ? number(v, 0) : '') + '</td>';
      });
      html += '</tr>';
    });
    html += '</tbody></table><div class="legend"><span class="ramp"></span> 0 – ' + number(h.max, 0) +
      (latest ? ' <span class="swatch"></span> replica in plan v' + latest.version : '') + '</div>';
    document.getElementById('heatmap').innerHTML = html;
    markHasData('panel-heatmap', h.max > 0);
  }

  const VERSION_COLORS = ['#1f6feb', '#e8590c', '#2b8a3e', '#9c36b5', '#c92a2a', '#0b7285'];

  /** Predictions per second of each version per window: the mix moving during a rollout. */
  function renderVersions(v) {
    const c = state.charts.versions;
    setRange(c, v.from, v.to);
    const seconds = v.window === '1m' ? 60 : 1;
    c.data.datasets = v.versions.map((name, i) => series(name, VERSION_COLORS[i % VERSION_COLORS.length],
      v.points.map(p => ({ x: p.t, y: (p.counts[name] || 0) / seconds })), false));
    c.update('none');
    document.getElementById('versions-note').textContent = v.versions.length === 0 ? 'no predictions yet' :
      v.versions.map(name => name + ' ' + percent(v.shares[name])).join(' · ') + ' of the range';
    const panel = document.getElementById('panel-versions');
    panel.dataset.versions = String(v.versions.length);
    markHasData('panel-versions', v.versions.length > 0);
  }

  /** Shadow agreement per pair of versions, and per window; the panel shows only with a shadow topic. */
  function renderShadow(s) {
    const panel = document.getElementById('panel-shadow');
    panel.hidden = !s.enabled;
    if (!s.enabled) return;
    document.getElementById('shadow-note').textContent = s.topic + ' · agree: max |difference| ≤ ' + s.tolerance;
    const diff = v => v === null ? '–' : v.toExponential(2);
    document.querySelector('#shadow tbody').innerHTML = s.versions.map(r =>
      '<tr><td>' + text(r.served) + ' → ' + text(r.shadow) + '</td><td class="num">' + r.figures.pairs.toLocaleString() +
      '</td><td class="num">' + percent(r.figures.agreement) + '</td><td class="num">' + percent(r.figures.sameRouting) +
      '</td><td class="num">' + diff(r.figures.meanDifference) + '</td><td class="num">' + diff(r.figures.maxDifference) +
      '</td></tr>').join('');
    const c = state.charts.shadow;
    setRange(c, s.from, s.to);
    c.data.datasets = [
      series('agreeing', '#2b8a3e', s.points.map(p => ({ x: p.t, y: p.figures.agreement })), true),
      series('same routing', '#1f6feb', s.points.map(p => ({ x: p.t, y: p.figures.sameRouting })))
    ];
    c.update('none');
    markHasData('panel-shadow', s.versions.some(r => r.figures.pairs > 0));
  }

  function renderDlq(d) {
    const c = state.charts.dlq;
    const reasons = Object.keys(d.totals).sort((a, b) => d.totals[b] - d.totals[a]);
    c.data.labels = reasons.map(r => r.toLowerCase().replace(/_/g, ' '));
    c.data.datasets[0].data = reasons.map(r => d.totals[r]);
    c.update('none');
    markHasData('panel-dlq', reasons.some(r => d.totals[r] > 0));
  }

  function renderSources(s) {
    document.getElementById('sources-note').textContent = 'last ' + s.minutes + ' min · output[' + s.outputIndex +
      '] > ' + s.threshold + ' · ' + s.total + ' source' + (s.total === 1 ? '' : 's');
    const body = document.querySelector('#sources tbody');
    body.innerHTML = s.sources.map(r =>
      '<tr><td class="source">' + text(r.sourceId) + '</td><td class="num">' + r.count.toLocaleString() +
      '</td><td class="num">' + (r.outputMean === null ? '–' : r.outputMean.toFixed(3)) + '</td><td><div class="rate"><div class="bar"><span style="width:' +
      ((r.anomalyRate || 0) * 100).toFixed(1) + '%"></span></div><span class="pct">' + percent(r.anomalyRate) +
      '</span></div></td></tr>').join('');
    markHasData('panel-sources', s.sources.some(r => r.count > 0));
  }

  function renderAlerts(a) {
    const rows = a.open.concat(a.recent);
    const panel = document.getElementById('panel-alerts');
    panel.dataset.openAlerts = String(a.openCount);
    panel.dataset.alerts = String(rows.length);
    document.getElementById('alerts-note').textContent = a.openCount + ' open · ' + a.recent.length +
      ' recently cleared · click a row for the source\'s routing';
    const shift = list => (list || []).map(x => 'e' + x.expert + ' ' + percent(x.referenceShare) + '→' +
      percent(x.currentShare)).join(', ');
    const body = document.querySelector('#alerts tbody');
    body.innerHTML = rows.length === 0 ? '<tr><td colspan="8" class="empty">no alerts</td></tr>' : rows.map(r =>
      '<tr class="alert ' + r.state.toLowerCase() + '" data-source="' + text(r.sourceId) + '" data-kind="' + r.kind + '">' +
      '<td><span class="badge ' + r.state.toLowerCase() + '">' + r.state.toLowerCase() + '</span></td><td>' +
      r.kind.toLowerCase().replace('_', ' ') + '</td><td class="source">' + text(r.sourceId) + '</td><td class="num">' +
      (r.stage === null ? '–' : r.stage) + '</td><td class="num">' + (r.score === null ? '–' : r.score.toFixed(3)) +
      '</td><td>' + clock(r.raisedAt, true) + '</td><td>' + (r.clearedAt ? clock(r.clearedAt, true) : '–') +
      '</td><td class="reason" title="' + text(r.message) + '">' +
      (r.kind === 'DRIFT' ? text('gained ' + (shift(r.gained) || '–') + '; lost ' + (shift(r.lost) || '–')) : text(r.message)) +
      '</td></tr>').join('');
    body.querySelectorAll('tr[data-source]').forEach(tr => tr.addEventListener('click', () => selectSource(tr.dataset.source)));
    if (!state.source && a.open.length > 0) state.source = a.open[0].sourceId;
  }

  function renderDrift(d) {
    document.getElementById('drift-note').textContent = 'JS divergence from the reference · threshold ' +
      d.threshold + ' · ' + d.sources + ' source' + (d.sources === 1 ? '' : 's');
    const body = document.querySelector('#drift tbody');
    body.innerHTML = d.top.slice(0, 10).map(r =>
      '<tr data-source="' + text(r.sourceId) + '"' + (r.driftOpen ? ' class="drifting"' : '') + '><td class="source">' +
      text(r.sourceId) + '</td><td><div class="rate"><div class="bar"><span style="width:' +
      ((r.score || 0) * 100).toFixed(1) + '%"></span></div><span class="pct">' +
      (r.score === null ? '–' : r.score.toFixed(3)) + '</span></div></td><td class="num">' +
      r.records.toLocaleString() + '</td></tr>').join('');
    body.querySelectorAll('tr[data-source]').forEach(tr => tr.addEventListener('click', () => selectSource(tr.dataset.source)));
    markHasData('panel-drift', d.top.length > 0);
    if (!state.source && d.top.length > 0) state.source = d.top[0].sourceId;
  }

  function selectSource(id) {
    state.source = id;
    refreshRouting();
  }

  function renderRouting(r) {
    const panel = document.getElementById('panel-routing');
    panel.dataset.source = r.sourceId;
    document.getElementById('routing-source').textContent = r.sourceId;
    const stage = r.stages[0];
    document.getElementById('routing-note').textContent = stage
      ? 'stage 0 · reference ' + clock(r.referenceStart, true) + '–' + clock(r.referenceEnd, true) + ' (' +
        stage.referenceRecords.toLocaleString() + ' records) vs current ' + clock(r.currentStart, true) + '–' +
        clock(r.currentEnd, true) + ' (' + stage.currentRecords.toLocaleString() + ') · score ' +
        (stage.score === null ? '–' : stage.score.toFixed(3)) + (stage.driftOpen ? ' · DRIFT' : '')
      : 'no routed records yet';
    const c = state.charts.routing;
    const experts = stage ? stage.experts : [];
    c.data.labels = experts.map(e => 'expert ' + e.expert);
    c.data.datasets[0].data = experts.map(e => e.referenceShare);
    c.data.datasets[1].data = experts.map(e => e.currentShare);
    c.update('none');
    const s = state.charts.score;
    const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd'];
    s.data.datasets = r.stages.map((st, i) =>
      series('stage ' + st.stage, colors[i % colors.length], r.history.map(h => ({ x: h.t, y: h.scores[i] }))));
    if (r.history.length > 0) {
      const from = r.history[0].t, to = r.history[r.history.length - 1].t;
      s.data.datasets.push(Object.assign(series('threshold', '#d9480f',
        [{ x: from, y: r.threshold }, { x: to, y: r.threshold }]), { borderDash: [5, 4], borderWidth: 1.2 }));
      setRange(s, from, Math.max(to, from + 1000));
    }
    s.update('none');
    markHasData('panel-routing', experts.some(e => e.referenceShare > 0 || e.currentShare > 0));
  }

  async function refreshRouting() {
    if (!state.source) return;
    try {
      renderRouting(await getJson('api/sources/' + encodeURIComponent(state.source) + '/routing'));
    } catch (e) {
      document.getElementById('routing-note').textContent = 'no routing profile for ' + state.source;
    }
  }

  function renderPlans(p) {
    const body = document.querySelector('#plans tbody');
    body.innerHTML = p.plans.slice(0, 8).map(plan =>
      '<tr><td class="num">v' + plan.version + (plan.pinned ? '<span class="pin">pinned</span>' : '') + '</td><td>' +
      clock(plan.createdTime, true) + '</td><td class="reason" title="' + text(plan.reason) + '">' + text(plan.reason) +
      '</td><td class="num">' + plan.slots + '</td><td class="num">' +
      (plan.predictedImbalance === null ? '–' : plan.predictedImbalance.toFixed(2)) + '</td><td class="num">' +
      plan.sessionsMoved + '</td></tr>').join('');
    markHasData('panel-plans', p.plans.length > 0);
  }

  // ---------- polling ----------

  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) throw new Error(path + ' answered ' + response.status);
    return response.json();
  }

  function banner(message) {
    const el = document.getElementById('banner');
    el.hidden = !message;
    el.textContent = message || '';
  }

  async function refresh() {
    try {
      const health = await getJson('api/health');
      if (!health.ready) {
        document.getElementById('state').dataset.state = health.state;
        document.getElementById('state').textContent = health.state.toLowerCase().replace('_', ' ');
        banner('The monitor is ' + health.state.toLowerCase().replace('_', ' ') + '; figures appear once its state stores are ready.');
        return;
      }
      const q = 'window=' + state.window + '&minutes=' + state.minutes;
      const [summary, throughput, latency, slots, heatmap, plans, dlq, sources] = await Promise.all([
        getJson('api/summary'), getJson('api/throughput?' + q), getJson('api/latency?' + q),
        getJson('api/slots?' + q), getJson('api/heatmap?minutes=1'), getJson('api/plans?limit=20'),
        getJson('api/dlq?window=1m&minutes=60'), getJson('api/sources?top=10&minutes=10')
      ]);
      banner(null);
      renderSummary(summary);
      renderThroughput(throughput);
      renderLatency(latency);
      renderSlots(slots);
      renderHeatmap(heatmap, plans);
      renderPlans(plans);
      renderDlq(dlq);
      renderSources(sources);
      const [versions, shadow] = await Promise.all([getJson('api/versions?' + q), getJson('api/shadow?' + q)]);
      renderVersions(versions);
      renderShadow(shadow);
      const [alerts, drift] = await Promise.all([getJson('api/alerts?limit=20'), getJson('api/drift?top=10')]);
      renderAlerts(alerts);
      renderDrift(drift);
      await refreshRouting();
    } catch (e) {
      document.getElementById('state').dataset.state = 'UNREACHABLE';
      document.getElementById('state').textContent = 'unreachable';
      banner('Cannot reach the monitor: ' + e.message + '. Retrying.');
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(async () => {
      await refresh();
      schedule();
    }, state.refreshMs);
  }

  function initRange() {
    document.querySelectorAll('.range button').forEach(button => {
      button.addEventListener('click', () => {
        document.querySelectorAll('.range button').forEach(b => b.classList.toggle('active', b === button));
        state.minutes = Number(button.dataset.minutes);
        state.window = button.dataset.window;
        refresh();
      });
    });
  }

  async function start() {
    initCharts();
    initRoutingCharts();
    initRange();
    try {
      const config = await getJson('api/config');
      state.refreshMs = config.refreshMs;
      document.getElementById('topics').textContent = config.topics.predictions + ' · ' + config.topics.load + ' · ' +
        config.topics.plans + ' · ' + config.topics.deadLetters;
    } catch (e) {
      banner('Cannot read the monitor configuration: ' + e.message + '. Retrying.');
    }
    await refresh();
    schedule();
  }

  window.polyrouteMonitor = { state: state, refresh: refresh };
  document.addEventListener('DOMContentLoaded', start);
}());
