// fixbook: mdBook's interface words in the guide's language.
// themes/mdbook/index.hbs marks each English text of mdBook's interface with
// data-fb-i18n="key" (text) and data-fb-i18n-attr="attr:key;attr:key"
// (tooltips, labels); the words come from `[chrome]` of
// themes/i18n/<lang>.toml, written by the generator into fixbook-ui.js.
// A language without `[chrome]` keeps mdBook's English.
(function () {
    'use strict';
    const words = (window.fixbookI18n && window.fixbookI18n.chrome) || null;
    if (!words) {
        return;
    }
    document.querySelectorAll('[data-fb-i18n]').forEach(function (el) {
        const w = words[el.getAttribute('data-fb-i18n')];
        if (typeof w === 'string') {
            el.textContent = w;
        }
    });
    document.querySelectorAll('[data-fb-i18n-attr]').forEach(function (el) {
        el.getAttribute('data-fb-i18n-attr').split(';').forEach(function (pair) {
            const kv = pair.split(':');
            const w = words[(kv[1] || '').trim()];
            if (kv.length === 2 && typeof w === 'string') {
                el.setAttribute(kv[0].trim(), w);
            }
        });
    });
})();
