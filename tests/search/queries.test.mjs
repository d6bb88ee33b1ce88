// Query suite for fixbook's search, run against the REAL index of the
// shipped guide: `node --test tests/search/`.
// FIXBOOK_SITE=<built site dir> (set by tests/search.rs); without it the
// site is built here with `cargo run -q -- build . -d <tmp>`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);
const core = require(join(repo, 'themes', 'js', 'fixbook-search.js'));

let site = process.env.FIXBOOK_SITE;
if (!site) {
    site = join(mkdtempSync(join(tmpdir(), 'fixbook-search-')), 'site');
    execFileSync('cargo', ['run', '-q', '--', 'build', '.', '-d', site], { cwd: repo, stdio: 'inherit' });
}
const sandbox = { window: {} };
vm.runInNewContext(readFileSync(join(site, 'fixbook-search-index.js'), 'utf8'), sandbox);
const raw = sandbox.window.fixbookSearchIndex;
const index = core.prepare(raw);

const search = (q) => core.search(index, q).results;
const urls = (q) => search(q).map((r) => r.url);
const pages = (q) => [...new Set(search(q).map((r) => r.url.split('#')[0]))];
// The folded text a result was found in (page title + section title + text).
const haystack = (r) => core.fold(r.page + '\n' + r.section + '\n' + r.doc.text);

test('the index is the real guide, with its synonyms', () => {
    assert.equal(raw.lang, 'ja');
    assert.ok(raw.pages.length >= 40, `only ${raw.pages.length} pages`);
    assert.ok(raw.docs.length >= 150, `only ${raw.docs.length} sections`);
    assert.ok(raw.synonyms.some((g) => g.includes('サーバ') && g.includes('サーバー')));
    assert.ok(raw.synonyms.some((g) => g.includes('apple id') && g.includes('apple account')));
    // Section anchors point at real ids of the pages.
    const withAnchor = raw.docs.filter((d) => d[1] !== '');
    assert.ok(withAnchor.length > 50);
    for (const d of withAnchor.slice(0, 40)) {
        const [url] = raw.pages[d[0]];
        const html = readFileSync(join(site, url), 'utf8');
        assert.ok(html.includes(`id="${d[1]}"`), `${url}#${d[1]} has no such id`);
    }
});

test('確認コード finds the glossary entry and the two-factor fixes', () => {
    const r = search('確認コード');
    assert.ok(r.length >= 5);
    assert.ok(r.every((x) => haystack(x).includes('確認コード') || haystack(x).includes('認証コード') || haystack(x).includes('検証コード')));
    assert.ok(urls('確認コード').includes('glossary.html#verification-code'));
    assert.ok(pages('確認コード').includes('iphone-ipad/iphone-two-factor.html'));
    // Title hits first.
    assert.ok(r[0].titleHits > 0);
});

test('再起動 finds the restart fixes on every platform, title hits first', () => {
    const p = pages('再起動');
    for (const u of ['iphone-ipad/iphone-restart.html', 'mac/mac-restart.html', 'windows/windows-restart.html']) {
        assert.ok(p.includes(u), `${u} missing from ${p.slice(0, 10)}`);
    }
    const r = search('再起動');
    const firstNonTitle = r.findIndex((x) => x.titleHits === 0);
    if (firstNonTitle >= 0) {
        assert.ok(r.slice(firstNonTitle).every((x) => x.titleHits === 0), 'title hits are not all first');
    }
});

test('サインアウト never matches a section that only has サインイン (+ タイムアウト)', () => {
    const r = search('サインアウト');
    assert.ok(r.length > 0);
    for (const x of r) {
        const h = haystack(x);
        assert.ok(h.includes('サインアウト') || h.includes('ログアウト'), `${x.url} has no サインアウト`);
    }
    // Sections with サインイン but without サインアウト/ログアウト exist, and are not found.
    const only = index.docs.filter((d) => d.low.includes('サインイン') && !(d.page.low + d.ltitle + d.low).includes('サインアウト') && !(d.page.low + d.ltitle + d.low).includes('ログアウト'));
    assert.ok(only.length > 10);
    const found = new Set(r.map((x) => x.doc.i));
    assert.ok(only.every((d) => !found.has(d.i)));
});

test('日付と時刻 finds the date and time fixes and cause', () => {
    const p = pages('日付と時刻');
    assert.ok(p.includes('causes/wrong-date-time.html'));
    assert.ok(p.includes('mac/mac-date-time.html'));
    assert.ok(search('日付と時刻').every((x) => haystack(x).includes('日付と時刻')));
});

test('DNS (Latin) matches as a word, ＤＮＳ (full-width) is the same query', () => {
    assert.ok(urls('DNS').includes('glossary.html#dns'));
    assert.ok(pages('DNS').includes('mac/mac-dns.html'));
    assert.deepEqual(urls('ＤＮＳ'), urls('DNS'));
    assert.deepEqual(urls('dns'), urls('DNS'));
    // Word start: "dns" is not found inside another word.
    for (const x of search('DNS')) {
        assert.match(haystack(x), /(^|[^a-z0-9])dns/);
    }
});

