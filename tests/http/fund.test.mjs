// fund: the Trust Fund's money over HTTP (issue 8, part L; docs/fund.md): exchange rates (set, CSV
// import all or nothing with file:line:field errors), donors (an anonymous donor is anonymous to
// readers without fund.write), pledges and receipts converted at their date's rate (numbered
// FUND-YYYY-NNNN, partial payment, exchange difference, reversal, write-off), the PDF
// acknowledgement, the ledger, balances and statements (JSON, CSV, XLSX, PDF); and a generated
// year in five currencies (`ctis fund generate`) after which every monthly statement and the
// year's balance, the year is the sum of its months, and the cash equals the receipts' USD
// amounts (from the receipts) less the disbursements, to the cent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eachEngine, isErrorShape, startServer } from './lib.mjs';

function assertError(r, status, code, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${r.text}`);
    assert.ok(isErrorShape(r.json), r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

eachEngine((engine) => {
    let s, manager, trustee, auditor, cw;

    before(async () => {
        s = await startServer({ engine });
        manager = await s.clientFor(s.addUser({ agency: 'A', role: 'fund_manager', scope: 'all' }));
        trustee = await s.clientFor(s.addUser({ agency: 'A', role: 'trustee', scope: 'all' }));
        auditor = await s.clientFor(s.addUser({ agency: 'A', role: 'auditor', scope: 'all' }));
        cw = await s.clientFor(s.addUser({ agency: 'A', role: 'caseworker', scope: 'own' }));
    });
    after(async () => {
        await s?.stop();
    });

    describe('rates, donors, pledges, receipts, statements', () => {
        let fra, anon, pledge, r1, r2;
        it('rates: set, import (all or nothing, errors name file, line and field), list', async () => {
            let r = await manager.post('/api/v1/fund/rates', { currency: 'EUR', date: '2026-01-01', rate: '1.1000', source: 'test' });
            assert.equal(r.status, 200, r.text);
            assertError(await manager.post('/api/v1/fund/rates', { currency: 'EUR', date: '2026-01-01', rate: '-1' }), 400, 'invalid', 'rate');
            assertError(await trustee.post('/api/v1/fund/rates', { currency: 'EUR', date: '2026-01-01', rate: '1' }), 403, 'forbidden');
            const csv = 'currency,date,rate,source\nEUR,2026-03-01,1.05,ECB\nKWD,2026-01-01,3.25,CBK\nKWD,2026-01-02,3.2x,CBK\n';
            r = await manager.request('POST', '/api/v1/fund/rates/import?name=rates.csv', { body: csv, headers: { 'Content-Type': 'text/csv' } });
            assertError(r, 400, 'invalid', 'rate');
            assert.match(r.json.error.message, /rates\.csv:4: rate/);
            r = await manager.get('/api/v1/fund/rates?currency=KWD');
            assert.equal(r.json.items.length, 0);
            r = await manager.request('POST', '/api/v1/fund/rates/import?name=rates.csv', { body: csv.replace('3.2x', '3.26'), headers: { 'Content-Type': 'text/csv' } });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.imported, 3);
            r = await auditor.get('/api/v1/fund/rates?currency=EUR');
            assert.deepEqual(r.json.items.map((x) => x.rate), ['1.1', '1.05']);
        });
        it('donors: kinds, anonymous to readers without fund.write', async () => {
            let r = await manager.post('/api/v1/fund/donors', { kind: 'member_state', name: 'France', country: 'FRA', language: 'fr' });
            assert.equal(r.status, 201, r.text);
            fra = r.json.id;
            r = await manager.post('/api/v1/fund/donors', { kind: 'private_sector', name: 'Quiet Shipping Ltd', anonymous: true });
            anon = r.json.id;
            assertError(await manager.post('/api/v1/fund/donors', { kind: 'member_state', name: 'Nowhere' }), 400, 'invalid', 'country');
            assertError(await cw.post('/api/v1/fund/donors', { kind: 'member_state' }), 403, 'forbidden');
            r = await trustee.get('/api/v1/fund/donors');
            assert.equal(r.json.items.find((d) => d.id === anon).name, 'Anonymous donor');
            r = await manager.get(`/api/v1/fund/donors/${anon}`);
            assert.equal(r.json.name, 'Quiet Shipping Ltd');
        });
        it('a pledge, two receipts (the second at another rate), numbered without gaps', async () => {
            let r = await manager.post('/api/v1/fund/pledges', { donor_id: fra, date: '2026-02-10', currency: 'EUR', amount: '100,000.00', earmark: 'country:NGA' });
            assert.equal(r.status, 201, r.text);
            pledge = r.json.id;
            assert.equal(r.json.status, 'open');
            assert.equal(r.json.usd_cents, 11000000);
            assert.equal(r.json.rate_date, '2026-01-01');
            assertError(await manager.post('/api/v1/fund/pledges', { donor_id: fra, date: '2025-12-01', currency: 'EUR', amount: '5' }), 400, 'invalid', 'date');
            r = await manager.post('/api/v1/fund/receipts', { donor_id: fra, pledge_id: pledge, date: '2026-02-20', currency: 'EUR', amount: '40000', bank_reference: 'BNP-1' });
            assert.equal(r.status, 201, r.text);
            r1 = r.json;
            assert.equal(r1.number, 'FUND-2026-0001');
            assert.equal(r1.usd_cents, 4400000);
            assertError(await manager.post('/api/v1/fund/receipts', { donor_id: fra, pledge_id: pledge, date: '2026-03-15', currency: 'EUR', amount: '60000.01' }), 400, 'invalid', 'amount');
            r = await manager.post('/api/v1/fund/receipts', { donor_id: fra, pledge_id: pledge, date: '2026-03-15', currency: 'EUR', amount: '60000' });
            r2 = r.json;
            assert.equal(r2.number, 'FUND-2026-0002');
            assert.equal(r2.usd_cents, 6300000);
            assert.equal(r2.fx_cents, -300000);
            r = await auditor.get(`/api/v1/fund/pledges?donor_id=${fra}`);
            assert.equal(r.json.items[0].status, 'paid');
            r = await manager.post('/api/v1/fund/receipts', { donor_id: anon, date: '2026-04-01', currency: 'KWD', amount: '1000.125' });
            assert.equal(r.status, 201, r.text);
            assert.equal(r.json.number, 'FUND-2026-0003');
            assert.equal(r.json.usd_cents, 326041); // 1000.125 x 3.26 = 3260.4075 -> 3260.41
            const rev = await manager.post(`/api/v1/fund/receipts/${r.json.id}/reverse`, { date: '2026-04-02', reason: 'entered twice' });
            assert.equal(rev.status, 200, rev.text);
            assert.equal(rev.json.status, 'reversed');
            assert.equal(rev.json.number, 'FUND-2026-0003');
            assertError(await manager.post(`/api/v1/fund/receipts/${r.json.id}/reverse`, { date: '2026-04-02' }), 409, 'conflict');
        });
        it('the acknowledgement PDF in the donor\'s language and in Arabic', async () => {
            let r = await manager.get(`/api/v1/fund/receipts/${r1.id}.pdf`);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.headers.get('content-type'), 'application/pdf');
            assert.ok(r.text.startsWith('%PDF'));
            r = await trustee.get(`/api/v1/fund/receipts/${r1.id}.pdf?lang=ar`);
            assert.equal(r.status, 200);
            assertError(await cw.get(`/api/v1/fund/receipts/${r1.id}.pdf`), 403, 'forbidden');
            assertError(await manager.get('/api/v1/fund/receipts/999.pdf'), 404, 'not_found');
        });
        it('the ledger, balances and the statement (JSON, CSV, XLSX, PDF)', async () => {
            let r = await auditor.get('/api/v1/fund/ledger?from=2026-01-01&to=2026-12-31');
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.count, 5); // pledge, two receipts, a receipt and its reversal
            const reversal = r.json.items.find((e) => e.kind === 'reversal');
            assert.ok(r.json.items.find((e) => e.id === reversal.reverses_id).reversed_by === reversal.id);
            r = await auditor.get('/api/v1/fund/balances');
            assert.equal(r.json.balanced, true);
            assert.equal(r.json.accounts.find((a) => a.account === 'cash').closing_cents, 4400000 + 6300000);
            r = await trustee.get('/api/v1/fund/statement?from=2026-01-01&to=2026-06-30');
            assert.equal(r.status, 200, r.text);
            const st = r.json;
            assert.equal(st.balanced, true);
            assert.equal(st.contributions_cents, 11000000);
            assert.equal(st.fx_differences_cents, -300000);
            assert.equal(st.cash_closing_cents, 10700000);
            assert.equal(st.closing_balance_cents, st.opening_balance_cents + st.contributions_cents - st.grant_expense_cents + st.fx_differences_cents);
            assert.equal(st.contributions_by_kind.find((k) => k.kind === 'member_state').earmarked_cents, 11000000);
            r = await trustee.get('/api/v1/fund/statement.csv?from=2026-01-01&to=2026-06-30&lang=es');
            assert.equal(r.status, 200);
            assert.match(r.headers.get('content-type'), /text\/csv/);
            assert.match(r.text, /Estado financiero del Fondo/);
            r = await trustee.get('/api/v1/fund/statement.xlsx?from=2026-01-01&to=2026-06-30&lang=ar');
            assert.equal(r.status, 200);
            assert.ok(r.text.startsWith('PK'));
            r = await auditor.get('/api/v1/fund/statement.pdf?from=2026-01-01&to=2026-06-30&lang=zh');
            assert.equal(r.status, 200);
            assert.ok(r.text.startsWith('%PDF'));
            assertError(await trustee.get('/api/v1/fund/statement?from=2026-01-01'), 400, 'invalid', 'to');
            assertError(await trustee.get('/api/v1/fund/statement?from=2026-07-01&to=2026-01-01'), 400, 'invalid', 'to');
            assertError(await cw.get('/api/v1/fund/statement?from=2026-01-01&to=2026-06-30'), 403, 'forbidden');
        });
        it('a pledge paid in part and written off: the receivable is cleared, the contribution reduced', async () => {
            let r = await manager.post('/api/v1/fund/pledges', { donor_id: anon, date: '2026-07-01', currency: 'KWD', amount: '10,000.000' });
            assert.equal(r.status, 201, r.text);
            const p = r.json;
            assert.equal(p.usd_cents, 3260000);
            r = await manager.post('/api/v1/fund/receipts', { donor_id: anon, pledge_id: p.id, date: '2026-07-10', currency: 'KWD', amount: '2500.125' });
            assert.equal(r.status, 201, r.text);
            assert.equal((await auditor.get(`/api/v1/fund/pledges/${p.id}`)).json.status, 'partly_paid');
            assertError(await auditor.post(`/api/v1/fund/pledges/${p.id}/write-off`, { date: '2026-12-01' }), 403, 'forbidden');
            r = await manager.post(`/api/v1/fund/pledges/${p.id}/write-off`, { date: '2026-12-01', reason: 'balance withdrawn' });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.status, 'written_off');
            assertError(await manager.post(`/api/v1/fund/pledges/${p.id}/write-off`, { date: '2026-12-02' }), 409, 'conflict');
            const st = (await trustee.get('/api/v1/fund/statement?from=2026-07-01&to=2026-12-31')).json;
            assert.equal(st.balanced, true);
            assert.equal(st.pledges_receivable_closing_cents, 0);
            assert.equal(st.contributions_cents, 815041); // 2,500.125 KWD at 3.26 = 8,150.4075 -> 8,150.41
        });
    });

    describe('a generated year in five currencies', () => {
        let sum;
        it('ctis fund generate makes a year of activity', () => {
            const r = s.cliOk(['fund', 'generate', '--year', '2025', '--seed', '11', '--json']);
            sum = r.json;
            assert.ok(sum.receipts >= 15 && sum.reversed >= 2 && sum.disbursements >= 4, JSON.stringify(sum));
        });
        it('every month balances, opens where the last closed, and the months add up to the year', async () => {
            const members = ['contributions_cents', 'grant_expense_cents', 'fx_differences_cents', 'receipts_cents', 'disbursements_cents'];
            const total = Object.fromEntries(members.map((m) => [m, 0]));
            let prevClose = 0;
            let prevCash = 0;
            for (let m = 1; m <= 12; m++) {
                const mm = String(m).padStart(2, '0');
                const r = await auditor.get(`/api/v1/fund/statement?from=2025-${mm}-01&to=2025-${mm}-${DAYS[m - 1]}`);
                assert.equal(r.status, 200, r.text);
                assert.equal(r.json.balanced, true, `month ${m}: ${JSON.stringify(r.json.checks)}`);
                assert.equal(r.json.trial_balance.debits_cents, r.json.trial_balance.credits_cents);
                assert.equal(r.json.opening_balance_cents, prevClose);
                assert.equal(r.json.cash_opening_cents, prevCash);
                prevClose = r.json.closing_balance_cents;
                prevCash = r.json.cash_closing_cents;
                for (const k of members) total[k] += r.json[k];
            }
            const y = (await auditor.get('/api/v1/fund/statement?from=2025-01-01&to=2025-12-31')).json;
            assert.equal(y.balanced, true);
            for (const k of members) assert.equal(y[k], total[k], k);
            assert.equal(y.closing_balance_cents, prevClose);
            // The cash: the receipts' USD amounts, from the receipts themselves, less the disbursements.
            const rs = (await auditor.get('/api/v1/fund/receipts?from=2025-01-01&to=2025-12-31')).json.items;
            const received = rs.filter((x) => x.status === 'valid').reduce((a, x) => a + x.usd_cents, 0);
            assert.deepEqual(new Set(rs.map((x) => x.currency)), new Set(['USD', 'EUR', 'JPY', 'KWD', 'CHF']));
            assert.equal(received, sum.receipts_usd_cents);
            assert.equal(y.cash_closing_cents, received - sum.disbursements_usd_cents);
            assert.equal(y.disbursements_cents, sum.disbursements_usd_cents);
            // No transaction in 2025 before this part's own 2026 ones: the 2025 year closes where 2026 opens.
            const next = (await auditor.get('/api/v1/fund/statement?from=2026-01-01&to=2026-12-31')).json;
            assert.equal(next.opening_balance_cents, y.closing_balance_cents);
            assert.equal(next.balanced, true);
        });
    });
});
