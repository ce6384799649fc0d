// Survey script: the simple views (loading, load error, messages, "already used") and the entry tabs.
  // ---- views ----
  function title() { return h('h1', { text: L(camp, 'title') }); }

  function viewLoading(root) {
    root.appendChild(h('p', { class: 'loading', role: 'status', text: tf('loading') }));
  }

  function viewLoadError(root) {
    root.appendChild(h('h1', { text: tf('loadFail') }));
    root.appendChild(h('p', { class: 'alert', role: 'alert', text: tf('loadFailMsg') }));
    root.appendChild(h('button', { type: 'button', class: 'btn', text: tf('retry'), onclick: function () { start(true); } }));
  }

  function message(head, body) {
    return function (root) {
      if (camp) root.appendChild(title());
      root.appendChild(h('div', { class: 'notice' }, [h(camp ? 'h2' : 'h1', { 'data-focus': true, text: head }), h('p', { text: body })]));
    };
  }

  // head: the public channel's heading (usedPhone or usedHere)
  function viewUsed(justNow, head) {
    return function (root) {
      var rc = !head ? SS.get(rcptKey()) : head === 'usedHere' ? LS.get(doneKey) : null, phone = pmode() === 'phone';
      root.appendChild(title());
      root.appendChild(h('div', { class: 'notice', id: 'used' }, [
        h('h2', { 'data-focus': true, text: tf(head || 'usedTitle') }),
        h('p', { text: tf(!head ? 'usedMsg' : phone ? 'usedPub' : 'usedDev') }),
        justNow ? h('p', { text: tf(head ? 'pubJustNow' : 'usedJustNow') }) : null,
        rc ? h('p', null, [h('span', { text: tf('yourRcpt') }), h('strong', { class: 'mono', text: rc })]) : null,
        // a phone may be shared in a family: another number can still take part from it
        head && phone ? h('button', { type: 'button', class: 'btn', text: tf('otherPhone'), onclick: function () { show(viewEntry('pub'), true); } }) : null
      ]));
    };
  }

  // no invitation in the address: the short-code form, and the public path beside it when open
  function viewEntry(tab, err) {
    return function (root) {
      var two = pmode() !== 'off';
      root.appendChild(title());
      if (two) root.appendChild(tabs(tab));
      root.appendChild(tab === 'pub' ? phoneCard(err) : codeForm(err, two));
    };
  }
  function tabs(tab) {
    return h('div', { class: 'tabs' }, [['pub', pmode() === 'phone' ? 'pubTab' : 'devTab'], ['code', 'codeTab']].map(function (x) {
      return h('button', { type: 'button', class: 'tab', 'aria-pressed': String(x[0] === tab), text: tf(x[1]), onclick: function () {
        if (x[0] !== tab) { if (x[0] === 'pub') startPublic(true); else show(viewEntry('code'), true); }
      } });
    }));
  }
  function viewCode(err) { return viewEntry('code', err); }
