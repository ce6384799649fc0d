// Survey script: fitting the options to the width, the window's listeners, the start, and the end of the
// function scope opened in 00-open.js.
  // four options in a row when their labels fit, otherwise two by two
  function fitOptions() {
    if (!formEl) return;
    formEl.classList.remove('narrow');
    var spans = formEl.querySelectorAll('.opts')[0];
    spans = spans ? spans.querySelectorAll('span') : [];
    for (var i = 0; i < spans.length; i++) {
      if (spans[i].scrollWidth > spans[i].clientWidth + 1) { formEl.classList.add('narrow'); break; }
    }
  }
  var rsz = 0;
  window.addEventListener('resize', function () { clearTimeout(rsz); rsz = setTimeout(fitOptions, 150); });
  window.addEventListener('hashchange', function () { if (readHash() && readHash() !== inv) start(true); });

  if (lang === 'en') setLang('en');
  start(false);
})();
