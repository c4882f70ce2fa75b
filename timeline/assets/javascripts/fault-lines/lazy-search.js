/* Fault Lines: the search index is fetched when a reader starts to search, not with every page.
 *
 * Material requests search/search_index.json as soon as a page loads (hundreds of KiB, most of a first visit's
 * weight). This file runs before Material's bundle and holds that one request back until the reader opens or
 * focuses the search box, presses one of its shortcut keys (/, s, f), or arrives with ?q= in the URL; then
 * the request goes out as Material made it. Nothing else is touched, and without this file search works as
 * before.
 */
(function () {
  "use strict";

  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var released = false;
  var waiting = [];
  function release() {
    released = true;
    waiting.splice(0).forEach(function (send) { send(); });
  }

  /* Material asks with XMLHttpRequest: open() is remembered, send() waits for the reader */
  var proto = window.XMLHttpRequest && window.XMLHttpRequest.prototype;
  if (!proto) return;
  var open = proto.open;
  var send = proto.send;
  proto.open = function (method, url) {
    this.flIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  proto.send = function () {
    var request = this;
    var args = arguments;
    if (!request.flIndex || released) return send.apply(request, args);
    waiting.push(function () { send.apply(request, args); });
  };

  function start() {
    release();
    document.removeEventListener("focusin", onFocus, true);
    document.removeEventListener("pointerdown", onPointer, true);
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("change", onChange, true);
  }
  function onFocus(event) {
    if (event.target.closest && event.target.closest(".md-search")) start();
  }
  function onPointer(event) {
    if (event.target.closest && event.target.closest('.md-search, label[for="__search"]')) start();
  }
  function onKey(event) {
    var editing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if ((!editing && /^[/sSfF]$/.test(event.key)) || (event.target.closest && event.target.closest(".md-search")))
      start();
  }
  function onChange(event) {
    if (event.target.id === "__search") start();
  }

  if (new URLSearchParams(location.search).has("q")) {
    release();
    return;
  }
  document.addEventListener("focusin", onFocus, true);
  document.addEventListener("pointerdown", onPointer, true);
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("change", onChange, true);
})();
