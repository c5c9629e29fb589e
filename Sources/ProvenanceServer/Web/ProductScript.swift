/// `/assets/product.js`: the public product page. It reads the history from the API, shows the
/// journey, and checks every event's proof bundle in the browser against the operator's key that
/// the page carries.
enum ProductScript {
    static let source = #"""
        import { verifyBundle, ed25519Available, base64Decode } from './verify.js';
        import { el, getJSON, pool } from './common.js';
        import { coastlines } from './world.js';

        const operatorKey = base64Decode(document.body.dataset.operatorKey);
        const subject = decodeURIComponent(location.pathname.replace(/^\/p\//, ''));
        const badge = document.getElementById('badge');

        const kindNames = {
          produce: 'Produced', ship: 'Shipped', receive: 'Received', transform: 'Transformed', observe: 'Observed',
          facility: 'Facility registered', participant: 'Participant', anchor: 'Report anchored', review: 'Reviewed',
        };

        function setBadge(state, text) {
          badge.dataset.state = state;
          badge.className = `badge ${state}`;
          badge.textContent = text;
        }

        // A lot's whole journey, or the first events of a product code (which may have thousands of lots).
        async function loadHistory() {
          for (const [kind, limit] of [['lots', 1000], ['products', 100]]) {
            const response = await getJSON(`/v1/${kind}/${encodeURIComponent(subject)}?limit=${limit}`);
            if (response.status === 200) return response.body;
            if (response.status !== 404) throw new Error(response.body?.error?.message ?? `HTTP ${response.status}`);
          }
          return null;
        }

        function place(facilities, id) {
          const facility = facilities[id];
          if (!facility) return id ? `${id}` : '';
          return `${facility.name} (${facility.country})`;
        }

        function quantity(fields) {
          if (fields.quantity === undefined) return 'quantity withheld';
          return `${fields.quantity} ${fields.unit ?? ''}`.trim();
        }

        function renderTimeline(history) {
          const list = document.getElementById('timeline');
          // A lot's moves between two sites of one party that nothing records, before the event at the second site.
          const moves = new Map((history.unrecorded_transfers ?? []).map((move) => [move.before_index, move]));
          for (const event of history.events) {
            const move = moves.get(event.index);
            if (move) {
              list.append(el('li', { class: 'move' },
                `Moved from ${place(history.facilities, move.from) || move.from} to ${place(history.facilities, move.to) || move.to}, `
                  + `both sites of ${move.party}: no ship or receive recorded`));
            }
            const f = event.fields;
            const what = [f.product, f.lot && `lot ${f.lot}`, f.lot && quantity(f)].filter(Boolean).join(' · ');
            const where = place(history.facilities, f.facility);
            const item = el('li', { class: `event ${event.relation}`, 'data-event-id': event.id, 'data-relation': event.relation },
              el('span', { class: 'check', title: 'not checked yet' }, '…'),
              el('div', { class: 'when' }, event.occurred_at.replace('T', ' ')),
              el('div', { class: 'what' }, el('strong', {}, kindNames[event.kind] ?? event.kind), ' ', what),
              el('div', { class: 'where' }, where ? `at ${where}` : ''),
              el('div', { class: 'who' }, `signed by ${event.signer}`,
                f.certificate ? el('span', { class: 'cert' }, ` · certificate ${f.certificate}`) : ''),
              origin(f),
              el('div', { class: 'id' }, `event ${event.id.slice(0, 16)}…`));
            list.append(item);
          }
        }

        // The plots a harvest came from, and the EU due-diligence statement that covers goods passed on.
        function origin(f) {
          const parts = [
            f.plots && `from plots ${[].concat(f.plots).join(', ')}`,
            f.dds_reference && `due-diligence statement ${f.dds_reference}`
              + (f.dds_verification ? ` (verification ${f.dds_verification})` : ''),
          ].filter(Boolean);
          return parts.length ? el('div', { class: 'eudr' }, parts.join(' · ')) : '';
        }

        const svgNS = 'http://www.w3.org/2000/svg';

        function shape(name, attributes) {
          const element = document.createElementNS(svgNS, name);
          for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
          return element;
        }

        function titled(element, text) {
          const title = document.createElementNS(svgNS, 'title');
          title.textContent = text;
          element.append(title);
          return element;
        }

        // A plot's geometry (GeoJSON, longitude first) as SVG in degrees, y pointing south: a polygon's rings as a
        // path, a point as a small diamond `size` degrees across.
        function plotShape(geometry, size) {
          const ring = (positions) => 'M' + positions.map(([x, y]) => `${x},${-y}`).join('L') + 'Z';
          switch (geometry?.type) {
            case 'Polygon': return shape('path', { d: geometry.coordinates.map(ring).join(''), class: 'plot', 'fill-rule': 'evenodd' });
            case 'MultiPolygon': return shape('path', { d: geometry.coordinates.flat().map(ring).join(''), class: 'plot', 'fill-rule': 'evenodd' });
            case 'Point': return diamond(geometry.coordinates[0], -geometry.coordinates[1], size / 2);
            default: return null;
          }
        }

        // A plot's mark: a diamond `r` across each way from (x, y), in the map's units (y pointing south).
        function diamond(x, y, r) {
          return shape('path', { d: `M${x - r},${y}L${x},${y - r}L${x + r},${y}L${x},${y + r}Z`, class: 'plot' });
        }

        function plotsOf(history) {
          return Object.entries(history.facilities)
            .filter(([, f]) => f.kind === 'plot' && typeof f.geometry === 'string')
            .map(([id, f]) => { try { return { id, f, geometry: JSON.parse(f.geometry) }; } catch { return null; } })
            .filter(Boolean);
        }

        // Every position of a geometry, [longitude, latitude].
        function positions(geometry) {
          switch (geometry.type) {
            case 'Point': return [geometry.coordinates];
            case 'Polygon': return geometry.coordinates.flat();
            case 'MultiPolygon': return geometry.coordinates.flat(2);
            default: return [];
          }
        }

        // The journey on the world's coastlines: facilities placed by longitude and latitude, joined in the order
        // the events visited them, and the plots the harvests came from marked where they lie.
        function renderMap(history) {
          const facilities = Object.entries(history.facilities)
            .filter(([, f]) => f.kind !== 'plot')
            .map(([id, f]) => ({ id, f, x: Number(f.longitude), y: -Number(f.latitude) }))
            .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
          const plots = plotsOf(history);
          const marks = plots.map((p) => {
            const all = positions(p.geometry);
            const x = all.reduce((sum, [lon]) => sum + lon, 0) / all.length;
            const y = -all.reduce((sum, [, lat]) => sum + lat, 0) / all.length;
            return { ...p, x, y };
          }).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
          const points = [...facilities, ...marks];
          if (!points.length) return;
          const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
          let [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
          const width = Math.max(right - left, 40) * 1.2, height = Math.max(bottom - top, 20) * 1.2;
          left = (left + right - width) / 2; top = (top + bottom - height) / 2;
          const svg = shape('svg', { viewBox: `${left} ${top} ${width} ${height}`, role: 'img', 'aria-label': 'where the events happened' });
          svg.append(shape('path', { d: coastlines, class: 'coast', transform: 'scale(0.1)' }));
          const step = width > 120 ? 30 : 10;
          for (let x = Math.ceil(left / step) * step; x < left + width; x += step) svg.append(shape('line', { x1: x, y1: top, x2: x, y2: top + height, class: 'grid' }));
          for (let y = Math.ceil(top / step) * step; y < top + height; y += step) svg.append(shape('line', { x1: left, y1: y, x2: left + width, y2: y, class: 'grid' }));
          const route = [];
          for (const event of history.events) {
            const stop = facilities.find((p) => p.id === event.fields.facility);
            if (stop && route[route.length - 1] !== stop) route.push(stop);
          }
          if (route.length > 1) svg.append(shape('polyline', { points: route.map((p) => `${p.x},${p.y}`).join(' '), class: 'route' }));
          const radius = width / 120;
          for (const p of marks) {
            const r = radius * 0.9;
            svg.append(titled(diamond(p.x, p.y, r),
              `plot ${p.f.name ?? p.id} (${p.id}), ${p.f.country ?? ''}`));
          }
          for (const p of facilities) {
            svg.append(titled(shape('circle', { cx: p.x, cy: p.y, r: radius }), `${p.f.name}, ${p.f.country} (${p.id})`));
            const label = shape('text', { x: p.x + radius * 1.5, y: p.y - radius, 'font-size': radius * 3.2 });
            label.textContent = p.f.name;
            svg.append(label);
          }
          document.getElementById('map').append(svg);
          renderPlots(plots);
        }

        // The plots the harvests came from, drawn to scale around them: their polygons, and each point plot as a
        // small diamond. Hectares are too small to see on the journey's map.
        function renderPlots(plots) {
          if (!plots.length) return;
          const all = plots.flatMap((p) => positions(p.geometry));
          const xs = all.map(([x]) => x), ys = all.map(([, y]) => -y);
          let [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
          const side = Math.max(right - left, bottom - top, 0.004) * 1.4;
          const width = side * 2, height = side;
          left = (left + right - width) / 2; top = (top + bottom - height) / 2;
          const svg = shape('svg', { viewBox: `${left} ${top} ${width} ${height}`, role: 'img', 'aria-label': 'the plots the goods came from' });
          for (const p of plots) {
            const drawn = plotShape(p.geometry, side / 25);
            if (!drawn) continue;
            drawn.dataset.plot = p.id;
            const area = p.f.area_ha ? `, ${p.f.area_ha} ha` : '';
            svg.append(titled(drawn, `${p.f.name ?? p.id} (${p.id})${area}, ${p.f.commodity ?? ''}, ${p.f.country ?? ''}`));
          }
          const names = plots.map((p) => `${p.f.name ?? p.id}${p.f.area_ha ? ` (${p.f.area_ha} ha)` : ''}`).join(', ');
          const figure = document.getElementById('plots');
          figure.append(el('figcaption', {}, `Where the harvests were grown: ${names}`), svg);
          figure.hidden = false;
        }

        function renderTransformations(history) {
          const list = document.getElementById('transformations');
          for (const event of history.events.filter((e) => e.kind === 'transform')) {
            const f = event.fields;
            list.append(el('li', {}, `${(f.input_lots ?? []).join(' + ')} → ${f.lot} (${f.product}) at ${place(history.facilities, f.facility)}`));
          }
          if (!list.children.length) list.append(el('li', { class: 'none' }, 'none'));
        }

        function renderCertificates(history) {
          const list = document.getElementById('certificates');
          const seen = new Set();
          for (const [id, facility] of Object.entries(history.facilities)) {
            if (!facility.certificate || seen.has(facility.certificate)) continue;
            seen.add(facility.certificate);
            const expires = facility.certificate_expires ? `, valid until ${facility.certificate_expires}` : '';
            list.append(el('li', {}, `${facility.certificate}: ${facility.name} (${id})${expires}`));
          }
          for (const event of history.events) {
            const certificate = event.fields.certificate;
            if (certificate && !seen.has(certificate)) {
              seen.add(certificate);
              list.append(el('li', {}, `${certificate}: claimed by ${event.signer}`));
            }
          }
          if (!list.children.length) list.append(el('li', { class: 'none' }, 'none claimed'));
        }

        // The anchored anomaly report that covers the lot, and whether a compliance officer confirmed a flag on it.
        async function renderDetection() {
          const response = await getJSON(`/v1/lots/${encodeURIComponent(subject)}/detection`);
          if (response.status !== 200) return;
          const detection = response.body;
          const text = document.getElementById('detection');
          if (!detection.report) {
            text.textContent = 'No anchored anomaly report covers this lot yet.';
          } else {
            const report = detection.report;
            text.textContent = `Checked by anomaly report ${report.digest.slice(0, 16)}…, anchored on ${report.anchored_at.slice(0, 10)} `
              + `at ledger index ${report.anchor_index} (events ${report.from_size} to ${report.to_size - 1}): `
              + (detection.confirmed_flag
                ? 'a compliance officer confirmed a flag on this lot.'
                : 'no confirmed flag on this lot.');
          }
          text.dataset.state = !detection.report ? 'uncovered' : detection.confirmed_flag ? 'confirmed' : 'clear';
          document.getElementById('detection-section').hidden = false;
        }

        async function verifyAll(history) {
          const checkpoint = await getJSON('/v1/checkpoint');
          if (checkpoint.status !== 200 || checkpoint.body.operator_key !== document.body.dataset.operatorKey) {
            setBadge('failed', "Verification failed: the ledger's checkpoint is not signed by the operator this page trusts");
            return;
          }
          const signatures = await ed25519Available(operatorKey);
          const failures = [];
          let size = 0;
          await pool(history.events, 6, async (event) => {
            const item = document.querySelector(`li[data-event-id="${event.id}"] .check`);
            const proof = await getJSON(`/v1/events/${event.id}/proof`);
            let result = proof.status === 200 ? await verifyBundle(proof.body, operatorKey, { signatures })
              : { ok: false, reason: proof.body?.error?.message ?? `HTTP ${proof.status}` };
            if (result.ok && result.eventID !== event.id) result = { ok: false, reason: 'the proof is for another event' };
            if (result.ok && !signatures) {
              const server = await getJSON(`/v1/events/${event.id}/verification`);
              if (!server.body?.verified) result = { ok: false, reason: server.body?.reason ?? 'the server could not verify the signatures' };
            }
            if (result.ok) size = Math.max(size, result.checkpoint.size);
            else failures.push({ event, reason: result.reason });
            item.textContent = result.ok ? '✓' : '✗';
            item.title = result.ok ? 'verified' : result.reason;
            item.classList.add(result.ok ? 'ok' : 'bad');
          });
          if (failures.length) {
            const first = failures[0];
            setBadge('failed', `Verification failed: ${first.reason} (event ${first.event.id.slice(0, 12)}…, ${failures.length} of ${history.events.length} events)`);
          } else if (signatures) {
            setBadge('verified', `Verified in your browser: ${history.events.length} events, their signatures and their inclusion in the ledger's signed checkpoint of ${size} events`);
          } else {
            setBadge('verified-server', `Verified: hashes and inclusion checked in your browser; signatures checked by the server (this browser has no Ed25519)`);
          }
          document.getElementById('ledger').textContent =
            `Ledger ${checkpoint.body.origin}, checkpoint of ${checkpoint.body.size} events, root ${checkpoint.body.root}; operator key ${checkpoint.body.verifier_key}`;
        }

        async function main() {
          document.getElementById('subject').textContent = subject;
          let history;
          try {
            history = await loadHistory();
          } catch (error) {
            setBadge('failed', `Cannot load the history: ${error.message}`);
            return;
          }
          if (!history) {
            document.getElementById('title').textContent = 'Not found';
            setBadge('failed', `No product or lot "${subject}" in this ledger`);
            return;
          }
          const first = history.events.find((e) => e.relation === 'subject') ?? history.events[0];
          // A registered product by its name, with its code and GTINs beside what was asked for.
          document.getElementById('title').textContent = history.product?.name ?? first?.fields.product ?? subject;
          if (history.product) {
            const names = [history.product.code, ...history.product.gtins.map((gtin) => `GTIN ${gtin}`)]
              .filter((name) => name !== subject);
            document.getElementById('subject').textContent = [subject, ...names].join(' · ');
          }
          document.getElementById('summary').textContent = history.kind === 'lot'
            ? `Lot ${subject}: ${history.page.total} events, made from ${history.upstream_lots.length} lots, went into ${history.downstream_lots.length}`
            : `Product ${subject}: ${history.page.total} events`;
          if (history.page.next !== null) {
            document.getElementById('summary').textContent += history.kind === 'lot'
              ? ` (the first ${history.events.length} shown)`
              : ` (the first ${history.events.length} shown, of ${history.lots.length} lots)`;
          }
          renderTimeline(history);
          renderMap(history);
          renderTransformations(history);
          renderCertificates(history);
          if (history.kind === 'lot') renderDetection().catch(() => {});
          await verifyAll(history);
        }

        main();
        """#
}
