// CareFlow demo SPA: hash routes #/ (list) and #/patient/<nhs>. Patients switch without a page load,
// with a short loading state like a real app fetching the record. All host text goes in via textContent.
(function () {
  var app = document.getElementById('app');
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function list() {
    app.replaceChildren();
    var h = el('h1', {}, 'Patients'); app.appendChild(h);
    var ul = el('ul', { class: 'spa-list' });
    window.DEMO_PATIENTS.forEach(function (p) {
      var li = el('li'); var a = el('a', { href: '#/patient/' + p.nhs, 'data-nhs-link': p.nhs }, p.title + ' ' + p.given + ' ' + p.family);
      li.appendChild(a); ul.appendChild(li);
    });
    app.appendChild(ul);
  }
  function section(title, items, cls) {
    var s = el('section', { class: cls }); s.appendChild(el('h2', {}, title));
    var ul = el('ul'); (items.length ? items : ['None recorded']).forEach(function (x) { ul.appendChild(el('li', { class: items.length ? 'item' : 'none' }, x)); });
    s.appendChild(ul); return s;
  }
  var timer;
  function show(nhs) {
    var p = window.DEMO_PATIENTS.find(function (x) { return x.nhs === nhs; });
    app.replaceChildren(el('div', { class: 'pt-loading' }, 'Loading record…'));
    clearTimeout(timer);
    timer = setTimeout(function () {
      app.replaceChildren();
      if (!p) { app.appendChild(el('p', {}, 'Patient not found')); return; }
      var hdr = el('div', { class: 'pt-header', 'data-nhs': p.nhs });
      hdr.appendChild(el('h1', { class: 'pt-name' }, p.title + ' ' + p.given + ' ' + p.family));
      var facts = el('p', { class: 'pt-facts' });
      facts.appendChild(el('span', { class: 'pt-nhs' }, 'NHS ' + p.nhs.slice(0, 3) + '-' + p.nhs.slice(3, 6) + '-' + p.nhs.slice(6)));
      facts.appendChild(el('span', { class: 'pt-dob' }, 'Born ' + p.dob));
      facts.appendChild(el('span', { class: 'pt-sex' }, p.sex));
      facts.appendChild(el('span', { class: 'pt-address' }, p.address + ', ' + p.postcode));
      facts.appendChild(el('span', { class: 'pt-gp' }, p.gp ? 'GP practice ' + p.gp : 'No registered GP'));
      hdr.appendChild(facts);
      app.appendChild(hdr);
      app.appendChild(section('Problems', p.problems, 'pt-problems'));
      app.appendChild(section('Medications', p.medications, 'pt-medications'));
      app.appendChild(section('Allergies', p.allergies, 'pt-allergies'));
      var nav = el('p', { class: 'pt-switch' });
      window.DEMO_PATIENTS.forEach(function (o) { if (o.nhs !== p.nhs) { nav.appendChild(el('a', { href: '#/patient/' + o.nhs, 'data-nhs-link': o.nhs }, o.family)); nav.appendChild(document.createTextNode(' ')); } });
      app.appendChild(nav);
    }, 300);
  }
  function route() {
    var m = /^#\/patient\/(\d{10})$/.exec(location.hash);
    if (m) show(m[1]); else list();
  }
  window.addEventListener('hashchange', route);
  route();
})();