test('ＶＰＮ (full-width) finds VPN pages', () => {
    assert.ok(urls('ＶＰＮ').includes('glossary.html#vpn'));
    assert.ok(pages('ＶＰＮ').includes('iphone-ipad/iphone-vpn-profiles.html'));
    assert.deepEqual(urls('ＶＰＮ'), urls('vpn'));
});

test('half-width katakana is folded: ﾊﾟｽﾜｰﾄﾞ = パスワード', () => {
    assert.ok(search('パスワード').length > 0);
    assert.deepEqual(urls('ﾊﾟｽﾜｰﾄﾞ'), urls('パスワード'));
});

test('two words are ANDed', () => {
    const both = search('Mac 再起動');
    assert.ok(both.length > 0);
    for (const x of both) {
        const h = haystack(x);
        assert.ok(h.includes('mac') && h.includes('再起動'), x.url);
    }
    assert.ok(both.length < search('再起動').length);
    assert.equal(both[0].url.split('#')[0], 'mac/mac-restart.html');
    // Full-width space between the words works the same.
    assert.deepEqual(urls('Mac　再起動'), urls('Mac 再起動'));
});

test('a query with no result returns nothing', () => {
    assert.deepEqual(search('量子コンピュータ'), []);
    assert.deepEqual(search('zzzqqq'), []);
    assert.deepEqual(search('再起動 量子コンピュータ'), []);
    assert.deepEqual(search('   '), []);
});

test('サーバ finds サーバー, and サーバー finds pages that only write サーバ', () => {
    const onlyShort = index.docs.filter((d) => d.low.replace(/サーバー/g, '').includes('サーバ') && !d.low.includes('サーバー'));
    assert.ok(onlyShort.length > 0, 'the guide should write サーバ somewhere');
    const long = new Set(search('サーバー').map((r) => r.doc.i));
    assert.ok(onlyShort.some((d) => long.has(d.i)), 'サーバー misses サーバ');
    const short = search('サーバ');
    assert.ok(short.some((x) => haystack(x).includes('サーバー')), 'サーバ misses サーバー');
    // サーバー接続 (one word with a synonym inside) also finds サーバへの接続 pages.
    assert.deepEqual(core.expand(index, 'サーバー接続').sort(), ['サーバー接続', 'サーバ接続'].sort());
});

test('Apple ID finds Apple Account (a synonym written with a space)', () => {
    assert.deepEqual(core.parseQuery(index, 'Apple ID'), ['apple id']);
    const r = search('Apple ID');
    const onlyAccount = r.filter((x) => {
        const h = haystack(x);
        return h.includes('apple account') && !/apple\s*id/.test(h);
    });
    assert.ok(onlyAccount.length > 0, 'no section with only "Apple Account" found');
    assert.ok(urls('Apple ID').includes('glossary.html#apple-account'));
    // Written without the space, and in full width.
    assert.ok(urls('AppleID').includes('glossary.html#apple-account'));
    assert.deepEqual(urls('AppleID').slice(0, 3), urls('Apple ID').slice(0, 3));
    assert.deepEqual(urls('Ａｐｐｌｅ ＩＤ'), urls('Apple ID'));
});

test('other declared synonyms: ログイン finds サインイン', () => {
    const r = search('ログイン');
    assert.ok(r.some((x) => !haystack(x).includes('ログイン') && haystack(x).includes('サインイン')));
});

test('a whole message, pasted with its 「」, finds its entry', () => {
    const r = search('「認証中にエラーが発生しました」');
    assert.ok(r.length > 0);
    assert.ok(urls('「認証中にエラーが発生しました」').includes('messages.html#auth-error-retry'));
});

test('snippets are escaped HTML with the hits in <mark>', () => {
    const r = search('再起動')[0];
    const s = core.snippet(r.doc.text, r.hits);
    assert.match(s, /<mark>再起動<\/mark>/);
    const text = '前<img src=x onerror=alert(1)>再起動&"\'後';
    const at = text.indexOf('再起動');
    const evil = core.snippet(text, [[at, at + 3]]);
    assert.ok(!evil.includes('<img'), evil);
    assert.ok(evil.includes('&lt;img src=x onerror=alert(1)&gt;'), evil);
    assert.ok(evil.includes('<mark>再起動</mark>&amp;&quot;&#39;'), evil);
    // Only <mark> tags remain once the text is taken out.
    assert.deepEqual(s.match(/<[^>]*>/g).filter((t) => !/^<\/?mark>$/.test(t)), []);
});

test('results carry page, section and URL; at most 3 sections per page', () => {
    const r = search('手順');
    const count = new Map();
    for (const x of r) {
        assert.ok(x.page.length > 0);
        assert.ok(/\.html(#[\w-]+)?$/.test(x.url), x.url);
        count.set(x.doc.page, (count.get(x.doc.page) || 0) + 1);
    }
    assert.ok([...count.values()].every((n) => n <= 3));
});

test('the troubleshooter checklists are not indexed (they repeat the fixes), its index is', () => {
    assert.ok(raw.pages.every(([u]) => !/^troubleshoot\/.+-.+\.html$/.test(u) || u === 'troubleshoot/index.html'));
    assert.ok(raw.pages.some(([u]) => u === 'troubleshoot/index.html'));
});
