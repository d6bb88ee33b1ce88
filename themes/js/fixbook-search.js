// fixbook search: finds Japanese (and Latin words) in the guide, offline.
//
// mdBook's own engine (elasticlunr) drops every non-ASCII character, so it
// finds no Japanese. This script keeps mdBook's search box and button and
// replaces the engine:
// - the index (`fixbook-search-index.js`, generated at build time) is a
//   classic script loaded on first use, so it works from file://;
// - text and queries are NFKC-normalised and lowercased (ＤＮＳ = DNS,
//   ﾊﾟｽﾜｰﾄﾞ = パスワード);
// - candidates come from character bigrams, then every candidate is checked by
//   exact substring (サインアウト does not match サインイン + タイムアウト);
// - Latin words match whole words or word prefixes (DNS, VPN, Wi-Fi);
// - synonyms declared in the guide are expanded (サーバ = サーバー);
// - several words are ANDed; results with hits in titles come first;
// - snippets are built from escaped text only.
// See docs/search.md. The core (everything but `ui`) also runs under Node
// for tests: `require('themes/js/fixbook-search.js')`.
(function (root) {
    'use strict';

    const MAX_RESULTS = 30;
    const PER_PAGE = 3;
    const SNIPPET_BEFORE = 24;
    const SNIPPET_LENGTH = 110;

    // NFKC, then lowercase each character when that keeps its length (the
    // same fold as `search::fold` in the generator), so that positions in
    // the folded text are positions in the displayed text.
    function lower(s) {
        let out = '';
        for (const ch of s) {
            const l = ch.toLowerCase();
            out += l.length === ch.length ? l : ch;
        }
        return out;
    }
    function fold(s) {
        return lower(String(s).normalize('NFKC'));
    }

    function reEscape(s) {
        return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }

    function escapeHtml(s) {
        return String(s).replace(/[&<>"']/g, function (c) {
            return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }[c];
        });
    }

    function bigrams(s) {
        const out = [];
        for (let i = 0; i + 1 < s.length; i++) {
            out.push(s.substr(i, 2));
        }
        return out;
    }

    // Quotes readers copy along with a message: 「…」, "…".
    const QUOTES = /[「」『』"“”‘’'()\[\]【】〈〉《》]/g;

    // Prepare a raw index (the value of window.fixbookSearchIndex).
    function prepare(raw) {
        const t0 = now();
        const pages = raw.pages.map(function (p) {
            return { url: p[0], title: p[1], low: lower(p[1]) };
        });
        const docs = raw.docs.map(function (d, i) {
            const page = pages[d[0]];
            return {
                i: i,
                page: page,
                url: page.url + (d[1] ? '#' + d[1] : ''),
                title: d[2],
                text: d[3],
                ltitle: lower(d[2]),
                low: lower(d[3]),
            };
        });
        // Bigram → ids of the docs (page title + section title + text).
        const post = new Map();
        for (const d of docs) {
            const all = d.page.low + '\n' + d.ltitle + '\n' + d.low;
            for (let k = 0; k + 1 < all.length; k++) {
                const g = all.substr(k, 2);
                let list = post.get(g);
                if (!list) {
                    list = [];
                    post.set(g, list);
                }
                if (list[list.length - 1] !== d.i) {
                    list.push(d.i);
                }
            }
        }
        const groups = (raw.synonyms || []).map(function (g) {
            return g.map(fold);
        });
        return {
            docs: docs,
            post: post,
            groups: groups,
            lang: raw.lang,
            prepareMs: now() - t0,
        };
    }

    // Query → terms. Synonyms written with a space ("apple id") stay one
    // term; everything else splits on white space.
    function parseQuery(index, q) {
        let s = ' ' + fold(q).replace(QUOTES, ' ').replace(/\s+/g, ' ').trim() + ' ';
        const terms = [];
        const phrases = [];
        for (const g of index.groups) {
            for (const m of g) {
                if (m.indexOf(' ') >= 0) {
                    phrases.push(m);
                }
            }
        }
        phrases.sort(function (a, b) { return b.length - a.length; });
        for (const p of phrases) {
            let at;
            while ((at = s.indexOf(' ' + p + ' ')) >= 0) {
                terms.push(p);
                s = s.slice(0, at) + ' ' + s.slice(at + p.length + 2);
            }
        }
        for (const w of s.split(' ')) {
            if (w && terms.indexOf(w) < 0) {
                terms.push(w);
            }
        }
        return terms;
    }

    // One term → the strings that count as it (itself, then synonyms).
    function expand(index, term) {
        const alts = [term];
        const add = function (x) {
            if (alts.indexOf(x) < 0 && alts.length < 24) {
                alts.push(x);
            }
        };
        const flat = term.replace(/ /g, '');
        for (const g of index.groups) {
            // The whole term is a synonym (also written without its space).
            const same = g.find(function (m) { return m.replace(/ /g, '') === flat; });
            if (same !== undefined) {
                // As written in the guide first ("apple id" for "appleid").
                alts[0] = same;
                g.forEach(add);
                add(term);
                continue;
            }
            // A synonym inside the term: replace it by the others. The
            // longest member wins where two start at the same place
            // (サーバー, not サーバ + ー).
            const members = g.slice().sort(function (a, b) { return b.length - a.length; });
            const snapshot = alts.slice();
            for (const a of snapshot) {
                for (const m of members) {
                    const at = a.indexOf(m);
                    if (at < 0) {
                        continue;
                    }
                    for (const o of g) {
                        if (o !== m) {
                            add(a.slice(0, at) + o + a.slice(at + m.length));
                        }
                    }
                    break;
                }
            }
        }
        return alts;
    }

    // A matcher for one alternative: Latin words match at a word start
    // (prefix), spaces inside may be missing or doubled; anything else is a
    // plain substring.
    function matcher(alt) {
        const parts = alt.split(' ').filter(Boolean);
        const body = parts.map(reEscape).join('\\s*');
        const start = /^[a-z0-9]/.test(alt) ? '(?<![a-z0-9])' : '';
        return {
            alt: alt,
            grams: parts.flatMap(bigrams),
            re: new RegExp(start + body, 'g'),
        };
    }

    function intersect(a, b) {
        const out = [];
        let i = 0;
        let j = 0;
        while (i < a.length && j < b.length) {
            if (a[i] === b[j]) {
                out.push(a[i]);
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return out;
    }

    // Ids of docs that may contain `m` (all docs for one-character words).
    function candidates(index, m) {
        if (m.grams.length === 0) {
            return null;
        }
        let ids = null;
        for (const g of m.grams) {
            const list = index.post.get(g);
            if (!list) {
                return [];
            }
            ids = ids === null ? list : intersect(ids, list);
            if (ids.length === 0) {
                return ids;
            }
        }
        return ids;
    }

    function ranges(re, s) {
        const out = [];
        re.lastIndex = 0;
        let m;
        while ((m = re.exec(s)) !== null) {
            if (m[0].length === 0) {
                re.lastIndex++;
                continue;
            }
            out.push([m.index, m.index + m[0].length]);
        }
        return out;
    }

    // Search: returns ranked results
    // { url, page, section, score, titleHits, hits: [[from, to]...], doc }.
    function search(index, q) {
        const terms = parseQuery(index, q);
        if (terms.length === 0) {
            return { terms: terms, results: [] };
        }
        const perTerm = terms.map(function (t) {
            return expand(index, t).map(matcher);
        });
        // Candidates: AND over terms, OR over a term's alternatives.
        let ids = null;
        for (const ms of perTerm) {
            let union = new Set();
            let all = false;
            for (const m of ms) {
                const c = candidates(index, m);
                if (c === null) {
                    all = true;
                    break;
                }
                c.forEach(function (x) { union.add(x); });
            }
            const list = all ? null : Array.from(union).sort(function (a, b) { return a - b; });
            if (list !== null) {
                ids = ids === null ? list : intersect(ids, list);
            }
        }
        const docs = ids === null ? index.docs : ids.map(function (i) { return index.docs[i]; });
        const results = [];
        for (const d of docs) {
            let score = 0;
            let titleHits = 0;
            const hits = [];
            let ok = true;
            for (let ti = 0; ti < perTerm.length && ok; ti++) {
                let found = false;
                let inTitle = 0;
                let tf = 0;
                perTerm[ti].forEach(function (m, ai) {
                    const inSection = ranges(m.re, d.ltitle).length > 0;
                    const inPage = ranges(m.re, d.page.low).length > 0;
                    const r = ranges(m.re, d.low);
                    if (inSection || inPage || r.length) {
                        found = true;
                        // The reader's own word counts a little more than a synonym.
                        const w = ai === 0 ? 1 : 0.8;
                        inTitle = Math.max(inTitle, inSection ? 2 * w : inPage ? 1 * w : 0);
                        tf += r.length * w;
                        r.forEach(function (x) { hits.push(x); });
                    }
                });
                if (!found) {
                    ok = false;
                    break;
                }
                if (inTitle > 0) {
                    titleHits++;
                }
                // BM25-like saturation, titles first.
                score += 10 * inTitle + 3 * tf / (tf + 1.2) - 0.0005 * d.low.length;
            }
            if (ok) {
                results.push({
                    url: d.url,
                    page: d.page.title,
                    section: d.title,
                    score: score,
                    titleHits: titleHits,
                    hits: hits,
                    doc: d,
                });
            }
        }
        results.sort(function (a, b) {
            return b.titleHits - a.titleHits || b.score - a.score || a.doc.i - b.doc.i;
        });
        // At most PER_PAGE sections of one page.
        const seen = new Map();
        const kept = results.filter(function (r) {
            const n = seen.get(r.doc.page) || 0;
            seen.set(r.doc.page, n + 1);
            return n < PER_PAGE;
        });
        return { terms: terms, results: kept, total: kept.length };
    }

    // Escaped HTML of a passage around the first hit, hits in <mark>.
    function snippet(text, hits) {
        const sorted = hits.slice().sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
        const first = sorted.length ? sorted[0][0] : 0;
        let from = Math.max(0, first - SNIPPET_BEFORE);
        const to = Math.min(text.length, from + SNIPPET_LENGTH);
        from = Math.max(0, Math.min(from, to - SNIPPET_LENGTH));
        // Merge overlapping hits inside the window.
        const marks = [];
        for (const h of sorted) {
            const a = Math.max(h[0], from);
            const b = Math.min(h[1], to);
            if (a >= b) {
                continue;
            }
            const last = marks[marks.length - 1];
            if (last && a <= last[1]) {
                last[1] = Math.max(last[1], b);
            } else {
                marks.push([a, b]);
            }
        }
        let out = from > 0 ? '…' : '';
        let at = from;
        for (const m of marks) {
            out += escapeHtml(text.slice(at, m[0])) + '<mark>' + escapeHtml(text.slice(m[0], m[1])) + '</mark>';
            at = m[1];
        }
        out += escapeHtml(text.slice(at, to)) + (to < text.length ? '…' : '');
        return out;
    }

    function format(pattern, values) {
        return String(pattern).replace(/\{(\w+)\}/g, function (all, k) {
            return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : all;
        });
    }

    function now() {
        return typeof performance !== 'undefined' ? performance.now() : Date.now();
    }

    const core = {
        fold: fold,
        prepare: prepare,
        parseQuery: parseQuery,
        expand: expand,
        search: search,
        snippet: snippet,
        escapeHtml: escapeHtml,
        format: format,
        MAX_RESULTS: MAX_RESULTS,
    };

    if (typeof module !== 'undefined' && module.exports) {
        module.exports = core;
        return;
    }
    root.fixbookSearch = core;

    // ---- Browser: mdBook's search box, driven by this engine. ----
    const EN = {
        placeholder: 'Search this guide…',
        loading: 'Preparing the search…',
        results: '{n} results for “{q}”',
        more: '(showing the first {n})',
        none: 'Nothing found for “{q}”. Try a shorter or different word.',
        failed: 'The search index could not be loaded. Reload the page.',
        snippet: 'Match',
    };
    const words = Object.assign({}, EN, (root.fixbookI18n && root.fixbookI18n.search) || {});
    const el = function (id) { return document.getElementById(id); };
    const wrap = el('mdbook-search-wrapper');
    const bar = el('mdbook-searchbar');
    const outer = el('mdbook-searchbar-outer');
    const resultsOuter = el('mdbook-searchresults-outer');
    const header = el('mdbook-searchresults-header');
    const list = el('mdbook-searchresults');
    const toggle = el('mdbook-search-toggle');
    if (!wrap || !bar || !list || !toggle) {
        return;
    }
    const timing = { start: now() };
    core.timing = timing;
    let index = null;
    let loading = false;
    let last = null;
    bar.setAttribute('placeholder', words.placeholder);
    // book.js asks this before handling arrow keys.
    root.search = root.search || {};
    root.search.hasFocus = function () { return document.activeElement === bar; };

    function load() {
        if (index || loading) {
            return;
        }
        loading = true;
        outer.classList.add('searching');
        const s = document.createElement('script');
        s.src = (typeof path_to_root === 'string' ? path_to_root : '') + 'fixbook-search-index.js';
        s.onload = function () {
            timing.indexLoaded = now() - timing.start;
            index = prepare(root.fixbookSearchIndex);
            timing.prepared = now() - timing.start;
            outer.classList.remove('searching');
            run();
        };
        s.onerror = function () {
            outer.classList.remove('searching');
            show(true);
            header.textContent = words.failed;
        };
        document.head.appendChild(s);
    }

    function show(results) {
        resultsOuter.classList.toggle('hidden', !results);
    }

    function open(focus) {
        wrap.classList.remove('hidden');
        toggle.setAttribute('aria-expanded', 'true');
        load();
        if (focus) {
            window.scrollTo(0, 0);
            bar.focus();
            bar.select();
        }
    }

    function close() {
        wrap.classList.add('hidden');
        toggle.setAttribute('aria-expanded', 'false');
    }

    function setUrl(q) {
        try {
            const u = new URL(window.location.href);
            if (q) {
                u.searchParams.set('search', q);
            } else {
                u.searchParams.delete('search');
            }
            history.replaceState(history.state, '', u.href);
        } catch (e) { /* file:// in some browsers */ }
    }

    function run() {
        const q = bar.value.trim();
        if (q === '') {
            last = null;
            show(false);
            list.textContent = '';
            setUrl('');
            return;
        }
        if (!index) {
            show(true);
            header.textContent = words.loading;
            load();
            return;
        }
        if (q === last) {
            return;
        }
        last = q;
        const t0 = now();
        const found = search(index, q);
        const shown = found.results.slice(0, MAX_RESULTS);
        list.textContent = '';
        const base = typeof path_to_root === 'string' ? path_to_root : '';
        for (const r of shown) {
            const li = document.createElement('li');
            const a = document.createElement('a');
            a.href = base + r.url;
            const page = document.createElement('span');
            page.className = 'fb-sr-page';
            page.textContent = r.page;
            a.appendChild(page);
            if (r.section) {
                const sec = document.createElement('span');
                sec.className = 'fb-sr-section';
                sec.textContent = r.section;
                a.appendChild(sec);
            }
            li.appendChild(a);
            const teaser = document.createElement('span');
            teaser.className = 'teaser';
            // Built from escaped text only (see snippet()).
            teaser.innerHTML = snippet(r.doc.text, r.hits);
            li.appendChild(teaser);
            list.appendChild(li);
        }
        let msg = shown.length === 0
            ? format(words.none, { q: q })
            : format(words.results, { n: found.results.length, q: q });
        if (found.results.length > shown.length) {
            msg += ' ' + format(words.more, { n: shown.length });
        }
        header.textContent = msg;
        resultsOuter.setAttribute('data-fb-results', String(shown.length));
        show(true);
        setUrl(q);
        if (timing.firstResults === undefined) {
            timing.firstResults = now() - timing.start;
            timing.firstQueryMs = now() - t0;
            resultsOuter.setAttribute('data-fb-first-ms', timing.firstResults.toFixed(1));
            resultsOuter.setAttribute('data-fb-query-ms', timing.firstQueryMs.toFixed(1));
            resultsOuter.setAttribute('data-fb-prepare-ms', index.prepareMs.toFixed(1));
        }
    }

    let composing = false;
    bar.addEventListener('compositionstart', function () { composing = true; });
    bar.addEventListener('compositionend', function () { composing = false; run(); });
    bar.addEventListener('input', function () {
        if (!composing) {
            run();
        }
    });
    bar.addEventListener('focus', load);
    outer.addEventListener('submit', function (e) {
        e.preventDefault();
        const first = list.querySelector('a');
        if (first) {
            window.location.assign(first.href);
        }
    });
    toggle.addEventListener('click', function () {
        if (wrap.classList.contains('hidden')) {
            open(true);
        } else {
            close();
        }
    });
    document.addEventListener('keydown', function (e) {
        if (e.altKey || e.ctrlKey || e.metaKey || e.isComposing) {
            return;
        }
        const t = e.target;
        const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
        if (e.key === 'Escape' && !wrap.classList.contains('hidden')) {
            e.preventDefault();
            close();
            toggle.focus();
        } else if (!typing && (e.key === 's' || e.key === 'S' || e.key === '/')) {
            e.preventDefault();
            open(true);
        } else if (t === bar && e.key === 'ArrowDown') {
            const first = list.querySelector('a');
            if (first) {
                e.preventDefault();
                first.focus();
            }
        } else if (t && t.closest && t.closest('#mdbook-searchresults') && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            e.preventDefault();
            const links = Array.from(list.querySelectorAll('li > a'));
            const i = links.indexOf(t);
            if (e.key === 'ArrowDown' && i + 1 < links.length) {
                links[i + 1].focus();
            } else if (e.key === 'ArrowUp') {
                (i > 0 ? links[i - 1] : bar).focus();
            }
        }
    });

    // ?search=... opens the box with that query (links, tests, back button).
    let initial = null;
    try {
        initial = new URL(window.location.href).searchParams.get('search');
    } catch (e) { /* ignore */ }
    if (initial) {
        bar.value = initial;
        open(false);
        run();
    }
})(typeof window !== 'undefined' ? window : this);
