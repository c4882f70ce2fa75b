/* Fault Lines: Material's search worker, with lunr's query lexer splitting words where the index does.
 *
 * lunr's query lexer keeps the separator lunr had when it loaded (spaces and hyphens), not the one the site
 * configures; it splits "Tu-95" into "tu" and "95", which match every Tu-142 and every 95, while the index,
 * built with the site's separator, holds "tu-95". Here the lexer reads the site's separator instead. Material's
 * own worker is loaded first, from the URL in this script's ?worker= parameter (set in overrides/main.html).
 */
/* global importScripts, lunr */
"use strict";
importScripts(new URL(self.location.href).searchParams.get("worker"));
Object.defineProperty(lunr.QueryLexer, "termSeparator", {
  configurable: true,
  get: function () { return lunr.tokenizer.separator; }
});
