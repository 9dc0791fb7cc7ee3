// Candidate networks (issue 7, part G; docs/networks.md): the ranked list of the entity graph's
// networks (link.run) and, for the one chosen (#/networks?network=N), its graph drawn in SVG with
// a small force-directed layout (plain JS, seeded, no library), shapes and colours by node type
// with a legend, each node focusable (its pseudonymous label shown on hover and focus), and the
// GraphML and CSV downloads. No names: labels are references, S-<id>, <kind>-<id> and codes.
import { api, query } from '../api.js';
import { h, table, errorBlock, notice, field } from '../dom.js';
import { t } from '../i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const TYPES = ['investigation', 'victim', 'suspect', 'entity', 'place'];
const W = 800;
const H = 560;
const LABELS_UP_TO = 60; // nodes drawn with their label next to them; larger graphs: on focus only
const DRAW_UP_TO = 500; // larger networks are not drawn (the layout is quadratic): download them

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Minor units with two decimals per currency, never converted or summed across currencies.
const money = (list) => (list || []).map((m) => `${m.currency} ${(m.total_minor / 100).toFixed(2)} (${m.count})`).join(', ') || '—';

// A small seeded generator (mulberry32) so that a network is drawn the same way every time.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// Fruchterman-Reingold: repulsion between every pair, attraction along edges, a cooling step.
export function layout(nodes, edges, seed = 1) {
  const n = nodes.length;
  const rand = rng(seed);
  const pos = nodes.map((_, i) => ({
    x: W / 2 + (W / 3) * Math.cos((2 * Math.PI * i) / Math.max(n, 1)) + rand() * 10,
    y: H / 2 + (H / 3) * Math.sin((2 * Math.PI * i) / Math.max(n, 1)) + rand() * 10,
  }));
  const index = new Map(nodes.map((x, i) => [x.id, i]));
  const k = Math.min(Math.sqrt((W * H) / Math.max(n, 1)) * 0.8, 140);
  const iterations = n > 300 ? 80 : 250;
  let temp = W / 8;
  for (let it = 0; it < iterations; it++) {
    const disp = pos.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = pos[i].x - pos[j].x;
        let dy = pos[i].y - pos[j].y;
        let d = Math.hypot(dx, dy);
        if (d < 0.01) { dx = rand() - 0.5; dy = rand() - 0.5; d = 0.01; }
        const f = (k * k) / d;
        disp[i].x += (dx / d) * f; disp[i].y += (dy / d) * f;
        disp[j].x -= (dx / d) * f; disp[j].y -= (dy / d) * f;
      }
    }
    for (const e of edges) {
      const a = index.get(e.source);
      const b = index.get(e.target);
      if (a === undefined || b === undefined) continue;
      const dx = pos[a].x - pos[b].x;
      const dy = pos[a].y - pos[b].y;
      const d = Math.max(Math.hypot(dx, dy), 0.01);
      const f = (d * d) / k;
      disp[a].x -= (dx / d) * f; disp[a].y -= (dy / d) * f;
      disp[b].x += (dx / d) * f; disp[b].y += (dy / d) * f;
    }
    for (let i = 0; i < n; i++) {
      const d = Math.max(Math.hypot(disp[i].x, disp[i].y), 0.01);
      pos[i].x += (disp[i].x / d) * Math.min(d, temp);
      pos[i].y += (disp[i].y / d) * Math.min(d, temp);
      pos[i].x = Math.min(W - 20, Math.max(20, pos[i].x));
      pos[i].y = Math.min(H - 20, Math.max(20, pos[i].y));
    }
    temp *= 0.97;
  }
  // Fit the drawing into the frame (room on the right for the labels).
  const xs = pos.map((p) => p.x);
  const ys = pos.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((W - 160) / Math.max(x1 - x0, 1), (H - 60) / Math.max(y1 - y0, 1), 1.5);
  const ox = (W - 120 - (x1 - x0) * scale) / 2;
  const oy = (H - (y1 - y0) * scale) / 2;
  return pos.map((p) => ({ x: ox + (p.x - x0) * scale, y: oy + (p.y - y0) * scale }));
}

// The shape of a node type, centred on (0, 0).
function shape(type) {
  const r = 9;
  switch (type) {
    case 'investigation': return s('rect', { x: -r, y: -r, width: 2 * r, height: 2 * r, rx: 2 });
    case 'victim': return s('circle', { r });
    case 'suspect': return s('polygon', { points: `0,${-r - 2} ${r + 1},${r} ${-r - 1},${r}` });
    case 'entity': return s('polygon', { points: `0,${-r} ${r},0 0,${r} ${-r},0` });
    default: return s('polygon', { points: `${-r},0 ${-r / 2},${-r} ${r / 2},${-r} ${r},0 ${r / 2},${r} ${-r / 2},${r}` });
  }
}

const typeName = (x) => t(`networks.type.${x.type}`);
const kindName = (x) => (x.type === 'entity' && x.kind ? t(`entities.kind.${x.kind}`) : '');
const nodeText = (x) => [x.label, typeName(x), kindName(x), x.role || ''].filter(Boolean).join(' · ');

function legend() {
  return h('ul', { class: 'net-legend', 'aria-label': t('networks.legend') },
    TYPES.map((type) => h('li', {},
      s('svg', { width: 22, height: 22, viewBox: '-11 -11 22 22', 'aria-hidden': 'true', class: `net-node net-${type}` }, shape(type)),
      ' ', t(`networks.type.${type}`))));
}

