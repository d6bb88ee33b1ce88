// fixbook troubleshooter: turns the ordered list of a message × device page
// into a checklist whose ticks are remembered in this browser
// (localStorage, one entry per message × device), with a reset button.
// Without JavaScript the page stays a plain ordered list of links.
(function () {
    'use strict';
    const box = document.querySelector('.fb-ts[data-fb-ts-key]');
    if (!box) {
        return;
    }
    const EN = {
        done: 'Done',
        progress: '{done} of {total} done',
        reset: 'Clear all ticks',
        saved: 'Ticks are saved in this browser.',
    };
    const words = Object.assign({}, EN, (window.fixbookI18n && window.fixbookI18n.troubleshoot) || {});
    const format = function (p, v) {
        return String(p).replace(/\{(\w+)\}/g, function (a, k) { return k in v ? String(v[k]) : a; });
    };
    const key = 'fixbook-troubleshoot:' + location.pathname.replace(/[^/]*$/, '') + box.getAttribute('data-fb-ts-key');
    let state = {};
    try {
        state = JSON.parse(localStorage.getItem(key) || '{}') || {};
    } catch (e) {
        state = {};
    }
    const save = function () {
        try {
            if (Object.keys(state).length) {
                localStorage.setItem(key, JSON.stringify(state));
            } else {
                localStorage.removeItem(key);
            }
        } catch (e) { /* storage off: ticks last for this visit */ }
    };
    const items = Array.from(box.querySelectorAll('li[data-fb-ts-id]'));
    const status = document.createElement('p');
    status.className = 'fb-ts-status';
    status.setAttribute('aria-live', 'polite');
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'fb-ts-reset';
    reset.textContent = words.reset;
    const note = document.createElement('span');
    note.className = 'fb-ts-saved';
    note.textContent = words.saved;
    const boxes = items.map(function (li, n) {
        const id = li.getAttribute('data-fb-ts-id');
        const cb = document.createElement('input');
        cb.type = 'checkbox';
        cb.className = 'fb-ts-box';
        cb.id = 'fb-ts-' + id;
        const link = li.querySelector('a');
        const label = document.createElement('label');
        label.className = 'fb-ts-label';
        label.htmlFor = cb.id;
        label.textContent = words.done;
        if (link) {
            cb.setAttribute('aria-label', (n + 1) + '. ' + link.textContent + ' — ' + words.done);
        }
        cb.checked = !!state[id];
        li.classList.toggle('fb-ts-done', cb.checked);
        cb.addEventListener('change', function () {
            if (cb.checked) {
                state[id] = 1;
            } else {
                delete state[id];
            }
            li.classList.toggle('fb-ts-done', cb.checked);
            save();
            update();
        });
        li.insertBefore(label, li.firstChild);
        li.insertBefore(cb, label);
        return cb;
    });
    function update() {
        const done = boxes.filter(function (b) { return b.checked; }).length;
        status.textContent = format(words.progress, { done: done, total: boxes.length });
        reset.disabled = done === 0;
    }
    reset.addEventListener('click', function () {
        state = {};
        boxes.forEach(function (b, i) {
            b.checked = false;
            items[i].classList.remove('fb-ts-done');
        });
        save();
        update();
    });
    const bar = document.createElement('div');
    bar.className = 'fb-ts-bar';
    bar.appendChild(status);
    bar.appendChild(reset);
    bar.appendChild(note);
    box.insertBefore(bar, box.firstChild);
    box.classList.add('fb-ts-js');
    update();
})();
