/// `/assets/dashboard.js`: the compliance dashboard. The officer logs in by signing a challenge
/// with a key file that never leaves the browser, and each decision is a review event the browser
/// signs with that key.
enum DashboardScript {
    static let source = #"""
        import { base64Decode, base64Encode } from './verify.js';
        import { el, getJSON } from './common.js';

        const encoder = new TextEncoder();
        const session = { token: null, participant: null, role: null, key: null };

        function authorized(options = {}) {
          return { ...options, headers: { ...(options.headers ?? {}), Authorization: `Bearer ${session.token}` } };
        }

        async function postJSON(url, body, withToken = true) {
          const options = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
          return getJSON(url, withToken ? authorized(options) : options);
        }

        function message(response) {
          return response.body?.error?.message ?? `HTTP ${response.status}`;
        }

        // PKCS#8 PEM (as `openssl genpkey -algorithm ed25519` writes it) to a Web Crypto signing key.
        async function importKey(pem) {
          const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
          return crypto.subtle.importKey('pkcs8', base64Decode(body), { name: 'Ed25519' }, false, ['sign']);
        }

        async function sign(bytes) {
          return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, session.key, bytes));
        }

        async function login(event) {
          event.preventDefault();
          const error = document.getElementById('login-error');
          error.textContent = '';
          try {
            const participant = document.getElementById('participant').value.trim();
            const file = document.getElementById('key-file').files[0];
            if (!participant || !file) throw new Error('give your participant ID and your private key file (PEM)');
            session.key = await importKey(await file.text());
            const challenge = await postJSON('/v1/auth/challenge', { participant }, false);
            if (challenge.status !== 200) throw new Error(message(challenge));
            const signature = await sign(encoder.encode(challenge.body.challenge));
            const token = await postJSON('/v1/auth/token',
              { participant, challenge: challenge.body.challenge, signature: base64Encode(signature) }, false);
            if (token.status !== 200) throw new Error(message(token));
            Object.assign(session, { token: token.body.token, participant, role: token.body.role });
            if (!['compliance', 'auditor'].includes(session.role)) throw new Error(`participant ${participant} is ${session.role}; the dashboard is for compliance officers and auditors`);
            document.getElementById('login').hidden = true;
            document.getElementById('board').hidden = false;
            document.getElementById('who').textContent = `${participant} (${session.role})`;
            await refresh();
          } catch (failure) {
            error.textContent = `Login failed: ${failure.message}`;
          }
        }

        let flags = [];

        async function refresh() {
          const response = await getJSON('/v1/anomalies?limit=1000', authorized());
          const status = document.getElementById('board-status');
          if (response.status !== 200) {
            status.textContent = message(response);
            flags = [];
          } else {
            flags = response.body.items;
            status.textContent = `${response.body.page.total} flags in the latest report`;
          }
          const rules = new Set(flags.flatMap((f) => f.rules.map((r) => r.rule)));
          const ruleFilter = document.getElementById('rule-filter');
          const chosen = ruleFilter.value;
          ruleFilter.replaceChildren(el('option', { value: '' }, 'all rules'), el('option', { value: 'model' }, 'models only'),
            ...[...rules].sort().map((r) => el('option', { value: r }, r)));
          ruleFilter.value = chosen;
          renderFlags();
          renderDecisions();
          await loadReport();
        }

        function shownFlags() {
          const status = document.getElementById('status-filter').value;
          const rule = document.getElementById('rule-filter').value;
          const text = document.getElementById('search').value.trim().toLowerCase();
          return flags.filter((f) => (!status || f.status === status)
            && (!rule || (rule === 'model' ? f.rules.length === 0 : f.rules.some((r) => r.rule === rule)))
            && (!text || JSON.stringify(f).toLowerCase().includes(text)));
        }

        function renderFlags() {
          const body = document.getElementById('flags');
          const shown = shownFlags();
          body.replaceChildren(...shown.map((flag) => {
            const note = el('input', { type: 'text', class: 'note', placeholder: 'note (required)', 'aria-label': `note for ${flag.id}` });
            const actions = el('td', { class: 'actions' });
            if (session.role === 'compliance' && flag.status === 'open') {
              actions.append(note,
                el('button', { type: 'button', class: 'confirm', 'data-flag': flag.id }, 'Confirm'),
                el('button', { type: 'button', class: 'dismiss', 'data-flag': flag.id }, 'Dismiss'));
              actions.querySelector('.confirm').addEventListener('click', () => decide(flag, 'confirmed', note));
              actions.querySelector('.dismiss').addEventListener('click', () => decide(flag, 'dismissed', note));
            } else {
              actions.append(el('span', { class: `status ${flag.status}` }, flag.status));
            }
            const rules = el('div', { class: 'rules' }, ...(flag.rules.length ? flag.rules.map((r) => el('span', { class: 'rule' }, r.rule))
              : [el('span', { class: 'rule model' }, 'models')]));
            const reasons = el('ul', { class: 'reasons' }, ...flag.reasons.map((r) => el('li', {}, r)));
            const records = flag.records.map((r) => r.record_id).join(', ');
            return el('tr', { 'data-flag-id': flag.id, 'data-status': flag.status },
              el('td', { class: 'score' }, flag.score),
              el('td', {}, el('code', {}, flag.id), el('div', { class: 'subject' }, flag.subject)),
              el('td', {}, rules, reasons, el('div', { class: 'records' }, `records ${records}; parties ${flag.parties.join(', ')}`)),
              actions);
          }));
          document.getElementById('shown').textContent = `${shown.length} shown`;
        }

        function renderDecisions() {
          const list = document.getElementById('decisions');
          const decisions = flags.flatMap((f) => f.reviews.map((r) => ({ flag: f.id, ...r })))
            .sort((a, b) => b.index - a.index);
          list.replaceChildren(...decisions.map((d) =>
            el('li', { 'data-flag-id': d.flag }, `${d.occurred_at.replace('T', ' ')} · ${d.officer} ${d.decision} `, el('code', {}, d.flag),
              `: ${d.note} (event ${d.event_id.slice(0, 12)}…)`)));
          if (!decisions.length) list.append(el('li', { class: 'none' }, 'no decisions yet'));
        }

        async function decide(flag, decision, noteInput) {
          const status = document.getElementById('board-status');
          const note = noteInput.value.trim();
          if (!note) {
            status.textContent = `Write a note for ${flag.id} first: the decision is signed with it.`;
            noteInput.focus();
            return;
          }
          const prepared = await postJSON(`/v1/anomalies/${flag.id}/review/statement`, { decision, note });
          if (prepared.status !== 200) { status.textContent = message(prepared); return; }
          const signature = await sign(base64Decode(prepared.body.statement));
          const recorded = await postJSON(`/v1/anomalies/${flag.id}/review`, {
            statement: prepared.body.statement, signature: base64Encode(signature), disclosures: prepared.body.disclosures });
          if (recorded.status !== 201 && recorded.status !== 200) { status.textContent = message(recorded); return; }
          await refresh();
          status.textContent = `${flag.id} ${decision}: signed review event ${recorded.body.event_id.slice(0, 16)}… at index ${recorded.body.index}`;
        }

        let reportURL = null;

        async function loadReport() {
          const reports = await getJSON('/v1/reports?limit=1', authorized());
          const latest = reports.body?.items?.[0];
          if (!latest) return;
          const html = await fetch(`/v1/reports/${latest.digest}/html`, authorized());
          if (!html.ok) return;
          if (reportURL) URL.revokeObjectURL(reportURL);
          reportURL = URL.createObjectURL(new Blob([await html.text()], { type: 'text/html' }));
          const frame = document.getElementById('report');
          frame.src = reportURL;
          document.getElementById('report-title').textContent =
            `Report ${latest.digest.slice(0, 16)}… (${latest.pipeline}, events ${latest.from_size}–${latest.to_size}, anchored at index ${latest.anchor_index})`;
        }

        document.getElementById('login-form').addEventListener('submit', login);
        for (const id of ['status-filter', 'rule-filter', 'search']) {
          for (const type of ['input', 'change']) document.getElementById(id).addEventListener(type, renderFlags);
        }
        """#
}