export function drawGraph(net) {
  const nodes = net.node_list;
  const edges = net.edge_list;
  const pos = layout(nodes, edges, net.id);
  const at = new Map(nodes.map((x, i) => [x.id, pos[i]]));
  const focusOut = h('p', { class: 'net-focus', 'aria-live': 'polite' }, t('networks.focus_hint'));
  const svg = s('svg', {
    class: 'net-graph', viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': t('networks.graph', { id: net.id }),
  });
  const edgeLayer = s('g', { class: 'net-edges' });
  for (const e of edges) {
    const a = at.get(e.source);
    const b = at.get(e.target);
    if (!a || !b) continue;
    edgeLayer.append(s('line', {
      x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1),
      class: `net-edge net-edge-${e.type}${e.bridge ? ' net-bridge' : ''}`,
    }));
  }
  svg.append(edgeLayer);
  const nodeLayer = s('g', { class: 'net-nodes' });
  nodes.forEach((x, i) => {
    const text = nodeText(x);
    const g = s('g', {
      class: `net-node net-${x.type}`, transform: `translate(${pos[i].x.toFixed(1)},${pos[i].y.toFixed(1)})`,
      tabindex: '0', role: 'img', 'aria-label': text, 'data-id': x.id,
    }, s('title', {}, text), shape(x.type));
    if (nodes.length <= LABELS_UP_TO) {
      g.append(s('text', { x: 12, y: 4, class: 'net-label', 'aria-hidden': 'true', direction: 'ltr' }, x.label));
    }
    const show = () => { focusOut.textContent = text; g.classList.add('net-active'); };
    const hide = () => g.classList.remove('net-active');
    g.addEventListener('focus', show);
    g.addEventListener('mouseenter', show);
    g.addEventListener('blur', hide);
    g.addEventListener('mouseleave', hide);
    nodeLayer.append(g);
  });
  svg.append(nodeLayer);
  return h('figure', { class: 'net-figure' }, svg, h('figcaption', {}, legend(), focusOut));
}

function details(net, minSize) {
  const base = `/api/v1/link/networks/${net.id}`;
  const q = minSize ? query({ min_size: minSize }) : '';
  const top = (net.top || []).map((x) => h('li', {}, h('bdi', { dir: 'ltr' }, x.label), ` — ${typeName(x)}, ${x.degree_centrality}`));
  return h('section', { 'aria-labelledby': 'net-detail-h', class: 'net-detail' },
    h('h2', { id: 'net-detail-h' }, t('networks.graph', { id: net.id })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('networks.col.density')), h('dd', {}, String(net.density)),
      h('dt', {}, t('networks.bridges')), h('dd', {}, String(net.bridges)),
      h('dt', {}, t('networks.top')), h('dd', {}, top.length ? h('ul', { class: 'net-top' }, top) : '—'),
      h('dt', {}, t('networks.col.money')), h('dd', { dir: 'ltr' }, money(net.money))),
    h('p', { class: 'actions' },
      h('a', { href: `${base}/graphml${q}`, download: `network-${net.id}.graphml`, class: 'button' }, t('networks.download_graphml')),
      ' ',
      h('a', { href: `${base}/csv${q}`, download: `network-${net.id}.csv`, class: 'button' }, t('networks.download_csv'))),
    net.node_list.length <= DRAW_UP_TO
      ? drawGraph(net)
      : notice('info', t('networks.too_large', { nodes: net.node_list.length, max: DRAW_UP_TO })));
}

// The smallest network listed (min_size); the list is asked again with it.
function sizeForm(ctx, minSize) {
  const f = h('form', { class: 'form inline-fields', novalidate: true },
    field({ name: 'min_size', label: t('networks.min_size'), value: minSize || '3',
      attrs: { inputmode: 'numeric', size: '5', maxlength: '6' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('networks.apply'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`networks${query({ min_size: f.elements.min_size.value.trim() })}`);
  });
  return f;
}

export async function render(ctx) {
  const minSize = ctx.query.get('min_size') || '';
  const chosen = ctx.query.get('network') || '';
  const body = [sizeForm(ctx, minSize)];
  try {
    const list = await api.get(`/api/v1/link/networks${minSize ? query({ min_size: minSize }) : ''}`);
    const items = list.items || [];
    const link = (n) => h('a', { href: `#/networks${query({ network: n.id, min_size: minSize || null })}`,
      'aria-current': String(n.id) === chosen ? 'true' : null }, t('networks.show', { id: n.id }));
    body.push(items.length
      ? table(t('networks.list'), [
        { label: t('networks.col.id'), cell: link },
        { label: t('networks.col.nodes'), cell: (n) => String(n.nodes), cls: 'num' },
        { label: t('networks.col.edges'), cell: (n) => String(n.edges), cls: 'num' },
        { label: t('networks.col.investigations'), cell: (n) => String(n.investigations), cls: 'num' },
        { label: t('networks.col.victims'), cell: (n) => String(n.victims), cls: 'num' },
        { label: t('networks.col.suspects'), cell: (n) => String(n.suspects), cls: 'num' },
        { label: t('networks.col.countries'), cell: (n) => h('span', { dir: 'ltr' }, (n.country_codes || []).join(', ') || '—') },
        { label: t('networks.col.transactions'), cell: (n) => String(n.transactions), cls: 'num' },
        { label: t('networks.col.money'), cell: (n) => h('span', { dir: 'ltr' }, money(n.money)) },
      ], items)
      : h('p', { class: 'empty' }, t('networks.none')));
    if (chosen) {
      const net = await api.get(`/api/v1/link/networks/${encodeURIComponent(chosen)}${minSize ? query({ min_size: minSize }) : ''}`);
      body.push(details(net, minSize));
    } else if (items.length) {
      body.push(notice('info', t('networks.choose')));
    }
  } catch (e) {
    body.push(errorBlock(e));
  }
  return h('div', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('networks.title')),
    h('p', { class: 'hint' }, t('networks.hint')), ...body);
}
