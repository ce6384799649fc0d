// Survey script: localStorage and sessionStorage wrappers that never throw (private mode, disabled storage).
  // ---- storage that never throws (private mode, disabled storage) ----
  function store(name) {
    function s() { try { return window[name]; } catch (e) { return null; } }
    return {
      get: function (k) { try { return s().getItem(k); } catch (e) { return null; } },
      set: function (k, v) { try { s().setItem(k, v); } catch (e) { /* ignore */ } },
      del: function (k) { try { s().removeItem(k); } catch (e) { /* ignore */ } }
    };
  }
  var LS = store('localStorage'), SS = store('sessionStorage');
