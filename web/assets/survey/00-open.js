// Survey script, first part. The server joins web/assets/survey/*.js, in the fixed order of SURVEY_SCRIPT in
// src/routes/pages.rs, into the one /assets/survey.js the page loads: a blank line between parts, and each
// part's header (its first lines starting with //, as these) left out. Together the parts are one strict-mode
// function, opened here and closed at the end of 13-boot.js: they share its variables, nothing is global,
// and no part works on its own.
/* 民评 survey page: plain JS, no dependencies. Text from the API is only ever set with textContent. */
'use strict';
(function () {
  var d = document;
